"""Questions and answers pages per actor: ask (skills by name or alias, routed, "Sent to"),
answer (text kept on error), comment, vote (form and htmx), accept, edit, close; the lists
with search, filters and exports; an answer turned into an article; the outsider changes
nothing of others; hostile text in every field comes back escaped or sanitised; fixed query
counts for the list pages and the question page."""

from __future__ import annotations

import io
from datetime import timedelta
from html.parser import HTMLParser

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from seedbed.accounts.models import AccessLevel, AuditLog
from seedbed.knowledge.models import (
    Answer,
    Article,
    Comment,
    FinderSettings,
    Question,
    Routing,
    Vote,
)
from seedbed.knowledge.services import questions as services
from seedbed.skills.models import Skill, Source
from seedbed.skills.services import NewAssertion, record_assertions_bulk
from tests.builders import make_person
from tests.conftest import bearer, login_client

pytestmark = pytest.mark.django_db

HOSTILE = [
    "<script>alert('x')</script>",
    '"><img src=x onerror=alert(1)>',
    "javascript:alert(1)",
    "<a href='javascript:alert(1)'>click</a>",
    "{{ secret }} {% debug %}",
    '=HYPERLINK("http://evil.example")',
    "Ünïcödé ✓ 🌱 — right-to-left \u202e txet",
]


def _text(response) -> str:  # type: ignore[no-untyped-def]
    return response.content.decode()


def _url(name: str, *args: object) -> str:
    return reverse(f"knowledge:{name}", args=args)


@pytest.fixture
def python(org) -> Skill:  # type: ignore[no-untyped-def]
    return Skill.objects.get(name="Python")


@pytest.fixture
def expert(org, python):  # type: ignore[no-untyped-def]
    person = make_person("Pia Python", access=AccessLevel.EMPLOYEE)
    record_assertions_bulk(
        actor=None,
        rows=[NewAssertion(person.pk, python.pk, 5, Source.MANAGER, at=timezone.now())],
        summary="test",
    )
    return person


@pytest.fixture
def posted(org):  # type: ignore[no-untyped-def]
    question = services.ask_question(actor=org.user("employee"), title="Why?", route=False)
    answer = services.answer_question(actor=org.user("manager"), question=question, body="A")
    return question, answer


def test_ask_with_skills_by_alias_routes_and_shows_sent_to(org, clients, python, expert):
    client = clients["employee"]
    form = _text(client.get(_url("question_ask")))
    assert 'list="skill-names"' in form and '<option value="Python">' in form
    response = client.post(
        _url("question_ask"),
        {"title": "How do I speed up our tests?", "body": "We use *pytest*.", "skills": "py, k8s"},
    )
    question = Question.objects.get()
    assert response["Location"] == _url("question", question.pk)
    assert sorted(question.skills.values_list("name", flat=True)) == ["Kubernetes", "Python"]
    assert list(Routing.objects.values_list("person", flat=True)) == [expert.pk]
    page = _text(client.get(response["Location"]))
    assert "sent to 1 people" in page  # the message after asking
    assert "Sent to:" in page and "Pia Python" in page
    assert "<em>pytest</em>" in page
    # Others do not see who it was sent to; admins do.
    assert "Sent to:" not in _text(clients["outsider"].get(response["Location"]))
    assert "Pia Python" in _text(clients["admin"].get(response["Location"]))


def test_ask_form_names_bad_input(org, clients):
    client = clients["employee"]
    unknown = _text(client.post(_url("question_ask"), {"title": "Q?", "skills": "Juggling, py"}))
    assert "No skill is named “Juggling”" in unknown
    empty = _text(client.post(_url("question_ask"), {"title": "  ", "skills": ""}))
    assert "This field is required." in empty
    nul = client.post(_url("question_ask"), {"title": "Q?", "body": "a\x00b"})
    assert nul.status_code == 200 and "Null characters are not allowed." in _text(nul)
    long = _text(client.post(_url("question_ask"), {"title": "x" * 201}))
    assert "at most 200 characters" in long
    assert not Question.objects.exists()


def test_questions_for_me_lists_what_was_routed_until_answered(org, clients, python, expert):
    services.ask_question(actor=org.user("employee"), title="Python packaging?", skills=[python])
    expert_client = login_client(expert)
    page = _text(expert_client.get(_url("questions_for_me")))
    assert "Python packaging?" in page
    question = Question.objects.get()
    expert_client.post(_url("question_answer", question.pk), {"body": "Use **uv**."})
    assert "Python packaging?" not in _text(expert_client.get(_url("questions_for_me")))
    assert "No open question is waiting for you." in _text(
        clients["outsider"].get(_url("questions_for_me"))
    )


