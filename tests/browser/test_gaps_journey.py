"""Issue 3's browser journey: the demo admin opens the organisation dashboard, follows a
knowledge-at-risk skill to its single holder, and launches a skill survey for that person's
team, then sees the survey's progress page listing the team."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import Locator, Page, expect

from seedbed.people.models import Person
from seedbed.surveys.models import Campaign, Scope
from tests.browser.conftest import BrowserWatch, Login, nav, screenshot

pytestmark = pytest.mark.browser

SURVEY = "Skills check after the knowledge-at-risk review"


def fact(page: Page, term: str) -> Locator:
    """The value (dd) of a ``dl.facts`` entry."""
    return page.locator(f"dl.facts dt:text-is('{term}') + dd")


def test_admin_follows_a_risk_to_its_holder_and_surveys_their_team(
    page: Page, login: Login, watch: BrowserWatch
) -> None:
    login("Admin")
    nav(page, "Gap analysis").click()
    expect(page).to_have_url(re.compile(r"/gaps/$"))
    card = page.locator("section#risks")
    expect(card.get_by_role("heading", name=re.compile(r"^Knowledge at risk"))).to_be_visible()
    expect(card.locator("tbody tr").first).to_be_visible()
    # The card shows the ten worst (skills nobody holds come first); the full list behind its
    # link has every at-risk skill, including those with a single holder.
    card.get_by_role("link", name=re.compile(r"^See the full list \(\d+ skills\)")).click()
    expect(page).to_have_url(re.compile(r"/gaps/risks/$"))
    expect(page.get_by_role("heading", name="Knowledge at risk", exact=True)).to_be_visible()

    held = page.locator("section#risks tbody tr").filter(has=page.locator("td a[href^='/people/']"))
    expect(held.first).to_be_visible()
    row = held.first
    skill = row.locator("th").inner_text().strip()
    holder_link = row.locator("td a[href^='/people/']")
    holder = holder_link.inner_text().strip()
    holder_link.click()

    # The holder's page: the only person at proficient (4) or above in that skill.
    expect(page).to_have_url(re.compile(r"/people/\d+/$"))
    expect(page.get_by_role("heading", name=holder, exact=True)).to_be_visible()
    skill_row = page.locator("main table tbody tr").filter(
        has=page.get_by_role("link", name=skill, exact=True)
    )
    expect(skill_row).to_have_count(1)
    current = int(skill_row.locator("td").nth(1).locator("span.lvl").first.inner_text())
    assert current >= 4, f"{holder} holds {skill} at {current}, below proficient"
    # For an admin the fact reads "Operations · Survey this team": the team is the first part.
    team = fact(page, "Team").inner_text().split("·")[0].strip()
    assert team and team != "—", f"{holder} has no team on their page"

    nav(page, "Surveys").click()
    expect(page).to_have_url(re.compile(r"/surveys/$"))
    page.get_by_role("link", name="Launch a survey").click()
    expect(page).to_have_url(re.compile(r"/surveys/new/$"))
    expect(page.get_by_role("heading", name="Launch a skill survey")).to_be_visible()
    page.get_by_label("Name").fill(SURVEY)
    page.get_by_label("A team and its sub-teams").check()
    page.get_by_label("Team (with its sub-teams)").select_option(label=team)
    expect(page.get_by_label("Deadline")).not_to_have_value("")  # two weeks ahead by default
    page.get_by_role("button", name="Launch").click()

    # The progress page of the new campaign.
    expect(page).to_have_url(re.compile(r"/surveys/\d+/$"))
    launched = page.locator("main .messages .msg-success")
    expect(launched).to_contain_text(re.compile(r"Survey launched: \d+ (people have|person has)"))
    count = re.search(r"launched: (\d+)", launched.inner_text())
    assert count is not None
    asked = int(count.group(1))
    expect(page.get_by_role("heading", level=1)).to_contain_text(SURVEY)
    expect(fact(page, "Who is asked")).to_have_text(f"{team} and its sub-teams")
    teams = page.locator("table[aria-labelledby=teams-h] tbody tr")
    team_row = teams.filter(has=page.get_by_role("rowheader", name=team, exact=True))
    expect(team_row).to_have_count(1)
    # Nobody has answered yet: the team's row counts everyone asked, none done.
    done = page.evaluate(
        """() => Array.from(document.querySelectorAll("table[aria-labelledby=teams-h] tbody tr"),
             (tr) => tr.querySelector("td").textContent.trim())"""
    )
    assert all(d.startswith("0 / ") for d in done), done
    assert sum(int(d.split("/")[1]) for d in done) == asked
    expect(page.locator("table[aria-labelledby=behind-h]")).to_contain_text(holder)
    screenshot(page, "survey-progress-after-launch")

    # Stored as a team survey of that team, with a task for the holder.
    campaign = Campaign.objects.select_related("team").get(name=SURVEY)
    assert campaign.scope == Scope.TEAM and campaign.team is not None
    assert campaign.team.name == team
    assert campaign.tasks.filter(person=Person.objects.get(full_name=holder)).exists()
    assert campaign.tasks.count() == asked
    assert watch.problems(page) == []
