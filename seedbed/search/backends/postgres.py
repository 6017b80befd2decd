"""PostgreSQL text search: ``search_vector`` (title weight A, extra B, body D, the body's
first ``LEAD`` words C) with a GIN index, ranked with ``ts_rank_cd`` (C and D weigh the same).

The vector is built here (``vector``) from the tokens of ``seedbed.search.text``: each at its
position, as ``to_tsvector('simple', ...)`` would place them (no stemming, no stop words), so
PostgreSQL sees the same words as SQLite's FTS5 does; and each phrase of the synonym list
("how to") also as one lexeme, so a phrase query is a look-up in the GIN index. As ``<->`` of
its words it would make PostgreSQL read the vector of every document holding both words
(60,000 of 100,000 for "how to"). Queries are cast to ``tsquery``, not parsed again. The
vectors therefore depend on the synonym list's phrases (``phrases``) and on how ``vector``
writes them (``VECTOR_FORMAT``): ``migrate`` rebuilds them when either changed
(``seedbed.search.index.after_migrate``). Only core features are used (no pg_trgm, unaccent
or RUM).

Ranking reads each hit's full vector (about 2 KB for an article, kept out of line), some
1-3 µs a hit: fine for a topic, too dear for an everyday word that 50,000 articles hold. So
it ranks in two steps (``Hits.rerank``): every hit gets a first score from two short vectors
kept in its row — ``search_head``, its title and tag words (migration 0004), and
``search_lead``, the words of its text's opening (the body's first ``LEAD`` words, weight C in
the vector: ``ts_rank_cd`` gives C D's weight, so the full ranking does not change; migration
0007): for each of the query's words (groups), 2 if title or tags hold it, plus 1 if the
opening does. The ``CANDIDATES`` best (then the newest) are ranked by the full vector and
come first, the rest follow by the first score, then the newest. A query with up to
``CANDIDATES`` visible hits (every topic query of the benchmark) is ranked exactly as in one
step. The opening is a tier below title and tags: counted like them (in the head), an
everyday word in every article's opening pushed the articles with it in the title out of
the candidates; without it, an everyday word's candidates were just the newest of the many
hits with no word in title or tags, and the first page often not the full ranking's (see
docs/benchmarks.md, "Search").

Hits are found through the GIN index, which answers ``@@`` without reading any vector; a
sequential scan would read every document's vector, and the planner, which does not count
that, may prefer it for very common words. The statement therefore runs with
``enable_seqscan`` off (and JIT off, which would compile for the cost that adds).
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from typing import Any

from django.db import connection

from seedbed.search import synonyms
from seedbed.search.backends.base import Hits, Row
from seedbed.search.query import Group, Query, Term
from seedbed.search.text import tokens

# ts_rank_cd weights for D, C, B, A; normalisation 1 divides by 1 + log(length). C (the
# body's lead) weighs as D (the body): it only marks the words the first score reads.
WEIGHTS = "'{0.1, 0.1, 0.4, 1.0}'"
RANK = f"ts_rank_cd({WEIGHTS}, search_searchdocument.search_vector, q.q, 1)"
# The first score of a group: 2 if title or tags hold it, plus 1 if the text's opening does
# (``@@`` on short vectors: a fraction of a microsecond, a tenth of what ``ts_rank_cd`` costs).
HEAD_HIT = (
    "(CAST(search_searchdocument.search_head @@ CAST(%s AS tsquery) AS integer) * 2 "
    "+ CAST(search_searchdocument.search_lead @@ CAST(%s AS tsquery) AS integer))"
)
# The body's first words, written with weight C: ``search_lead`` holds them.
LEAD = 40
# The full score of a hit's vector ``{v}`` (a column named by the search).
RERANK = f"ts_rank_cd({WEIGHTS}, {{v}}, CAST(%s AS tsquery), 1)"
# Hits ranked by their full vector; more are ordered by the first score only.
CANDIDATES = 5000
PLANNER = (("enable_seqscan", "off"), ("jit", "off"))
_BATCH = 500
# PostgreSQL's limits for a vector (``to_tsvector`` keeps within them the same way).
MAX_POSITION = 16383
MAX_POSITIONS = 255
MAX_LEXEME_BYTES = 2047
# The version of what ``vector`` writes for a given text and phrase list: raise it with any
# change to that (or to the tokens it is built from), and ``migrate`` rebuilds the vectors
# (``seedbed.search.index.fingerprint``).
VECTOR_FORMAT = 2


@cache
def _phrases() -> tuple[frozenset[tuple[str, ...]], tuple[int, ...]]:
    """The synonym list's phrases (entries of two or more words) and their lengths."""
    phrases = frozenset(entry for entry in synonyms.table() if len(entry) > 1)
    return phrases, tuple(sorted({len(p) for p in phrases}))


