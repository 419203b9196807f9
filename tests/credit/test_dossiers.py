"""Quality records and quality-credit dossiers over HTTP: the desk enters records with
their evidence; the enterprise makes a signed dossier for its bank, which the bank
checks with the printed code (each view logged for the enterprise); revoked and
expired dossiers say so and show nothing more; a changed copy fails the check; and
nobody else learns a dossier exists."""
import hashlib
import io
import os
import re
from datetime import date, timedelta

import pytest
from pypdf import PdfReader

from blueprints.audit.models import AuditEvent
from blueprints.certificates.signing import signature_status
from blueprints.credit.evidence import SOURCES
from blueprints.credit.indicators import indicator_set
from blueprints.credit.models import Dossier, DossierView
from blueprints.enterprises.models import EnterpriseStatus
from blueprints.enterprises.records import QualityRecord
from core.roles import Role
from core.timeutil import local_today
from extensions import db
from tests import factories
from tests.conftest import PUBLIC_URL

PDF = b"%PDF-1.4\n% evidence\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(autouse=True)
def english(client):
    client.get("/lang/en")


def enter(client, enterprise_id: int, **fields):
    data = {"category": "certification/qms", "title": "ISO 9001:2015 质量管理体系认证",
            "reference": "00126Q31234R0S", "issuer": "中国质量认证中心", "outcome": "",
            "dated": "2025-03-01", "valid_until": "2028-02-28",
            "file": (io.BytesIO(PDF), "iso9001.pdf"), **fields}
    return client.post(f"/enterprises/{enterprise_id}/records", data=data,
                       content_type="multipart/form-data")


@pytest.fixture
def records(client, login, users, dummy_enterprise):
    """The desk has entered a QMS certificate, a provincial award and a sampling pass."""
    login(users[Role.admin])
    for fields in ({}, {"category": "award/provincial", "title": "福建省质量奖提名奖",
                        "reference": "闽政〔2025〕12号", "valid_until": "",
                        "file": (io.BytesIO(PDF), "award.pdf")},
                   {"category": "sampling/provincial", "title": "运动鞋 省级监督抽查",
                    "outcome": "passed", "valid_until": "", "dated": "2026-05-10",
                    "file": (io.BytesIO(PDF), "sampling.pdf")}):
        assert enter(client, dummy_enterprise.id, **fields).status_code == 302
    return db.session.scalars(db.select(QualityRecord).order_by(QualityRecord.id)).all()


def make(client, **fields):
    data = {"bank": "晋江农商银行 青阳支行", "purpose": "质量贷 200万元 设备更新", "consent": "y",
            **fields}
    return client.post("/credit/new", data=data)


@pytest.fixture
def dossier(client, login, users, records):
    login(users[Role.sme])
    resp = make(client)
    assert resp.status_code == 302, resp.get_data(as_text=True)
    return db.session.scalars(db.select(Dossier)).one()


def check(client, d, code=None, **kw):
    return client.get("/credit/check", query_string={"number": d.number,
                                                     "code": code or d.access_code}, **kw)


def stored(app, d) -> bytes:
    return app.extensions["qidesk.storage"].get(d.key)


def test_every_source_the_set_names_is_one_the_desk_has():
    assert {i.source for i in indicator_set("jinjiang").indicators} <= SOURCES


# -- the desk's records --------------------------------------------------------------------


def test_the_desk_enters_records_with_evidence_and_they_show_on_the_profile(
        client, login, users, dummy_enterprise, records):
    assert [(r.kind.value, r.level, r.outcome) for r in records] == [
        ("certification", "qms", ""), ("award", "provincial", ""),
        ("sampling", "provincial", "passed")]
    assert records[0].evidence_sha256 == hashlib.sha256(PDF).hexdigest()
    assert db.session.scalar(db.select(db.func.count(AuditEvent.id)).where(
        AuditEvent.entity == "quality_records", AuditEvent.action == "entered")) == 3
    login(users[Role.sme])
    profile = client.get(f"/dashboards/enterprises/{dummy_enterprise.id}").get_data(as_text=True)
    assert "福建省质量奖提名奖" in profile and "00126Q31234R0S" in profile
    evidence = client.get(f"/enterprises/{dummy_enterprise.id}/records/{records[0].id}/evidence")
    assert evidence.status_code == 200 and evidence.data == PDF
    evidence.close()


