"""Who knows…: the employee types a skill's beginning, picks it from the suggestions, gets
ranked and explained people without a reload; the admin changes a weight and a bad value is
refused next to its field."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import BrowserWatch, Login, nav, screenshot

pytestmark = pytest.mark.browser


def test_employee_finds_who_knows_kubernetes(page: Page, login: Login, watch: BrowserWatch) -> None:
    login("Employee")
    nav(page, "Who knows…").click()
    expect(page).to_have_url(re.compile(r"/knowledge/experts/$"))
    expect(page.get_by_role("heading", name="Who knows…")).to_be_visible()

    # Suggestions as you type (htmx), then a pick: the results replace the region in place.
    with page.expect_response(re.compile(r"/knowledge/experts/skills/\?q=kube")):
        page.get_by_label("Who knows…").press_sequentially("kube", delay=30)
    suggestion = page.locator("#skill-suggestions").get_by_role("link", name="Kubernetes")
    expect(suggestion).to_be_visible()
    suggestion.click()
    expect(page).to_have_url(re.compile(r"\?skill=\d+$"))
    results = page.locator("#expert-results")
    expect(results.locator(".expert-skills")).to_contain_text("Kubernetes")
    first = results.locator("li.expert").first
    expect(first.locator(".expert-why")).to_contain_text(re.compile(r"last active"))

    # The filter form answers through htmx into the live region, keeping the query.
    page.evaluate("window.__samePage = true")
    page.get_by_label("Available only").check()
    page.get_by_role("button", name="Search", exact=True).last.click()
    expect(page).to_have_url(re.compile(r"available=on"))
    expect(results.locator("li.expert").first).to_be_visible()
    assert page.evaluate("window.__samePage === true")
    screenshot(page, "knowledge-experts-employee")
    assert watch.problems(page) == []


def test_admin_changes_a_weight_and_sees_a_bad_one_refused(
    page: Page, login: Login, watch: BrowserWatch
) -> None:
    login("Admin")
    nav(page, "Finder settings").click()
    expect(page.get_by_role("heading", name="Expert finder settings")).to_be_visible()
    page.get_by_label("Articles").fill("0.8")
    page.get_by_role("button", name="Save settings").click()
    expect(page.get_by_role("status")).to_contain_text("Expert finder settings saved.")
    expect(page.get_by_label("Articles")).to_have_value("0.8")

    page.get_by_label("Half-life of evidence (days)").fill("1")
    page.get_by_role("button", name="Save settings").click()
    expect(page.locator(".has-error")).to_contain_text("greater than or equal to 7")
    screenshot(page, "knowledge-experts-settings")
    assert watch.problems(page) == []
