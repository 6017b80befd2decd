"""The header bar in a real browser: one line at desktop widths, with a search box never
narrower than 12rem; when the menus and the search box do not both fit (German labels are
longer, and at 1280 px English too) the last menus move into a "More" menu rather than the
search box shrinking further or the whole bar folding; on a phone the navigation folds behind
a Menu button that works by keyboard (a disclosure: aria-expanded, aria-controls, Escape
returns to it) and the search box keeps most of its row."""

from __future__ import annotations

import re
from typing import Any

import pytest
from playwright.sync_api import Page, expect

from seedbed.accounts.models import User
from seedbed.demo.services import DemoSummary
from tests.browser.conftest import BrowserWatch, Login, screenshot

pytestmark = pytest.mark.browser

ONE_LINE = 60  # px: the bar's height with one row of links and buttons
SEARCH_MIN = 192  # px: the header search box's least width at desktop widths (12rem, app.css)
SEARCH_MIN_PHONE = 160  # px: on a phone the box shares its row with the account links


def _bar(page: Page) -> dict[str, float]:
    return page.locator("header.topbar").evaluate(
        "h => ({height: h.getBoundingClientRect().height, overflow: h.scrollWidth - h.clientWidth,"
        " rows: new Set([...h.querySelectorAll('nav > ul > li')].filter(li => !li.hidden)"
        ".map(li => Math.round(li.getBoundingClientRect().top))).size,"
        " search: h.querySelector('input[type=search]').getBoundingClientRect().width})"
    )


def _settled(page: Page) -> None:
    """The bar fits itself again once fonts are ready and on the frame after a resize (moving
    menus into "More"): wait for that before measuring or using its menus."""
    page.evaluate(
        "document.fonts.ready.then(() => new Promise((done) =>"
        " requestAnimationFrame(() => requestAnimationFrame(done))))"
    )


def test_the_admin_header_stays_on_one_line_with_a_usable_search_box_from_1024_px(
    page: Page, login: Login, watch: BrowserWatch
) -> None:
    login("Admin")
    main_nav = page.get_by_role("navigation", name="Main")
    more = page.locator("[data-nav-more]")
    for width in (1024, 1280, 1366, 1440, 1920):
        page.set_viewport_size({"width": width, "height": 800})
        page.reload()
        _settled(page)
        bar = _bar(page)
        assert bar["height"] <= ONE_LINE and bar["overflow"] <= 0 and bar["rows"] == 1, (width, bar)
        assert bar["search"] >= SEARCH_MIN, (width, bar)
        expect(main_nav.get_by_role("link", name="My skills", exact=True)).to_be_visible()
        expect(page.get_by_role("button", name="Menu")).to_be_hidden()
        expect(page.get_by_role("button", name="Sign out")).to_be_visible()
        # Every link of the navigation is on the bar or in one of its menus (none lost).
        assert main_nav.locator("a").count() == page.locator("#site-nav a").count()
        screenshot(page, f"header-en-{width}")
        if width >= 1366:
            expect(more).to_be_hidden()  # every menu on the bar itself
    # At 1024 and 1280 px the search box keeps its 12rem and the last menus wait in "More".
    page.set_viewport_size({"width": 1280, "height": 800})
    page.reload()
    _settled(page)
    expect(more).to_be_visible()
    expect(more.locator("details details > summary", has_text="Admin")).to_have_count(1)
    assert watch.problems(page) == []


def test_on_a_phone_the_navigation_folds_behind_a_menu_button(
    page: Page, login: Login, watch: BrowserWatch
) -> None:
    login("Admin")
    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    toggle = page.get_by_role("button", name="Menu")
    main_nav = page.locator("#site-nav")
    assert _bar(page)["search"] >= SEARCH_MIN_PHONE
    expect(toggle).to_have_attribute("aria-controls", "site-nav")
    expect(toggle).to_have_attribute("aria-expanded", "false")
    expect(main_nav).to_be_hidden()
    # Keyboard: the button comes right after the brand; Enter opens, Tab enters the links.
    page.locator("a.brand").focus()
    page.keyboard.press("Tab")
    expect(toggle).to_be_focused()
    page.keyboard.press("Enter")
    expect(toggle).to_have_attribute("aria-expanded", "true")
    expect(main_nav).to_be_visible()
    page.keyboard.press("Tab")
    expect(main_nav.get_by_role("link", name="Home", exact=True)).to_be_focused()
    screenshot(page, "header-390-open")
    # Escape closes it and gives the focus back to the button.
    page.keyboard.press("Escape")
    expect(toggle).to_have_attribute("aria-expanded", "false")
    expect(toggle).to_be_focused()
    expect(main_nav).to_be_hidden()
    # Wide again: the navigation unfolds and the button goes away.
    page.set_viewport_size({"width": 1366, "height": 800})
    expect(main_nav).to_be_visible()
    expect(toggle).to_be_hidden()
    assert watch.problems(page) == []