def phrases() -> list[str]:
    """The phrases ``vector`` keeps as one lexeme each, sorted: with ``VECTOR_FORMAT``, all
    the vectors depend on besides the documents' text."""
    return sorted(" ".join(p) for p in _phrases()[0])


def vector(title: str, extra: str, body: str) -> str:
    """The text of a document's ``tsvector``: each token of title (weight A), extra (B) and
    body (C for its first ``LEAD`` tokens, then D) at its position, as
    ``to_tsvector('simple', ...)`` of the three would give; and
    each phrase of the synonym list found in the text also as one lexeme ("how to") at the
    position of its first word. A phrase query is then a look-up of that lexeme in the GIN
    index; as ``<->`` of its words it would need every matching document's vector read."""
    phrases, lengths = _phrases()
    positions: dict[str, list[str]] = {}

    def add(lexeme: str, at: int, weight: str) -> None:
        seen = positions.setdefault(lexeme, [])
        if len(seen) < MAX_POSITIONS and (not seen or int(seen[-1][:-1]) < at):
            seen.append(f"{at}{weight}")

    position = 0
    for text, weight in ((title, "A"), (extra, "B"), (body, "D")):
        words = tokens(text)
        for i, word in enumerate(words):
            position += 1
            at = min(position, MAX_POSITION)
            marked = "C" if weight == "D" and i < LEAD else weight
            if len(word.encode()) <= MAX_LEXEME_BYTES:
                add(word, at, marked)
            for size in lengths:
                if i + size <= len(words) and tuple(words[i : i + size]) in phrases:
                    add(" ".join(words[i : i + size]), at, marked)
    # Tokens are letters and digits (and a phrase's spaces): quoted, never syntax.
    return " ".join(f"'{lexeme}':{','.join(at)}" for lexeme, at in positions.items())


def _phrase(term: Term, prefix: bool) -> str:
    # A phrase is one lexeme of the vector (``vector``); tokens are letters and digits only,
    # so quoting makes them text, never syntax.
    return f"'{' '.join(term.words)}'" + (":*" if prefix else "")


def _term(term: Term) -> str:
    exact = _phrase(term, prefix=False)
    # Both, like the SQLite backend: an exact hit counts twice and outranks a prefix hit.
    return f"{exact} | {_phrase(term, prefix=True)}" if term.prefix else exact


def _group(group: Group) -> str:
    return "(" + " | ".join(_term(t) for t in group.alternatives) + ")"


def render(query: Query) -> str:
    """The ``tsquery`` text of ``query`` (cast, not parsed again: its lexemes are tokens
    already, as the vector's are)."""
    return " & ".join(_group(group) for group in query.groups)


class PostgresFullText:
    vendor = "postgresql"

    def hits(self, query: Query) -> Hits:
        columns = (
            "search_searchdocument.id, search_searchdocument.kind, search_searchdocument.object_id"
        )
        source = (
            "FROM search_searchdocument, CAST(%s AS tsquery) AS q(q) "
            "WHERE search_searchdocument.search_vector @@ q.q"
        )
        full = render(query)
        # Each group twice: title and tags (``search_head``), then the lead (``search_lead``).
        groups = [_group(group) for group in query.groups for _column in ("head", "lead")]
        first = " + ".join([HEAD_HIT] * len(query.groups))
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
            "FROM search_searchdocument, CAST(%s AS tsquery) AS q(q) "
            "WHERE search_searchdocument.search_vector @@ q.q ORDER BY r DESC LIMIT %s",
            [render(query), limit],
        )

    def after_write(self, rows: Sequence[Row]) -> None:
        """Write the vectors of ``rows``."""
        with connection.cursor() as cur:
            for start in range(0, len(rows), _BATCH):
                batch = rows[start : start + _BATCH]
                values = ", ".join(["(%s::bigint, %s::tsvector)"] * len(batch))
                params: list[Any] = []
                for row in batch:
                    params += [row.id, vector(row.title, row.extra, row.body)]
                cur.execute(
                    "UPDATE search_searchdocument AS d SET search_vector = v.v "  # noqa: S608 - constant SQL
                    f"FROM (VALUES {values}) AS v(id, v) WHERE d.id = v.id",
                    params,
                )

    def rebuild(self) -> None:
        """Nothing to do: the vectors are written with the documents (and all rewritten by
        ``seedbed.search.index`` when the synonym list's phrases or ``VECTOR_FORMAT``
        changed)."""
