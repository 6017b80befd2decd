"""PostgreSQL text search: ``search_vector`` (title weight A, extra B, body D) with a GIN
index, ranked with ``ts_rank_cd``; ``search_term`` is the vocabulary with document counts.

The vector is built from text already split into tokens by ``seedbed.search.text`` (with the
``simple`` configuration: no stemming, no stop words), so PostgreSQL sees the same words as
SQLite's FTS5 does. Only core features are used (no pg_trgm or unaccent).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import connection

from seedbed.search.backends.base import Hits, Row
from seedbed.search.query import Query, Term
from seedbed.search.text import tokens

_TOP = "\U0010ffff"
# ts_rank_cd weights for D, C, B, A; normalisation 1 divides by 1 + log(length).
RANK = "ts_rank_cd('{0.1, 0.2, 0.4, 1.0}', search_searchdocument.search_vector, q.q, 1)"
_VECTOR = (
    "setweight(to_tsvector('simple', v.t), 'A') || setweight(to_tsvector('simple', v.e), 'B')"
    " || setweight(to_tsvector('simple', v.b), 'D')"
)
_BATCH = 500


def _phrase(term: Term, prefix: bool) -> str:
    words = [f"'{w}'" for w in term.words]  # letters and digits only: never syntax
    if prefix:
        words[-1] += ":*"
    return " <-> ".join(words)


def _term(term: Term) -> str:
    exact = _phrase(term, prefix=False)
    # Both, like the SQLite backend: an exact hit counts twice and outranks a prefix hit.
    return f"{exact} | {_phrase(term, prefix=True)}" if term.prefix else exact


def render(query: Query) -> str:
    """The ``to_tsquery('simple', ...)`` text of ``query``."""
    return " & ".join(
        "(" + " | ".join(_term(t) for t in group.alternatives) + ")" for group in query.groups
    )


def normalised(text: str) -> str:
    return " ".join(tokens(text))


class PostgresFullText:
    vendor = "postgresql"

    def hits(self, query: Query) -> Hits:
        return Hits(
            sql=(
                "SELECT search_searchdocument.id, search_searchdocument.kind, "  # noqa: S608 - constant SQL
                f"search_searchdocument.object_id, {RANK} AS score "
                "FROM search_searchdocument, to_tsquery('simple', %s) AS q(q) "
                "WHERE search_searchdocument.search_vector @@ q.q"
            ),
            params=[render(query)],
        )

    def raw_sql(self, query: Query, limit: int) -> tuple[str, list[Any]]:
        return (
            f"SELECT search_searchdocument.id, {RANK} AS r "  # noqa: S608 - constant SQL
            "FROM search_searchdocument, to_tsquery('simple', %s) AS q(q) "
            "WHERE search_searchdocument.search_vector @@ q.q ORDER BY r DESC LIMIT %s",
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
            parts.append(
                f"SELECT %s::text WHERE EXISTS (SELECT 1 FROM search_term WHERE {cond})"  # noqa: S608 - constant SQL, values are parameters
            )
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
                "SELECT %s::text, term, ndoc FROM search_term "
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
        """Take the documents' current terms out of the vocabulary counts (a term no
        document holds any more leaves the vocabulary: an erased name is not suggested)."""
        if not doc_ids:
            return
        with connection.cursor() as cur:
            cur.execute(
                "UPDATE search_term t SET ndoc = t.ndoc - c.n FROM ("
                "  SELECT u.lexeme, count(*) AS n FROM search_searchdocument d,"
                "  unnest(d.search_vector) AS u WHERE d.id = ANY(%s) GROUP BY u.lexeme"
                ") c WHERE t.term = c.lexeme",
                [list(doc_ids)],
            )
            cur.execute("DELETE FROM search_term WHERE ndoc <= 0")

    def after_write(self, rows: Sequence[Row]) -> None:
        """Write the vectors of ``rows`` and count their terms into the vocabulary."""
        with connection.cursor() as cur:
            for start in range(0, len(rows), _BATCH):
                batch = rows[start : start + _BATCH]
                values = ", ".join(["(%s::bigint, %s::text, %s::text, %s::text)"] * len(batch))
                params: list[Any] = []
                for row in batch:
                    params += [row.id, normalised(row.title), normalised(row.extra)]
                    params.append(normalised(row.body))
                cur.execute(
                    f"UPDATE search_searchdocument AS d SET search_vector = {_VECTOR} "  # noqa: S608 - constant SQL
                    f"FROM (VALUES {values}) AS v(id, t, e, b) WHERE d.id = v.id",
                    params,
                )
                self._count([row.id for row in batch], cur)

    @staticmethod
    def _count(doc_ids: list[int], cur: Any) -> None:
        cur.execute(
            "INSERT INTO search_term (term, ndoc) "
            "SELECT u.lexeme, count(*) FROM search_searchdocument d, unnest(d.search_vector) u"
            " WHERE d.id = ANY(%s) GROUP BY u.lexeme "
            "ON CONFLICT (term) DO UPDATE SET ndoc = search_term.ndoc + EXCLUDED.ndoc",
            [doc_ids],
        )

    def rebuild(self) -> None:
        """Recount the vocabulary from every vector (the vectors are written by the index)."""
        with connection.cursor() as cur:
            cur.execute("DELETE FROM search_term")
            cur.execute(
                "INSERT INTO search_term (term, ndoc) SELECT word, ndoc "
                "FROM ts_stat('SELECT search_vector FROM search_searchdocument')"
            )
