"""Learning API per actor: catalogue (HR writes, everyone reads), prerequisites with cycles,
sessions, enrolments and their actions, approvals and sign-off queues, hours; query budgets
of the list endpoints."""

from __future__ import annotations

from datetime import timedelta
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from seedbed.learning.models import Kind, LearningItem
from seedbed.learning.services import enrolments as services
from seedbed.learning.services import hours as hours_services
from seedbed.skills.models import Assertion, Skill, Source
from tests.conftest import Org, bearer
from tests.test_learning_catalogue import make_item
from tests.test_learning_enrolments import rate

pytestmark = pytest.mark.django_db
API = "/api/v1/learning"


class Api:
    """A JSON client signed in with a bearer token."""

    def __init__(self, org: Org, who: str) -> None:
        self.client = Client()
        self.headers = bearer(getattr(org, who))

    def get(self, path: str, **params: Any) -> Any:
        return self.client.get(API + path, params, **self.headers)

    def post(self, path: str, body: dict[str, Any] | None = None) -> Any:
        return self.client.post(
            API + path, body or {}, content_type="application/json", **self.headers
        )

    def patch(self, path: str, body: dict[str, Any]) -> Any:
        return self.client.patch(API + path, body, content_type="application/json", **self.headers)

    def delete(self, path: str) -> Any:
        return self.client.delete(API + path, **self.headers)


def test_hr_creates_items_everyone_reads_them(org: Org) -> None:
    k8s = Skill.objects.get(name="Kubernetes")
    body = {
        "title": "Kubernetes basics",
        "kind": "elearning",
        "cost": "0",
        "provider": "CNCF",
        "code": "K8S-1",
        "skills": [{"skill_id": k8s.pk, "level": 2}],
    }
    assert Api(org, "manager").post("/items", body).status_code == 403
    created = Api(org, "admin").post("/items", body)
    assert created.status_code == 201, created.content
    data = created.json()
    assert data["is_free"] and data["skills"] == [
        {"skill_id": k8s.pk, "skill_name": "Kubernetes", "level": 2}
    ]
    clash = Api(org, "admin").post("/items", {**body, "code": "k8s-1", "title": "Other"})
    assert clash.status_code == 400 and clash.json()["field"] == "code"
    listing = Api(org, "outsider").get("/items", free="true", q="cncf")
    assert [i["title"] for i in listing.json()["items"]] == ["Kubernetes basics"]
    one = Api(org, "outsider").get(f"/items/{data['id']}").json()
    assert one["prerequisites"] == [] and one["sessions"] == []
    changed = Api(org, "admin").patch(f"/items/{data['id']}", {"cost": "19.90", "is_active": False})
    assert changed.json()["cost"] == 19.9 and changed.json()["is_active"] is False
    assert Api(org, "employee").patch(f"/items/{data['id']}", {"cost": "1"}).status_code == 403


def test_prerequisite_cycle_is_refused_with_its_path(org: Org) -> None:
    a, b = make_item(org, "Alpha"), make_item(org, "Beta")
    admin = Api(org, "admin")
    assert admin.post(f"/items/{b.pk}/prerequisites", {"requires_item_id": a.pk}).status_code == 201
    refused = admin.post(f"/items/{a.pk}/prerequisites", {"requires_item_id": b.pk})
    assert refused.status_code == 400
    assert "Alpha → Beta → Alpha" in refused.json()["detail"]
    assert refused.json()["field"] == "requires_item_id"
    twice = admin.post(f"/items/{b.pk}/prerequisites", {"requires_item_id": a.pk})
    assert twice.status_code == 409
    python = Skill.objects.get(name="Python")
    skill_pre = admin.post(
        f"/items/{a.pk}/prerequisites", {"requires_skill_id": python.pk, "requires_level": 2}
    )
    assert skill_pre.json()["requires_skill_name"] == "Python"
    assert (
        Api(org, "employee").delete(f"/prerequisites/{skill_pre.json()['id']}").status_code == 403
    )
    assert admin.delete(f"/prerequisites/{skill_pre.json()['id']}").status_code == 204


