"""SQLite storage: the library, charts, plays (scores) and history. Standard sqlite3 only."""
