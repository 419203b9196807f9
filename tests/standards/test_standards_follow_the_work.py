"""Standards follow the work: a service's method text becomes links to the catalogue
(what cannot be read is listed for an administrator); withdrawing or replacing a
standard flags the services citing it in their labs' scope and My tasks, and the
worker's job tells the lab managers and the enterprises following it, once."""
from datetime import date

import pytest
from sqlalchemy import select

from blueprints.catalogue.method_links import link_all
from blueprints.catalogue.standard_watch import watch
from blueprints.notifications.models import Notification
from blueprints.standards.models import StandardFollow, StandardStatus
from core.roles import Role
from extensions import db
from tests import factories


@pytest.fixture
def editions(app):
    new = factories.create_standard("GB/T 3920-2024", "纺织品 色牢度试验 耐摩擦色牢度")
    old = factories.create_standard("GB/T 3920-2008", "纺织品 色牢度试验 耐摩擦色牢度",
                                    status=StandardStatus.replaced, replaced_by=new)
    formaldehyde = factories.create_standard("GB/T 2912.1-2009", "纺织品 甲醛的测定 第1部分")
    series = factories.create_standard("FZ/T 01057（所有部分）", "纺织纤维鉴别试验方法")
    return {"new": new, "old": old, "formaldehyde": formaldehyde, "series": series}


def notices(user, kind=None):
    stmt = select(Notification).where(Notification.user_id == user.id)
    if kind:
        stmt = stmt.where(Notification.kind == kind)
    return db.session.scalars(stmt).all()


def test_the_method_text_becomes_links_and_the_rest_is_listed(client, login, users, editions):
    dated = factories.create_service(method_standard="GB/T 2912.1-2009")
    undated = factories.create_service(method_standard="gb/t 3920")
    listed = factories.create_service(
        method_standard="FZ/T 01057（所有部分）；GB/T 99999-2020；内部方法 QW-01")
    link_all()
    db.session.commit()
    assert [s.code for s in dated.method_editions] == ["GB/T 2912.1-2009"]
    assert [s.code for s in undated.method_editions] == ["GB/T 3920-2024"]  # the one in force
    assert [s.code for s in listed.method_editions] == ["FZ/T 01057（所有部分）"]
    assert listed.method_unread == "内部方法 QW-01；GB/T 99999-2020"
    # A report prints the method with its year.
    assert undated.method_with_years == "GB/T 3920-2024"
    login(users[Role.admin])
    html = client.get("/admin/services/unread-methods").get_data(as_text=True)
    assert listed.code in html and "QW-01" in html and dated.code not in html
    login(users[Role.lab_manager])
    assert client.get("/admin/services/unread-methods").status_code == 403


def test_withdrawing_flags_the_services_and_tells_managers_and_followers_once(
        client, login, users, dummy_lab, editions):
    service = factories.create_service(labs=[dummy_lab], name_zh="甲醛含量测定",
                                       method_standard="GB/T 2912.1-2009")
    link_all()
    db.session.commit()
    manager, sme, admin = users[Role.lab_manager], users[Role.sme], users[Role.admin]
    login(sme)
    standard = editions["formaldehyde"]
    assert client.post(f"/standards/{standard.id}/follow").status_code == 302
    watch()
    assert notices(manager) == [] and notices(sme) == []          # nothing changed yet

    login(admin)
    resp = client.post(f"/standards/{standard.id}/status", data={
        "status": "withdrawn", "on": "2026-11-30", "status_was": "current"})
    assert resp.status_code == 302
    db.session.expire_all()
    assert standard.status == StandardStatus.withdrawn and standard.withdrawn_on == date(2026, 11, 30)

    login(manager)
    scope = client.get("/lab").get_data(as_text=True)
    assert "std-withdrawn" in scope and "GB/T 2912.1-2009" in scope
    tasks = client.get("/tasks").get_data(as_text=True)
    assert 'id="task-standards_to_check"' in tasks and service.name_zh in tasks

    watch()
    watch()                                                       # a second run tells nobody
    told = notices(manager, "method_standard_withdrawn")
    assert len(told) == 1 and told[0].params["services"] == service.code
    followed = notices(sme, "standard_withdrawn")
    assert len(followed) == 1 and followed[0].params["code"] == "GB/T 2912.1-2009"
    login(sme)
    mine = client.get(f"/enterprises/{sme.enterprise_id}").get_data(as_text=True)
    assert "followed-standards" in mine and "std-withdrawn" in mine
    assert notices(users[Role.lab_staff]) == []                   # managers hear it


