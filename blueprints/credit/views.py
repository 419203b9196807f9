"""Quality-credit dossiers: the enterprise makes, reads and revokes its own (nobody
else learns one exists); the bank checks one with the number and code printed on it,
and every such view is logged for the enterprise to see."""
import hashlib

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import func, select

from blueprints.certificates.issuing import signing_folder
from blueprints.certificates.signing import signature_status
from blueprints.credit.forms import CopyCheckForm, DossierForm
from blueprints.credit.labels import (
    DOSSIER_STATUS_LABELS,
    VIEW_KIND_LABELS,
    evidence_text,
    source_text,
    status_sentence,
    value_text,
)
from blueprints.credit.making import check_url, county_set, make, snapshot
from blueprints.credit.models import Dossier, DossierRefused, DossierView, ViewKind
from blueprints.enterprises.models import Enterprise
from core import storage
from core.forms import ReasonForm, render_form
from core.i18n import gettext as _
from core.pagination import paginate
from core.permissions import get_allowed_or_404, roles_required
from core.roles import Role
from core.templating import expose
from core.timeutil import local_today
from extensions import db, limiter

bp = Blueprint("credit", __name__, url_prefix="/credit")
expose(bp, DOSSIER_STATUS_LABELS=DOSSIER_STATUS_LABELS, VIEW_KIND_LABELS=VIEW_KIND_LABELS,
       evidence_text=evidence_text, source_text=source_text, value_text=value_text,
       status_sentence=status_sentence)

MAX_COPY = 20 * 1024 * 1024
LOG_SHOWN = 100


def _enterprise() -> Enterprise:
    if current_user.enterprise_id is None:
        abort(404)
    return db.session.get(Enterprise, current_user.enterprise_id)


@bp.route("/")
@roles_required(Role.sme)
def index():
    ent = _enterprise()
    page = paginate(select(Dossier).where(Dossier.enterprise_id == ent.id)
                    .order_by(Dossier.id.desc()))
    views = dict(db.session.execute(
        select(DossierView.dossier_id, func.count(DossierView.id))
        .where(DossierView.dossier_id.in_([d.id for d in page.items]))
        .group_by(DossierView.dossier_id)).all()) if page.items else {}
    return render_template("credit/index.html", ent=ent, page=page, views=views,
                           today=local_today())


@bp.route("/new", methods=["GET", "POST"])
@roles_required(Role.sme)
def new():
    """The figures the dossier would show, then the bank, the purpose and the consent."""
    ent = _enterprise()
    form = DossierForm()
    refused = None
    if ent.allows(current_user, "edit") and form.validate_on_submit():
        try:
            dossier = make(ent, current_user, form.bank.data, form.purpose.data)
        except DossierRefused as err:
            db.session.rollback()
            refused = str(err)
        else:
            db.session.commit()
            flash(_("The dossier is made. Hand its PDF to the bank; the bank checks it with "
                    "the code printed on it."), "success")
            return redirect(url_for("credit.detail", dossier_id=dossier.id))
    elif form.is_submitted() and not ent.allows(current_user, "edit"):
        abort(403)
    if refused:
        form.form_errors.append(refused)
    return render_form("credit/new.html", form, refused=bool(refused), ent=ent,
                       s=snapshot(county_set(), ent, local_today()),
                       may_make=ent.allows(current_user, "edit"))


def _views(dossier: Dossier) -> tuple[list[DossierView], int]:
    shown = db.session.scalars(select(DossierView).where(DossierView.dossier_id == dossier.id)
                               .order_by(DossierView.id.desc()).limit(LOG_SHOWN)).all()
    total = len(shown) if len(shown) < LOG_SHOWN else db.session.scalar(
        select(func.count(DossierView.id)).where(DossierView.dossier_id == dossier.id))
    return shown, total


@bp.route("/<int:dossier_id>")
@roles_required(Role.sme)
def detail(dossier_id: int):
    dossier = get_allowed_or_404(Dossier, dossier_id)
    views, total = _views(dossier)
    return render_template("credit/detail.html", d=dossier, s=dossier.snapshot,
                           today=local_today(), views=views, views_total=total,
                           check_url=check_url(dossier), reason_form=ReasonForm())


@bp.route("/<int:dossier_id>.pdf")
@roles_required(Role.sme)
def download(dossier_id: int):
    dossier = get_allowed_or_404(Dossier, dossier_id)
    resp = storage.serve(dossier.key, "application/pdf", f"{dossier.number}.pdf",
                         sha256=dossier.sha256)
    resp.headers["Cache-Control"] = "private, no-store"
    return resp


@bp.route("/<int:dossier_id>/revoke", methods=["POST"])
@roles_required(Role.sme)
def revoke(dossier_id: int):
    dossier = get_allowed_or_404(Dossier, dossier_id, "revoke")
    form = ReasonForm()
    problem = None if form.validate_on_submit() else _("Say why the dossier is revoked.")
    if problem is None:
        try:
            dossier.revoke(current_user, form.reason.data)
        except DossierRefused as err:
            problem = str(err)
    if problem:
        db.session.rollback()
        flash(problem, "error")
        views, total = _views(dossier)
        return render_template("credit/detail.html", d=dossier, s=dossier.snapshot,
                               today=local_today(), views=views, views_total=total,
                               check_url=check_url(dossier), reason_form=form), 400
    db.session.commit()
    flash(_("The dossier is revoked. Its check page now says so and shows nothing more."),
          "success")
    return redirect(url_for("credit.detail", dossier_id=dossier.id))


def _log(dossier: Dossier, kind: ViewKind) -> None:
    db.session.add(DossierView(dossier_id=dossier.id, kind=kind,
                               status=dossier.status(local_today()).value,
                               address=(request.remote_addr or "")[:45],
                               browser=(request.user_agent.string or "")[:200]))
    db.session.commit()


@bp.route("/check", methods=["GET", "POST"])
@limiter.limit("30 per minute")
def check():
    """The public check of a dossier, by the number and code printed on it: whether it
    is valid, expired or revoked, the original's SHA-256, and while it is valid the
    figures themselves. A PDF copy uploaded here is compared with the original."""
    number = (request.values.get("number") or "").strip().upper()[:20]
    code = (request.values.get("code") or "").strip().upper()[:16]
    dossier = None
    if number and code:
        dossier = db.session.scalar(select(Dossier).where(Dossier.number == number))
        if dossier is not None and dossier.access_code != code:
            dossier = None
    form = CopyCheckForm()
    match = signature = None
    if request.method == "POST":
        if dossier is None or not form.validate_on_submit() or not form.pdf.data:
            abort(400)
        data = form.pdf.data.read(MAX_COPY)
        match = hashlib.sha256(data).hexdigest() == dossier.sha256
        signature = signature_status(data, signing_folder())
    if dossier is not None:
        _log(dossier, ViewKind.copy_checked if request.method == "POST" else ViewKind.page)
    today = local_today()
    status = 404 if number and code and dossier is None else 200
    return render_template("credit/check.html", d=dossier, number=number, code=code,
                           today=today, form=form, match=match, signature=signature,
                           s=dossier.snapshot if dossier and dossier.shows_contents(today)
                           else None), status
