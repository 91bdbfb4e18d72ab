"""Auto-charting: any audio file becomes a chart in four difficulties.

Arrays in, arrays out, like librosa; numpy only at import time of the submodules
(the game imports this package lazily, inside a worker thread). The public API:

- :func:`generate_chart` (audio file -> :class:`~rokgame.core.chart.Chart`)
- :func:`generate_chart_file` (audio file -> saved, cached chart file)
- :func:`load_audio` (any audio file -> mono float32 at :data:`SR`)

See ``docs/chart-generation.md`` for how a chart is made.
"""

from __future__ import annotations

# BLAS threads are limited in rokgame/__init__.py, before anything can import numpy.
from rokgame.analysis.decode import SR, load_audio
from rokgame.analysis.generate import (
    GENERATOR_NAME,
    GENERATOR_VERSION,
    cache_path,
    generate_chart,
    generate_chart_file,
)

__all__ = ["GENERATOR_NAME", "GENERATOR_VERSION", "SR", "cache_path", "generate_chart", "generate_chart_file",
           "load_audio"]
