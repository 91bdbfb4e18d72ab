"""Auto-charting: any audio file becomes a chart in four difficulties.

Arrays in, arrays out, like librosa; numpy only at import time of the submodules
(the game imports this package lazily, inside a worker thread). The public API:

- :func:`generate_chart` (audio file -> :class:`~rokgame.core.chart.Chart`)
- :func:`generate_chart_file` (audio file -> saved, cached chart file)
- :func:`load_audio` (any audio file -> mono float32 at :data:`SR`)

See ``docs/chart-generation.md`` for how a chart is made.
"""

from __future__ import annotations

import os
import sys

# The analysis runs its own threads (decoding and FFTs, two at a time). OpenBLAS would add a
# busy-waiting thread pool to every small matrix product on top of them: measured on the
# 2-core reference machine, 0.9 s of CPU and 0.25 s of wall time per 4-minute song wasted.
# This only takes effect when numpy is not loaded yet (the CLI and the game's worker import
# this package first); a caller that set these variables keeps its own choice.
if "numpy" not in sys.modules:
    for _variable in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ.setdefault(_variable, "1")

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
