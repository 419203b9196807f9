import hashlib
import os

from flask import abort, render_template, request, send_file
from flask_login import current_user

from blueprints.certificates import bp
from blueprints.certificates.issuing import certificate_folder
from blueprints.certificates.models import Certificate
from core.forms import Form
from core.permissions import get_allowed_or_404
from extensions import db, limiter


@bp.route("/verify", methods=["GET", "POST"])
@limiter.limit("60 per minute")
def verify():
    """Public check of a certificate by number and code (from its QR code): status,
    lab, date and items, nothing else about the customer. A PDF uploaded here is
    compared with the stored one by its SHA-256."""
    number = (request.values.get("number") or "").strip()[:40]
    code = (request.values.get("code") or "").strip().upper()[:16]
    cert, match = None, None
    if number and code:
        cert = db.session.scalar(db.select(Certificate).filter_by(number=number))
        if cert is not None and cert.verification_code != code:
            cert = None
    form = Form()
    if request.method == "POST" and cert is not None and form.validate_on_submit():
        upload = request.files.get("pdf")
        if upload is not None:
            match = hashlib.sha256(upload.read(20 * 1024 * 1024)).hexdigest() == cert.sha256
    status = 404 if number and code and cert is None else 200
    return render_template("certificates/verify.html", cert=cert, number=number, code=code,
                           match=match, form=form), status


@bp.route("/certificates/<int:cert_id>.pdf")
def download(cert_id: int):
    """The stored PDF, for the applicant and the issuing lab only."""
    cert = db.session.get(Certificate, cert_id)
    if cert is None or not current_user.is_authenticated:
        abort(404)
    get_allowed_or_404(type(cert.sub_request), cert.sub_request_id)
    return send_file(os.path.join(certificate_folder(), cert.stored_name),
                     mimetype="application/pdf", as_attachment=True,
                     download_name=f"{cert.number}.pdf")
