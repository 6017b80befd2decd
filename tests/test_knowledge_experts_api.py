"""Expert finder API: GET /api/v1/knowledge/experts (ranked, explained, paged, scoped) and
GET/PUT /api/v1/knowledge/finder-settings (admins only, validated, audited)."""

from __future__ import annotations

import json

import pytest
from django.db import connection
from django.test import Client

from seedbed.accounts.models import AuditLog
from seedbed.knowledge.models import FinderSettings
from seedbed.skills.models import Skill
from tests.builders import make_person
from tests.conftest import Org, bearer
from tests.test_knowledge_experts import article, rate

pytestmark = pytest.mark.django_db
URL = "/api/v1/knowledge/experts"
SETTINGS = "/api/v1/knowledge/finder-settings"


@pytest.fixture
def k8s(org: Org) -> Skill:
    return Skill.objects.get(name="Kubernetes")


def test_anonymous_gets_401(client: Client) -> None:
    assert client.get(URL, {"q": "k8s"}).status_code == 401
    assert client.get(SETTINGS).status_code == 401


def test_ranked_results_with_evidence(org: Org, k8s: Skill, client: Client) -> None:
    rate(org.employee, k8s, 4, "manager")
    article(org.employee, k8s, title="Draining nodes")
    rate(org.lead, k8s, 4, "self")
    body = client.get(URL, {"skill": k8s.pk}, **bearer(org.manager)).json()
    assert body["count"] == 2
    assert body["skills"] == [{"id": k8s.pk, "name": "Kubernetes"}]
    first, second = body["items"]
    assert (first["rank"], first["person"]["name"]) == (1, "Emil Employee")
    assert second["person"]["name"] == "Lea Lead"
    assert first["explanation"].startswith("validated level 4 in Kubernetes, 1 article")
    ev = first["evidence"]
    assert ev["level"]["level"] == 4 and ev["level"]["validated"] is True
    assert ev["articles"] == 1
    assert ev["articles_list"][0]["title"] == "Draining nodes"
    assert set(ev["contributions"]) == {"validated", "articles"}
    assert first["score"] > second["score"] > 0


def test_paging_with_limit_and_offset(org: Org, k8s: Skill, client: Client) -> None:
    for i in range(7):
        rate(make_person(f"Holder {i}"), k8s, 1 + i % 5, "manager")
    all_names = [
        item["person"]["name"]
        for item in client.get(URL, {"q": "k8s", "limit": 50}, **bearer(org.admin)).json()["items"]
    ]
    body = client.get(URL, {"q": "k8s", "limit": 3, "offset": 3}, **bearer(org.admin)).json()
    assert body["count"] == 7
    assert [i["person"]["name"] for i in body["items"]] == all_names[3:6]
    assert [i["rank"] for i in body["items"]] == [4, 5, 6]


def test_filters(org: Org, k8s: Skill, client: Client) -> None:
    berlin = make_person("Ben Berlin", location="Berlin", languages="de, en")
    rate(berlin, k8s, 3, "manager")
    rate(org.employee, k8s, 3, "manager")
    auth = bearer(org.admin)
    names = lambda **kw: [  # noqa: E731
        i["person"]["name"] for i in client.get(URL, {"q": "k8s", **kw}, **auth).json()["items"]
    ]
    assert names(location="Berlin") == ["Ben Berlin"]
    assert names(language="de") == ["Ben Berlin"]
    assert names(team=org.employee.team_id) == ["Emil Employee"]
    assert "Ben Berlin" in names(available="true")


def test_outsider_does_not_see_hidden_levels(org: Org, k8s: Skill, client: Client) -> None:
    rate(org.employee, k8s, 5, "manager")
    body = client.get(URL, {"skill": k8s.pk}, **bearer(org.outsider)).json()
    assert body["count"] == 0 and body["items"] == []
    article(org.employee, k8s)
    item = client.get(URL, {"skill": k8s.pk}, **bearer(org.outsider)).json()["items"][0]
    assert item["evidence"]["level"] is None
    assert "level" not in item["explanation"]


@pytest.mark.parametrize(
    ("params", "status", "field"),
    [
        ({}, 400, "q"),
        ({"q": "   "}, 400, "q"),
        ({"skill": 999999}, 404, "skill"),
        ({"q": "x", "team": 999999}, 404, "team"),
        ({"skill": 0}, 422, None),
        ({"q": "x", "limit": 0}, 422, None),
        ({"q": "x", "limit": 501}, 422, None),
        ({"q": "x", "offset": -1}, 422, None),
        ({"q": "x" * 201}, 422, None),
        ({"q": "a\x00b"}, 422, None),
    ],
)
def test_bad_input_gets_a_clear_error(
    org: Org, client: Client, params: dict, status: int, field: str | None
) -> None:
    response = client.get(URL, params, **bearer(org.employee))
    assert response.status_code == status, response.content
    body = response.json()
    assert body["detail"]
    if field is not None:
        assert body["field"] == field


