"""Every document the desk writes and serves again, through the real pages, on both
storage back ends: kept where the settings say (with "s3", in the bucket and nowhere
on disk; with "local", at the very path it always had), served back byte for byte,
and, once changed behind the desk's back, withheld (no altered byte sent), logged and
kept in the audit log."""
import hashlib
import io
import logging
import os
import zipfile
from dataclasses import dataclass

import pytest
from PIL import Image
from pypdf import PdfReader

from blueprints.audit.models import AuditEvent
from blueprints.auth.signature import drawn_signature
from blueprints.certificates import batches
from blueprints.certificates.models import BatchState, Certificate, CertificateBatch
from blueprints.clinic.models import CaseAttachment
from blueprints.credit.models import Dossier
from blueprints.enterprises.models import Enterprise
from blueprints.enterprises.records import QualityRecord
from blueprints.standards.import_runs import ImportState, StandardImport
from core.roles import Role
from core.storage import FOLDER_SETTINGS
from extensions import db
from tests import factories
from tests.certificates.test_batches import approved_parts, start_batch
from tests.certificates.test_documents import issue_over_http
from tests.clinic.journey import clinic_people, open_case
from tests.conftest import PUBLIC_URL, s3_client
from tests.enterprises.test_enterprises import GOOD_CODE, registration
from tests.journeys import make_draft, worker_runs_batch
from tests.standards.test_import import as_csv, upload

PDF = b"%PDF-1.4\n% evidence kept by the desk\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4
MARKER = b"%% changed behind the desk's back %%"


@pytest.fixture(params=["local", "s3"])
def storage_config(request):
    """Each test here runs on the instance folders and on a bucket of its own."""
    return request.getfixturevalue("s3_bucket") if request.param == "s3" else {}


def in_bucket(app) -> bool:
    return app.config.get("STORAGE_BACKEND") == "s3"


def files_on_disk(app) -> list[str]:
    """Every document file in the local back end's folders, as a key."""
    found = []
    for area, setting in FOLDER_SETTINGS.items():
        root = app.config[setting]
        for folder, _dirs, names in os.walk(root):
            found += ["/".join([area, *os.path.relpath(os.path.join(folder, n), root)
                                .split(os.sep)]) for n in names]
    return sorted(found)


def objects_in_bucket(app) -> list[str]:
    listing = s3_client(app.config).list_objects_v2(Bucket=app.config["S3_BUCKET"])
    return sorted(obj["Key"] for obj in listing.get("Contents", []))


def assert_kept(app, key: str) -> None:
    """The document is in the configured storage, and with "s3" nothing is on disk."""
    if in_bucket(app):
        assert key in objects_in_bucket(app)
        assert files_on_disk(app) == []
    else:
        assert key in files_on_disk(app)


def change_behind_the_desks_back(app, key: str) -> None:
    """Alter the stored bytes as someone with access to the disk or bucket could."""
    if in_bucket(app):
        client = s3_client(app.config)
        body = client.get_object(Bucket=app.config["S3_BUCKET"], Key=key)["Body"].read()
        client.put_object(Bucket=app.config["S3_BUCKET"], Key=key, Body=body + MARKER)
    else:
        area, name = key.split("/", 1)
        with open(os.path.join(app.config[FOLDER_SETTINGS[area]], name), "ab") as fh:
            fh.write(MARKER)


def remove_behind_the_desks_back(app, key: str) -> None:
    if in_bucket(app):
        s3_client(app.config).delete_object(Bucket=app.config["S3_BUCKET"], Key=key)
    else:
        area, name = key.split("/", 1)
        os.remove(os.path.join(app.config[FOLDER_SETTINGS[area]], name))


@dataclass
class Document:
    url: str           # where its reader downloads it
    key: str           # where it is stored
    sha256: str        # as the desk recorded it
    reader: object     # who may download it
    folder: str        # the local setting whose folder held it before there was a storage
    sent: bytes | None = None  # what was uploaded, for an uploaded file


def certificate(request, client, login) -> Document:
    metrology = request.getfixturevalue("metrology")
    sub = factories.create_approved_part(metrology["lab"], metrology["verification"],
                                         factories.create_user(Role.citizen),
                                         metrology["manager"], values=("1.5",))
    cert = issue_over_http(client, login, metrology["manager"], sub)
    return Document(f"/certificates/{cert.id}.pdf", cert.key, cert.sha256,
                    metrology["manager"], "CERTIFICATE_FOLDER")


