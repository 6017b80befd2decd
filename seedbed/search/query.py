"""A query as the index answers it: groups of alternatives, every group required.

``parse`` turns the words of a query into groups: each word (or phrase of the synonym list)
is one group whose alternatives are the word itself and its synonyms. The word as typed also
matches as a prefix ("kube" finds "Kubernetes") once it is long enough; documents with the
exact word rank above those that only share the prefix. The backends render a ``Query`` in
their own syntax from tokens only (letters and digits), so nothing a user types can reach
the database as query syntax.
"""

from __future__ import annotations

from dataclasses import dataclass

from seedbed.search import synonyms

# Shorter words match exactly only: a two-letter prefix matches too much to be useful.
MIN_PREFIX = 3


@dataclass(frozen=True)
class Term:
    """One alternative: a word, or a phrase of words that must follow each other."""

    words: tuple[str, ...]
    prefix: bool = False


@dataclass(frozen=True)
class Group:
    """Any of its alternatives satisfies the group; the first is what was typed."""

    alternatives: tuple[Term, ...]


@dataclass(frozen=True)
class Query:
    groups: tuple[Group, ...]

    def __bool__(self) -> bool:
        return bool(self.groups)

    def terms(self) -> list[Term]:
        """Every alternative of every group (what a snippet marks)."""
        return [term for group in self.groups for term in group.alternatives]


def _typed(words: tuple[str, ...]) -> Term:
    return Term(words, prefix=len(words[-1]) >= MIN_PREFIX and not words[-1].isdigit())


def parse(words: list[str]) -> Query:
    """Group ``words`` (already tokens): the longest synonym entry starting at each word
    becomes one group of the entry's synonyms; any other word is a group of its own."""
    table = synonyms.table()
    groups: list[Group] = []
    i = 0
    while i < len(words):
        for size in range(min(synonyms.MAX_PHRASE, len(words) - i), 0, -1):
            entry = tuple(words[i : i + size])
            if entry in table:
                alternatives = [_typed(entry)]
                alternatives += [Term(alt) for alt in table[entry] if alt != entry]
                groups.append(Group(tuple(alternatives)))
                i += size
                break
        else:
            groups.append(Group((_typed((words[i],)),)))
            i += 1
    return Query(tuple(groups))


def in_synonyms(word: str) -> bool:
    return (word,) in synonyms.table()
