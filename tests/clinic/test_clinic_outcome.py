"""Time-driven clinic work and a case's outcome: the expert's answer reminders and
the desk's late alert, the benefit asked for 90 days after resolution, reported by
the enterprise and verified by the expert; consent and the case library."""
from datetime import timedelta

from sqlalchemy import select

from blueprints.clinic.alerts import ask_for_benefits, send_answer_alerts
from blueprints.clinic.library import CaseArticle
from blueprints.clinic.outcome import CaseBenefit
from blueprints.notifications.models import Notification
from core.timeutil import utcnow
from extensions import db
from tests import factories
from tests.clinic.journey import clinic_people, dispatch, open_case, resolved_case, step
from tests.journeys import make_draft


def _kinds(user) -> list[str]:
    return list(db.session.scalars(select(Notification.kind).where(
        Notification.user_id == user.id).order_by(Notification.id)))


def test_an_unanswered_dispatch_reminds_the_expert_then_tells_the_desk(client, login, users,
                                                                       dummy_lab):
    people = clinic_people(users, dummy_lab)
    case = open_case(client, login, people["sme"])
    dispatch(client, login, people["admin"], case, people["expert"])
    db.session.refresh(case)
    due = case.assignments[0].answer_by
    assert send_answer_alerts(due - timedelta(hours=5)) == 0            # not yet
    assert send_answer_alerts(due - timedelta(minutes=30)) == 1
    assert send_answer_alerts(due - timedelta(minutes=10)) == 0         # once
    assert _kinds(people["expert"].user) == ["clinic_dispatched", "clinic_answer_due"]
    assert send_answer_alerts(due + timedelta(minutes=1)) == 1
    assert send_answer_alerts(due + timedelta(hours=2)) == 0
    assert "clinic_answer_overdue" in _kinds(people["admin"])


def test_a_case_waiting_for_the_enterprise_is_not_late(client, login, users, dummy_lab):
    people = clinic_people(users, dummy_lab)
    case = open_case(client, login, people["sme"])
    dispatch(client, login, people["admin"], case, people["expert"])
    login(people["expert"].user)
    assert step(client, case, "ask", "请补充照片").status_code == 302   # before accepting
    db.session.refresh(case)
    assert send_answer_alerts(case.assignments[0].answer_by + timedelta(minutes=1)) == 0


def test_the_benefit_is_asked_for_reported_and_verified(client, login, users, dummy_lab):
    people = clinic_people(users, dummy_lab)
    case = resolved_case(client, login, people)
    assert ask_for_benefits(utcnow()) == 0                 # 90 days have not passed
    case.resolved_at = utcnow() - timedelta(days=91)
    db.session.commit()
    assert ask_for_benefits(utcnow()) == 1
    assert ask_for_benefits(utcnow()) == 0
    assert "clinic_benefit_asked" in _kinds(people["sme"])
    benefit = db.session.scalar(select(CaseBenefit))

    login(people["sme"])
    resp = client.post(f"/clinic/{case.id}/benefit", data={
        "version": str(benefit.version), "defect_rate_before": "5", "defect_rate_after": "",
        "cost_saved": "", "note": ""})
    assert resp.status_code == 400                         # a rate needs its pair
    db.session.refresh(benefit)
    assert not benefit.is_reported
    resp = client.post(f"/clinic/{case.id}/benefit", data={
        "version": str(benefit.version), "defect_rate_before": "5.2",
        "defect_rate_after": "0.8", "cost_saved": "36000", "note": "退货明显减少"})
    assert resp.status_code == 302
    page = client.get(f"/clinic/{case.id}").get_data(as_text=True)
    assert "5.2% → 0.8%" in page and "36,000.00" in page

    # The expert confirms it, pointing to a later test of the enterprise.
    service = factories.create_service(labs=[dummy_lab])
    later = make_draft(client, service)
    client.post(f"/requests/{later.id}/submit", data={"version": str(later.version)})
    db.session.refresh(later)
    login(people["expert"].user)
    db.session.refresh(benefit)
    resp = client.post(f"/clinic/{case.id}/benefit/verify", data={
        "version": str(benefit.version), "verification": "复检合格",
        "request_number": "QD-2000-999999"})
    assert resp.status_code == 400                         # not one of theirs
    resp = client.post(f"/clinic/{case.id}/benefit/verify", data={
        "version": str(benefit.version), "verification": "现场复查不良率 0.8%",
        "request_number": later.number})
    assert resp.status_code == 302
    db.session.refresh(benefit)
    assert benefit.is_verified and benefit.verifying_request_id == later.id


def test_a_case_is_published_only_with_consent_and_without_giveaways(client, login, users,
                                                                     dummy_lab):
    people = clinic_people(users, dummy_lab)
    case = resolved_case(client, login, people)
    article = {"title": "运动鞋开胶的原因", "problem": "大底开胶", "cause": "晾置时间不足",
               "actions": "延长晾置", "outcome": "退货率大幅下降", "version": ""}
    login(people["expert"].user)
    assert client.post(f"/clinic/{case.id}/article", data=article).status_code == 400
    login(people["sme"])
    assert client.post(f"/clinic/{case.id}/consent", data={"agree": "y"}).status_code == 302
    name = people["sme"].enterprise.name
    login(people["expert"].user)
    resp = client.post(f"/clinic/{case.id}/article",
                       data={**article, "problem": f"{name}的大底开胶，月损失 12000 元",
                             "send": "1"})
    assert resp.status_code == 400
    body = resp.get_data(as_text=True)
    assert name in body and "12000" in body                # says what gives it away
    assert db.session.scalar(select(CaseArticle.id)) is None
    resp = client.post(f"/clinic/{case.id}/article", data={**article, "send": "1"})
    assert resp.status_code == 302
    row = db.session.scalar(select(CaseArticle))
    assert row.awaits_review

    # Another enterprise of the chain finds it only once the desk approved it.
    reader = factories.create_user(enterprise=factories.create_enterprise())
    login(reader)
    assert "运动鞋开胶" not in client.get("/clinic/library?q=开胶").get_data(as_text=True)
    login(people["admin"])
    resp = client.post(f"/clinic/{case.id}/article/approve",
                       data={"version": str(row.version), "note": ""})
    assert resp.status_code == 302
    login(reader)
    page = client.get("/clinic/library?q=开胶").get_data(as_text=True)
    assert "运动鞋开胶的原因" in page
    assert "运动鞋开胶的原因" not in client.get("/clinic/library?q=色牢度").get_data(
        as_text=True)
    assert client.get(f"/clinic/library/{row.id}").status_code == 200
    # ... and an enterprise of another chain does not.
    from blueprints.catalogue.kinds import IndustryChain
    food = factories.create_user(enterprise=factories.create_enterprise(
        industry_chain=IndustryChain.leisure_food))
    login(food)
    assert client.get(f"/clinic/library/{row.id}").status_code == 404
    assert "运动鞋开胶" not in client.get("/clinic/library").get_data(as_text=True)


def test_the_county_figures_count_the_cases(client, login, users, dummy_lab):
    people = clinic_people(users, dummy_lab)
    resolved_case(client, login, people)
    open_case(client, login, people["sme"])
    login(people["sme"])
    assert client.get("/clinic/figures").status_code == 403
    login(people["admin"])
    page = client.get("/clinic/figures").get_data(as_text=True)
    assert 'id="fig-opened">2<' in page and 'id="fig-solved">1<' in page
    assert 'id="fig-resolution">0<' in page            # resolved the day it was opened
    assert client.get("/clinic/figures?since=2026-05-01&until=2026-04-01").status_code == 400
