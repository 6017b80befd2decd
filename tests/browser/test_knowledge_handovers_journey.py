"""Knowledge capture in a real browser: the demo manager starts a handover from knowledge at
risk for the only holder of a skill in their team, answers a prompt (preview, save, done:
htmx swaps the prompt and the progress), writes an article from the answer, sees the progress
back on knowledge at risk; the employee finds the handover under My handovers. The page runs
without console errors or CSP violations."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from seedbed.knowledge.models import Article, HandoverInterview
from tests.browser.conftest import BrowserWatch, Login, nav, screenshot

pytestmark = pytest.mark.browser


def test_manager_captures_what_only_one_person_knows(
    page: Page, login: Login, watch: BrowserWatch
) -> None:
    login("Manager")
    nav(page, "Gap analysis").click()
    page.goto(page.url.split("/gaps/")[0] + "/gaps/risks/")
    start = page.get_by_role("button", name=re.compile(r"^Start a handover with Emma Lindqvist"))
    expect(start.first).to_be_visible()
    start.first.click()

    expect(page).to_have_url(re.compile(r"/knowledge/handovers/\d+/$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text("Handover of Emma Lindqvist")
    expect(page.locator("main .msg-success")).to_contain_text(
        "they and their manager have been told"
    )
    progress = page.locator("#handover-progress-text")
    expect(progress).to_contain_text(re.compile(r"^0 of \d+ prompts done"))
    total = int(re.search(r"of (\d+)", progress.inner_text()).group(1))  # type: ignore[union-attr]

    prompt = page.locator("li.handover-prompt").first
    expect(prompt).to_contain_text("You are the only one at proficient level or above in")
    prompt.get_by_label("Answer (Markdown)").fill("## Release\n\n- tag it\n- **never** on Fridays")
    prompt.get_by_role("button", name="Preview").click()
    expect(prompt.locator(".preview li strong")).to_have_text("never")
    prompt.get_by_label("Done").check()
    prompt.get_by_role("button", name="Save").click()
    prompt = page.locator("li.handover-prompt").first
    expect(prompt.locator(".status")).to_have_text("Answer saved.")
    expect(progress).to_contain_text(f"1 of {total} prompts done")
    expect(page.locator("#handover-live")).to_contain_text(f"1 of {total} prompts done")

    prompt.get_by_text("Write an article from this answer").click()
    prompt.get_by_role("button", name="Write the article").click()
    prompt = page.locator("li.handover-prompt").first
    expect(prompt.locator(".status")).to_contain_text("written.")
    article_link = prompt.locator(".outcome a")
    expect(article_link).to_be_visible()
    found = re.search(r"/articles/(\d+)/", article_link.get_attribute("href") or "")
    assert found is not None
    article = Article.objects.get(pk=int(found.group(1)))
    assert article.kind == "handover" and "never" in article.body
    assert article.owner is not None and article.owner.full_name == "Marco Rossi"
    screenshot(page, "knowledge-handover")

    page.goto(page.url.split("/knowledge/")[0] + "/gaps/risks/")
    row = page.locator("section#risks tbody tr").filter(has_text="Emma Lindqvist").first
    expect(row.get_by_role("link", name=f"Handover 1/{total}")).to_be_visible()
    assert watch.problems(page) == []

    page.context.clear_cookies()
    login("Employee")
    nav(page, "My handovers").click()
    expect(page).to_have_url(re.compile(r"/knowledge/handovers/mine/$"))
    page.locator("main").get_by_role("link", name="Emma Lindqvist").click()
    interview = HandoverInterview.objects.get()
    expect(page).to_have_url(re.compile(rf"/knowledge/handovers/{interview.pk}/$"))
    expect(page.get_by_text("Your manager or HR turns the answers into articles")).to_be_visible()
    assert watch.problems(page) == []