def test_a_replacement_names_the_successor_and_the_flag_points_to_it(
        client, login, users, dummy_lab, editions):
    factories.create_service(labs=[dummy_lab], method_standard="GB/T 2912.1-2009")
    successor = factories.create_standard("GB/T 2912.1-2025", "纺织品 甲醛的测定 第1部分")
    link_all()
    db.session.commit()
    login(users[Role.admin])
    resp = client.post(f"/standards/{editions['formaldehyde'].id}/status", data={
        "status": "replaced", "on": "2026-12-01", "successor": "GB/T2912.1—2025",
        "status_was": "current"})
    assert resp.status_code == 302
    watch()
    told = notices(users[Role.lab_manager], "method_standard_replaced")
    assert len(told) == 1 and told[0].params["successor"] == successor.code
    login(users[Role.lab_manager])
    assert f"/standards/{successor.id}" in client.get("/tasks").get_data(as_text=True)


def test_the_status_form_refuses_what_it_cannot_do(client, login, users, editions):
    standard = editions["formaldehyde"]
    login(users[Role.admin])
    url = f"/standards/{standard.id}/status"
    assert client.post(url, data={"status": "withdrawn", "status_was": "current"}
                       ).status_code == 400                        # no date
    assert client.post(url, data={"status": "replaced", "on": "2026-12-01",
                                  "successor": "GB/T 77777-2026", "status_was": "current"}
                       ).status_code == 400                        # not in the catalogue
    assert client.post(url, data={"status": "replaced", "on": "2026-12-01",
                                  "successor": "not a number", "status_was": "current"}
                       ).status_code == 400
    # Another administrator withdrew it meanwhile: the second is told, nothing changes.
    assert client.post(url, data={"status": "withdrawn", "on": "2026-12-01",
                                  "status_was": "current"}).status_code == 302
    stale = client.post(url, data={"status": "replaced", "on": "2026-12-02",
                                   "successor": "GB/T 3920-2024", "status_was": "current"})
    assert stale.status_code == 409
    db.session.expire_all()
    assert standard.status == StandardStatus.withdrawn and standard.replaced_by is None
    login(users[Role.lab_manager])
    assert client.post(url, data={"status": "current", "status_was": "withdrawn"}
                       ).status_code == 403


def test_only_an_enterprise_follows_and_following_twice_stops(client, login, users, editions):
    standard = editions["new"]
    url = f"/standards/{standard.id}/follow"
    login(users[Role.lab_staff])
    assert client.post(url).status_code == 403
    sme = login(users[Role.sme])
    assert f'action="{url}"' in client.get(f"/standards/{standard.id}").get_data(as_text=True)
    client.post(url)
    count = select(db.func.count()).select_from(StandardFollow).where(
        StandardFollow.enterprise_id == sme.enterprise_id)
    assert db.session.scalar(count) == 1
    client.post(url)
    assert db.session.scalar(count) == 0


def test_a_successor_named_before_its_day_takes_over_on_that_day(client, login, users,
                                                                 dummy_lab, editions):
    """A list names GB/T 2912.1-2027 as replacing the 2009 edition before it is in force:
    the 2009 edition stays current, then on the day the new one is in force and the old
    one replaced; the lab is told then, once."""
    successor = factories.create_standard("GB/T 2912.1-2027", "纺织品 甲醛的测定 第1部分",
                                          status=StandardStatus.upcoming,
                                          implemented_on=date(2027, 1, 1))
    old = editions["formaldehyde"]
    old.replaced_by, old.withdrawn_on = successor, date(2027, 1, 1)
    factories.create_service(labs=[dummy_lab], method_standard="GB/T 2912.1-2009")
    link_all()
    db.session.commit()
    watch()
    db.session.expire_all()
    assert old.status == StandardStatus.current and not old.is_superseded
    assert notices(users[Role.lab_manager]) == []
    html = client.get(f"/standards/{old.id}").get_data(as_text=True)
    assert "现行有效至 2027-01-01" in html and f"/standards/{successor.id}" in html
    successor.implemented_on = old.withdrawn_on = date(2026, 12, 1)   # the day has come
    db.session.commit()
    watch()
    watch()
    db.session.expire_all()
    assert successor.status == StandardStatus.current
    assert old.status == StandardStatus.replaced and old.replaced_by_id == successor.id
    told = notices(users[Role.lab_manager], "method_standard_replaced")
    assert len(told) == 1 and told[0].params["successor"] == "GB/T 2912.1-2027"
