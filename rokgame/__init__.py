"""rokgame: play along to any track on a five-lane highway."""

import os as _os
import sys as _sys

__version__ = "0.1.0"

# Charting runs its own threads (decoding and FFTs, two at a time); OpenBLAS would add a busy-waiting
# pool to every small matrix product on top of them (1.5-1.7x slower to a new track's first note on two
# cores). The limit only works if it is set before numpy loads, and numpy arrives on many paths (soundfile
# for a duration, the recommender, pygame's surfarray), so it is set here, where every path starts. A
# caller that set these variables keeps its own choice.
if "numpy" not in _sys.modules:
    for _variable in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        _os.environ.setdefault(_variable, "1")
