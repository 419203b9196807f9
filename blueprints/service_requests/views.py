"""The applicant's side: drafts, submission, following a request, quotes, ratings."""
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import or_
from sqlalchemy.orm import selectinload
from wtforms import SelectChoice

from blueprints.catalogue.labels import SERVICE_KIND_LABELS
from blueprints.catalogue.models import Service
from blueprints.service_requests.attachments import AttachmentRefused, attach
from blueprints.service_requests.clock import times_left
from blueprints.service_requests.forms import (
    AttachmentForm,
    ItemForm,
    RatingForm,
    RequestForm,
    VersionedActionForm,
)
from blueprints.service_requests.labels import (
    ACTION_LABELS,
    APPLICANT_STEP_DONE,
    EVENT_LABELS,
    LAB_STATE_LABELS,
    LEVEL_LABELS,
    SCALE_ACTION_LABELS,
    SCALE_STATE_LABELS,
    STATE_LABELS,
    VERDICT_LABELS,
)
from blueprints.service_requests.lifecycle import Action, TransitionError
from blueprints.service_requests.models import (
    Attachment,
    DraftLine,
    ServiceRequest,
    SubRequest,
    load_whole,
)
from blueprints.service_requests.queries import timeline
from blueprints.service_requests.routing import NoCapableLab, estimate
from blueprints.service_requests.satisfaction import Level
from blueprints.service_requests.submission import NotReadyToSubmit, preview, submit
from core import storage
from core.forms import render_form
from core.i18n import gettext as _
from core.i18n import localized
from core.like import ESCAPE, contains
from core.pagination import paginate
from core.permissions import get_allowed_or_404, roles_required
from core.roles import Role
from core.signals import collect, request_page
from core.templating import expose
from core.timeutil import local_today
from core.uploads import read_upload, refusal
from extensions import db

bp = Blueprint("service_requests", __name__)
expose(bp, STATE_LABELS=STATE_LABELS, LAB_STATE_LABELS=LAB_STATE_LABELS,
       SCALE_STATE_LABELS=SCALE_STATE_LABELS, SCALE_ACTION_LABELS=SCALE_ACTION_LABELS,
       ACTION_LABELS=ACTION_LABELS, EVENT_LABELS=EVENT_LABELS, VERDICT_LABELS=VERDICT_LABELS,
       LEVEL_LABELS=LEVEL_LABELS)

APPLICANTS = (Role.sme, Role.citizen)
NEW_ROW = "__index__"  # placeholder index of the form's template row


def _service_choices():
    """The active services grouped by kind; each option carries its catalogue price and
    turnaround, which the form adds up as the applicant types."""
    services = db.session.scalars(db.select(Service).where(Service.is_active)
                                  .order_by(Service.kind, Service.code)).all()
    return [SelectChoice(0, _("Choose a service"))] + [
        SelectChoice(s.id, f"{localized(s, 'name')} · {s.method_standard}",
                     render_kw={"data-price": s.price_cents, "data-days": s.turnaround_days},
                     optgroup=str(SERVICE_KIND_LABELS[s.kind]))
        for s in services]


def _blank_item_row(choices) -> ItemForm:
    """The row the form's "add a service" button copies (its index filled in then)."""
    row = ItemForm(prefix=f"items-{NEW_ROW}-", formdata=None)
    row.service_id.choices = choices
    return row


def _own_requests():
    stmt = db.select(ServiceRequest)
    if current_user.role == Role.sme:
        return stmt.where(ServiceRequest.enterprise_id == current_user.enterprise_id)
    return stmt.where(ServiceRequest.applicant_id == current_user.id,
                      ServiceRequest.enterprise_id.is_(None))


@bp.route("/requests")
@roles_required(*APPLICANTS)
def index():
    q = (request.args.get("q") or "").strip()
    stmt = _own_requests().options(selectinload(ServiceRequest.sub_requests)
                                   .joinedload(SubRequest.lab))
    if q:
        like = contains(q)
        stmt = stmt.where(or_(ServiceRequest.number.ilike(like, escape=ESCAPE),
                              ServiceRequest.title.ilike(like, escape=ESCAPE)))
    page = paginate(stmt.order_by(ServiceRequest.id.desc()))
    return render_template("service_requests/index.html", page=page, q=q)


