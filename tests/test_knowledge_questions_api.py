"""The questions API per actor: a question's whole life, who may change what (the outsider
reads but edits nothing of others, accepts nothing on others' questions, never votes twice or
on their own answer), bad input with one error shape, routed-to-me, filters, pagination and
query budgets that do not grow with the number of questions, answers and comments."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from seedbed.accounts.models import AccessLevel
from seedbed.knowledge.models import Answer, Article, FinderSettings, Question, Routing, Vote
from seedbed.knowledge.services import questions as services
from seedbed.skills.models import Skill, Source
from seedbed.skills.services import NewAssertion, record_assertions_bulk
from tests.builders import make_person
from tests.conftest import bearer

pytestmark = pytest.mark.django_db

Q = "/api/v1/knowledge/questions"
A = "/api/v1/knowledge/answers"


def _api(person) -> Client:  # type: ignore[no-untyped-def]
    return Client(headers={"authorization": bearer(person)["HTTP_AUTHORIZATION"]})


def _post(client: Client, url: str, body: dict | None = None):  # type: ignore[no-untyped-def,type-arg]
    return client.post(url, body or {}, content_type="application/json")


def _put(client: Client, url: str, body: dict):  # type: ignore[no-untyped-def,type-arg]
    return client.put(url, body, content_type="application/json")


def test_question_life_through_the_api(org):
    python = Skill.objects.get(name="Python")
    expert = make_person("Pia Python", access=AccessLevel.EMPLOYEE)
    record_assertions_bulk(
        actor=None,
        rows=[NewAssertion(expert.pk, python.pk, 5, Source.MANAGER, at=timezone.now())],
        summary="test",
    )
    employee, manager, expert_api = _api(org.employee), _api(org.manager), _api(expert)
    asked = _post(
        employee,
        Q,
        {"title": "How do we pin dependencies?", "body": "With **pip**?", "skill_ids": [python.pk]},
    )
    assert asked.status_code == 201, asked.json()
    question = asked.json()
    assert question["skills"] == [{"id": python.pk, "name": "Python"}]
    assert question["body_html"] == "<p>With <strong>pip</strong>?</p>"
    assert question["routed_to"][0]["person"] == {"id": expert.pk, "name": "Pia Python"}
    url = f"{Q}/{question['id']}"
    # Only the asker and admins see who it was sent to.
    assert manager.get(url).json()["routed_to"] is None
    assert _api(org.admin).get(url).json()["routed_to"][0]["person"]["id"] == expert.pk
    mine = expert_api.get(f"{Q}/routed-to-me").json()
    assert mine["count"] == 1 and mine["items"][0]["id"] == question["id"]

    answered = _post(expert_api, f"{url}/answers", {"body": "Use `uv lock`."})
    assert answered.status_code == 201, answered.json()
    answer = answered.json()
    assert answer["body_html"] == "<p>Use <code>uv lock</code>.</p>" and answer["score"] == 0
    assert expert_api.get(f"{Q}/routed-to-me").json()["count"] == 0
    comment = _post(manager, f"{A}/{answer['id']}/comments", {"body": "<b>+1</b>"})
    assert comment.status_code == 201 and comment.json()["body"] == "<b>+1</b>"
    assert _post(employee, f"{url}/comments", {"body": "Thanks"}).status_code == 201

    voted = _put(manager, f"{A}/{answer['id']}/vote", {"value": 1})
    assert voted.json()["score"] == 1 and voted.json()["my_vote"] == 1
    assert _put(manager, f"{A}/{answer['id']}/vote", {"value": 1}).json()["score"] == 1
    assert _put(employee, f"{A}/{answer['id']}/vote", {"value": -1}).json()["score"] == 0
    assert _put(employee, f"{A}/{answer['id']}/vote", {"value": 0}).json()["score"] == 1

    accepted = _post(employee, f"{url}/accept", {"answer_id": answer["id"]})
    assert accepted.json()["accepted_answer_id"] == answer["id"]
    detail = manager.get(url).json()
    assert detail["answers"][0]["accepted"] is True and detail["answers"][0]["my_vote"] == 1
    assert detail["answers"][0]["comments"][0]["author"]["name"] == "Max Manager"
    assert detail["comments"][0]["body"] == "Thanks"
    edited = _put(expert_api, f"{A}/{answer['id']}", {"body": "Use `uv lock`, then commit it."})
    assert "commit it" in edited.json()["body_html"]
    renamed = _put(employee, url, {"title": "Pinning deps?", "body": "", "skill_ids": []})
    assert renamed.json()["title"] == "Pinning deps?" and renamed.json()["skills"] == []
    closed = _post(employee, f"{url}/close")
    assert closed.json()["is_closed"] is True
    late = _post(manager, f"{url}/answers", {"body": "Late"})
    assert late.status_code == 409 and late.json()["detail"] == "This question is closed."
    assert _post(_api(org.admin), f"{url}/reopen").json()["is_closed"] is False
    unaccepted = _post(employee, f"{url}/accept", {"answer_id": None})
    assert unaccepted.json()["accepted_answer_id"] is None


@pytest.fixture
def posted(org):  # type: ignore[no-untyped-def]
    question = services.ask_question(actor=org.user("employee"), title="Why?", route=False)
    answer = services.answer_question(actor=org.user("manager"), question=question, body="A")
    return question, answer


def test_outsider_reads_but_changes_nothing_of_others(org, posted):
    question, answer = posted
    outsider = _api(org.outsider)
    url = f"{Q}/{question.pk}"
    assert outsider.get(url).status_code == 200
    assert outsider.get(Q).json()["count"] == 1
    assert _put(outsider, url, {"title": "Mine now", "skill_ids": []}).status_code == 403
    assert _put(outsider, f"{A}/{answer.pk}", {"body": "Hijacked"}).status_code == 403
    refused = _post(outsider, f"{url}/accept", {"answer_id": answer.pk})
    assert refused.status_code == 403 and "accept" in refused.json()["detail"]
    assert _post(outsider, f"{url}/close").status_code == 403
    assert _post(outsider, f"{A}/{answer.pk}/article").status_code == 403
    # Votes once (a second identical vote changes nothing), never on their own answer.
    assert _put(outsider, f"{A}/{answer.pk}/vote", {"value": 1}).json()["score"] == 1
    assert _put(outsider, f"{A}/{answer.pk}/vote", {"value": 1}).json()["score"] == 1
    assert Vote.objects.count() == 1
    own = _put(_api(org.manager), f"{A}/{answer.pk}/vote", {"value": 1})
    assert own.status_code == 403 and own.json()["code"] == "forbidden"
    question.refresh_from_db()
    answer.refresh_from_db()
    assert (question.title, question.accepted_answer, question.is_closed) == ("Why?", None, False)
    assert (answer.body, answer.score) == ("A", 1)


def test_anonymous_gets_401(posted):
    question, _answer = posted
    assert Client().get(f"{Q}/{question.pk}").status_code == 401
    assert _post(Client(), f"{Q}/{question.pk}/answers", {"body": "x"}).status_code == 401


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"title": ""}, "title"),
        ({"title": "x" * 201}, "title"),
        ({"title": "ok?", "body": "a\u0000b"}, "body"),
        ({"title": "ok?", "body": "b" * 50_001}, "body"),
        ({"title": "ok?", "skill_ids": [0]}, "skill_ids.0"),
        ({"title": "ok?", "skill_ids": list(range(1, 12))}, "skill_ids"),
        ({"title": "ok?", "owner": 1}, "owner"),
        ({"title": "\ud800"}, "title"),
    ],
)
def test_bad_questions_get_422_naming_the_field(org, body, field):
    response = _post(_api(org.employee), Q, body)
    assert response.status_code in (400, 422), response.content
    if response.status_code == 422:
        assert response.json()["field"] == field
    assert not Question.objects.exists()


def test_unknown_ids_get_404_naming_the_field(org, posted):
    question, _answer = posted
    employee = _api(org.employee)
    missing = _post(employee, Q, {"title": "ok?", "skill_ids": [999_999]})
    assert missing.status_code == 404 and missing.json()["field"] == "skill_ids"
    assert employee.get(f"{Q}/999999").status_code == 404
    other = services.ask_question(actor=org.user("lead"), title="Other?", route=False)
    foreign = services.answer_question(actor=org.user("manager"), question=other, body="B")
    wrong = _post(employee, f"{Q}/{question.pk}/accept", {"answer_id": foreign.pk})
    assert wrong.status_code == 404 and wrong.json()["field"] == "answer_id"


@pytest.mark.parametrize(
    ("path", "body"),
    [
        ("vote", {"value": 2}),
        ("vote", {"value": "up"}),
        ("vote", {}),
    ],
)
def test_bad_votes_get_422(org, posted, path, body):
    _question, answer = posted
    response = _put(_api(org.employee), f"{A}/{answer.pk}/{path}", body)
    assert response.status_code == 422 and response.json()["field"] == "value"


def test_bad_answers_and_comments_get_422(org, posted):
    question, answer = posted
    employee = _api(org.employee)
    for url, body in [
        (f"{Q}/{question.pk}/answers", {"body": ""}),
        (f"{Q}/{question.pk}/answers", {"body": "\u0000"}),
        (f"{Q}/{question.pk}/comments", {"body": "c" * 2001}),
        (f"{A}/{answer.pk}/comments", {"body": "", "extra": 1}),
    ]:
        response = _post(employee, url, body)
        assert response.status_code == 422, (url, body)
    assert Answer.objects.count() == 1


def test_list_filters_and_pagination(org, posted):
    question, _answer = posted
    python = Skill.objects.get(name="Python")
    tagged = services.ask_question(
        actor=org.user("outsider"), title="Python typing?", skills=[python], route=False
    )
    employee = _api(org.employee)

    def ids(**params):  # type: ignore[no-untyped-def]
        return [q["id"] for q in employee.get(Q, params).json()["items"]]

    assert ids() == [tagged.pk, question.pk]
    assert ids(q="typing") == [tagged.pk]
    assert ids(skill=python.pk) == [tagged.pk]
    assert ids(status="unanswered") == [tagged.pk]
    assert ids(status="answered") == [question.pk]
    assert ids(mine=True) == [question.pk]
    page = employee.get(Q, {"limit": 1, "offset": 1}).json()
    assert page["count"] == 2 and [q["id"] for q in page["items"]] == [question.pk]
    assert employee.get(Q, {"status": "sideways"}).status_code == 422
    assert employee.get(Q, {"limit": 0}).status_code == 422


def test_routing_caps_hold_through_the_api(org):
    python = Skill.objects.get(name="Python")
    settings = FinderSettings.load()
    settings.experts_per_question, settings.max_notifications_per_week = 1, 1
    settings.save()
    for name, level in (("Best", 5), ("Second", 4)):
        person = make_person(name, access=AccessLevel.EMPLOYEE)
        record_assertions_bulk(
            actor=None,
            rows=[NewAssertion(person.pk, python.pk, level, Source.MANAGER, at=timezone.now())],
            summary="test",
        )
    employee = _api(org.employee)
    sent = [
        _post(employee, Q, {"title": f"Q{i}?", "skill_ids": [python.pk]}).json()["routed_to"]
        for i in range(3)
    ]
    assert [[r["person"]["name"] for r in s] for s in sent] == [["Best"], ["Second"], []]
    assert Routing.objects.count() == 2


# --- query budgets ------------------------------------------------------------------------

AUTH = "bearer token + user"


def _grow(org, n: int) -> Question:  # type: ignore[no-untyped-def]
    """n more questions with a skill, an answer, a vote and comments; and n more answers and
    comments on the first question (the one whose page is measured)."""
    python = Skill.objects.get(name="Python")
    first = Question.objects.order_by("id").first()
    for i in range(n):
        author = make_person(access="employee")
        assert author.user is not None
        q = services.ask_question(
            actor=author.user, title=f"Question {i}?", skills=[python], route=False
        )
        a = services.answer_question(actor=org.user("manager"), question=q, body="A")
        services.vote(actor=author.user, answer=a, value=1)
        services.add_comment(actor=author.user, answer=a, body="c")
        if first is None:
            first = q
        more = services.answer_question(actor=author.user, question=first, body=f"Answer {i}")
        services.add_comment(actor=org.user("manager"), answer=more, body="c")
        services.add_comment(actor=author.user, question=first, body="q")
        services.vote(actor=org.user("employee"), answer=more, value=-1)
    assert first is not None
    Routing.objects.get_or_create(question=first, person=org.lead)
    return first


LIST = [AUTH, "count(*)", "the page of questions with their askers", "their skills"]
BUDGETS: dict[str, list[str]] = {
    Q: LIST,
    f"{Q}?status=answered&q=question": LIST,
    f"{Q}/routed-to-me": LIST,
}


@pytest.mark.parametrize("endpoint", list(BUDGETS))
def test_list_endpoint_query_count_does_not_grow(org, endpoint, django_assert_num_queries):
    client = _api(org.lead)
    counts = []
    for size in (2, 9):
        _grow(org, size)
        if "routed" in endpoint:
            waiting = services.ask_question(actor=org.user("employee"), title="Open?", route=False)
            Routing.objects.create(question=waiting, person=org.lead)
        client.get(endpoint)  # warm-up: touches the token's last_used_at
        with django_assert_num_queries(len(BUDGETS[endpoint])):
            response = client.get(endpoint)
        assert response.status_code == 200
        counts.append(response.json()["count"])
    assert counts[1] > counts[0], "the second size must really have more rows"


DETAIL = [
    AUTH,
    "the question with its asker",
    "its answers with authors",
    "the answers' comments with authors",
    "your votes on them",
    "who it was sent to (asker and admins only)",
    "the article it became",
    "its skills",
    "its comments with authors",
]


@pytest.mark.parametrize(
    ("actor", "queries"), [("employee", DETAIL), ("lead", DETAIL[:5] + DETAIL[6:])]
)
def test_question_endpoint_query_count_does_not_grow(
    org, actor, queries, django_assert_num_queries
):
    services.ask_question(actor=org.user("employee"), title="The measured one?", route=False)
    client = _api(getattr(org, actor))
    sizes = []
    for size in (2, 9):
        first = _grow(org, size)
        url = f"{Q}/{first.pk}"
        client.get(url)
        with django_assert_num_queries(len(queries)):
            response = client.get(url)
        assert response.status_code == 200
        sizes.append(len(response.json()["answers"]))
    assert sizes[1] > sizes[0]
    assert (timezone.now() - timedelta(minutes=5)) < Question.objects.get(pk=first.pk).updated_at


def test_answer_to_article_through_the_api(org, posted):
    question, answer = posted
    python = Skill.objects.get(name="Python")
    question.skills.set([python])
    made = _post(_api(org.admin), f"{A}/{answer.pk}/article")
    assert made.status_code == 201, made.json()
    body = made.json()
    assert body["title"] == "Why?" and body["url"] == f"/knowledge/articles/{body['id']}/"
    article = Article.objects.get()
    assert article.owner == org.manager and article.source_question == question
    assert [s.name for s in article.skills.all()] == ["Python"]
    assert _api(org.employee).get(f"{Q}/{question.pk}").json()["article_id"] == article.pk
    again = _post(_api(org.manager), f"{A}/{answer.pk}/article")
    assert again.status_code == 409 and "already the article" in again.json()["detail"]
