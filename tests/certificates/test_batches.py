"""Issuing many certificates at once: in the background, all or nothing per
certificate, resumable, with one ZIP and one merged PDF at the end."""
import hashlib
import io
import os
import zipfile

from pypdf import PdfReader

from blueprints.certificates import batches, issuing
from blueprints.certificates.models import BatchState, Certificate, CertificateBatch
from blueprints.certificates.signing import signature_status
from blueprints.service_requests.lifecycle import State
from blueprints.service_requests.models import SubRequest
from core.numbering import NumberSequence
from core.roles import Role
from extensions import db
from tests import factories
from tests.conftest import PUBLIC_URL
from tests.documents import qr_codes, stored_bytes, verification_link
from tests.journeys import worker_runs_batch


def approved_parts(metrology, n):
    return [factories.create_approved_part(metrology["lab"], metrology["verification"],
                                           factories.create_user(Role.citizen),
                                           metrology["manager"], values=(f"{i % 4}.5",))
            for i in range(n)]


def start_batch(client, login, manager, subs) -> CertificateBatch:
    login(manager)
    resp = client.post("/lab/batches/new", data={"sub_id": [str(s.id) for s in subs]})
    assert resp.status_code == 302, resp.get_data(as_text=True)
    batch = db.session.scalars(db.select(CertificateBatch).order_by(CertificateBatch.id.desc())) \
        .first()
    assert resp.headers["Location"].endswith(f"/lab/batches/{batch.id}")
    return batch


def numbers(lab) -> list[int]:
    return sorted(int(n.rsplit("-", 1)[1]) for n in db.session.scalars(
        db.select(Certificate.number).filter_by(lab_id=lab.id)))


def test_a_batch_issues_every_part_and_gives_a_zip_and_a_merged_pdf(app, client, login,
                                                                     metrology):
    subs = approved_parts(metrology, 6)
    manager = metrology["manager"]
    login(manager)
    page = client.get("/lab/batches/new").get_data(as_text=True)
    assert all(s.number in page for s in subs)
    batch = start_batch(client, login, manager, subs)
    assert (batch.state, batch.total, batch.done) == (BatchState.queued, 6, 0)
    assert client.get(f"/lab/batches/{batch.id}").status_code == 200

    batches.run_batch(batch.id, processes=0)

    progress = client.get(f"/lab/batches/{batch.id}/progress").get_json()
    assert progress == {"state": "done", "state_label": "已完成", "done": 6, "total": 6,
                        "percent": 100, "error": ""}
    for sub in subs:
        db.session.refresh(sub)
        assert sub.state == State.issued
    assert numbers(metrology["lab"]) == [1, 2, 3, 4, 5, 6]
    certs = {c.number: c for c in db.session.scalars(db.select(Certificate))}
    archive = client.get(f"/lab/batches/{batch.id}/certificates.zip")
    assert archive.status_code == 200
    with zipfile.ZipFile(io.BytesIO(archive.data)) as zf:
        assert sorted(zf.namelist()) == sorted(f"{n}.pdf" for n in certs)
        for name in zf.namelist():
            data = zf.read(name)
            assert hashlib.sha256(data).hexdigest() == certs[name[:-4]].sha256
            assert signature_status(data, app.config["SIGNING_FOLDER"]) == "valid"
    archive.close()
    merged = client.get(f"/lab/batches/{batch.id}/certificates.pdf")
    reader = PdfReader(io.BytesIO(merged.data))
    text = " ".join(p.extract_text() for p in reader.pages)
    assert all(n in text for n in certs) and len(reader.pages) >= 6
    merged.close()
    html = client.get(f"/lab/batches/{batch.id}").get_data(as_text=True)
    assert "certificates.zip" in html and all(n in html for n in certs)