def test_sessions_and_seats(org: Org) -> None:
    workshop = make_item(org, "Workshop", kind=Kind.WORKSHOP)
    start = timezone.now() + timedelta(days=4)
    body = {
        "starts_at": start.isoformat(),
        "ends_at": (start + timedelta(hours=2)).isoformat(),
        "location": "Room 1",
        "seats": 1,
    }
    assert Api(org, "manager").post(f"/items/{workshop.pk}/sessions", body).status_code == 403
    session = Api(org, "admin").post(f"/items/{workshop.pk}/sessions", body).json()
    assert (session["taken"], session["free"]) == (0, 1)
    first = Api(org, "employee").post(
        "/enrolments", {"item_id": workshop.pk, "session_id": session["id"]}
    )
    assert first.status_code == 201
    full = Api(org, "report2").post(
        "/enrolments", {"item_id": workshop.pk, "session_id": session["id"]}
    )
    assert full.status_code == 409 and "full" in full.json()["detail"]
    no_session = Api(org, "report2").post("/enrolments", {"item_id": workshop.pk})
    assert no_session.status_code == 400 and no_session.json()["field"] == "session_id"
    assert Api(org, "admin").delete(f"/sessions/{session['id']}").status_code == 409


def test_enrolments_per_actor(org: Org) -> None:
    item = make_item(org, "Paid course", requires_approval=True, cost="500")
    requested = Api(org, "employee").post("/enrolments", {"item_id": item.pk})
    assert requested.status_code == 201 and requested.json()["status"] == "requested"
    eid = requested.json()["id"]
    # Outsiders neither see it nor decide it.
    assert Api(org, "outsider").get(f"/enrolments/{eid}").status_code == 404
    assert (
        Api(org, "outsider_manager")
        .post(f"/enrolments/{eid}/decision", {"approve": True})
        .status_code
        == 404
    )
    assert Api(org, "outsider").get("/enrolments").json()["count"] == 0
    # The employee sees it but cannot approve her own request.
    assert (
        Api(org, "employee").post(f"/enrolments/{eid}/decision", {"approve": True}).status_code
        == 403
    )
    assert [e["id"] for e in Api(org, "manager").get("/approvals").json()["items"]] == [eid]
    assert Api(org, "outsider_manager").get("/approvals").json()["count"] == 0
    reject = Api(org, "manager").post(f"/enrolments/{eid}/decision", {"approve": False})
    assert reject.status_code == 400 and reject.json()["field"] == "note"
    approved = Api(org, "lead").post(f"/enrolments/{eid}/decision", {"approve": True})
    assert approved.status_code == 404  # the lead does not manage the employee: not visible
    approved = Api(org, "manager").post(f"/enrolments/{eid}/decision", {"approve": True})
    assert approved.json()["status"] == "enrolled"
    again = Api(org, "admin").post(f"/enrolments/{eid}/decision", {"approve": True})
    assert again.status_code == 409
    # A manager enrols someone in their line, not an outsider.
    other = make_item(org, "Git")
    assert (
        Api(org, "manager")
        .post("/enrolments", {"item_id": other.pk, "person_id": org.report2.pk})
        .status_code
        == 201
    )
    assert (
        Api(org, "manager")
        .post("/enrolments", {"item_id": other.pk, "person_id": org.outsider.pk})
        .status_code
        == 403
    )


def test_complete_through_the_api_feeds_the_validation_queue(org: Org) -> None:
    item = make_item(org, "Kubernetes in practice", skills=[("Kubernetes", 3)])
    emp = Api(org, "employee")
    eid = emp.post("/enrolments", {"item_id": item.pk}).json()["id"]
    assert emp.post(f"/enrolments/{eid}/progress", {"progress": 150}).status_code == 422
    assert (
        emp.post(f"/enrolments/{eid}/progress", {"progress": 50}).json()["status"] == "in_progress"
    )
    assert Api(org, "outsider").post(f"/enrolments/{eid}/complete", {}).status_code == 404
    done = emp.post(
        f"/enrolments/{eid}/complete",
        {
            "usefulness": 5,
            "applicability": 3,
            "would_recommend": True,
            "pre_score": "20",
            "post_score": 75.5,
        },
    )
    assert done.status_code == 200, done.content
    assert (done.json()["status"], done.json()["post_score"]) == ("completed", 75.5)
    queue = Api(org, "manager").client.get(
        "/api/v1/validation-queue", **Api(org, "manager").headers
    )
    assert [
        (q["skill_name"], q["claimed_level"], q["claimed_source"]) for q in queue.json()["items"]
    ] == [("Kubernetes", 3, "learning")]


