"""API of role paths and personal learning plans: per actor, bad input, query budgets."""

from __future__ import annotations

import pytest
from django.test import Client

from seedbed.learning.models import Enrolment, LearningPath, LearningPlan, PlanStatus, Prerequisite
from seedbed.learning.services import paths as services
from seedbed.learning.services.paths import Target
from seedbed.skills.models import Skill
from tests.conftest import Org, bearer
from tests.test_learning_paths import complete, item, needs, rate

pytestmark = pytest.mark.django_db
API = "/api/v1"


def _client() -> Client:
    return Client()


# --- role paths ------------------------------------------------------------------------------


def test_hr_creates_orders_and_deletes_a_path(org: Org) -> None:
    c, auth = _client(), bearer(org.admin)
    docker = item(org, "Docker basics", hours="4")
    k8s = item(org, "Kubernetes in depth", hours="16", cost="450")
    needs(org, k8s, first=docker)
    r = c.post(
        f"{API}/learning-paths",
        {"name": "Platform", "role_id": org.employee.role.pk},
        content_type="application/json",
        **auth,
    )
    assert r.status_code == 201, r.content
    path_id = r.json()["id"]
    assert r.json()["role_name"] == "Developer" and r.json()["steps"] == []
    r = c.put(
        f"{API}/learning-paths/{path_id}/steps",
        {"item_ids": [k8s.pk, docker.pk]},
        content_type="application/json",
        **auth,
    )
    assert r.status_code == 400
    assert r.json()["field"] == "items"
    assert "“Kubernetes in depth” needs “Docker basics” first" in r.json()["detail"]
    r = c.put(
        f"{API}/learning-paths/{path_id}/steps",
        {"item_ids": [docker.pk, k8s.pk]},
        content_type="application/json",
        **auth,
    )
    assert r.status_code == 200
    body = r.json()
    assert [s["item_title"] for s in body["steps"]] == ["Docker basics", "Kubernetes in depth"]
    assert body["steps"][1]["requires_item_ids"] == [docker.pk]
    assert body["total_hours"] == 20.0 and body["total_cost"] == 450.0
    r = c.patch(
        f"{API}/learning-paths/{path_id}",
        {"role_id": None, "name": "Platform engineer"},
        content_type="application/json",
        **auth,
    )
    assert r.status_code == 200 and r.json()["role_id"] is None
    assert r.json()["name"] == "Platform engineer"
    assert c.delete(f"{API}/learning-paths/{path_id}", **auth).status_code == 204
    assert not LearningPath.objects.exists()


def test_path_cycles_unknown_items_and_duplicates(org: Org) -> None:
    c, auth = _client(), bearer(org.admin)
    a, b = item(org, "A course"), item(org, "B course")
    needs(org, a, first=b)
    Prerequisite.objects.create(item=b, requires_item=a)
    path = services.save_path(actor=org.user("admin"), data={"name": "P"})
    url = f"{API}/learning-paths/{path.pk}/steps"
    r = c.put(url, {"item_ids": [b.pk, a.pk]}, content_type="application/json", **auth)
    assert r.status_code == 400 and "“A course” → “B course” → “A course”" in r.json()["detail"]
    r = c.put(url, {"item_ids": [999999]}, content_type="application/json", **auth)
    assert r.status_code == 404 and r.json()["field"] == "item_ids"
    r = c.post(f"{API}/learning-paths", {"name": "p"}, content_type="application/json", **auth)
    assert r.status_code == 409 and r.json()["code"] == "conflict"
    r = c.post(f"{API}/learning-paths", {"name": ""}, content_type="application/json", **auth)
    assert r.status_code == 422


