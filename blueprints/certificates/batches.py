"""Issuing many certificates at once (a market campaign's ~150), in the worker process.

Each chunk of parts is issued in one transaction: numbers taken, PDFs rendered and
stored, states moved, then one commit. A crash (or an error) rolls back the chunk in
hand, so every certificate is either fully issued (row, file, number, state, audit)
or not at all; the batch is then marked failed and resuming issues only the rest.
Rendering runs in worker processes, one a core, from plain HTML strings."""
import ctypes
import io
import logging
import os
import signal
import subprocess
import sys
import tempfile
import uuid
import zipfile
from concurrent.futures import ProcessPoolExecutor
from multiprocessing import get_context

from flask import current_app
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload, selectinload

from blueprints.audit.models import record_event
from blueprints.certificates import issuing, queries
from blueprints.certificates.models import (
    BatchState,
    Certificate,
    CertificateBatch,
    CertificateBatchItem,
    CertificateStatus,
    batch_output_key,
)
from blueprints.labs.models import team_of
from blueprints.service_requests.lifecycle import Action, State
from blueprints.service_requests.models import RequestItem, ServiceRequest, SubRequest, item_loading
from core import storage
from core.timeutil import utcnow
from extensions import db

log = logging.getLogger(__name__)
MAX_BATCH = 500


class BatchError(Exception):
    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


def _part_loading():
    return (selectinload(SubRequest.items).options(*item_loading()),
            joinedload(SubRequest.lab),
            joinedload(SubRequest.request).options(joinedload(ServiceRequest.applicant),
                                                   joinedload(ServiceRequest.enterprise)))


def in_live_batches():
    """Parts waiting in a queued or running batch (a SELECT of their ids)."""
    return (select(CertificateBatchItem.sub_request_id).join(CertificateBatchItem.batch)
            .where(CertificateBatch.state.in_([BatchState.queued, BatchState.running]),
                   CertificateBatchItem.certificate_id.is_(None)))


def awaiting_issue(lab_id: int, limit: int = MAX_BATCH) -> list[SubRequest]:
    """The lab's approved parts not already in a batch, oldest first, with what their
    rows show."""
    return list(db.session.scalars(
        select(SubRequest).where(SubRequest.lab_id == lab_id, SubRequest.state == State.approved,
                                 SubRequest.id.not_in(in_live_batches()))
        .options(joinedload(SubRequest.request).options(joinedload(ServiceRequest.applicant),
                                                        joinedload(ServiceRequest.enterprise)),
                 selectinload(SubRequest.items).selectinload(RequestItem.service))
        .order_by(SubRequest.id).limit(limit)))


def waiting_count(lab_id: int) -> int:
    return db.session.scalar(select(func.count(SubRequest.id)).where(
        SubRequest.lab_id == lab_id, SubRequest.state == State.approved,
        SubRequest.id.not_in(in_live_batches())))


def signable(parts: list[SubRequest], user) -> dict[int, object]:
    """For each part, why `user` may not sign it (a four_eyes.Refusal), or None when
    they may: the same rule as the part page, read for all parts in two queries."""
    if not parts:
        return {}
    team = team_of(parts[0].lab_id)
    enterers = SubRequest.result_enterers([p.id for p in parts])
    return {p.id: p.signoff(user, team, enterers.get(p.id, set())).sign for p in parts}


