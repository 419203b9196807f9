"""An analyst fills the worklist grid on a tablet with the keyboard alone: Enter down
each column, Tab to the next one, Enter on the save button. The grid is a table that
fits the tablet, with its header row kept in view."""
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from blueprints.catalogue.kinds import LimitKind
from blueprints.catalogue.models import ServiceParameter
from blueprints.service_requests.models import Result
from core.roles import Role
from extensions import db
from tests import factories
from tests.browser.helpers import sign_in
from tests.browser.test_scale_journey import assert_fits_the_screen

pytestmark = pytest.mark.browser
TABLET = {"width": 1024, "height": 768}
SAMPLES = 4


def test_the_worklist_grid_is_filled_with_the_keyboard_alone(app, live_server, page, screenshot,
                                                             metrology):
    lab = metrology["lab"]
    service = factories.create_service(labs=[lab], parameters=[
        ServiceParameter(position=1, name_zh="甲醛", name_en="Formaldehyde", unit="mg/kg",
                         limit_kind=LimitKind.max, limit_max=Decimal(75),
                         detection_limit=Decimal(20)),
        ServiceParameter(position=2, name_zh="耐水色牢度", name_en="Colour fastness to water",
                         unit="级", limit_kind=LimitKind.min, limit_min=Decimal(3),
                         grade_scale="grey")])
    subs = [factories.create_approved_part(lab, service, factories.create_user(Role.sme),
                                           metrology["manager"], values=(), state="in_progress")
            for _ in range(SAMPLES)]
    items = [s.items[0].id for s in subs]
    analyst = factories.create_user(Role.lab_staff, lab=lab)
    login = {"email": analyst.email}
    service_id = service.id
    db.session.rollback()

    page.set_viewport_size(TABLET)
    sign_in(page, live_server, login)
    page.goto(f"{live_server}/lab/worklist?service={service_id}")
    grid = page.locator("table.result-grid")
    expect(grid.locator("tbody tr")).to_have_count(SAMPLES)
    assert grid.locator("thead th").first.evaluate("th => getComputedStyle(th).position") == \
        "sticky"
    assert_fits_the_screen(page, TABLET["width"])

    # Keyboard only: the first cell, then Enter down the formaldehyde column, Tab to the
    # next column at the top (Shift+Enter back up), Enter down the grades.
    formaldehyde = ["12.5", "ND", "< 20", "80"]
    grades = ["4", "3-4", "4/5", "2"]
    page.locator("table.result-grid tbody input:not([type=hidden])").first.focus()
    for value in formaldehyde:
        page.keyboard.type(value)
        page.keyboard.press("Enter")
    expect(page.get_by_role("button", name="保存全部结果")).to_be_focused()
    page.keyboard.press("Shift+Tab")                 # back into the last row, last column
    for _ in range(SAMPLES - 1):
        page.keyboard.press("Shift+Enter")           # up the grade column to the top
    for value in grades:
        page.keyboard.type(value)
        page.keyboard.press("Enter")
    screenshot(page, "worklist-keyboard-tablet")
    page.keyboard.press("Enter")                     # on the save button
    expect(page.locator(".notice.success")).to_be_visible()

    db.session.rollback()
    written = {(r.item_id, r.parameter.position): r.as_written
               for r in db.session.scalars(db.select(Result).where(Result.item_id.in_(items)))}
    assert [written[(i, 1)] for i in items] == ["12.5", "ND", "< 20", "80"]
    assert [written[(i, 2)] for i in items] == ["4", "3-4", "4-5", "2"]
