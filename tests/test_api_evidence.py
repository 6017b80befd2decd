"""API: assertions, a person's current skills and history, and the validation queue — each
scoped so the outsider sees and changes nothing of the manager's team."""

from __future__ import annotations

import pytest
from django.test import Client

from seedbed.accounts.models import OrgSettings
from seedbed.skills.models import Assertion, Interest, PersonSkill, Skill, SkillInterest, Source
from seedbed.skills.services import record_assertion
from tests.conftest import bearer

pytestmark = pytest.mark.django_db


def api(person) -> Client:  # type: ignore[no-untyped-def]
    return Client(headers={"authorization": bearer(person)["HTTP_AUTHORIZATION"]})


def _post(client: Client, url: str, body: object):  # type: ignore[no-untyped-def]
    return client.post(url, body, content_type="application/json")


def _self_rate(org, who: str, skill: str, level: int, note: str = "") -> Assertion:  # type: ignore[no-untyped-def]
    return record_assertion(
        actor=org.user(who),
        person=getattr(org, who),
        skill=Skill.objects.get(name=skill),
        level=level,
        source=Source.SELF,
        note=note,
    )


# --- recording evidence ------------------------------------------------------------------


def test_employee_rates_themselves(org):
    python = Skill.objects.get(name="Python")
    response = _post(
        api(org.employee),
        "/api/v1/assertions",
        {
            "person_id": org.employee.pk,
            "skill_id": python.pk,
            "level": 3,
            "source": "self",
            "note": "Shipped the billing service",
            "evidence_url": "https://git.example.com/pr/1",
            "review_by": "2027-01-31",
        },
    )
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["level"], body["source"], body["rater_name"], body["review_by"]) == (
        3,
        "self",
        "Emil Employee",
        "2027-01-31",
    )
    ps = PersonSkill.objects.get(person=org.employee, skill=python)
    assert (ps.level, ps.pending_validation) == (3, True)


def test_employee_cannot_write_someone_elses_self_rating(org):
    python = Skill.objects.get(name="Python")
    for victim in (org.outsider, org.report2):
        response = _post(
            api(org.employee),
            "/api/v1/assertions",
            {"person_id": victim.pk, "skill_id": python.pk, "level": 5, "source": "self"},
        )
        assert response.status_code == 403
        assert response.json() == {
            "detail": "You can only rate yourself.",
            "code": "forbidden",
            "field": None,
        }
    assert not Assertion.objects.exists()


def test_outsider_cannot_record_manager_rating_for_other_team(org):
    response = _post(
        api(org.outsider_manager),
        "/api/v1/assertions",
        {
            "person_id": org.employee.pk,
            "skill_id": Skill.objects.get(name="Python").pk,
            "level": 1,
            "source": "manager",
        },
    )
    assert response.status_code == 403
    assert not Assertion.objects.exists()


def test_only_admins_record_certifications(org):
    body = {
        "person_id": org.employee.pk,
        "skill_id": Skill.objects.get(name="Python").pk,
        "level": 4,
        "source": "certification",
    }
    assert _post(api(org.manager), "/api/v1/assertions", body).status_code == 403
    assert _post(api(org.admin), "/api/v1/assertions", body).status_code == 201


def test_assertion_input_errors(org):
    client = api(org.employee)
    python = Skill.objects.get(name="Python")
    base = {"person_id": org.employee.pk, "skill_id": python.pk, "level": 3, "source": "self"}
    cases = [
        ({**base, "level": 7}, 400, "level"),
        ({**base, "level": -1}, 422, "level"),
        ({**base, "source": "gut feeling"}, 422, "source"),
        ({**base, "evidence_url": "javascript:alert(1)"}, 422, "evidence_url"),
        ({**base, "note": "nul\x00byte"}, 422, "note"),
        ({**base, "skill_id": 999999}, 404, "skill_id"),
        ({**base, "person_id": 999999}, 404, "person_id"),
        ({**base, "review_by": "next year"}, 422, "review_by"),
    ]
    for body, status, field in cases:
        response = _post(client, "/api/v1/assertions", body)
        assert response.status_code == status, (body, response.json())
        assert response.json()["field"] == field, response.json()
    assert (
        "outside the scale"
        in _post(client, "/api/v1/assertions", {**base, "level": 7}).json()["detail"]
    )
    assert not Assertion.objects.exists()


# --- listing evidence --------------------------------------------------------------------


