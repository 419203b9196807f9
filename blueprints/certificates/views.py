import hashlib

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from blueprints.audit.models import record_event
from blueprints.certificates import issuing, queries
from blueprints.certificates.issuing import signing_folder
from blueprints.certificates.labels import (
    BATCH_STATE_LABELS,
    CERTIFICATE_STATUS_LABELS,
    CONCLUSION_LABELS,
    STATUS_SENTENCES,
)
from blueprints.certificates.models import Certificate, CertificateStatus
from blueprints.certificates.signing import signature_status
from core import storage
from core.forms import Form, ReasonForm
from core.i18n import gettext as _
from core.permissions import get_allowed_or_404, roles_required
from core.roles import Role
from core.templating import expose
from extensions import db, limiter

bp = Blueprint("certificates", __name__)
expose(bp, CERTIFICATE_STATUS_LABELS=CERTIFICATE_STATUS_LABELS,
       BATCH_STATE_LABELS=BATCH_STATE_LABELS, CONCLUSION_LABELS=CONCLUSION_LABELS,
       STATUS_SENTENCES=STATUS_SENTENCES)


@bp.route("/verify", methods=["GET", "POST"])
@limiter.limit("60 per minute")
def verify():
    """Public check of a certificate by number and code (from its QR code): status,
    lab, date and items, nothing else about the customer. A PDF uploaded here is
    compared with the stored one by its SHA-256."""
    number = (request.values.get("number") or "").strip()[:40]
    code = (request.values.get("code") or "").strip().upper()[:16]
    cert, match, signature = None, None, None
    if number and code:
        cert = db.session.scalar(db.select(Certificate).filter_by(number=number))
        if cert is not None and cert.verification_code != code:
            cert = None
    form = Form()
    if request.method == "POST" and cert is not None and form.validate_on_submit():
        upload = request.files.get("pdf")
        if upload is not None:
            data = upload.read(20 * 1024 * 1024)
            match = hashlib.sha256(data).hexdigest() == cert.sha256
            signature = signature_status(data, signing_folder())
    status = 404 if number and code and cert is None else 200
    replaced_by = cert and db.session.scalar(db.select(Certificate).filter_by(
        supersedes_id=cert.id))
    return render_template("certificates/verify.html", cert=cert, number=number, code=code,
                           match=match, signature=signature, form=form,
                           replaced_by=replaced_by,
                           facts=queries.public_facts(cert) if cert else None), status


@bp.route("/certificates/<int:cert_id>.pdf")
def download(cert_id: int):
    """The stored PDF, for the applicant and the issuing lab only, and only as issued
    (its SHA-256 checked)."""
    cert = db.session.get(Certificate, cert_id)
    if cert is None or not current_user.is_authenticated:
        abort(404)
    get_allowed_or_404(type(cert.sub_request), cert.sub_request_id)
    return storage.serve(cert.key, "application/pdf", f"{cert.number}.pdf", sha256=cert.sha256)


@bp.route("/certificates/<int:cert_id>/withdraw", methods=["POST"])
@roles_required(Role.lab_manager)
def withdraw(cert_id: int):
    """17025 7.8.8: a withdrawn certificate says so, and why, on its public page."""
    cert = get_allowed_or_404(Certificate, cert_id, "withdraw")
    form = ReasonForm()
    back = url_for("service_requests.lab_detail", sub_id=cert.sub_request_id) + "#certificates"
    if not form.validate_on_submit():
        flash(_("Say why the certificate is withdrawn: the verification page shows it."),
              "error")
        return redirect(back)
    if cert.status != CertificateStatus.valid:
        flash(_("Only a valid certificate can be withdrawn."), "error")
        return redirect(back)
    issuing.withdraw(cert, form.reason.data)
    record_event(current_user, "certificates", cert.id, "withdrawn",
                 before={"status": "valid"}, after={"status": "withdrawn"},
                 reason=form.reason.data)
    db.session.commit()
    flash(_("The certificate is withdrawn."), "success")
    return redirect(back)