def enter_record(client, login, admin, enterprise) -> QualityRecord:
    login(admin)
    resp = client.post(f"/enterprises/{enterprise.id}/records", data={
        "category": "certification/qms", "title": "ISO 9001:2015 质量管理体系认证",
        "reference": "00126Q31234R0S", "issuer": "中国质量认证中心", "outcome": "",
        "dated": "2025-03-01", "valid_until": "2028-02-28",
        "file": (io.BytesIO(PDF), "iso9001.pdf")}, content_type="multipart/form-data")
    assert resp.status_code == 302, resp.get_data(as_text=True)
    return db.session.scalars(db.select(QualityRecord)).one()


def evidence(request, client, login) -> Document:
    users, enterprise = request.getfixturevalue("users"), request.getfixturevalue(
        "dummy_enterprise")
    record = enter_record(client, login, users[Role.admin], enterprise)
    return Document(f"/enterprises/{enterprise.id}/records/{record.id}/evidence",
                    record.evidence_key, record.evidence_sha256, users[Role.sme],
                    "UPLOAD_FOLDER", sent=PDF)


def dossier(request, client, login) -> Document:
    users, enterprise = request.getfixturevalue("users"), request.getfixturevalue(
        "dummy_enterprise")
    enter_record(client, login, users[Role.admin], enterprise)
    login(users[Role.sme])
    resp = client.post("/credit/new", data={"bank": "晋江农商银行 青阳支行",
                                            "purpose": "质量贷 200万元 设备更新", "consent": "y"})
    assert resp.status_code == 302, resp.get_data(as_text=True)
    made = db.session.scalars(db.select(Dossier)).one()
    return Document(f"/credit/{made.id}.pdf", made.key, made.sha256, users[Role.sme],
                    "DOSSIER_FOLDER")


def attachment(request, client, login) -> Document:
    users, two_labs = request.getfixturevalue("users"), request.getfixturevalue("two_labs")
    login(users[Role.sme])
    req = make_draft(client, two_labs["fabric"])
    resp = client.post(f"/requests/{req.id}/attachments",
                       data={"file": (io.BytesIO(PDF), "spec.pdf")},
                       content_type="multipart/form-data")
    assert resp.status_code == 302
    db.session.refresh(req)
    att = req.attachments[0]
    return Document(f"/requests/{req.id}/attachments/{att.id}", att.key, att.sha256,
                    users[Role.sme], "UPLOAD_FOLDER", sent=PDF)


def clinic_file(request, client, login) -> Document:
    users = request.getfixturevalue("users")
    people = clinic_people(users, request.getfixturevalue("dummy_lab"))
    case = open_case(client, login, people["sme"], files=(io.BytesIO(PNG), "鞋底照片.png"))
    att = db.session.scalars(db.select(CaseAttachment)).one()
    return Document(f"/clinic/{case.id}/files/{att.id}", att.key, att.sha256, people["sme"],
                    "UPLOAD_FOLDER", sent=PNG)


def licence(request, client, login) -> Document:
    users = request.getfixturevalue("users")
    client.post("/logout")
    resp = client.post("/enterprises/register", data=registration(),
                       content_type="multipart/form-data")
    assert resp.status_code == 302, resp.get_data(as_text=True)
    ent = db.session.scalars(db.select(Enterprise).filter_by(uscc=GOOD_CODE)).one()
    return Document(f"/enterprises/{ent.id}/licence", ent.licence_key, ent.licence_sha256,
                    users[Role.admin], "UPLOAD_FOLDER", sent=factories.licence_png())


KINDS = {"certificate": certificate, "dossier": dossier, "evidence": evidence,
         "attachment": attachment, "clinic_file": clinic_file, "licence": licence}


@pytest.fixture(params=list(KINDS))
def document(request, app, client, login) -> Document:
    """One document of each kind, made through its pages."""
    return KINDS[request.param](request, client, login)


