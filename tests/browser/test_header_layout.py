"""The header bar in a real browser: one line at desktop widths with every menu of an admin;
on a phone the navigation folds behind a Menu button that works by keyboard (a disclosure:
aria-expanded, aria-controls, Escape returns to it)."""

from __future__ import annotations

import pytest
from playwright.sync_api import Page, expect

from tests.browser.conftest import BrowserWatch, Login, screenshot

pytestmark = pytest.mark.browser

ONE_LINE = 60  # px: the bar's height with one row of links and buttons


def _bar(page: Page) -> dict[str, float]:
    return page.locator("header.topbar").evaluate(
        "h => ({height: h.getBoundingClientRect().height, overflow: h.scrollWidth - h.clientWidth,"
        " rows: new Set([...h.querySelectorAll('nav > ul > li')]"
        ".map(li => Math.round(li.getBoundingClientRect().top))).size})"
    )


def test_the_admin_header_stays_on_one_line_from_1280_px(
    page: Page, login: Login, watch: BrowserWatch
) -> None:
    login("Admin")
    main_nav = page.get_by_role("navigation", name="Main")
    for width in (1280, 1366, 1440, 1920):
        page.set_viewport_size({"width": width, "height": 800})
        page.reload()
        bar = _bar(page)
        assert bar["height"] <= ONE_LINE and bar["overflow"] <= 0 and bar["rows"] == 1, (width, bar)
        expect(main_nav.get_by_role("link", name="My skills", exact=True)).to_be_visible()
        expect(page.get_by_role("button", name="Menu")).to_be_hidden()
        expect(page.get_by_role("button", name="Sign out")).to_be_visible()
    screenshot(page, "header-1920")
    assert watch.problems(page) == []


def test_on_a_phone_the_navigation_folds_behind_a_menu_button(
    page: Page, login: Login, watch: BrowserWatch
) -> None:
    login("Admin")
    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    toggle = page.get_by_role("button", name="Menu")
    main_nav = page.locator("#site-nav")
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
