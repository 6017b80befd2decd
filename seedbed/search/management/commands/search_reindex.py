"""Rebuild the search index.

Steps: re-index every person, skill, article, question and learning item (documents of
objects that are gone are dropped), then rebuild the database's full-text structure and
vocabulary (``seedbed.search.index.reindex_all``). Safe to run at any time.
"""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from seedbed.search.index import reindex_all


class Command(BaseCommand):
    help = "Rebuild the search index from the data."

    def handle(self, *args: Any, **options: Any) -> None:
        counts = reindex_all()
        summary = ", ".join(f"{kind} {n}" for kind, n in counts.items())
        self.stdout.write(f"Search index rebuilt: {summary}.")
