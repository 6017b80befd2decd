"""Gap-analysis API: the same figures and scope as the pages (see tests/test_gaps_views.py for
the small organisation and the figures worked out by hand)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from seedbed.people.models import Person
from seedbed.skills.models import Skill
from tests.conftest import bearer
from tests.test_gaps_views import Small, build_small

pytestmark = pytest.mark.django_db


@pytest.fixture
def small(org) -> Small:  # type: ignore[no-untyped-def]
    return build_small(org)


def api(person: Person) -> Client:
    return Client(headers={"authorization": bearer(person)["HTTP_AUTHORIZATION"]})


def test_org_figures_for_the_admin(small):
    body = api(small.org.admin).get("/api/v1/gaps/org").json()
    assert body["scope"] == "organisation" and body["people"] == 7
    assert body["coverage"] == {"count": 5, "of": 9, "percent": 55.6}
    teams = {t["name"]: t for t in body["teams"]}
    assert teams["Engineering"]["coverage"]["percent"] == 50.0
    assert teams["No team"]["team_id"] is None
    assert [(g["skill"]["name"], g["weighted_gap"]) for g in body["top_gaps"]] == [
        ("Python", 8),
        ("Kubernetes", 6),
    ]
    assert {r["skill"]["name"]: r["holder_name"] for r in body["knowledge_at_risk"]} == {
        "Python": "Max Manager",
        "Kubernetes": "Rita Report",
        "Forklift": "Olga Outsider",
    }
    [need] = body["needs"]
    assert (need["have"], need["close"], need["shortfall"], need["overdue"]) == (1, 1, 1, True)
    assert body["freshness"] == {
        "stale": {"count": 2, "of": 7, "percent": 28.6},
        "review_interval_months": 12,
    }


def test_org_figures_at_a_past_date_ignore_later_ratings(small):
    body = api(small.org.admin).get(f"/api/v1/gaps/org?at={small.cut.isoformat()}").json()
    assert body["at"] == small.cut.isoformat()
    assert body["coverage"] == {"count": 4, "of": 9, "percent": 44.4}
    # Kubernetes: report2 was at 1 then, so only the manager (2) reached the demanded 2 and
    # nobody held it at 4+.
    k8s = next(r for r in body["knowledge_at_risk"] if r["skill"]["name"] == "Kubernetes")
    assert k8s["holders"] == 0 and k8s["holder_id"] is None


def test_manager_sees_their_reporting_line_only(small):
    body = api(small.org.manager).get("/api/v1/gaps/org").json()
    assert body["scope"] == "reporting_line" and body["people"] == 4
    assert [t["name"] for t in body["teams"]] == ["Engineering"]
    assert {r["skill"]["name"] for r in body["knowledge_at_risk"]} == {"Python", "Kubernetes"}
    assert "Olga" not in str(body)
    assert body["needs"][0]["have_in_scope"] == 1


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/gaps/org",
        "/api/v1/gaps/teams/{team}",
        "/api/v1/gaps/compare?a=2026-01-01",
        "/api/v1/risks",
        "/api/v1/risks/departures",
        "/api/v1/risks/departures/{outsider}",
    ],
)
def test_employees_get_403_on_dashboards(small, url):
    url = url.format(team=small.org.employee.team_id, outsider=small.org.outsider.pk)
    for who in ("employee", "outsider"):
        response = api(getattr(small.org, who)).get(url)
        assert response.status_code == 403, (who, url)
        assert response.json()["code"] == "forbidden"


def test_team_endpoint_scope_and_people(small):
    org = small.org
    eng, ops = org.employee.team_id, org.outsider.team_id
    body = api(org.admin).get(f"/api/v1/gaps/teams/{eng}").json()
    assert body["team"] == {"id": eng, "name": "Engineering"} and body["scope"] == "team"
    rows = {r["name"]: r for r in body["people_rows"]}
    assert (rows["Lea Lead"]["weighted_gap_score"], rows["Lea Lead"]["readiness"]) == (20.0, 75.0)
    assert body["people_rows"][-1]["name"] == "Max Manager"
    missing = api(org.manager).get(f"/api/v1/gaps/teams/{ops}")
    assert missing.status_code == 404 and missing.json()["code"] == "not_found"
    assert api(org.admin).get("/api/v1/gaps/teams/999999").status_code == 404


def test_person_endpoint(small):
    org = small.org
    mine = api(org.employee).get(f"/api/v1/gaps/people/{org.employee.pk}").json()
    assert mine["current_role"]["readiness"] == 33.3
    assert mine["current_role"]["requirements"][0] == {
        "skill_id": small.k8s.pk,
        "skill_name": "Kubernetes",
        "required_level": 2,
        "level": None,
        "gap": 2,
        "importance": 2,
    }
    assert mine["target_role"] is None and mine["departure"] is None
    assert api(org.outsider).get(f"/api/v1/gaps/people/{org.employee.pk}").status_code == 404
    admin_view = api(org.admin).get(f"/api/v1/gaps/people/{org.outsider.pk}").json()
    assert admin_view["departure"]["coverage_lost"] == 33.3
    assert [s["name"] for s in admin_view["departure"]["skills_only_they_reach"]] == ["Forklift"]


def test_compare_endpoint(small):
    org = small.org
    body = api(org.admin).get(f"/api/v1/gaps/compare?a={small.cut.isoformat()}").json()
    assert (body["a"]["coverage"]["count"], body["b"]["coverage"]["count"]) == (4, 5)
    assert body["b"]["day"] == timezone.localdate().isoformat()
    [k8s] = body["improvements"]
    assert (k8s["skill"]["name"], k8s["coverage_change"], k8s["mean_level_change"]) == (
        "Kubernetes",
        25.0,
        1.0,
    )
    future = (timezone.localdate() + timedelta(days=2)).isoformat()
    bad = api(org.admin).get(f"/api/v1/gaps/compare?a={future}")
    assert bad.status_code == 400 and bad.json()["field"] == "a"
    order = api(org.admin).get("/api/v1/gaps/compare?a=2026-05-02&b=2026-05-01")
    assert order.status_code == 400 and "on or before" in order.json()["detail"]
    junk = api(org.admin).get("/api/v1/gaps/compare?a=soon")
    assert junk.status_code == 422 and junk.json()["field"] == "a"
    ops = api(org.manager).get(f"/api/v1/gaps/compare?a=2026-05-02&team={org.outsider.team_id}")
    assert ops.status_code == 404


def test_risk_endpoints(small):
    org = small.org
    admin = api(org.admin)
    body = admin.get("/api/v1/risks?limit=2").json()
    assert body["count"] == 3 and len(body["items"]) == 2
    page2 = admin.get("/api/v1/risks?limit=2&offset=2").json()["items"]
    assert len(page2) == 1
    forklift = admin.get(f"/api/v1/risks?category={small.forklift.category_id}").json()
    assert [r["skill"]["name"] for r in forklift["items"]] == ["Forklift"]
    assert admin.get("/api/v1/risks?criticality=urgent").status_code == 422
    manager = api(org.manager).get("/api/v1/risks").json()
    assert {r["skill"]["name"] for r in manager["items"]} == {"Python", "Kubernetes"}
    deps = admin.get("/api/v1/risks/departures").json()
    assert deps["capability_coverage_now"] == 100.0
    assert [(r["name"], r["skills_only_they_reach"]) for r in deps["items"]] == [
        ("Max Manager", 1),
        ("Olga Outsider", 1),
    ]
    # The manager's own departure impact is for HR and their managers.
    assert api(org.manager).get("/api/v1/risks/departures").json()["count"] == 0
    one = admin.get(f"/api/v1/risks/departures/{org.outsider.pk}").json()
    assert one["capability_coverage_without"] == 66.7
    assert api(org.manager).get(f"/api/v1/risks/departures/{org.outsider.pk}").status_code == 404
    own_line = api(org.manager).get(f"/api/v1/risks/departures/{org.employee.pk}")
    assert own_line.status_code == 200 and own_line.json()["skills_only_they_reach"] == []
    assert api(org.manager).get(f"/api/v1/risks/departures/{org.manager.pk}").status_code == 404


def test_renamed_skills_show_up_and_unknown_filters_fail(small):
    Skill.objects.filter(pk=small.python.pk).update(name="Python 3")
    body = api(small.org.admin).get("/api/v1/gaps/org?top=1").json()
    assert [g["skill"]["name"] for g in body["top_gaps"]] == ["Python 3"]
    assert len(body["knowledge_at_risk"]) == 1 and body["knowledge_at_risk_total"] == 3
    assert api(small.org.admin).get("/api/v1/gaps/org?top=0").status_code == 422
    assert api(small.org.admin).get("/api/v1/gaps/org?at=2026-13-01").status_code == 422


def test_risks_say_what_is_being_done_in_the_api_and_the_export(small, clients):
    """Cross-training pairs and the sole holder's handover reach the API and the CSV export,
    not only the page."""
    from seedbed.knowledge.models import (
        HandoverInterview,
        HandoverPrompt,
        HandoverReason,
        PromptKind,
    )
    from seedbed.mentoring.models import Pair, PairOrigin, PairState, Programme
    from tests.test_gaps_views import csv_rows

    org = small.org
    python = Skill.objects.get(name="Python")
    programme = Programme.objects.create(name="Cross-training")
    Pair.objects.create(
        programme=programme,
        mentor=org.manager,
        mentee=org.outsider,
        origin=PairOrigin.CROSS_TRAINING,
        skill=python,
        target_level=4,
        state=PairState.ACTIVE,
    )
    interview = HandoverInterview.objects.create(
        person=org.manager, reason=HandoverReason.SOLE_HOLDER
    )
    for done in (True, False):
        HandoverPrompt.objects.create(
            interview=interview, kind=PromptKind.GENERAL, prompt="Contacts?", is_done=done
        )
    body = api(org.admin).get("/api/v1/risks").json()
    row = next(r for r in body["items"] if r["skill"]["name"] == "Python")
    assert row["cross_training"] == [
        {
            "pair_id": row["cross_training"][0]["pair_id"],
            "mentor": "Max Manager",
            "mentee": "Olga Outsider",
            "state": "Active",
            "target_level": 4,
        }
    ]
    assert row["handover"] == {
        "interview_id": interview.pk,
        "state": "open",
        "prompts_done": 1,
        "prompts_total": 2,
    }
    k8s = next(r for r in body["items"] if r["skill"]["name"] == "Kubernetes")
    assert k8s["cross_training"] == [] and k8s["handover"] is None

    header, *rows = csv_rows(clients["admin"].get("/gaps/risks/?format=csv&table=risks"))
    python_row = dict(zip(header, next(r for r in rows if r[0] == "Python"), strict=True))
    assert python_row["cross_training"] == "Max Manager → Olga Outsider (Active)"
    assert (python_row["handover_prompts_done"], python_row["handover_prompts_total"]) == ("1", "2")