@pytest.mark.parametrize("fields, message", [
    ({"file": None}, "Attach the document that shows it."),
    ({"file": (io.BytesIO(b"MZ\x90\x00 not a document"), "x.pdf")}, "Only PDF, JPEG and PNG"),
    ({"category": "sampling/provincial", "outcome": ""}, "A sampling result says passed or failed"),
    ({"category": "award/qms"}, "Not a valid choice"),
    ({"valid_until": "2020-01-01"}, "cannot expire before its date"),
    ({"dated": "31/02/2026"}, "Not a valid date value"),
])
def test_a_record_that_does_not_read_is_refused_and_nothing_is_kept(
        client, login, users, dummy_enterprise, app, fields, message):
    login(users[Role.admin])
    fields = {k: v for k, v in fields.items() if v is not None} if fields.get("file", 1) \
        else {"file": (io.BytesIO(b""), "")}
    uploads = app.config["UPLOAD_FOLDER"]
    files_before = sorted(os.listdir(uploads))    # the enterprise's licence
    resp = enter(client, dummy_enterprise.id, title="保留这段标题", **fields)
    page = resp.get_data(as_text=True)
    assert resp.status_code == 400 and message in page and "保留这段标题" in page
    assert db.session.scalar(db.select(db.func.count(QualityRecord.id))) == 0
    assert sorted(os.listdir(uploads)) == files_before


def test_records_are_the_enterprise_s_and_the_desk_s_alone(
        client, login, users, dummy_enterprise, records):
    stranger = factories.create_user(Role.sme)
    login(stranger)
    assert client.get(f"/enterprises/{dummy_enterprise.id}/records").status_code == 404
    assert client.get(f"/enterprises/{dummy_enterprise.id}/records/{records[0].id}/evidence"
                      ).status_code == 404
    login(users[Role.sme])   # a member reads but does not enter
    assert client.get(f"/enterprises/{dummy_enterprise.id}/records").status_code == 200
    assert enter(client, dummy_enterprise.id).status_code == 403
    # A record fetched under another enterprise's address is not found.
    other = factories.create_enterprise()
    login(users[Role.admin])
    assert client.get(f"/enterprises/{other.id}/records/{records[0].id}/evidence"
                      ).status_code == 404


def test_a_wrong_record_is_withdrawn_with_a_reason_and_no_longer_counts(
        client, login, users, dummy_enterprise, records):
    url = f"/enterprises/{dummy_enterprise.id}/records/{records[0].id}/withdraw"
    assert client.post(url, data={"withdraw-reason": ""}).status_code == 400
    assert client.post(url, data={"withdraw-reason": "证书号录错"}).status_code == 302
    assert records[0].is_withdrawn
    assert client.post(url, data={"withdraw-reason": "again"}).status_code == 400
    login(users[Role.sme])
    page = client.get("/credit/new").get_data(as_text=True)
    assert re.search(r'id="line-qms">.*?Unknown \(the desk has no source', page, re.S)


# -- making a dossier ----------------------------------------------------------------------


def test_the_preview_says_unknown_where_the_desk_has_no_source(client, login, users):
    login(users[Role.sme])
    page = client.get("/credit/new").get_data(as_text=True)
    lines = re.findall(r'<tr id="line-(\w+)">.*?<td class="num"[^>]*>[\d.]+</td>\s*<td[^>]*>(.*?)</td>',
                       page, re.S)
    assert len(lines) == 11
    assert {value for _id, value in lines} == {"Unknown (the desk has no source for it)"}
    assert "Not graded" in page


