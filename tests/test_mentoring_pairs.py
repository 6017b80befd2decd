"""Mentoring pair services: sessions (private notes), goals, ending, feedback, quiet reminders."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from seedbed.accounts.models import AuditLog
from seedbed.lib.errors import Conflict, NotAllowed, ServiceError
from seedbed.mentoring.models import Feedback, MentoringSession, PairGoalState, PairState
from seedbed.mentoring.services import pairs as services
from seedbed.mentoring.services.pairs import GoalData, SessionData
from seedbed.notifications.models import Notification
from seedbed.skills.models import Skill
from tests.builders import make_skill
from tests.conftest import Org
from tests.test_mentoring_pairs_setup import (
    SECRET,
    TOPIC,
    Mentoring,
    make_pair,
    make_programme,
    mentoring,
)

__all__ = ["mentoring"]
pytestmark = pytest.mark.django_db


def _session(**kw: object) -> SessionData:
    data: dict[str, object] = {
        "held_on": timezone.localdate() - timedelta(days=1),
        "minutes": 45,
        "topics": TOPIC,
        "private_notes": SECRET,
    }
    data.update(kw)
    return SessionData(**data)  # type: ignore[arg-type]


# --- sessions ------------------------------------------------------------------------------


def test_either_side_logs_a_session_and_it_counts_as_activity(
    mentoring: Mentoring, org: Org
) -> None:
    now = timezone.now()
    session = services.log_session(
        actor=org.user("employee"),
        pair=mentoring.pair,
        data=_session(skills=[mentoring.python]),
        now=now,
    )
    assert session.topics == TOPIC and session.private_notes == SECRET
    assert list(session.skills.all()) == [mentoring.python]
    mentoring.pair.refresh_from_db()
    assert mentoring.pair.last_activity_at == now
    assert mentoring.mentor.user is not None
    services.log_session(actor=mentoring.mentor.user, pair=mentoring.pair, data=_session())
    assert MentoringSession.objects.filter(pair=mentoring.pair).count() == 2
    entry = AuditLog.objects.filter(action="mentoring.session.log").first()
    assert entry is not None
    assert SECRET not in entry.summary and "code review" not in entry.summary


@pytest.mark.parametrize("who", ["manager", "outsider_manager", "admin", "outsider", "lead"])
def test_nobody_outside_the_pair_logs_sessions(mentoring: Mentoring, org: Org, who: str) -> None:
    with pytest.raises(NotAllowed):
        services.log_session(actor=org.user(who), pair=mentoring.pair, data=_session())
    assert not MentoringSession.objects.exists()


def test_private_notes_are_for_the_pair_only(mentoring: Mentoring, org: Org) -> None:
    assert mentoring.mentor.user is not None
    assert services.may_see_private(org.user("employee"), mentoring.pair)
    assert services.may_see_private(mentoring.mentor.user, mentoring.pair)
    for who in ("manager", "outsider_manager", "admin", "outsider"):
        assert not services.may_see_private(org.user(who), mentoring.pair), who


@pytest.mark.parametrize(
    ("change", "field", "message"),
    [
        ({"held_on": timezone.localdate() + timedelta(days=1)}, "held_on", "future"),
        ({"held_on": timezone.localdate() - timedelta(days=400)}, "held_on", "cannot be earlier"),
        ({"minutes": 0}, "minutes", "between 1 and 600"),
        ({"minutes": 601}, "minutes", "between 1 and 600"),
        ({"topics": "x" * 2001}, "topics", "2,000"),
        ({"private_notes": "x" * 5001}, "private_notes", "5,000"),
    ],
)
def test_bad_sessions_are_refused_with_a_reason(
    mentoring: Mentoring, org: Org, change: dict[str, object], field: str, message: str
) -> None:
    with pytest.raises(ServiceError) as exc:
        services.log_session(
            actor=org.user("employee"), pair=mentoring.pair, data=_session(**change)
        )
    assert exc.value.field == field and message in exc.value.message


def test_archived_skill_is_refused_on_a_session(mentoring: Mentoring, org: Org) -> None:
    old = make_skill("COBOL", is_active=False)
    with pytest.raises(ServiceError, match="archived"):
        services.log_session(
            actor=org.user("employee"), pair=mentoring.pair, data=_session(skills=[old])
        )


@pytest.mark.parametrize("state", [PairState.PUBLISHED, PairState.ENDED, PairState.DECLINED])
def test_sessions_only_in_an_active_pair(mentoring: Mentoring, org: Org, state: str) -> None:
    mentoring.pair.state = state
    mentoring.pair.save()
    with pytest.raises(Conflict):
        services.log_session(actor=org.user("employee"), pair=mentoring.pair, data=_session())


def test_update_and_delete_a_session(mentoring: Mentoring, org: Org) -> None:
    user = org.user("employee")
    session = services.log_session(actor=user, pair=mentoring.pair, data=_session())
    services.update_session(
        actor=user, session=session, data=_session(minutes=90, topics="New", private_notes="")
    )
    session.refresh_from_db()
    assert (session.minutes, session.topics, session.private_notes) == (90, "New", "")
    with pytest.raises(NotAllowed):
        services.delete_session(actor=org.user("manager"), session=session)
    services.delete_session(actor=user, session=session)
    assert not MentoringSession.objects.exists()


# --- goals ---------------------------------------------------------------------------------


def test_the_pair_keeps_goals_with_progress(mentoring: Mentoring, org: Org) -> None:
    assert mentoring.mentor.user is not None
    goal = services.add_goal(
        actor=org.user("employee"),
        pair=mentoring.pair,
        data=GoalData("  Review a pull request   alone ", mentoring.python, 3, 20),
    )
    assert goal.title == "Review a pull request alone" and goal.target_level == 3
    services.update_goal(
        actor=mentoring.mentor.user,
        goal=goal,
        data=GoalData(goal.title, mentoring.python, 3, 60),
    )
    goal.refresh_from_db()
    assert goal.progress == 60
    services.update_goal(
        actor=mentoring.mentor.user,
        goal=goal,
        data=GoalData(goal.title, None, None, 60, PairGoalState.ACHIEVED),
    )
    goal.refresh_from_db()
    assert goal.state == PairGoalState.ACHIEVED and goal.progress == 100 and goal.skill is None
    with pytest.raises(NotAllowed):
        services.update_goal(actor=org.user("manager"), goal=goal, data=GoalData("Mine", None))
    services.delete_goal(actor=org.user("employee"), goal=goal)
    assert not mentoring.pair.goals.exists()


@pytest.mark.parametrize(
    ("data", "field"),
    [
        (GoalData("   "), "title"),
        (GoalData("x" * 201), "title"),
        (GoalData("Goal", progress=101), "progress"),
        (GoalData("Goal", progress=-1), "progress"),
        (GoalData("Goal", state="done"), "state"),
        (GoalData("Goal", target_level=3), "skill"),
    ],
)
def test_bad_goals_are_refused(mentoring: Mentoring, org: Org, data: GoalData, field: str) -> None:
    with pytest.raises(ServiceError) as exc:
        services.add_goal(actor=org.user("employee"), pair=mentoring.pair, data=data)
    assert exc.value.field == field


def test_goal_level_must_fit_the_skill_scale(mentoring: Mentoring, org: Org) -> None:
    with pytest.raises(ServiceError, match="outside the scale") as exc:
        services.add_goal(
            actor=org.user("employee"),
            pair=mentoring.pair,
            data=GoalData("Goal", Skill.objects.get(name="Python"), 9),
        )
    assert exc.value.field == "target_level"


# --- the end and feedback ------------------------------------------------------------------


def test_either_side_ends_and_both_are_asked_for_feedback(mentoring: Mentoring, org: Org) -> None:
    services.end_pair(actor=org.user("employee"), pair=mentoring.pair)
    mentoring.pair.refresh_from_db()
    assert mentoring.pair.state == PairState.ENDED and mentoring.pair.ended_at is not None
    told = set(Notification.objects.values_list("recipient_id", flat=True))
    assert told == {mentoring.mentor.pk, mentoring.mentee.pk}
    with pytest.raises(Conflict):
        services.end_pair(actor=org.user("employee"), pair=mentoring.pair)


def test_admin_ends_a_pair_but_managers_and_outsiders_cannot(
    mentoring: Mentoring, org: Org
) -> None:
    for who in ("manager", "outsider_manager", "outsider"):
        with pytest.raises(NotAllowed):
            services.end_pair(actor=org.user(who), pair=mentoring.pair)
    services.end_pair(actor=org.user("admin"), pair=mentoring.pair)
    assert mentoring.pair.state == PairState.ENDED


def test_cohort_pairs_end_with_the_programme(mentoring: Mentoring, org: Org) -> None:
    evergreen = make_programme(name="Evergreen", kind="evergreen", ends_on=None)
    other = make_pair(evergreen, org.report2, org.outsider)
    programme = mentoring.programme
    programme.ends_on = timezone.localdate() - timedelta(days=1)
    programme.save()
    assert services.end_finished_cohorts() == 1
    mentoring.pair.refresh_from_db()
    other.refresh_from_db()
    assert mentoring.pair.state == PairState.ENDED and other.state == PairState.ACTIVE
    assert Notification.objects.filter(recipient=mentoring.mentee).count() == 1
    assert services.end_finished_cohorts() == 0


def test_each_side_gives_feedback_once_after_the_end(mentoring: Mentoring, org: Org) -> None:
    user = org.user("employee")
    with pytest.raises(Conflict, match="once the mentoring has ended"):
        services.give_feedback(actor=user, pair=mentoring.pair, rating=5)
    services.end_pair(actor=user, pair=mentoring.pair)
    with pytest.raises(ServiceError, match="from 1 to 5"):
        services.give_feedback(actor=user, pair=mentoring.pair, rating=6)
    with pytest.raises(NotAllowed):
        services.give_feedback(actor=org.user("admin"), pair=mentoring.pair, rating=4)
    feedback = services.give_feedback(actor=user, pair=mentoring.pair, rating=4, comment=" Good ")
    assert (feedback.author, feedback.rating, feedback.comment) == (mentoring.mentee, 4, "Good")
    with pytest.raises(Conflict, match="already"):
        services.give_feedback(actor=user, pair=mentoring.pair, rating=5)
    assert mentoring.mentor.user is not None
    services.give_feedback(actor=mentoring.mentor.user, pair=mentoring.pair, rating=5)
    assert Feedback.objects.count() == 2
    assert services.may_read_feedback(org.user("admin"), feedback)
    assert services.may_read_feedback(user, feedback)
    assert not services.may_read_feedback(mentoring.mentor.user, feedback)
    assert not services.may_read_feedback(org.user("manager"), feedback)


# --- quiet pairs ---------------------------------------------------------------------------


def test_quiet_pairs_are_reminded_once_per_quiet_period(
    mentoring: Mentoring,
    org: Org,
    django_capture_on_commit_callbacks,  # type: ignore[no-untyped-def]
) -> None:
    programme = mentoring.programme
    programme.quiet_after_days = 14
    programme.save()
    now = timezone.now()
    # Started 40 days ago, no session: quiet.
    with django_capture_on_commit_callbacks(execute=True):
        assert services.send_quiet_reminders(now=now) == 1
    notes = Notification.objects.filter(kind="mentoring")
    assert set(notes.values_list("recipient_id", flat=True)) == {
        mentoring.mentor.pk,
        mentoring.mentee.pk,
    }
    assert "40 days" in notes.first().body  # type: ignore[union-attr]
    assert len(mail.outbox) == 2
    # Same quiet period: no second reminder, even much later.
    assert services.send_quiet_reminders(now=now + timedelta(days=20)) == 0
    # A session starts a new period; quiet again after 14 days: reminded again.
    services.log_session(
        actor=org.user("employee"),
        pair=mentoring.pair,
        data=_session(),
        now=now + timedelta(days=1),
    )
    assert services.send_quiet_reminders(now=now + timedelta(days=10)) == 0
    assert services.send_quiet_reminders(now=now + timedelta(days=16)) == 1
    assert Notification.objects.filter(kind="mentoring").count() == 4


def test_lively_and_inactive_pairs_are_not_reminded(mentoring: Mentoring, org: Org) -> None:
    services.log_session(actor=org.user("employee"), pair=mentoring.pair, data=_session())
    ended = make_pair(mentoring.programme, org.report2, org.outsider, state=PairState.ENDED)
    assert ended.state == PairState.ENDED
    assert services.send_quiet_reminders() == 0


def test_housekeeping_runs_from_the_daily_task(mentoring: Mentoring) -> None:
    from seedbed.surveys.tasks import daily_housekeeping

    result = daily_housekeeping.call()
    assert result["mentoring"] == 1
    mentoring.pair.refresh_from_db()
    assert mentoring.pair.reminded_at is not None
