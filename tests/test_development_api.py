"""The development-plans API per actor, and query budgets of its list endpoints."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from seedbed.development import services
from seedbed.development.models import DevelopmentPlan, Goal
from seedbed.learning.models import Kind, LearningItem
from seedbed.skills.models import Skill
from tests.builders import make_person
from tests.conftest import bearer

pytestmark = pytest.mark.django_db


def _api(person) -> Client:  # type: ignore[no-untyped-def]
    return Client(headers={"authorization": bearer(person)["HTTP_AUTHORIZATION"]})


def _post(client: Client, url: str, body: dict | None = None):  # type: ignore[no-untyped-def,type-arg]
    return client.post(url, body or {}, content_type="application/json")


def _day(days: int) -> str:
    return (timezone.localdate() + timedelta(days=days)).isoformat()


def test_plan_life_through_the_api(org):
    employee, manager = _api(org.employee), _api(org.manager)
    python = Skill.objects.get(name="Python")
    course = LearningItem.objects.create(title="Python deep dive", kind=Kind.ELEARNING)
    created = _post(
        employee, "/api/v1/development-plans", {"person_id": org.employee.pk, "title": "Grow"}
    )
    assert created.status_code == 201, created.json()
    plan = created.json()
    assert plan["state"] == "draft" and plan["goals"] == [] and plan["overdue"] is False
    url = f"/api/v1/development-plans/{plan['id']}"
    with_goal = _post(
        employee,
        f"{url}/goals",
        {"skill_id": python.pk, "due_date": _day(5), "item_ids": [course.pk]},
    )
    assert with_goal.status_code == 201, with_goal.json()
    goal = with_goal.json()["goals"][0]
    assert goal["target_level"] == 3 and goal["current_level"] is None
    assert goal["stalled"] is True and goal["item_ids"] == [course.pk]
    assert _post(employee, f"{url}/agree", {"next_review": _day(30)}).status_code == 403
    agreed = _post(manager, f"{url}/agree", {"next_review": _day(30)})
    assert agreed.json()["state"] == "agreed" and agreed.json()["agreed_by"] == "Max Manager"
    put = employee.put(url, {"title": "Renamed"}, content_type="application/json")
    assert put.status_code == 403 and "reopen" in put.json()["detail"]
    reviewed = _post(manager, f"{url}/reviews", {"note": "On track", "next_review": _day(60)})
    assert reviewed.status_code == 201 and reviewed.json()["reviews"][0]["note"] == "On track"
    goal_url = f"/api/v1/development-goals/{goal['id']}"
    updated = manager.put(
        goal_url,
        {"target_level": 4, "status": "achieved", "item_ids": []},
        content_type="application/json",
    )
    assert updated.json()["goals"][0]["status"] == "achieved"
    assert _post(manager, f"{url}/close").json()["state"] == "closed"
    assert employee.get(url).json()["state"] == "closed"


def test_outsider_and_wrong_manager_get_404(org):
    plan = services.create_plan(actor=org.user("employee"), person=org.employee, title="Grow")
    goal = services.add_goal(
        actor=org.user("employee"), plan=plan, skill=Skill.objects.get(name="Python")
    )
    for who in ("outsider", "outsider_manager", "lead"):
        client = _api(getattr(org, who))
        url = f"/api/v1/development-plans/{plan.pk}"
        assert client.get(url).status_code == 404
        assert client.put(url, {"title": "x"}, content_type="application/json").status_code == 404
        assert client.delete(url).status_code == 404
        assert _post(client, f"{url}/agree", {"next_review": _day(3)}).status_code == 404
        assert client.delete(f"/api/v1/development-goals/{goal.pk}").status_code == 404
        assert client.get("/api/v1/development-plans").json()["count"] == 0
        refused = _post(
            client, "/api/v1/development-plans", {"person_id": org.employee.pk, "title": "x"}
        )
        assert refused.status_code == 404 and refused.json()["field"] == "person_id"
    assert DevelopmentPlan.objects.count() == 1 and Goal.objects.count() == 1


def test_bad_goal_input(org):
    plan = services.create_plan(actor=org.user("employee"), person=org.employee, title="Grow")
    url = f"/api/v1/development-plans/{plan.pk}/goals"
    client = _api(org.employee)
    rust = Skill.objects.create(name="Rust", category=Skill.objects.first().category)  # type: ignore[union-attr]
    no_default = _post(client, url, {"skill_id": rust.pk})
    assert no_default.status_code == 400 and no_default.json()["field"] == "target_level"
    assert _post(client, url, {"skill_id": 999999}).json()["field"] == "skill_id"
    unknown_item = _post(
        client, url, {"skill_id": rust.pk, "target_level": 2, "item_ids": [999999]}
    )
    assert unknown_item.status_code == 404 and unknown_item.json()["field"] == "item_ids"
    assert _post(client, url, {"skill_id": rust.pk, "target_level": -1}).status_code == 422


def test_stalled_goals_and_overdue_filter(org):
    plan = services.create_plan(actor=org.user("manager"), person=org.report2, title="Grow")
    services.add_goal(
        actor=org.user("manager"),
        plan=plan,
        skill=Skill.objects.get(name="Kubernetes"),
        due_date=timezone.localdate() - timedelta(days=1),
    )
    services.agree_plan(
        actor=org.user("manager"), plan=plan, next_review=timezone.localdate() + timedelta(days=1)
    )
    DevelopmentPlan.objects.filter(pk=plan.pk).update(
        next_review=timezone.localdate() - timedelta(days=1)
    )
    stalled = _api(org.lead).get("/api/v1/development-goals/stalled").json()
    assert stalled["count"] == 1
    assert stalled["items"][0]["person_name"] == "Rita Report"
    assert stalled["items"][0]["current_level"] is None
    assert _api(org.report2).get("/api/v1/development-goals/stalled").json()["count"] == 0
    assert _api(org.outsider_manager).get("/api/v1/development-goals/stalled").json()["count"] == 0
    overdue = _api(org.manager).get("/api/v1/development-plans", {"overdue": True}).json()
    assert [p["id"] for p in overdue["items"]] == [plan.pk] and overdue["items"][0]["overdue"]
    assert (
        _api(org.manager).get("/api/v1/development-plans", {"overdue": False}).json()["count"] == 0
    )


# --- query budgets ----------------------------------------------------------------------------

AUTH = "bearer token + user"
PAGE = ["count(*) of the filtered rows", "the page of rows (with select_related joins)"]
BUDGETS: dict[str, tuple[str, list[str]]] = {
    "/api/v1/development-plans": ("manager", [AUTH, *PAGE]),
    "/api/v1/development-goals/stalled": ("manager", [AUTH, *PAGE]),
}


def _grow(org, n: int) -> None:  # type: ignore[no-untyped-def]
    python = Skill.objects.get(name="Python")
    for _i in range(n):
        person = make_person(
            access="employee", team=org.employee.team, role=org.employee.role, manager=org.manager
        )
        plan = services.create_plan(actor=org.user("manager"), person=person, title="Plan")
        services.add_goal(
            actor=org.user("manager"),
            plan=plan,
            skill=python,
            due_date=timezone.localdate() + timedelta(days=3),
        )


@pytest.mark.parametrize("endpoint", list(BUDGETS))
def test_list_endpoint_query_count_does_not_grow(org, endpoint, django_assert_num_queries):
    actor, queries = BUDGETS[endpoint]
    client = _api(getattr(org, actor))
    counts = []
    for size in (3, 27):
        _grow(org, size)
        client.get(endpoint)  # warm-up: touches the token's last_used_at
        with django_assert_num_queries(len(queries)):
            response = client.get(endpoint)
        assert response.status_code == 200
        counts.append(response.json()["count"])
    assert counts[1] > counts[0], "the second size must really have more rows"
