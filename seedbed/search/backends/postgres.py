"""PostgreSQL text search: ``search_vector`` (title weight A, extra B, body D) with a GIN
index, ranked with ``ts_rank_cd``.

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
        columns = (
            "search_searchdocument.id, search_searchdocument.kind, search_searchdocument.object_id"
        )
        source = (
            "FROM search_searchdocument, to_tsquery('simple', %s) AS q(q) "
            "WHERE search_searchdocument.search_vector @@ q.q"
        )
        # No unranked form: matching reads each document's vector as ranking does, so the
        # search keeps the ranked hits once rather than matching twice.
        return Hits(sql=f"SELECT {columns}, {RANK} AS score {source}", params=[render(query)])

    def raw_sql(self, query: Query, limit: int) -> tuple[str, list[Any]]:
        return (
            f"SELECT search_searchdocument.id, {RANK} AS r "  # noqa: S608 - constant SQL
            "FROM search_searchdocument, to_tsquery('simple', %s) AS q(q) "
            "WHERE search_searchdocument.search_vector @@ q.q ORDER BY r DESC LIMIT %s",
            [render(query), limit],
        )

    def after_write(self, rows: Sequence[Row]) -> None:
        """Write the vectors of ``rows``."""
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

    def rebuild(self) -> None:
        """Nothing to do: the vectors are written with the documents."""
