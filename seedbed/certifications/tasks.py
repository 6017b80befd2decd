"""Background work of certifications (the django-tasks-db worker; immediate in tests)."""

from __future__ import annotations

from django.tasks import task

from seedbed.certifications import services


@task()
def send_expiry_reminders() -> int:
    """Remind holders and their managers of certificates expiring within 60, 30 and 7 days
    (each threshold once per certificate). Queued with the daily housekeeping."""
    return services.send_expiry_reminders()
