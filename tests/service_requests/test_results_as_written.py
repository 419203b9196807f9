"""Results typed as labs write them, in the per-item form and the worklist grid, are
kept as written, judged by their own rule, and printed so on the report."""
import re
from decimal import Decimal

import pytest

from blueprints.catalogue.kinds import LimitKind
from blueprints.catalogue.models import ServiceParameter
from blueprints.certificates.models import Certificate
from blueprints.service_requests.models import Result, SubRequest
from blueprints.service_requests.verdicts import Verdict
from blueprints.service_requests.written_results import ResultForm
from core.roles import Role
from extensions import db
from tests import factories
from tests.certificates.test_documents import pdf_text


@pytest.fixture
def written(metrology):
    """A formaldehyde test (≤ 75 mg/kg, detected from 0.5) and a colour-fastness
    grade on the grey scale (at least grade 3), at the metrology institute's lab."""
    service = factories.create_service(labs=[metrology["lab"]], parameters=[
        ServiceParameter(position=1, name_zh="甲醛", name_en="Formaldehyde", unit="mg/kg",
                         limit_kind=LimitKind.max, limit_max=Decimal(75),
                         detection_limit=Decimal("0.5")),
        ServiceParameter(position=2, name_zh="耐水洗色牢度", name_en="Colour fastness to washing",
                         unit="级", limit_kind=LimitKind.min, limit_min=Decimal(3),
                         grade_scale="grey")])
    def part():
        return factories.create_approved_part(metrology["lab"], service,
                                              factories.create_user(Role.sme),
                                              metrology["manager"], values=(),
                                              state="in_progress")
    return service, part


def stored(sub) -> dict[int, Result]:
    db.session.expire_all()
    return {r.parameter.position: r for r in db.session.get(SubRequest, sub.id).items[0].results}


def issue(client, login, metrology, sub, analyst) -> str:
    """Submitted by the analyst, approved and issued by the manager: the PDF's text."""
    login(analyst)
    sub = db.session.get(SubRequest, sub.id)
    assert client.post(f"/lab/requests/{sub.id}/do/submit_results",
                       data={"version": str(sub.version)}).status_code == 302
    db.session.refresh(sub)
    login(metrology["manager"])
    assert client.post(f"/lab/requests/{sub.id}/do/approve",
                       data={"version": str(sub.version), "and_issue": "1"}).status_code == 302
    cert = db.session.scalar(db.select(Certificate).filter_by(sub_request_id=sub.id))
    return pdf_text(client.application, cert)[0]


def test_the_per_item_form_keeps_nd_and_grades_as_written(app, client, login, metrology,
                                                          written):
    service, part = written
    sub = part()
    item = sub.items[0]
    p1, p2 = service.parameters
    analyst = login(factories.create_user(Role.lab_staff, lab=metrology["lab"]))
    url = f"/lab/requests/{sub.id}/items/{item.id}/results"
    resp = client.post(url, data={"version": str(sub.version),
                                  f"r-{item.id}-{p1.id}-value": "未检出",
                                  f"r-{item.id}-{p2.id}-value": "3-4"})
    assert resp.status_code == 302
    results = stored(sub)
    assert (results[1].form, results[1].as_written, results[1].verdict) == (
        ResultForm.not_detected, "ND", Verdict.passed)     # below 0.5, so below 75
    assert (results[2].form, results[2].value, results[2].high_value, results[2].verdict) == (
        ResultForm.grade, Decimal(3), Decimal(4), Verdict.passed)
    page = client.get(f"/lab/requests/{sub.id}").get_data(as_text=True)
    assert 'value="ND"' in page and 'value="3-4"' in page  # shown back as written
    # A censored value across the limit is kept, and said to be undecidable.
    sub = db.session.get(SubRequest, sub.id)
    client.post(url, data={"version": str(sub.version), f"r-{item.id}-{p1.id}-value": "< 100",
                           f"r-{item.id}-{p2.id}-value": "4/5"})
    results = stored(sub)
    assert (results[1].form, results[1].as_written, results[1].verdict) == (
        ResultForm.below, "< 100", Verdict.inconclusive)
    assert results[2].as_written == "4-5"
    # What cannot be read is refused in plain words, and nothing changes.
    sub = db.session.get(SubRequest, sub.id)
    bad = client.post(url, data={"version": str(sub.version),
                                 f"r-{item.id}-{p1.id}-value": "abc",
                                 f"r-{item.id}-{p2.id}-value": "3-5"})
    page = bad.get_data(as_text=True)
    assert bad.status_code == 400 and "无法识别“abc”" in page and "不是该评级标尺上的级别" in page
    assert stored(sub)[1].as_written == "< 100"
    text = issue(client, login, metrology, sub, analyst)
    assert "< 100" in text and "无法判定" in text and "4-5" in text


def test_the_worklist_reads_results_the_same_way(app, client, login, metrology, written):
    service, part = written
    subs = [part(), part()]
    p1, p2 = service.parameters
    analyst = login(factories.create_user(Role.lab_staff, lab=metrology["lab"]))
    assert client.get(f"/lab/worklist?service={service.id}").status_code == 200
    data = {}
    for sub, (v1, v2) in zip(subs, (("<0.01", "4"), ("＜5", "2-3")), strict=True):
        item = sub.items[0]
        data.update({f"v-{item.id}": str(sub.version), f"r-{item.id}-{p1.id}-value": v1,
                     f"r-{item.id}-{p2.id}-value": v2})
    resp = client.post(f"/lab/worklist?service={service.id}", data=data)
    assert resp.status_code == 302, resp.get_data(as_text=True)
    first, second = stored(subs[0]), stored(subs[1])
    assert (first[1].as_written, first[1].verdict, first[2].verdict) == (
        "< 0.01", Verdict.passed, Verdict.passed)
    assert (second[1].as_written, second[2].as_written, second[2].verdict) == (
        "< 5", "2-3", Verdict.failed)                       # 2-3 is below grade 3
    text = issue(client, login, metrology, subs[0], analyst)
    assert "< 0.01" in text and "合格" in text


