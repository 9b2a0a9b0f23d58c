"""The reader's search page, on Wagtail's search backend (SQLite FTS5 embedded, PostgreSQL in production)."""
