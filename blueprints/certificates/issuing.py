"""Issuing a part's report or certificate: the number, the plain-value context,
the PDF stored once with its hash, and amendments that replace a valid one."""
import base64
import hashlib
import os
import uuid
from dataclasses import asdict, dataclass, field

import segno
from flask import current_app, render_template
from sqlalchemy import select
from sqlalchemy.orm import undefer

from blueprints.audit.models import record_event
from blueprints.auth.models import User
from blueprints.catalogue.kinds import ServiceKind
from blueprints.certificates.models import (
    Certificate,
    CertificateKind,
    CertificateStatus,
    new_verification_code,
)
from blueprints.certificates.signing import ensure_signing_pair
from blueprints.certificates.terms import valid_until
from blueprints.service_requests.verdicts import DECISION_RULE, Verdict, conclusion
from core import storage
from core.links import public_url
from core.numbering import next_value
from core.numbers import plain
from core.signals import certificate_item, collect
from core.timeutil import local_today, to_local, utcnow
from core.validators import mask_phone
from extensions import db

TITLES = {
    CertificateKind.test_report: ("检验检测报告", "Test Report"),
    CertificateKind.calibration_certificate: ("校准证书", "Calibration Certificate"),
    CertificateKind.verification_certificate: ("检定证书", "Verification Certificate"),
    CertificateKind.verification_failure: ("检定结果通知书", "Notice of Verification Failure"),
}
COVERAGE_FACTOR = 2  # expanded uncertainties are entered at k = 2 (about 95 %)
# DOMAIN.md, 17025 7.8.6: for legal scale verification the rule is prescribed.
LEGAL_RULE = "法定计量检定：|Ec| ≤ MPE 为合格 (JJG 539-2016, OIML R76-1) · legal verification, pass when |Ec| ≤ MPE"


def kind_for(sub) -> CertificateKind:
    kinds = {item.service.kind for item in sub.items}
    if kinds == {ServiceKind.calibration}:
        return CertificateKind.calibration_certificate
    if kinds == {ServiceKind.verification}:
        failed = any(r.verdict == Verdict.failed for i in sub.items for r in i.results) or any(
            i.scale_verification is not None and not i.scale_verification.passed
            for i in sub.items)
        return (CertificateKind.verification_failure if failed
                else CertificateKind.verification_certificate)
    return CertificateKind.test_report


@dataclass(frozen=True)
class ResultLine:
    parameter: str
    value: str
    unit: str
    uncertainty: str
    limit: str
    verdict: str
    failed: bool
    reference: str = ""   # calibration: the reference value, and the error against it
    error: str = ""


@dataclass(frozen=True)
class ItemBlock:
    service: str
    method: str
    sample: str
    sample_code: str
    condition: str
    received: str
    deviation: str
    traceability: str
    results: list[ResultLine] = field(default_factory=list)
    scale: dict | None = None   # a scale's verification (the certificate_item signal)


def _limit(p) -> str:
    k = p.limit_kind.value
    unit = f" {p.unit}" if p.unit else ""
    low, high = p.limit_value(p.limit_min), p.limit_value(p.limit_max)
    return {"max": f"≤ {high}{unit}", "min": f"≥ {low}{unit}", "range": f"{low} – {high}{unit}",
            "text": p.limit_text}.get(k, "—")


def _result_line(p, r) -> ResultLine:
    value = "—"
    if r is not None:
        value = r.as_written or "—"
    return ResultLine(
        parameter=f"{p.name_zh} {p.name_en}", unit=p.unit, value=value,
        uncertainty=(f"{plain(r.uncertainty)}" if r and r.uncertainty is not None else ""),
        limit=_limit(p),
        verdict=({"pass": "合格 Pass", "fail": "不合格 Fail",
                  "inconclusive": "无法判定 Cannot be judged"}.get(r.verdict.value, "—")
                 if r else "—"),
        failed=bool(r and r.verdict == Verdict.failed),
        reference=plain(r.reference_value) if r and r.reference_value is not None else "",
        error=plain(r.error) if r and r.error is not None else "")


def _blocks(sub, caps) -> list[ItemBlock]:
    blocks = []
    for item in sub.items:
        by_param = {r.parameter_id: r for r in item.results}
        sample = item.sample
        cap = caps.get(item.service_id)
        blocks.append(ItemBlock(
            service=f"{item.service.name_zh} {item.service.name_en}",
            method=item.service.method_with_years,
            sample=(item.sample_description if item.instrument_id
                    else f"{item.sample_description} × {item.quantity}"),
            sample_code=sample.code if sample else "", condition=sample.condition if sample else "",
            received=to_local(sample.received_at).strftime("%Y-%m-%d") if sample else "",
            deviation=item.method_deviation, traceability=cap.traceability if cap else "",
            results=[_result_line(p, by_param.get(p.id)) for p in item.service.parameters
                     if item.scale_verification is None],
            scale=collect(certificate_item, item).get("scale")))
    return blocks