@bp.route("/requests/new", methods=["GET", "POST"])
@bp.route("/requests/<int:request_id>/edit", methods=["GET", "POST"])
@roles_required(*APPLICANTS)
def edit(request_id: int | None = None):
    req = get_allowed_or_404(ServiceRequest, request_id, "edit") if request_id else None
    form = RequestForm(obj=req)
    choices = _service_choices()
    for row in form.items:
        row.form.service_id.choices = choices
    if not form.is_submitted():
        if req is None:
            form.contact_name.data = current_user.name
            if current_user.enterprise:
                form.contact_phone.data = current_user.enterprise.contact_phone
            elif current_user.phone:
                form.contact_phone.data = current_user.phone
            preset = request.args.get("service", type=int)
            if preset and any(c.value == preset for c in choices):
                form.items[0].form.service_id.data = preset
        for _i in range(min(3, form.items.max_entries - len(form.items))):
            form.items.append_entry()
            form.items[-1].form.service_id.choices = choices
    if form.validate_on_submit() and form.check_version(req):
        req = req or ServiceRequest.new_draft(current_user)
        req.save_draft(current_user, form.title.data, form.contact_name.data,
                       form.contact_phone.data, form.notes.data,
                       [DraftLine(row.service_id.data, row.sample_description.data,
                                  row.quantity.data or 1, row.requirements.data)
                        for row in (r.form for r in form.items) if not row.is_blank])
        db.session.commit()
        flash(_("Draft saved. Check the expected price and dates below, then submit."),
              "success")
        return redirect(url_for("service_requests.detail", request_id=req.id))
    return render_form("service_requests/edit.html", form, req=req,
                       new_row=_blank_item_row(choices), new_row_index=NEW_ROW)


def load_request(request_id: int, action: str = "view") -> ServiceRequest:
    return load_whole(get_allowed_or_404(ServiceRequest, request_id, action).id)


@bp.route("/requests/<int:request_id>")
@roles_required(*APPLICANTS, Role.admin)
def detail(request_id: int):
    return _detail_page(load_request(request_id))


def _detail_page(req: ServiceRequest, status: int = 200, rating_form=None):
    """The request page; refused actions render it again with a 4xx status."""
    placements, routing_error, parts = None, None, []
    if req.is_draft:
        try:
            placed = preview(req)
        except NoCapableLab as err:
            routing_error = err
        else:
            placements = {p.key: p for p in placed}
            parts = estimate(placed, {i.id: i.quantity for i in req.items})
    return render_template("service_requests/detail.html", req=req, placements=placements,
                           expected_parts=parts,
                           left=times_left(req.sub_requests), routing_error=routing_error,
                           events=timeline(req, True),
                           action_form=VersionedActionForm(), attachment_form=AttachmentForm(),
                           rating_form=rating_form or RatingForm(formdata=None),
                           part_names={s.id: s.number for s in req.sub_requests},
                           services_by_id={i.service_id: i.service for i in req.items},
                           # Bookings and certificates, from the areas that keep them.
                           **collect(request_page, parts=req.sub_requests, user=current_user,
                                     audience="applicant")), status


def _refuse(err: Exception) -> None:
    messages = {
        "no_items": _("Add at least one service before submitting."),
        "enterprise_not_verified": _("Your enterprise is not verified yet; the desk will "
                                     "verify it, usually within one working day."),
    }
    if isinstance(err, NoCapableLab):
        flash(_("No lab on the desk can do some of these services at the moment. Remove "
                "them or contact the desk."), "error")
    elif isinstance(err, NotReadyToSubmit):
        flash(messages[err.reason], "error")
    else:
        flash(_("This step is not possible in the request's present state."), "error")


@bp.route("/requests/<int:request_id>/submit", methods=["POST"])
@roles_required(*APPLICANTS)
def submit_request(request_id: int):
    req = get_allowed_or_404(ServiceRequest, request_id, "edit")
    form = VersionedActionForm()
    if not form.validate_on_submit() or not form.check_version(req):
        flash(_("The request changed while you were looking at it; check it and submit "
                "again."), "error")
        return _detail_page(load_request(req.id), 409)
    try:
        submit(req, current_user)
    except (NoCapableLab, NotReadyToSubmit, TransitionError) as err:
        db.session.rollback()
        _refuse(err)
        return _detail_page(load_request(request_id), 400)
    db.session.commit()
    # Booking the drop-off is part of submitting: straight to it when one part takes
    # bookings, otherwise the request page with a button on each part that does.
    counter_labs = collect(request_page, parts=req.sub_requests, user=current_user,
                           audience="applicant")["counter_labs"]
    bookable = [s for s in req.sub_requests if s.lab_id in counter_labs]
    if bookable and req.campaign_id is None:
        flash(_("Submitted as %(number)s. Now choose when you bring the samples.",
                number=req.number), "success")
        if len(bookable) == 1:
            return redirect(url_for("scheduling.booking", request_id=req.id,
                                    sub_id=bookable[0].id))
    else:
        flash(_("Submitted as %(number)s. You can follow it here.", number=req.number),
              "success")
    return redirect(url_for("service_requests.detail", request_id=req.id))


