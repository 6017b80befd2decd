"""Knowledge-capture pages: the interview page and its forms (plain POST and htmx), the lists
with search, filters and exports, starting from a person's page, the person form's leaving
date, who sees what, bad input and query budgets. The setting is ``kc`` of
tests/test_knowledge_handovers.py (the employee alone holds Python at level 4, owns an article
and alone answered a question)."""

from __future__ import annotations

import csv
import io
import re
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from seedbed.knowledge.models import (
    Article,
    HandoverInterview,
    HandoverPrompt,
    HandoverState,
    PromptKind,
)
from seedbed.knowledge.services import handovers as h
from seedbed.people.models import Person
from tests.conftest import Org, login_client
from tests.test_knowledge_handovers import KC, build_kc, prompt_of, set_level, start

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def kc(org: Org) -> KC:
    return build_kc(org)


def url(interview: HandoverInterview) -> str:
    return f"/knowledge/handovers/{interview.pk}/"


def purl(prompt: HandoverPrompt, action: str = "") -> str:
    return f"/knowledge/handover-prompts/{prompt.pk}/" + (f"{action}/" if action else "")


# --- who sees what ------------------------------------------------------------------------


def test_the_interview_page_for_the_person_their_manager_and_hr_only(kc: KC, clients) -> None:
    interview = start(kc)
    for name in ("employee", "manager", "admin"):
        response = clients[name].get(url(interview))
        assert response.status_code == 200, name
        page = response.content.decode()
        assert "Handover of Emil Employee" in page
        assert "the only one at proficient level or above in Python" in page
        assert "Deploying the shop" in page
        assert "How do we rotate the keys?" in page
        assert "0 of 7 prompts done" in page
    for name in ("outsider", "outsider_manager", "lead", "report2"):
        assert clients[name].get(url(interview)).status_code == 404, name


def test_the_person_answers_the_leads_decide_articles_and_completion(kc: KC, clients) -> None:
    interview = start(kc)
    mine = clients["employee"].get(url(interview)).content.decode()
    assert 'name="answer"' in mine
    assert "Write an article from this answer" not in mine
    assert "Complete the handover" not in mine
    assert "Your manager or HR turns the answers into articles" in mine
    lead = clients["manager"].get(url(interview)).content.decode()
    assert "Write an article from this answer" in lead
    assert "Re-assign ownership" in lead
    assert "Complete the handover" in lead
    assert '<datalist id="colleagues">' in lead and kc.org.report2.email in lead


def test_the_list_is_for_managers_and_hr_scoped_to_their_line(kc: KC, clients) -> None:
    start(kc)
    h.start_handover(actor=kc.org.user("admin"), person=kc.org.outsider)
    assert clients["employee"].get("/knowledge/handovers/").status_code == 403
    assert clients["outsider"].get("/knowledge/handovers/").status_code == 403
    manager = clients["manager"].get("/knowledge/handovers/").content.decode()
    assert "Emil Employee" in manager and "Olga Outsider" not in manager
    other = clients["outsider_manager"].get("/knowledge/handovers/").content.decode()
    assert "Olga Outsider" in other and "Emil Employee" not in other
    admin = clients["admin"].get("/knowledge/handovers/").content.decode()
    assert "Olga Outsider" in admin and "Emil Employee" in admin


def test_my_handovers_for_the_person_and_the_assigned_manager(kc: KC, clients) -> None:
    start(kc)
    for name in ("employee", "manager"):
        page = clients[name].get("/knowledge/handovers/mine/").content.decode()
        assert "Emil Employee" in page, name
    for name in ("admin", "outsider", "lead"):
        page = clients[name].get("/knowledge/handovers/mine/").content.decode()
        assert "Emil Employee" not in page, name
        assert "No handovers yet." in page