def test_the_enterprise_makes_a_signed_dossier_for_its_bank(app, client, dossier, records):
    assert dossier.number == f"QC-{local_today().year}-00001"
    assert dossier.valid_until == local_today() + timedelta(days=90)
    assert dossier.set_version == "2026.1" and dossier.bank == "晋江农商银行 青阳支行"
    lines = {line["id"]: line for line in dossier.snapshot["lines"]}
    assert (lines["qms"]["value"], lines["qms"]["points"]) == ("1", "10")
    assert (lines["awards"]["value"], lines["awards"]["level"]) == ("3", "provincial")
    assert lines["sampling"]["value"] == "100.0" and lines["tests"]["value"] is None
    assert lines["qms"]["evidence"][0]["record_id"] == records[0].id
    # 10 + 5.6 + 15 = 30.6 points; 10 + 7 + 15 = 32 of the weight known: not graded
    assert (str(dossier.score), dossier.grade, str(dossier.known_weight)) == \
        ("30.6", None, "32.0")
    data = stored(app, dossier)
    assert hashlib.sha256(data).hexdigest() == dossier.sha256
    from blueprints.certificates.issuing import signing_folder
    assert signature_status(data, signing_folder()) == "valid"
    text = " ".join(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(data)).pages).split())
    assert f"{PUBLIC_URL}/credit/check?number={dossier.number}" in text.replace(" ", "")
    assert "2026.1" in text and dossier.access_code in text
    assert db.session.scalar(db.select(AuditEvent).where(
        AuditEvent.entity == "credit_dossiers", AuditEvent.action == "made")).after["sha256"] \
        == dossier.sha256
    download = client.get(f"/credit/{dossier.id}.pdf")
    assert download.status_code == 200 and download.data == data
    download.close()


def test_a_dossier_needs_consent_and_a_bank_and_keeps_what_was_typed(client, login, users):
    login(users[Role.sme])
    resp = make(client, consent="", purpose="设备贷款")
    assert resp.status_code == 400 and "made only with your agreement" in resp.get_data(as_text=True)
    assert "设备贷款" in resp.get_data(as_text=True)
    assert make(client, bank="").status_code == 400
    assert db.session.scalar(db.select(db.func.count(Dossier.id))) == 0


def test_only_an_enterprise_administrator_of_a_verified_enterprise_makes_one(
        client, login, users, dummy_enterprise):
    colleague = factories.create_user(Role.sme, enterprise=dummy_enterprise,
                                      is_enterprise_admin=False)
    login(colleague)
    assert make(client).status_code == 403
    pending = factories.create_enterprise(status=EnterpriseStatus.pending)
    login(factories.create_user(Role.sme, enterprise=pending))
    resp = make(client)
    assert resp.status_code == 400 and "verified enterprises only" in resp.get_data(as_text=True)
    assert db.session.scalar(db.select(db.func.count(Dossier.id))) == 0


def test_a_dossier_is_404_to_everyone_but_its_enterprise(client, login, users, dossier):
    for url in (f"/credit/{dossier.id}", f"/credit/{dossier.id}.pdf"):
        login(factories.create_user(Role.sme))
        assert client.get(url).status_code == 404
    login(factories.create_user(Role.sme))
    assert client.post(f"/credit/{dossier.id}/revoke", data={"reason": "x"}).status_code == 404
    assert client.get("/credit/").get_data(as_text=True).count(dossier.number) == 0
    for role in (Role.admin, Role.lab_manager):
        login(users[role])
        assert client.get(f"/credit/{dossier.id}").status_code in (403, 404)


# -- the bank's check ----------------------------------------------------------------------


def test_the_bank_opens_it_with_the_code_and_the_enterprise_sees_the_view(
        client, login, dossier):
    client.post("/logout")
    assert check(client, dossier, code="WRONGCODE234").status_code == 404
    assert client.get("/credit/check", query_string={"number": dossier.number}
                      ).get_data(as_text=True).count("福建省质量奖") == 0
    page = check(client, dossier, headers={"User-Agent": "BankBrowser/1.0"},
                 environ_base={"REMOTE_ADDR": "10.1.2.3"})
    text = page.get_data(as_text=True)
    assert page.status_code == 200 and "valid until" in text
    assert "福建省质量奖提名奖" in text and dossier.sha256 in text
    assert db.session.scalar(db.select(db.func.count(DossierView.id))) == 1
    login(dossier.made_by)
    mine = client.get(f"/credit/{dossier.id}").get_data(as_text=True)
    assert "10.1.2.3" in mine and "BankBrowser/1.0" in mine and "1 in all" in mine
    assert re.search(rf'{dossier.number}</a>.*?<td class="num">1</td>',
                     client.get("/credit/").get_data(as_text=True), re.S)


