"""Issue 6's browser journey: the demo employee asks a question tagged with a skill; Seedbed
routes it to the colleagues who know most about it; one of them (found through the Routing
rows) signs in, finds it under "Questions for me" and answers; the asker votes the answer up,
accepts it and turns it into an article in one step.

Only the three printed demo logins have a password; the routed expert is an ordinary demo
colleague, so the setup gives their login the demo password before the browser starts.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from seedbed.demo.services import DemoSummary
from seedbed.knowledge.models import Article, Question, Routing
from seedbed.people.models import Person
from tests.browser.conftest import BrowserWatch, Login, nav, screenshot

pytestmark = pytest.mark.browser

EMPLOYEE = "Emma Lindqvist"
SKILL = "Docker"
TITLE = "How do I shrink our Docker images for the field app backend?"
DETAILS = "The image is **1.2 GB**; pulls on the edge gateways take minutes."
ANSWER = "Use a multi-stage build: compile in `python:3.13`, copy only the venv into `-slim`."


def sign_out(page: Page) -> None:
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("button", name="Sign out")).to_have_count(0)


def sign_in(page: Page, live_server_url: str, email: str, password: str) -> None:
    page.goto(f"{live_server_url}/accounts/login/")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()


def test_employee_asks_an_expert_answers_and_the_answer_becomes_an_article(
    page: Page, live_server, login: Login, demo: DemoSummary, watch: BrowserWatch
) -> None:
    login("Employee")
    nav(page, "Questions").click()
    expect(page.get_by_role("heading", name="Questions", level=1)).to_be_visible()
    screenshot(page, "questions-list")
    page.get_by_role("link", name="Ask a question").click()
    page.get_by_label("Your question").fill(TITLE)
    page.get_by_label("Details").fill(DETAILS)
    page.get_by_label("Skills").fill(SKILL)
    page.get_by_role("button", name="Ask", exact=True).click()

    expect(page).to_have_url(re.compile(r"/knowledge/questions/\d+/$"))
    expect(page.get_by_role("heading", name=TITLE, level=1)).to_be_visible()
    expect(page.locator(".messages .msg-success")).to_contain_text("sent to")
    expect(page.locator(".md strong")).to_have_text("1.2 GB")
    question = Question.objects.get(title=TITLE)
    routed = list(Routing.objects.filter(question=question).select_related("person__user"))
    assert routed, "the expert finder found nobody for the skill"
    asker = Person.objects.get(full_name=EMPLOYEE)
    assert all(r.person_id != asker.pk for r in routed)
    sent_to = page.locator("p.q-sent")
    for routing in routed:
        expect(sent_to).to_contain_text(routing.person.full_name)
    screenshot(page, "question-asked")
    sign_out(page)

    # The best-placed expert (highest score) answers.
    expert = max(routed, key=lambda r: r.score).person
    assert expert.user is not None
    expert.user.set_password(demo.password)
    expert.user.save(update_fields=["password"])
    sign_in(page, live_server.url, expert.email, demo.password)
    nav(page, "Questions for me").click()
    expect(page.get_by_role("heading", name="Questions for me", level=1)).to_be_visible()
    screenshot(page, "questions-for-me")
    page.get_by_role("link", name=TITLE).click()
    page.get_by_role("textbox", name="Your answer").fill(ANSWER)
    page.get_by_role("button", name="Post your answer").click()
    expect(page.locator(".messages .msg-success")).to_contain_text("your answer is posted")
    answer = page.locator("article.answer")
    expect(answer).to_have_count(1)
    expect(answer.locator(".md code").first).to_have_text("python:3.13")
    # Nobody votes on their own answer: no buttons for the author.
    expect(answer.get_by_role("button", name=re.compile("Useful"))).to_have_count(0)
    nav(page, "Questions for me").click()
    expect(page.get_by_role("link", name=TITLE)).to_have_count(0)  # answered now
    sign_out(page)

    login("Employee")
    page.goto(f"{live_server.url}/knowledge/questions/{question.pk}/")
    answer = page.locator("article.answer")
    expect(answer.get_by_role("heading", level=3)).to_contain_text(f"Answer by {expert.full_name}")
    # The vote is sent by htmx and the box swaps in place.
    answer.get_by_role("button", name="Useful", exact=True).click()
    expect(answer.locator(".score strong")).to_have_text("1")
    expect(answer.get_by_role("button", name=re.compile("you voted"))).to_have_attribute(
        "aria-pressed", "true"
    )
    answer.get_by_role("button", name="Accept this answer").click()
    expect(page.locator(".messages .msg-success")).to_have_text("Answer accepted.")
    expect(page.locator("article.answer.accepted")).to_contain_text("accepted")
    screenshot(page, "question-accepted")

    page.get_by_role("button", name="Turn into an article").click()
    expect(page).to_have_url(re.compile(r"/knowledge/articles/\d+/$"))
    expect(page.get_by_role("heading", name=TITLE, level=1)).to_be_visible()
    expect(page.locator("main")).to_contain_text("multi-stage build")
    expect(page.locator("main")).to_contain_text(f"Answer by {expert.full_name}")
    screenshot(page, "answer-made-article")

    article = Article.objects.get(source_question=question)
    assert article.owner == expert
    assert list(article.skills.values_list("name", flat=True)) == [SKILL]
    question.refresh_from_db()
    assert question.accepted_answer is not None and question.accepted_answer.author == expert
    assert watch.problems(page) == []