def test_search_filters_and_exports(kc: KC, clients) -> None:
    interview = start(kc)
    other = h.start_handover(actor=kc.org.user("admin"), person=kc.org.outsider)
    h.complete_interview(actor=kc.org.user("admin"), interview=other, skip_reason="moved on")
    admin = clients["admin"]
    assert "Olga Outsider" not in admin.get("/knowledge/handovers/?q=emil").content.decode()
    page = admin.get("/knowledge/handovers/?state=done").content.decode()
    assert "Olga Outsider" in page and "Emil Employee" not in page
    page = admin.get(f"/knowledge/handovers/?team={kc.org.employee.team_id}").content.decode()
    assert "Emil Employee" in page and "Olga Outsider" not in page
    page = admin.get("/knowledge/handovers/?reason=leaving").content.decode()
    assert "No handover matches these filters." in page
    bad = admin.get("/knowledge/handovers/?reason=bored&team=x")
    assert bad.status_code == 200
    assert "Select a valid choice" in bad.content.decode()
    response = admin.get("/knowledge/handovers/?q=emil&format=csv")
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert rows[0][:3] == ["id", "person", "email"]
    assert len(rows) == 2
    assert rows[1][0] == str(interview.pk)
    assert rows[1][-3:-1] == ["0", "7"]
    assert rows[1][-1].endswith(url(interview))
    xlsx = admin.get("/knowledge/handovers/?format=xlsx")
    assert xlsx["Content-Disposition"] == 'attachment; filename="handovers.xlsx"'
    mine = clients["employee"].get("/knowledge/handovers/mine/?format=csv")
    assert "Emil Employee" in mine.content.decode("utf-8-sig")


# --- answering -----------------------------------------------------------------------------


def test_answer_with_a_plain_form_post(kc: KC, clients) -> None:
    interview = start(kc)
    prompt = prompt_of(interview, PromptKind.SKILL)
    response = clients["employee"].post(purl(prompt), {"answer": "Use **pytest**", "is_done": "on"})
    assert response.status_code == 302
    assert response["Location"] == f"{url(interview)}#prompt-{prompt.pk}"
    prompt.refresh_from_db()
    assert (prompt.answer, prompt.is_done) == ("Use **pytest**", True)
    page = clients["employee"].get(url(interview)).content.decode()
    assert "Answer saved." in page
    assert "<strong>pytest</strong>" in page
    assert "1 of 7 prompts done" in page


def test_answer_with_htmx_swaps_the_prompt_and_the_progress(kc: KC, clients) -> None:
    prompt = prompt_of(start(kc), PromptKind.GENERAL)
    response = clients["manager"].post(
        purl(prompt), {"answer": "Ask Otto", "is_done": "on"}, **HTMX
    )
    assert response.status_code == 200
    page = response.content.decode()
    assert f'id="prompt-{prompt.pk}"' in page
    assert "Answer saved." in page
    assert 'hx-swap-oob="true"' in page and "1 of 7 prompts done" in page
    assert "<html" not in page


def test_answers_are_sanitised(kc: KC, clients) -> None:
    interview = start(kc)
    prompt = prompt_of(interview, PromptKind.GENERAL)
    evil = '<script>alert(1)</script> [x](javascript:alert(2)) <img src=x onerror="alert(3)">'
    clients["employee"].post(purl(prompt), {"answer": evil})
    page = clients["employee"].get(url(interview)).content.decode()
    assert "<script>alert(1)" not in page
    assert 'href="javascript:' not in page
    assert not re.search(r"<[^>]*onerror", page)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page  # shown as text


def test_preview_renders_without_saving(kc: KC, clients) -> None:
    interview = start(kc)
    prompt = prompt_of(interview, PromptKind.GENERAL)
    response = clients["employee"].post(
        purl(prompt, "preview"), {"answer": "**bold** <script>x</script>"}, **HTMX
    )
    page = response.content.decode()
    assert f'id="preview-{prompt.pk}"' in page
    assert "<strong>bold</strong>" in page and "<script>" not in page
    plain = clients["employee"].post(purl(prompt, "preview"), {"answer": "*draft*"})
    assert plain.status_code == 200
    assert "<em>draft</em>" in plain.content.decode()
    assert "*draft*</textarea>" in plain.content.decode()
    prompt.refresh_from_db()
    assert prompt.answer == ""