@pytest.mark.parametrize("who", ["manager", "employee", "outsider"])
def test_others_read_paths_but_cannot_change_them(org: Org, who: str) -> None:
    c, auth = _client(), bearer(getattr(org, who))
    a = item(org, "A course")
    path = services.save_path(actor=org.user("admin"), data={"name": "P"})
    assert c.get(f"{API}/learning-paths", **auth).json()["count"] == 1
    assert c.get(f"{API}/learning-paths/{path.pk}", **auth).status_code == 200
    r = c.post(f"{API}/learning-paths", {"name": "Q"}, content_type="application/json", **auth)
    assert r.status_code == 403
    r = c.put(
        f"{API}/learning-paths/{path.pk}/steps",
        {"item_ids": [a.pk]},
        content_type="application/json",
        **auth,
    )
    assert r.status_code == 403
    assert c.delete(f"{API}/learning-paths/{path.pk}", **auth).status_code == 403
    assert LearningPath.objects.count() == 1 and not path.steps.exists()


def test_path_progress_is_scoped_to_people_whose_levels_i_see(org: Org) -> None:
    a = item(org, "A course", skills=(("Python", 2),))
    path = services.save_path(actor=org.user("admin"), data={"name": "P"})
    services.set_path_steps(actor=org.user("admin"), path=path, items=[a])
    complete(org, org.employee, a)
    url = f"{API}/learning-paths/{path.pk}?person_id={org.employee.pk}"
    body = _client().get(url, **bearer(org.manager)).json()
    assert body["completed_steps"] == 1 and body["steps"][0]["completed"] is True
    assert _client().get(url, **bearer(org.outsider)).status_code == 404


def test_path_list_query_budget(org: Org, django_assert_num_queries) -> None:  # type: ignore[no-untyped-def]
    items = [item(org, f"Course {n}") for n in range(5)]
    for n in range(4):
        path = services.save_path(actor=org.user("admin"), data={"name": f"Path {n}"})
        services.set_path_steps(actor=org.user("admin"), path=path, items=items[n : n + 2])
    c, auth = _client(), bearer(org.employee)
    c.get(f"{API}/learning-paths", **auth)  # the token's first use is recorded once a minute
    # token lookup, count, the page of paths with step counts and sums
    with django_assert_num_queries(3):
        r = c.get(f"{API}/learning-paths", **auth)
    assert r.status_code == 200 and r.json()["count"] == 4


# --- personal plans --------------------------------------------------------------------------


def test_propose_read_list_and_accept(org: Org) -> None:
    c, auth = _client(), bearer(org.employee)
    rate(org, org.employee, "Python", 1)
    py = item(org, "Python for developers", skills=(("Python", 3),), hours="8", cost="120")
    r = c.post(
        f"{API}/people/{org.employee.pk}/learning-proposals",
        {"target": "current_role", "objective": "cost", "budget": "500"},
        content_type="application/json",
        **auth,
    )
    assert r.status_code == 201, r.content
    body = r.json()
    assert body["status"] == "proposed" and body["target_role_name"] == "Developer"
    assert body["budget"] == 500.0 and body["total_cost"] == 120.0
    assert [(i["item_id"], i["reason"], i["enrolment_status"]) for i in body["items"]] == [
        (py.pk, "covers Python 1→3", None)
    ]
    assert body["uncovered"] == [
        {
            "skill_id": Skill.objects.get(name="Kubernetes").pk,
            "skill_name": "Kubernetes",
            "current": None,
            "target": 2,
            "reason": "no_item",
            "reason_text": "No active item in the catalogue reaches this level.",
            "mentors": [],
        }
    ]
    plan_id = body["id"]
    assert c.get(f"{API}/learning-plans/{plan_id}", **auth).json()["id"] == plan_id
    listed = c.get(f"{API}/people/{org.employee.pk}/learning-plans", **auth).json()
    assert listed["count"] == 1 and listed["items"][0]["item_count"] == 1
    assert listed["items"][0]["uncovered_count"] == 1
    r = c.post(f"{API}/learning-plans/{plan_id}/accept", **auth)
    assert r.status_code == 200, r.content
    assert r.json()["plan"]["status"] == "accepted"
    assert r.json()["enrolled_item_ids"] == [py.pk] and r.json()["not_enrolled"] == []
    assert r.json()["plan"]["items"][0]["enrolment_status"] == "enrolled"
    assert Enrolment.objects.filter(plan_id=plan_id, person=org.employee, item=py).exists()
    r = c.post(f"{API}/learning-plans/{plan_id}/accept", **auth)
    assert r.status_code == 409 and r.json()["detail"] == "This plan is already accepted."


