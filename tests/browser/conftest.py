"""Real-browser fixtures: Debian's Chromium driven by Playwright, axe-core for accessibility."""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest
from django.conf import settings

CHROMIUM = os.environ.get("PETAL_CHROMIUM", "/usr/bin/chromium")
FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
AXE = Path(settings.BASE_DIR) / "node_modules" / "axe-core" / "axe.min.js"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
SCREENSHOTS = os.environ.get("PETAL_SCREENSHOTS", "")
DEMO_PASSWORD = "browser-test-passphrase"


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"Chromium not found at {CHROMIUM}: scripts/test installs Debian's chromium")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=FLAGS)
        yield browser
        browser.close()


class Problems:
    """Console errors, page errors and CSP violations seen while a test ran."""

    def __init__(self):
        self.items: list[str] = []


@pytest.fixture
def page(browser, live_server):
    # axe is injected as a script; the page's own CSP would (rightly) refuse it.
    context = browser.new_context(base_url=live_server.url, bypass_csp=True)
    page = context.new_page()
    page.set_default_timeout(10_000)
    problems = Problems()
    page.on(
        "console",
        lambda msg: (
            problems.items.append(f"console {msg.type}: {msg.text}")
            if msg.type == "error"
            else None
        ),
    )
    page.on("pageerror", lambda exc: problems.items.append(f"page error: {exc}"))
    page.problems = problems
    yield page
    context.close()


@pytest.fixture
def strict_page(browser, live_server):
    """A page that keeps the CSP on, to prove our own pages need no exceptions."""
    context = browser.new_context(base_url=live_server.url)
    page = context.new_page()
    problems: list[str] = []
    page.on("console", lambda msg: problems.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: problems.append(str(exc)))
    page.problems_list = problems
    yield page
    context.close()


@pytest.fixture
def demo(transactional_db):
    """The demo sign-ins (the demo people are left out: most tests do not need them)."""
    from petal.accounts.demo import load_demo

    return load_demo(password=DEMO_PASSWORD)


@pytest.fixture
def demo_people(demo):
    from petal.people.demo import load_people

    load_people()
    return demo


def axe_violations(page) -> list[str]:
    # A click that navigates returns before the new document exists; wait for
    # it to load so axe is injected into the page the test is looking at.
    page.wait_for_load_state("load")
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        "async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}})",
        AXE_TAGS,
    )
    return [
        f"{v['id']} ({v['impact']}): {v['help']} — "
        + "; ".join(n["target"][0] if n["target"] else "" for n in v["nodes"][:3])
        for v in result["violations"]
    ]


def screenshot(page, name: str) -> None:
    if SCREENSHOTS:
        folder = Path(SCREENSHOTS)
        folder.mkdir(parents=True, exist_ok=True)
        safe = re.sub(r"[^a-z0-9_-]+", "-", name.lower()).strip("-")
        page.screenshot(path=str(folder / f"{safe}.png"), full_page=True)


def sign_in(page, email: str, password: str = DEMO_PASSWORD) -> None:
    page.goto("/sign-in")
    page.get_by_label("Email address").fill(email)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/dashboard")
