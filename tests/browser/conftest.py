"""A live desk on a real port, and Debian's Chromium driven by Playwright."""
import os
import threading

import pytest
from werkzeug.serving import make_server

from tests.conftest import ROOT

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
SCREENSHOTS = os.path.join(ROOT, "test-artifacts", "screenshots")


@pytest.fixture
def live_server(app_factory):
    """The desk as people meet it: CSRF on, rate limits on, served over HTTP."""
    app = app_factory(WTF_CSRF_ENABLED=True, RATELIMIT_ENABLED=True, SERVER_NAME=None)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(5)


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 860}, locale="en-US")
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


@pytest.fixture
def screenshot():
    os.makedirs(SCREENSHOTS, exist_ok=True)

    def shoot(page, name):
        page.screenshot(path=os.path.join(SCREENSHOTS, f"{name}.png"), full_page=True)
    return shoot
