"""The baseline for the dev-set table: plain ``librosa.onset.onset_detect``, the same notes at every level.

    .venv/bin/python bench/librosa_onsets.py AUDIO -o OUT.json

Writes a rokgame chart whose four difficulties all hold every onset librosa finds with its default
options (lanes in turn), so ``shared/devset/score.py --cmd`` can score it like the generator.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("audio", type=Path)
    parser.add_argument("-o", "--out", type=Path, required=True)
    args = parser.parse_args()
    import librosa

    y, sr = librosa.load(str(args.audio), sr=22050, mono=True)
    times = librosa.onset.onset_detect(y=y, sr=sr, units="time")
    notes = [{"t": round(float(t), 3), "lane": i % 5} for i, t in enumerate(times)]
    chart = {"format": "rokgame.chart", "version": 1, "lanes": 5,
             "song": {"title": args.audio.stem, "audio": args.audio.name, "duration": round(len(y) / sr, 3)},
             "difficulties": {level: {"notes": notes} for level in ("easy", "medium", "hard", "expert")}}
    args.out.write_text(json.dumps(chart))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
