"""The knowledge base in a real browser: the demo employee clears an overdue article from her
review queue in one click, writes a how-to from its template with the live preview, and her
manager's later edit shows in the article's history as a diff. Hostile Markdown typed into
the editor never runs, and the pages raise no CSP violation or console error."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from seedbed.demo.services import DemoSummary
from tests.browser.conftest import BrowserWatch, Login, nav, screenshot

pytestmark = pytest.mark.browser

TITLE = "Flash a controller with the bench programmer"


def test_review_queue_write_from_template_and_see_the_diff(
    page: Page, live_server, login: Login, demo: DemoSummary, watch: BrowserWatch
) -> None:
    page.on("dialog", lambda d: (_ for _ in ()).throw(AssertionError(f"dialog: {d.message}")))
    login("Employee")
    nav(page, "My review queue").click()
    expect(page.get_by_role("heading", name="My review queue", level=1)).to_be_visible()
    row = page.get_by_role("row").filter(has_text="Handover notes: the legacy sensor gateway")
    expect(row).to_contain_text("overdue")
    row.get_by_role("button", name=re.compile("^Verify")).click()
    expect(row.get_by_role("status")).to_contain_text("Verified. Next review on")
    screenshot(page, "articles-review-queue")

    nav(page, "Articles").click()
    page.get_by_role("link", name="New: How-to").click()
    body = page.get_by_label("Text (Markdown)")
    expect(body).to_have_value(re.compile("## Goal"))
    page.get_by_label("Title:").fill(TITLE)
    body.fill(
        "## Goal\n\nNew firmware on a controller **on the bench**.\n\n"
        "<img src=x onerror=alert(1)> [click](javascript:alert(1))\n\n"
        "## Steps\n\n1. Connect the programmer\n2. Run `fwflash --port /dev/ttyACM0`\n"
    )
    preview = page.locator("#kb-preview")
    expect(preview.locator("strong")).to_have_text("on the bench")  # live, without saving
    expect(preview.locator("img")).to_have_count(0)
    expect(preview).to_contain_text("<img src=x onerror=alert(1)>")
    page.get_by_role("checkbox", name="Embedded C").check()
    page.get_by_role("button", name="Save").click()

    expect(page).to_have_url(re.compile(r"/knowledge/articles/\d+/$"))
    expect(page.get_by_role("heading", name=TITLE, level=1)).to_be_visible()
    expect(page.locator(".kb-body h2").first).to_have_text("Goal")
    expect(page.get_by_role("link", name="Embedded C")).to_be_visible()
    article_url = page.url

    page.get_by_role("button", name="Sign out").click()
    login("Manager")
    page.goto(article_url + "edit/")
    page.get_by_label("Text (Markdown)").fill(
        page.get_by_label("Text (Markdown)").input_value() + "3. Check the version in the app\n"
    )
    page.get_by_label("What changed:").fill("Check the version afterwards")
    page.get_by_role("button", name="Save").click()
    expect(page.locator(".messages")).to_contain_text("Article saved.")
    page.get_by_role("link", name=re.compile(r"History \(2 versions\)")).click()
    page.get_by_role("button", name="Compare the chosen versions").click()
    expect(page.get_by_text("1 line added, 0 lines removed.")).to_be_visible()
    expect(page.locator("td.diff-ins")).to_contain_text("3. Check the version in the app")
    screenshot(page, "articles-diff")
    assert watch.problems(page) == []
