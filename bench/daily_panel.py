"""How long the main menu waits for its Daily panel, with a big library and a long history.

    .venv/bin/python bench/daily_panel.py [--tracks 500] [--plays 5000]

Builds a throw-away ROKGAME_HOME with ``--tracks`` generated charts and ``--plays``
plays, then times :func:`rokgame.daily.daily_panel`: the first call (every chart read
for "For you") and warm calls (chart figures cached). Prints figures; asserts nothing.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def build(home: Path, tracks: int, plays: int) -> None:
    from rokgame.core.chart import Chart, Difficulty, Note, Song, Tempo
    from rokgame.core.chart_io import save_chart
    from rokgame.storage.db import connect, transaction

    rng = random.Random(6)
    charts = home / "charts"
    charts.mkdir()
    connection = connect()
    with transaction(connection):
        for i in range(tracks):
            nps = rng.uniform(1.0, 8.0)
            notes = tuple(Note(round(1.0 + k / nps, 3), k % 5) for k in range(int(nps * 180)))
            chart = Chart(Song(f"Track {i}", f"{i}.ogg", "Artist"),
                          {name: Difficulty(name, notes) for name in ("easy", "medium", "hard", "expert")},
                          tempo=Tempo(rng.uniform(70, 180)),
                          generator={"features": {"energy": rng.uniform(0.1, 0.9), "onset_rate": nps * 1.3}})
            path = charts / f"{i}.json"
            save_chart(chart, path)
            connection.execute("INSERT INTO tracks (id, source, kind, title, added_at) VALUES (?, ?, 'url', ?, 'x')",
                               (i + 1, f"https://example.com/{i}", f"Track {i}"))
            connection.execute("INSERT INTO charts (track_id, path, origin, chart_sha256, added_at) "
                               "VALUES (?, ?, 'generated', ?, 'x')", (i + 1, str(path), f"{i:064x}"))
        today = date.today()
        for p in range(plays):
            day = today - timedelta(days=rng.randrange(400))
            connection.execute(
                "INSERT INTO plays (chart_sha256, track_id, difficulty, score, accuracy, stars, max_combo, notes, "
                "perfect, great, good, miss, daily_date, played_at, local_date) "
                "VALUES (?, ?, 'hard', ?, ?, ?, 0, 0, 0, 0, 0, 0, ?, ?, ?)",
                (f"{p % tracks:064x}", 1 + p % tracks, rng.randrange(10**6), rng.random(), rng.randrange(6),
                 day.isoformat() if rng.random() < 0.3 else None,
                 datetime.combine(day, datetime.min.time(), UTC).isoformat(), day.isoformat()))
    connection.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--tracks", type=int, default=500)
    parser.add_argument("--plays", type=int, default=5000)
    parser.add_argument("--repeat", type=int, default=20)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="rokgame-bench-") as folder:
        os.environ["ROKGAME_HOME"] = folder
        start = time.perf_counter()
        build(Path(folder), args.tracks, args.plays)
        print(f"built {args.tracks} charts and {args.plays} plays in {time.perf_counter() - start:.1f} s")

        from rokgame.daily import catalogue_for_menu, daily_panel
        from rokgame.storage.db import connect

        catalogue = catalogue_for_menu("")[0]
        connection = connect()
        start = time.perf_counter()
        daily_panel(datetime.now(), connection, catalogue)
        print(f"first panel (reads every chart for 'For you'): {1000 * (time.perf_counter() - start):.0f} ms")
        for label, for_you in (("warm panel", True), ("warm panel without 'For you'", False)):
            times = []
            for _ in range(args.repeat):
                start = time.perf_counter()
                daily_panel(datetime.now(), connection, catalogue, include_for_you=for_you)
                times.append(time.perf_counter() - start)
            print(f"{label}: median {1000 * statistics.median(times):.1f} ms, max {1000 * max(times):.1f} ms "
                  f"over {args.repeat} calls")
        connection.close()


if __name__ == "__main__":
    main()
