"""The daily housekeeping (reminders before and after deadlines, stale nudges, email retries),
its schedule in the database, the scheduler thread of ``seedbed worker`` and
``seedbed manage housekeeping``."""

from __future__ import annotations

import time
from datetime import timedelta
from io import StringIO

import pytest
from django.core import mail
from django.core.management import call_command
from django.utils import timezone

from seedbed.notifications.models import Kind, Notification
from seedbed.notifications.services import send_pending_emails
from seedbed.skills.models import Skill, Source
from seedbed.skills.services import NewAssertion, record_assertions_bulk
from seedbed.surveys import services
from seedbed.surveys.models import ScheduledJob, Scope
from seedbed.surveys.scheduler import HousekeepingScheduler

DAY = timedelta(days=1)


def _launch(org, days_to_deadline: int, **kw):  # type: ignore[no-untyped-def]
    return services.launch_campaign(
        actor=org.user("admin"),
        name=kw.pop("name", f"Due in {days_to_deadline}"),
        scope=kw.pop("scope", Scope.ROLE),
        role=org.employee.role,
        deadline=timezone.localdate() + timedelta(days=max(days_to_deadline, 0)),
        **kw,
    )


def _reminded() -> set[str]:
    return set(
        Notification.objects.filter(kind=Kind.SURVEY_REMINDER).values_list("title", flat=True)
    )


@pytest.mark.django_db
def test_housekeeping_reminds_campaigns_due_soon_once_a_day(org):
    soon = _launch(org, 2, name="Soon")
    _launch(org, 10, name="Later")
    result = services.run_housekeeping()
    assert (result.campaigns, result.reminders) == (1, 4)
    assert {t.split(" is due")[0] for t in _reminded()} == {"Reminder: Soon"}
    again = services.run_housekeeping(now=timezone.now() + timedelta(hours=3))
    assert again.reminders == 0  # idempotent within the day
    next_day = services.run_housekeeping(now=timezone.now() + DAY)
    assert next_day.reminders == 4
    assert soon.tasks.filter(reminder_count=2).count() == 4


@pytest.mark.django_db
def test_housekeeping_reminds_overdue_campaigns_for_a_week_then_stops(org):
    campaign = _launch(org, 0, name="Past")
    three_days_late = timezone.now() + 3 * DAY
    assert services.run_housekeeping(now=three_days_late).reminders == 4
    assert all(t.startswith("Overdue: Past was due on") for t in _reminded())
    assert services.run_housekeeping(now=timezone.now() + 10 * DAY).campaigns == 0
    services.close_campaign(actor=org.user("admin"), campaign=campaign)
    assert services.run_housekeeping(now=three_days_late + DAY).campaigns == 0


@pytest.mark.django_db
def test_housekeeping_nudges_about_stale_levels_and_records_its_run(org):
    python = Skill.objects.get(name="Python")
    record_assertions_bulk(
        actor=None,
        rows=[
            NewAssertion(org.employee.pk, python.pk, 3, Source.SELF, at=timezone.now() - 400 * DAY)
        ],
        summary="old",
    )
    result = services.run_housekeeping()
    assert result.nudges == 1
    job = ScheduledJob.objects.get(name=services.HOUSEKEEPING)
    assert job.last_finished_at is not None and job.last_result["nudges"] == 1
    assert services.run_housekeeping().nudges == 0


@pytest.mark.django_db
def test_emails_that_failed_are_retried_later(org, settings):
    settings.MAILERS = {"default": {"BACKEND": "tests.test_surveys_housekeeping.BrokenBackend"}}
    services.send_reminders(actor=org.user("admin"), campaign=_launch(org, 5))
    assert send_pending_emails() == 0
    assert Notification.objects.email_pending().count() == 4  # released, not lost
    settings.MAILERS = {"default": {"BACKEND": "django.core.mail.backends.locmem.EmailBackend"}}
    assert services.run_housekeeping().emails == 4
    assert len(mail.outbox) == 4
    assert send_pending_emails() == 0  # each mail once


class BrokenBackend:
    """A mail backend whose server is down."""

    def __init__(self, **kwargs: object) -> None:
        pass

    def __enter__(self) -> BrokenBackend:
        return self

    def __exit__(self, *exc: object) -> None:
        return None

    def send_messages(self, messages: object) -> int:
        raise ConnectionRefusedError("SMTP server down")


# --- schedule ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_the_schedule_queues_housekeeping_once_per_interval(org):
    now = timezone.now()
    assert services.queue_housekeeping_if_due(interval_seconds=86400, now=now)
    job = ScheduledJob.objects.get(name=services.HOUSEKEEPING)
    assert job.last_finished_at is not None  # the immediate backend ran it
    # a restarted worker asks again: not due yet
    assert not services.queue_housekeeping_if_due(
        interval_seconds=86400, now=now + timedelta(minutes=5)
    )
    assert not services.queue_housekeeping_if_due(
        interval_seconds=86400, now=now + timedelta(hours=23)
    )
    assert services.queue_housekeeping_if_due(interval_seconds=86400, now=now + DAY)


@pytest.mark.django_db
def test_a_manual_run_counts_as_the_days_run(org):
    out = StringIO()
    call_command("housekeeping", stdout=out)
    assert "Reminded 0 people in 0 campaigns" in out.getvalue()
    assert not services.queue_housekeeping_if_due(interval_seconds=86400)


@pytest.mark.django_db(transaction=True)
def test_the_worker_scheduler_thread_queues_and_stops(org):
    scheduler = HousekeepingScheduler(interval_seconds=3600, check_every=0.05)
    scheduler.start()
    try:
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            job = ScheduledJob.objects.filter(name=services.HOUSEKEEPING).first()
            if job is not None and job.last_finished_at is not None:
                break
            time.sleep(0.05)
        time.sleep(0.3)  # several more checks: none is due
    finally:
        scheduler.stop()
    assert not scheduler.is_alive()
    assert scheduler.queued == 1