def download(client, login, doc: Document):
    login(doc.reader)
    resp = client.get(doc.url)
    resp.get_data()  # read whole, then close the file behind it
    resp.close()
    return resp


def test_each_document_is_kept_where_configured_and_served_back_as_stored(
        app, client, login, document):
    assert_kept(app, document.key)
    resp = download(client, login, document)
    assert resp.status_code == 200
    assert hashlib.sha256(resp.data).hexdigest() == document.sha256
    if document.sent is not None:
        assert resp.data == document.sent
    assert resp.headers["ETag"] == f'"{document.sha256}"'
    if not in_bucket(app):
        # The same file as before there was a storage interface: nothing to move.
        area, name = document.key.split("/", 1)
        with open(os.path.join(app.config[document.folder], name), "rb") as fh:
            assert fh.read() == resp.data


def test_a_document_changed_behind_the_desks_back_is_withheld_and_recorded(
        app, client, login, document, caplog):
    change_behind_the_desks_back(app, document.key)
    with caplog.at_level(logging.ERROR, logger="core.storage"):
        resp = download(client, login, document)
    assert resp.status_code == 500
    assert resp.mimetype == "text/html" and "ETag" not in resp.headers
    assert MARKER not in resp.data and b"%PDF" not in resp.data and b"PNG" not in resp.data
    page = resp.get_data(as_text=True)
    assert "文件已拒绝提供" in page and "SHA-256" in page
    assert any(document.key in r.getMessage() for r in caplog.records
               if r.levelno == logging.ERROR)
    event = db.session.scalars(db.select(AuditEvent).filter_by(action="document_altered")).one()
    assert event.actor_id == document.reader.id and event.entity == "documents"
    assert event.after["key"] == document.key and event.after["page"] == document.url
    assert event.after["expected_sha256"] == document.sha256
    assert event.after["found_sha256"] != document.sha256
    # The desk's administrators find it in the audit log.
    login(factories.create_user(Role.admin))
    log_page = client.get("/admin/audit", query_string={"action": "document_altered"})
    assert log_page.status_code == 200 and document.key in log_page.get_data(as_text=True)


def test_a_document_gone_from_storage_is_not_found(app, client, login, document):
    remove_behind_the_desks_back(app, document.key)
    assert download(client, login, document).status_code == 404


def test_a_signature_uploaded_is_printed_on_the_certificate_kept_in_storage(
        app, client, login, metrology):
    manager = factories.create_user(Role.lab_manager, lab=metrology["lab"], signature_png=None)
    login(manager)
    signature = drawn_signature("林")
    resp = client.post("/account/signature",
                       data={"image": (io.BytesIO(signature), "sig.png")},
                       content_type="multipart/form-data")
    assert resp.status_code == 302
    sub = factories.create_approved_part(metrology["lab"], metrology["verification"],
                                         factories.create_user(Role.citizen), manager,
                                         values=("1.5",))
    cert = issue_over_http(client, login, manager, sub)
    assert_kept(app, cert.key)
    pdf = client.get(f"/certificates/{cert.id}.pdf").data
    assert hashlib.sha256(pdf).hexdigest() == cert.sha256
    # The very pixels uploaded (not another person's signature of the same size).
    pixels = Image.open(io.BytesIO(signature)).tobytes()
    other = Image.open(io.BytesIO(drawn_signature("王"))).tobytes()
    printed = [img.image.tobytes() for page in PdfReader(io.BytesIO(pdf)).pages
               for img in page.images]
    assert pixels in printed and other not in printed


def test_a_batch_writes_its_zip_and_merged_pdf_to_storage(app, client, login, metrology):
    subs = approved_parts(metrology, 3)
    batch = start_batch(client, login, metrology["manager"], subs)
    batches.run_batch(batch.id, processes=0)
    db.session.refresh(batch)
    assert batch.state == BatchState.done, batch.error
    certs = {c.number: c for c in db.session.scalars(db.select(Certificate))}
    for kind in ("zip", "pdf"):
        assert_kept(app, batch.output_key(kind))
    assert all(batch.output_key(k).startswith("certificates/batches/") for k in ("zip", "pdf"))
    archive = client.get(f"/lab/batches/{batch.id}/certificates.zip")
    with zipfile.ZipFile(io.BytesIO(archive.data)) as zf:
        assert sorted(zf.namelist()) == sorted(f"{n}.pdf" for n in certs)
        assert all(hashlib.sha256(zf.read(f"{n}.pdf")).hexdigest() == c.sha256
                   for n, c in certs.items())
    merged = client.get(f"/lab/batches/{batch.id}/certificates.pdf")
    assert merged.mimetype == "application/pdf"
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(merged.data)).pages)
    assert all(n in text for n in certs)
    archive.close()
    merged.close()