@bp.route("/requests/<int:request_id>/delete", methods=["POST"])
@roles_required(*APPLICANTS)
def delete_draft(request_id: int):
    req = get_allowed_or_404(ServiceRequest, request_id, "edit")
    form = VersionedActionForm()
    if not form.validate_on_submit():
        abort(400)
    if not form.check_version(req):
        flash(_("The draft changed since you opened it; check it before deleting."), "error")
        return _detail_page(load_request(req.id), 409)
    req.delete_draft(current_user)
    db.session.commit()
    flash(_("Draft deleted."), "info")
    return redirect(url_for("service_requests.index"))


APPLICANT_ACTIONS = {a.value: a for a in (Action.confirm, Action.cancel, Action.resubmit,
                                          Action.close)}


@bp.route("/requests/<int:request_id>/parts/<int:sub_id>/<action>", methods=["POST"])
@roles_required(*APPLICANTS)
def part_action(request_id: int, sub_id: int, action: str):
    req = get_allowed_or_404(ServiceRequest, request_id)
    sub = next((s for s in req.sub_requests if s.id == sub_id), None)
    if sub is None or action not in APPLICANT_ACTIONS or not sub.allows(current_user, "applicant"):
        abort(404)
    form = VersionedActionForm()
    if not (form.validate_on_submit() and form.check_version(sub)):
        flash(_("Someone changed this request while you were looking at it; check it and "
                "try again."), "error")
        return _detail_page(load_request(req.id), 409)
    # An answer to the lab's question travels with the resubmission (the lab reads it
    # in the part's timeline).
    answer = (request.form.get("answer") or "").strip()[:2000]
    try:
        sub.step(APPLICANT_ACTIONS[action], current_user,
                 reason=answer if action == Action.resubmit.value else "")
    except TransitionError as err:
        db.session.rollback()
        _refuse(err)
        return _detail_page(load_request(request_id), 400)
    db.session.commit()
    flash(APPLICANT_STEP_DONE[APPLICANT_ACTIONS[action]], "success")
    return redirect(url_for("service_requests.detail", request_id=req.id))


@bp.route("/requests/<int:request_id>/attachments", methods=["POST"])
@roles_required(*APPLICANTS)
def upload(request_id: int):
    req = get_allowed_or_404(ServiceRequest, request_id, "attach")
    form = AttachmentForm()
    if not form.validate_on_submit():
        flash(_("Choose a file to attach."), "error")
        return _detail_page(load_request(req.id), 400)
    try:
        attach(req, current_user, form.file.data.filename, read_upload(form.file.data))
    except AttachmentRefused as err:
        flash(refusal(err), "error")
    else:
        db.session.commit()
        flash(_("File attached."), "success")
        return redirect(url_for("service_requests.detail", request_id=req.id))
    return _detail_page(load_request(req.id), 400)


@bp.route("/requests/<int:request_id>/attachments/<int:attachment_id>")
@roles_required(*APPLICANTS, Role.admin, Role.lab_staff, Role.lab_manager)
def download(request_id: int, attachment_id: int):
    req = get_allowed_or_404(ServiceRequest, request_id)
    att = db.session.get(Attachment, attachment_id)
    if att is None or att.request_id != req.id:
        abort(404)
    return storage.serve(att.key, att.content_type, att.filename, sha256=att.sha256)


@bp.route("/requests/<int:request_id>/parts/<int:sub_id>/rate", methods=["POST"])
@roles_required(*APPLICANTS)
def rate(request_id: int, sub_id: int):
    req = get_allowed_or_404(ServiceRequest, request_id)
    sub = next((s for s in req.sub_requests if s.id == sub_id), None)
    if sub is None or not sub.allows(current_user, "applicant"):
        abort(404)
    form = RatingForm()
    if not sub.can_rate():
        flash(_("A request is rated once, after it is closed."), "error")
        return _detail_page(load_request(req.id), 400)
    if not form.validate_on_submit():
        flash(" ".join(str(e) for errs in form.errors.values() for e in errs), "error")
        return _detail_page(load_request(req.id), 400, rating_form=form)
    sub.rate(current_user, Level(form.level.data), form.comment.data, local_today())
    db.session.commit()
    flash(_("Thank you for rating the service."), "success")
    return redirect(url_for("service_requests.detail", request_id=req.id))
