"""The mentoring programmes API per actor: programmes, sign-up, matching and review,
publishing, answers, requests; outsiders and bad input; query budgets of the lists."""

from __future__ import annotations

from typing import Any

import pytest
from django.test import Client

from seedbed.mentoring.models import MentorRequest, Pair, PairState, Participant, Programme
from seedbed.mentoring.services import programmes as services
from seedbed.mentoring.services import programmes_matching as matching
from seedbed.skills.models import Skill
from tests.builders import make_person
from tests.conftest import Org, bearer
from tests.test_mentoring_programmes import cast, make_programme

pytestmark = pytest.mark.django_db
BASE = "/api/v1/mentoring"


def _api(person) -> Client:  # type: ignore[no-untyped-def]
    return Client(headers={"authorization": bearer(person)["HTTP_AUTHORIZATION"]})


def _post(client: Client, url: str, body: dict[str, Any] | None = None):  # type: ignore[no-untyped-def]
    return client.post(url, body or {}, content_type="application/json")


def _put(client: Client, url: str, body: dict[str, Any]):  # type: ignore[no-untyped-def]
    return client.put(url, body, content_type="application/json")


@pytest.fixture
def programme(org: Org) -> Programme:
    found = make_programme(org)
    cast(org, found)
    return found


def test_programme_life_through_the_api(org: Org) -> None:
    admin = _api(org.admin)
    python = Skill.objects.get(name="Python")
    body = {
        "name": "API guild",
        "kind": "evergreen",
        "purpose": "reverse",
        "skill_ids": [python.pk],
        "weights": {
            "skills": 1,
            "goals": 1,
            "language": 0,
            "timezone": 0,
            "teams": 0,
            "seniority": 0,
        },
    }
    created = _post(admin, f"{BASE}/programmes", body)
    assert created.status_code == 201, created.json()
    data = created.json()
    assert data["state"] == "draft" and data["skill_ids"] == [python.pk]
    weights = {w["key"]: w["value"] for w in data["weights"]}
    assert weights["skills"] == 0.5 and data["weights"][0]["explanation"]
    url = f"{BASE}/programmes/{data['id']}"
    assert _api(org.employee).get(url).status_code == 404  # a draft
    opened = _post(admin, f"{url}/state", {"state": "open"})
    assert opened.json()["state"] == "open"
    assert _api(org.employee).get(url).json()["joined"] is False
    updated = _put(admin, url, {**body, "name": "Renamed", "weights": None})
    assert updated.json()["name"] == "Renamed"
    assert {w["key"]: w["value"] for w in updated.json()["weights"]}["skills"] == 0.5
    assert admin.delete(url).status_code == 409  # not a draft
    listed = _api(org.employee).get(f"{BASE}/programmes", {"purpose": "reverse"}).json()
    assert listed["count"] == 1 and listed["items"][0]["name"] == "Renamed"


def test_programme_bad_input(org: Org) -> None:
    admin = _api(org.admin)
    cases = [
        ({"name": ""}, 422, "name"),
        ({"name": "X", "colour": "red"}, 422, "colour"),
        ({"name": "X", "min_score": 2}, 422, "min_score"),
        ({"name": "X", "weights": {"skills": 1}}, 422, "weights.goals"),
        ({"name": "X", "skill_ids": [999999]}, 404, "skill_ids"),
        ({"name": "X", "starts_on": "2027-02-01", "ends_on": "2027-01-01"}, 400, "ends_on"),
        ({"name": "X\u0000"}, 422, "name"),
    ]
    for body, status, field in cases:
        response = _post(admin, f"{BASE}/programmes", body)
        assert response.status_code == status, (body, response.json())
        assert response.json()["field"] == field, (body, response.json())
    zero = dict.fromkeys(("skills", "goals", "language", "timezone", "teams", "seniority"), 0)
    response = _post(admin, f"{BASE}/programmes", {"name": "X", "weights": zero})
    assert response.status_code == 400 and "At least one weight" in response.json()["detail"]


