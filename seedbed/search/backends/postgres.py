"""PostgreSQL text search: ``search_vector`` (title weight A, extra B, body D) with a GIN
index, ranked with ``ts_rank_cd``.

Ranking reads each hit's full vector (about 2 KB for an article, kept out of line), some
3 µs a hit: fine for a topic, too dear for an everyday word that 50,000 articles hold. So it
ranks in two steps (``Hits.rerank``): every hit gets a first score from ``search_head``,
its title and tag words (migration 0004: a short vector kept in the row): how many of the
query's words (groups) are among them; the ``CANDIDATES`` best (then the newest) are ranked
by the full vector and come first, the rest follow by the first score, then the newest. A query with up to ``CANDIDATES`` visible
hits — every topic query of the benchmark — is ranked exactly as with one step.

Hits are found through the GIN index, which answers ``@@`` without reading any vector; a
sequential scan would read every document's vector, and the planner, which does not count
that, may prefer it for very common words. The statement therefore runs with
``enable_seqscan`` off (and JIT off, which would compile for the cost that adds).

The vector is built from text already split into tokens by ``seedbed.search.text`` (with the
``simple`` configuration: no stemming, no stop words), so PostgreSQL sees the same words as
SQLite's FTS5 does. Only core features are used (no pg_trgm or unaccent).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.db import connection

from seedbed.search.backends.base import Hits, Row
from seedbed.search.query import Group, Query, Term
from seedbed.search.text import tokens

# ts_rank_cd weights for D, C, B, A; normalisation 1 divides by 1 + log(length).
WEIGHTS = "'{0.1, 0.2, 0.4, 1.0}'"
RANK = f"ts_rank_cd({WEIGHTS}, search_searchdocument.search_vector, q.q, 1)"
# The first score: how many of the query's groups title and tag words match (``@@`` on a
# short vector: a fraction of a microsecond, a tenth of what ``ts_rank_cd`` of it costs).
HEAD_HIT = "CAST(search_searchdocument.search_head @@ to_tsquery('simple', %s) AS integer)"
# The full score of a hit's vector ``{v}`` (a column named by the search).
RERANK = f"ts_rank_cd({WEIGHTS}, {{v}}, to_tsquery('simple', %s), 1)"
# Hits ranked by their full vector; more are ordered by the first score only.
CANDIDATES = 5000
PLANNER = (("enable_seqscan", "off"), ("jit", "off"))
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


def _group(group: Group) -> str:
    return "(" + " | ".join(_term(t) for t in group.alternatives) + ")"


def render(query: Query) -> str:
    """The ``to_tsquery('simple', ...)`` text of ``query``."""
    return " & ".join(_group(group) for group in query.groups)


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
        full = render(query)
        groups = [_group(group) for group in query.groups]
        first = " + ".join([HEAD_HIT] * len(groups))
        return Hits(
            sql=(
                f"SELECT {columns}, {first} AS score, "
                f"search_searchdocument.search_vector AS v {source}"
            ),
            params=[*groups, full],
            rerank=RERANK,
            rerank_params=[full],
            candidates=CANDIDATES,
            settings=PLANNER,
        )

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
