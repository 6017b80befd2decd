"""Highlights: the words of a result that matched, marked with ``<mark>``.

One highlighter for both databases, so a snippet looks the same on SQLite and PostgreSQL.
Every piece of the text is escaped first; only then are ``<mark>`` tags put around the
(escaped) matching words, so nothing a user wrote can become markup.
"""

from __future__ import annotations

import html
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache

from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe

from seedbed.search.query import Term
from seedbed.search.text import fold

_ELLIPSIS = "…"
_MAX_HITS = 300  # windows are looked for among the first hits only
_NON_ASCII = re.compile(r"[^\x00-\x7f]")


@cache
def _fold_table() -> dict[int, str]:
    """Every character whose folded form is one other character ("Ü" -> "u"): folding a
    text with it keeps every position, so hits found in the folded text mark the original."""
    table = {}
    for cp in range(0x10000):
        if 0xD800 <= cp <= 0xDFFF:
            continue
        ch = chr(cp)
        folded = fold(ch)
        if len(folded) == 1 and folded != ch:
            table[cp] = folded
    return table


def _folded(text: str) -> str:
    """``text`` with each character folded in place (ASCII needs nothing: the pattern
    ignores case)."""
    if text.isascii():
        return text
    table = _fold_table()
    return _NON_ASCII.sub(lambda m: table.get(ord(m.group()), m.group()), text)


@dataclass(frozen=True)
class Matcher:
    """Which words of a text count as hits: any one-word alternative (also as a prefix if it
    is one), and a phrase alternative ("how to") only as its words in a row — as the index
    matched it; found by one regular expression."""

    pattern: re.Pattern[str] | None

    @classmethod
    def of(cls, terms: Sequence[Term]) -> Matcher:
        exact: set[str] = set()
        prefixes: set[str] = set()
        phrases: set[str] = set()
        for term in terms:
            if len(term.words) > 1:
                # Words in a row: anything but letters and digits between them.
                phrase = r"[\W_]+".join(re.escape(w) for w in term.words)
                phrases.add(phrase + (r"[^\W_]*" if term.prefix else ""))
            elif term.prefix:
                prefixes.add(term.words[0])
            else:
                exact.add(term.words[0])
        words = sorted(phrases, key=len, reverse=True)
        words += [re.escape(w) for w in sorted(exact - prefixes, key=len, reverse=True)]
        words += [re.escape(p) + r"[^\W_]*" for p in sorted(prefixes, key=len, reverse=True)]
        if not words:
            return cls(None)
        return cls(re.compile(r"(?<![^\W_])(?:" + "|".join(words) + r")(?![^\W_])", re.I))


def _hits(text: str, matcher: Matcher) -> list[tuple[int, int, str]]:
    if matcher.pattern is None:
        return []
    found = matcher.pattern.finditer(_folded(text))
    return [(m.start(), m.end(), m.group().lower()) for m in found]


def _render(text: str, hits: list[tuple[int, int, str]], start: int, end: int) -> str:
    # The standard library's escape, as Django's ``escape`` does it (the same five
    # characters), without its lazy-string wrapper: a page of results escapes 2,000 pieces.
    out: list[str] = []
    pos = start
    for s, e, _word in hits:
        if s < start or e > end:
            continue
        out.append(html.escape(text[pos:s]))
        out.append(f"<mark>{html.escape(text[s:e])}</mark>")
        pos = e
    out.append(html.escape(text[pos:end]))
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
    # The window with the most different matching words (then the most hits, then the
    # earliest): two pointers over the hits, in order.
    best: tuple[int, int, int] = (0, 0, 0)
    best_start = hits[0][0]
    inside: Counter[str] = Counter()
    j = 0
    for i, (s, _e, word) in enumerate(hits):
        while j < len(hits) and (j <= i or hits[j][1] <= s + size):
            inside[hits[j][2]] += 1
            j += 1
        score = (len(inside), j - i, -s)
        if score > best:
            best, best_start = score, s
        inside[word] -= 1
        if not inside[word]:
            del inside[word]
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
