"""Take the README's screenshots from a running demo (``./seedbed.sh demo``), with Debian's
Chromium driven by Playwright:

    .venv/bin/python docs/screenshots/take.py [http://127.0.0.1:8000]
"""

from __future__ import annotations

import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

from seedbed.demo.data import DEMO_PASSWORD, EMAIL_DOMAIN

HERE = Path(__file__).resolve().parent


def main(base: str) -> None:
    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path="/usr/bin/chromium",
            args=[
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
            ],
        )
        page = browser.new_page(viewport={"width": 1440, "height": 900}, device_scale_factor=1)
        page.goto(f"{base}/accounts/login/")
        page.fill("input[name=email]", f"marco.rossi@{EMAIL_DOMAIN}")
        page.fill("input[name=password]", DEMO_PASSWORD)
        page.click("button[type=submit]")
        page.wait_for_url(f"{base}/")
        page.goto(f"{base}/people/matrix/")
        page.select_option("select[name=category]", label="Software development")
        page.click("form.filters button[type=submit], form button:has-text('Apply')")
        page.wait_for_load_state()
        page.screenshot(path=HERE / "team-matrix.png", full_page=False)
        browser.close()


if __name__ == "__main__":
    main(sys.argv[1].rstrip("/") if len(sys.argv) > 1 else "http://127.0.0.1:8000")