def test_a_batch_does_not_pack_a_certificate_changed_in_storage(app, client, login, metrology):
    subs = approved_parts(metrology, 2)
    manager = metrology["manager"]
    batch = start_batch(client, login, manager, subs)
    # One part is issued on its own page meanwhile; the batch then takes its certificate
    # as it is stored, which someone has changed.
    issued = issue_over_http(client, login, manager, subs[0])
    change_behind_the_desks_back(app, issued.key)
    batches.run_batch(batch.id, processes=0)
    db.session.expire_all()
    batch = db.session.get(CertificateBatch, batch.id)
    assert batch.state == BatchState.failed
    assert issued.key in batch.error and "SHA-256" in batch.error
    assert not batch.zip_name and not any("batches/" in k for k in (
        objects_in_bucket(app) if in_bucket(app) else files_on_disk(app)))
    assert client.get(f"/lab/batches/{batch.id}/certificates.zip").status_code == 404


def test_a_standards_catalogue_is_kept_in_storage_for_the_worker(app, client, login, users):
    from jobs import standard_imports
    login(users[Role.admin])
    data = as_csv()
    assert upload(client, data, "目录.csv").status_code == 302
    run = db.session.scalars(db.select(StandardImport)).one()
    assert_kept(app, run.key)
    assert standard_imports() == {"imports": 1}
    db.session.expire_all()
    assert db.session.get(StandardImport, run.id).state == ImportState.done


def test_a_standards_catalogue_changed_in_storage_is_not_imported(app, client, login, users):
    from jobs import standard_imports
    login(users[Role.admin])
    assert upload(client, as_csv(), "目录.csv", dry_run=False).status_code == 302
    run = db.session.scalars(db.select(StandardImport)).one()
    change_behind_the_desks_back(app, run.key)
    standard_imports()
    db.session.expire_all()
    run = db.session.get(StandardImport, run.id)
    assert run.state == ImportState.failed and "SHA-256" in run.error
    assert run.done == 0


def test_the_worker_process_writes_a_batch_through_the_configured_storage(
        app, client, login, metrology, database_uri, tmp_path):
    """`flask worker` in its own process, configured by QIDESK_* variables as a
    deployment is: with "s3", what it issues is in the bucket, nothing on disk."""
    subs = approved_parts(metrology, 2)
    batch = start_batch(client, login, metrology["manager"], subs)
    settings = {name: str(app.config[name]) for name in (
        "STORAGE_BACKEND", "S3_BUCKET", "S3_ENDPOINT_URL", "S3_REGION", "S3_ACCESS_KEY",
        "S3_SECRET_KEY", "UPLOAD_FOLDER", "CERTIFICATE_FOLDER", "DOSSIER_FOLDER",
        "SIGNING_FOLDER") if app.config.get(name)}
    env = {**os.environ, "FLASK_APP": "app", "QIDESK_INSTANCE_PATH": str(tmp_path / "inst"),
           "QIDESK_SQLALCHEMY_DATABASE_URI": database_uri, "QIDESK_SECRET_KEY": "w",
           "QIDESK_PUBLIC_URL": PUBLIC_URL, "QIDESK_BATCH_PROCESSES": "1",
           **{f"QIDESK_{name}": value for name, value in settings.items()}}
    batch, output = worker_runs_batch(env, batch.id)
    assert batch.state == BatchState.done, output
    certs = db.session.scalars(db.select(Certificate)).all()
    for key in [c.key for c in certs] + [batch.output_key("zip"), batch.output_key("pdf")]:
        assert_kept(app, key)
    login(metrology["manager"])
    resp = client.get(f"/certificates/{certs[0].id}.pdf")
    assert hashlib.sha256(resp.data).hexdigest() == certs[0].sha256
