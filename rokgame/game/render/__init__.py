"""Drawing: read-only views of the model (highway, HUD) and the menus' widgets."""