def test_outsiders_change_nothing(kc: KC, clients) -> None:
    interview = start(kc)
    prompt = prompt_of(interview, PromptKind.ARTICLE)
    for name in ("outsider", "outsider_manager", "lead"):
        client = clients[name]
        assert client.post(purl(prompt), {"answer": "mine", "is_done": "on"}).status_code == 404
        assert client.post(purl(prompt, "preview"), {"answer": "x"}).status_code == 404
        assert client.post(purl(prompt, "article"), {"visibility": "org"}).status_code == 404
        assert client.post(purl(prompt, "reassign"), {"owner": "x"}).status_code == 404
        assert client.post(url(interview) + "complete/", {"skip_reason": "x"}).status_code == 404
    prompt.refresh_from_db()
    assert (prompt.answer, prompt.is_done, prompt.new_owner_id) == ("", False, None)
    interview.refresh_from_db()
    assert interview.state == HandoverState.OPEN


def test_bad_input_shows_a_clear_message(kc: KC, clients) -> None:
    prompt = prompt_of(start(kc), PromptKind.GENERAL)
    response = clients["employee"].post(purl(prompt), {"answer": "x" * 50_001}, **HTMX)
    assert "at most 50000 characters" in response.content.decode()
    response = clients["employee"].post(purl(prompt), {"answer": "a\x00b"}, **HTMX)
    assert 'role="alert"' in response.content.decode()
    prompt.refresh_from_db()
    assert prompt.answer == ""


# --- ending a prompt -----------------------------------------------------------------------


def test_write_an_article_from_the_answer(kc: KC, clients) -> None:
    prompt = prompt_of(start(kc), PromptKind.SKILL)
    manager = clients["manager"]
    manager.post(purl(prompt), {"answer": "## Build\n\nRun make."})
    response = manager.post(
        purl(prompt, "article"), {"owner": "nobody here", "visibility": "org"}, **HTMX
    )
    assert "Nobody still here is named “nobody here”" in response.content.decode()
    assert not Article.objects.filter(kind="handover").exists()
    response = manager.post(
        purl(prompt, "article"),
        {"owner": kc.org.report2.email, "title": "", "visibility": "team"},
        **HTMX,
    )
    page = response.content.decode()
    article = Article.objects.get(kind="handover")
    assert f"Article “{article.title}” written." in page
    assert f"/knowledge/articles/{article.pk}/" in page
    assert (article.owner, article.visibility) == (kc.org.report2, "team")
    assert list(article.skills.all()) == [kc.python]


def test_the_person_cannot_decide_the_owner(kc: KC, clients) -> None:
    prompt = prompt_of(start(kc), PromptKind.GENERAL)
    clients["employee"].post(purl(prompt), {"answer": "x"})
    response = clients["employee"].post(purl(prompt, "article"), {"visibility": "org"})
    assert response.status_code == 302
    page = clients["employee"].get(response["Location"]).content.decode()
    assert "or HR decides who owns what" in page
    assert not Article.objects.filter(kind="handover").exists()


def test_reassign_the_article_by_name(kc: KC, clients) -> None:
    prompt = prompt_of(start(kc), PromptKind.ARTICLE)
    response = clients["manager"].post(purl(prompt, "reassign"), {"owner": "rita report"}, **HTMX)
    assert "Rita Report now owns the article." in response.content.decode()
    kc.article.refresh_from_db()
    assert kc.article.owner == kc.org.report2
    response = clients["manager"].post(purl(prompt, "reassign"), {"owner": ""}, **HTMX)
    assert "This field is required." in response.content.decode()


