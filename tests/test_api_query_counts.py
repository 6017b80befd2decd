"""Query budgets of every API list endpoint: the same number of queries with 3 rows as with 30.

Each budget lists its queries in order. Every request starts with the bearer-token lookup
(one query, token joined to its user); the token's ``last_used_at`` is written at most once a
minute, so each test makes one warm-up request first.
"""

from __future__ import annotations

import pytest
from django.test import Client

from seedbed.accounts.services import create_token
from seedbed.frameworks.models import Role
from seedbed.skills.models import (
    Interest,
    ProficiencyScale,
    ScaleLevel,
    Skill,
    SkillInterest,
    Source,
)
from seedbed.skills.services import NewAssertion, record_assertions_bulk
from tests.builders import make_person, make_role, make_skill, make_team, require
from tests.conftest import bearer

pytestmark = pytest.mark.django_db

AUTH = "bearer token + user"
PAGE = ["count(*) of the filtered rows", "the page of rows (with select_related joins)"]

BUDGETS: dict[str, tuple[str, list[str]]] = {
    # endpoint: (actor, queries)
    "/api/v1/people?active=true": ("manager", [AUTH, *PAGE]),
    "/api/v1/teams": ("employee", [AUTH, *PAGE]),
    "/api/v1/roles": ("employee", [AUTH, *PAGE, "prefetch requirements with their skills"]),
    "/api/v1/skills?search=skill": ("employee", [AUTH, *PAGE]),
    "/api/v1/skill-categories": ("employee", [AUTH, *PAGE]),
    "/api/v1/scales": ("employee", [AUTH, *PAGE, "prefetch the scales' levels"]),
    "/api/v1/assertions": ("manager", [AUTH, *PAGE]),
    "/api/v1/assertions?source=self": ("admin", [AUTH, *PAGE]),
    "/api/v1/people/{employee}/skills": ("manager", [AUTH, "the person, if levels visible", *PAGE]),
    "/api/v1/people/{employee}/skills/{python}/history": (
        "manager",
        [AUTH, "the person, if levels visible", "the skill", *PAGE],
    ),
    "/api/v1/validation-queue": ("manager", [AUTH, *PAGE]),
    "/api/v1/tokens": ("manager", [AUTH, *PAGE]),
}


def _grow(org, n: int) -> None:  # type: ignore[no-untyped-def]
    """Add ``n`` rows to everything the list endpoints show."""
    python = Skill.objects.get(name="Python")
    rows: list[NewAssertion] = []
    for _i in range(n):
        make_team()
        skill = make_skill()  # and a category
        role = make_role()
        require(role, skill, 2)
        require(role, python, 3)
        scale = ProficiencyScale.objects.create(name=f"Scale {skill.pk}")
        ScaleLevel.objects.bulk_create(
            [ScaleLevel(scale=scale, value=v, name=str(v)) for v in (1, 2, 3)]
        )
        report = make_person(manager=org.manager, team=org.employee.team, role=role)
        rows.append(NewAssertion(report.pk, skill.pk, 2, Source.SELF))
        rows.append(NewAssertion(org.employee.pk, skill.pk, 3, Source.SELF))
        rows.append(NewAssertion(org.employee.pk, python.pk, 2, Source.SELF))
        SkillInterest.objects.create(person=org.employee, skill=skill, interest=Interest.KEEN)
        create_token(user=org.user("manager"), name="ci")
    record_assertions_bulk(actor=None, rows=rows, summary="test data")


@pytest.mark.parametrize("endpoint", list(BUDGETS))
def test_list_endpoint_query_count_does_not_grow(org, endpoint, django_assert_num_queries):
    actor, queries = BUDGETS[endpoint]
    url = endpoint.format(employee=org.employee.pk, python=Skill.objects.get(name="Python").pk)
    client = Client(headers={"authorization": bearer(getattr(org, actor))["HTTP_AUTHORIZATION"]})
    counts = []
    for size in (3, 27):  # 3 rows, then 30
        _grow(org, size)
        client.get(url)  # warm-up: touches the token's last_used_at
        with django_assert_num_queries(len(queries)):
            response = client.get(url)
        assert response.status_code == 200
        counts.append(response.json()["count"])
    assert counts[1] > counts[0], "the second size must really have more rows"


def test_role_requirements_embedded_for_every_role(org):
    """The prefetch really covers each role on the page (not only the first)."""
    _grow(org, 3)
    client = Client(headers={"authorization": bearer(org.employee)["HTTP_AUTHORIZATION"]})
    items = client.get("/api/v1/roles?limit=500").json()["items"]
    assert len(items) == Role.objects.count()
    assert all(len(r["requirements"]) == 2 for r in items)