def test_a_crash_halfway_leaves_whole_certificates_and_resume_issues_the_rest(
        app, client, login, metrology, monkeypatch):
    subs = approved_parts(metrology, 5)
    batch = start_batch(client, login, metrology["manager"], subs)
    real_store, calls = issuing.store, []

    def crash_on_the_third(cert, pdf, user, **context):
        calls.append(cert.number)
        real_store(cert, pdf, user, **context)  # the file is written ...
        if len(calls) == 3:
            raise OSError("disk full")  # ... then the process dies before the commit

    monkeypatch.setattr(issuing, "store", crash_on_the_third)
    batches.run_batch(batch.id, processes=0)
    db.session.expire_all()
    batch = db.session.get(CertificateBatch, batch.id)
    assert batch.state == BatchState.failed and "disk full" in batch.error
    assert batch.done == 2
    states = [db.session.get(SubRequest, s.id).state for s in subs]
    assert states == [State.issued] * 2 + [State.approved] * 3
    assert numbers(metrology["lab"]) == [1, 2]               # the third number was given back
    assert db.session.scalar(db.select(NumberSequence.last).filter_by(series="cert-JMI1")) == 2
    for cert in db.session.scalars(db.select(Certificate)):
        assert hashlib.sha256(stored_bytes(app, cert)).hexdigest() == cert.sha256
    page = client.get(f"/lab/batches/{batch.id}").get_data(as_text=True)
    assert "disk full" in page and "继续" in page

    monkeypatch.undo()
    assert client.post(f"/lab/batches/{batch.id}/resume").status_code == 302
    db.session.refresh(batch)
    assert batch.state == BatchState.queued
    batches.run_batch(batch.id, processes=0)
    db.session.refresh(batch)
    assert (batch.state, batch.done) == (BatchState.done, 5)
    assert numbers(metrology["lab"]) == [1, 2, 3, 4, 5]      # no gap, no double
    assert all(db.session.get(SubRequest, s.id).state == State.issued for s in subs)


def test_a_part_issued_meanwhile_is_taken_as_it_is(app, client, login, metrology):
    subs = approved_parts(metrology, 2)
    batch = start_batch(client, login, metrology["manager"], subs)
    db.session.refresh(subs[0])
    client.post(f"/lab/requests/{subs[0].id}/do/issue", data={"version": str(subs[0].version)})
    batches.run_batch(batch.id, processes=0)
    db.session.refresh(batch)
    assert batch.state == BatchState.done and numbers(metrology["lab"]) == [1, 2]
    assert all(item.certificate_id for item in batch.items)


def test_a_batch_is_its_labs_managers_and_its_signatorys_only(app, client, login, metrology,
                                                               two_labs):
    subs = approved_parts(metrology, 1)
    batch = start_batch(client, login, metrology["manager"], subs)
    urls = [f"/lab/batches/{batch.id}", f"/lab/batches/{batch.id}/progress",
            f"/lab/batches/{batch.id}/certificates.zip"]
    login(two_labs["ntc_manager"])
    assert all(client.get(u).status_code == 404 for u in urls)
    assert client.post(f"/lab/batches/{batch.id}/resume").status_code == 404
    # Another lab's parts cannot be slipped into a batch.
    resp = client.post("/lab/batches/new", data={"sub_id": [str(subs[0].id)]})
    assert resp.status_code == 400
    assert client.post("/lab/batches/new", data={"sub_id": ["x1"]}).status_code == 400
    # A colleague who did not queue it does not see it; a lab manager does.
    login(factories.create_user(Role.lab_staff, lab=metrology["lab"]))
    assert all(client.get(u).status_code == 404 for u in urls[:2])
    login(factories.create_user(Role.lab_manager, lab=metrology["lab"]))
    assert all(client.get(u).status_code == 200 for u in urls[:2])


def test_the_batch_pages_run_a_fixed_number_of_queries(app, client, login, metrology,
                                                       count_queries):
    manager = metrology["manager"]
    counts = []
    for n in (2, 6):
        approved_parts(metrology, n)
        login(manager)
        with count_queries() as new_page:
            client.get("/lab/batches/new")
        batch = start_batch(client, login, manager, batches.awaiting_issue(manager.lab_id))
        batches.run_batch(batch.id, processes=0)
        with count_queries() as batch_page:
            client.get(f"/lab/batches/{batch.id}")
        counts.append((new_page.count, batch_page.count))
    assert counts[0] == counts[1]


