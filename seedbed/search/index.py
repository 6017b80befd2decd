"""Keeping the search index in step with the data.

Services that change something searchable call ``schedule_index(kind, ids)`` after saving
(it runs on commit, so a rolled-back change never reaches the index).
Kinds: "person", "skill", "article", "question", "learning_item".

(The search area replaces this first version with the real index.)
"""

from __future__ import annotations

from collections.abc import Iterable

KINDS = ("person", "skill", "article", "question", "learning_item")


def schedule_index(kind: str, ids: Iterable[int]) -> None:
    """Re-index (or drop, if gone) the objects of ``kind`` with these ids, on commit."""
    if kind not in KINDS:
        raise ValueError(f"unknown search kind {kind!r}")
