"""Full-text backends: SQLite FTS5 and PostgreSQL text search behind one interface
(``base.FullText``), chosen by the database in use; and the protocol an optional semantic
(embeddings) backend implements (``base.Semantic``)."""

from __future__ import annotations

from django.db import connection

from seedbed.search.backends.base import FullText


def full_text() -> FullText:
    """The backend of the default database."""
    if connection.vendor == "postgresql":
        from seedbed.search.backends.postgres import PostgresFullText

        return PostgresFullText()
    from seedbed.search.backends.sqlite import SqliteFullText

    return SqliteFullText()


__all__ = ["FullText", "full_text"]