def _failed(blocks: list[ItemBlock]) -> list[dict]:
    """What a notice of verification failure lists: each failed result or test, with
    its figures against what is permitted."""
    failed = []
    for b in blocks:
        failed += [{"parameter": r.parameter, "value": f"{r.value} {r.unit}".strip(),
                    "limit": r.limit} for r in b.results if r.failed]
        for test in (b.scale or {}).get("tests", []):
            if test["passed"]:
                continue
            rows = [row for row in test["rows"] if not row["passed"]]
            failed += [{"parameter": f"{test['name']} · L = {row['load']}",
                        "value": f"Ec = {row['corrected']}", "limit": row["mpe"]} for row in rows]
            if not rows:
                failed.append({"parameter": test["name"], "value": test["note"], "limit": ""})
    return failed


def _data_uri(png: bytes | None) -> str:
    return "data:image/png;base64," + base64.b64encode(png).decode() if png else ""


def _person(user, day) -> dict:
    return {"name": user.name, "title": user.job_title, "day": day.isoformat() if day else "",
            "signature": _data_uri(user.signature_png)}


def signoff_lines(sub, cert: Certificate) -> dict:
    """编制 / 审核 / 批准: who entered the results (each, in the order they worked, with
    the day of their last entry), who reviewed them and who authorised the document."""
    entries = sorted([(r.entered_at, r.entered_by_id) for i in sub.items for r in i.results]
                     + [(i.scale_verification.verified_at, i.scale_verification.verified_by_id)
                        for i in sub.items if i.scale_verification is not None])
    last_entry = {uid: to_local(at).date() for at, uid in entries}
    ids = set(last_entry) | ({sub.approved_by_id} if sub.approved_by_id else set())
    people = {u.id: u for u in db.session.scalars(
        select(User).where(User.id.in_(ids)).options(undefer(User.signature_png)))} if ids else {}
    reviewer = people.get(sub.approved_by_id)
    return {
        "prepared": [_person(people[uid], last_entry[uid]) for uid in dict.fromkeys(
            uid for _at, uid in entries)],
        "reviewed": _person(reviewer, to_local(sub.approved_at).date()
                            if sub.approved_at else None) if reviewer else None,
        "approved": _person(cert.signed_by, to_local(cert.issued_at).date()),
    }


def _place_of_work(req) -> str:
    """17025 7.8.2.1 c: where the work was done. A campaign day's scales are verified at
    the market; everything else at the lab."""
    campaign = req.campaign
    if campaign is not None:
        where = f"{campaign.market}（{campaign.address}）" if campaign.address else campaign.market
        return f"现场检定：{where} On site at the market, {campaign.day.isoformat()}"
    return "本机构实验室 At the laboratory's premises"


def build_context(sub, cert: Certificate) -> dict:
    """Everything the document prints, as plain values."""
    req, lab = sub.request, sub.lab
    caps = {c.service_id: c for c in lab.capabilities}
    services = {i.service_id for i in sub.items}
    # CMA / CNAS rules (DOMAIN.md): the mark only where every item is in the accredited scope.
    cma = lab.cma_number if lab.cma_number and all(
        caps.get(s) and caps[s].cma_accredited for s in services) else ""
    cnas = lab.cnas_number if lab.cnas_number and all(
        caps.get(s) and caps[s].cnas_accredited for s in services) else ""
    blocks = _blocks(sub, caps)
    verify_url = public_url("certificates.verify", number=cert.number, code=cert.verification_code)
    title_zh, title_en = TITLES[cert.kind]
    tested = sorted([to_local(r.entered_at).date() for i in sub.items for r in i.results]
                    + [to_local(i.scale_verification.verified_at).date() for i in sub.items
                       if i.scale_verification is not None])
    issued = to_local(cert.issued_at).date()
    customer = req.customer_name
    address = req.enterprise.address if req.enterprise else ""
    replaces = cert.supersedes
    return {
        "kind": cert.kind.value, "number": cert.number,
        "title_zh": title_zh, "title_en": title_en,
        "lab": {"name_zh": lab.name_zh, "name_en": lab.name_en, "address": lab.address,
                "phone": lab.phone, "cma": cma, "cnas": cnas},
        # A citizen's number is theirs: the document may be shown to anyone.
        "customer": {"name": customer, "address": address,
                     "contact": f"{req.contact_name} " + (
                         req.contact_phone if req.enterprise else mask_phone(req.contact_phone))},
        "request_number": sub.number, "blocks": [asdict(b) for b in blocks],
        "place": _place_of_work(req),
        # 17025 7.8.6: a test report of several items states its overall conformity.
        "conclusion": (conclusion(r.verdict for i in sub.items for r in i.results).value
                       if cert.kind == CertificateKind.test_report else ""),
        "conditions": sub.work_conditions,
        "failed": _failed(blocks),
        "tested_from": tested[0].isoformat() if tested else "",
        "tested_to": tested[-1].isoformat() if tested else "",
        "issued": issued.isoformat(),
        "valid_until": (valid_until(issued).isoformat()
                        if cert.kind == CertificateKind.verification_certificate else ""),
        "signatory": {"name": cert.signed_by.name, "title": cert.signed_by.job_title,
                      "signature": _data_uri(cert.signed_by.signature_png)},
        "signoff": signoff_lines(sub, cert),
        "replaces": ({"number": replaces.number, "reason": cert.amendment_reason}
                     if replaces else None),
        "decision_rule": LEGAL_RULE if any(b.scale for b in blocks) else DECISION_RULE,
        "coverage_factor": COVERAGE_FACTOR,
        "verify_url": verify_url, "verification_code": cert.verification_code,
        "qr": segno.make(verify_url, error="m").svg_data_uri(scale=3),
    }