def test_chosen_skills_and_bad_input(org: Org) -> None:
    c, auth = _client(), bearer(org.manager)
    url = f"{API}/people/{org.employee.pk}/learning-proposals"
    python = Skill.objects.get(name="Python")
    item(org, "Python for developers", skills=(("Python", 4),))
    r = c.post(
        url,
        {
            "target": "skills",
            "skills": [{"skill_id": python.pk, "level": 4}],
            "formats": ["online"],
        },
        content_type="application/json",
        **auth,
    )
    assert r.status_code == 201
    assert r.json()["target_skills"] == [
        {"skill_id": python.pk, "skill_name": "Python", "level": 4}
    ]
    cases = [
        ({"target": "skills", "skills": [{"skill_id": python.pk, "level": 9}]}, 400, "skills"),
        ({"target": "skills", "skills": [{"skill_id": 987654, "level": 3}]}, 404, "skills"),
        ({"target": "skills"}, 400, "skills"),
        ({"target": "target_role"}, 400, "target"),
        ({"target": "current_role", "budget": "-1"}, 422, "budget"),
        ({"target": "current_role", "budget": "1.001"}, 422, "budget"),
        ({"target": "current_role", "formats": []}, 422, "formats"),
        ({"target": "current_role", "formats": ["telepathy"]}, 422, "formats.0"),
        ({"target": "everything"}, 422, "target"),
        ({"target": "current_role", "extra": 1}, 422, "extra"),
    ]
    for payload, status, field in cases:
        r = c.post(url, payload, content_type="application/json", **auth)
        assert (r.status_code, r.json()["field"]) == (status, field), (payload, r.json())


@pytest.mark.parametrize("who", ["outsider", "outsider_manager", "report2", "lead"])
def test_others_cannot_propose_read_or_accept(org: Org, who: str) -> None:
    item(org, "Python for developers", skills=(("Python", 3),))
    plan = services.create_proposal(
        actor=org.user("employee"), person=org.employee, target=Target("current_role")
    )
    c, auth = _client(), bearer(getattr(org, who))
    r = c.post(
        f"{API}/people/{org.employee.pk}/learning-proposals",
        {"target": "current_role"},
        content_type="application/json",
        **auth,
    )
    assert r.status_code == 404
    assert c.get(f"{API}/people/{org.employee.pk}/learning-plans", **auth).status_code == 404
    assert c.get(f"{API}/learning-plans/{plan.pk}", **auth).status_code == 404
    assert c.post(f"{API}/learning-plans/{plan.pk}/accept", **auth).status_code == 404
    plan.refresh_from_db()
    assert plan.status == PlanStatus.PROPOSED and LearningPlan.objects.count() == 1


def test_anonymous_gets_401(org: Org) -> None:
    c = _client()
    assert c.get(f"{API}/learning-paths").status_code == 401
    r = c.post(
        f"{API}/people/{org.employee.pk}/learning-proposals",
        {"target": "current_role"},
        content_type="application/json",
    )
    assert r.status_code == 401


def test_plan_list_query_budget(org: Org, django_assert_num_queries) -> None:  # type: ignore[no-untyped-def]
    item(org, "Python for developers", skills=(("Python", 3),))
    for _n in range(4):
        plan = services.create_proposal(
            actor=org.user("manager"), person=org.employee, target=Target("current_role")
        )
        services.accept_plan(actor=org.user("manager"), plan=plan)
    c, auth = _client(), bearer(org.manager)
    c.get(f"{API}/learning-paths", **auth)  # the token's first use is recorded once a minute
    # token lookup, person (scoped), count, the page of plans with roles and item counts
    with django_assert_num_queries(4):
        r = c.get(f"{API}/people/{org.employee.pk}/learning-plans", **auth)
    assert r.json()["count"] == 4
