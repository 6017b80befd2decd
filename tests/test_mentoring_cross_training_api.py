"""The cross-training API: proposals, starting a pair, progress; employees, bad input, query
budgets."""

from __future__ import annotations

import pytest
from django.test import Client

from seedbed.mentoring.models import Pair
from seedbed.mentoring.services import cross_training as ct
from seedbed.people.models import Person
from tests.builders import make_person, make_skill
from tests.conftest import Org, bearer
from tests.test_mentoring_cross_training import Risk, rate, risk

__all__ = ["risk"]
pytestmark = pytest.mark.django_db
BASE = "/api/v1/mentoring/cross-training"


def _api(person: Person) -> Client:
    return Client(headers={"authorization": bearer(person)["HTTP_AUTHORIZATION"]})


def _post(client: Client, url: str, body: dict) -> object:  # type: ignore[type-arg]
    return client.post(url, body, content_type="application/json")


def test_proposals_start_and_progress(risk: Risk, org: Org) -> None:
    admin = _api(org.admin)
    proposals = admin.get(f"{BASE}/proposals").json()
    mine = next(p for p in proposals["items"] if p["skill_id"] == risk.skill.pk)
    assert mine["holder_id"] == org.employee.pk and mine["target_level"] == 4
    assert [c["person_id"] for c in mine["learners"]] == [org.report2.pk, org.outsider.pk]
    assert mine["learners"][0]["interest"] == "keen"
    created = _post(
        admin,
        BASE,
        {"skill_id": risk.skill.pk, "mentor_id": org.employee.pk, "mentee_id": org.outsider.pk},
    )
    assert created.status_code == 201, created.json()  # type: ignore[attr-defined]
    pair = created.json()  # type: ignore[attr-defined]
    assert (pair["state"], pair["origin"], pair["skill_id"], pair["target_level"]) == (
        "published",
        "cross_training",
        risk.skill.pk,
        4,
    )
    rows = admin.get(f"{BASE}/pairs").json()["items"]
    assert rows[0]["learner_level"] == 3 and rows[0]["progress"] == 75
    assert rows[0]["cleared"] is False
    rate(org, org.outsider, risk.skill, 4)
    cleared = admin.get(f"{BASE}/pairs?cleared=true").json()
    assert cleared["count"] == 1 and cleared["items"][0]["cleared"] is True
    assert admin.get(f"{BASE}/pairs?cleared=false").json()["count"] == 0
    assert admin.get(f"{BASE}/pairs?q=terraform").json()["count"] == 1


def test_manager_sees_hidden_levels_as_null(risk: Risk, org: Org) -> None:
    ct.start(actor=org.user("admin"), skill=risk.skill, mentor=org.employee, mentee=org.outsider)
    row = _api(org.manager).get(f"{BASE}/pairs").json()["items"][0]
    assert row["learner_level"] is None and row["cleared"] is None and row["progress"] is None


@pytest.mark.parametrize(
    ("body", "status", "field"),
    [
        ({"skill_id": 999999, "mentor_id": "employee", "mentee_id": "report2"}, 404, "skill_id"),
        ({"skill_id": "risk", "mentor_id": "employee", "mentee_id": 999999}, 404, "mentee_id"),
        ({"skill_id": "risk", "mentor_id": "employee", "mentee_id": "manager"}, 400, "mentee"),
        ({"skill_id": "risk", "mentor_id": "employee"}, 422, "mentee_id"),
        ({"skill_id": "risk", "mentor_id": "employee", "mentee_id": "report2", "x": 1}, 422, "x"),
        ({"skill_id": "risk", "mentor_id": "lead", "mentee_id": "report2"}, 400, "mentor"),
    ],
)
def test_bad_input_gets_one_error_shape(
    risk: Risk, org: Org, body: dict[str, object], status: int, field: str
) -> None:
    def resolve(value: object) -> object:
        if value == "risk":
            return risk.skill.pk
        if isinstance(value, str):
            return getattr(org, value).pk
        return value

    response = _post(_api(org.admin), BASE, {k: resolve(v) for k, v in body.items()})
    assert response.status_code == status  # type: ignore[attr-defined]
    assert response.json()["field"] == field  # type: ignore[attr-defined]
    assert not Pair.objects.exists()


def test_a_full_skill_is_a_conflict(risk: Risk, org: Org) -> None:
    ct.start(actor=org.user("admin"), skill=risk.skill, mentor=org.employee, mentee=org.report2)
    ct.start(actor=org.user("admin"), skill=risk.skill, mentor=org.employee, mentee=org.outsider)
    response = _post(
        _api(org.admin),
        BASE,
        {"skill_id": risk.skill.pk, "mentor_id": org.employee.pk, "mentee_id": org.lead.pk},
    )
    assert response.status_code == 409  # type: ignore[attr-defined]
    assert "already has 2 learners" in response.json()["detail"]  # type: ignore[attr-defined]


@pytest.mark.parametrize("who", ["employee", "outsider"])
def test_employees_are_refused(risk: Risk, org: Org, who: str) -> None:
    client = _api(getattr(org, who))
    assert client.get(f"{BASE}/proposals").status_code == 403
    assert client.get(f"{BASE}/pairs").status_code == 403
    body = {"skill_id": risk.skill.pk, "mentor_id": org.employee.pk, "mentee_id": org.report2.pk}
    assert _post(client, BASE, body).status_code == 403  # type: ignore[attr-defined]
    assert not Pair.objects.exists()


def test_the_outsider_manager_sees_nothing_of_another_line(risk: Risk, org: Org) -> None:
    ct.start(actor=org.user("admin"), skill=risk.skill, mentor=org.employee, mentee=org.report2)
    client = _api(org.outsider_manager)
    skills = {p["skill_id"] for p in client.get(f"{BASE}/proposals").json()["items"]}
    assert risk.skill.pk not in skills
    assert client.get(f"{BASE}/pairs").json()["count"] == 0
    body = {"skill_id": risk.skill.pk, "mentor_id": org.employee.pk, "mentee_id": org.outsider.pk}
    assert _post(client, BASE, body).status_code == 403  # type: ignore[attr-defined]


def test_list_query_counts_do_not_grow(
    risk: Risk,
    org: Org,
    django_assert_num_queries,  # type: ignore[no-untyped-def]
) -> None:
    client = _api(org.admin)
    for size in (1, 4):
        for n in range(size):
            skill = make_skill(f"Risky {size}-{n}", criticality="critical")
            rate(org, org.outsider, skill, 4)
            learner = make_person(f"Learner {size}-{n}", access="employee")
            rate(org, learner, skill, 2)
            ct.start(actor=org.user("admin"), skill=skill, mentor=org.outsider, mentee=learner)
        client.get(f"{BASE}/pairs")  # warm-up: the token's last use
        # 1 token, 2 cross-training pairs with people, skill, learner level and visibility
        with django_assert_num_queries(2):
            assert client.get(f"{BASE}/pairs").status_code == 200
        # 1 token, 2-6 the organisation's matrix, 7 directory, 8 interests, 9 live pairs,
        # 10 skill names
        with django_assert_num_queries(10):
            assert client.get(f"{BASE}/proposals").status_code == 200