def test_sign_off_through_the_api(org: Org) -> None:
    rate(org, "lead", "Kubernetes", 4)
    item = make_item(org, "Run the release", kind=Kind.ON_THE_JOB, skills=[("Kubernetes", 3)])
    enrolment = services.enrol(actor=org.user("manager"), person=org.employee, item=item)
    manager = Api(org, "manager")
    refused = manager.post(f"/enrolments/{enrolment.pk}/assessors", {"person_id": org.report2.pk})
    assert refused.status_code == 400 and "cannot assess" in refused.json()["detail"]
    lead_so = manager.post(f"/enrolments/{enrolment.pk}/assessors", {"person_id": org.lead.pk})
    assert lead_so.status_code == 201
    assert (
        Api(org, "employee")
        .post(f"/enrolments/{enrolment.pk}/assessors", {"person_id": org.manager.pk})
        .status_code
        == 403
    )
    queue = Api(org, "lead").get("/sign-offs").json()
    assert [(s["item_title"], s["person_name"]) for s in queue["items"]] == [
        ("Run the release", "Emil Employee")
    ]
    sid = lead_so.json()["id"]
    assert (
        Api(org, "manager").post(f"/sign-offs/{sid}", {"passed": True, "level": 3}).status_code
        == 404
    )
    assert Api(org, "lead").post(f"/sign-offs/{sid}", {"passed": False}).status_code == 400
    passed = Api(org, "lead").post(f"/sign-offs/{sid}", {"passed": True, "level": 3})
    assert passed.json()["decision"] == "pass"
    detail = Api(org, "employee").get(f"/enrolments/{enrolment.pk}").json()
    assert detail["status"] == "completed" and detail["signoffs"][0]["assessor_name"] == "Lea Lead"
    assert Assertion.objects.get(person=org.employee).source == Source.ASSESSMENT
    assert Api(org, "employee").post(f"/enrolments/{enrolment.pk}/complete", {}).status_code == 409


def test_hours_per_actor(org: Org) -> None:
    today = timezone.localdate().isoformat()
    emp = Api(org, "employee")
    logged = emp.post("/hours", {"date": today, "hours": "1.5"})
    assert logged.status_code == 201 and logged.json()["hours"] == 1.5
    assert emp.post("/hours", {"date": today, "hours": 0}).status_code == 422
    assert emp.post("/hours", {"date": today, "hours": "24.5"}).status_code == 422
    assert (
        emp.post("/hours", {"date": today, "hours": 1, "person_id": org.report2.pk}).status_code
        == 403
    )
    assert (
        Api(org, "manager")
        .post("/hours", {"date": today, "hours": 2, "person_id": org.report2.pk})
        .status_code
        == 201
    )
    month = emp.get("/hours/month").json()
    assert (month["logged"], month["allowance"]) == (1.5, 4.0)
    assert Api(org, "outsider").get("/hours/month", person_id=org.employee.pk).status_code == 404
    assert (
        Api(org, "manager").get("/hours/month", person_id=org.employee.pk).json()["logged"] == 1.5
    )
    assert Api(org, "outsider").get("/hours").json()["count"] == 0
    assert Api(org, "manager").get("/hours").json()["count"] == 2
    assert Api(org, "outsider").delete(f"/hours/{logged.json()['id']}").status_code == 404
    assert emp.delete(f"/hours/{logged.json()['id']}").status_code == 204


# --- query budgets ---------------------------------------------------------------------------

AUTH = "bearer token + user"
PAGE = ["count(*)", "the page (with select_related joins)"]


BUDGETS = {
    "/items": [AUTH, *PAGE, "prefetch the items' skills"],
    "/enrolments": [AUTH, *PAGE],
    "/approvals": [AUTH, *PAGE],
    "/hours": [AUTH, *PAGE],
}


@pytest.mark.parametrize("path", list(BUDGETS))
def test_list_endpoints_query_budget(org: Org, django_assert_num_queries, path: str) -> None:  # type: ignore[no-untyped-def]
    from decimal import Decimal

    api = Api(org, "manager")
    for _i in range(2):
        item = make_item(
            org,
            f"Paid {LearningItem.objects.count()}",
            requires_approval=True,
            skills=[("Python", 2)],
        )
        for who in ("employee", "report2"):
            person = getattr(org, who)
            services.enrol(actor=person.user, person=person, item=item)  # type: ignore[arg-type]
        hours_services.log_hours(
            actor=org.user("employee"),
            person=org.employee,
            on=timezone.localdate(),
            hours=Decimal("0.25"),
        )
    api.get(path)  # warm-up: the token's last use is written once a minute
    with django_assert_num_queries(len(BUDGETS[path])):
        first = api.get(path).json()["count"]
    for _i in range(12):
        item = make_item(
            org,
            f"Paid {LearningItem.objects.count()}",
            requires_approval=True,
            skills=[("Kubernetes", 2)],
        )
        for who in ("employee", "report2"):
            person = getattr(org, who)
            services.enrol(actor=person.user, person=person, item=item)  # type: ignore[arg-type]
        hours_services.log_hours(
            actor=org.user("employee"),
            person=org.employee,
            on=timezone.localdate(),
            hours=Decimal("0.25"),
        )
    with django_assert_num_queries(len(BUDGETS[path])):
        assert api.get(path).json()["count"] > first