def test_answer_comment_vote_accept_and_article(org, clients, posted, python):
    question, answer = posted
    question.skills.set([python])
    url = _url("question", question.pk)
    response = clients["lead"].post(_url("question_answer", question.pk), {"body": "Second `A`"})
    second = Answer.objects.get(author=org.lead)
    assert response["Location"] == f"{url}#answer-{second.pk}"
    clients["outsider"].post(_url("question_comment", question.pk), {"body": "Which version?"})
    clients["employee"].post(_url("answer_comment", answer.pk), {"body": "Thanks!"})
    assert Comment.objects.count() == 2
    # A plain form vote redirects; an htmx vote gets the vote box back.
    clients["employee"].post(_url("answer_vote", second.pk), {"value": "1"})
    box = clients["outsider"].post(
        _url("answer_vote", second.pk), {"value": "1"}, headers={"HX-Request": "true"}
    )
    assert box.status_code == 200 and "<strong>2</strong>" in _text(box)
    assert 'aria-pressed="true"' in _text(box) and "<html" not in _text(box)
    clients["outsider"].post(_url("answer_vote", second.pk), {"value": "0"})
    second.refresh_from_db()
    assert second.score == 1
    # Accept: the asker's page shows the answer first, with the badge.
    clients["employee"].post(_url("question_accept", question.pk), {"answer": second.pk})
    question.refresh_from_db()
    assert question.accepted_answer == second
    page = _text(clients["employee"].get(url))
    assert page.index(f'id="answer-{second.pk}"') < page.index(f'id="answer-{answer.pk}"')
    assert "Take back acceptance" in page and "Which version?" in page and "Thanks!" in page
    # The answer becomes an article owned by its author, with attribution and the skills.
    made = clients["employee"].post(_url("answer_article", second.pk))
    article = Article.objects.get()
    assert made["Location"] == reverse("knowledge:article", args=[article.pk])
    assert article.title == "Why?" and article.owner == org.lead
    assert article.source_question == question and list(article.skills.all()) == [python]
    assert "Second `A`" in article.body and "Answer by Lea Lead" in article.body
    assert AuditLog.objects.filter(action="answer.to_article").exists()
    page = _text(clients["employee"].get(url))
    assert "This question became an article:" in page and "Turn into an article" not in page
    again = clients["admin"].post(_url("answer_article", answer.pk), follow=True)
    assert "already the article" in _text(again) and Article.objects.count() == 1


def test_answer_error_keeps_the_text(org, clients, posted):
    question, _answer = posted
    too_long = "y" * 50_001
    response = clients["lead"].post(_url("question_answer", question.pk), {"body": too_long})
    assert response.status_code == 400
    assert too_long in _text(response) and "at most 50000 characters" in _text(response)
    services.close_question(actor=org.user("employee"), question=question)
    closed = clients["lead"].post(_url("question_answer", question.pk), {"body": "Late"})
    assert closed.status_code == 400 and "This question is closed." in _text(closed)
    assert Answer.objects.count() == 1


def test_edit_and_close_by_the_author_only(org, clients, posted):
    question, answer = posted
    for who in ("outsider", "admin", "manager"):
        assert clients[who].get(_url("question_edit", question.pk)).status_code == 403
        assert (
            clients[who].post(_url("question_edit", question.pk), {"title": "X"}).status_code == 403
        )
    for who in ("outsider", "admin", "employee"):
        assert clients[who].get(_url("answer_edit", answer.pk)).status_code == 403
    clients["employee"].post(
        _url("question_edit", question.pk), {"title": "Why, exactly?", "body": "", "skills": ""}
    )
    clients["manager"].post(_url("answer_edit", answer.pk), {"body": "A, *edited*"})
    question.refresh_from_db()
    answer.refresh_from_db()
    assert question.title == "Why, exactly?" and answer.body == "A, *edited*"
    assert "edited" in _text(clients["outsider"].get(_url("question", question.pk)))
    denied = clients["outsider"].post(_url("question_action", question.pk, "close"), follow=True)
    assert "Only the person who asked or an admin" in _text(denied)
    clients["employee"].post(_url("question_action", question.pk, "close"))
    question.refresh_from_db()
    assert question.is_closed
    page = _text(clients["lead"].get(_url("question", question.pk)))
    assert "This question is closed" in page and "Post your answer" not in page
    assert (
        clients["employee"].post(_url("question_action", question.pk, "delete")).status_code == 404
    )
    clients["admin"].post(_url("question_action", question.pk, "reopen"))
    question.refresh_from_db()
    assert not question.is_closed


