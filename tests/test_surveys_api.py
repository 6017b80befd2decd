"""The surveys API per actor, and query budgets of its list endpoints (and the notification
and stale-level lists): the same number of queries with 3 rows as with 30."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from seedbed.notifications.models import Notification
from seedbed.skills.models import Skill, Source
from seedbed.skills.services import NewAssertion, record_assertions_bulk
from seedbed.surveys import services
from seedbed.surveys.models import Campaign, Scope, SurveyTask
from tests.builders import make_person
from tests.conftest import bearer

pytestmark = pytest.mark.django_db


def _api(person) -> Client:  # type: ignore[no-untyped-def]
    return Client(headers={"authorization": bearer(person)["HTTP_AUTHORIZATION"]})


def _body(**kw):  # type: ignore[no-untyped-def]
    body = {
        "name": "Spring review",
        "scope": "everyone",
        "deadline": (timezone.localdate() + timedelta(days=10)).isoformat(),
    }
    body.update(kw)
    return body


def _launch(org, **kw) -> Campaign:  # type: ignore[no-untyped-def]
    return services.launch_campaign(
        actor=org.user("admin"),
        name=kw.pop("name", "Spring review"),
        scope=kw.pop("scope", Scope.EVERYONE),
        deadline=timezone.localdate() + timedelta(days=10),
        **kw,
    )


def test_admin_launches_and_reads_progress_per_team(org):
    client = _api(org.admin)
    response = client.post(
        "/api/v1/surveys",
        _body(scope="role", role_id=org.employee.role_id, message="Hi"),
        content_type="application/json",
    )
    assert response.status_code == 201, response.json()
    data = response.json()
    assert data["tasks_total"] == 4 and data["tasks_done"] == 0
    assert data["role_name"] == "Developer" and data["status"] == "open"
    assert data["teams"] == [
        {
            "team_id": org.employee.team_id,
            "team_name": "Engineering",
            "done": 0,
            "total": 4,
            "percent": 0,
        }
    ]
    assert client.get(f"/api/v1/surveys/{data['id']}").json()["teams"] == data["teams"]


@pytest.mark.parametrize(
    ("body", "status", "field"),
    [
        (_body(scope="team"), 400, "team_id"),
        (_body(scope="team", team_id=999999), 404, "team_id"),
        (_body(scope="role", role_id=999999), 404, "role_id"),
        (_body(deadline="2001-01-01"), 400, "deadline"),
        (_body(scope="galaxy"), 422, "scope"),
        (_body(name=""), 422, "name"),
        (_body(extra=1), 422, "extra"),
    ],
)
def test_launch_rejects_bad_input_clearly(org, body, status, field):
    response = _api(org.admin).post("/api/v1/surveys", body, content_type="application/json")
    assert response.status_code == status, response.json()
    assert response.json()["field"] == field
    assert not Campaign.objects.exists()


@pytest.mark.parametrize("actor", ["manager", "employee", "outsider"])
def test_only_admins_launch_or_close(org, actor):
    response = _api(getattr(org, actor)).post(
        "/api/v1/surveys", _body(), content_type="application/json"
    )
    assert response.status_code == 403
    campaign = _launch(org)
    closed = _api(getattr(org, actor)).post(f"/api/v1/surveys/{campaign.pk}/close")
    assert closed.status_code in (403, 404)
    campaign.refresh_from_db()
    assert campaign.is_open


def test_close_and_cancel(org):
    campaign = _launch(org)
    client = _api(org.admin)
    response = client.post(f"/api/v1/surveys/{campaign.pk}/cancel")
    assert response.status_code == 200 and response.json()["status"] == "cancelled"
    again = client.post(f"/api/v1/surveys/{campaign.pk}/close")
    assert again.status_code == 409 and "already cancelled" in again.json()["detail"]
    other = _launch(org)
    closed = client.post(f"/api/v1/surveys/{other.pk}/close").json()
    assert closed["status"] == "closed" and closed["closed_at"] is not None


def test_campaigns_and_tasks_are_scoped(org):
    everyone = _launch(org, name="All")
    ops = _launch(org, name="Ops", scope=Scope.TEAM, team=org.outsider.team)
    names = lambda who: [c["name"] for c in _api(who).get("/api/v1/surveys").json()["items"]]  # noqa: E731
    assert names(org.admin) == ["Ops", "All"]
    assert names(org.manager) == ["All"]
    assert names(org.outsider_manager) == ["Ops", "All"]
    assert names(org.employee) == []  # employees use /me/survey-tasks
    lead = _api(org.lead).get("/api/v1/surveys").json()["items"][0]
    assert (lead["tasks_total"], lead["tasks_done"]) == (2, 0)
    tasks = _api(org.lead).get(f"/api/v1/surveys/{everyone.pk}/tasks").json()["items"]
    assert [(t["person_name"], t["manager_name"]) for t in tasks] == [
        (org.lead.full_name, org.manager.full_name),
        (org.report2.full_name, org.lead.full_name),
    ]
    assert _api(org.manager).get(f"/api/v1/surveys/{ops.pk}").status_code == 404
    assert _api(org.manager).get(f"/api/v1/surveys/{ops.pk}/tasks").status_code == 404
    assert _api(org.employee).get(f"/api/v1/surveys/{everyone.pk}/tasks").status_code == 404


def test_remind_through_the_api(org):
    campaign = _launch(org)
    assert _api(org.lead).post(f"/api/v1/surveys/{campaign.pk}/remind").json() == {"reminded": 2}
    assert _api(org.admin).post(f"/api/v1/surveys/{campaign.pk}/remind").json() == {"reminded": 5}
    assert _api(org.employee).post(f"/api/v1/surveys/{campaign.pk}/remind").status_code == 404


def test_my_tasks_answer_and_complete(org):
    campaign = _launch(org)
    client = _api(org.employee)
    (task,) = client.get("/api/v1/me/survey-tasks?open=true").json()["items"]
    assert task["campaign_name"] == "Spring review"
    assert [(i["skill_name"], i["required_level"]) for i in task["items"]] == [
        ("Kubernetes", 2),
        ("Python", 3),
    ]
    python, k8s = (Skill.objects.get(name=n).pk for n in ("Python", "Kubernetes"))
    url = f"/api/v1/me/survey-tasks/{task['id']}/answers"
    refused = client.post(
        url,
        {"answers": [{"skill_id": python, "level": 3}], "complete": True},
        content_type="application/json",
    )
    assert refused.status_code == 400 and refused.json()["field"] == "answers"
    done = client.post(
        url,
        {
            "answers": [{"skill_id": python, "level": 3}, {"skill_id": k8s, "level": 2}],
            "complete": True,
            "note": "all good",
        },
        content_type="application/json",
    )
    assert done.status_code == 200 and done.json()["status"] == "done"
    assert client.get("/api/v1/me/survey-tasks?open=true").json()["count"] == 0
    assert client.get("/api/v1/me/survey-tasks?open=false").json()["count"] == 1
    other = SurveyTask.objects.get(campaign=campaign, person=org.report2)
    for who in (org.manager, org.admin, org.outsider):
        assert _api(who).get(f"/api/v1/me/survey-tasks/{other.pk}").status_code == 404
        response = _api(who).post(
            f"/api/v1/me/survey-tasks/{other.pk}/answers",
            {"answers": [{"skill_id": python, "level": 3}]},
            content_type="application/json",
        )
        assert response.status_code == 404


# --- query budgets ----------------------------------------------------------------------------

AUTH = "bearer token + user"
PAGE = ["count(*) of the filtered rows", "the page of rows (with select_related joins)"]
BUDGETS: dict[str, tuple[str, list[str]]] = {
    "/api/v1/surveys": ("manager", [AUTH, *PAGE]),
    "/api/v1/surveys/{campaign}/tasks": ("admin", [AUTH, "the campaign, if visible", *PAGE]),
    "/api/v1/me/survey-tasks": ("employee", [AUTH, *PAGE, "prefetch items with their skills"]),
    "/api/v1/notifications": ("employee", [AUTH, *PAGE]),
    "/api/v1/stale-levels": ("manager", [AUTH, "the review interval", *PAGE]),
}


def _grow(org, n: int, campaign: Campaign) -> None:  # type: ignore[no-untyped-def]
    """``n`` more of everything those lists show."""
    old = timezone.now() - timedelta(days=500)
    rows = []
    for _i in range(n):
        person = make_person(
            access="employee", team=org.employee.team, role=org.employee.role, manager=org.manager
        )
        SurveyTask.objects.create(campaign=campaign, person=person)
        rows.append(
            NewAssertion(person.pk, Skill.objects.get(name="Python").pk, 2, Source.SELF, at=old)
        )
        again = _launch(org, scope=Scope.ROLE, role=org.employee.role)
        services.send_reminders(actor=None, campaign=again)
    record_assertions_bulk(actor=None, rows=rows, summary="old levels")


@pytest.mark.parametrize("endpoint", list(BUDGETS))
def test_list_endpoint_query_count_does_not_grow(org, endpoint, django_assert_num_queries):
    actor, queries = BUDGETS[endpoint]
    campaign = _launch(org)
    client = _api(getattr(org, actor))
    url = endpoint.format(campaign=campaign.pk)
    counts = []
    for size in (3, 27):
        _grow(org, size, campaign)
        client.get(url)  # warm-up: touches the token's last_used_at
        with django_assert_num_queries(len(queries)):
            response = client.get(url)
        assert response.status_code == 200
        counts.append(response.json()["count"])
    assert counts[1] > counts[0], "the second size must really have more rows"
    assert Notification.objects.exists()
