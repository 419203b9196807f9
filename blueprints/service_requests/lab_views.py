"""The lab's side: the queue, contract review and quote, samples, results,
four-eyes review, and the worklist across requests."""
from datetime import date, timedelta

import segno
from flask import abort, flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy import func, select
from sqlalchemy.orm import joinedload, load_only, selectinload
from wtforms import SelectChoice

from blueprints.auth.models import User
from blueprints.catalogue.kinds import ServiceKind
from blueprints.catalogue.models import Capability, Service, ServiceParameter
from blueprints.enterprises.models import Enterprise
from blueprints.service_requests import results
from blueprints.service_requests.clock import times_left
from blueprints.service_requests.forms import (
    AssignForm,
    FollowUpForm,
    NoteForm,
    QuoteForm,
    ReasonActionForm,
    ReceiveForm,
    VersionedActionForm,
)
from blueprints.service_requests.labels import STEP_DONE, understood
from blueprints.service_requests.lifecycle import (
    LAB_STATES,
    NEEDS_REASON,
    OPEN_STATES,
    Action,
    QuoteLine,
    QuoteRefused,
    State,
    StepRefused,
    TransitionError,
)
from blueprints.service_requests.models import Rating, RequestItem, ServiceRequest, SubRequest
from blueprints.service_requests.queries import load_part, overdue_clause, timeline
from blueprints.service_requests.satisfaction import Level
from blueprints.service_requests.views import bp
from blueprints.service_requests.written_results import UnreadableResult
from core.converters import MAX_ID
from core.forms import yuan_to_cents
from core.i18n import gettext as _
from core.pagination import paginate
from core.permissions import own_lab_id, roles_required
from core.roles import LAB_ROLES, Role
from core.signals import collect, request_page
from core.timeutil import local_today, utcnow
from extensions import db

# The steps the lab takes with a button (quote and sample receipt have forms of their own).
LAB_STEPS = {Action.accept_free, Action.return_for_info, Action.reject, Action.start,
             Action.submit_results, Action.send_back, Action.approve, Action.issue,
             Action.close, Action.amend}
SORTS = {"due": (SubRequest.due_date, SubRequest.id), "new": (SubRequest.id.desc(),),
         "old": (SubRequest.id,)}


@bp.route("/lab/queue")
@roles_required(*LAB_ROLES)
def queue():
    lab_id = own_lab_id()
    args = request.args
    # Only the columns the rows show: the queue is the page labs open all day.
    stmt = (select(SubRequest).where(SubRequest.lab_id == lab_id)
            .options(joinedload(SubRequest.request).options(
                         load_only(ServiceRequest.number, ServiceRequest.title),
                         joinedload(ServiceRequest.enterprise).load_only(Enterprise.name),
                         joinedload(ServiceRequest.applicant).load_only(User.name)),
                     joinedload(SubRequest.assignee).load_only(User.name),
                     selectinload(SubRequest.items).load_only(RequestItem.service_id)
                     .joinedload(RequestItem.service).load_only(
                         Service.code, Service.name_zh, Service.name_en)))
    state = args.get("state", "open")
    if state == "open":
        stmt = stmt.where(SubRequest.is_open())
    elif state in State.__members__:
        stmt = stmt.where(SubRequest.state == State(state))
    today = local_today()
    due = args.get("due", "")
    if due == "overdue":
        stmt = stmt.where(overdue_clause(today, utcnow()))
    elif due == "week":
        stmt = stmt.where(SubRequest.due_date <= today + timedelta(days=7))
    elif (due_on := _day(due)) is not None:   # one day's, from the calendar
        stmt = stmt.where(SubRequest.due_date == due_on)
    else:
        due = ""
    service_id = args.get("service", type=int)
    if service_id and 0 < service_id <= MAX_ID:
        stmt = stmt.where(SubRequest.id.in_(select(RequestItem.sub_request_id)
                                            .where(RequestItem.service_id == service_id)))
    assignee = args.get("assignee", "")
    if assignee == "me":
        stmt = stmt.where(SubRequest.assignee_id == current_user.id)
    elif assignee == "none":
        stmt = stmt.where(SubRequest.assignee_id.is_(None))
    elif (assignee_id := args.get("assignee", type=int)) and 0 < assignee_id <= MAX_ID:
        stmt = stmt.where(SubRequest.assignee_id == assignee_id)
    sort = args.get("sort", "due") if args.get("sort") in SORTS else "due"
    page = paginate(stmt.order_by(*SORTS[sort]))
    services = _lab_services(lab_id)
    return render_template("service_requests/lab_queue.html", page=page, today=today,
                           left=times_left(page.items),
                           state=state, due=due, service_id=service_id, assignee=assignee,
                           sort=sort, services=services, staff=_lab_staff(lab_id),
                           # Campaign days are a metrology lab's: others are not offered them.
                           verifies=any(s.kind == ServiceKind.verification for s in services),
                           open_states=OPEN_STATES, lab_states=LAB_STATES)


