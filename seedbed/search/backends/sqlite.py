"""SQLite FTS5: ``search_fts`` (external content: the documents table, kept in step by the
triggers of migration 0002), ranked with ``bm25`` (title 10, extra 4, body 1), and
``search_fts_vocab`` for the vocabulary."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import connection

from seedbed.search.backends.base import Hits, Row
from seedbed.search.models import ID_BITS, KIND_CODES, MAX_OBJECT_ID
from seedbed.search.query import Query, Term

# Above every character: the upper bound of a prefix range.
_TOP = "\U0010ffff"
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
        return Hits(
            sql=(
                f"SELECT rowid AS id, {_KIND} AS kind, rowid & {MAX_OBJECT_ID} AS object_id, "  # noqa: S608 - constant SQL
                f"-bm25(search_fts, {WEIGHTS}) AS score FROM search_fts WHERE search_fts MATCH %s"
            ),
            params=[render(query)],
        )

    def raw_sql(self, query: Query, limit: int) -> tuple[str, list[Any]]:
        return (
            f"SELECT rowid, bm25(search_fts, {WEIGHTS}) AS r FROM search_fts "  # noqa: S608 - constant SQL
            "WHERE search_fts MATCH %s ORDER BY r LIMIT %s",
            [render(query), limit],
        )

    def known(self, words: Sequence[tuple[str, bool]]) -> set[str]:
        if not words:
            return set()
        parts: list[str] = []
        params: list[Any] = []
        for word, as_prefix in words:
            if as_prefix:
                cond, args = "term >= %s AND term < %s", [word, word + _TOP]
            else:
                cond, args = "term = %s", [word]
            parts.append(f"SELECT %s WHERE EXISTS (SELECT 1 FROM search_fts_vocab WHERE {cond})")  # noqa: S608 - constant SQL, values are parameters
            params += [word, *args]
        with connection.cursor() as cur:
            cur.execute(" UNION ALL ".join(parts), params)
            return {row[0] for row in cur.fetchall()}

    def candidates(self, words: Sequence[str], spread: int) -> dict[str, list[tuple[str, int]]]:
        if not words:
            return {}
        parts: list[str] = []
        params: list[Any] = []
        for word in words:
            parts.append(
                "SELECT %s, term, doc FROM search_fts_vocab "
                "WHERE term >= %s AND term < %s AND length(term) BETWEEN %s AND %s"
            )
            params += [word, word[0], word[0] + _TOP, len(word) - spread, len(word) + spread]
        found: dict[str, list[tuple[str, int]]] = {w: [] for w in words}
        with connection.cursor() as cur:
            cur.execute(" UNION ALL ".join(parts), params)
            for word, term, docs in cur.fetchall():
                found[word].append((term, docs))
        return found

    def before_write(self, doc_ids: Sequence[int]) -> None:
        """Nothing to do: the triggers keep ``search_fts`` in step."""

    def after_write(self, rows: Sequence[Row]) -> None:
        """Nothing to do: the triggers keep ``search_fts`` in step."""

    def rebuild(self) -> None:
        with connection.cursor() as cur:
            cur.execute("INSERT INTO search_fts(search_fts) VALUES ('rebuild')")
            cur.execute("INSERT INTO search_fts(search_fts) VALUES ('optimize')")
