"""Full-text backends: SQLite FTS5 and PostgreSQL text search behind one interface
(``base.FullText``), chosen by the database in use; and the protocol an optional semantic
(embeddings) backend implements (``base.Semantic``)."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import connection
from django.utils.module_loading import import_string

from seedbed.search.backends.base import FullText, Hits, Semantic


def full_text() -> FullText:
    """The backend of the default database."""
    if connection.vendor == "postgresql":
        from seedbed.search.backends.postgres import PostgresFullText

        return PostgresFullText()
    from seedbed.search.backends.sqlite import SqliteFullText

    return SqliteFullText()


_SEMANTIC: dict[str, Semantic] = {}


def semantic() -> Semantic | None:
    """The semantic backend named by ``settings.SEEDBED_SEARCH_SEMANTIC`` (a dotted path to
    a class implementing ``base.Semantic``), one instance per process; None if not set."""
    path = getattr(settings, "SEEDBED_SEARCH_SEMANTIC", "")
    if not path:
        return None
    if path not in _SEMANTIC:
        _SEMANTIC[path] = import_string(path)()
    return _SEMANTIC[path]


def candidate_hits(candidates: list[tuple[int, float]]) -> Hits:
    """Hits from a semantic backend's ``(document id, similarity)`` pairs: the same shape as
    a full-text backend's, so visibility, counts and paging are the same SQL."""
    rows = " UNION ALL ".join(
        ["SELECT CAST(%s AS BIGINT) AS id, CAST(%s AS DOUBLE PRECISION) AS score"] * len(candidates)
    )
    params: list[Any] = [v for pair in candidates for v in pair]
    return Hits(
        sql=(
            "SELECT d.id, d.kind, d.object_id, c.score "  # noqa: S608 - constant SQL
            f"FROM ({rows}) AS c JOIN search_searchdocument d ON d.id = c.id"
        ),
        params=params,
    )


__all__ = ["FullText", "Hits", "Semantic", "candidate_hits", "full_text", "semantic"]
