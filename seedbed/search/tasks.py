"""Background work of search (the django-tasks-db worker; immediate in tests)."""

from __future__ import annotations

from django.tasks import task

from seedbed.search import index


@task()
def rebuild_vectors() -> int | None:
    """Rewrite the full-text vectors if they are older than the running code's synonym list
    or vector format (queued by ``migrate`` for a large index); returns how many documents
    were rewritten, None if they were in step."""
    return index.refresh_vectors()
