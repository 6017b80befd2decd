"""Background work of surveys (the django-tasks-db worker; immediate in tests)."""

from __future__ import annotations

from dataclasses import asdict

from django.tasks import task

from seedbed.surveys import services


@task()
def announce_campaign(campaign_id: int) -> int:
    """Tell everyone with a task in a just-launched campaign (in-app and email)."""
    return services.announce(campaign_id=campaign_id)


@task()
def daily_housekeeping() -> dict[str, int]:
    """Reminders for campaigns due soon or overdue, stale-level nudges, email retries,
    certificate expiry reminders and reminders of learning due soon. Queued about once a day by
    the scheduler in ``seedbed worker``."""
    from seedbed.certifications.services import send_expiry_reminders
    from seedbed.knowledge.services.articles import send_review_reminders
    from seedbed.knowledge.services.handovers import start_periodic_handovers
    from seedbed.learning.services.enrolments import send_due_reminders
    from seedbed.mentoring.services.pairs import housekeeping as mentoring_housekeeping

    return {
        **asdict(services.run_housekeeping()),
        "certificates": send_expiry_reminders(),
        "learning_due": send_due_reminders(),
        "article_reviews": send_review_reminders(),
        "mentoring": mentoring_housekeeping(),
        "handovers": start_periodic_handovers(),
    }
