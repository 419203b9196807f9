"""A quality-clinic case over HTTP: the enterprise orders, the desk dispatches, the
expert accepts and works, the enterprise confirms and rates."""
from sqlalchemy import select

from blueprints.audit.models import AuditEvent
from blueprints.clinic.lifecycle import CaseState
from blueprints.clinic.models import CaseAssignment
from blueprints.notifications.models import Notification
from extensions import db
from tests.clinic.journey import (
    accepted_case,
    book_visit,
    clinic_people,
    dispatch,
    open_case,
    plan_action,
    record_finding,
    step,
)


def test_a_case_goes_from_order_to_rating(client, login, users, dummy_lab):
    people = clinic_people(users, dummy_lab)
    case = open_case(client, login, people["sme"])
    assert case.number.startswith("WZ-") and case.state == CaseState.submitted
    assert case.monthly_loss_cents == 1_200_000
    page = client.get(f"/clinic/{case.id}").get_data(as_text=True)
    assert "鞋底开胶" in page and "穿着一个月后" in page

    login(people["admin"])
    page = client.get(f"/clinic/{case.id}").get_data(as_text=True)
    assert "林专家" in page and "回避专家" in page   # proposed, and listed as not proposed
    assert dispatch(client, login, people["admin"], case, people["expert"]).status_code == 302
    db.session.refresh(case)
    assert case.state == CaseState.dispatched
    told = db.session.scalars(select(Notification).where(
        Notification.user_id == people["expert"].user_id)).all()
    assert [n.kind for n in told] == ["clinic_dispatched"]

    login(people["expert"].user)
    assert step(client, case, "accept").status_code == 302
    assert book_visit(client, case).status_code == 302
    assert record_finding(client, case).status_code == 302
    assert plan_action(client, case).status_code == 302
    assert plan_action(client, case, text="来料胶水批次检验", side="expert", owner="林专家"
                       ).status_code == 302
    assert step(client, case, "propose", "工艺已改").status_code == 302
    db.session.refresh(case)
    assert case.state == CaseState.proposed

    login(people["sme"])
    assert step(client, case, "confirm").status_code == 302
    resp = client.post(f"/clinic/{case.id}/rate", data={"level": "5", "comment": "很专业"})
    assert resp.status_code == 302
    db.session.refresh(case)
    assert case.state == CaseState.resolved and case.resolved_at is not None
    events = db.session.scalars(select(AuditEvent.action).where(
        AuditEvent.entity == "clinic_cases", AuditEvent.entity_id == case.id)
        .order_by(AuditEvent.id)).all()
    assert events == ["opened", "dispatched", "accepted", "visit_booked", "finding_recorded",
                      "action_planned", "action_planned", "resolution_proposed", "resolved",
                      "rated"]


def test_a_competitors_expert_is_never_proposed_nor_dispatched(client, login, users,
                                                                 dummy_lab):
    people = clinic_people(users, dummy_lab)
    case = open_case(client, login, people["sme"])
    login(people["admin"])
    page = client.get(f"/clinic/{case.id}").get_data(as_text=True)
    proposals = page[page.index('id="dispatch"'):page.index("</form>", page.index('id="dispatch"'))]
    assert "回避专家" not in proposals
    resp = dispatch(client, login, people["admin"], case, people["conflicted"])
    assert resp.status_code == 400
    assert "conflict of interest" in resp.get_data(as_text=True) or \
        "利益冲突" in resp.get_data(as_text=True)
    assert db.session.scalar(select(CaseAssignment.id)) is None


def test_a_decline_sends_the_case_back_to_the_desk(client, login, users, dummy_lab):
    people = clinic_people(users, dummy_lab)
    case = open_case(client, login, people["sme"])
    dispatch(client, login, people["admin"], case, people["expert"])
    login(people["expert"].user)
    assert step(client, case, "decline").status_code == 400      # a reason is needed
    assert step(client, case, "decline", "本周出差").status_code == 302
    db.session.refresh(case)
    assert case.state == CaseState.submitted
    # The expert who declined no longer sees the case.
    assert client.get(f"/clinic/{case.id}").status_code == 404


def test_the_expert_asks_and_the_clock_stops(client, login, users, dummy_lab):
    people = clinic_people(users, dummy_lab)
    case = accepted_case(client, login, people)
    assert step(client, case, "ask", "请拍摄胶水桶标签").status_code == 302
    db.session.refresh(case)
    assert case.state == CaseState.on_hold and case.paused_on is not None
    login(people["sme"])
    assert step(client, case, "answer", "已上传照片").status_code == 302
    db.session.refresh(case)
    assert case.state == CaseState.in_progress and case.paused_on is None


def test_two_visits_of_one_expert_cannot_overlap(client, login, users, dummy_lab):
    people = clinic_people(users, dummy_lab)
    case = accepted_case(client, login, people)
    assert book_visit(client, case, starts="09:00", ends="11:00").status_code == 302
    resp = book_visit(client, case, starts="10:30", ends="12:00")
    assert resp.status_code == 400
    assert book_visit(client, case, starts="11:00", ends="12:00").status_code == 302


def test_proposing_needs_a_finding(client, login, users, dummy_lab):
    people = clinic_people(users, dummy_lab)
    case = accepted_case(client, login, people)
    assert step(client, case, "propose", "好了").status_code == 400
    db.session.refresh(case)
    assert case.state == CaseState.in_progress


def test_my_tasks_show_what_each_party_owes_the_case(client, login, users, dummy_lab):
    people = clinic_people(users, dummy_lab)
    case = open_case(client, login, people["sme"])
    login(people["admin"])
    assert case.number in client.get("/tasks").get_data(as_text=True)     # to dispatch
    dispatch(client, login, people["admin"], case, people["lab_expert"])
    login(people["lab_expert"].user)                                      # lab staff, expert
    page = client.get("/tasks").get_data(as_text=True)
    assert 'id="task-clinic_to_answer"' in page and case.number in page
    assert step(client, case, "accept").status_code == 302
    assert step(client, case, "ask", "请提供胶水型号").status_code == 302
    login(people["sme"])
    page = client.get("/tasks").get_data(as_text=True)
    section = page[page.index('id="task-clinic_questions"'):]
    assert case.number in section[:section.index("</section>")]