def _day(value: str) -> date | None:
    """A YYYY-MM-DD date, or None for anything else."""
    try:
        return date.fromisoformat(value) if len(value) == 10 else None
    except ValueError:
        return None


def _lab_services(lab_id: int):
    return db.session.scalars(
        select(Service).join(Capability, Capability.service_id == Service.id)
        .where(Capability.lab_id == lab_id).order_by(Service.code)
        .options(load_only(Service.code, Service.name_zh, Service.name_en, Service.kind))).all()


def _lab_staff(lab_id: int):
    return db.session.scalars(
        select(User).where(User.lab_id == lab_id, User.active, User.role.in_(LAB_ROLES))
        .order_by(User.name).options(load_only(User.name))).all()


def _page(sub: SubRequest, status: int = 200, **forms):
    staff = _lab_staff(sub.lab_id)
    assign = forms.pop("assign_form", None) or AssignForm(obj=sub)
    assign.assignee_id.choices = [SelectChoice(0, "—")] + [
        SelectChoice(u.id, u.name) for u in staff]
    quote = forms.pop("quote_form", None) or _quote_form(sub)
    receive = forms.pop("receive_form", None) or _receive_form(sub)
    return render_template(
        "service_requests/lab_detail.html", sub=sub, req=sub.request,
        actions=sub.actions_for(current_user), events=timeline(sub.request, False, only_part=sub),
        action_form=VersionedActionForm(formdata=None, obj=sub),
        reason_form=forms.pop("reason_form", None) or ReasonActionForm(formdata=None, obj=sub),
        note_form=forms.pop("note_form", None) or NoteForm(formdata=None, obj=sub),
        assign_form=assign, quote_form=quote, receive_form=receive,
        results_errors=forms.pop("results_errors", {}), posted=forms.pop("posted", {}),
        field_name=results.field_name,
        signoff=sub.signoff(current_user) if sub.awaits_signoff else None,
        reason_actions=NEEDS_REASON, left=times_left([sub]),
        # The part's booking and certificates, from the areas that keep them.
        **collect(request_page, parts=[sub], user=current_user, audience="lab")), status


@bp.route("/lab/requests/<int:sub_id>")
@roles_required(*LAB_ROLES)
def lab_detail(sub_id: int):
    return _page(load_part(sub_id))


def _quote_form(sub: SubRequest) -> QuoteForm:
    form = QuoteForm(formdata=None, obj=sub)
    for item in sub.items:
        form.lines.append_entry({"item_id": item.id, "price": item.price_cents / 100,
                                 "price_reason": item.price_reason,
                                 "method_deviation": item.method_deviation})
    return form


def _receive_form(sub: SubRequest) -> ReceiveForm:
    form = ReceiveForm(formdata=None, obj=sub)
    for item in sub.items:
        form.lines.append_entry({"item_id": item.id})
    return form


def _stale(sub, status=409, **forms):
    flash(_("Someone else changed this request while you were working on it. It is shown "
            "as it is now; check it and do the step again."), "error")
    db.session.rollback()
    return _page(load_part(sub.id), status, **forms)


def _refused(sub, err: Exception):
    db.session.rollback()
    flash(str(err) if isinstance(err, StepRefused)
          else _("This step is not possible in the request's present state."), "error")
    return _page(load_part(sub.id), 400)


@bp.route("/lab/requests/<int:sub_id>/do/<action>", methods=["POST"])
@roles_required(*LAB_ROLES)
def lab_action(sub_id: int, action: str):
    sub = load_part(sub_id, "work")
    if action not in Action.__members__ or Action(action) not in LAB_STEPS:
        abort(404)
    act = Action(action)
    form = ReasonActionForm() if act in NEEDS_REASON else VersionedActionForm()
    if not form.validate_on_submit():
        flash(_("Give a reason the applicant will read."), "error")
        return _page(sub, 400, reason_form=form)
    if not form.check_version(sub):
        return _stale(sub)
    try:
        sub.step(act, current_user, reason=form.reason.data if act in NEEDS_REASON else "")
        if act == Action.approve and request.form.get("and_issue"):
            sub.issue(current_user)  # "approve and issue": the signatory does both at once
            act = Action.issue
    except (TransitionError, StepRefused) as err:
        return _refused(sub, err)
    db.session.commit()
    flash(STEP_DONE.get(act, _("Done.")), "success")
    return redirect(url_for("service_requests.lab_detail", sub_id=sub.id))


def _lines_by_item(sub: SubRequest, form):
    """The posted per-item lines by item id: exactly one per item of this part."""
    items = {i.id: i for i in sub.items}
    lines = {line.form.item_id.data: line.form for line in form.lines}
    if set(lines) != set(items) or len(form.lines) != len(items):
        abort(400)
    return items, lines