def test_query_count_is_fixed(
    org: Org, k8s: Skill, client: Client, django_assert_num_queries
) -> None:  # type: ignore[no-untyped-def]
    FinderSettings.load()
    auth = bearer(org.admin)

    def run() -> None:
        # token with its user (its last use was noted by the warm-up), skill exists, finder
        # settings, catalogue (the skills are made from it), articles and questions containing "kube", levels,
        # certificates, articles and answers (one read of the evidence table: an admin asking
        # for one skill), mentoring, people, mentors' capacity, the page's people, their
        # articles and answered questions; on PostgreSQL levels, certificates, the read
        # table, mentoring, people and capacity are one statement (evidence.fetch_many)
        with django_assert_num_queries(9 if connection.vendor == "postgresql" else 14):
            assert client.get(URL, {"skill": k8s.pk, "q": "kube"}, **auth).status_code == 200

    rate(make_person("First"), k8s, 2, "manager")
    client.get(URL, {"q": "warm-up"}, **auth)
    run()
    for i in range(12):
        p = make_person(f"Many {i}")
        rate(p, k8s, 3, "manager")
        article(p, k8s)
    run()


# --- settings ------------------------------------------------------------------------------


@pytest.mark.parametrize("who", ["manager", "employee", "outsider"])
def test_settings_are_admin_only(org: Org, client: Client, who: str) -> None:
    auth = bearer(getattr(org, who))
    assert client.get(SETTINGS, **auth).status_code == 403
    response = client.put(
        SETTINGS, json.dumps({"weights": {"articles": 2}}), content_type="application/json", **auth
    )
    assert response.status_code == 403
    assert FinderSettings.load().weights["articles"] == 0.3


def test_admin_reads_every_weight_with_its_meaning(org: Org, client: Client) -> None:
    body = client.get(SETTINGS, **bearer(org.admin)).json()
    keys = [w["key"] for w in body["weights"]]
    assert keys == [
        "validated",
        "self_rated",
        "certification",
        "articles",
        "accepted_answers",
        "votes",
        "mentoring",
        "related",
        "half_life_days",
    ]
    assert all(w["meaning"] and w["label"] for w in body["weights"])
    assert body["experts_per_question"] == 3 and body["max_notifications_per_week"] == 5


def test_admin_changes_some_weights_and_caps(org: Org, client: Client) -> None:
    response = client.put(
        SETTINGS,
        json.dumps(
            {"weights": {"articles": 0.8, "half_life_days": 180}, "experts_per_question": 2}
        ),
        content_type="application/json",
        **bearer(org.admin),
    )
    assert response.status_code == 200, response.content
    settings = FinderSettings.load()
    assert settings.weights["articles"] == 0.8 and settings.weights["half_life_days"] == 180
    assert settings.weights["validated"] == 1.0  # untouched
    assert settings.experts_per_question == 2 and settings.max_notifications_per_week == 5
    entry = AuditLog.objects.get(action="knowledge.finder_settings")
    assert entry.changes == {
        "weights.articles": [0.3, 0.8],
        "weights.half_life_days": [365.0, 180.0],
        "experts_per_question": [3, 2],
    }


@pytest.mark.parametrize(
    ("body", "status", "field"),
    [
        ({"weights": {"articles": -0.1}}, 400, "articles"),
        ({"weights": {"articles": 10.5}}, 400, "articles"),
        ({"weights": {"half_life_days": 1}}, 400, "half_life_days"),
        ({"weights": {"charisma": 1}}, 400, "charisma"),
        (
            {
                "weights": {
                    k: 0
                    for k in (
                        "validated",
                        "self_rated",
                        "certification",
                        "articles",
                        "accepted_answers",
                        "votes",
                        "mentoring",
                    )
                }
            },
            400,
            "validated",
        ),
        ({"weights": {"articles": "lots"}}, 422, None),
        ({"experts_per_question": 0}, 422, None),
        ({"max_notifications_per_week": 101}, 422, None),
        ({"colour": "red"}, 422, None),
    ],
)
def test_bad_settings_are_refused(
    org: Org, client: Client, body: dict, status: int, field: str | None
) -> None:
    response = client.put(
        SETTINGS, json.dumps(body), content_type="application/json", **bearer(org.admin)
    )
    assert response.status_code == status, response.content
    if field is not None:
        assert response.json()["field"] == field
    assert FinderSettings.load().weights["articles"] == 0.3
    assert not AuditLog.objects.filter(action="knowledge.finder_settings").exists()


def test_infinite_weight_is_refused(org: Org, client: Client) -> None:
    response = client.put(
        SETTINGS,
        '{"weights": {"articles": Infinity}}',
        content_type="application/json",
        **bearer(org.admin),
    )
    assert response.status_code in (400, 422)
    assert FinderSettings.load().weights["articles"] == 0.3