def signing_folder() -> str:
    folder = current_app.config.get("SIGNING_FOLDER") or os.path.join(
        current_app.instance_path, "signing")
    ensure_signing_pair(folder)
    return folder


def prepare(sub, user, team=None, enterers=None) -> tuple[Certificate, str | None]:
    """The part's certificate to issue and the HTML to render for it, or its valid
    certificate and None when there is nothing new to issue. Raises FourEyes unless
    `user` may sign it (`team` and `enterers` as for SubRequest.signoff).

    A part reopened for amendment gets a new number whose certificate names the one it
    replaces; the old one is marked superseded in the same transaction."""
    latest = db.session.scalar(db.select(Certificate).filter_by(sub_request_id=sub.id)
                               .order_by(Certificate.id.desc()).limit(1))
    if latest is not None and latest.status == CertificateStatus.valid \
            and not sub.amendment_reason:
        return latest, None
    sub.check_signer(user, team, enterers)
    year = local_today().year
    number = f"{sub.lab.code}-{year}-{next_value('cert-' + sub.lab.code, year):05d}"
    cert = Certificate(number=number, kind=kind_for(sub), sub_request_id=sub.id,
                       lab_id=sub.lab_id, issued_at=utcnow(), signed_by_id=user.id,
                       sha256="", stored_name=uuid.uuid4().hex + ".pdf",
                       # set now, not at flush: the PDF prints it and its QR code carries it
                       verification_code=new_verification_code())
    cert.signed_by = user
    _update_instruments(sub, cert)
    if latest is not None and sub.amendment_reason:
        cert.supersedes, cert.amendment_reason = latest, sub.amendment_reason
        if latest.status == CertificateStatus.valid:
            latest.supersede()
        sub.amendment_reason = ""
    return cert, render_template("certificates/document.html", c=build_context(sub, cert))


def _update_instruments(sub, cert: Certificate) -> None:
    """A verified instrument's history: when it was verified and when it is next due
    (none after a failure: it must not be used until it passes)."""
    if cert.kind not in (CertificateKind.verification_certificate,
                         CertificateKind.verification_failure):
        return
    issued = to_local(cert.issued_at).date()
    for item in sub.items:
        if item.instrument is not None:
            item.instrument.last_verified = issued
            item.instrument.next_due = (valid_until(issued) if cert.kind ==
                                        CertificateKind.verification_certificate else None)


def withdraw(cert: Certificate, reason: str) -> None:
    """Withdraw a valid certificate (ValueError otherwise); a withdrawn verification
    no longer makes its instrument fit for use, so it has no due date any more."""
    cert.withdraw(reason)
    if cert.kind == CertificateKind.verification_certificate:
        for item in cert.sub_request.items:
            if item.instrument is not None:
                item.instrument.next_due = None


def render(cert: Certificate, html: str) -> bytes:
    # Imported on first use, for start-up time: WeasyPrint takes about a second and
    # several hundred modules to load, and only rendering needs it.
    from blueprints.certificates.rendering import render_signed

    return render_signed(html, current_app.static_folder, signing_folder(),
                         reason=f"{TITLES[cert.kind][1]} {cert.number}",
                         location=cert.lab.name_en if cert.lab else "")


def store(cert: Certificate, pdf: bytes, user, **context) -> None:
    """Store the file, then add the row and its "issued" audit event (written here
    only, for a part's page, a batch and a campaign day alike): a rollback leaves at
    most an orphan file, never a row without its file."""
    storage.put(cert.key, pdf, "application/pdf")
    cert.sha256 = hashlib.sha256(pdf).hexdigest()
    db.session.add(cert)
    db.session.flush()
    record_event(user, "certificates", cert.id, "issued",
                 after={"number": cert.number, "sha256": cert.sha256,
                        "supersedes": cert.supersedes_id, **context})


def issue(sub, user) -> Certificate:
    """The part's valid certificate, issued now if it has none or is being amended
    (issuing twice gives the same stored file). Raises FourEyes."""
    cert, html = prepare(sub, user)
    if html is not None:
        cert.lab = sub.lab
        store(cert, render(cert, html), user)
    return cert