@bp.route("/lab/requests/<int:sub_id>/quote", methods=["POST"])
@roles_required(Role.lab_manager)
def quote(sub_id: int):
    sub = load_part(sub_id, "work")
    form = QuoteForm()
    _items, lines = _lines_by_item(sub, form)
    if not form.validate_on_submit():
        return _page(sub, 400, quote_form=form)
    if not form.check_version(sub):
        return _stale(sub, quote_form=form)
    try:
        sub.quote(current_user, [
            QuoteLine(item_id, yuan_to_cents(line.price.data), line.price_reason.data,
                      line.method_deviation.data) for item_id, line in lines.items()])
    except QuoteRefused as err:
        db.session.rollback()
        for item_id in err.item_ids:
            lines[item_id].price_reason.errors.append(
                _("Say why the price differs from the catalogue."))
        return _page(load_part(sub.id), 400, quote_form=form)
    except TransitionError as err:
        return _refused(sub, err)
    db.session.commit()
    flash(_("Quote sent. Work starts when the applicant accepts it."), "success")
    return redirect(url_for("service_requests.lab_detail", sub_id=sub.id))


@bp.route("/lab/requests/<int:sub_id>/assign", methods=["POST"])
@roles_required(Role.lab_manager)
def assign(sub_id: int):
    sub = load_part(sub_id, "work")
    form = AssignForm()
    form.assignee_id.choices = [SelectChoice(0, "—")] + [
        SelectChoice(u.id, u.name) for u in _lab_staff(sub.lab_id)]
    if not form.validate_on_submit():
        return _page(sub, 400, assign_form=form)
    if not form.check_version(sub):
        return _stale(sub)
    sub.assign(current_user, form.assignee_id.data or None)
    db.session.commit()
    flash(_("Assigned."), "success")
    return redirect(url_for("service_requests.lab_detail", sub_id=sub.id))


@bp.route("/lab/requests/<int:sub_id>/receive", methods=["POST"])
@roles_required(*LAB_ROLES)
def receive(sub_id: int):
    sub = load_part(sub_id, "work")
    form = ReceiveForm()
    _items, lines = _lines_by_item(sub, form)
    if not form.validate_on_submit():
        return _page(sub, 400, receive_form=form)
    if not form.check_version(sub):
        return _stale(sub)
    try:
        sub.receive_samples(current_user, {i: line.condition.data for i, line in lines.items()},
                            local_today())
    except TransitionError as err:
        return _refused(sub, err)
    db.session.commit()
    flash(_("Samples received. Print the labels and stick one on each sample."), "success")
    return redirect(url_for("service_requests.labels", sub_id=sub.id))


@bp.route("/lab/requests/<int:sub_id>/labels")
@roles_required(*LAB_ROLES)
def labels(sub_id: int):
    sub = load_part(sub_id)
    # One label per physical sample: an item of quantity 3 prints 3 labels (1/3 ...).
    samples = [(i, i.sample, segno.make(i.sample.code, error="m").svg_inline(scale=3), copy)
               for i in sub.items if i.sample for copy in range(1, i.quantity + 1)]
    return render_template("service_requests/labels.html", sub=sub, samples=samples)


@bp.route("/lab/requests/<int:sub_id>/items/<int:item_id>/results", methods=["POST"])
@roles_required(*LAB_ROLES)
def enter_results(sub_id: int, item_id: int):
    sub = load_part(sub_id, "work")
    item = next((i for i in sub.items if i.id == item_id), None)
    form = VersionedActionForm()
    if item is None:
        abort(404)
    if not form.validate_on_submit():
        abort(400)
    if not form.check_version(sub):
        return _stale(sub, posted=request.form)
    if not sub.takes_results:
        return _refused(sub, StepRefused(_("Results are entered after the sample is received "
                                           "and before the request goes to review.")))
    entries, errors = results.read_item(item, request.form)
    if errors:
        flash(_("Some results could not be read; they are marked below."), "error")
        return _page(sub, 400, results_errors=errors, posted=request.form)
    results.save(item, entries, current_user)
    db.session.commit()
    flash(_("Results saved."), "success")
    return redirect(url_for("service_requests.lab_detail", sub_id=sub.id) + f"#item-{item.id}")


@bp.route("/lab/parameters/<int:parameter_id>/read")
@roles_required(*LAB_ROLES)
def read_typed_result(parameter_id: int):
    """What a result being typed will be read as, in plain words, before it is saved
    (the line under each result field). Catalogue data only: nothing is stored."""
    parameter = db.session.get(ServiceParameter, parameter_id)
    if parameter is None:
        abort(404)
    try:
        written = results.read_typed(parameter, request.args.get("raw", "")[:200])
    except UnreadableResult as refused:
        return jsonify(error=results.refusal(refused))
    if written is None:
        return jsonify(understood="")
    return jsonify(understood=understood(written, results.judged(parameter, written),
                                         parameter.unit, parameter.detection_limit))


