"""Rebuild the search index.

Steps: re-index every person, skill, article, question and learning item (documents of
objects that are gone are dropped), then rebuild the database's full-text structure and
vocabulary; on PostgreSQL, rewrite every document's vector if the synonym list or the vector
format changed since they were built, and record what they are built from
(``seedbed.search.index.reindex_all``). Safe to run at any time. (``migrate`` already
rewrites stale vectors by itself: this command is not needed after an upgrade.)
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
