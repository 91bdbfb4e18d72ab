"""JSON Schemas of rokgame's file formats, for editors and tools (the loaders are the authority)."""

from __future__ import annotations

from pathlib import Path

_HERE = Path(__file__).resolve().parent


def schema_path(name: str = "chart-v1") -> Path:
    """The path of a shipped schema file: ``chart-v1`` (the chart format, version 1)."""
    path = _HERE / f"{name}.schema.json"
    if not path.is_file():
        raise FileNotFoundError(f"rokgame ships no schema called {name!r}")
    return path
