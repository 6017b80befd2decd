"""List pages on a phone (375 px): a table wider than the screen scrolls inside its own box,
a named region a keyboard can focus and scroll, and the page itself never scrolls sideways —
without JavaScript too (then the table itself is the scroller, app.css)."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import Page, ViewportSize, expect

from tests.browser.conftest import BrowserWatch, Login, screenshot

pytestmark = pytest.mark.browser

PHONE: ViewportSize = {"width": 375, "height": 812}
NO_SIDEWAYS_SCROLL = "document.documentElement.scrollWidth <= innerWidth"


def test_the_people_list_fits_a_phone_and_its_table_scrolls_in_its_own_region(
    page: Page, login: Login, watch: BrowserWatch, live_server: Any
) -> None:
    login("Admin")
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}/people/")
    assert page.evaluate(NO_SIDEWAYS_SCROLL), page.evaluate(
        "[document.documentElement.scrollWidth, innerWidth]"
    )
    region = page.get_by_role("region", name="People")
    expect(region).to_have_attribute("tabindex", "0")
    expect(region.get_by_role("columnheader", name="Location")).to_be_attached()
    assert region.evaluate("r => r.scrollWidth > r.clientWidth")  # the table is the wide part
    # A keyboard scrolls it: Tab reaches the region, the arrow keys move it sideways.
    region.focus()
    expect(region).to_be_focused()
    page.keyboard.press("ArrowRight")
    page.keyboard.press("ArrowRight")
    page.wait_for_function("r => r.scrollLeft > 0", arg=region.element_handle())
    assert page.evaluate(NO_SIDEWAYS_SCROLL)
    screenshot(page, "people-375")
    # Desktop is unchanged: the table fills the column and nothing scrolls.
    page.set_viewport_size({"width": 1280, "height": 800})
    assert region.evaluate("r => r.scrollWidth <= r.clientWidth")
    assert page.evaluate(NO_SIDEWAYS_SCROLL)
    assert watch.problems(page) == []


@pytest.mark.parametrize(
    "path", ["/people/validation/", "/skills/mine/", "/accounts/audit/", "/skills/"]
)
def test_other_list_tables_scroll_in_their_own_box_on_a_phone(
    page: Page, login: Login, watch: BrowserWatch, live_server: Any, path: str
) -> None:
    login("Admin")
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}{path}")
    assert page.evaluate(NO_SIDEWAYS_SCROLL), (
        path,
        page.evaluate("[document.documentElement.scrollWidth, innerWidth]"),
    )
    # app.js wrapped each wide table; one that overflows is a named, focusable region.
    wide = page.locator(".table-scroll[tabindex='0'][role='region']")
    assert wide.count() >= 1, path
    assert wide.first.get_attribute("aria-label")
    assert watch.problems(page) == []


@pytest.mark.browser_context_args(java_script_enabled=False)
@pytest.mark.parametrize(
    "path",
    ["/people/validation/", "/skills/", "/accounts/audit/", "/gaps/", "/development/", "/people/"],
)
def test_without_javascript_wide_tables_still_scroll_in_place_on_a_phone(
    page: Page, login: Login, watch: BrowserWatch, live_server: Any, path: str
) -> None:
    login("Admin")
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}{path}")
    assert page.evaluate("document.querySelectorAll('[data-table-scroll]').length") == 0  # no JS
    assert page.evaluate(NO_SIDEWAYS_SCROLL), (
        path,
        page.evaluate("[document.documentElement.scrollWidth, innerWidth]"),
    )
    # Some table on the page is wider than the screen and scrolls inside its own box (the
    # table itself, or the box its template gives it), not the page.
    assert page.evaluate(
        """() => [...document.querySelectorAll("main table")].some((t) => {
            const box = t.closest(".table-scroll") || t;
            return box.scrollWidth > box.clientWidth && getComputedStyle(box).overflowX === "auto";
        })"""
    ), path
    screenshot(page, f"nojs-375{path.rstrip('/').replace('/', '-')}")
    assert watch.problems(page) == []