def test_assertions_list_is_scoped(org):
    _self_rate(org, "employee", "Python", 3)
    _self_rate(org, "report2", "Python", 2)
    _self_rate(org, "outsider", "Python", 4)

    def seen(who: str) -> list[str]:
        items = api(getattr(org, who)).get("/api/v1/assertions").json()["items"]
        return sorted(a["person_name"] for a in items)

    assert seen("admin") == ["Emil Employee", "Olga Outsider", "Rita Report"]
    assert seen("manager") == ["Emil Employee", "Rita Report"]
    assert seen("lead") == ["Rita Report"]
    assert seen("employee") == ["Emil Employee"]
    assert seen("outsider") == ["Olga Outsider"]
    assert seen("outsider_manager") == ["Olga Outsider"]


def test_colleagues_see_levels_when_the_organisation_allows_it(org):
    _self_rate(org, "employee", "Python", 3)
    OrgSettings.objects.update_or_create(pk=1, defaults={"colleagues_see_levels": True})
    assert api(org.outsider).get(f"/api/v1/people/{org.employee.pk}/skills").status_code == 200
    assert api(org.outsider).get("/api/v1/assertions").json()["count"] == 1


def test_assertion_filters(org):
    first = _self_rate(org, "employee", "Python", 2)
    _self_rate(org, "employee", "Kubernetes", 1)
    _self_rate(org, "report2", "Python", 3)
    client = api(org.admin)

    def count(query: str) -> int:
        return client.get(f"/api/v1/assertions?{query}").json()["count"]

    python = Skill.objects.get(name="Python")
    assert count(f"person={org.employee.pk}") == 2
    assert count(f"skill={python.pk}") == 2
    assert count(f"person={org.employee.pk}&skill={python.pk}") == 1
    assert count("source=self") == 3
    assert count("source=manager") == 0
    Assertion.objects.filter(pk=first.pk).update(created_at="2020-01-01T00:00:00Z")
    assert count("since=2021-01-01T00:00:00Z") == 2
    assert count("since=2021-01-01") == 2  # a date means its midnight
    response = client.get("/api/v1/assertions?since=0001-01-01T00:00:00%2B05:00")
    assert response.status_code == 422 and response.json()["field"] == "since"


# --- a person's skills and history -------------------------------------------------------


def test_person_skills_show_requirement_and_interest(org):
    _self_rate(org, "employee", "Python", 2)
    other = Skill.objects.create(name="Excel", category=Skill.objects.get(name="Python").category)
    record_assertion(
        actor=org.user("employee"), person=org.employee, skill=other, level=4, source=Source.SELF
    )
    SkillInterest.objects.create(person=org.employee, skill=other, interest=Interest.KEEN)
    items = api(org.manager).get(f"/api/v1/people/{org.employee.pk}/skills").json()["items"]
    assert [
        (
            i["skill_name"],
            i["level"],
            i["required_level"],
            i["importance"],
            i["interest"],
            i["pending_validation"],
        )
        for i in items
    ] == [("Excel", 4, None, None, "keen", True), ("Python", 2, 3, 2, None, True)]


@pytest.mark.parametrize("actor", ["outsider", "outsider_manager", "employee", "report2"])
def test_cannot_read_skills_of_someone_outside_own_line(org, actor):
    """A person whose levels you may not see is a 404, the same as no person at all."""
    _self_rate(org, "lead", "Python", 3)
    python = Skill.objects.get(name="Python")
    client = api(getattr(org, actor))
    for url in (
        f"/api/v1/people/{org.lead.pk}/skills",
        f"/api/v1/people/{org.lead.pk}/skills/{python.pk}/history",
    ):
        response = client.get(url)
        assert response.status_code == 404, (actor, url)
        assert response.json() == {
            "detail": f"No person with id {org.lead.pk}.",
            "code": "not_found",
            "field": None,
        }
    assert client.get(f"/api/v1/assertions?person={org.lead.pk}").json()["count"] == 0


def test_history_is_newest_first_and_manager_sees_indirect_report(org):
    _self_rate(org, "report2", "Python", 2, note="first")
    _self_rate(org, "report2", "Python", 3, note="second")
    python = Skill.objects.get(name="Python")
    response = api(org.manager).get(f"/api/v1/people/{org.report2.pk}/skills/{python.pk}/history")
    assert [a["note"] for a in response.json()["items"]] == ["second", "first"]
    missing = api(org.manager).get(f"/api/v1/people/{org.report2.pk}/skills/999999/history")
    assert missing.status_code == 404
    assert missing.json()["detail"] == "No skill with id 999999."


