"""Mentoring in a person's data export and erasure: private notes only where the person was
in the pair, what they wrote erased, anonymous counts kept."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from django.utils import timezone

from seedbed.mentoring import personal_data
from seedbed.mentoring.models import (
    Feedback,
    MentoringSession,
    MentorRequest,
    Pair,
    PairGoal,
    PairState,
    Participant,
)
from seedbed.mentoring.services import pairs as services
from seedbed.mentoring.services.pairs import GoalData, SessionData
from tests.conftest import Org
from tests.test_mentoring_pairs_setup import SECRET, TOPIC, Mentoring, make_pair, mentoring

__all__ = ["mentoring"]
pytestmark = pytest.mark.django_db


@pytest.fixture
def history(mentoring: Mentoring, org: Org) -> Mentoring:
    """The employee's pair with a session, a goal, a request; and another pair (report2 →
    outsider, same programme) with its own private note the employee must never get."""
    services.log_session(
        actor=org.user("employee"),
        pair=mentoring.pair,
        data=SessionData(
            held_on=timezone.localdate() - timedelta(days=1),
            minutes=30,
            topics=TOPIC,
            private_notes=SECRET,
        ),
    )
    services.add_goal(
        actor=org.user("employee"),
        pair=mentoring.pair,
        data=GoalData("Speak at the team meeting", mentoring.python, 3, 40),
    )
    other = make_pair(mentoring.programme, org.report2, org.outsider)
    MentoringSession.objects.create(
        pair=other, held_on=timezone.localdate(), private_notes="OTHER-PAIR-NOTE"
    )
    MentorRequest.objects.create(
        mentee=org.employee, mentor=org.lead, skill=mentoring.python, message="Please help"
    )
    participant = Participant.objects.get(programme=mentoring.programme, person=org.employee)
    participant.goals = "Become a reviewer"
    participant.availability = "Fridays"
    participant.save()
    participant.wants_skills.add(mentoring.python)
    mentoring.pair.reasons = [{"factor": "goals", "value": 1, "detail": {"name": "Emil"}}]
    mentoring.pair.save()
    return mentoring


def test_export_holds_the_persons_mentoring(history: Mentoring, org: Org) -> None:
    data = personal_data.export(org.employee)["mentoring"]
    json.dumps(data)  # serialisable as it is
    [participation] = data["participations"]
    assert participation["goals"] == "Become a reviewer"
    assert participation["wants_skills"] == ["Python"]
    [pair] = data["pairs"]
    assert (pair["you_are"], pair["with"], pair["state"]) == ("mentee", "Mia Mentor", "active")
    assert pair["sessions"][0]["private_notes"] == SECRET
    assert pair["sessions"][0]["logged_by_you"] is True
    assert pair["goals"][0]["title"] == "Speak at the team meeting"
    assert data["requests"][0]["message"] == "Please help" and data["requests"][0]["you_asked"]
    assert "OTHER-PAIR-NOTE" not in json.dumps(data)


def test_export_leaves_out_proposals_and_shows_own_feedback(mentoring: Mentoring, org: Org) -> None:
    make_pair(mentoring.programme, org.lead, org.outsider, state=PairState.PROPOSED)
    services.end_pair(actor=org.user("employee"), pair=mentoring.pair)
    services.give_feedback(actor=org.user("employee"), pair=mentoring.pair, rating=3, comment="OK")
    assert mentoring.mentor.user is not None
    services.give_feedback(
        actor=mentoring.mentor.user, pair=mentoring.pair, rating=5, comment="Star"
    )
    assert personal_data.export(org.outsider)["mentoring"]["pairs"] == []
    data = personal_data.export(org.employee)["mentoring"]
    assert [f["comment"] for f in data["feedback_given"]] == ["OK"]


def test_erase_removes_what_they_wrote_and_keeps_counts(history: Mentoring, org: Org) -> None:
    personal_data.erase(org.employee)
    session = MentoringSession.objects.get(pair=history.pair)
    assert (session.private_notes, session.topics, session.minutes) == ("", "", 30)
    goal = PairGoal.objects.get(pair=history.pair)
    assert goal.title == personal_data.ERASED_TEXT and goal.progress == 40
    pair = Pair.objects.get(pk=history.pair.pk)
    assert pair.state == PairState.ENDED and pair.reasons == [] and pair.weakest == {}
    participant = Participant.objects.get(person=org.employee)
    assert (participant.goals, participant.availability, participant.is_active) == ("", "", False)
    assert not participant.wants_skills.exists()
    request = MentorRequest.objects.get()
    assert request.message == "" and request.state == "withdrawn"
    # Other pairs keep their notes.
    assert MentoringSession.objects.filter(private_notes="OTHER-PAIR-NOTE").exists()
    assert MentoringSession.objects.count() == 2


def test_erase_keeps_ratings_but_not_comments(mentoring: Mentoring, org: Org) -> None:
    services.end_pair(actor=org.user("employee"), pair=mentoring.pair)
    services.give_feedback(actor=org.user("employee"), pair=mentoring.pair, rating=2, comment="Hmm")
    personal_data.erase(org.employee)
    feedback = Feedback.objects.get()
    assert (feedback.rating, feedback.comment) == (2, "")


def test_erase_declines_waiting_pairs_and_drops_others_exclusions(
    mentoring: Mentoring, org: Org
) -> None:
    waiting = make_pair(mentoring.programme, org.lead, org.outsider, state=PairState.PUBLISHED)
    Participant.objects.get(person=org.lead).excluded.add(org.report2)
    personal_data.erase(org.outsider)
    waiting.refresh_from_db()
    assert waiting.state == PairState.DECLINED
    personal_data.erase(org.report2)
    assert not Participant.objects.get(person=org.lead).excluded.exists()
