"""Pair pages: who sees what (private notes only for the pair), logging sessions (plain and
htmx), goals, the end and feedback, outsiders, bad input and query budgets."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from seedbed.accounts.models import AuditLog
from seedbed.mentoring.models import Feedback, MentoringSession, PairGoal, PairState
from seedbed.mentoring.services import pairs as services
from seedbed.mentoring.services.pairs import GoalData, SessionData
from seedbed.skills.models import Skill
from tests.conftest import Org, login_client
from tests.test_mentoring_pairs_setup import SECRET, TOPIC, Mentoring, make_pair, mentoring

__all__ = ["mentoring"]
pytestmark = pytest.mark.django_db


def _log(m: Mentoring, org: Org, days_ago: int = 1) -> MentoringSession:
    return services.log_session(
        actor=org.user("employee"),
        pair=m.pair,
        data=SessionData(
            held_on=timezone.localdate() - timedelta(days=days_ago),
            minutes=50,
            topics=TOPIC,
            private_notes=SECRET,
            skills=[m.python],
        ),
    )


def _url(m: Mentoring) -> str:
    return reverse("mentoring:pair", args=[m.pair.pk])


def test_the_pair_sees_topics_and_private_notes(mentoring: Mentoring, org: Org, clients) -> None:  # type: ignore[no-untyped-def]
    _log(mentoring, org)
    for client in (clients["employee"], login_client(mentoring.mentor)):
        body = client.get(_url(mentoring)).content.decode()
        assert TOPIC in body and SECRET in body
        assert "Mia Mentor" in body and "Emil Employee" in body and "Spring cohort" in body
        assert "Log a session" in body and "End the mentoring" in body


@pytest.mark.parametrize("who", ["manager", "outsider_manager", "admin"])
def test_managers_and_hr_see_topics_but_never_private_notes(
    mentoring: Mentoring,
    org: Org,
    clients,
    who: str,  # type: ignore[no-untyped-def]
) -> None:
    _log(mentoring, org)
    response = clients[who].get(_url(mentoring))
    body = response.content.decode()
    assert response.status_code == 200
    assert TOPIC in body
    assert SECRET not in body
    assert "Log a session" not in body


@pytest.mark.parametrize("who", ["outsider", "lead", "report2"])
def test_outsiders_see_no_pair(mentoring: Mentoring, org: Org, clients, who: str) -> None:  # type: ignore[no-untyped-def]
    session = _log(mentoring, org)
    goal = services.add_goal(
        actor=org.user("employee"), pair=mentoring.pair, data=GoalData("Ship it")
    )
    client = clients[who]
    for url in (
        _url(mentoring),
        reverse("mentoring:pair_session_edit", args=[session.pk]),
        reverse("mentoring:pair_goal_edit", args=[goal.pk]),
    ):
        response = client.get(url)
        assert response.status_code == 404, url
        assert SECRET not in response.content.decode()


@pytest.mark.parametrize("who", ["outsider", "lead", "manager", "admin"])
def test_outsiders_and_managers_change_nothing(
    mentoring: Mentoring,
    org: Org,
    clients,
    who: str,  # type: ignore[no-untyped-def]
) -> None:
    session = _log(mentoring, org)
    goal = services.add_goal(
        actor=org.user("employee"), pair=mentoring.pair, data=GoalData("Ship it")
    )
    before = AuditLog.objects.count()
    client = clients[who]
    post = {
        "held_on": timezone.localdate().isoformat(),
        "minutes": "30",
        "topics": "x",
        "title": "Hijack",
        "progress": "50",
        "state": "open",
        "rating": "1",
    }
    for name, arg in [
        ("mentoring:pair_session_new", mentoring.pair.pk),
        ("mentoring:pair_goal_new", mentoring.pair.pk),
        ("mentoring:pair_feedback", mentoring.pair.pk),
        ("mentoring:pair_session_edit", session.pk),
        ("mentoring:pair_session_delete", session.pk),
        ("mentoring:pair_goal_edit", goal.pk),
        ("mentoring:pair_goal_delete", goal.pk),
    ]:
        response = client.post(reverse(name, args=[arg]), post)
        assert response.status_code in (302, 400, 403, 404), (name, response.status_code)
    if who != "admin":  # HR may end a pair; tested below
        client.post(reverse("mentoring:pair_end", args=[mentoring.pair.pk]))
    assert AuditLog.objects.count() == before
    assert MentoringSession.objects.count() == 1 and PairGoal.objects.count() == 1
    mentoring.pair.refresh_from_db()
    assert mentoring.pair.state == PairState.ACTIVE


def test_anonymous_is_sent_to_sign_in(mentoring: Mentoring) -> None:
    response = Client().get(_url(mentoring))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_log_a_session_with_a_plain_form(mentoring: Mentoring, clients) -> None:  # type: ignore[no-untyped-def]
    response = clients["employee"].post(
        reverse("mentoring:pair_session_new", args=[mentoring.pair.pk]),
        {
            "held_on": timezone.localdate().isoformat(),
            "minutes": "45",
            "topics": "Testing strategy",
            "private_notes": "Nervous about the review",
            "skills": [str(mentoring.python.pk)],
            "other_skill": "Kubernetes",
        },
    )
    assert response.status_code == 302 and response["Location"] == _url(mentoring)
    session = MentoringSession.objects.get()
    assert session.minutes == 45 and session.private_notes == "Nervous about the review"
    assert sorted(s.name for s in session.skills.all()) == ["Kubernetes", "Python"]
    mentoring.pair.refresh_from_db()
    assert mentoring.pair.last_activity_at is not None


def test_log_a_session_with_htmx_returns_the_sessions_section(
    mentoring: Mentoring,
    clients,  # type: ignore[no-untyped-def]
) -> None:
    response = clients["employee"].post(
        reverse("mentoring:pair_session_new", args=[mentoring.pair.pk]),
        {"held_on": timezone.localdate().isoformat(), "minutes": "30", "topics": "Pairing"},
        HTTP_HX_REQUEST="true",
    )
    body = response.content.decode()
    assert response.status_code == 200
    assert body.lstrip().startswith('<section id="sessions"') and "Pairing" in body
    # The confirmation goes to the page's status region (out of band), not into the section.
    assert '<div id="sessions-status" role="status" aria-live="polite" hx-swap-oob="true">' in body
    assert "Session logged." in body and "<html" not in body


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"held_on": "", "minutes": "30"}, "This field is required"),
        ({"held_on": "2026-02-30", "minutes": "30"}, "Enter a valid date"),
        ({"held_on": "today", "minutes": "0"}, "greater than or equal to 1"),
        ({"held_on": "future", "minutes": "30"}, "cannot be in the future"),
        (
            {"held_on": "today", "minutes": "30", "other_skill": "Basket weaving"},
            "No skill is named",
        ),
    ],
)
def test_bad_sessions_show_a_specific_message(
    mentoring: Mentoring,
    clients,
    data: dict[str, str],
    message: str,  # type: ignore[no-untyped-def]
) -> None:
    today = timezone.localdate()
    data = {
        **data,
        "held_on": {
            "today": today.isoformat(),
            "future": (today + timedelta(days=3)).isoformat(),
        }.get(data["held_on"], data["held_on"]),
    }
    response = clients["employee"].post(
        reverse("mentoring:pair_session_new", args=[mentoring.pair.pk]), data
    )
    assert response.status_code == 400
    assert message in response.content.decode()
    assert not MentoringSession.objects.exists()


def test_edit_and_remove_a_session(mentoring: Mentoring, org: Org, clients) -> None:  # type: ignore[no-untyped-def]
    session = _log(mentoring, org)
    url = reverse("mentoring:pair_session_edit", args=[session.pk])
    client = login_client(mentoring.mentor)
    assert SECRET in client.get(url).content.decode()
    response = client.post(
        url, {"held_on": session.held_on.isoformat(), "minutes": "75", "topics": "Changed"}
    )
    assert response.status_code == 302
    session.refresh_from_db()
    assert (session.minutes, session.topics, session.private_notes) == (75, "Changed", "")
    # A skill outside the pair's, logged once, stays offered (and kept) when editing.
    k8s = Skill.objects.get(name="Kubernetes")
    session.skills.add(k8s)
    client.post(
        url,
        {"held_on": session.held_on.isoformat(), "minutes": "75", "skills": [str(k8s.pk)]},
    )
    assert list(session.skills.all()) == [k8s]
    # Managers of either side cannot open the edit page.
    assert clients["manager"].get(url).status_code == 403
    client.post(reverse("mentoring:pair_session_delete", args=[session.pk]))
    assert not MentoringSession.objects.exists()


def test_goals_are_added_edited_and_removed_by_the_pair(mentoring: Mentoring, clients) -> None:  # type: ignore[no-untyped-def]
    client = clients["employee"]
    response = client.post(
        reverse("mentoring:pair_goal_new", args=[mentoring.pair.pk]),
        {
            "title": "Lead a code review",
            "skill": "Python",
            "target_level": "3",
            "progress": "10",
            "state": "open",
        },
    )
    assert response.status_code == 302
    goal = PairGoal.objects.get()
    assert (goal.skill, goal.target_level, goal.progress) == (mentoring.python, 3, 10)
    body = client.get(_url(mentoring)).content.decode()
    assert "Lead a code review" in body and "10 %" in body
    response = client.post(
        reverse("mentoring:pair_goal_edit", args=[goal.pk]),
        {"title": "Lead a code review", "skill": "", "progress": "70", "state": "open"},
    )
    assert response.status_code == 302
    goal.refresh_from_db()
    assert goal.progress == 70 and goal.skill is None
    client.post(reverse("mentoring:pair_goal_delete", args=[goal.pk]))
    assert not PairGoal.objects.exists()


def test_a_goal_level_outside_the_scale_is_refused_on_the_field(
    mentoring: Mentoring,
    clients,  # type: ignore[no-untyped-def]
) -> None:
    response = clients["employee"].post(
        reverse("mentoring:pair_goal_new", args=[mentoring.pair.pk]),
        {"title": "Guru", "skill": "Python", "target_level": "9", "progress": "0", "state": "open"},
    )
    assert response.status_code == 400
    assert "outside the scale for Python" in response.content.decode()
    assert not PairGoal.objects.exists()


def test_end_then_feedback_once(mentoring: Mentoring, org: Org, clients) -> None:  # type: ignore[no-untyped-def]
    client = clients["employee"]
    response = client.post(reverse("mentoring:pair_end", args=[mentoring.pair.pk]))
    assert response.status_code == 302
    mentoring.pair.refresh_from_db()
    assert mentoring.pair.state == PairState.ENDED
    body = client.get(_url(mentoring)).content.decode()
    assert "How did it go?" in body and "Log a session" not in body
    response = client.post(
        reverse("mentoring:pair_feedback", args=[mentoring.pair.pk]),
        {"rating": "4", "comment": "Helpful and kind"},
    )
    assert response.status_code == 302
    assert Feedback.objects.get().rating == 4
    body = client.get(_url(mentoring)).content.decode()
    assert "How did it go?" not in body and "Helpful and kind" in body
    # The other side and the managers see that it was given, not what.
    mentor_view = login_client(mentoring.mentor).get(_url(mentoring)).content.decode()
    assert "The mentee has given feedback." in mentor_view
    assert "Helpful and kind" not in mentor_view
    assert "Helpful and kind" not in clients["manager"].get(_url(mentoring)).content.decode()
    assert "Helpful and kind" in clients["admin"].get(_url(mentoring)).content.decode()


def test_bad_feedback_is_refused(mentoring: Mentoring, org: Org, clients) -> None:  # type: ignore[no-untyped-def]
    services.end_pair(actor=org.user("employee"), pair=mentoring.pair)
    response = clients["employee"].post(
        reverse("mentoring:pair_feedback", args=[mentoring.pair.pk]), {"rating": "9"}
    )
    assert response.status_code == 400
    assert "Select a valid choice" in response.content.decode()
    assert not Feedback.objects.exists()


def test_hr_ends_a_pair_from_the_page(mentoring: Mentoring, clients) -> None:  # type: ignore[no-untyped-def]
    assert "End the mentoring" in clients["admin"].get(_url(mentoring)).content.decode()
    clients["admin"].post(reverse("mentoring:pair_end", args=[mentoring.pair.pk]))
    mentoring.pair.refresh_from_db()
    assert mentoring.pair.state == PairState.ENDED


def test_the_waiting_side_gets_the_answer_box(mentoring: Mentoring, org: Org, clients) -> None:  # type: ignore[no-untyped-def]
    waiting = make_pair(mentoring.programme, org.report2, org.outsider, state=PairState.PUBLISHED)
    body = login_client(org.outsider).get(reverse("mentoring:pair", args=[waiting.pk])).content
    assert reverse("mentoring:answer", args=[waiting.pk]).encode() in body
    # The manager of one side sees the pair but has nothing to answer.
    body = clients["lead"].get(reverse("mentoring:pair", args=[waiting.pk])).content
    assert reverse("mentoring:answer", args=[waiting.pk]).encode() not in body


def test_focus_skill_levels_show_only_to_who_may_see_them(
    mentoring: Mentoring,
    org: Org,
    clients,  # type: ignore[no-untyped-def]
) -> None:
    from seedbed.skills.models import Source
    from seedbed.skills.services import record_assertion

    record_assertion(
        actor=org.user("manager"),
        person=org.employee,
        skill=mentoring.python,
        level=2,
        source=Source.MANAGER,
    )
    assert "not shown to you" not in clients["manager"].get(_url(mentoring)).content.decode()
    assert (
        "not shown to you"
        not in login_client(mentoring.mentor).get(_url(mentoring)).content.decode()
    )
    # The mentor's manager sees the pair, not the mentee's levels.
    assert "not shown to you" in clients["outsider_manager"].get(_url(mentoring)).content.decode()


def test_pair_page_query_count_does_not_grow_with_sessions_and_goals(
    mentoring: Mentoring,
    org: Org,
    clients,
    django_assert_num_queries,  # type: ignore[no-untyped-def]
) -> None:
    client = clients["employee"]
    url = _url(mentoring)

    def count() -> int:
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    _log(mentoring, org)
    services.add_goal(
        actor=org.user("employee"), pair=mentoring.pair, data=GoalData("A", mentoring.python, 3)
    )
    first = count()
    for days in range(2, 8):
        _log(mentoring, org, days)
        services.add_goal(
            actor=org.user("employee"),
            pair=mentoring.pair,
            data=GoalData(f"G{days}", mentoring.python),
        )
    assert count() == first
    # 1 session, 2 user, 3 pair with people and programme, 4 goals with levels, 5 sessions,
    # 6 their skills, 7 feedback, 8 focus skills, 9 the mentee's levels in them, 10 role
    # requirements, 11 the session form's skills, 12 unread notifications (navigation).
    # (The mentee sees levels as a side of the pair: no visibility query.)
    with django_assert_num_queries(12):
        client.get(url)