def test_only_admins_change_programmes(org: Org, programme: Programme) -> None:
    url = f"{BASE}/programmes/{programme.pk}"
    for name in ("manager", "employee", "outsider"):
        client = _api(getattr(org, name))
        assert _post(client, f"{BASE}/programmes", {"name": "X"}).status_code == 403
        assert _put(client, url, {"name": "X"}).status_code == 403
        assert _post(client, f"{url}/state", {"state": "closed"}).status_code == 403
        assert client.delete(url).status_code == 403
        assert client.get(f"{url}/participants").status_code == 403
        assert client.get(f"{url}/proposal").status_code == 403
        assert _post(client, f"{url}/matching").status_code == 403
        assert _post(client, f"{url}/rematch").status_code == 403
        assert _post(client, f"{url}/publish").status_code == 403
    assert not programme.pairs.exists()


def test_sign_up_through_the_api(org: Org) -> None:
    programme = make_programme(org)
    url = f"{BASE}/programmes/{programme.pk}/participation"
    emil = _api(org.employee)
    python = Skill.objects.get(name="Python")
    joined = _post(
        emil,
        url,
        {"role": "mentee", "languages": "en", "wants_skill_ids": [python.pk], "goals": "Python"},
    )
    assert joined.status_code == 201, joined.json()
    assert joined.json()["wants_skill_ids"] == [python.pk] and joined.json()["timezone"] == "UTC"
    assert _post(emil, url, {"role": "mentee"}).status_code == 409
    assert emil.get(url).json()["role"] == "mentee"
    changed = _put(emil, url, {"role": "both", "capacity": 2, "languages": "en, de"})
    assert changed.json()["role"] == "both" and changed.json()["languages"] == "en, de"
    bad = _post(_api(org.lead), url, {"role": "mentor", "timezone": "Mars/Base"})
    assert bad.status_code == 400 and bad.json()["field"] == "timezone"
    unknown = _post(_api(org.lead), url, {"role": "mentor", "excluded_ids": [999999]})
    assert unknown.status_code == 404 and unknown.json()["field"] == "excluded_ids"
    other = _post(emil, url, {"role": "mentee", "person_id": org.lead.pk})
    assert other.status_code == 403
    by_hr = _post(_api(org.admin), url, {"role": "mentor", "person_id": org.lead.pk})
    assert by_hr.status_code == 201 and by_hr.json()["person_id"] == org.lead.pk
    assert emil.delete(url).status_code == 204
    assert emil.get(url).status_code == 404


def test_mentors_list_for_everyone_participants_for_hr(org: Org, programme: Programme) -> None:
    mentors = _api(org.outsider).get(f"{BASE}/programmes/{programme.pk}/mentors").json()
    assert {m["person_name"] for m in mentors["items"]} == {"Lea Lead", "Otto Other"}
    assert "goals" not in mentors["items"][0] and "excluded_ids" not in mentors["items"][0]
    everyone = _api(org.admin).get(
        f"{BASE}/programmes/{programme.pk}/participants", {"role": "mentee"}
    )
    assert everyone.json()["count"] == 3 and "excluded_ids" in everyone.json()["items"][0]
    bad = _api(org.admin).get(f"{BASE}/programmes/{programme.pk}/participants", {"team_id": 99999})
    assert bad.status_code == 404 and bad.json()["field"] == "team_id"


