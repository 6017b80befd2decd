"""SQLite FTS5: ``search_fts`` (external content: the documents table, kept in step by the
triggers of migration 0002), ranked with ``bm25`` (title 10, extra 4, body 1)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import connection

from seedbed.search.backends.base import Hits, Row
from seedbed.search.models import ID_BITS, KIND_CODES, MAX_OBJECT_ID
from seedbed.search.query import Query, Term

WEIGHTS = "10.0, 4.0, 1.0"  # title, extra, body
_KIND = (
    f"CASE rowid >> {ID_BITS} "
    + " ".join(f"WHEN {code} THEN '{kind}'" for kind, code in KIND_CODES.items())
    + " END"
)


def _phrase(term: Term) -> str:
    # Tokens hold letters and digits only; quoting makes each a string, never syntax.
    return '"' + " ".join(term.words) + '"'


def _term(term: Term) -> str:
    exact = _phrase(term)
    # The exact phrase again beside the prefix: bm25 sums over phrases, so an exact hit
    # outranks a document that only shares the prefix.
    return f"{exact} OR {exact}*" if term.prefix else exact


def render(query: Query) -> str:
    """The FTS5 MATCH expression of ``query``."""
    return " AND ".join(
        "(" + " OR ".join(_term(t) for t in group.alternatives) + ")" for group in query.groups
    )


class SqliteFullText:
    vendor = "sqlite"

    def hits(self, query: Query) -> Hits:
        # Kind and object come from the rowid (``document_id``): no document row is read.
        columns = f"rowid AS id, {_KIND} AS kind, rowid & {MAX_OBJECT_ID} AS object_id"
        match = render(query)
        return Hits(
            sql=(
                f"SELECT {columns}, -bm25(search_fts, {WEIGHTS}) AS score "  # noqa: S608 - constant SQL
                "FROM search_fts WHERE search_fts MATCH %s"
            ),
            params=[match],
            matched=f"SELECT {columns} FROM search_fts WHERE search_fts MATCH %s",  # noqa: S608
            matched_params=[match],
        )

    def raw_sql(self, query: Query, limit: int) -> tuple[str, list[Any]]:
        return (
            f"SELECT rowid, bm25(search_fts, {WEIGHTS}) AS r FROM search_fts "  # noqa: S608 - constant SQL
            "WHERE search_fts MATCH %s ORDER BY r LIMIT %s",
            [render(query), limit],
        )

    def after_write(self, rows: Sequence[Row]) -> None:
        """Nothing to do: the triggers keep ``search_fts`` in step."""

    def rebuild(self) -> None:
        with connection.cursor() as cur:
            cur.execute("INSERT INTO search_fts(search_fts) VALUES ('rebuild')")
            cur.execute("INSERT INTO search_fts(search_fts) VALUES ('optimize')")
