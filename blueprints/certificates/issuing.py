"""Issuing a part's report or certificate: the number, the plain-value context,
the PDF stored once with its hash."""
import hashlib
import os
import uuid
from dataclasses import asdict, dataclass, field

import segno
from flask import current_app, render_template, url_for

from blueprints.catalogue.vocabulary import ServiceKind
from blueprints.certificates.models import Certificate, CertificateKind, new_verification_code
from blueprints.certificates.rendering import html_to_pdf
from blueprints.service_requests.verdicts import DECISION_RULE, Verdict
from core.numbering import next_value
from core.numbers import plain
from core.timeutil import local_today, to_local, utcnow
from extensions import db

TITLES = {
    CertificateKind.test_report: ("检验检测报告", "Test Report"),
    CertificateKind.calibration_certificate: ("校准证书", "Calibration Certificate"),
    CertificateKind.verification_certificate: ("检定证书", "Verification Certificate"),
    CertificateKind.verification_failure: ("检定结果通知书", "Notice of Verification Failure"),
}


def kind_for(sub) -> CertificateKind:
    kinds = {item.service.kind for item in sub.items}
    if kinds == {ServiceKind.calibration}:
        return CertificateKind.calibration_certificate
    if kinds == {ServiceKind.verification}:
        failed = any(r.verdict == Verdict.failed for i in sub.items for r in i.results)
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


@dataclass(frozen=True)
class ItemBlock:
    service: str
    method: str
    sample: str
    sample_code: str
    condition: str
    received: str
    results: list[ResultLine] = field(default_factory=list)


def _limit(p) -> str:
    k = p.limit_kind.value
    unit = f" {p.unit}" if p.unit else ""
    return {"max": f"≤ {plain(p.limit_max)}{unit}", "min": f"≥ {plain(p.limit_min)}{unit}",
            "range": f"{plain(p.limit_min)} – {plain(p.limit_max)}{unit}",
            "text": p.limit_text}.get(k, "—")


def build_context(sub, cert: Certificate) -> dict:
    """Everything the document prints, as plain values."""
    req, lab = sub.request, sub.lab
    caps = {c.service_id: c for c in lab.capabilities}
    services = {i.service_id for i in sub.items}
    # 17025 / CMA rules: the mark only where every item is in the accredited scope.
    cma = lab.cma_number if lab.cma_number and all(
        caps.get(s) and caps[s].cma_accredited for s in services) else ""
    cnas = lab.cnas_number if lab.cnas_number and all(
        caps.get(s) and caps[s].cnas_accredited for s in services) else ""
    items = []
    for item in sub.items:
        by_param = {r.parameter_id: r for r in item.results}
        lines = []
        for p in item.service.parameters:
            r = by_param.get(p.id)
            lines.append(ResultLine(
                parameter=f"{p.name_zh} {p.name_en}", unit=p.unit,
                value=(plain(r.value) if r and r.value is not None else (r.text_value if r else "—")),
                uncertainty=(f"{plain(r.uncertainty)} (k=2)" if r and r.uncertainty is not None
                             else ""),
                limit=_limit(p), verdict=({"pass": "合格 Pass", "fail": "不合格 Fail"}
                                          .get(r.verdict.value, "—") if r else "—")))
        sample = item.sample
        items.append(ItemBlock(
            service=f"{item.service.name_zh} {item.service.name_en}",
            method=item.service.method_standard,
            sample=f"{item.sample_description} × {item.quantity}",
            sample_code=sample.code if sample else "", condition=sample.condition if sample else "",
            received=to_local(sample.received_at).strftime("%Y-%m-%d") if sample else "",
            results=lines))
    verify_url = url_for("certificates.verify", number=cert.number, code=cert.verification_code,
                         _external=True)
    title_zh, title_en = TITLES[cert.kind]
    tested = sorted(to_local(r.entered_at).date() for i in sub.items for r in i.results)
    customer = req.enterprise.name if req.enterprise else req.applicant.name
    address = req.enterprise.address if req.enterprise else ""
    return {
        "number": cert.number, "title_zh": title_zh, "title_en": title_en,
        "lab": {"name_zh": lab.name_zh, "name_en": lab.name_en, "address": lab.address,
                "phone": lab.phone, "cma": cma, "cnas": cnas},
        "customer": {"name": customer, "address": address,
                     "contact": f"{req.contact_name} {req.contact_phone}"},
        "request_number": sub.number, "blocks": [asdict(i) for i in items],
        "tested_from": tested[0].isoformat() if tested else "",
        "tested_to": tested[-1].isoformat() if tested else "",
        "issued": to_local(cert.issued_at).strftime("%Y-%m-%d"),
        "signatory": {"name": cert.signed_by.name, "title": cert.signed_by.job_title},
        "decision_rule": DECISION_RULE, "verify_url": verify_url,
        "verification_code": cert.verification_code,
        "qr": segno.make(verify_url, error="m").svg_data_uri(scale=3),
    }


def valid_certificates(sub_ids: list[int]) -> dict[int, Certificate]:
    """The valid certificate of each of these parts, by part id (one query)."""
    if not sub_ids:
        return {}
    return {c.sub_request_id: c for c in db.session.scalars(
        db.select(Certificate).where(Certificate.sub_request_id.in_(sub_ids),
                                     Certificate.status == "valid"))}


def certificate_folder() -> str:
    folder = current_app.config.get("CERTIFICATE_FOLDER") or os.path.join(
        current_app.instance_path, "certificates")
    os.makedirs(folder, exist_ok=True)
    return folder


def issue(sub, user) -> Certificate:
    """The part's valid certificate, issued now if it has none (issuing twice gives
    the same stored file). The PDF is written before the row commits."""
    existing = db.session.scalar(db.select(Certificate).filter_by(
        sub_request_id=sub.id, status="valid"))
    if existing:
        return existing
    year = local_today().year
    number = f"{sub.lab.code}-{year}-{next_value('cert-' + sub.lab.code, year):05d}"
    cert = Certificate(number=number, kind=kind_for(sub), sub_request_id=sub.id,
                       lab_id=sub.lab_id, issued_at=utcnow(), signed_by_id=user.id,
                       sha256="", stored_name=uuid.uuid4().hex + ".pdf",
                       # set now, not at flush: the PDF prints it and its QR code carries it
                       verification_code=new_verification_code())
    cert.signed_by = user
    html = render_template("certificates/document.html", c=build_context(sub, cert))
    pdf = html_to_pdf(html, current_app.static_folder)
    with open(os.path.join(certificate_folder(), cert.stored_name), "wb") as fh:
        fh.write(pdf)
    cert.sha256 = hashlib.sha256(pdf).hexdigest()
    db.session.add(cert)
    return cert
