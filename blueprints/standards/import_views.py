"""Administrators import the standards catalogue from a file (a dry run first, then the
real run of the same file), follow the run in the background, and export the catalogue
in the same columns."""
from flask import flash, jsonify, make_response, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf.file import FileField, FileRequired
from sqlalchemy import select
from sqlalchemy.orm import joinedload
from wtforms import BooleanField, SubmitField

from blueprints.standards import import_runs, importing
from blueprints.standards.import_labels import (
    FIELD_LABELS,
    IMPORT_HEADERS,
    IMPORT_STATE_LABELS,
    OUTCOME_LABELS,
    file_refusal,
    reason_text,
    run_error,
    value_text,
)
from blueprints.standards.import_runs import StandardImport, StandardImportLine
from blueprints.standards.importing import Outcome
from blueprints.standards.views import bp
from core.forms import Form, render_form
from core.i18n import gettext as _
from core.i18n import lazy_gettext as _l
from core.pagination import paginate
from core.permissions import get_allowed_or_404, roles_required
from core.roles import Role
from core.templating import expose
from core.timeutil import local_today
from core.uploads import read_upload
from extensions import db

expose(bp, IMPORT_STATE_LABELS=IMPORT_STATE_LABELS, IMPORT_OUTCOME_LABELS=OUTCOME_LABELS,
       IMPORT_FIELD_LABELS=FIELD_LABELS, IMPORT_HEADERS=IMPORT_HEADERS,
       import_reason=reason_text, import_value=value_text, import_error=run_error)
# The outcomes a report lists (unchanged rows are counted, not listed).
LISTED = (Outcome.added, Outcome.changed, Outcome.refused)


class ImportForm(Form):
    file = FileField(_l("Catalogue file (CSV or Excel .xlsx, up to 10 MB)"),
                     validators=[FileRequired(_l("Choose a file."))])
    dry_run = BooleanField(_l("Dry run: report what would be added, changed and refused, "
                              "and change nothing"), default=True)
    submit = SubmitField(_l("Upload"))


@bp.route("/imports", methods=["GET", "POST"])
@roles_required(Role.admin)
def imports():
    form = ImportForm()
    refused = False
    if form.validate_on_submit():
        upload = form.file.data
        try:
            run = import_runs.queue(current_user, upload.filename, read_upload(upload),
                                    form.dry_run.data)
        except importing.UnreadableFile as err:
            form.file.errors.append(file_refusal(err.code))
            refused = True
        else:
            db.session.commit()
            flash(_("The file is queued; this page follows the run."), "success")
            return redirect(url_for("standards.import_detail", import_id=run.id))
    page = paginate(select(StandardImport).options(joinedload(StandardImport.uploaded_by))
                    .order_by(StandardImport.id.desc()))
    return render_form("standards/imports.html", form, refused=refused, page=page)


@bp.route("/imports/<int:import_id>")
@roles_required(Role.admin)
def import_detail(import_id: int):
    run = get_allowed_or_404(StandardImport, import_id)
    outcome = next((o for o in LISTED if o.value == request.args.get("outcome")), None)
    stmt = select(StandardImportLine).where(StandardImportLine.import_id == run.id)
    if outcome is not None:
        stmt = stmt.where(StandardImportLine.outcome == outcome)
    lines = paginate(stmt.order_by(StandardImportLine.line), per_page=100)
    return render_template("standards/import.html", form=Form(), run=run, lines=lines,
                           outcome=outcome, outcomes=LISTED, unchanged=Outcome.unchanged)


@bp.route("/imports/<int:import_id>/progress")
@roles_required(Role.admin)
def import_progress(import_id: int):
    run = get_allowed_or_404(StandardImport, import_id)
    return jsonify(state=run.state.value, state_label=str(IMPORT_STATE_LABELS[run.state]),
                   done=run.done, total=run.total, percent=run.percent,
                   error=run_error(run.error))


@bp.route("/imports/<int:import_id>/apply", methods=["POST"])
@roles_required(Role.admin)
def import_apply(import_id: int):
    run = get_allowed_or_404(StandardImport, import_id)
    if Form().validate_on_submit():
        try:
            real = run.apply(current_user)
        except import_runs.RunRefused:
            flash(_("Only a finished dry run can be imported, and only once."), "error")
        else:
            db.session.commit()
            flash(_("The import of the checked file is queued; this page follows it."),
                  "success")
            return redirect(url_for("standards.import_detail", import_id=real.id))
    return redirect(url_for("standards.import_detail", import_id=run.id))


def _export(kind: str, write, mimetype: str):
    response = make_response(write(import_runs.catalogue_rows()))
    response.mimetype = mimetype
    name = f"standards-{local_today():%Y%m%d}.{kind}"
    response.headers["Content-Disposition"] = f"attachment; filename={name}"
    return response


@bp.route("/export.csv")
@roles_required(Role.admin)
def export_csv():
    return _export("csv", importing.write_csv, "text/csv")


@bp.route("/export.xlsx")
@roles_required(Role.admin)
def export_xlsx():
    return _export("xlsx", importing.write_xlsx,
                   "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
