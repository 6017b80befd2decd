from __future__ import annotations

from typing import Any

from django.apps import AppConfig
from django.db import DEFAULT_DB_ALIAS
from django.db.models.signals import post_migrate


class SearchConfig(AppConfig):
    name = "seedbed.search"
    label = "search"
    verbose_name = "Search"

    def ready(self) -> None:
        post_migrate.connect(_after_migrate, sender=self)


def _after_migrate(
    *,
    using: str = DEFAULT_DB_ALIAS,
    verbosity: int = 1,
    plan: Any = None,
    apps: Any = None,
    stdout: Any = None,
    **kwargs: Any,
) -> None:
    """After ``migrate`` (and ``flush``): the full-text vectors in step with the running
    code's synonym list (``seedbed.search.index.after_migrate``; the index lives in the
    default database)."""
    if using != DEFAULT_DB_ALIAS:
        return
    from seedbed.search.index import after_migrate

    done = after_migrate(plan=plan, apps=apps)
    if stdout is None or verbosity < 1:
        return
    if done.action == "rebuilt":
        stdout.write(
            f"  Search: rewrote the full-text vectors of {done.documents} documents "
            "(the synonym list or the vector format changed)."
        )
    elif done.action == "queued":
        stdout.write(
            f"  Search: the synonym list or the vector format changed; the task worker "
            f"(seedbed worker) rewrites the vectors of {done.documents} documents, search "
            "answers from the old ones until then."
        )