def test_outsider_cannot_accept_vote_twice_or_vote_own(org, clients, posted):
    question, answer = posted
    response = clients["outsider"].post(
        _url("question_accept", question.pk), {"answer": answer.pk}, follow=True
    )
    assert "Only the person who asked or an admin can accept" in _text(response)
    question.refresh_from_db()
    assert question.accepted_answer is None
    for _i in range(2):
        clients["outsider"].post(_url("answer_vote", answer.pk), {"value": "1"})
    answer.refresh_from_db()
    assert answer.score == 1 and Vote.objects.count() == 1
    own = clients["manager"].post(_url("answer_vote", answer.pk), {"value": "1"}, follow=True)
    assert "You cannot vote on your own answer." in _text(own)
    page = _text(clients["manager"].get(_url("question", question.pk)))
    assert f'id="vote-up-{answer.pk}"' not in page  # no buttons on one's own answer
    bad = clients["outsider"].post(_url("answer_vote", answer.pk), {"value": "5"}, follow=True)
    assert "A vote is +1, -1 or 0" in _text(bad)
    assert clients["outsider"].post(_url("answer_article", answer.pk)).status_code == 302
    assert not Article.objects.exists()
    # Everything is readable to the outsider (questions are open to all signed in).
    assert clients["outsider"].get(_url("question", question.pk)).status_code == 200


def test_anonymous_is_sent_to_sign_in(posted):
    question, answer = posted
    for url in (_url("questions"), _url("question", question.pk), _url("questions_for_me")):
        response = Client().get(url)
        assert response.status_code == 302 and "/accounts/login/" in response["Location"]
    Client().post(_url("answer_vote", answer.pk), {"value": "1"})
    assert not Vote.objects.exists()


def test_lists_search_filter_and_export(org, clients, posted, python):
    tagged = services.ask_question(
        actor=org.user("outsider"),
        title="=cmd|' /C calc'!A0 Python typing?",
        skills=[python],
        route=False,
    )
    client = clients["employee"]
    page = _text(client.get(_url("questions")))
    assert "Why?" in page and "Python typing?" in page
    assert "Why?" not in _text(client.get(_url("questions"), {"q": "typing"}))
    assert "Why?" not in _text(client.get(_url("questions"), {"skill": python.pk}))
    assert "Python typing?" not in _text(client.get(_url("questions"), {"status": "answered"}))
    assert "Python typing?" not in _text(client.get(_url("questions"), {"mine": "on"}))
    unanswered = _text(client.get(_url("questions_unanswered")))
    assert "Python typing?" in unanswered and ">Why?<" not in unanswered
    bad = client.get(_url("questions"), {"status": "sideways"})
    assert bad.status_code == 200 and "Select a valid choice" in _text(bad)
    csv = client.get(_url("questions"), {"export": "csv", "skill": python.pk})
    body = csv.content.decode("utf-8-sig")
    assert csv["Content-Disposition"] == 'attachment; filename="questions.csv"'
    assert body.splitlines()[0].startswith("id,question,asked_by")
    assert "'=cmd" in body and "Why?" not in body  # formula neutralised; filter kept
    xlsx = client.get(_url("questions_unanswered"), {"export": "xlsx"})
    sheet = load_workbook(io.BytesIO(xlsx.content)).active
    rows = list(sheet.values)  # type: ignore[union-attr]
    assert rows[0][1] == "question" and rows[1][1].startswith("'=cmd")
    assert rows[1][4] == "Python" and len(rows) == 2
    assert tagged.pk == rows[1][0]


class _Tags(HTMLParser):
    """Every real tag and attribute of a page (text inside attributes stays text)."""

    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.found.append((tag, attrs))


def _assert_safe(html: str) -> None:
    """No script, event handler or javascript: link from the hostile text became real."""
    parser = _Tags()
    parser.feed(html)
    for tag, attrs in parser.found:
        assert not (tag == "img" and dict(attrs).get("src") == "x"), attrs
        for name, value in attrs:
            assert not name.startswith("on"), (tag, name)
            if name in ("href", "src", "action", "formaction"):
                assert not (value or "").strip().lower().startswith("javascript:"), (tag, name)
    assert "<script>alert" not in html


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_text_in_every_field_comes_back_escaped(org, clients, python, text):
    client = clients["employee"]
    client.post(_url("question_ask"), {"title": text[:200], "body": text, "skills": "Python"})
    question = Question.objects.get()
    clients["lead"].post(_url("question_answer", question.pk), {"body": text})
    answer = Answer.objects.get()
    clients["lead"].post(_url("question_comment", question.pk), {"body": text})
    clients["outsider"].post(_url("answer_comment", answer.pk), {"body": text})
    assert Comment.objects.count() == 2
    for url in (
        _url("question", question.pk),
        _url("questions"),
        _url("questions_unanswered"),
        _url("question_edit", question.pk),
    ):
        page = _text(client.get(url))
        _assert_safe(page)
        if "secret" in text and "unanswered" not in url:
            assert "{{ secret }}" in page, url  # shown, never evaluated
    page = _text(client.get(_url("question", question.pk)))
    if text.startswith("<script>"):
        assert page.count("&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;") >= 3
    # The API gives the text as written and the HTML sanitised.
    api = Client(headers={"authorization": bearer(org.outsider)["HTTP_AUTHORIZATION"]})
    data = api.get(f"/api/v1/knowledge/questions/{question.pk}").json()
    assert (
        data["body"] == text.strip() and data["answers"][0]["comments"][0]["body"] == text.strip()
    )
    for html in (data["body_html"], data["answers"][0]["body_html"]):
        _assert_safe(html)