# --- validation queue --------------------------------------------------------------------


def test_queue_lists_pending_self_ratings_of_subtree(org):
    _self_rate(org, "employee", "Python", 3, note="Built the API")
    _self_rate(org, "report2", "Kubernetes", 2)
    _self_rate(org, "outsider", "Python", 4)
    items = api(org.manager).get("/api/v1/validation-queue").json()["items"]
    assert sorted((i["person_name"], i["skill_name"], i["self_level"]) for i in items) == [
        ("Emil Employee", "Python", 3),
        ("Rita Report", "Kubernetes", 2),
    ]
    assert {i["note"] for i in items} == {"Built the API", ""}
    assert api(org.lead).get("/api/v1/validation-queue").json()["count"] == 1
    assert api(org.employee).get("/api/v1/validation-queue").json()["count"] == 0
    assert [
        i["person_name"]
        for i in api(org.outsider_manager).get("/api/v1/validation-queue").json()["items"]
    ] == ["Olga Outsider"]


def test_manager_accepts_and_adjusts(org):
    _self_rate(org, "employee", "Python", 3)
    _self_rate(org, "report2", "Python", 4)
    client = api(org.manager)
    queue = {
        i["person_id"]: i["id"] for i in client.get("/api/v1/validation-queue").json()["items"]
    }
    accepted = _post(
        client, f"/api/v1/validation-queue/{queue[org.employee.pk]}", {"action": "accept"}
    )
    assert accepted.status_code == 201, accepted.json()
    assert (accepted.json()["source"], accepted.json()["level"]) == ("manager", 3)
    assert accepted.json()["validates_id"] is not None
    no_note = _post(
        client,
        f"/api/v1/validation-queue/{queue[org.report2.pk]}",
        {"action": "adjust", "level": 2},
    )
    assert no_note.status_code == 400 and no_note.json()["field"] == "note"
    adjusted = _post(
        client,
        f"/api/v1/validation-queue/{queue[org.report2.pk]}",
        {"action": "adjust", "level": 2, "note": "Not on production yet"},
    )
    assert adjusted.status_code == 201
    assert PersonSkill.objects.get(person=org.report2).level == 2
    assert client.get("/api/v1/validation-queue").json()["count"] == 0
    again = _post(
        client, f"/api/v1/validation-queue/{queue[org.employee.pk]}", {"action": "accept"}
    )
    assert again.status_code == 400
    assert again.json()["detail"] == "This rating has already been validated."


def test_validate_input_must_match_action(org):
    _self_rate(org, "employee", "Python", 3)
    ps = PersonSkill.objects.get(person=org.employee)
    client = api(org.manager)
    for body in (
        {"action": "adjust"},
        {"action": "accept", "level": 2},
        {"action": "approve"},
        {"action": "accept", "extra": 1},
    ):
        assert _post(client, f"/api/v1/validation-queue/{ps.pk}", body).status_code == 422, body


@pytest.mark.parametrize("actor", ["outsider", "outsider_manager", "employee", "report2"])
def test_cannot_validate_outside_own_line(org, actor):
    _self_rate(org, "employee", "Python", 3)
    ps = PersonSkill.objects.get(person=org.employee)
    response = _post(
        api(getattr(org, actor)),
        f"/api/v1/validation-queue/{ps.pk}",
        {"action": "adjust", "level": 5, "note": "trust me"},
    )
    assert response.status_code == 404
    assert response.json()["code"] == "not_found"
    ps.refresh_from_db()
    assert (ps.level, ps.pending_validation) == (3, True)


def test_nobody_validates_their_own_rating(org):
    """Managers sit outside their own subtree; admins are excluded from validatable_by."""
    _self_rate(org, "manager", "Python", 3)
    ps = PersonSkill.objects.get(person=org.manager)
    for actor in ("manager", "lead"):
        response = _post(
            api(getattr(org, actor)), f"/api/v1/validation-queue/{ps.pk}", {"action": "accept"}
        )
        assert response.status_code == 404
    assert (
        _post(api(org.admin), f"/api/v1/validation-queue/{ps.pk}", {"action": "accept"}).status_code
        == 201
    )