@bp.route("/lab/requests/<int:sub_id>/note", methods=["POST"])
@roles_required(*LAB_ROLES)
def note(sub_id: int):
    sub = load_part(sub_id, "work")
    form = NoteForm()
    if not form.validate_on_submit():
        return _page(sub, 400, note_form=form)
    if not form.check_version(sub):
        return _stale(sub, note_form=form)
    sub.write_notes(current_user, form.work_conditions.data, form.internal_note.data)
    db.session.commit()
    flash(_("Note saved."), "success")
    return redirect(url_for("service_requests.lab_detail", sub_id=sub.id))


@bp.route("/lab/worklist", methods=["GET", "POST"])
@roles_required(*LAB_ROLES)
def worklist():
    """All open items of one service across requests, entered in one grid."""
    lab_id = own_lab_id()
    services = _lab_services(lab_id)
    service = next((s for s in services if s.id == request.args.get("service", type=int)),
                   services[0] if services else None)
    items, errors = [], {}
    if service is not None:
        # Read from the lab's parts at work (their partial index), the service checked
        # on each of their items: "+ 0" keeps the planners off the service's index,
        # which would read every item of the service ever asked for.
        items = db.session.scalars(
            select(RequestItem).join(RequestItem.sub_request)
            .where(SubRequest.lab_id == lab_id, SubRequest.is_at_work(),
                   RequestItem.service_id + 0 == service.id)
            .options(joinedload(RequestItem.sub_request).joinedload(SubRequest.request),
                     selectinload(RequestItem.results), joinedload(RequestItem.sample))
            .order_by(SubRequest.due_date, SubRequest.id, RequestItem.id)
            .limit(200)).unique().all()
    if request.method == "POST":
        # Nothing to save for a lab with no service chosen (or none to choose).
        if service is None or not VersionedActionForm().validate_on_submit():
            abort(400)
        parsed = {}
        for item in items:
            if request.form.get(f"v-{item.id}") != str(item.sub_request.version):
                # Someone saved this request's results since the grid was loaded.
                errors[f"v-{item.id}"] = _("Changed by someone else since you opened the "
                                           "grid; reload to see their results.")
                continue
            entries, item_errors = results.read_item(item, request.form)
            errors.update(item_errors)
            parsed[item.id] = entries
        if errors:
            flash(_("Some results could not be read; they are marked below. Nothing was "
                    "saved."), "error")
        else:
            saved = sum(results.save(item, parsed[item.id], current_user) for item in items)
            db.session.commit()
            flash(_("%(n)s results saved.", n=saved), "success")
            return redirect(url_for("service_requests.worklist", service=service.id))
    status = 400 if errors else 200
    return render_template("service_requests/worklist.html", services=services, service=service,
                           items=items, errors=errors, posted=request.form,
                           field_name=results.field_name,
                           action_form=VersionedActionForm(formdata=None)), status


@bp.route("/lab/ratings", methods=["GET"])
@roles_required(*LAB_ROLES)
def ratings():
    """The lab's ratings; bad reviews first until they are followed up."""
    lab_id = own_lab_id()
    stmt = (select(Rating).where(Rating.lab_id == lab_id)
            .options(joinedload(Rating.sub_request).joinedload(SubRequest.request))
            .order_by(Rating.followed_up_at.is_not(None), Rating.follow_up_due.is_(None),
                      Rating.follow_up_due, Rating.id.desc()))
    page = paginate(stmt)
    summary = dict(db.session.execute(select(Rating.level, func.count())
                                      .where(Rating.lab_id == lab_id)
                                      .group_by(Rating.level)).all())
    return render_template("service_requests/lab_ratings.html", page=page, summary=summary,
                           form=FollowUpForm(formdata=None), today=local_today(), Level=Level)


@bp.route("/lab/ratings/<int:rating_id>/follow-up", methods=["POST"])
@roles_required(Role.lab_manager)
def follow_up(rating_id: int):
    rating = db.session.get(Rating, rating_id)
    if rating is None or rating.lab_id != own_lab_id() or rating.follow_up_due is None:
        abort(404)
    form = FollowUpForm()
    if rating.followed_up_at is None and not form.validate_on_submit():
        flash(_("Describe the follow-up."), "error")
        return ratings(), 400
    try:
        rating.follow_up(current_user, form.follow_up_note.data)
    except StepRefused as err:
        flash(str(err), "error")
        return ratings(), 409
    db.session.commit()
    flash(_("Follow-up recorded."), "success")
    return redirect(url_for("service_requests.ratings"))