def test_a_revoked_dossier_says_so_and_shows_nothing_more(client, login, users, dossier):
    colleague = factories.create_user(Role.sme, enterprise=dossier.enterprise,
                                      is_enterprise_admin=False)
    login(colleague)
    assert client.post(f"/credit/{dossier.id}/revoke", data={"reason": "x"}).status_code == 403
    login(dossier.made_by)
    assert client.post(f"/credit/{dossier.id}/revoke", data={"reason": ""}).status_code == 400
    assert client.post(f"/credit/{dossier.id}/revoke",
                       data={"reason": "贷款已办完"}).status_code == 302
    assert client.post(f"/credit/{dossier.id}/revoke",
                       data={"reason": "again"}).status_code == 400
    client.post("/logout")
    text = check(client, dossier).get_data(as_text=True)
    assert "Revoked" in text and "revoked this dossier" in text and dossier.sha256 in text
    assert "福建省质量奖提名奖" not in text and dossier.enterprise.name not in text
    assert db.session.scalar(db.select(DossierView.status)) == "revoked"
    assert db.session.scalar(db.select(AuditEvent.reason).where(
        AuditEvent.entity == "credit_dossiers", AuditEvent.action == "revoked")) == "贷款已办完"


def test_an_expired_dossier_says_so_and_shows_nothing_more(client, dossier):
    dossier.made_on = date(2026, 1, 2)
    dossier.valid_until = date(2026, 4, 2)
    db.session.commit()
    client.post("/logout")
    text = check(client, dossier).get_data(as_text=True)
    assert "Expired" in text and "expired on 2026-04-02" in text
    assert "福建省质量奖提名奖" not in text


def test_the_original_passes_the_check_and_a_changed_copy_fails(app, client, dossier):
    data = stored(app, dossier)
    client.post("/logout")

    def compare(body: bytes) -> str:
        resp = client.post("/credit/check", data={"number": dossier.number,
                                                  "code": dossier.access_code,
                                                  "pdf": (io.BytesIO(body), "copy.pdf")},
                           content_type="multipart/form-data")
        assert resp.status_code == 200
        return resp.get_data(as_text=True)

    original = compare(data)
    assert "the original, byte for byte" in original and "signature on this file is intact" in original
    at = len(data) // 3            # one byte changed inside the signed content
    tampered = compare(data[:at] + bytes([data[at] ^ 0x01]) + data[at + 1:])
    assert "NOT the original" in tampered and "does not validate" in tampered
    assert db.session.scalar(db.select(db.func.count(DossierView.id)).where(
        DossierView.kind == "copy_checked")) == 2
    # Without a file, or for a dossier nobody has the code of, nothing is compared.
    assert client.post("/credit/check", data={"number": dossier.number,
                                              "code": dossier.access_code}).status_code == 400
    assert client.post("/credit/check", data={"number": dossier.number, "code": "X",
                                              "pdf": (io.BytesIO(data), "c.pdf")},
                       content_type="multipart/form-data").status_code == 400


# -- cost ----------------------------------------------------------------------------------


def test_the_pages_run_the_same_statements_for_few_records_and_views_or_many(
        client, login, users, dummy_enterprise, dossier, count_queries):
    pages = ["/credit/", f"/credit/{dossier.id}",
             f"/dashboards/enterprises/{dummy_enterprise.id}",
             f"/enterprises/{dummy_enterprise.id}/records"]

    def counts() -> list[int]:
        login(dossier.made_by)
        found = []
        for url in pages:
            client.get(url)          # warm: only the page's own statements are counted
            with count_queries() as seen:
                assert client.get(url).status_code == 200
            found.append(len(seen.statements))
        return found

    few = counts()
    for n in range(6):      # each by another of the desk's administrators
        login(factories.create_user(Role.admin))
        enter(client, dummy_enterprise.id, title=f"记录{n}", file=(io.BytesIO(PDF), f"{n}.pdf"))
    client.post("/logout")
    for _n in range(6):
        check(client, dossier)
    assert counts() == few
