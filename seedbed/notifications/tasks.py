"""Background work of notifications (the django-tasks-db worker; immediate in tests)."""

from __future__ import annotations

from django.tasks import task

from seedbed.notifications import services


@task()
def send_emails() -> int:
    """Mail every notification that waits for it; returns how many were sent."""
    return services.send_pending_emails()
