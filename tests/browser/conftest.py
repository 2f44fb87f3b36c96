"""Browser tests: Playwright for Python driving Debian's Chromium (/usr/bin/chromium).

Under CI (CI=true) or REQUIRE_BROWSER=1, a missing Chromium fails these tests; on a
developer machine without it they are reported as not run, with the install command.
"""

import os
import shutil

import pytest

# Playwright's sync API runs an event loop in this thread; the test itself still
# uses the ORM synchronously between page actions, which is safe here.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def pytest_collection_modifyitems(config, items):
    """Mark browser tests; without Chromium, fail under CI and skip elsewhere.

    Decided at collection, before any database fixture runs.
    """
    browser_items = [item for item in items if "tests/browser/" in str(item.fspath)]
    for item in browser_items:
        item.add_marker(pytest.mark.browser)
    if browser_items and not shutil.which(CHROMIUM):
        message = f"Chromium missing ({CHROMIUM}): apt-get install chromium"
        if os.environ.get("CI") or os.environ.get("REQUIRE_BROWSER"):
            raise pytest.UsageError(message)
        for item in browser_items:
            item.add_marker(pytest.mark.skip(reason=message))


@pytest.fixture(scope="session")
def chromium():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(chromium, live_server):
    context = chromium.new_context(
        base_url=live_server.url, locale="fr-FR", viewport={"width": 1280, "height": 900}
    )
    page = context.new_page()
    page.csp_violations = []
    page.on(
        "console",
        lambda message: (
            page.csp_violations.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    yield page
    context.close()


def axe_violations(page) -> list[str]:
    """WCAG 2.1 A/AA violations found by axe-core on the current page."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(
        page,
        options={
            "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
            "resultTypes": ["violations"],
        },
    )
    return [
        f"{v['id']}: {v['help']} — {[n['target'] for n in v['nodes']]}"
        for v in results.response["violations"]
    ]
