"""The synonym list (``data/synonyms.txt``): groups of words that mean the same, so a query
for one finds the others. Read once per process. PostgreSQL's index depends on its phrases
(``backends.postgres.phrases``): ``migrate`` rebuilds it when they change
(``seedbed.search.index.after_migrate``)."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from seedbed.search.text import tokens

SYNONYMS_FILE = Path(__file__).resolve().parent / "data" / "synonyms.txt"
# Entries are matched against up to this many consecutive query words.
MAX_PHRASE = 3

type Phrase = tuple[str, ...]


def parse(text: str) -> dict[Phrase, tuple[Phrase, ...]]:
    """``{entry: every entry of its groups}`` from the file's text (entries as token tuples;
    an entry in several groups gets all of them, itself first)."""
    table: dict[Phrase, list[Phrase]] = {}
    for line in text.splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        group = [tuple(tokens(entry)) for entry in line.split(",")]
        group = [g for g in group if 0 < len(g) <= MAX_PHRASE]
        for entry in group:
            alternatives = table.setdefault(entry, [entry])
            alternatives.extend(g for g in group if g not in alternatives)
    return {entry: tuple(alts) for entry, alts in table.items()}


@cache
def table() -> dict[Phrase, tuple[Phrase, ...]]:
    return parse(SYNONYMS_FILE.read_text(encoding="utf-8"))