# --- query budgets ------------------------------------------------------------------------


def _grow(org, n: int) -> Question:  # type: ignore[no-untyped-def]
    python = Skill.objects.get(name="Python")
    first = Question.objects.order_by("id").first()
    for i in range(n):
        author = make_person(access="employee")
        assert author.user is not None
        q = services.ask_question(
            actor=author.user, title=f"Question {i}?", skills=[python], route=False
        )
        if first is None:
            first = q
        more = services.answer_question(actor=author.user, question=first, body=f"Answer {i}")
        services.add_comment(actor=org.user("manager"), answer=more, body="c")
        services.add_comment(actor=author.user, question=first, body="q")
        services.vote(actor=org.user("employee"), answer=more, value=1)
        Routing.objects.create(question=q, person=org.employee)
    assert first is not None
    Routing.objects.get_or_create(question=first, person=org.lead)
    return first


SESSION = ["session", "user", "unread notifications (the menu's count)"]
LIST_PAGE = [
    *SESSION,
    "count(*) for the paginator",
    "the page of questions with their askers",
    "their skills",
    "the skill filter's choices",
]


@pytest.mark.parametrize("name", ["questions", "questions_unanswered", "questions_for_me"])
def test_list_pages_have_a_fixed_query_count(org, clients, name, django_assert_num_queries):
    client = clients["employee"]
    counts = []
    for size in (2, 8):
        _grow(org, size)
        with django_assert_num_queries(len(LIST_PAGE)):
            response = client.get(_url(name))
        assert response.status_code == 200
        counts.append(response.context["page_obj"].paginator.count)
    assert counts[1] > counts[0]


QUESTION_PAGE = [
    *SESSION,
    "the question with its asker",
    "its answers with authors",
    "the answers' comments with authors",
    "my votes",
    "my person (may I write?)",
    "its skills",
    "its comments with authors",
    "who it was sent to (asker and admins only)",
    "the article it became",
]


@pytest.mark.parametrize(
    ("actor", "queries"),
    [("employee", QUESTION_PAGE), ("lead", QUESTION_PAGE[:10] + QUESTION_PAGE[11:])],
)
def test_question_page_has_a_fixed_query_count(
    org, clients, actor, queries, django_assert_num_queries
):
    services.ask_question(actor=org.user("employee"), title="The measured one?", route=False)
    client = clients[actor]
    sizes = []
    for size in (2, 8):
        first = _grow(org, size)
        with django_assert_num_queries(len(queries)):
            response = client.get(_url("question", first.pk))
        assert response.status_code == 200
        sizes.append(len(response.context["rows"]))
    assert sizes[1] > sizes[0]


def test_settings_caps_apply_to_asking_from_the_page(org, clients, python):
    settings = FinderSettings.load()
    settings.experts_per_question, settings.max_notifications_per_week = 2, 1
    settings.save()
    people = []
    for level in (5, 4, 3):
        person = make_person(f"Py{level}", access=AccessLevel.EMPLOYEE)
        record_assertions_bulk(
            actor=None,
            rows=[NewAssertion(person.pk, python.pk, level, Source.MANAGER, at=timezone.now())],
            summary="test",
        )
        people.append(person)
    for i in range(3):
        clients["employee"].post(_url("question_ask"), {"title": f"Q{i}?", "skills": "Python"})
    counts = [Routing.objects.filter(person=p).count() for p in people]
    assert counts == [1, 1, 1]
    assert Routing.objects.filter(created_at__gte=timezone.now() - timedelta(days=1)).count() == 3


def test_the_answer_author_may_make_the_article_and_owns_it(org, clients, posted):
    question, answer = posted
    page = _text(clients["manager"].get(_url("question", question.pk)))
    assert "Turn into an article" in page  # the answer's author
    assert "Turn into an article" not in _text(
        clients["outsider"].get(_url("question", question.pk))
    )
    response = clients["manager"].post(_url("answer_article", answer.pk))
    article = Article.objects.get()
    assert response["Location"] == reverse("knowledge:article", args=[article.pk])
    assert article.owner == org.manager and article.created_by == org.user("manager")
    assert not AuditLog.objects.filter(action="article.owner").exists()  # no hand-over needed
