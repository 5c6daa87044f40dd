"""Browser tests: Playwright for Python driving Debian's Chromium (never a downloaded browser)."""

import os
import shutil
from pathlib import Path

import pytest

# Playwright's sync API runs an event loop in this thread; the test's own ORM calls are still synchronous.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

ARTIFACTS = Path(__file__).parent / "artifacts"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser():
    executable = shutil.which("chromium")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        executable = None
    if executable is None:
        reason = "Chromium or Playwright is not installed (apt-get install chromium; pip install playwright)"
        if os.environ.get("CI") == "true":
            pytest.fail(f"CI=true but {reason}")
        pytest.skip(reason)
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield PolicyWatchingBrowser(browser)
        browser.close()


# Console messages Chromium prints when the Content-Security-Policy blocks something (an inline style,
# an eval in htmx, a script without the nonce).
CSP_VIOLATIONS: list[str] = []
# Contexts opened by the running test. The browser and the live server last the whole session: a page
# left open would go on polling into later tests, and into the database flush between them.
OPEN_CONTEXTS: list = []


class PolicyWatchingBrowser:
    """The Playwright browser, whose contexts record every Content-Security-Policy violation."""

    def __init__(self, browser):
        self._browser = browser

    def __getattr__(self, name):
        return getattr(self._browser, name)

    def new_context(self, **kwargs):
        context = self._browser.new_context(**kwargs)

        def on_console(message):
            if "Content Security Policy" in message.text or "Refused to" in message.text:
                CSP_VIOLATIONS.append(f"{message.text} at {message.location}")

        context.on("console", on_console)
        OPEN_CONTEXTS.append(context)
        return context


@pytest.fixture(autouse=True)
def no_policy_violations():
    """Every browser test also checks that the page ran under the strict CSP without a violation, and
    closes the contexts it left open."""
    CSP_VIOLATIONS.clear()
    yield
    while OPEN_CONTEXTS:
        OPEN_CONTEXTS.pop().close()  # closing a closed context does nothing
    assert CSP_VIOLATIONS == []
