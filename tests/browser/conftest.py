"""Real-browser fixtures: Debian's Chromium driven by Playwright against pytest-django's
live server, with the demo company built through its real builder.

Chromium comes from Debian (/usr/bin/chromium); Playwright's own browser download is never used.
Static files need no collectstatic: pytest-django's live server serves /static/ from the app
folders through Django's StaticFilesHandler. Each test gets a fresh demo (``transactional_db`` flushes the database after every test), and a
``BrowserWatch`` that records console errors, uncaught page errors, Content-Security-Policy
violations and failed requests, so a journey can assert the page ran cleanly.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

# Playwright's sync API runs an event loop in the test thread, and Django refuses ORM calls from
# a thread with a running loop unless this is set. It must be in place before the first query.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

import pytest
from playwright.sync_api import ConsoleMessage, Locator, Page, Request, Response, expect

from seedbed.demo.services import DemoSummary, build_demo

CHROMIUM = "/usr/bin/chromium"
# Final pages land here for a person to look at (override with SEEDBED_SCREENSHOT_DIR).
SCREENSHOTS = Path(os.environ.get("SEEDBED_SCREENSHOT_DIR", "/tmp/browser-helper"))  # noqa: S108
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

# Registered before any page script runs (init scripts are injected by the browser, so the
# page's own CSP does not block them): every CSP violation lands in a list the test reads.
CSP_RECORDER = """
window.__cspViolations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__cspViolations.push(`${e.violatedDirective} blocked ${e.blockedURI || "inline"}`);
});
"""


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    if not Path(CHROMIUM).exists():
        pytest.fail(
            f"{CHROMIUM} is missing: install Debian's chromium (never `playwright install`)"
        )
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict[str, Any]) -> dict[str, Any]:
    # English UI whatever the machine's locale; wide enough for the team matrix.
    return {
        **browser_context_args,
        "locale": "en-GB",
        "viewport": {"width": 1400, "height": 900},
    }


@pytest.fixture(autouse=True)
def _short_timeouts(page: Page) -> None:
    # Pages answer in milliseconds; a missing element should fail in seconds, not after 30 s
    # (10 s leaves room for a machine busy with other test runs).
    page.set_default_timeout(10_000)
    expect.set_options(timeout=10_000)


def nav(page: Page, name: str) -> Locator:
    """A link of the main navigation bar; a link inside a closed menu (``details[data-menu]``)
    gets its menu opened first, as a person would."""
    bar = page.get_by_role("navigation", name="Main")
    anywhere = page.get_by_role("link", name=name, exact=True, include_hidden=True)
    menu = bar.locator("details[data-menu]").filter(has=anywhere)
    if menu.count() == 1 and menu.get_attribute("open") is None:
        menu.locator("summary").click()
    return bar.get_by_role("link", name=name, exact=True)


@pytest.fixture
def demo(live_server: Any) -> DemoSummary:
    """The demo company in the live server's database (live_server brings transactional_db)."""
    summary = build_demo()
    assert summary.created and summary.pending_for_manager > 0
    return summary


@dataclass
class BrowserWatch:
    """What went wrong in the browser while a test ran."""

    console_errors: list[str] = field(default_factory=list)
    page_errors: list[str] = field(default_factory=list)
    failed_requests: list[str] = field(default_factory=list)

    def problems(self, page: Page) -> list[str]:
        csp = page.evaluate("window.__cspViolations || []")
        return [
            *(f"console: {m}" for m in self.console_errors),
            *(f"page error: {m}" for m in self.page_errors),
            *(f"request: {m}" for m in self.failed_requests),
            *(f"CSP: {m}" for m in csp),
        ]


@pytest.fixture
def watch(page: Page) -> BrowserWatch:
    found = BrowserWatch()

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error":
            found.console_errors.append(
                f"{message.text} {message.location.get('url') or ''}".strip()
            )

    def on_response(response: Response) -> None:
        if response.status >= 400:
            found.failed_requests.append(f"{response.status} {response.url}")

    def on_failed(request: Request) -> None:
        # ERR_ABORTED is the browser cancelling a load because the test navigated on.
        if request.failure != "net::ERR_ABORTED":
            found.failed_requests.append(f"{request.failure} {request.url}")

    page.add_init_script(CSP_RECORDER)
    page.on("console", on_console)
    page.on("pageerror", lambda error: found.page_errors.append(str(error)))
    page.on("response", on_response)
    page.on("requestfailed", on_failed)
    return found


Login = Callable[[str], None]


@pytest.fixture
def login(page: Page, live_server: Any, demo: DemoSummary) -> Login:
    """``login(label)`` signs in one of the printed demo logins ("Manager", "Employee", "Admin")
    through the login form."""

    def sign_in(label: str) -> None:
        email = next(x.email for x in demo.logins if x.label == label)
        page.goto(f"{live_server.url}/accounts/login/")
        page.get_by_label("Email").fill(email)
        page.get_by_label("Password").fill(demo.password)
        page.get_by_role("button", name="Sign in").click()
        expect(page).not_to_have_url(re.compile(r"/accounts/login/"))
        expect(page.get_by_role("button", name="Sign out")).to_be_visible()

    return sign_in


def screenshot(page: Page, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
