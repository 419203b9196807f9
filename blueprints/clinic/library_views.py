"""The case library: the expert writes a resolved case up, the desk approves it, and
the enterprises of its chain search and read it."""
from flask import abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select

from blueprints.catalogue.labels import INDUSTRY_LABELS
from blueprints.clinic.forms import ArticleForm, ReviewForm
from blueprints.clinic.kinds import ArticleState
from blueprints.clinic.library import TEXT_FIELDS, CaseArticle, identity_of
from blueprints.clinic.lifecycle import Party
from blueprints.clinic.models import expert_of
from blueprints.clinic.views import bp, case_or_404
from blueprints.service_requests.lifecycle import StepRefused
from blueprints.standards.search import holding
from blueprints.standards.tokens import query_terms
from core.forms import render_form
from core.i18n import gettext as _
from core.pagination import paginate
from core.permissions import get_allowed_or_404
from core.roles import Role
from extensions import db


def _article_of(case_id: int) -> CaseArticle | None:
    return db.session.scalar(select(CaseArticle).where(CaseArticle.case_id == case_id))


@bp.route("/<int:case_id>/article", methods=["GET", "POST"])
def article(case_id: int):
    """The expert writes the article (a draft until sent); the desk reviews it here."""
    case = case_or_404(case_id)
    parties = case.parties(current_user)
    if not parties & {Party.expert, Party.admin}:
        abort(403)
    row = _article_of(case.id)
    form = ArticleForm(obj=row)
    if form.is_submitted() and Party.expert not in parties:
        abort(403)
    refused = False
    if form.validate_on_submit() and form.check_version(row):
        values = {name: getattr(form, name).data for name in TEXT_FIELDS}
        try:
            if row is None:
                row = CaseArticle.draft(case, current_user, values)
            else:
                row.edit(current_user, values)
            if request.form.get("send"):
                row.submit(current_user, identity_of(case))
        except StepRefused as err:
            db.session.rollback()
            form.form_errors.append(str(err))
            refused = True
        else:
            db.session.commit()
            flash(_("Sent to the desk for approval.") if row.awaits_review
                  else _("Draft saved."), "success")
            return redirect(url_for("clinic.article", case_id=case.id))
    return render_form("clinic/article.html", form, refused, case=case, row=row,
                       parties=parties, Party=Party, review_form=ReviewForm(formdata=None))


@bp.route("/<int:case_id>/article/<verdict>", methods=["POST"])
def review_article(case_id: int, verdict: str):
    case = case_or_404(case_id, Party.admin)
    row = _article_of(case.id)
    if row is None or verdict not in ("approve", "refuse"):
        abort(404)
    form = ReviewForm()
    if not form.validate_on_submit():
        abort(400)
    if not form.check_version(row):
        flash(_("The article changed while you were reading it; read it again."), "error")
        return redirect(url_for("clinic.article", case_id=case.id)), 409
    try:
        if verdict == "approve":
            row.approve(current_user, identity_of(case))
        else:
            if not form.note.data:
                raise StepRefused(_("Say what the expert should change."))
            row.refuse(current_user, form.note.data)
    except StepRefused as err:
        db.session.rollback()
        flash(str(err), "error")
        return render_form("clinic/article.html", ArticleForm(obj=row), True, case=case,
                           row=row, parties={Party.admin}, Party=Party, review_form=form)
    db.session.commit()
    flash(_("Published in the case library.") if row.is_published
          else _("Sent back to the expert."), "success")
    return redirect(url_for("clinic.article", case_id=case.id))


def _readers_chain():
    """The chain whose articles the reader sees: an enterprise's own; None for the
    desk and experts, who read every chain (optionally filtered)."""
    if current_user.role == Role.sme:
        if current_user.enterprise is None:
            abort(403)
        return current_user.enterprise.industry_chain
    if current_user.role in (Role.admin, Role.expert) or expert_of(current_user):
        return None
    abort(403)


@bp.route("/library")
@login_required
def library():
    own_chain = _readers_chain()
    q = (request.args.get("q") or "").strip()[:100]
    stmt = select(CaseArticle).where(CaseArticle.state == ArticleState.published)
    if own_chain is not None:
        stmt = stmt.where(CaseArticle.chain == own_chain)
    waiting = []
    if current_user.role == Role.admin:
        waiting = db.session.scalars(select(CaseArticle).where(
            CaseArticle.state == ArticleState.submitted).order_by(CaseArticle.submitted_at)
            .limit(50)).all()
    condition = holding(CaseArticle, query_terms(q)) if q else None
    if condition is not None:
        stmt = stmt.where(condition)
    page = paginate(stmt.order_by(CaseArticle.published_at.desc(), CaseArticle.id.desc()))
    return render_template("clinic/library.html", page=page, q=q, own_chain=own_chain,
                           waiting=waiting, INDUSTRY_LABELS=INDUSTRY_LABELS)


@bp.route("/library/<int:article_id>")
@login_required
def library_article(article_id: int):
    row = get_allowed_or_404(CaseArticle, article_id)
    if not row.is_published:
        abort(404)
    return render_template("clinic/library_article.html", row=row,
                           INDUSTRY_LABELS=INDUSTRY_LABELS)
