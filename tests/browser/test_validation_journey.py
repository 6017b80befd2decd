"""The issue's browser journey: the demo manager validates a pending self-rating in the queue
and sees the team matrix cell change from "pending" to the accepted level."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

import pytest
from playwright.sync_api import Locator, Page, expect

from seedbed.demo.services import DemoSummary
from tests.browser.conftest import BrowserWatch, Login, nav, screenshot

pytestmark = pytest.mark.browser

DEMO_MANAGER = "marco.rossi@greenfield.example"


@dataclass(frozen=True)
class QueueRow:
    row_id: str
    person: str
    skill: str
    self_level: int
    validated: int | None


# One round trip for the whole table instead of a locator call per cell.
READ_QUEUE = """
() => Array.from(document.querySelectorAll("main table tbody tr")).map((tr) => {
  const chip = (td) => { const s = td.querySelector("span.lvl"); return s ? s.textContent.trim() : null; };
  const cells = tr.querySelectorAll("td");
  return {row_id: tr.id, person: tr.querySelector("th a").textContent.trim(),
          skill: cells[0].textContent.trim(), self_level: chip(cells[1]), validated: chip(cells[2])};
})
"""


def read_queue(page: Page) -> list[QueueRow]:
    rows = page.evaluate(READ_QUEUE)
    return [
        QueueRow(
            row_id=r["row_id"],
            person=r["person"],
            skill=r["skill"],
            self_level=int(r["self_level"]),
            validated=int(r["validated"]) if r["validated"] is not None else None,
        )
        for r in rows
    ]


def matrix_cell(page: Page, person: str, skill: str) -> Locator:
    """The td of ``person`` × ``skill``: cells follow the th.skill headers in order."""
    skills = page.locator("table.matrix thead th.skill").all_inner_texts()
    assert skill in skills, f"{skill!r} is not a column of the matrix: {skills}"
    row = page.locator("table.matrix tbody tr").filter(
        has=page.locator("th.person").get_by_role("link", name=person, exact=True)
    )
    expect(row).to_have_count(1)
    return row.locator("td").nth(skills.index(skill))


def cell_level(cell: Locator) -> int:
    return int(cell.locator("span.lvl").first.inner_text())


def test_manager_accepts_a_self_rating_and_the_matrix_cell_changes(
    page: Page, live_server: Any, login: Login, demo: DemoSummary, watch: BrowserWatch
) -> None:
    assert any(x.email == DEMO_MANAGER for x in demo.logins)
    login("Manager")

    nav(page, "Validation").click()
    expect(page).to_have_url(re.compile(r"/people/validation/$"))
    expect(page.get_by_role("heading", name="Validation queue")).to_be_visible()
    queue = read_queue(page)
    # A self-rating above the last validated level, so accepting visibly changes the cell.
    changing = [r for r in queue if r.validated is not None and r.validated != r.self_level]
    assert changing, f"no pending self-rating differs from its validated level: {queue}"
    pick = changing[0]

    nav(page, "Team matrix").click()
    expect(page).to_have_url(re.compile(r"/people/matrix/"))
    cell = matrix_cell(page, pick.person, pick.skill)
    expect(cell).to_have_class(re.compile(r"\bpend\b"))
    expect(cell).to_contain_text("validation pending")
    # While pending, the matrix shows the validated level, not the self-rating.
    assert cell_level(cell) == pick.validated

    page.go_back()
    expect(page).to_have_url(re.compile(r"/people/validation/$"))
    page.evaluate("window.__samePage = true")  # survives an htmx swap, not a reload
    row = page.locator(f"tr#{pick.row_id}")
    row.get_by_role(
        "button",
        name=f"Accept level {pick.self_level} in {pick.skill} for {pick.person}",
        exact=True,
    ).click()
    expect(row).to_contain_text(f"Validated at level {pick.self_level}.")
    expect(row).to_have_class(re.compile(r"\brow-ok\b"))
    assert page.evaluate("window.__samePage === true"), "Accept reloaded the page instead of htmx"
    screenshot(page, "validation-queue-after-accept")

    nav(page, "Team matrix").click()
    expect(page).to_have_url(re.compile(r"/people/matrix/"))
    cell = matrix_cell(page, pick.person, pick.skill)
    expect(cell).not_to_have_class(re.compile(r"\bpend\b"))
    expect(cell).not_to_contain_text("validation pending")
    expect(cell.locator("span.lvl").first).to_have_text(str(pick.self_level))
    assert cell_level(cell) != pick.validated
    cell.scroll_into_view_if_needed()  # the matrix scrolls sideways; show the changed cell
    screenshot(page, "team-matrix-after-accept")

    # The queue no longer offers the accepted rating.
    page.goto(f"{live_server.url}/people/validation/")
    assert pick.row_id not in {r.row_id for r in read_queue(page)}
    assert watch.problems(page) == []
