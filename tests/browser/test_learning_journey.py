"""Issue 4's browser journey: the demo employee opens her gaps, plans her learning, accepts the
proposed plan (which enrols her), completes an item, and her manager confirms the level it
brings from the validation queue; her current level in that skill then changes.

The demo catalogue has no item that closes the demo employee's current-role gaps (Code review
1 of 3, Django 2 of 3, JavaScript 2 of 3: the only Django item brings level 2), so the data
setup adds two items through the catalogue service before the browser starts: a free one for
Code review that needs no approval, and a paid one for Django that does.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest
from playwright.sync_api import Locator, Page, expect

from seedbed.accounts.models import User
from seedbed.demo.services import DemoSummary
from seedbed.learning.models import Enrolment, EnrolmentStatus, LearningItem
from seedbed.learning.services.catalogue import save_item
from seedbed.people.models import Person
from seedbed.skills.models import PersonSkill, Skill
from tests.browser.conftest import BrowserWatch, Login, nav, screenshot

pytestmark = pytest.mark.browser

EMPLOYEE = "Emma Lindqvist"
SKILL, BEFORE, AFTER = "Code review", 1, 3
FREE_ITEM = "Code review in practice"
APPROVAL_ITEM = "Django beyond the tutorial"


@dataclass(frozen=True)
class Setup:
    employee: Person
    skill: Skill


def _email(demo: DemoSummary, label: str) -> str:
    return next(x.email for x in demo.logins if x.label == label)


@pytest.fixture
def setup(demo: DemoSummary) -> Setup:
    employee = Person.objects.get(email__iexact=_email(demo, "Employee"))
    assert employee.full_name == EMPLOYEE
    skill = Skill.objects.get(name=SKILL)
    ps = PersonSkill.objects.get(person=employee, skill=skill)
    assert (ps.level, ps.pending_validation) == (BEFORE, False), "the demo changed"
    assert employee.role is not None
    assert employee.role.requirements.get(skill=skill).required_level == AFTER
    # The premise of the setup: nothing in the demo catalogue brings her there yet.
    assert not LearningItem.objects.filter(skills__skill=skill, skills__level__gte=AFTER).exists()
    admin = User.objects.get(email__iexact=_email(demo, "Admin"))
    common = {"provider": "Greenfield Engineering", "language": "en", "description": ""}
    save_item(
        actor=admin,
        data={
            **common,
            "code": "CR-PRACTICE",
            "title": FREE_ITEM,
            "kind": "elearning",
            "format": "self_paced",
            "duration_hours": "3",
            "cost": "0",
            "requires_approval": False,
        },
        skills=[(skill, AFTER)],
    )
    save_item(
        actor=admin,
        data={
            **common,
            "code": "DJANGO-ADV",
            "title": APPROVAL_ITEM,
            "kind": "external",
            "format": "online",
            "duration_hours": "16",
            "cost": "600",
            "requires_approval": True,
        },
        skills=[(Skill.objects.get(name="Django"), 3)],
    )
    return Setup(employee, skill)


def sign_out(page: Page) -> None:
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("button", name="Sign out")).to_have_count(0)


def gap_row(page: Page, skill: str) -> Locator:
    """The row of ``skill`` in the current role's requirements on a gaps page."""
    row = page.locator("section#current tbody tr").filter(
        has=page.get_by_role("rowheader", name=skill, exact=True)
    )
    expect(row).to_have_count(1)
    return row


def level_in(cell: Locator) -> int:
    return int(cell.locator("span.lvl").first.inner_text())


def open_my_gaps(page: Page) -> None:
    nav(page, "My gaps").click()
    expect(page.get_by_role("heading", name=f"Gaps of {EMPLOYEE}", exact=True)).to_be_visible()


