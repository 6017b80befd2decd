"""The pairs API per actor: a pair in detail, sessions (private notes only for the pair),
goals, the end, feedback; outsiders, bad input and query budgets."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from seedbed.accounts.models import AuditLog
from seedbed.mentoring.models import Feedback, MentoringSession, PairGoal, PairState
from seedbed.mentoring.services import pairs as services
from seedbed.mentoring.services.pairs import SessionData
from seedbed.people.models import Person
from tests.conftest import Org, bearer
from tests.test_mentoring_pairs_setup import SECRET, TOPIC, Mentoring, mentoring

__all__ = ["mentoring"]
pytestmark = pytest.mark.django_db


def _api(person: Person) -> Client:
    return Client(headers={"authorization": bearer(person)["HTTP_AUTHORIZATION"]})


def _post(client: Client, url: str, body: dict | None = None):  # type: ignore[no-untyped-def,type-arg]
    return client.post(url, body or {}, content_type="application/json")


def _day(days: int) -> str:
    return (timezone.localdate() + timedelta(days=days)).isoformat()


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


def test_the_pair_works_through_the_api(mentoring: Mentoring, org: Org) -> None:
    mentee, mentor = _api(org.employee), _api(mentoring.mentor)
    base = f"/api/v1/mentoring/pairs/{mentoring.pair.pk}"
    detail = mentee.get(base).json()
    assert detail["mentor_name"] == "Mia Mentor" and detail["your_side"] == "mentee"
    assert detail["focus"] == [
        {"skill_id": mentoring.python.pk, "skill_name": "Python", "level": None, "target": 3}
    ]
    assert detail["may_log_sessions"] and detail["may_end"] and not detail["may_give_feedback"]
    logged = _post(
        mentor,
        f"{base}/sessions",
        {
            "held_on": _day(-2),
            "minutes": 40,
            "topics": "Testing",
            "private_notes": "Between us",
            "skill_ids": [mentoring.python.pk],
        },
    )
    assert logged.status_code == 201, logged.json()
    session = logged.json()
    assert session["private_notes"] == "Between us" and session["skill_ids"] == [
        mentoring.python.pk
    ]
    put = mentee.put(
        f"/api/v1/mentoring/sessions/{session['id']}",
        {"held_on": _day(-2), "minutes": 60, "topics": "Testing, mocks"},
        content_type="application/json",
    )
    assert put.status_code == 200 and put.json()["minutes"] == 60
    goal = _post(
        mentee,
        f"{base}/goals",
        {"title": "Write a fixture", "skill_id": mentoring.python.pk, "target_level": 3},
    )
    assert goal.status_code == 201 and goal.json()["progress"] == 0
    gid = goal.json()["id"]
    moved = mentor.put(
        f"/api/v1/mentoring/pair-goals/{gid}",
        {"title": "Write a fixture", "progress": 100, "state": "achieved"},
        content_type="application/json",
    )
    assert moved.json()["state"] == "achieved" and moved.json()["skill_id"] is None
    assert mentee.get(base).json()["goals"][0]["progress"] == 100
    ended = _post(mentee, f"{base}/end")
    assert ended.status_code == 200 and ended.json()["state"] == "ended"
    assert ended.json()["may_give_feedback"]
    given = _post(mentee, f"{base}/feedback", {"rating": 5, "comment": "Great"})
    assert given.status_code == 201 and given.json()["side"] == "mentee"
    again = _post(mentee, f"{base}/feedback", {"rating": 4})
    assert again.status_code == 409 and "already" in again.json()["detail"]
    assert mentee.delete(f"/api/v1/mentoring/sessions/{session['id']}").status_code == 409
    assert Feedback.objects.count() == 1


def test_private_notes_are_null_for_managers_and_hr(mentoring: Mentoring, org: Org) -> None:
    _log(mentoring, org)
    url = f"/api/v1/mentoring/pairs/{mentoring.pair.pk}/sessions"
    assert _api(org.employee).get(url).json()["items"][0]["private_notes"] == SECRET
    assert _api(mentoring.mentor).get(url).json()["items"][0]["private_notes"] == SECRET
    for who in (org.manager, org.outsider_manager, org.admin):
        response = _api(who).get(url)
        assert response.status_code == 200
        item = response.json()["items"][0]
        assert item["topics"] == TOPIC and item["private_notes"] is None
        assert SECRET not in response.content.decode()


def test_outsiders_see_no_pair_and_change_nothing(mentoring: Mentoring, org: Org) -> None:
    session = _log(mentoring, org)
    goal = services.add_goal(
        actor=org.user("employee"), pair=mentoring.pair, data=services.GoalData("Mine")
    )
    clients = {who: _api(who) for who in (org.outsider, org.lead, org.report2, org.manager)}
    before = AuditLog.objects.count()
    base = f"/api/v1/mentoring/pairs/{mentoring.pair.pk}"
    for who in (org.outsider, org.lead, org.report2):
        client = clients[who]
        assert client.get(base).status_code == 404
        assert client.get(f"{base}/sessions").status_code == 404
        listed = client.get("/api/v1/mentoring/pairs").json()
        assert listed["count"] == 0
        assert (
            _post(client, f"{base}/sessions", {"held_on": _day(0), "minutes": 5}).status_code == 404
        )
        assert _post(client, f"{base}/goals", {"title": "x"}).status_code == 404
        assert _post(client, f"{base}/end").status_code == 404
        assert _post(client, f"{base}/feedback", {"rating": 1}).status_code == 404
        assert client.delete(f"/api/v1/mentoring/sessions/{session.pk}").status_code == 404
        assert client.delete(f"/api/v1/mentoring/pair-goals/{goal.pk}").status_code == 404
        response = client.put(
            f"/api/v1/mentoring/pair-goals/{goal.pk}",
            {"title": "x"},
            content_type="application/json",
        )
        assert response.status_code == 404
    # Managers see the pair but cannot work in it.
    manager = clients[org.manager]
    assert _post(manager, f"{base}/sessions", {"held_on": _day(0), "minutes": 5}).status_code == 403
    assert _post(manager, f"{base}/end").status_code == 403
    assert AuditLog.objects.count() == before
    assert MentoringSession.objects.count() == 1 and PairGoal.objects.count() == 1
    mentoring.pair.refresh_from_db()
    assert mentoring.pair.state == PairState.ACTIVE


@pytest.mark.parametrize(
    ("body", "status", "field"),
    [
        ({"held_on": _day(0), "minutes": 0}, 422, "minutes"),
        ({"held_on": _day(0), "minutes": 601}, 422, "minutes"),
        ({"held_on": "yesterday", "minutes": 30}, 422, "held_on"),
        ({"held_on": _day(0), "minutes": 30, "secret": True}, 422, "secret"),
        ({"held_on": _day(0), "minutes": 30, "topics": "a\x00b"}, 422, "topics"),
        ({"held_on": _day(3), "minutes": 30}, 400, "held_on"),
        ({"held_on": _day(0), "minutes": 30, "skill_ids": [999999]}, 404, "skill_ids"),
    ],
)
def test_bad_sessions_get_one_error_shape(
    mentoring: Mentoring, org: Org, body: dict[str, object], status: int, field: str
) -> None:
    response = _post(
        _api(org.employee), f"/api/v1/mentoring/pairs/{mentoring.pair.pk}/sessions", body
    )
    assert response.status_code == status
    error = response.json()
    assert error["field"] == field and error["detail"]
    assert not MentoringSession.objects.exists()


@pytest.mark.parametrize(
    ("body", "status", "field"),
    [
        ({"title": ""}, 422, "title"),
        ({"title": "x", "progress": 101}, 422, "progress"),
        ({"title": "x", "state": "done"}, 422, "state"),
        ({"title": "x", "target_level": 3}, 400, "skill_id"),
        ({"title": "x", "skill_id": 999999}, 404, "skill_id"),
    ],
)
def test_bad_goals_get_one_error_shape(
    mentoring: Mentoring, org: Org, body: dict[str, object], status: int, field: str
) -> None:
    response = _post(_api(org.employee), f"/api/v1/mentoring/pairs/{mentoring.pair.pk}/goals", body)
    assert response.status_code == status
    assert response.json()["field"] == field
    assert not PairGoal.objects.exists()


def test_feedback_before_the_end_and_out_of_range(mentoring: Mentoring, org: Org) -> None:
    url = f"/api/v1/mentoring/pairs/{mentoring.pair.pk}/feedback"
    client = _api(org.employee)
    assert _post(client, url, {"rating": 4}).status_code == 409
    assert _post(client, url, {"rating": 0}).status_code == 422
    assert _post(client, url, {"rating": 6}).status_code == 422


def test_hr_reads_feedback_others_only_their_own(mentoring: Mentoring, org: Org) -> None:
    services.end_pair(actor=org.user("employee"), pair=mentoring.pair)
    services.give_feedback(actor=org.user("employee"), pair=mentoring.pair, rating=2, comment="Meh")
    url = f"/api/v1/mentoring/pairs/{mentoring.pair.pk}"
    assert [f["comment"] for f in _api(org.admin).get(url).json()["feedback"]] == ["Meh"]
    assert [f["comment"] for f in _api(org.employee).get(url).json()["feedback"]] == ["Meh"]
    mentor_view = _api(mentoring.mentor).get(url).json()
    assert mentor_view["feedback"] == [] and mentor_view["feedback_given"]["mentee"] is True
    assert _api(org.manager).get(url).json()["feedback"] == []


def test_list_pairs_filters(mentoring: Mentoring, org: Org) -> None:
    client = _api(org.admin)
    assert client.get("/api/v1/mentoring/pairs").json()["count"] == 1
    assert client.get(f"/api/v1/mentoring/pairs?person={mentoring.mentor.pk}").json()["count"] == 1
    assert client.get(f"/api/v1/mentoring/pairs?person={org.lead.pk}").json()["count"] == 0
    assert client.get("/api/v1/mentoring/pairs?state=ended").json()["count"] == 0
    assert client.get("/api/v1/mentoring/pairs?origin=matching").json()["count"] == 1
    assert client.get("/api/v1/mentoring/pairs?state=bogus").status_code == 422
    assert _api(org.manager).get("/api/v1/mentoring/pairs").json()["count"] == 1


def test_list_endpoints_query_counts_do_not_grow(
    mentoring: Mentoring,
    org: Org,
    django_assert_num_queries,  # type: ignore[no-untyped-def]
) -> None:
    from tests.test_mentoring_pairs_setup import make_pair

    client = _api(org.manager)
    sessions_url = f"/api/v1/mentoring/pairs/{mentoring.pair.pk}/sessions"
    counts = []
    for size in (2, 9):
        for days in range(size):
            _log(mentoring, org, days + 1)
            other = Person.objects.create(
                full_name=f"Mentee {size}-{days}",
                email=f"m{size}{days}@x.example",
                manager=org.manager,
            )
            make_pair(mentoring.programme, mentoring.mentor, other)
        client.get(sessions_url)  # warm-up: the token's last use
        # 1 token, 2 pair, 3 count, 4 sessions with pair people, 5 their skills
        with django_assert_num_queries(5):
            response = client.get(sessions_url)
        counts.append(response.json()["count"])
        # 1 token, 2 count, 3 pairs with people, programme and skill
        with django_assert_num_queries(3):
            listed = client.get("/api/v1/mentoring/pairs")
        assert listed.status_code == 200
    assert counts[1] > counts[0]
