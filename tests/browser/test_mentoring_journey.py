"""Issue 5's browser journey: the demo admin creates a mentoring programme (a skill added with
the picker), opens it for sign-up, runs the matcher, reads a pair's reasons and weakest point,
and publishes; the demo employee then finds the match on My mentoring and accepts it.

People join through the sign-up service once the programme is open (the test's data setup,
as HR could sign them up): two mentors with room for one mentee each, outside the employee's
reporting line, and two mentees, the employee among them. Everyone speaks English.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Page, expect

from seedbed.accounts.models import User
from seedbed.demo.services import DemoSummary
from seedbed.mentoring.models import Answer, Pair, PairState, Programme
from seedbed.mentoring.services import programmes as services
from seedbed.people.models import Person
from seedbed.skills.models import Skill
from tests.browser.conftest import BrowserWatch, Login, nav, screenshot

pytestmark = pytest.mark.browser

EMPLOYEE = "Emma Lindqvist"
PROGRAMME = "Engineering mentoring 2027"
MENTORS = ("Aisha Bello", "Kenji Watanabe")
MENTEES = (EMPLOYEE, "Jonas Weber")


def _email(demo: DemoSummary, label: str) -> str:
    return next(x.email for x in demo.logins if x.label == label)


def sign_out(page: Page) -> None:
    page.get_by_role("button", name="Sign out").click()
    expect(page.get_by_role("button", name="Sign out")).to_have_count(0)


def sign_up_people(demo: DemoSummary) -> None:
    """The participants, signed up by HR through the sign-up service."""
    admin = User.objects.get(email__iexact=_email(demo, "Admin"))
    programme = Programme.objects.get(name=PROGRAMME)
    employee = Person.objects.get(email__iexact=_email(demo, "Employee"))
    assert employee.full_name == EMPLOYEE, "the demo changed"
    k8s = list(Skill.objects.filter(name__in=["Kubernetes", "Code review"]))
    for name in MENTORS:
        person = Person.objects.get(full_name=name)
        # The premise: neither mentor is above or below the employee in a reporting line.
        assert person.pk != employee.manager_id and person.manager_id != employee.pk
        services.join_programme(
            actor=admin,
            programme=programme,
            person=person,
            data=services.ParticipationInput(
                role="mentor", capacity=1, languages="en", offers_skills=k8s
            ),
        )
    for name in MENTEES:
        services.join_programme(
            actor=admin,
            programme=programme,
            person=Person.objects.get(full_name=name),
            data=services.ParticipationInput(
                role="mentee", languages="en", goals="Run services on Kubernetes", wants_skills=k8s
            ),
        )


def test_admin_matches_a_programme_and_the_mentee_accepts(
    page: Page, login: Login, demo: DemoSummary, watch: BrowserWatch
) -> None:
    login("Admin")
    nav(page, "Programmes").click()
    expect(page.get_by_role("heading", name="Mentoring programmes", exact=True)).to_be_visible()
    page.locator("main").get_by_role("link", name="New programme").click()

    page.get_by_label("Name").fill(PROGRAMME)
    page.get_by_label("Purpose").select_option(label="A skill area")
    page.get_by_label("Starts on").fill("2027-01-11")
    page.get_by_label("Ends on").fill("2027-06-30")
    page.get_by_label("Find a skill to add to “Skills in scope”").fill("k8s")
    page.get_by_role("button", name="Add Kubernetes").click()
    expect(page.get_by_role("textbox", name="Skills in scope")).to_have_value("Kubernetes")
    # The weights are on the page, each with what it measures.
    expect(page.get_by_label("Skill complementarity")).to_have_value("0.45")
    page.get_by_role("button", name="Save").click()

    expect(page.get_by_role("heading", level=1)).to_contain_text(PROGRAMME)
    expect(page.locator(".messages")).to_contain_text("Programme saved.")
    page.get_by_role("button", name="Open for sign-up").click()
    expect(page.locator(".messages")).to_contain_text("The programme is now open for sign-up.")

    sign_up_people(demo)
    page.locator("main").get_by_role("link", name="Matching").click()
    expect(page.get_by_text("Not matched yet.")).to_be_visible()
    page.get_by_label("Objective").select_option("quality")
    page.get_by_role("button", name="Run matching").click()
    expect(page.locator("#run-status")).to_contain_text("2 pairs proposed")

    # Read a pair's reasons: the mentee's row has up to three reasons and a weakest point.
    proposal = page.locator("#proposal table").first
    row = proposal.locator("tbody tr").filter(has_text=EMPLOYEE)
    expect(row).to_have_count(1)
    mentor = row.get_by_role("rowheader").inner_text().split("\n")[0].strip()
    assert mentor in MENTORS
    reasons = row.locator("ul.reasons li")
    assert 1 <= reasons.count() <= 3
    expect(reasons.first).not_to_be_empty()
    expect(row.locator(".weakest")).not_to_be_empty()
    expect(row).to_contain_text("Shares English")
    screenshot(page, "mentoring-proposal")

    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Publish the proposal").click()
    expect(page.locator("#run-status")).to_contain_text("Published 2 pairs")
    waiting = page.locator("#proposal table").filter(
        has=page.locator("caption", has_text="Published pairs")
    )
    expect(waiting.locator("tbody tr")).to_have_count(2)
    sign_out(page)

    login("Employee")
    nav(page, "My mentoring").click()
    expect(page).to_have_url(re.compile(r"/mentoring/$"))
    # The demo's own spring cohort may wait for her answer too: this programme's box.
    box = page.locator(".answer-box").filter(has_text=PROGRAMME)
    expect(box).to_contain_text(f"Do you want {mentor} as your mentor?")
    box_id = box.get_attribute("id")
    box.get_by_role("button", name="Accept").click()
    expect(page.locator(f"#{box_id}")).to_contain_text(f"Waiting for {mentor} to answer.")
    screenshot(page, "mentoring-mentee-accepted")

    pair = Pair.objects.get(programme__name=PROGRAMME, mentee__full_name=EMPLOYEE)
    assert pair.mentor.full_name == mentor
    assert (pair.state, pair.mentee_answer, pair.mentor_answer) == (
        PairState.PUBLISHED,
        Answer.ACCEPTED,
        Answer.PENDING,
    )
    assert watch.problems(page) == []