def create_batch(lab_id: int, user, sub_ids: list[int]) -> tuple[CertificateBatch, int]:
    """A queued batch of the chosen parts that are the lab's, approved, not already
    waiting in another batch, and the user's to sign (four eyes, scope). Returns it
    and how many chosen parts were left out because the user may not sign them.

    Raises BatchError("empty") when no part is left, BatchError("not_yours") when
    parts were chosen but the user may sign none of them."""
    ids = sorted(set(sub_ids))[:MAX_BATCH]
    found = db.session.scalars(select(SubRequest).where(
        SubRequest.id.in_(ids), SubRequest.lab_id == lab_id,
        SubRequest.state == State.approved, SubRequest.id.not_in(in_live_batches()))
        .options(selectinload(SubRequest.items).selectinload(RequestItem.service))).all() \
        if ids else []
    if not found:
        raise BatchError("empty")
    refusals = signable(found, user)
    mine = sorted(p.id for p in found if refusals[p.id] is None)
    if not mine:
        raise BatchError("not_yours")
    batch = CertificateBatch(lab_id=lab_id, created_by_id=user.id, total=len(mine),
                             items=[CertificateBatchItem(sub_request_id=i) for i in mine])
    db.session.add(batch)
    db.session.flush()
    record_event(user, "certificate_batches", batch.id, "batch_created",
                 after={"total": batch.total, "left_out": len(found) - len(mine)})
    return batch, len(found) - len(mine)


def die_with_parent() -> None:
    """In a batch's rendering process: end when the worker that started it ends, even
    if it was killed (Linux's parent-death signal), so no 450 MB renderer is left."""
    if sys.platform.startswith("linux"):
        PR_SET_PDEATHSIG = 1
        ctypes.CDLL("libc.so.6", use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGTERM)


def resume(batch: CertificateBatch, user) -> None:
    if batch.state != BatchState.failed:
        raise BatchError("not_failed")
    batch.state, batch.error = BatchState.queued, ""
    record_event(user, "certificate_batches", batch.id, "batch_resumed")


def _render_chunk(jobs, pool):
    # Imported on first use, as in issuing.render: only rendering needs WeasyPrint.
    from blueprints.certificates.rendering import render_signed

    if pool is None:
        return [issuing.render(cert, html) for _item, _sub, cert, html in jobs]
    static, signing = current_app.static_folder, issuing.signing_folder()
    futures = [pool.submit(render_signed, html, static, signing,
                           f"{issuing.TITLES[cert.kind][1]} {cert.number}", sub.lab.name_en)
               for _item, sub, cert, html in jobs]
    return [f.result() for f in futures]


def _issue_chunk(batch: CertificateBatch, items: list[CertificateBatchItem], pool, team) -> None:
    user = batch.created_by
    subs = {s.id: s for s in db.session.scalars(
        select(SubRequest).where(SubRequest.id.in_([i.sub_request_id for i in items]))
        .options(*_part_loading()))}
    enterers = SubRequest.result_enterers(list(subs))
    jobs = []
    for item in items:
        sub = subs[item.sub_request_id]
        if sub.state != State.approved:
            # Issued meanwhile on its own page, or sent back: take what is there.
            item.certificate = queries.valid_certificates([sub.id]).get(sub.id)
            item.skipped = "" if item.certificate else sub.state.value
            continue
        refusal = sub.signoff(user, team, enterers.get(sub.id, set())).sign
        if refusal is not None:
            # Results changed or the authorisation ended since the batch was queued.
            item.skipped = refusal.value
            continue
        sub.take(Action.issue, user)
        cert, html = issuing.prepare(sub, user, team, enterers.get(sub.id, set()))
        if html is None:
            item.certificate = cert
            continue
        jobs.append((item, sub, cert, html))
    for (item, sub, cert, _html), pdf in zip(jobs, _render_chunk(jobs, pool), strict=True):
        cert.lab = sub.lab
        issuing.store(cert, pdf, user, batch=batch.id)
        item.certificate = cert
    batch.done += len(items)