def test_the_worker_process_issues_a_queued_batch(app, client, login, metrology, database_uri,
                                                  tmp_path):
    """`flask worker`, as `./qidesk run` starts it, with two rendering processes."""
    subs = approved_parts(metrology, 3)
    batch = start_batch(client, login, metrology["manager"], subs)
    env = {**os.environ, "FLASK_APP": "app", "QIDESK_INSTANCE_PATH": str(tmp_path / "inst"),
           "QIDESK_SQLALCHEMY_DATABASE_URI": database_uri, "QIDESK_SECRET_KEY": "w",
           "QIDESK_PUBLIC_URL": PUBLIC_URL, "QIDESK_BATCH_PROCESSES": "2",
           "QIDESK_CERTIFICATE_FOLDER": app.config["CERTIFICATE_FOLDER"],
           "QIDESK_SIGNING_FOLDER": app.config["SIGNING_FOLDER"]}
    batch, output = worker_runs_batch(env, batch.id)
    assert batch.state == BatchState.done, output
    assert numbers(metrology["lab"]) == [1, 2, 3]
    # The worker has no request: its certificates' QR codes lead to the public address.
    cert = batch.items[0].certificate
    assert qr_codes(stored_bytes(app, cert), tmp_path) == [verification_link(cert)]


def test_a_batch_left_running_by_a_dead_worker_is_resumed(app, client, login, metrology):
    subs = approved_parts(metrology, 2)
    batch = start_batch(client, login, metrology["manager"], subs)
    batch.state = BatchState.running  # the worker died mid-batch
    db.session.commit()
    assert batches.requeue_interrupted() == 1
    assert batches.run_next_batch() == batch.id
    db.session.refresh(batch)
    assert (batch.state, batch.done) == (BatchState.done, 2)
    assert batches.run_next_batch() is None


def test_parts_already_waiting_in_a_batch_are_not_batched_again(app, client, login,
                                                                metrology):
    subs = approved_parts(metrology, 2)
    start_batch(client, login, metrology["manager"], subs)
    assert client.post("/lab/batches/new",
                       data={"sub_id": [str(s.id) for s in subs]}).status_code == 400
    assert all(s.number not in client.get("/lab/batches/new").get_data(as_text=True)
               for s in subs)


def test_a_batch_leaves_out_the_parts_its_signatory_may_not_sign(app, client, login, metrology):
    """Four eyes holds in batches too: a part whose results the manager entered is left
    out (and shown why on the choosing page); a batch whose part's results changed
    hands meanwhile skips it with the reason."""
    from blueprints.audit.models import record_event
    manager = metrology["manager"]
    mine, theirs, later = approved_parts(metrology, 3)
    record_event(manager, "request_items", mine.items[0].id, "results_entered")
    db.session.commit()
    login(manager)
    page = client.get("/lab/batches/new").get_data(as_text=True)
    assert f'value="{theirs.id}"' in page and f'value="{mine.id}"' not in page
    batch = start_batch(client, login, manager, [mine, theirs, later])
    assert batch.total == 2 and {i.sub_request_id for i in batch.items} == {theirs.id, later.id}
    record_event(manager, "request_items", later.items[0].id, "results_entered")
    db.session.commit()
    batch = batches.run_batch(batch.id, processes=1)
    assert batch.state == BatchState.done
    skipped = {i.sub_request_id: i.skipped for i in batch.items}
    assert skipped == {theirs.id: "", later.id: "entered_results"}
    for sub in (mine, later):
        db.session.refresh(sub)
        assert sub.state == State.approved
    assert f'value="{mine.id}"' not in client.get("/lab/batches/new").get_data(as_text=True)
    other = factories.create_user(Role.lab_manager, lab=metrology["lab"])
    assert start_batch(client, login, other, [mine, later]).total == 2
