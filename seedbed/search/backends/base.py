"""The interface every search backend implements.

``FullText`` is the database's own full-text search: SQLite FTS5 or PostgreSQL text search.
``seedbed.search.services`` builds one statement around the pieces a backend returns (the
visibility filter and paging are the same SQL on both), so the two backends differ only in
how they match, rank and keep their structures.

``Semantic`` is the protocol an optional embeddings backend implements (installed as an
extra, its model on disk — never downloaded at run time). It is configured by
``settings.SEEDBED_SEARCH_SEMANTIC`` (a dotted path to a class); without it, search is
full-text only.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from seedbed.search.query import Query


@dataclass(frozen=True)
class Hits:
    """A subquery of the documents matching a query, with the columns ``id``, ``kind``,
    ``object_id`` and ``score`` (higher is better), and its parameters; ``matched`` (with
    ``matched_params``), if given, is the same without ``score``: what counting needs,
    when matching without ranking is much cheaper than ranking (FTS5's ``bm25``); ``rerank``,
    if given, ranks in two steps (PostgreSQL, see below)."""

    sql: str
    params: list[Any]
    matched: str = ""
    matched_params: list[Any] | None = None
    # Ranking in two steps, when the full score is dear to compute for every hit: ``sql``
    # also gives each hit's full-text value as ``v`` and a cheap first ``score`` (an integer
    # from 0 to 2^19); the
    # ``candidates`` best by that score (then the newest objects) are ranked by ``rerank``
    # (with ``rerank_params``), an SQL expression over ``v``, and come first; any further
    # hits follow in the order of the first score. With ``candidates`` visible hits or
    # fewer, the order is exactly that of ``rerank``.
    rerank: str = ""
    rerank_params: list[Any] | None = None
    candidates: int = 0
    # Planner settings for the statement (name, value), restored after it.
    settings: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True)
class Row:
    """A document's text as it goes into the index."""

    id: int
    title: str
    extra: str
    body: str


class FullText(Protocol):
    vendor: str

    def hits(self, query: Query) -> Hits:
        """The documents matching every group of ``query``, scored."""
        ...

    def raw_sql(self, query: Query, limit: int) -> tuple[str, list[Any]]:
        """The bare full-text statement for ``query`` (ids of the ``limit`` best documents,
        no visibility): the benchmark's baseline."""
        ...

    def after_write(self, rows: Sequence[Row]) -> None:
        """Called after documents are inserted or changed, with their text."""
        ...

    def rebuild(self) -> None:
        """Rebuild (or compact) the full-text structure from the documents table."""
        ...


class Semantic(Protocol):
    """An embeddings backend: keeps vectors of documents and finds the nearest ones to a
    text. Results are filtered by visibility and paged by ``seedbed.search.services``."""

    def index(self, rows: Sequence[Row]) -> None: ...

    def remove(self, doc_ids: Sequence[int]) -> None: ...

    def nearest(self, text: str, *, limit: int) -> list[tuple[int, float]]:
        """Up to ``limit`` ``(document id, similarity)``, most similar first."""
        ...
