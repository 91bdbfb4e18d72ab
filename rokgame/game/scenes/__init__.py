"""One class per screen; :mod:`rokgame.game.scenes.base` has the contract."""