def test_complete_with_a_reason_or_every_prompt_done(kc: KC, clients) -> None:
    interview = start(kc)
    complete = url(interview) + "complete/"
    assert clients["employee"].post(complete, {"skip_reason": "x"}).status_code == 403
    response = clients["manager"].post(complete, {"skip_reason": ""})
    assert response.status_code == 400
    assert "7 prompts are not done yet" in response.content.decode()
    response = clients["manager"].post(complete, {"skip_reason": "Left early"})
    assert response.status_code == 302
    interview.refresh_from_db()
    assert (interview.state, interview.skip_reason) == (HandoverState.DONE, "Left early")
    page = clients["employee"].get(url(interview)).content.decode()
    assert "Skipped because" in page and "Left early" in page
    assert 'name="answer"' not in page  # nothing changes any more


# --- starting ------------------------------------------------------------------------------


def test_start_from_the_person_page(kc: KC, clients) -> None:
    person_page = f"/people/{kc.org.employee.pk}/"
    page = clients["manager"].get(person_page).content.decode()
    assert "Start a handover" in page
    assert "Start a handover" not in clients["outsider_manager"].get(person_page).content.decode()
    assert "Start a handover" not in clients["employee"].get(person_page).content.decode()
    start_url = f"/knowledge/handovers/start/{kc.org.employee.pk}/"
    assert clients["employee"].post(start_url, {"reason": "other"}).status_code == 403
    assert clients["outsider_manager"].post(start_url, {"reason": "other"}).status_code == 403
    response = clients["manager"].post(start_url, {"reason": "other", "next": person_page})
    interview = HandoverInterview.objects.get()
    assert response["Location"] == url(interview)
    page = clients["employee"].get(person_page).content.decode()
    assert "Handover 0/7" in page and url(interview) in page
    # A second one: a clear message, back where the button was.
    again = clients["admin"].post(start_url, {"reason": "other", "next": person_page})
    assert again["Location"] == person_page
    assert "already has an open handover" in clients["admin"].get(person_page).content.decode()
    # An outside "next" is ignored.
    bad = clients["admin"].post(start_url, {"reason": "bored", "next": "https://evil.example/"})
    assert bad["Location"] == person_page


def test_the_person_form_sets_the_leaving_date_and_starts_the_handover(kc: KC, clients) -> None:
    employee = kc.org.employee
    edit = f"/people/{employee.pk}/edit/"
    form = clients["admin"].get(edit).content.decode()
    assert "Leaving on" in form
    day = timezone.localdate() + timedelta(days=30)
    data = {
        "full_name": employee.full_name,
        "email": employee.email,
        "role": employee.role_id,
        "team": employee.team_id,
        "manager": employee.manager_id,
        "timezone": "UTC",
        "leaving_on": day.isoformat(),
    }
    response = clients["admin"].post(edit, data)
    assert response.status_code == 302
    interview = HandoverInterview.objects.get(person=employee)
    assert (interview.reason, interview.due_on) == ("leaving", day)
    page = clients["manager"].get(f"/people/{employee.pk}/").content.decode()
    assert "Leaving on" in page and "leaving" in page


# --- query budgets -------------------------------------------------------------------------


def _grow(interview: HandoverInterview, n: int) -> None:
    HandoverPrompt.objects.bulk_create(
        HandoverPrompt(
            interview=interview,
            kind=PromptKind.GENERAL,
            prompt=f"Extra {i}",
            answer=f"**answer** {i}",
            is_done=i % 2 == 0,
            position=100 + i,
        )
        for i in range(n)
    )


INTERVIEW_PAGE = [
    "session",
    "user",
    "the interview with person, team, login and manager",
    "may lead: the person in the manager's reporting line",
    "prompts with skill, article, question, result article and new owner",
    "colleagues to suggest",
    "navigation: unread inbox count",
]