def test_matching_review_publish_and_answers(org: Org, programme: Programme) -> None:
    admin = _api(org.admin)
    url = f"{BASE}/programmes/{programme.pk}"
    proposal = _post(admin, f"{url}/matching", {"objective": "coverage"}).json()
    assert proposal["objective"] == "coverage" and len(proposal["proposed"]) == 3
    pair = next(p for p in proposal["proposed"] if p["mentee_name"] == "Rita Report")
    assert pair["reasons"] and pair["reasons"][0]["text"] and pair["weakest"]["text"]
    assert proposal["mentees_matched"] == 3 and proposal["unmatched"] == []
    assert admin.get(f"{url}/proposal").json()["proposed"] == proposal["proposed"]
    refused = _post(admin, f"{url}/proposal/{pair['id']}/swap", {"mentor_id": org.lead.pk})
    assert refused.status_code == 400 and "reporting line" in refused.json()["detail"]
    assert refused.json()["field"] == "mentor_id"
    locked = _post(admin, f"{url}/proposal/{pair['id']}/lock", {"locked": True})
    assert locked.json()["locked"] is True
    emil = next(p for p in proposal["proposed"] if p["mentee_name"] == "Emil Employee")
    assert admin.delete(f"{url}/proposal/{emil['id']}").status_code == 204
    assert _post(admin, f"{url}/publish").json() == {"published": 2}
    assert _post(admin, f"{url}/publish").status_code == 409
    # Employees see their own published pairs; the proposal stays HR's.
    rita = _api(org.report2)
    mine = rita.get(f"{BASE}/me/pairs").json()
    assert mine["count"] == 1 and mine["items"][0]["state"] == "published"
    answered = _post(rita, f"{BASE}/pairs/{pair['id']}/answer", {"answer": "accept"})
    assert answered.json()["mentee_answer"] == "accepted"
    assert _post(rita, f"{BASE}/pairs/{pair['id']}/answer", {"answer": "maybe"}).status_code == 422
    otto = _api(org.outsider_manager)
    active = _post(otto, f"{BASE}/pairs/{pair['id']}/answer", {"answer": "accept"})
    assert active.json()["state"] == "active"
    assert (
        _post(otto, f"{BASE}/pairs/{pair['id']}/answer", {"answer": "decline"}).status_code == 409
    )
    after = _post(admin, f"{url}/rematch").json()
    assert {p["mentee_name"] for p in after["proposed"]} <= {"Emil Employee"}


def test_pairs_are_scoped(org: Org, programme: Programme) -> None:
    matching.run_matching(actor=org.user("admin"), programme=programme)
    url = f"{BASE}/programmes/{programme.pk}/pairs"
    assert _api(org.admin).get(url).json()["count"] == 3
    assert _api(org.employee).get(url).json()["count"] == 0  # proposals are HR's
    pair = programme.pairs.get(mentee=org.employee)
    answer = _post(_api(org.employee), f"{BASE}/pairs/{pair.pk}/answer", {"answer": "accept"})
    assert answer.status_code == 404
    matching.publish(actor=org.user("admin"), programme=programme)
    assert _api(org.employee).get(url).json()["count"] == 1
    # Max's reporting line: Emil and Rita as mentees, Lea as Olga's mentor.
    assert _api(org.manager).get(url).json()["count"] == 3
    assert _api(org.outsider).get(url, {"state": "published"}).json()["count"] == 1
    wrong = _post(_api(org.manager), f"{BASE}/pairs/{pair.pk}/answer", {"answer": "accept"})
    assert wrong.status_code == 403


def test_requests_through_the_api(org: Org) -> None:
    emil, olga = _api(org.employee), _api(org.outsider)
    preview = emil.get(f"{BASE}/requests/preview", {"mentor": org.manager.pk}).json()
    assert preview["allowed"] is False and "reporting line" in preview["problem"]
    preview = emil.get(f"{BASE}/requests/preview", {"mentor": org.outsider.pk}).json()
    assert preview["allowed"] is True and preview["score"] is not None and preview["reasons"]
    python = Skill.objects.get(name="Python")
    sent = _post(emil, f"{BASE}/requests", {"mentor_id": org.outsider.pk, "skill_id": python.pk})
    assert sent.status_code == 201 and sent.json()["state"] == "pending"
    again = _post(emil, f"{BASE}/requests", {"mentor_id": org.outsider.pk})
    assert again.status_code == 400 and again.json()["field"] == "mentor_id"
    assert olga.get(f"{BASE}/requests", {"direction": "received"}).json()["count"] == 1
    assert emil.get(f"{BASE}/requests", {"direction": "received"}).json()["count"] == 0
    assert _api(org.manager).get(f"{BASE}/requests").json()["count"] == 0
    rid = sent.json()["id"]
    assert _post(emil, f"{BASE}/requests/{rid}/accept").status_code == 403
    assert _post(_api(org.manager), f"{BASE}/requests/{rid}/accept").status_code == 404
    pair = _post(olga, f"{BASE}/requests/{rid}/accept").json()
    assert pair["state"] == "active" and pair["origin"] == "request"
    assert python.pk in pair["focus_skill_ids"]
    assert _post(emil, f"{BASE}/requests/{rid}/withdraw").status_code == 409
    missing = _post(emil, f"{BASE}/requests", {"mentor_id": 999999})
    assert missing.status_code == 404 and missing.json()["field"] == "mentor_id"


