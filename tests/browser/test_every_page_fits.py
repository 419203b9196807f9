"""Every person's pages at phone (390 px), tablet (1024 px) and desktop (1366 px) sizes:
none is wider than the screen (wide tables scroll in their own box, long codes wrap),
and axe-core finds no serious or critical accessibility violation on any. A screenshot
of each is written under test-artifacts/screenshots/pages/."""
import collections
import os
from datetime import timedelta

import pytest

from blueprints.certificates.models import Certificate
from blueprints.metrology.models import Campaign
from blueprints.service_requests.models import ServiceRequest
from core.roles import Role
from core.timeutil import local_today
from extensions import db
from tests import factories
from tests.browser.conftest import SCREENSHOTS
from tests.conftest import ROOT
from tests.journeys import closed_part, submitted
from tests.metrology.test_scales import scale_row

pytestmark = pytest.mark.browser
SIZES = {"phone": (390, 844), "tablet": (1024, 768), "desktop": (1366, 900)}
FOLDER = os.path.join(SCREENSHOTS, "pages")
AXE = os.path.join(ROOT, "static", "vendor", "axe-core-4.14.1", "axe.min.js")
AXE_RUN = """async () => (await axe.run(document, {resultTypes: ["violations"]})).violations
    .map(v => ({id: v.id, impact: v.impact, nodes: v.nodes.map(n => n.target.join(" "))}))"""


def _pages(client, login, users, two_labs, metrology):
    """The pages each person opens, with the objects they open filled in."""
    req, parts = submitted(client, login, users, two_labs)
    _closed, done = closed_part(client, login, users, two_labs)
    cert = db.session.scalar(db.select(Certificate).filter_by(sub_request_id=done.id))
    lab = metrology["lab"]
    campaign = Campaign(lab_id=lab.id, service_id=metrology["verification"].id,
                        market="青阳农贸市场", address="晋江市青阳街道 88 号",
                        day=local_today() + timedelta(days=5), created_by_id=metrology["manager"].id)
    db.session.add(campaign)
    factories.create_resource(two_labs["fabric_lab"].id)
    citizen = login(factories.create_user(Role.citizen, phone="13800009999"))
    db.session.flush()
    client.post("/scales/verify", data={"where": str(campaign.id),
                                        "contact_name": "蔡阿姨", "contact_phone": "13800009999",
                                        **scale_row(0)})
    db.session.commit()
    scale_req = db.session.scalars(db.select(ServiceRequest).filter_by(
        applicant_id=citizen.id)).first()
    ntc = parts["NTC1"]
    analyst = two_labs["ntc_analyst"]
    verify = f"/verify?number={cert.number}&code={cert.verification_code}"
    # (who, as the screenshots name them, and the pages they open)
    return [
        (None, "public", ["/", "/services", "/labs", f"/labs/{two_labs['fabric_lab'].code}", "/verify",
               verify, "/campaign-days", "/login", "/enterprises/register"]),
        (users[Role.sme], "sme", ["/requests", "/requests/new", f"/requests/{req.id}",
                          f"/requests/{req.id}/parts/{ntc.id}/booking", "/enterprises/mine",
                          "/tasks", "/notifications", "/account"]),
        (citizen, "vendor", ["/scales", "/scales/verify", "/requests",
                  f"/requests/{scale_req.id}", "/tasks"]),
        (analyst, "analyst", ["/lab/queue", f"/lab/requests/{ntc.id}", "/lab/worklist", "/lab/calendar",
                  "/lab", "/lab/signatories"]),
        (two_labs["ntc_manager"], "lab-manager", ["/lab/queue", f"/lab/requests/{ntc.id}", "/lab/batches",
                                  "/lab/batches/new", "/lab/resources", "/lab/ratings",
                                  "/lab/signatories", "/tasks"]),
        (metrology["manager"], "metrology-manager", ["/campaigns", f"/campaigns/{campaign.id}",
                                                     "/lab/queue"]),
        (users[Role.admin], "admin", ["/admin/", "/admin/enterprises", "/admin/users",
                                      "/admin/labs", "/admin/jobs", "/admin/mail", "/admin/audit",
                                      "/tasks"]),
    ]


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
    pages = _pages(client, login, users, two_labs, metrology)
    states = {who: _signed_in(browser, live_server, user) for user, who, _urls in pages}
    db.session.rollback()
    os.makedirs(FOLDER, exist_ok=True)
    too_wide, failed, by_impact, serious = [], [], collections.Counter(), []
    for user, who, urls in pages:
        for size, (width, height) in SIZES.items():
            context = browser.new_context(viewport={"width": width, "height": height},
                                          is_mobile=size == "phone", locale="zh-CN",
                                          storage_state=states[who])
            page = context.new_page()
            page.set_default_timeout(10_000)
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
                    page.add_script_tag(path=AXE)
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
    assert too_wide == [], too_wide
    assert serious == [], serious