def test_employee_plans_learning_completes_an_item_and_the_manager_confirms_the_level(
    page: Page, login: Login, setup: Setup, watch: BrowserWatch
) -> None:
    login("Employee")
    open_my_gaps(page)
    row = gap_row(page, SKILL)
    assert (level_in(row.locator("td").nth(0)), level_in(row.locator("td").nth(1))) == (
        AFTER,
        BEFORE,
    )
    expect(row.locator("td").nth(2)).to_have_text(f"−{AFTER - BEFORE}")
    met_before = page.locator("section#current p.stat").nth(2)  # requirements met
    met, total = (int(x) for x in met_before.inner_text().split(" / "))

    # Plan my learning: towards her current role, least total time (the defaults).
    page.locator("main").get_by_role("link", name="Plan my learning").click()
    expect(page).to_have_url(re.compile(rf"/learning/plan/{setup.employee.pk}/$"))
    expect(page.get_by_role("heading", name="Plan my learning", exact=True)).to_be_visible()
    expect(page.get_by_label(re.compile(r"My current role: "))).to_be_checked()
    page.get_by_role("button", name="Propose a plan").click()

    expect(page).to_have_url(re.compile(r"/learning/plans/\d+/$"))
    expect(page.get_by_role("heading", name="Proposed learning plan")).to_be_visible()
    chosen = page.locator("table").filter(
        has=page.locator("caption", has_text="The chosen items in the order to take them")
    )
    items = chosen.locator("tbody tr")
    expect(items).to_have_count(2)
    free = items.filter(has=page.get_by_role("link", name=FREE_ITEM, exact=True))
    paid = items.filter(has=page.get_by_role("link", name=APPROVAL_ITEM, exact=True))
    expect(free).to_contain_text(f"covers {SKILL} {BEFORE}→{AFTER}")
    expect(paid).to_contain_text("covers Django 2→3")
    # JavaScript has no item: listed as a gap the plan leaves open.
    uncovered = page.locator("section[aria-labelledby=uncovered-h]")
    expect(uncovered.get_by_role("rowheader", name="JavaScript", exact=True)).to_be_visible()

    page.get_by_role("button", name="Accept this plan").click()
    expect(page.get_by_role("heading", name="Learning plan", exact=True)).to_be_visible()
    expect(page.locator(".messages .msg-success")).to_contain_text("Plan accepted")
    # Accepting enrolled her: the free item at once, the paid one waits for her manager.
    expect(free.locator("td").last).to_have_text("Enrolled")
    expect(paid.locator("td").last).to_have_text("Waiting for approval")

    free.get_by_role("link", name="Enrolled").click()
    expect(page).to_have_url(re.compile(r"/learning/enrolments/\d+/$"))
    expect(page.get_by_role("heading", level=1)).to_contain_text(FREE_ITEM)
    complete = page.locator("form[aria-labelledby=complete-h]")
    complete.locator("#id_usefulness").get_by_label("4", exact=True).check()
    complete.get_by_role("button", name="Complete").click()
    expect(page.locator(".messages .msg-success")).to_have_text(
        f"Completed “{FREE_ITEM}”. The levels it brings now wait for the manager's confirmation."
    )
    expect(page.locator("dl.facts dt:text-is('Status') + dd")).to_contain_text("Completed")

    # Until the manager confirms, her current level stays the validated one.
    open_my_gaps(page)
    assert level_in(gap_row(page, SKILL).locator("td").nth(1)) == BEFORE
    sign_out(page)

    login("Manager")
    nav(page, "Validation").click()
    expect(page).to_have_url(re.compile(r"/people/validation/$"))
    accept = page.get_by_role(
        "button", name=f"Accept level {AFTER} in {SKILL} for {EMPLOYEE}", exact=True
    )
    claim = page.locator("main tbody tr").filter(has=accept)
    expect(claim).to_have_count(1)
    expect(claim.locator("td").nth(1)).to_contain_text("completed learning")
    expect(claim.locator("td").nth(1)).to_contain_text(f"Completed “{FREE_ITEM}”.")
    assert level_in(claim.locator("td").nth(1)) == AFTER
    assert level_in(claim.locator("td").nth(2)) == BEFORE  # last validated
    row_id = claim.get_attribute("id")
    assert row_id and row_id.startswith("ps-")
    accept.click()
    done = page.locator(f"tr#{row_id}")  # htmx swaps the row in place
    expect(done).to_contain_text(f"Validated at level {AFTER}.")
    screenshot(page, "validation-queue-after-learning")
    sign_out(page)

    login("Employee")
    open_my_gaps(page)
    row = gap_row(page, SKILL)
    assert level_in(row.locator("td").nth(1)) == AFTER
    expect(row.locator("td").nth(2)).to_have_text("met")
    expect(met_before).to_have_text(f"{met + 1} / {total}")
    screenshot(page, "my-gaps-after-learning")

    ps = PersonSkill.objects.get(person=setup.employee, skill=setup.skill)
    assert (ps.level, ps.source, ps.pending_validation) == (AFTER, "manager", False)
    enrolments = {
        e.item.title: (e.status, e.usefulness)
        for e in Enrolment.objects.filter(person=setup.employee, plan__isnull=False).select_related(
            "item"
        )
    }
    assert enrolments == {
        FREE_ITEM: (EnrolmentStatus.COMPLETED, 4),
        APPROVAL_ITEM: (EnrolmentStatus.REQUESTED, None),
    }
    assert watch.problems(page) == []
