"""An enterprise's quality records (records.py): its members read them and open their
evidence; the desk's administrators enter them with that evidence and withdraw a
wrong one with a reason."""
from flask import abort, flash, redirect, url_for
from flask_login import current_user, login_required

from blueprints.enterprises.forms import QualityRecordForm
from blueprints.enterprises.labels import (
    RECORD_KIND_LABELS,
    RECORD_LEVEL_LABELS,
    RECORD_OUTCOME_LABELS,
)
from blueprints.enterprises.models import Enterprise
from blueprints.enterprises.records import QualityRecord, RecordRefused, records_of
from blueprints.enterprises.views import bp
from core import storage
from core.forms import ReasonForm, render_form
from core.i18n import gettext as _
from core.permissions import get_allowed_or_404, roles_required
from core.request_guards import clean_filename
from core.roles import Role
from core.templating import expose
from core.timeutil import local_today
from core.uploads import UploadRefused, read_upload, refusal, store
from extensions import db

expose(bp, RECORD_KIND_LABELS=RECORD_KIND_LABELS, RECORD_LEVEL_LABELS=RECORD_LEVEL_LABELS,
       RECORD_OUTCOME_LABELS=RECORD_OUTCOME_LABELS)


def _page(ent: Enterprise, form: QualityRecordForm | None = None, refused: bool = False):
    form = form or QualityRecordForm()
    return render_form("enterprises/records.html", form, refused, ent=ent,
                       records=records_of(ent.id), today=local_today(),
                       reason_form=ReasonForm(prefix="withdraw"),
                       may_enter=current_user.role == Role.admin)


@bp.route("/enterprises/<int:enterprise_id>/records")
@login_required
def records(enterprise_id: int):
    return _page(get_allowed_or_404(Enterprise, enterprise_id))


@bp.route("/enterprises/<int:enterprise_id>/records", methods=["POST"])
@roles_required(Role.admin)
def enter_record(enterprise_id: int):
    ent = get_allowed_or_404(Enterprise, enterprise_id)
    form = QualityRecordForm()
    if not form.validate_on_submit():
        return _page(ent, form)
    kind, _sep, level = form.category.data.partition("/")
    try:
        evidence = store(read_upload(form.file.data))
    except UploadRefused as err:
        form.file.errors = [refusal(err)]
        return _page(ent, form, refused=True)
    try:
        QualityRecord.enter(ent, current_user, evidence,
                            clean_filename(form.file.data.filename),
                            kind=kind, level=level, outcome=form.outcome.data,
                            title=form.title.data, reference=form.reference.data,
                            issuer=form.issuer.data, dated=form.dated.data,
                            valid_until=form.valid_until.data)
    except (RecordRefused, ValueError) as err:
        db.session.rollback()
        storage.delete(evidence.key)
        form.form_errors.append(str(err) if isinstance(err, RecordRefused)
                                else _("Choose what the record is from the list."))
        return _page(ent, form, refused=True)
    db.session.commit()
    flash(_("The record is entered; it shows on the enterprise's quality profile."), "success")
    return redirect(url_for("enterprises.records", enterprise_id=ent.id))


def _record(enterprise_id: int, record_id: int, action: str = "view") -> QualityRecord:
    record = get_allowed_or_404(QualityRecord, record_id, action)
    if record.enterprise_id != enterprise_id:
        abort(404)
    return record


def _refused(record: QualityRecord, message: str):
    """The records page again, saying why nothing changed."""
    flash(message, "error")
    return _page(db.session.get(Enterprise, record.enterprise_id), refused=True)[0], 400


@bp.route("/enterprises/<int:enterprise_id>/records/<int:record_id>/withdraw",
          methods=["POST"])
@roles_required(Role.admin)
def withdraw_record(enterprise_id: int, record_id: int):
    record = _record(enterprise_id, record_id, "withdraw")
    form = ReasonForm(prefix="withdraw")
    if not form.validate_on_submit():
        return _refused(record, _("Give the reason the record is withdrawn."))
    try:
        record.withdraw(current_user, form.reason.data)
    except RecordRefused as err:
        return _refused(record, str(err))
    db.session.commit()
    flash(_("The record is withdrawn; it no longer counts."), "success")
    return redirect(url_for("enterprises.records", enterprise_id=enterprise_id))


@bp.route("/enterprises/<int:enterprise_id>/records/<int:record_id>/evidence")
@login_required
def record_evidence(enterprise_id: int, record_id: int):
    record = _record(enterprise_id, record_id)
    resp = storage.serve(record.evidence_key, record.evidence_type, record.evidence_name,
                         sha256=record.evidence_sha256, as_attachment=False)
    resp.headers["Content-Security-Policy"] = "sandbox"
    resp.headers["Cache-Control"] = "private, no-store"
    return resp
