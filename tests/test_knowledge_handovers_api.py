"""Knowledge-capture API: list, read, start, answer, mark done, article from an answer,
re-assign, complete; who may do what, bad input with the one error shape, query budgets.
The setting is ``kc`` of tests/test_knowledge_handovers.py."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from seedbed.knowledge.models import Article, HandoverInterview, HandoverState, PromptKind
from seedbed.knowledge.services import handovers as h
from tests.conftest import Org, bearer
from tests.test_knowledge_handovers import KC, build_kc, prompt_of, start

pytestmark = pytest.mark.django_db
API = "/api/v1/knowledge"


@pytest.fixture
def kc(org: Org) -> KC:
    return build_kc(org)


@pytest.fixture
def api(org: Org) -> dict[str, Client]:
    return {
        name: Client(headers={"authorization": bearer(getattr(org, name))["HTTP_AUTHORIZATION"]})
        for name in ("admin", "manager", "lead", "employee", "outsider_manager", "outsider")
    }


def test_list_and_read_scoped(kc: KC, api) -> None:
    interview = start(kc)
    h.start_handover(actor=kc.org.user("admin"), person=kc.org.outsider)
    body = api["manager"].get(f"{API}/handovers").json()
    assert body["count"] == 1
    item = body["items"][0]
    assert item["person_name"] == "Emil Employee"
    assert (item["prompts_done"], item["prompts_total"]) == (0, 7)
    assert item["reason"] == "other" and item["state"] == "open"
    assert api["admin"].get(f"{API}/handovers").json()["count"] == 2
    own = api["outsider"].get(f"{API}/handovers").json()  # only their own
    assert [i["person_name"] for i in own["items"]] == ["Olga Outsider"]
    assert api["employee"].get(f"{API}/handovers?mine=true").json()["count"] == 1
    detail = api["employee"].get(f"{API}/handovers/{interview.pk}").json()
    assert [p["kind"] for p in detail["prompts"]][:3] == ["skill", "article", "question"]
    assert detail["prompts"][0]["skill_name"] == "Python"
    assert detail["prompts"][1]["article_id"] == kc.article.pk
    for name in ("outsider", "outsider_manager", "lead"):
        response = api[name].get(f"{API}/handovers/{interview.pk}")
        assert response.status_code == 404, name
        assert response.json()["code"] == "not_found"


def test_filters(kc: KC, api) -> None:
    start(kc)
    admin = api["admin"]
    assert admin.get(f"{API}/handovers?q=emil").json()["count"] == 1
    assert admin.get(f"{API}/handovers?q=nobody").json()["count"] == 0
    assert admin.get(f"{API}/handovers?person={kc.org.employee.pk}").json()["count"] == 1
    assert admin.get(f"{API}/handovers?team={kc.org.outsider.team_id}").json()["count"] == 0
    assert admin.get(f"{API}/handovers?state=done").json()["count"] == 0
    assert admin.get(f"{API}/handovers?reason=other").json()["count"] == 1
    bad = admin.get(f"{API}/handovers?reason=bored")
    assert bad.status_code == 422
    assert bad.json()["field"] == "reason"


def test_start_for_a_person(kc: KC, api) -> None:
    payload = {"person_id": kc.org.employee.pk, "reason": "sole_holder"}
    assert api["employee"].post(f"{API}/handovers", payload, "application/json").status_code == 403
    other = api["outsider_manager"].post(f"{API}/handovers", payload, "application/json")
    assert other.status_code == 403 and other.json()["code"] == "forbidden"
    response = api["manager"].post(f"{API}/handovers", payload, "application/json")
    assert response.status_code == 201
    body = response.json()
    assert body["reason"] == "sole_holder" and len(body["prompts"]) == 7
    again = api["admin"].post(f"{API}/handovers", payload, "application/json")
    assert again.status_code == 409 and again.json()["code"] == "conflict"


def test_start_with_bad_input(kc: KC, api) -> None:
    admin = api["admin"]
    missing = admin.post(f"{API}/handovers", {"person_id": 999999}, "application/json")
    assert missing.status_code == 404 and missing.json()["field"] == "person_id"
    past = (timezone.localdate() - timedelta(days=1)).isoformat()
    response = admin.post(
        f"{API}/handovers", {"person_id": kc.org.employee.pk, "due_on": past}, "application/json"
    )
    assert response.status_code == 400 and response.json()["field"] == "due_on"
    extra = admin.post(
        f"{API}/handovers", {"person_id": kc.org.employee.pk, "x": 1}, "application/json"
    )
    assert extra.status_code == 422
    assert admin.post(f"{API}/handovers", "[]", "application/json").status_code in (400, 422)
    assert not HandoverInterview.objects.exists()


def test_answer_mark_done_and_complete(kc: KC, api) -> None:
    interview = start(kc)
    prompt = prompt_of(interview, PromptKind.SKILL)
    url = f"{API}/handover-prompts/{prompt.pk}"
    response = api["employee"].put(url, {"answer": "Use *pytest*"}, "application/json")
    assert response.status_code == 200
    assert response.json()["answer"] == "Use *pytest*" and not response.json()["is_done"]
    done = api["employee"].post(f"{url}/done", {"done": True}, "application/json")
    assert done.json()["is_done"] is True
    for name in ("outsider", "lead"):
        assert api[name].put(url, {"answer": "x"}, "application/json").status_code == 404
        assert api[name].post(f"{url}/done", {"done": False}, "application/json").status_code == 404
    nul = api["employee"].put(url, {"answer": "a\u0000b"}, "application/json")
    assert nul.status_code == 422 and nul.json()["field"] == "answer"
    long = api["employee"].put(url, {"answer": "x" * 50_001}, "application/json")
    assert long.status_code == 422
    complete = f"{API}/handovers/{interview.pk}/complete"
    assert api["employee"].post(complete, {}, "application/json").status_code == 403
    refused = api["manager"].post(complete, {}, "application/json")
    assert refused.status_code == 400 and refused.json()["field"] == "skip_reason"
    ok = api["manager"].post(complete, {"skip_reason": "moved on"}, "application/json")
    assert ok.status_code == 200
    assert ok.json()["state"] == "done" and ok.json()["skip_reason"] == "moved on"
    late = api["employee"].put(url, {"answer": "late"}, "application/json")
    assert late.status_code == 409


def test_article_from_answer_and_reassign(kc: KC, api) -> None:
    interview = start(kc)
    skill = prompt_of(interview, PromptKind.SKILL)
    api["employee"].put(
        f"{API}/handover-prompts/{skill.pk}", {"answer": "## How"}, "application/json"
    )
    url = f"{API}/handover-prompts/{skill.pk}/article"
    assert api["employee"].post(url, {}, "application/json").status_code == 403
    missing = api["manager"].post(url, {"owner_id": 999999}, "application/json")
    assert missing.status_code == 404 and missing.json()["field"] == "owner_id"
    bad = api["manager"].post(url, {"visibility": "world"}, "application/json")
    assert bad.status_code == 422
    response = api["manager"].post(
        url, {"owner_id": kc.org.report2.pk, "title": "Python notes"}, "application/json"
    )
    assert response.status_code == 201
    article = Article.objects.get(pk=response.json()["id"])
    assert (article.title, article.owner, article.kind) == (
        "Python notes",
        kc.org.report2,
        "handover",
    )
    assert api["manager"].post(url, {}, "application/json").status_code == 409
    detail = api["manager"].get(f"{API}/handovers/{interview.pk}").json()
    assert detail["prompts"][0]["result_article_id"] == article.pk
    assert detail["prompts_done"] == 1

    owned = prompt_of(interview, PromptKind.ARTICLE)
    url = f"{API}/handover-prompts/{owned.pk}/reassign"
    assert (
        api["employee"].post(url, {"owner_id": kc.org.report2.pk}, "application/json").status_code
        == 403
    )
    assert (
        api["outsider"].post(url, {"owner_id": kc.org.report2.pk}, "application/json").status_code
        == 404
    )
    assert api["manager"].post(url, {}, "application/json").status_code == 422
    response = api["manager"].post(url, {"owner_id": kc.org.report2.pk}, "application/json")
    assert response.status_code == 200 and response.json()["new_owner_id"] == kc.org.report2.pk
    kc.article.refresh_from_db()
    assert kc.article.owner == kc.org.report2
    interview.refresh_from_db()
    assert interview.state == HandoverState.OPEN


def test_list_query_count_is_fixed(kc: KC, org: Org, api, django_assert_num_queries) -> None:
    from tests.builders import make_person

    client = api["admin"]
    client.get(f"{API}/handovers")  # warm-up (the token's last use is written once a minute)
    for extra in (2, 12):
        for _i in range(extra):
            person = make_person(team=org.employee.team, manager=org.manager)
            h.start_handover(actor=org.user("admin"), person=person)
        # bearer token + user, count, the page with people, teams, managers and prompt counts
        with django_assert_num_queries(3):
            assert client.get(f"{API}/handovers").status_code == 200


def test_detail_query_count_is_fixed(kc: KC, api, django_assert_num_queries) -> None:
    interview = start(kc)
    client = api["manager"]
    client.get(f"{API}/handovers/{interview.pk}")
    for _round in range(2):
        interview.prompts.create(kind="general", prompt="More?", position=50)
        # bearer token + user, the interview with counts, its prompts with skills
        with django_assert_num_queries(3):
            assert client.get(f"{API}/handovers/{interview.pk}").status_code == 200


def test_setting_leaving_on_through_the_people_api_starts_the_handover(kc: KC, api) -> None:
    day = (timezone.localdate() + timedelta(days=21)).isoformat()
    url = f"/api/v1/people/{kc.org.employee.pk}"
    assert api["manager"].patch(url, {"leaving_on": day}, "application/json").status_code == 403
    assert not HandoverInterview.objects.exists()
    response = api["admin"].patch(url, {"leaving_on": day}, "application/json")
    assert response.status_code == 200 and response.json()["leaving_on"] == day
    interview = HandoverInterview.objects.get()
    assert (interview.reason, interview.due_on.isoformat()) == ("leaving", day)  # type: ignore[union-attr]
    listed = api["manager"].get(f"{API}/handovers?reason=leaving").json()
    assert [i["id"] for i in listed["items"]] == [interview.pk]
    cleared = api["admin"].patch(url, {"leaving_on": None}, "application/json")
    assert cleared.json()["leaving_on"] is None
