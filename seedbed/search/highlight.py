"""Highlights: the words of a result that matched, marked with ``<mark>``.

One highlighter for both databases, so a snippet looks the same on SQLite and PostgreSQL.
Every piece of the text is escaped first; only then are ``<mark>`` tags put around the
(escaped) matching words, so nothing a user wrote can become markup.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from seedbed.search.query import Term
from seedbed.search.text import fold

_WORD = re.compile(r"[^\W_]+")
_ELLIPSIS = "…"
_MAX_HITS = 300  # windows are looked for among the first hits only


@dataclass(frozen=True)
class Matcher:
    """Which words of a text count as hits: any word of any alternative (the last word of a
    prefix alternative also as a prefix)."""

    exact: frozenset[str]
    prefixes: tuple[str, ...]

    @classmethod
    def of(cls, terms: Sequence[Term]) -> Matcher:
        exact: set[str] = set()
        prefixes: set[str] = set()
        for term in terms:
            exact.update(term.words)
            if term.prefix:
                prefixes.add(term.words[-1])
        return cls(frozenset(exact), tuple(sorted(prefixes)))

    def hit(self, word: str) -> str | None:
        """The folded word if it matches, else None."""
        folded = fold(word)
        if folded in self.exact or folded.startswith(self.prefixes):
            return folded
        return None


def _hits(text: str, matcher: Matcher) -> list[tuple[int, int, str]]:
    found = []
    for m in _WORD.finditer(text):
        word = matcher.hit(m.group())
        if word is not None:
            found.append((m.start(), m.end(), word))
    return found


def _render(text: str, hits: list[tuple[int, int, str]], start: int, end: int) -> str:
    out: list[str] = []
    pos = start
    for s, e, _word in hits:
        if s < start or e > end:
            continue
        out.append(escape(text[pos:s]))
        out.append(f"<mark>{escape(text[s:e])}</mark>")
        pos = e
    out.append(escape(text[pos:end]))
    return "".join(out)


def mark(text: str, matcher: Matcher) -> SafeString:
    """All of ``text``, escaped, its hits marked (titles)."""
    return mark_safe(_render(text, _hits(text, matcher), 0, len(text)))  # escaped by _render


def snippet(text: str, matcher: Matcher, *, size: int = 220) -> SafeString | None:
    """About ``size`` characters of ``text`` around the densest cluster of hits, escaped,
    hits marked; None if nothing in ``text`` matched."""
    hits = _hits(text, matcher)[:_MAX_HITS]
    if not hits:
        return None
    # The window with the most different matching words (then the most hits, then earliest).
    best = (0, 0, 0)
    best_start = hits[0][0]
    for i, (s, _e, _w) in enumerate(hits):
        inside = [h for h in hits[i:] if h[1] <= s + size]
        score = (len({h[2] for h in inside}), len(inside), -s)
        if score > best:
            best, best_start = score, s
    start = max(0, best_start - size // 4)
    if start > 0:  # begin at a word boundary
        space = text.find(" ", start)
        start = space + 1 if 0 <= space < best_start else start
    end = min(len(text), start + size)
    if end < len(text):
        space = text.rfind(" ", start, end)
        end = space if space > start else end
    body = _render(text, hits, start, end).strip()
    prefix = _ELLIPSIS if start > 0 else ""
    suffix = _ELLIPSIS if end < len(text) else ""
    return mark_safe(f"{prefix}{body}{suffix}")  # every part escaped


def lead(text: str, *, size: int = 220) -> SafeString:
    """The beginning of ``text``, escaped (a result whose hits are elsewhere)."""
    if len(text) <= size:
        return escape(text)
    cut = text.rfind(" ", 0, size)
    return mark_safe(escape(text[: cut if cut > 0 else size]) + _ELLIPSIS)