def test_withdraw_and_decline(org: Org) -> None:
    emil = _api(org.employee)
    first = _post(emil, f"{BASE}/requests", {"mentor_id": org.outsider.pk}).json()
    assert _post(emil, f"{BASE}/requests/{first['id']}/withdraw").json()["state"] == "withdrawn"
    second = _post(emil, f"{BASE}/requests", {"mentor_id": org.outsider.pk}).json()
    declined = _post(_api(org.outsider), f"{BASE}/requests/{second['id']}/decline")
    assert declined.json()["state"] == "declined"
    assert MentorRequest.objects.count() == 2


# --- query budgets -------------------------------------------------------------------------

BUDGETS = {
    # token, count, page, skills, teams, roles
    "programmes": ("employee", 6),
    # token, programme (+ skills, teams, roles), count, page, offers, wants, excluded
    "participants": ("admin", 10),
    "mentors": ("employee", 10),
    # token, programme (+ skills, teams, roles), count, page, focus skills
    "pairs": ("admin", 8),
    # token, count, page, focus skills
    "me/pairs": ("employee", 4),
    # token, count, page
    "requests": ("admin", 3),
}


def _grow(org: Org, programme: Programme, n: int) -> None:
    from seedbed.mentoring.services import programmes_requests as requests

    for _i in range(n):
        mentor = make_person(access="employee", languages="en")
        mentee = make_person(access="employee", languages="en")
        make_programme(org, name=f"Extra {mentor.pk}")
        for person, role in ((mentor, "mentor"), (mentee, "mentee")):
            services.join_programme(
                actor=org.user("admin"),
                programme=programme,
                person=person,
                data=services.ParticipationInput(
                    role=role,
                    capacity=1,
                    wants_skills=list(Skill.objects.all()),
                    offers_skills=list(Skill.objects.all()),
                    excluded=[org.admin],
                ),
            )
        requests.ask_mentor(actor=mentee.user, mentor=mentor)  # type: ignore[arg-type]
    Pair.objects.filter(programme=programme).delete()
    matching.run_matching(actor=org.user("admin"), programme=programme)
    matching.publish(actor=org.user("admin"), programme=programme)
    # The employee's own pair(s) for "me/pairs".
    Pair.objects.filter(programme=programme, state=PairState.PUBLISHED).update(mentee=org.employee)


@pytest.mark.parametrize("endpoint", list(BUDGETS))
def test_list_endpoint_query_count_does_not_grow(
    org: Org, programme: Programme, endpoint: str, django_assert_num_queries
) -> None:  # type: ignore[no-untyped-def]
    actor, queries = BUDGETS[endpoint]
    url = {
        "programmes": f"{BASE}/programmes",
        "participants": f"{BASE}/programmes/{programme.pk}/participants",
        "mentors": f"{BASE}/programmes/{programme.pk}/mentors",
        "pairs": f"{BASE}/programmes/{programme.pk}/pairs",
        "me/pairs": f"{BASE}/me/pairs",
        "requests": f"{BASE}/requests",
    }[endpoint]
    client = _api(getattr(org, actor))
    counts = []
    for size in (2, 8):
        _grow(org, programme, size)
        client.get(url)  # warm-up: touches the token's last_used_at
        with django_assert_num_queries(queries):
            response = client.get(url)
        assert response.status_code == 200, response.json()
        counts.append(response.json()["count"])
    assert counts[1] > counts[0], "the second size must really have more rows"
    assert Participant.objects.filter(programme=programme).count() > 20
