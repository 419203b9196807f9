"""Routing reads each lab's open work from a figure kept on the capability as parts
open and close, not from a count over every item of the service ever asked for."""
from sqlalchemy import select

from blueprints.catalogue.models import Capability
from blueprints.service_requests import open_work
from blueprints.service_requests.lifecycle import State
from blueprints.service_requests.models import ServiceRequest
from core.roles import Role
from extensions import db
from tests.journeys import closed_part, make_draft, submitted


def kept() -> dict[tuple[int, int], int]:
    caps = Capability.__table__
    return {(lab, service): n for lab, service, n in db.session.execute(
        select(caps.c.lab_id, caps.c.service_id, caps.c.open_items))}


def step(client, login, user, sub, action, **data):
    db.session.refresh(sub)
    login(user)
    response = client.post(f"/lab/requests/{sub.id}/do/{action}",
                           data={"version": str(sub.version), **data})
    assert response.status_code == 302, response.get_data(as_text=True)
    db.session.refresh(sub)


def test_the_figure_follows_parts_as_they_open_and_close(client, login, users, two_labs):
    ntc = (two_labs["fabric_lab"].id, two_labs["fabric"].id)
    ftc = (two_labs["food_lab"].id, two_labs["food"].id)
    _first, one = submitted(client, login, users, two_labs)
    second, two = submitted(client, login, users, two_labs)
    assert kept()[ntc] == 2 and kept()[ftc] == 2

    step(client, login, two_labs["ntc_manager"], one["NTC1"], "reject", reason="超出范围")
    assert one["NTC1"].state == State.rejected and kept()[ntc] == 1
    step(client, login, two_labs["ftc_manager"], two["FTC1"], "return_for_info",
         reason="请补充样品规格")
    assert kept()[ftc] == 1  # waiting on the applicant: not the lab's work
    login(users[Role.sme])
    sub = two["FTC1"]
    client.post(f"/requests/{second.id}/parts/{sub.id}/resubmit",
                data={"version": str(sub.version), "answer": "规格 20×30 cm"})
    db.session.refresh(sub)
    assert sub.state == State.submitted and kept()[ftc] == 2

    closed_part(client, login, users, two_labs)  # a free food part, from open to closed
    assert kept()[ftc] == 2
    assert {key: n for key, n in kept().items() if n} == open_work.counted()


def test_routing_reads_the_kept_figure(client, login, users, two_labs):
    """A lab whose capability says it has 100 items open (10 a day) starts a new one
    ten working days later: the figure, not a count, is what routing weighs."""
    caps = Capability.__table__
    fabric = two_labs["fabric"]
    db.session.execute(caps.update().where(caps.c.service_id == fabric.id)
                       .values(open_items=100, daily_capacity=10))
    db.session.commit()
    login(users[Role.sme])
    req = make_draft(client, fabric)
    client.post(f"/requests/{req.id}/submit", data={"version": str(req.version)})
    req = db.session.get(ServiceRequest, req.id)
    [reason] = req.sub_requests[0].routing_reason
    assert reason["chosen"]["queue_days"] == 10
    assert kept()[(two_labs["fabric_lab"].id, fabric.id)] == 101


def test_the_worker_mends_a_figure_that_drifted(client, login, users, two_labs):
    submitted(client, login, users, two_labs)
    caps = Capability.__table__
    db.session.execute(caps.update().where(caps.c.service_id == two_labs["fabric"].id)
                       .values(open_items=7))
    db.session.commit()
    assert open_work.recount() == 1
    assert kept()[(two_labs["fabric_lab"].id, two_labs["fabric"].id)] == 1
    assert open_work.recount() == 0
