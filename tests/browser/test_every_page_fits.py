"""Every person's pages at phone (390 px), tablet (1024 px) and desktop (1366 px) sizes:
none is wider than the screen (wide tables scroll in their own box, long codes wrap),
the Content-Security-Policy blocks nothing they use, and axe-core finds no serious or
critical accessibility violation on any. A screenshot
of each is written under test-artifacts/screenshots/pages/."""
import collections
import os

import pytest

from extensions import db
from tests import factories
from tests.browser.conftest import SCREENSHOTS
from tests.every_page import every_persons_pages

pytestmark = pytest.mark.browser
SIZES = {"phone": (390, 844), "tablet": (1024, 768), "desktop": (1366, 900)}
FOLDER = os.path.join(SCREENSHOTS, "pages")
AXE_URL = "/static/vendor/axe-core-4.14.1/axe.min.js"
AXE_RUN = """async () => (await axe.run(document, {resultTypes: ["violations"]})).violations
    .map(v => ({id: v.id, impact: v.impact, nodes: v.nodes.map(n => n.target.join(" "))}))"""


def _signed_in(browser, base, user) -> dict:
    """A signed-in browser state for `user` (empty for the public), to open each size's
    pages with: one sign-in per person, as the sign-in form is rate limited."""
    context = browser.new_context()
    page = context.new_page()
    if user is not None:
        page.goto(base + "/login")
        page.fill("#login", user.email or user.phone)
        page.fill("#password", factories.PASSWORD)
        page.locator("main form [type=submit]").first.click()
        page.wait_for_load_state()
        assert "/login" not in page.url, (user.email or user.phone, page.url)
    state = context.storage_state()
    context.close()
    return state


def test_every_page_of_every_role_fits_every_screen(app, client, login, users, two_labs,
                                                    metrology, live_server, browser):
    pages = every_persons_pages(client, login, users, two_labs, metrology)
    states = {who: _signed_in(browser, live_server, user) for user, who, _urls in pages}
    db.session.rollback()
    os.makedirs(FOLDER, exist_ok=True)
    too_wide, failed, by_impact, serious = [], [], collections.Counter(), []
    blocked = []  # what the Content-Security-Policy refused: nothing may be
    for user, who, urls in pages:
        for size, (width, height) in SIZES.items():
            context = browser.new_context(viewport={"width": width, "height": height},
                                          is_mobile=size == "phone", locale="zh-CN",
                                          storage_state=states[who])
            page = context.new_page()
            page.set_default_timeout(10_000)
            page.on("console", lambda msg, who=who, page=page: blocked.append(
                (who, page.url, msg.text))
                    if "Content Security Policy" in msg.text else None)
            for url in urls:
                response = page.goto(live_server + url)
                # Each page opens as itself: not an error, not the sign-in form instead.
                if response is None or response.status >= 400 or (
                        user is not None and "/login" in page.url):
                    failed.append((who, url, response and response.status, page.url))
                    continue
                scroll = page.evaluate("document.documentElement.scrollWidth")
                if scroll > width:
                    too_wide.append((size, who, url, scroll))
                if size == "desktop":  # accessibility does not change with the width
                    # From the desk's own static files: the pages' CSP takes no inline script.
                    page.add_script_tag(url=live_server + AXE_URL)
                    for v in page.evaluate(AXE_RUN):
                        by_impact[v["impact"]] += len(v["nodes"])
                        if v["impact"] in ("serious", "critical"):
                            serious.append((who, url, v["id"], v["nodes"][:3]))
                name = url.strip("/").replace("/", "-").split("?")[0] or "home"
                page.screenshot(path=os.path.join(FOLDER, f"{who}-{name}-{size}.png"),
                                full_page=True)
            context.close()
    print(f"axe-core violations by impact on {sum(len(u) for *_x, u in pages)} pages: "
          f"{dict(by_impact) or 'none'}")
    assert failed == []
    assert blocked == [], blocked
    assert too_wide == [], too_wide
    assert serious == [], serious
