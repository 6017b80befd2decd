"""Query budgets of every gap page and endpoint: the same number of queries with 5 extra people
(with teams, roles, levels, history and strategic needs) as with 30.

Each budget lists its queries in order. A matrix is five queries (``load_org_matrix``: people,
their roles' requirements, strategic needs, levels or rating history, critical skills). Pages
start with the session and the user; API requests with the bearer token (a warm-up request
first, since the token's ``last_used_at`` is written at most once a minute).
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from seedbed.frameworks.models import StrategicNeed
from seedbed.people.models import Person
from seedbed.skills.models import Source
from seedbed.skills.services import NewAssertion, record_assertions_bulk
from tests.builders import make_person, make_role, make_skill, make_team, require
from tests.conftest import bearer, login_client
from tests.test_gaps_views import Small, build_small

pytestmark = pytest.mark.django_db

MATRIX = ["matrix: people", "requirements", "strategic needs", "levels", "critical skills"]
HISTORY = [f"past {q}" for q in MATRIX[:3]] + ["past: rating history", "past: critical skills"]
TREND = ["trend: people then", "trend: their requirements", "trend: history changed since"]
ORG_MATRIX = [f"whole organisation {q}" for q in MATRIX]
PAGE = ["session", "user"]
NAV = ["navigation: unread inbox count"]
AUTH = ["bearer token + user"]
INTERVAL = "review interval (org settings)"
CAMPAIGN = "last survey campaign (default comparison date)"
SECTIONS = [
    "team names",
    "skill names: largest gaps",
    "skill names: bench",
    "skill names: knowledge at risk",
    "holder names",
]
NEEDS = "strategic needs with skills, categories and owners"
TEAM = ["the team", "the team tree (subtree ids)"]
ROLES = [
    "current role: requirements with skill names",
    "current role: the person's levels",
    "target role: requirements with skill names",
    "target role: the person's levels",
]
DEPARTURE = ["departure: names", "departure: skills only they reach"]
CAPTURE = [
    "cross-training pairs of the page's skills",
    "handovers of the page's sole holders",
    "people involved: names and leaving days",
]

BUDGETS: dict[str, tuple[str, list[str]]] = {
    # url: (actor, queries in order)
    "/gaps/": (
        "admin",
        [*PAGE, *MATRIX, INTERVAL, CAMPAIGN, *SECTIONS, *TREND, NEEDS, *NAV],
    ),
    "/gaps/#manager": (
        "manager",
        [*PAGE, *MATRIX, *ORG_MATRIX, INTERVAL, CAMPAIGN, *SECTIONS, *TREND, NEEDS, *NAV],
    ),
    "/gaps/teams/{team}/": (
        "admin",
        [
            *PAGE,
            *TEAM,
            *MATRIX,
            *ORG_MATRIX,
            INTERVAL,
            CAMPAIGN,
            *SECTIONS,
            *TREND,
            NEEDS,
            "people of the page: names and roles",
            *NAV,
        ],
    ),
    "/gaps/people/{person}/": (
        "admin",
        [
            *PAGE,
            "the person (levels visible) with role, target role, team",
            *ROLES,
            *ORG_MATRIX,
            *DEPARTURE,
            *NAV,
        ],
    ),
    "/gaps/risks/": (
        "admin",
        [
            *PAGE,
            *MATRIX,
            INTERVAL,
            "skill names of the page",
            "holder names",
            *DEPARTURE,
            *CAPTURE,
            *NAV,
            "filter: categories",
            "filter: teams",
        ],
    ),
    "/gaps/compare/?a={a}": (
        "admin",
        [
            *PAGE,
            CAMPAIGN,
            *HISTORY,
            *[f"second {q}" for q in HISTORY],
            INTERVAL,
            "skills of both dates",
            "team names",
            *NAV,
            "filter: teams",
            "filter: categories",
        ],
    ),
    "/gaps/skills/{skill}/": (
        "admin",
        [*PAGE, "the skill with its category", *MATRIX, INTERVAL, "people shown", *NAV],
    ),
    "/api/v1/gaps/org": ("admin", [*AUTH, *MATRIX, INTERVAL, *SECTIONS[1:], SECTIONS[0], NEEDS]),
    "/api/v1/gaps/org?at={a}": (
        "manager",
        [
            *AUTH,
            *HISTORY,
            *[f"organisation {q}" for q in HISTORY],
            INTERVAL,
            *SECTIONS[1:],
            SECTIONS[0],
            NEEDS,
        ],
    ),
    "/api/v1/gaps/teams/{team}": (
        "admin",
        [
            *AUTH,
            *TEAM,
            *MATRIX,
            *ORG_MATRIX,
            INTERVAL,
            "people: names and roles",
            *SECTIONS[1:],
            SECTIONS[0],
            NEEDS,
        ],
    ),
    "/api/v1/gaps/people/{person}": (
        "admin",
        [*AUTH, "the person (levels visible)", *ROLES, *ORG_MATRIX, *DEPARTURE],
    ),
    "/api/v1/gaps/compare?a={a}": (
        "admin",
        [*AUTH, *HISTORY, *[f"second {q}" for q in HISTORY], INTERVAL, "skills", "team names"],
    ),
    "/api/v1/risks": (
        "admin",
        [
            *AUTH,
            *MATRIX,
            INTERVAL,
            "skill names",
            "holder names",
            "the viewer's own person",
            "cross-training pairs",
            "people of the pairs and holders",
            "handover progress",
        ],
    ),
    "/api/v1/risks/departures": (
        "manager",
        [*AUTH, *MATRIX, *ORG_MATRIX, INTERVAL, "the manager's own person", *DEPARTURE],
    ),
    "/api/v1/risks/departures/{person}": (
        "admin",
        [*AUTH, "the person (levels visible)", *ORG_MATRIX, *DEPARTURE],
    ),
}


def grow(small: Small, n: int) -> None:
    """Add ``n`` people in new teams under Engineering, with a role, levels, some history,
    strategic needs and critical skills: everything the dashboards count. Each new person is
    the only holder of a new skill (before and after the comparison day), so every section
    has rows with names at both sizes (names are fetched only when there are rows)."""
    org = small.org
    now = timezone.now()
    rows: list[NewAssertion] = []
    for i in range(n):
        team = make_team(parent=org.employee.team)
        skill = make_skill(criticality="critical" if i % 3 == 0 else "medium")
        role = make_role()
        require(role, skill, 3)
        require(role, small.python, 2, importance=3)
        person = make_person(team=team, role=role, manager=org.employee, target_role=small.operator)
        rows += [
            NewAssertion(person.pk, skill.pk, 4, Source.MANAGER, at=now - timedelta(days=40)),
            NewAssertion(person.pk, skill.pk, 5, Source.SELF, at=now - timedelta(days=2)),
            NewAssertion(
                person.pk, small.python.pk, 3, Source.MANAGER, at=now - timedelta(days=60)
            ),
            NewAssertion(org.employee.pk, skill.pk, 1 + i % 5, Source.SELF, at=now),
        ]
        if i % 2 == 0:
            StrategicNeed.objects.create(
                skill=skill, level=4, headcount=2, due_date=timezone.localdate(), owner=person
            )
    record_assertions_bulk(actor=None, rows=rows, summary="test growth")


@pytest.mark.parametrize("key", list(BUDGETS))
def test_query_count_does_not_grow_with_the_organisation(org, key, django_assert_num_queries):
    small = build_small(org)
    # The outsider: a current and a target role, and the only holder of Forklift (so every
    # query of the person views runs).
    Person.objects.filter(pk=org.outsider.pk).update(target_role=org.employee.role)
    actor, queries = BUDGETS[key]
    who = getattr(org, actor)
    url = key.split("#")[0].format(
        team=org.employee.team_id,
        person=org.outsider.pk,
        skill=small.python.pk,
        a=small.cut.isoformat(),
    )
    if url.startswith("/api/"):
        client = Client(headers={"authorization": bearer(who)["HTTP_AUTHORIZATION"]})
    else:
        client = login_client(who)
    sizes = []
    for extra in (5, 25):  # 5 more people, then 30
        grow(small, extra)
        client.get(url)  # warm-up (token last-used time)
        with django_assert_num_queries(len(queries)):
            response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
        sizes.append(Person.objects.count())
    assert sizes[1] > sizes[0]