def run_batch(batch_id: int, processes: int | None = None) -> CertificateBatch:
    """Issue what the batch has left, then write its ZIP and merged PDF.

    `processes` renders in that many worker processes (default: the BATCH_PROCESSES
    setting); 0 or 1 renders here. Errors leave the batch failed, never half-issued."""
    processes = current_app.config["BATCH_PROCESSES"] if processes is None else processes
    batch = db.session.get(CertificateBatch, batch_id)
    if batch is None or batch.state == BatchState.done:
        return batch
    batch.state, batch.error = BatchState.running, ""
    db.session.commit()
    pool = (ProcessPoolExecutor(processes, mp_context=get_context("spawn"),
                                initializer=die_with_parent) if processes > 1 else None)
    try:
        if not batch.allows(batch.created_by):
            raise BatchError("signatory_gone")  # moved labs or lost the role meanwhile
        pending = [i for i in batch.items if i.certificate_id is None and not i.skipped]
        batch.done = batch.total - len(pending)
        step = max(processes, 1)
        team = team_of(batch.lab_id)
        for start in range(0, len(pending), step):
            _issue_chunk(batch, pending[start:start + step], pool, team)
            db.session.commit()
        _write_outputs(batch)
        batch.state, batch.finished_at = BatchState.done, utcnow()
        record_event(batch.created_by, "certificate_batches", batch.id, "batch_done",
                     after={"issued": sum(1 for i in batch.items if i.certificate_id)})
        db.session.commit()
    except Exception as err:
        db.session.rollback()
        log.exception("certificate batch %s stopped", batch_id)
        batch = db.session.get(CertificateBatch, batch_id)
        batch.state, batch.error = BatchState.failed, str(err)[:500] or type(err).__name__
        db.session.commit()
    finally:
        if pool is not None:
            pool.shutdown()
    return batch


def _write_outputs(batch: CertificateBatch) -> None:
    """One ZIP of the signed PDFs (to send on) and one merged PDF (to print), made of
    the certificates as issued (each read back with its SHA-256 checked)."""
    certs = db.session.scalars(
        select(Certificate).join(CertificateBatchItem,
                                 CertificateBatchItem.certificate_id == Certificate.id)
        .where(CertificateBatchItem.batch_id == batch.id,
               Certificate.status == CertificateStatus.valid)
        .order_by(CertificateBatchItem.id)).all()
    stem = f"{batch.id}-{uuid.uuid4().hex[:12]}"
    zip_name, merged_name = stem + ".zip", stem + ".pdf"
    archive_bytes = io.BytesIO()
    # pdfunite reads files: the certificates are copied into a scratch folder of the
    # worker's, wherever the storage keeps them.
    with tempfile.TemporaryDirectory(prefix="qidesk-batch-") as scratch:
        paths = []
        with zipfile.ZipFile(archive_bytes, "w",
                             compression=zipfile.ZIP_STORED) as archive:  # PDFs are compressed
            for cert in certs:
                pdf = storage.get(cert.key, sha256=cert.sha256)
                archive.writestr(f"{cert.number}.pdf", pdf)
                paths.append(os.path.join(scratch, f"{len(paths):04d}.pdf"))
                with open(paths[-1], "wb") as fh:
                    fh.write(pdf)
        # poppler's pdfunite (installed by the set-up) merges 150 files in a fraction of
        # a second, where pypdf takes about 40 ms a file. The copy is for printing: a
        # merged file cannot keep the individual signatures.
        merged = os.path.join(scratch, "merged.pdf")
        subprocess.run(["pdfunite", *paths, merged], check=True, capture_output=True,
                       timeout=600)
        with open(merged, "rb") as fh:
            merged_pdf = fh.read()
    storage.put(batch_output_key(zip_name), archive_bytes.getvalue(), "application/zip")
    storage.put(batch_output_key(merged_name), merged_pdf, "application/pdf")
    batch.zip_name, batch.merged_name = zip_name, merged_name


def requeue_interrupted() -> int:
    """Batches left running by a worker that died go back to the queue (there is one
    worker process at a time). Returns how many."""
    stuck = db.session.scalars(select(CertificateBatch).where(
        CertificateBatch.state == BatchState.running)).all()
    for batch in stuck:
        batch.state = BatchState.queued
    db.session.commit()
    return len(stuck)


def run_next_batch() -> int | None:
    """Run the oldest queued batch, if any; returns its id."""
    batch_id = db.session.scalar(select(CertificateBatch.id).where(
        CertificateBatch.state == BatchState.queued).order_by(CertificateBatch.id).limit(1))
    if batch_id is not None:
        run_batch(batch_id)
    return batch_id
