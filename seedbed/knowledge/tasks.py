"""Background work of the knowledge app (the django-tasks-db worker; immediate in tests)."""

from __future__ import annotations

from django.tasks import task

from seedbed.knowledge.services import handovers


@task()
def start_periodic_handovers() -> int:
    """Handover interviews for people who alone hold a skill at risk and have had none in the
    last year (``handovers.REPEAT_AFTER_DAYS``). Run with the daily housekeeping."""
    return handovers.start_periodic_handovers()
