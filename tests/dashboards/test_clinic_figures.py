"""The quality clinic on the dashboards: the worker counts the cases of each month and
chain as they move, and the desk's board shows them beside the tests."""
from sqlalchemy import select

from blueprints.clinic.models import CaseRating
from blueprints.dashboards.models import ClinicRow
from blueprints.dashboards.refresh import refresh
from core.roles import Role
from core.timeutil import local_today, utcnow
from extensions import db
from tests import factories
from tests.clinic.journey import made_case
from tests.dashboards.test_boards import _page_tables


def test_the_clinic_counts_cases_by_the_month_they_were_opened(client, login, users):
    sme, admin = users[Role.sme], users[Role.admin]
    expert = factories.create_expert()
    solved = made_case(sme, "resolved", admin=admin, expert=expert)
    made_case(sme)
    db.session.add(CaseRating(case_id=solved.id, level=4, rated_by_id=sme.id,
                              created_at=utcnow()))
    db.session.commit()
    refresh()
    [row] = db.session.scalars(select(ClinicRow)).all()
    assert (row.starts, row.chain, row.opened, row.solved, row.resolution_days, row.rated,
            row.level_total) == (local_today().replace(day=1), "textiles_footwear", 2, 1,
                                 {"0": 1}, 1, 4)
    # The visit is booked three days ahead: no first visit yet.
    assert row.visit_days == {}
    login(admin)
    month = local_today().strftime("%Y-%m")
    page = client.get("/dashboards/", query_string={"since": month, "until": month})
    clinic = _page_tables(page.get_data(as_text=True))["clinic"]
    assert clinic == [["纺织鞋服", "2", "1", "—", "0", "—", "—", "4.00"],
                      ["合计", "2", "1", "—", "0", "—", "—", "4.00"]]
    # A lab manager's board is of their lab: the clinic is the county's.
    login(factories.create_user(Role.lab_manager, lab=factories.create_lab()))
    page = client.get("/dashboards/", query_string={"since": month, "until": month})
    assert 'id="clinic"' not in page.get_data(as_text=True)