def test_interview_page_query_count_is_fixed(kc: KC, django_assert_num_queries) -> None:
    interview = start(kc)
    client = login_client(kc.org.manager)
    for extra in (3, 30):
        _grow(interview, extra)
        with django_assert_num_queries(len(INTERVIEW_PAGE)):
            assert client.get(url(interview)).status_code == 200


LIST_PAGE = [
    "session",
    "user",
    "count of handovers",
    "the page of handovers with person, team, manager and prompt counts",
    "filter: teams",
    "navigation: unread inbox count",
]


def test_list_page_query_count_is_fixed(kc: KC, org: Org, django_assert_num_queries) -> None:
    from tests.builders import make_person

    client = login_client(org.admin)
    for extra in (2, 12):
        for _i in range(extra):
            person = make_person(team=org.employee.team, manager=org.manager)
            h.start_handover(actor=org.user("admin"), person=person)
        with django_assert_num_queries(len(LIST_PAGE)):
            assert client.get("/knowledge/handovers/").status_code == 200


def test_start_needs_post(kc: KC, clients: dict[str, Client]) -> None:
    assert (
        clients["admin"].get(f"/knowledge/handovers/start/{kc.org.employee.pk}/").status_code == 405
    )


# --- knowledge at risk ---------------------------------------------------------------------


def _python_row(page: str) -> str:
    """The risk table's row of Python."""
    start_at = page.index(">Python</a></th>")
    return page[start_at : page.index("</tr>", start_at)]


def test_the_risk_view_shows_handover_progress_and_cross_training(kc: KC, clients) -> None:
    from seedbed.mentoring.models import Pair, PairOrigin, PairState

    row = _python_row(clients["admin"].get("/gaps/risks/").content.decode())
    assert "Emil Employee" in row
    assert f"/knowledge/handovers/start/{kc.org.employee.pk}/" in row
    assert 'name="reason" value="sole_holder"' in row
    assert "none" in row  # no cross-training yet
    interview = start(kc)
    h.set_done(actor=kc.org.user("employee"), prompt=prompt_of(interview, "skill"), done=True)
    pair = Pair.objects.create(
        mentor=kc.org.employee,
        mentee=kc.org.report2,
        origin=PairOrigin.CROSS_TRAINING,
        skill=kc.python,
        target_level=4,
        state=PairState.ACTIVE,
    )
    Pair.objects.create(  # ended: not shown
        mentor=kc.org.employee,
        mentee=kc.org.lead,
        origin=PairOrigin.CROSS_TRAINING,
        skill=kc.python,
        state=PairState.ENDED,
    )
    Person.objects.filter(pk=kc.org.employee.pk).update(
        leaving_on=timezone.localdate() + timedelta(days=14)
    )
    for name in ("admin", "manager"):
        row = _python_row(clients[name].get("/gaps/risks/").content.decode())
        assert "Handover 1/7" in row, name
        assert url(interview) in row
        assert "Start handover" not in row  # one is open
        assert f"/mentoring/pairs/{pair.pk}/" in row and "Rita Report" in row
        assert "Lea Lead" not in row
        assert "leaving on" in row
    assert clients["employee"].get("/gaps/risks/").status_code == 403


def test_the_risk_view_offers_a_new_handover_once_the_last_is_done(kc: KC, clients) -> None:
    interview = start(kc)
    h.complete_interview(actor=kc.org.user("admin"), interview=interview, skip_reason="x")
    row = _python_row(clients["manager"].get("/gaps/risks/").content.decode())
    assert "Handover done" in row and "Start handover" in row
    # A manager who is the only holder does not start their own handover.
    set_level(kc.org.employee, kc.python, 2)
    set_level(kc.org.manager, kc.python, 5)
    row = _python_row(clients["manager"].get("/gaps/risks/").content.decode())
    assert "Max Manager" in row and "Start handover" not in row
    row = _python_row(clients["admin"].get("/gaps/risks/").content.decode())
    assert "Start handover" in row
