"""Keyboard and console hygiene on the two busiest pages: assets load under the strict CSP,
scripts run without errors or CSP violations, and the skip link comes first."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import BrowserWatch, Login, nav, screenshot

pytestmark = pytest.mark.browser

ASSETS = """
() => [...Array.from(document.scripts, (s) => s.src),
       ...Array.from(document.querySelectorAll("link[rel=stylesheet]"), (l) => l.href)]
"""


def check_page_basics(page: Page) -> None:
    """CSP is sent and strict, every script and stylesheet arrived, and they took effect."""
    document = page.request.get(page.url)
    csp = document.headers.get("content-security-policy", "")
    assert "script-src 'self'" in csp and "style-src 'self'" in csp, csp
    assets = page.evaluate(ASSETS)
    assert any(a.endswith("/static/seedbed/app.css") for a in assets), assets
    assert any(a.endswith("/static/seedbed/app.js") for a in assets), assets
    assert any("htmx" in a for a in assets), assets
    for asset in assets:
        # Fetched again rather than read from the page's responses: the browser may have
        # answered from its cache. The page-level effects below show the copies it used ran.
        answer = page.request.get(asset)
        assert answer.status == 200, f"{asset}: {answer.status}"
        assert answer.headers["content-type"].split(";")[0] in ("text/css", "text/javascript")
    # The stylesheet applies (the skip link waits off-screen) and htmx is running.
    skip = page.get_by_role("link", name="Skip to content")
    assert skip.evaluate("el => getComputedStyle(el).left") == "-999px"
    assert page.evaluate("typeof window.htmx") == "object"


def check_skip_link(page: Page) -> None:
    page.reload()
    page.keyboard.press("Tab")
    skip = page.get_by_role("link", name="Skip to content")
    expect(skip).to_be_focused()
    box = skip.bounding_box()
    assert box is not None and box["x"] >= 0 and box["y"] >= 0, f"skip link off-screen: {box}"
    page.keyboard.press("Enter")
    expect(page.locator("main#main")).to_be_focused()


def test_team_matrix_runs_clean_and_starts_with_the_skip_link(
    page: Page, login: Login, watch: BrowserWatch
) -> None:
    login("Manager")
    nav(page, "Team matrix").click()
    expect(page.locator("table.matrix")).to_be_visible()
    check_page_basics(page)
    # Pending cells are tinted by the stylesheet, not left transparent.
    pending = page.locator("table.matrix td.pend").first
    assert pending.evaluate("el => getComputedStyle(el).backgroundColor") != "rgba(0, 0, 0, 0)"

    # app.js: changing a filter submits the form (data-autosubmit), no Apply click needed.
    category = page.get_by_label("Category")
    option = category.locator("option").nth(1)
    category_id = option.get_attribute("value")
    with page.expect_navigation(url=re.compile(rf"category={category_id}")):
        category.select_option(category_id)
    expect(category).to_have_value(str(category_id))

    check_skip_link(page)
    screenshot(page, "team-matrix-keyboard")
    assert watch.problems(page) == []


def test_my_skills_runs_clean_and_starts_with_the_skip_link(
    page: Page, login: Login, watch: BrowserWatch
) -> None:
    login("Employee")
    nav(page, "My skills").click()
    expect(page.get_by_role("heading", name="My skills", exact=True)).to_be_visible()
    check_page_basics(page)

    # An htmx round trip (search as you type) runs without console errors or CSP reports.
    page.get_by_label("Search skills by name or alias").press_sequentially("docker", delay=20)
    expect(page.locator("#picker-results li").filter(has_text="Docker")).to_have_count(1)

    check_skip_link(page)
    screenshot(page, "my-skills-keyboard")
    assert watch.problems(page) == []
