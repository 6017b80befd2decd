"""The index's vocabulary: every word in the documents with the number of documents holding
it (``search_term``, created by migration 0002 with byte-order collation on both databases,
so a word start is a key range). It answers "is this word known?" and "which known words
are close to it?" for typo tolerance in one indexed query each.

Kept by ``seedbed.search.index`` with the same tokens on SQLite and PostgreSQL: documents'
words are counted in when written and out before they change or go, and a word no document
holds any more leaves the table (an erased name is not kept, nor ever suggested).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from typing import Any

from django.db import connection

from seedbed.search.text import tokens

# Above every character: the upper bound of a word-start range.
_TOP = "\U0010ffff"
_BATCH = 2000


def words_of(texts: Iterable[tuple[str, str, str]]) -> Counter[str]:
    """How many of these documents (title, extra, body) hold each word."""
    counts: Counter[str] = Counter()
    for title, extra, body in texts:
        counts.update(set(tokens(f"{title}\n{extra}\n{body}")))
    return counts


def _upsert(counts: Counter[str], sign: int) -> None:
    items = [(term, sign * n) for term, n in counts.items() if n]
    with connection.cursor() as cur:
        for start in range(0, len(items), _BATCH):
            cur.executemany(
                "INSERT INTO search_term (term, ndoc) VALUES (%s, %s) "
                "ON CONFLICT (term) DO UPDATE SET ndoc = search_term.ndoc + excluded.ndoc",
                items[start : start + _BATCH],
            )
        if sign < 0:
            cur.execute("DELETE FROM search_term WHERE ndoc <= 0")


def count_in(counts: Counter[str]) -> None:
    _upsert(counts, 1)


def count_out(counts: Counter[str]) -> None:
    _upsert(counts, -1)


def clear() -> None:
    with connection.cursor() as cur:
        cur.execute("DELETE FROM search_term")


def known(words: Sequence[tuple[str, bool]]) -> set[str]:
    """Which of ``(word, as_prefix)`` are words of the index (or, with ``as_prefix``, the
    start of one). One query."""
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
            "SELECT CAST(%s AS TEXT) WHERE EXISTS "  # noqa: S608 - constant SQL
            f"(SELECT 1 FROM search_term WHERE {cond})"
        )
        params += [word, *args]
    with connection.cursor() as cur:
        cur.execute(" UNION ALL ".join(parts), params)
        return {row[0] for row in cur.fetchall()}


def near(words: Sequence[str], spread: int) -> dict[str, list[tuple[str, int]]]:
    """Words of the index that could be what each of ``words`` meant: the same first
    letter, a length within ``spread``; with their document counts. One query."""
    if not words:
        return {}
    parts: list[str] = []
    params: list[Any] = []
    for word in words:
        parts.append(
            "SELECT CAST(%s AS TEXT), term, ndoc FROM search_term "
            "WHERE term >= %s AND term < %s AND length(term) BETWEEN %s AND %s"
        )
        params += [word, word[0], word[0] + _TOP, len(word) - spread, len(word) + spread]
    found: dict[str, list[tuple[str, int]]] = {w: [] for w in words}
    with connection.cursor() as cur:
        cur.execute(" UNION ALL ".join(parts), params)
        for word, term, docs in cur.fetchall():
            found[word].append((term, docs))
    return found
