"""Cases are confidential to the enterprise, its experts and the desk: another
enterprise, another expert and lab staff get 404 on a case and on everything in it;
a case opened from a failed result links both ways, and only for its owner."""
import io
import re

import pytest
from sqlalchemy import select

from blueprints.clinic.models import CaseAttachment, ClinicCase
from blueprints.clinic.work import CaseVisit, CorrectiveAction
from core.roles import Role
from extensions import db
from tests import factories
from tests.clinic.journey import (
    accepted_case,
    book_visit,
    clinic_people,
    open_case,
    plan_action,
    record_finding,
    step,
)


@pytest.fixture
def case_with_everything(client, login, users, dummy_lab):
    people = clinic_people(users, dummy_lab)
    case = accepted_case(client, login, people)
    client.post(f"/clinic/{case.id}/files", data={
        "file": (io.BytesIO(b"\x89PNG\r\n\x1a\n" + b"0" * 64), "鞋底照片.png")},
        content_type="multipart/form-data")
    assert book_visit(client, case).status_code == 302
    assert record_finding(client, case).status_code == 302
    assert plan_action(client, case).status_code == 302
    db.session.refresh(case)
    return people, case


def _urls(case):
    file = db.session.scalar(select(CaseAttachment))
    visit = db.session.scalar(select(CaseVisit))
    action = db.session.scalar(select(CorrectiveAction))
    return [f"/clinic/{case.id}", f"/clinic/{case.id}/files/{file.id}",
            f"/clinic/{case.id}/visits/{visit.id}.ics", f"/clinic/{case.id}/article"], \
        [(f"/clinic/{case.id}/visits/{visit.id}/cancel", {"text": "x"}),
         (f"/clinic/{case.id}/actions/{action.id}/done",
          {"evidence": "x", "version": str(action.version)}),
         (f"/clinic/{case.id}/findings", {"finding-cause": "man",
                                           "finding-description": "x"}),
         (f"/clinic/{case.id}/files", {}),
         (f"/clinic/{case.id}/accept", {"version": str(case.version)})]


@pytest.mark.parametrize("who", ["other_enterprise", "other_expert", "lab_staff",
                                 "lab_manager", "citizen"])
def test_strangers_get_404_on_a_case_and_everything_in_it(client, login, users, dummy_lab,
                                                           case_with_everything, who):
    _people, case = case_with_everything
    stranger = {
        "other_enterprise": lambda: factories.create_user(Role.sme),
        "other_expert": lambda: factories.create_expert(name="别的专家").user,
        "lab_staff": lambda: users[Role.lab_staff],
        "lab_manager": lambda: users[Role.lab_manager],
        "citizen": lambda: users[Role.citizen],
    }[who]()
    gets, posts = _urls(case)
    login(stranger)
    for url in gets:
        resp = client.get(url)
        assert resp.status_code == 404, url
        resp.close()
    for url, data in posts:
        assert client.post(url, data=data).status_code == 404, url
    page = client.get("/clinic/").get_data(as_text=True)
    assert case.number not in page


def test_the_owner_expert_and_desk_reach_the_case(client, login, users, case_with_everything):
    people, case = case_with_everything
    gets, _posts = _urls(case)
    for person in (people["sme"], people["expert"].user, people["admin"]):
        login(person)
        assert client.get(gets[0]).status_code == 200
        photo = client.get(gets[1])
        assert photo.status_code == 200 and photo.data.startswith(b"\x89PNG")
        photo.close()
        ics = client.get(gets[2])
        assert ics.status_code == 200 and b"BEGIN:VEVENT" in ics.data
        assert case.number.encode() in ics.data


def test_the_visits_calendar_entry_links_the_public_address(client, login, users,
                                                            case_with_everything):
    people, case = case_with_everything
    login(people["sme"])
    visit = db.session.scalar(select(CaseVisit))
    body = client.get(f"/clinic/{case.id}/visits/{visit.id}.ics").get_data(as_text=True)
    assert f"https://qidesk.jinjiang.example/clinic/{case.id}" in body.replace("\r\n ", "")
    assert "localhost" not in body


