"""API: career paths, role comparison, readiness, target roles, strategic needs and sector
templates, per actor, with query budgets for the list endpoints."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from seedbed.frameworks.models import Role, StrategicNeed
from seedbed.frameworks.services import save_need
from seedbed.people.models import Person
from seedbed.skills.models import Skill, Source
from seedbed.skills.services import NewAssertion, record_assertions_bulk
from tests.builders import make_person, make_role, make_skill, require
from tests.conftest import bearer

pytestmark = pytest.mark.django_db

JSON = "application/json"


def api(person: Person) -> Client:
    return Client(headers={"authorization": bearer(person)["HTTP_AUTHORIZATION"]})


@pytest.fixture
def senior(org) -> Role:  # type: ignore[no-untyped-def]
    make_skill("SQL")
    role = make_role("Senior Developer")
    require(role, Skill.objects.get(name="Python"), 4, importance=3)
    require(role, Skill.objects.get(name="Kubernetes"), 2, importance=1)
    require(role, Skill.objects.get(name="SQL"), 3, importance=2)
    return role


def _levels(person: Person, **levels: int) -> None:
    rows = [
        NewAssertion(person.pk, Skill.objects.get(name=n).pk, lv, Source.MANAGER)
        for n, lv in levels.items()
    ]
    record_assertions_bulk(actor=None, rows=rows, summary="test")


# --- career paths and compare -------------------------------------------------------------------


def test_admin_sets_next_roles_and_everyone_reads_the_path(org, senior) -> None:  # type: ignore[no-untyped-def]
    developer = org.employee.role
    url = f"/api/v1/roles/{developer.pk}/next-roles"
    assert api(org.employee).put(url, {"role_ids": [senior.pk]}, JSON).status_code == 403
    response = api(org.admin).put(url, {"role_ids": [senior.pk]}, JSON)
    assert response.status_code == 200
    assert response.json()["next_roles"] == [
        {"id": senior.pk, "name": "Senior Developer", "is_active": True}
    ]
    path = api(org.outsider).get(f"/api/v1/roles/{senior.pk}/career-path").json()
    assert [r["name"] for r in path["previous_roles"]] == ["Developer"]
    bad = api(org.admin).put(url, {"role_ids": [developer.pk]}, JSON)
    assert bad.status_code == 400 and bad.json()["field"] == "next_roles"
    missing = api(org.admin).put(url, {"role_ids": [999999]}, JSON)
    assert missing.status_code == 404 and missing.json()["field"] == "role_ids"


def test_compare_endpoint(org, senior) -> None:  # type: ignore[no-untyped-def]
    developer = org.employee.role
    body = api(org.outsider).get(f"/api/v1/roles/compare?a={developer.pk}&b={senior.pk}").json()
    rows = {r["skill_name"]: r for r in body["rows"]}
    assert (body["a"]["name"], body["b"]["name"]) == ("Developer", "Senior Developer")
    assert rows["Python"] | {"skill_id": 0} == {
        "skill_id": 0,
        "skill_name": "Python",
        "category": rows["Python"]["category"],
        "level_a": 3,
        "importance_a": 2,
        "level_b": 4,
        "importance_b": 3,
        "difference": 1,
        "required_by": "both",
    }
    assert rows["SQL"]["required_by"] == "b" and rows["SQL"]["difference"] is None
    assert (
        api(org.employee).get(f"/api/v1/roles/compare?a={developer.pk}&b=999999").status_code == 404
    )
    assert api(org.employee).get(f"/api/v1/roles/compare?a={developer.pk}").status_code == 422


# --- readiness and target role ------------------------------------------------------------------


def test_readiness_figures_and_scoping(org, senior) -> None:  # type: ignore[no-untyped-def]
    _levels(org.employee, Python=3, Kubernetes=4)
    url = f"/api/v1/people/{org.employee.pk}/readiness/{senior.pk}"
    for who in ("employee", "manager", "admin"):
        response = api(getattr(org, who)).get(url)
        assert response.status_code == 200, who
    body = response.json()
    # (3·3/4 + 1·2/2 + 2·0/3) / 6 = 54.2 %
    assert (body["percent"], body["met"], body["total"]) == (54.2, 1, 3)
    assert body["missing"] == [
        {
            "skill_id": Skill.objects.get(name="SQL").pk,
            "skill_name": "SQL",
            "required": 3,
            "level": None,
            "gap": 3,
            "importance": 2,
        },
        {
            "skill_id": Skill.objects.get(name="Python").pk,
            "skill_name": "Python",
            "required": 4,
            "level": 3,
            "gap": 1,
            "importance": 3,
        },
    ]
    # People who may not see the employee's levels get the same 404 as for nobody.
    for who in ("outsider", "outsider_manager", "report2", "lead"):  # lead: not their manager
        response = api(getattr(org, who)).get(url)
        assert response.status_code == 404, who
        assert response.json()["detail"] == f"No person with id {org.employee.pk}."
    assert api(org.admin).get(f"/api/v1/people/999999/readiness/{senior.pk}").status_code == 404
    assert (
        api(org.employee).get(f"/api/v1/people/{org.employee.pk}/readiness/999999").json()["detail"]
        == "No role with id 999999."
    )
    empty = make_role("Empty role")
    body = api(org.employee).get(f"/api/v1/people/{org.employee.pk}/readiness/{empty.pk}").json()
    assert (body["percent"], body["total"], body["missing"]) == (None, 0, [])


def test_target_role_self_or_admin(org, senior) -> None:  # type: ignore[no-untyped-def]
    url = f"/api/v1/people/{org.employee.pk}/target-role"
    response = api(org.employee).put(url, {"role_id": senior.pk}, JSON)
    assert response.status_code == 200
    assert response.json()["target_role"]["name"] == "Senior Developer"
    for who in ("manager", "outsider", "report2"):
        assert api(getattr(org, who)).put(url, {"role_id": None}, JSON).status_code == 403, who
    org.employee.refresh_from_db()
    assert org.employee.target_role == senior
    assert api(org.admin).put(url, {"role_id": None}, JSON).json()["target_role"] is None
    retired = make_role("Retired", is_active=False)
    bad = api(org.employee).put(url, {"role_id": retired.pk}, JSON)
    assert bad.status_code == 400 and "retired" in bad.json()["detail"]
    missing = api(org.employee).put(url, {"role_id": 999999}, JSON)
    assert missing.status_code == 404 and missing.json()["field"] == "role_id"
    assert api(org.employee).put(url, {}, JSON).status_code == 422
    assert (
        api(org.admin).put("/api/v1/people/999999/target-role", {"role_id": None}, JSON).status_code
        == 404
    )


# --- strategic needs ----------------------------------------------------------------------------


def _payload(**over):  # type: ignore[no-untyped-def]
    return {
        "skill_id": Skill.objects.get(name="Python").pk,
        "level": 4,
        "headcount": 3,
        "due_date": (timezone.localdate() + timedelta(days=60)).isoformat(),
        "priority": 3,
        "goal": "Data platform",
    } | over


def test_admin_creates_patches_and_archives_needs(org) -> None:  # type: ignore[no-untyped-def]
    _levels(org.employee, Python=4)
    _levels(org.lead, Python=3)
    client = api(org.admin)
    response = client.post("/api/v1/needs", _payload(owner_id=org.manager.pk), JSON)
    assert response.status_code == 201, response.json()
    body = response.json()
    assert (body["have"], body["close"], body["shortfall"], body["overdue"]) == (1, 1, 2, False)
    assert body["owner_name"] == "Max Manager" and body["skill_name"] == "Python"
    url = f"/api/v1/needs/{body['id']}"
    patched = client.patch(url, {"headcount": 1, "owner_id": None}, JSON).json()
    assert (patched["headcount"], patched["shortfall"], patched["owner_id"]) == (1, 0, None)
    assert patched["goal"] == "Data platform"  # untouched
    assert client.delete(url).status_code == 204
    assert not StrategicNeed.objects.get().is_active
    assert client.get("/api/v1/needs").json()["count"] == 0
    assert client.get("/api/v1/needs?status=archived").json()["count"] == 1
    assert client.patch(url, {"is_active": True}, JSON).json()["is_active"] is True


def test_need_input_errors(org) -> None:  # type: ignore[no-untyped-def]
    client = api(org.admin)
    past = (timezone.localdate() - timedelta(days=1)).isoformat()
    bad = client.post("/api/v1/needs", _payload(due_date=past), JSON)
    assert bad.status_code == 400 and bad.json()["field"] == "due_date"
    bad = client.post("/api/v1/needs", _payload(level=9), JSON)
    assert bad.status_code == 400 and "outside the scale" in bad.json()["detail"]
    bad = client.post("/api/v1/needs", _payload(skill_id=999999), JSON)
    assert bad.status_code == 404 and bad.json()["field"] == "skill_id"
    bad = client.post("/api/v1/needs", _payload(owner_id=999999), JSON)
    assert bad.status_code == 404 and bad.json()["field"] == "owner_id"
    assert client.post("/api/v1/needs", _payload(headcount=0), JSON).status_code == 422
    assert client.post("/api/v1/needs", _payload(colour="red"), JSON).status_code == 422
    assert not StrategicNeed.objects.exists()


def test_only_admins_change_needs_and_owners_see_theirs(org) -> None:  # type: ignore[no-untyped-def]
    admin = org.user("admin")
    due = timezone.localdate() + timedelta(days=30)
    python = Skill.objects.get(name="Python")
    mine = save_need(
        actor=admin,
        data={"skill": python, "level": 3, "headcount": 1, "due_date": due, "owner": org.manager},
    )
    theirs = save_need(
        actor=admin,
        data={"skill": python, "level": 3, "headcount": 1, "due_date": due, "owner": org.outsider},
    )
    for who in ("manager", "employee", "outsider"):
        client = api(getattr(org, who))
        assert client.post("/api/v1/needs", _payload(), JSON).status_code == 403, who
    assert api(org.manager).patch(f"/api/v1/needs/{mine.pk}", {"level": 1}, JSON).status_code == 403
    assert api(org.manager).delete(f"/api/v1/needs/{mine.pk}").status_code == 403
    # Someone else's need does not exist for the manager.
    assert api(org.manager).get(f"/api/v1/needs/{theirs.pk}").status_code == 404
    assert api(org.manager).delete(f"/api/v1/needs/{theirs.pk}").status_code == 404
    assert [n["id"] for n in api(org.manager).get("/api/v1/needs").json()["items"]] == [mine.pk]
    assert [n["id"] for n in api(org.outsider).get("/api/v1/needs").json()["items"]] == [theirs.pk]
    assert api(org.employee).get("/api/v1/needs").json()["count"] == 0
    assert StrategicNeed.objects.filter(is_active=True, level=3).count() == 2


def test_needs_filters(org) -> None:  # type: ignore[no-untyped-def]
    admin = org.user("admin")
    due = timezone.localdate() + timedelta(days=30)
    k8s = save_need(
        actor=admin,
        data={
            "skill": Skill.objects.get(name="Kubernetes"),
            "level": 2,
            "headcount": 2,
            "due_date": due,
            "priority": 1,
        },
    )
    StrategicNeed.objects.filter(pk=k8s.pk).update(
        due_date=timezone.localdate() - timedelta(days=1)
    )
    save_need(
        actor=admin,
        data={
            "skill": Skill.objects.get(name="Python"),
            "level": 3,
            "headcount": 1,
            "due_date": due,
        },
    )
    client = api(org.admin)
    overdue = client.get("/api/v1/needs?status=overdue").json()
    assert [n["id"] for n in overdue["items"]] == [k8s.pk] and overdue["items"][0]["overdue"]
    assert client.get("/api/v1/needs?skill=k8s").json()["count"] == 1
    assert client.get("/api/v1/needs?priority=1").json()["count"] == 1
    assert client.get("/api/v1/needs?status=bogus").status_code == 422


# --- sector templates ---------------------------------------------------------------------------


def test_templates_api_for_admins_only(org) -> None:  # type: ignore[no-untyped-def]
    for who in ("manager", "employee", "outsider"):
        client = api(getattr(org, who))
        assert client.get("/api/v1/templates").status_code == 403
        assert client.get("/api/v1/templates/technology/preview").status_code == 403
        assert client.post("/api/v1/templates/technology/apply").status_code == 403
    assert not Skill.objects.filter(name="Go").exists()


def test_preview_and_apply_twice(org) -> None:  # type: ignore[no-untyped-def]
    client = api(org.admin)
    listing = {t["name"]: t for t in client.get("/api/v1/templates").json()}
    assert list(listing) == [
        "technology",
        "healthcare",
        "manufacturing",
        "financial-services",
        "creative-industries",
    ]
    assert listing["technology"]["skills_present"] == 2
    assert listing["healthcare"]["certified_skills"] >= 5
    preview = client.get("/api/v1/templates/healthcare/preview").json()
    bls = next(s for s in preview["skills"] if s["template_name"] == "Basic life support")
    assert bls["requires_certification"] and bls["existing_id"] is None
    applied = client.post("/api/v1/templates/healthcare/apply")
    assert applied.status_code == 200 and applied.json()["change_count"] == preview["change_count"]
    assert Skill.objects.get(name="Basic life support").requires_certification
    assert client.post("/api/v1/templates/healthcare/apply").json()["change_count"] == 0
    missing = client.get("/api/v1/templates/farming/preview")
    assert missing.status_code == 404 and "technology" in missing.json()["detail"]


# --- query budgets ------------------------------------------------------------------------------

AUTH = "bearer token + user"


def _grow_needs(org, n: int) -> None:  # type: ignore[no-untyped-def]
    admin = org.user("admin")
    due = timezone.localdate() + timedelta(days=30)
    rows = []
    for _i in range(n):
        skill = make_skill()
        owner = make_person(team=org.employee.team)
        rows.append(NewAssertion(owner.pk, skill.pk, 3, Source.MANAGER))
        save_need(
            actor=admin,
            data={"skill": skill, "level": 3, "headcount": 2, "due_date": due, "owner": owner},
        )
    record_assertions_bulk(actor=None, rows=rows, summary="test")


def test_needs_list_query_count_does_not_grow(org, django_assert_num_queries) -> None:  # type: ignore[no-untyped-def]
    queries = [
        AUTH,
        "needs with their skills and owners",
        "current levels of active people in those skills",
    ]
    client = api(org.admin)
    counts = []
    for size in (3, 27):
        _grow_needs(org, size)
        client.get("/api/v1/needs")  # warm-up: touches the token's last_used_at
        with django_assert_num_queries(len(queries)):
            response = client.get("/api/v1/needs?limit=500")
        body = response.json()
        counts.append(body["count"])
        assert all((n["have"], n["shortfall"]) == (1, 1) for n in body["items"])
    assert counts == [3, 30]


def test_templates_list_query_count_does_not_grow(org, django_assert_num_queries) -> None:  # type: ignore[no-untyped-def]
    queries = [AUTH, "categories", "skills with aliases", "roles"]
    client = api(org.admin)
    for size in (3, 30):
        for _i in range(size):
            make_role()
            make_skill()
        client.get("/api/v1/templates")
        with django_assert_num_queries(len(queries)):
            assert client.get("/api/v1/templates").status_code == 200