def test_the_form_says_what_it_read_before_saving(app, client, login, metrology, written):
    service, part = written
    sub = part()
    p1, p2 = service.parameters
    login(factories.create_user(Role.lab_staff, lab=metrology["lab"]))
    page = client.get(f"/lab/requests/{sub.id}").get_data(as_text=True)
    url = f"/lab/parameters/{p1.id}/read"
    assert f'data-read-url="{url}"' in page

    def read(param, raw):
        return client.get(f"/lab/parameters/{param.id}/read", query_string={"raw": raw}).json

    assert read(p1, "ND") == {"understood": "未检出：低于检出限 0.5 mg/kg；判定：合格"}
    assert read(p1, "< 100") == {"understood": "低于 100 mg/kg；判定：无法对照限值判定"}
    assert read(p1, "12.50") == {"understood": "数值 12.50 mg/kg；判定：合格"}
    assert read(p2, "3-4") == {"understood": "介于 3 级与 4 级之间；判定：合格"}
    assert "无法识别“abc”" in read(p1, "abc")["error"]
    assert read(p1, "") == {"understood": ""}
    login(factories.create_user(Role.sme))  # the lab's tool, not the applicant's
    assert client.get(url, query_string={"raw": "ND"}).status_code == 403


# What an analyst would type into each kind of field a result form shows.
TYPED = {"value": "199.80", "unc": "0.15", "ref": "200", "text": "0.502", "judged": "pass"}


def visible_fields(page: str, item_id: int) -> set[str]:
    """The names of every result input and select the page shows for the item."""
    return set(re.findall(rf'<(?:input|select)[^>]*name="(r-{item_id}-\d+-\w+)"', page))


def test_every_visible_input_is_stored_or_refused(app, client, login, metrology, written):
    """A calibration with its reference and uncertainty, a point judged in words, a
    grey-scale grade: each field the forms show is stored, none silently dropped."""
    calibration = metrology["calibration"]
    calibration.parameters.append(ServiceParameter(
        position=2, name_zh="回程误差", name_en="Hysteresis", unit="mg",
        limit_kind=LimitKind.text, limit_text="不超过最大允许误差", has_uncertainty=True))
    db.session.commit()
    for service, grid in ((calibration, False), (written[0], True)):
        sub = factories.create_approved_part(metrology["lab"], service,
                                             factories.create_user(Role.sme),
                                             metrology["manager"], values=(),
                                             state="in_progress")
        item = sub.items[0]
        login(factories.create_user(Role.lab_staff, lab=metrology["lab"]))
        page = client.get(f"/lab/worklist?service={service.id}" if grid
                          else f"/lab/requests/{sub.id}").get_data(as_text=True)
        fields = visible_fields(page, item.id)
        assert fields, page
        typed = {name: TYPED[name.rsplit("-", 1)[1]] for name in fields}
        for name in fields:  # a grade field takes a grade
            param = db.session.get(ServiceParameter, int(name.split("-")[2]))
            if param.grade_scale:
                typed[name] = "3-4"
        data = {"version": str(sub.version), f"v-{item.id}": str(sub.version), **typed}
        resp = client.post(f"/lab/worklist?service={service.id}" if grid else
                           f"/lab/requests/{sub.id}/items/{item.id}/results", data=data)
        assert resp.status_code == 302, resp.get_data(as_text=True)
        results = {r.parameter_id: r for r in stored(sub).values()}
        for name, raw in typed.items():
            param_id, part = int(name.split("-")[2]), name.rsplit("-", 1)[1]
            result = results[param_id]
            kept = {"value": result.as_written, "unc": result.uncertainty,
                    "ref": result.reference_value, "text": result.text_value,
                    "judged": result.verdict.value}[part]
            expected = Decimal(raw) if part in ("unc", "ref") else raw
            assert kept == expected, (name, raw, kept)


def test_a_safety_class_is_typed_judged_and_printed_with_its_name(app, client, login,
                                                                  metrology):
    """GB 18401: "at least class B" is the limit ≥ 2 on the class scale; the analyst
    types "a类", the report prints "A类" against "≥ B类"."""
    service = factories.create_service(labs=[metrology["lab"]], parameters=[
        ServiceParameter(position=1, name_zh="安全技术类别", name_en="Safety class",
                         limit_kind=LimitKind.min, limit_min=Decimal(2),
                         grade_scale="gb18401")])
    sub = factories.create_approved_part(metrology["lab"], service,
                                         factories.create_user(Role.sme),
                                         metrology["manager"], values=(), state="in_progress")
    item, param = sub.items[0], service.parameters[0]
    analyst = login(factories.create_user(Role.lab_staff, lab=metrology["lab"]))
    url = f"/lab/requests/{sub.id}/items/{item.id}/results"
    page = client.get(f"/lab/requests/{sub.id}").get_data(as_text=True)
    assert "≥ B类" in page
    refused = client.post(url, data={"version": str(sub.version),
                                     f"r-{item.id}-{param.id}-value": "D类"})
    assert refused.status_code == 400 and "C类, B类, A类" in refused.get_data(as_text=True)
    assert client.post(url, data={"version": str(sub.version),
                                  f"r-{item.id}-{param.id}-value": "a类"}).status_code == 302
    result = stored(sub)[1]
    assert (result.as_written, result.value, result.verdict) == ("A类", Decimal(3),
                                                                 Verdict.passed)
    text = issue(client, login, metrology, sub, analyst)
    assert "A类" in text and "≥ B类" in text