def test_a_case_from_a_failed_result_links_both_ways_only_for_its_owner(client, login, users,
                                                                         dummy_lab):
    service = factories.create_service(labs=[dummy_lab])
    sub = factories.create_approved_part(dummy_lab, service, users[Role.sme],
                                         users[Role.lab_manager], values=("120",))
    result = sub.items[0].results[0]
    login(users[Role.sme])
    page = client.get(f"/requests/{sub.request_id}").get_data(as_text=True)
    assert f"/clinic/new?result={result.id}" in page
    form = client.get(f"/clinic/new?result={result.id}").get_data(as_text=True)
    assert "120" in form and f'value="{result.id}"' in form
    case = open_case(client, login, users[Role.sme], result_id=str(result.id))
    assert case.result_id == result.id
    page = client.get(f"/requests/{sub.request_id}").get_data(as_text=True)
    assert f"/clinic/{case.id}" in page and case.number in page
    assert f"/requests/{sub.request_id}" in client.get(f"/clinic/{case.id}").get_data(
        as_text=True)

    # Another enterprise cannot open a case about it, nor learn it exists.
    login(factories.create_user(Role.sme))
    assert client.get(f"/clinic/new?result={result.id}").status_code == 404
    resp = client.post("/clinic/new", data={"title": "x", "product": "x", "symptoms": "x",
                                            "chain": "other", "result_id": str(result.id)})
    assert resp.status_code == 404
    assert db.session.scalar(select(ClinicCase.id).where(ClinicCase.id != case.id)) is None
    # The lab sees the result but not the clinic case on its pages.
    login(users[Role.lab_manager])
    assert case.number not in client.get(f"/lab/requests/{sub.id}").get_data(as_text=True)


def test_a_passed_result_is_no_reason_to_open_a_case(client, login, users, dummy_lab):
    service = factories.create_service(labs=[dummy_lab])
    sub = factories.create_approved_part(dummy_lab, service, users[Role.sme],
                                         users[Role.lab_manager], values=("12",))
    login(users[Role.sme])
    assert client.get(f"/clinic/new?result={sub.items[0].results[0].id}").status_code == 404


def test_a_declined_expert_loses_sight_of_the_case(client, login, users, dummy_lab):
    people = clinic_people(users, dummy_lab)
    case = open_case(client, login, people["sme"])
    login(people["admin"])
    db.session.refresh(case)
    client.post(f"/clinic/{case.id}/dispatch", data={
        "version": str(case.version), "experts": [str(people["expert"].id),
                                                  str(people["lab_expert"].id)]})
    login(people["lab_expert"].user)
    assert client.get(f"/clinic/{case.id}").status_code == 200
    assert step(client, case, "decline", "不在本领域").status_code == 302
    assert client.get(f"/clinic/{case.id}").status_code == 404
    login(people["expert"].user)
    assert client.get(f"/clinic/{case.id}").status_code == 200


def _feed_address(client) -> str:
    """Make the person's feed address on the clinic page and read it back."""
    assert client.post("/clinic/feeds", data={}).status_code == 302
    page = client.get("/clinic/").get_data(as_text=True)
    return re.search(r'id="feed-address" readonly value="([^"]+)"', page).group(1)


def test_the_visits_feed_shows_each_person_the_visits_on_their_cases(client, login, users,
                                                                      case_with_everything):
    people, case = case_with_everything
    visit = db.session.scalar(select(CaseVisit))
    login(people["sme"])
    sme_feed = _feed_address(client)
    assert sme_feed.startswith("https://qidesk.jinjiang.example/clinic/feeds/")
    login(people["expert"].user)
    expert_feed = _feed_address(client)
    client.post("/logout")
    for address in (sme_feed, expert_feed):            # a calendar app: no sign-in
        body = client.get(address.split(".example", 1)[1]).get_data(as_text=True)
        assert f"UID:clinic-visit-{visit.id}@qidesk" in body
        assert case.number in body
    # A stranger's feed, an expert not on the case, lists nothing of it.
    login(people["lab_expert"].user)
    other = client.get(_feed_address(client).split(".example", 1)[1])
    assert other.status_code == 200 and case.number.encode() not in other.data
    # A new address ends the old one; a made-up one is nobody's.
    login(people["sme"])
    renewed = _feed_address(client)
    assert renewed != sme_feed
    assert client.get(sme_feed.split(".example", 1)[1]).status_code == 404
    assert client.get("/clinic/feeds/made-up.ics").status_code == 404


def test_people_without_cases_have_no_visits_feed(client, login, users):
    login(users[Role.citizen])
    assert client.post("/clinic/feeds", data={}).status_code == 404
    login(users[Role.lab_staff])
    assert client.post("/clinic/feeds", data={}).status_code == 404


def test_lab_staff_in_the_expert_pool_find_the_clinic_in_the_menu(client, login, users,
                                                                  dummy_lab):
    login(users[Role.lab_staff])
    assert 'href="/clinic/"' not in client.get("/tasks/").get_data(as_text=True)
    expert = factories.create_expert(lab=dummy_lab, name="陈工")
    login(expert.user)
    assert 'href="/clinic/"' in client.get("/tasks/").get_data(as_text=True)
    assert client.get("/clinic/").status_code == 200
