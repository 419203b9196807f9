from flask import abort, flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from blueprints.certificates import batches
from blueprints.certificates.labels import BATCH_STATE_LABELS
from blueprints.certificates.models import BatchState, CertificateBatch, CertificateBatchItem
from blueprints.certificates.views import bp
from blueprints.service_requests.models import SubRequest
from core import storage
from core.converters import MAX_ID
from core.forms import Form
from core.i18n import gettext as _
from core.i18n import lazy_gettext as _l
from core.pagination import paginate
from core.permissions import get_allowed_or_404, roles_required
from core.roles import LAB_ROLES, Role
from extensions import db

BATCH_ERRORS = {
    "empty": _l("Choose at least one approved part of your lab."),
    "not_failed": _l("Only a stopped batch can be resumed."),
    "not_yours": _l("You may not sign any of the chosen parts: you entered their results, "
                    "or they are outside your authorisation. Another signatory issues them."),
}


@bp.route("/lab/batches")
@roles_required(*LAB_ROLES)
def batch_index():
    # Managers follow every batch of the lab; a signatory their own.
    stmt = select(CertificateBatch).where(CertificateBatch.lab_id == current_user.lab_id)
    if current_user.role != Role.lab_manager:
        stmt = stmt.where(CertificateBatch.created_by_id == current_user.id)
    page = paginate(stmt.options(joinedload(CertificateBatch.created_by))
                    .order_by(CertificateBatch.id.desc()))
    return render_template("certificates/batches.html", page=page,
                           waiting=batches.waiting_count(current_user.lab_id))


@bp.route("/lab/batches/new", methods=["GET", "POST"])
@roles_required(*LAB_ROLES)
def batch_new():
    form = Form()
    parts = batches.awaiting_issue(current_user.lab_id)
    refusals = batches.signable(parts, current_user)
    status = 200
    if form.validate_on_submit():
        raw = request.form.getlist("sub_id")
        if not all(v.isdigit() and 0 < int(v) <= MAX_ID for v in raw):
            abort(400)
        try:
            batch, left_out = batches.create_batch(current_user.lab_id, current_user,
                                                   [int(v) for v in raw])
        except batches.BatchError as err:
            flash(BATCH_ERRORS[err.code], "error")
            status = 400
        else:
            db.session.commit()
            if left_out:
                flash(_("%(n)s chosen parts were left out: you may not sign them (four eyes "
                        "or scope). Another signatory issues them.", n=left_out), "warning")
            flash(_("The batch is queued; this page follows its progress."), "success")
            return redirect(url_for("certificates.batch_detail", batch_id=batch.id))
    return render_template("certificates/batch_new.html", form=form, parts=parts,
                           refusals=refusals, limit=batches.MAX_BATCH), status


def _batch(batch_id: int) -> CertificateBatch:
    return get_allowed_or_404(CertificateBatch, batch_id)


@bp.route("/lab/batches/<int:batch_id>")
@roles_required(*LAB_ROLES)
def batch_detail(batch_id: int):
    batch = _batch(batch_id)
    items = paginate(select(CertificateBatchItem).where(CertificateBatchItem.batch_id == batch.id)
                     .options(joinedload(CertificateBatchItem.certificate),
                              joinedload(CertificateBatchItem.sub_request)
                              .joinedload(SubRequest.request))
                     .order_by(CertificateBatchItem.id), per_page=50)
    return render_template("certificates/batch.html", batch=batch, items=items, form=Form())


@bp.route("/lab/batches/<int:batch_id>/progress")
@roles_required(*LAB_ROLES)
def batch_progress(batch_id: int):
    batch = _batch(batch_id)
    return jsonify(state=batch.state.value, state_label=str(BATCH_STATE_LABELS[batch.state]),
                   done=batch.done, total=batch.total, percent=batch.percent, error=batch.error)


@bp.route("/lab/batches/<int:batch_id>/resume", methods=["POST"])
@roles_required(*LAB_ROLES)
def batch_resume(batch_id: int):
    batch = _batch(batch_id)
    if Form().validate_on_submit():
        try:
            batches.resume(batch, current_user)
        except batches.BatchError as err:
            flash(BATCH_ERRORS[err.code], "error")
        else:
            db.session.commit()
            flash(_("The batch is queued again; it issues only what is left."), "success")
    return redirect(url_for("certificates.batch_detail", batch_id=batch.id))


@bp.route("/lab/batches/<int:batch_id>/certificates.<any(zip, pdf):kind>")
@roles_required(*LAB_ROLES)
def batch_download(batch_id: int, kind: str):
    batch = _batch(batch_id)
    key = batch.output_key(kind)
    if batch.state != BatchState.done or not key:
        abort(404)
    return storage.serve(key, "application/zip" if kind == "zip" else "application/pdf",
                         f"batch-{batch.id}.{kind}")
