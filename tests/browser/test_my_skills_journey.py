"""The demo employee finds a skill by its alias, adds it, and re-rates a skill in place."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import BrowserWatch, Login, nav, screenshot

pytestmark = pytest.mark.browser


def test_employee_adds_a_skill_found_by_alias_and_rerates_a_row(
    page: Page, login: Login, watch: BrowserWatch
) -> None:
    login("Employee")
    nav(page, "My skills").click()
    expect(page).to_have_url(re.compile(r"/skills/mine/$"))
    expect(page.get_by_role("heading", name="My skills", exact=True)).to_be_visible()
    other = page.locator("section[aria-labelledby=other-h]")
    required = page.locator("section[aria-labelledby=role-h]")
    expect(page.locator("main")).not_to_contain_text("Terraform")  # not one of hers yet

    # Search as you type: the alias "IaC" finds Terraform through htmx, without a reload.
    page.evaluate("window.__samePage = true")
    with page.expect_response(re.compile(r"/skills/search/\?q=IaC")) as search:
        page.get_by_label("Search skills by name or alias").press_sequentially("IaC", delay=30)
    assert search.value.request.headers.get("hx-request") == "true"
    result = page.locator("#picker-results li").filter(has_text="Terraform")
    expect(result).to_have_count(1)
    expect(result).to_contain_text("IaC")
    assert page.evaluate("window.__samePage === true")

    result.get_by_label("My level in Terraform").select_option("2")
    result.get_by_role("button", name="Add").click()
    expect(page.get_by_role("status")).to_contain_text("Saved Terraform.")
    added = other.locator("tbody tr").filter(
        has=page.get_by_role("link", name="Terraform", exact=True)
    )
    expect(added).to_have_count(1)
    expect(added).to_contain_text("you said 2, awaiting validation")
    expect(added.locator("td span.lvl").first).to_have_text("2")

    # Re-rate a validated role skill (not pending) one level up with that row's Save button.
    settled = required.locator("tbody tr").filter(has_not_text="awaiting validation")
    row = settled.first
    row_id = row.get_attribute("id")
    assert row_id and row_id.startswith("skill-row-")
    skill = row.locator("th a").inner_text()
    level_select = row.get_by_label(f"My level in {skill}")
    current = int(level_select.input_value())
    new = current + 1 if current < 5 else current - 1
    page.evaluate("window.__samePage = true")
    level_select.select_option(str(new))
    row.get_by_role("button", name="Save").click()
    row = page.locator(f"tr#{row_id}")  # htmx swapped the whole row in place
    expect(row).to_have_class(re.compile(r"\brow-ok\b"))
    expect(row.get_by_role("status")).to_have_text("Saved")
    expect(row).to_contain_text(f"you said {new}, awaiting validation")
    expect(row.get_by_label(f"My level in {skill}")).to_have_value(str(new))
    assert page.evaluate("window.__samePage === true"), "Save reloaded the page instead of htmx"

    page.reload()  # stored, not just shown
    expect(page.locator(f"tr#{row_id}")).to_contain_text(f"you said {new}, awaiting validation")
    expect(added).to_contain_text("you said 2, awaiting validation")
    screenshot(page, "my-skills-after-changes")
    assert watch.problems(page) == []