def test_in_german_the_header_fits_desktop_widths_with_a_more_menu(
    page: Page, login: Login, watch: BrowserWatch, demo: DemoSummary, live_server: Any
) -> None:
    login("Admin")
    admin = next(x.email for x in demo.logins if x.label == "Admin")
    User.objects.filter(email=admin).update(language="de")  # pages from now on are German
    bar = page.get_by_role("navigation", name="Hauptnavigation")
    more = page.locator("[data-nav-more]")
    for width in (1024, 1280, 1366, 1440, 1600, 1920):
        page.set_viewport_size({"width": width, "height": 800})
        page.reload()
        _settled(page)
        found = _bar(page)
        assert found["height"] <= ONE_LINE and found["overflow"] <= 0 and found["rows"] == 1, (
            width,
            found,
        )
        # The search box keeps room for a few words; menus went into "Mehr" instead.
        assert found["search"] >= SEARCH_MIN, (width, found)
        assert page.evaluate("document.documentElement.scrollWidth <= innerWidth"), width
        expect(page.locator("[data-nav-toggle]")).to_be_hidden()  # no phone menu ("Menü")
        for label in ("Start", "Meine Kompetenzen", "Lernen", "Posteingang"):
            expect(bar.get_by_role("link", name=label)).to_be_visible()
        expect(page.get_by_role("button", name="Abmelden")).to_be_visible()
        # Every link of the navigation is on the bar or in one of its menus (none lost).
        assert bar.locator("a").count() == page.locator("#site-nav a").count()
        screenshot(page, f"header-de-{width}")
    # At 1920 px every menu fits on the bar; at 1280 px the last ones wait behind "Mehr".
    expect(more).to_be_hidden()
    # On a phone the navigation folds behind "Menü" and the search box keeps most of its row.
    page.set_viewport_size({"width": 375, "height": 812})
    page.reload()
    _settled(page)
    expect(page.get_by_role("button", name="Menü")).to_be_visible()
    expect(bar).to_be_hidden()
    assert _bar(page)["search"] >= SEARCH_MIN_PHONE
    assert page.evaluate("document.documentElement.scrollWidth <= innerWidth")
    screenshot(page, "header-de-375")
    page.set_viewport_size({"width": 1280, "height": 800})
    page.reload()
    _settled(page)
    expect(more).to_be_visible()
    more_summary = more.locator(":scope > details > summary")
    expect(more_summary).to_have_text("Mehr")
    expect(more.locator("details details > summary", has_text="Admin")).to_have_count(1)
    # By keyboard: open "Mehr", then the Admin menu inside it; Escape closes the inner menu
    # first and returns to its summary, a second Escape closes "Mehr".
    admin_summary = more.locator("summary", has_text="Admin")
    more_summary.focus()
    page.keyboard.press("Enter")
    expect(admin_summary).to_be_visible()
    admin_summary.focus()
    page.keyboard.press("Enter")
    audit = bar.get_by_role("link", name="Änderungsprotokoll")
    expect(audit).to_be_visible()
    audit.focus()
    expect(audit).to_be_focused()
    page.keyboard.press("Escape")
    expect(audit).to_be_hidden()
    expect(admin_summary).to_be_focused()
    page.keyboard.press("Escape")
    expect(admin_summary).to_be_hidden()
    expect(more_summary).to_be_focused()
    # The picture last: a full-page screenshot resizes the page (and may drop the scrollbar,
    # a change of width that fits the bar again and closes its menus).
    page.keyboard.press("Enter")
    admin_summary.click()
    expect(audit).to_be_visible()
    screenshot(page, "header-de-1280-more-open")
    # The folded links still lead somewhere: the people list sits in "Organisation" in "Mehr",
    # and while it is open "Mehr" is marked as holding the current page.
    page.goto(f"{live_server.url}/people/")
    expect(more_summary).to_have_class(re.compile(r"\bcurrent\b"))
    # "toggle" arrives as a task of its own: the event of "Mehr" opening, late, must not close
    # a menu already opened inside it.
    assert page.evaluate(
        """() => {
            const outer = document.querySelector("[data-nav-more] > details");
            const inner = outer.querySelector("details");
            outer.open = true;
            inner.open = true;
            outer.dispatchEvent(new Event("toggle"));
            return inner.open;
        }"""
    )
    assert watch.problems(page) == []
