"""Scales and campaigns: citizens' and enterprises' instruments, their free
verification, the metrologist's form and on-site campaign days."""
from flask import Blueprint, abort, flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select
from sqlalchemy.orm import joinedload, selectinload
from wtforms import SelectChoice

from blueprints.audit.models import record_event
from blueprints.certificates import queries as certificate_queries
from blueprints.labs.labels import GAP_LABELS
from blueprints.labs.models import team_of
from blueprints.metrology import campaigns as campaigns_ops
from blueprints.metrology import readings, scales, verifying
from blueprints.metrology import scale_verification as sv
from blueprints.metrology.forms import CampaignForm, OnSiteForm, ScaleRequestForm
from blueprints.metrology.labels import (
    INSTRUMENT_KIND_LABELS,
    VERIFICATION_TYPE_LABELS,
    accuracy,
    input_error_message,
    instrument_line,
    mass,
)
from blueprints.metrology.models import Campaign, CampaignState, Instrument, ScaleVerification
from blueprints.metrology.scale_verification import AccuracyClass, InputError, Scale, check_scale
from blueprints.service_requests.lifecycle import State
from blueprints.service_requests.models import RequestItem, ServiceRequest, SubRequest
from blueprints.service_requests.queries import load_part
from blueprints.service_requests.routing import NoCapableLab
from blueprints.service_requests.submission import NotReadyToSubmit
from core.forms import Form, VersionedForm, render_form
from core.i18n import gettext as _
from core.i18n import lazy_gettext as _l
from core.i18n import localized, safe_next
from core.numbers import plain
from core.pagination import paginate
from core.permissions import get_allowed_or_404, roles_required
from core.roles import LAB_ROLES, Role
from core.templating import expose
from core.timeutil import local_today
from core.validators import normalise_mobile
from extensions import db

MOVE_REFUSED = {
    "gone": _l("That day is no longer open; choose one of the days listed."),
    "verified": _l("Your scale is verified already, so its day can no longer change."),
}

bp = Blueprint("metrology", __name__)
expose(bp, INSTRUMENT_KIND_LABELS=INSTRUMENT_KIND_LABELS,
       VERIFICATION_TYPE_LABELS=VERIFICATION_TYPE_LABELS, mass=mass, accuracy=accuracy,
       instrument_line=instrument_line)

OWNERS = (Role.citizen, Role.sme)


@bp.route("/scales")
@roles_required(*OWNERS)
def my_scales():
    page = paginate(scales.own_instruments(current_user)
                    .order_by(Instrument.next_due.is_(None), Instrument.next_due, Instrument.id))
    return render_template("metrology/my_scales.html", page=page, today=local_today())


@bp.route("/scales/<int:instrument_id>")
@login_required
def scale(instrument_id: int):
    """One instrument: what it is, where it stands, and every verification it had."""
    instrument = get_allowed_or_404(Instrument, instrument_id)
    stmt = select(ScaleVerification).where(ScaleVerification.instrument_id == instrument.id)
    lab_id = instrument.history_lab(current_user)
    if lab_id is not None:
        stmt = stmt.where(ScaleVerification.item_id.in_(
            select(RequestItem.id).join(RequestItem.sub_request)
            .where(SubRequest.lab_id == lab_id)))
    history = db.session.scalars(
        stmt.options(joinedload(ScaleVerification.verified_by),
                 joinedload(ScaleVerification.item).joinedload(RequestItem.sub_request)
                 .joinedload(SubRequest.request))
        .order_by(ScaleVerification.verified_at.desc())).all()
    certificates = certificate_queries.latest_certificates([v.item.sub_request_id for v in history])
    return render_template("metrology/scale.html", instrument=instrument, history=history,
                           certificates=certificates, today=local_today(),
                           is_owner=instrument.is_owner(current_user))


def _coming():
    """Campaign days still to come, soonest first."""
    return (select(Campaign).where(Campaign.day >= local_today(),
                                   Campaign.state == CampaignState.planned)
            .order_by(Campaign.day, Campaign.id))


def upcoming_campaigns() -> list[Campaign]:
    return list(db.session.scalars(_coming().limit(20)))


def _prefill(form: ScaleRequestForm) -> None:
    form.contact_name.data = current_user.name
    form.contact_phone.data = current_user.phone or (
        current_user.enterprise.contact_phone if current_user.enterprise else "")
    again = request.args.get("instrument", type=int)
    if again:
        instrument = get_allowed_or_404(Instrument, again, "edit")
        row = form.scales[0].form
        row.kind.data, row.make.data, row.model.data = (instrument.kind, instrument.make,
                                                         instrument.model)
        row.serial.data, row.accuracy_class.data = instrument.serial, instrument.accuracy_class
        row.max_kg.data = instrument.max_capacity / 1000 if instrument.max_capacity else None
        row.e_g.data = instrument.e
        row.market.data, row.stall.data = instrument.market, instrument.stall
    campaign = request.args.get("campaign")
    if campaign and any(choice.value == campaign for choice in form.where.choices):
        form.where.data = campaign


def scale_errors(rows) -> bool:
    """Check each scale's Max, e and class against JJG 539; put what is wrong on the
    row's fields. True when every scale is possible."""
    ok = True
    for row in rows:
        if row.max_kg.data is None or row.e_g.data is None:
            continue
        try:
            check_scale(Scale(row.max_grams, row.e_g.data,
                              AccuracyClass(row.accuracy_class.data)))
        except InputError as err:
            target = row.max_kg if err.field == "max_capacity" else row.e_g
            target.errors = [*target.errors, input_error_message(err)]
            ok = False
    return ok


def entry_of(row) -> scales.ScaleEntry:
    return scales.ScaleEntry(
        kind=row.kind.data, make=row.make.data, model=row.model.data, serial=row.serial.data,
        max_capacity=row.max_grams, e=row.e_g.data, accuracy_class=row.accuracy_class.data,
        market=row.market.data, stall=row.stall.data)


@bp.route("/scales/verify", methods=["GET", "POST"])
@roles_required(*OWNERS)
def request_scales():
    """Free verification of one or more trade scales, at the institute or a campaign day."""
    count = min(max(request.args.get("n", 1, type=int) or 1, 1), 10)
    form = ScaleRequestForm(data=None if request.method == "POST" else
                            {"scales": [{}] * count})
    campaigns = {str(c.id): c for c in upcoming_campaigns()}
    form.where.choices = [SelectChoice("dropoff", _("Bring it to the metrology institute"))] + [
        SelectChoice(key, f"{c.day.isoformat()} · {c.market}") for key, c in campaigns.items()]
    refused = False
    if request.method == "GET":
        _prefill(form)
    elif form.validate_on_submit() and not (refused := not scale_errors(
            [r.form for r in form.scales])):
        campaign = campaigns.get(form.where.data)
        service = campaign.service if campaign else scales.scale_service()
        try:
            if service is None:
                raise NoCapableLab(set())  # the same answer as no lab offering it
            req = scales.request_verification(
                current_user, [entry_of(r.form) for r in form.scales], form.contact_name.data,
                form.contact_phone.data, service, campaign)
        except NoCapableLab:
            db.session.rollback()
            refused = True
            flash(_("Free scale verification is not offered at the moment; contact the desk."),
                  "error")
        except NotReadyToSubmit:
            db.session.rollback()
            refused = True
            flash(_("Your enterprise is not verified yet; the desk will verify it, usually "
                    "within one working day."), "error")
        else:
            db.session.commit()
            flash(_("Done. Your tracking number is %(number)s; follow it here.",
                    number=req.number), "success")
            return redirect(url_for("service_requests.detail", request_id=req.id))
    return render_form("metrology/request.html", form, refused, count=count, campaigns=campaigns)


# -- The metrologist's form ---------------------------------------------------------

def _scale_item(sub):
    item = next((i for i in sub.items if i.instrument is not None and i.instrument.is_scale),
                None)
    if item is None:
        abort(404)
    return item


# In-service inspection is not a verification: it has no certificate or due date of
# its own yet, so the form offers initial and subsequent verification only.
FORM_TYPES = (sv.VerificationType.initial, sv.VerificationType.subsequent)


def _vtype(instrument, value: str | None) -> sv.VerificationType:
    if value in {t.value for t in FORM_TYPES}:
        return sv.VerificationType(value)
    return (sv.VerificationType.subsequent if instrument.last_verified
            else sv.VerificationType.initial)


def _live(assessment: readings.Assessment) -> dict:
    """What the form shows as the readings are typed, as JSON-ready text."""
    def point(p):
        return {"error": plain(p.error), "corrected": plain(p.corrected), "mpe": plain(p.mpe),
                "passed": p.passed}
    return {"points": {k: point(p) for k, p in assessment.points.items()},
            "errors": {k: input_error_message(e) for k, e in assessment.errors.items()},
            "tests": {k: t.passed for k, t in assessment.tests.items()},
            "complete": assessment.complete,
            "passed": assessment.outcome.passed if assessment.outcome else None}


def _assessment(item, vtype, raw):
    return readings.assess(verifying.scale_of(item.instrument), vtype, raw)


@bp.route("/lab/requests/<int:sub_id>/scale", methods=["GET", "POST"])
@roles_required(*LAB_ROLES)
def verify_scale(sub_id: int):
    """JJG 539 on a tablet: proposed loads, readings, live errors and the verdict."""
    sub = load_part(sub_id, "work")
    item = _scale_item(sub)
    try:
        check_scale(verifying.scale_of(item.instrument))
    except (InputError, TypeError, ValueError):
        flash(_("This scale's Max, e or class is not possible; correct the instrument first."),
              "error")
        return redirect(url_for("service_requests.lab_detail", sub_id=sub.id))
    form = VersionedForm(obj=sub)
    status = 200
    if request.method == "POST":
        vtype = _vtype(item.instrument, request.form.get("vtype"))
        raw = {k: v for k, v in request.form.items() if k not in ("csrf_token", "version")}
        assessment = _assessment(item, vtype, raw)
        if not form.validate_on_submit():
            status = 400
        elif not form.check_version(sub):
            status = 409
        elif not sub.takes_readings:
            flash(_("This part does not take readings in its present state."), "error")
            status = 400
        elif not assessment.complete:
            flash(_("Some readings are missing or impossible; they are marked below."), "error")
            status = 400
        else:
            verifying.record(sub, item, current_user, vtype, raw, assessment,
                             on_site=sub.request.campaign_id is not None)
            db.session.commit()
            flash(_("Saved: the scale passes.") if assessment.outcome.passed
                  else _("Saved: the scale fails."), "success")
            return redirect(safe_next(request.args.get("next"),
                                      url_for("service_requests.lab_detail", sub_id=sub.id)))
    else:
        saved = item.scale_verification
        vtype = saved.verification_type if saved else _vtype(item.instrument, None)
        raw = dict(saved.readings) if saved else {
            k: plain(v) for k, v in readings.proposed(verifying.scale_of(item.instrument)).items()}
        assessment = _assessment(item, vtype, raw)
    campaign = (db.session.get(Campaign, sub.request.campaign_id)
                if sub.request.campaign_id else None)
    return render_template(
        "metrology/verify_scale.html", sub=sub, item=item, instrument=item.instrument, form=form,
        # Verifying a campaign scale before its day is allowed (a vendor who came in),
        # but the metrologist is told.
        early_for=campaign if campaign and campaign.day > local_today() else None,
        today=local_today(),
        vtype=vtype, raw=raw, live=_live(assessment), rows=readings.rows(),
        positions=readings.ECCENTRICITY_POSITIONS,
        editable=sub.takes_readings), status


@bp.route("/lab/requests/<int:sub_id>/scale/check", methods=["POST"])
@roles_required(*LAB_ROLES)
def check_readings(sub_id: int):
    """The live figures for the readings typed so far (nothing is saved)."""
    sub = load_part(sub_id, "work")
    item = _scale_item(sub)
    if not Form().validate_on_submit():
        abort(400)
    raw = {k: v for k, v in request.form.items() if k not in ("csrf_token", "version")}
    return jsonify(_live(_assessment(item, _vtype(item.instrument, raw.get("vtype")), raw)))


# -- Campaign days ------------------------------------------------------------------

CAMPAIGN_ROLES = (Role.admin, Role.lab_manager, Role.lab_staff)


@bp.route("/campaigns")
@roles_required(*CAMPAIGN_ROLES)
def campaigns():
    stmt = select(Campaign).options(joinedload(Campaign.lab)).order_by(Campaign.day.desc(),
                                                                       Campaign.id.desc())
    if current_user.role != Role.admin:
        stmt = stmt.where(Campaign.lab_id == current_user.lab_id)
    return render_template("metrology/campaigns.html", page=paginate(stmt),
                           may_create=_may_create())


@bp.route("/campaign-days")
def coming_days():
    """The coming free verification days at the markets, for everyone: a vendor picks
    one here and registers a scale for it (nothing personal is shown)."""
    return render_template("metrology/coming_days.html",
                           page=paginate(_coming().options(joinedload(Campaign.lab))))


def _may_create() -> bool:
    service = scales.scale_service()
    if service is None:
        return False
    return current_user.role == Role.admin or (
        current_user.role == Role.lab_manager and current_user.lab_id in
        {c.lab_id for c in service.capabilities if c.is_active})


@bp.route("/campaigns/new", methods=["GET", "POST"])
@roles_required(Role.admin, Role.lab_manager)
def new_campaign():
    if not _may_create():
        abort(403)
    service = scales.scale_service()
    labs = [c.lab for c in service.capabilities if c.is_active]
    form = CampaignForm()
    form.lab_id.choices = [SelectChoice(lab.id, localized(lab, "name")) for lab in labs
                           if current_user.role == Role.admin or lab.id == current_user.lab_id]
    if form.validate_on_submit():
        campaign = Campaign(lab_id=form.lab_id.data, service_id=service.id,
                            created_by_id=current_user.id)
        form.populate_obj(campaign)
        db.session.add(campaign)
        db.session.flush()
        record_event(current_user, "campaigns", campaign.id, "campaign_created",
                     after={"market": campaign.market, "day": campaign.day.isoformat(),
                            "target": campaign.target})
        db.session.commit()
        flash(_("The campaign day is planned; vendors can now register their scales for it."),
              "success")
        return redirect(url_for("metrology.campaign", campaign_id=campaign.id))
    return render_form("metrology/campaign_form.html", form)


def _queue(campaign_id: int):
    show = request.args.get("show", "all")
    stmt = (campaigns_ops.parts_of(campaign_id)
            .options(joinedload(SubRequest.request).joinedload(ServiceRequest.applicant),
                     selectinload(SubRequest.items).options(
                         joinedload(RequestItem.instrument),
                         joinedload(RequestItem.scale_verification)))
            .order_by(SubRequest.id))
    waiting = (State.submitted, State.confirmed, State.sample_received, State.in_progress)
    if show == "waiting":
        stmt = stmt.where(SubRequest.state.in_(waiting))
    elif show == "done":
        stmt = stmt.where(SubRequest.state.not_in(waiting))
    return paginate(stmt, per_page=50), show


@bp.route("/campaigns/<int:campaign_id>")
@roles_required(*CAMPAIGN_ROLES)
def campaign(campaign_id: int):
    campaign = get_allowed_or_404(Campaign, campaign_id, "view")
    if current_user.role != Role.admin and current_user.lab_id != campaign.lab_id:
        abort(404)
    return _campaign_page(campaign, OnSiteForm(formdata=None, prefix="onsite"))


def _campaign_page(campaign: Campaign, onsite: OnSiteForm, status: int = 200):
    page, show = _queue(campaign.id)
    return render_template(
        "metrology/campaign.html", campaign=campaign, page=page, show=show,
        progress=campaigns_ops.progress(campaign.id), markets=campaigns_ops.by_market(campaign.id),
        onsite=onsite, action_form=Form(),
        may_work=campaign.allows(current_user, "work"),
        may_run=campaign.allows(current_user, "run"),
        may_sign=campaign.allows(current_user, "work")
        and current_user.id in team_of(campaign.lab_id).signatories), status


@bp.route("/campaigns/<int:campaign_id>/register", methods=["POST"])
@roles_required(Role.lab_manager, Role.lab_staff)
def register_on_site(campaign_id: int):
    campaign = get_allowed_or_404(Campaign, campaign_id, "work")
    form = OnSiteForm(prefix="onsite")
    if form.validate_on_submit() and scale_errors([form.scale.form]):
        phone = normalise_mobile(form.vendor_phone.data)
        try:
            req = campaigns_ops.register_on_site(campaign, current_user, form.vendor_name.data,
                                                 phone, entry_of(form.scale.form))
        except ValueError:
            db.session.rollback()
            form.vendor_phone.errors.append(_("This number belongs to an account that is not a "
                                              "vendor's; use the vendor's own mobile number."))
        else:
            db.session.commit()
            flash(_("Registered: %(number)s.", number=req.number), "success")
            return redirect(url_for("metrology.campaign", campaign_id=campaign.id, show="waiting"))
    return _campaign_page(campaign, form, 400)


@bp.route("/requests/<int:request_id>/campaign-day", methods=["POST"])
@roles_required(Role.citizen, Role.sme)
def move_campaign_day(request_id: int):
    """A vendor who cannot come moves their registration to another coming day."""
    req = get_allowed_or_404(ServiceRequest, request_id, "view")
    if not req.is_applicant(current_user) or req.campaign_id is None:
        abort(404)
    if not Form().validate_on_submit():
        abort(400)
    raw = request.form.get("campaign_id", "")
    campaign = db.session.get(Campaign, int(raw)) if raw.isdigit() and len(raw) < 10 else None
    try:
        if campaign is None:
            raise ValueError("gone")
        campaigns_ops.move_to_day(req, campaign, current_user, local_today())
    except ValueError as err:
        db.session.rollback()  # the day closed, or a scale was verified, meanwhile
        return render_template("errors/error.html", code=409, title=_("The day was not changed"),
                               message=MOVE_REFUSED[str(err)]), 409
    db.session.commit()
    flash(_("Moved: your scale is verified on %(day)s at %(market)s.", day=campaign.day,
            market=campaign.market), "success")
    return redirect(url_for("service_requests.detail", request_id=req.id))


@bp.route("/campaigns/<int:campaign_id>/accept", methods=["POST"])
@roles_required(Role.lab_manager)
def accept_registrations(campaign_id: int):
    campaign = get_allowed_or_404(Campaign, campaign_id, "run")
    if Form().validate_on_submit():
        n = campaigns_ops.accept_registrations(campaign, current_user)
        db.session.commit()
        flash(_("%(n)s registered scales accepted.", n=n), "success")
    return redirect(url_for("metrology.campaign", campaign_id=campaign.id))


@bp.route("/campaigns/<int:campaign_id>/issue", methods=["POST"])
@roles_required(*LAB_ROLES)
def issue_campaign(campaign_id: int):
    """Approve the day's verified scales and issue every certificate in one batch: for
    the lab's managers and signatories, under the four-eyes rule."""
    campaign = get_allowed_or_404(Campaign, campaign_id, "work")
    if not Form().validate_on_submit():
        abort(400)
    end = campaigns_ops.approve_and_batch(campaign, current_user)
    db.session.commit()
    if end.left:
        # One message: what waits for whom, and what the lab must set up if nobody can.
        waiting = _("%(n)s verified scales wait for another signatory: you verified them "
                    "yourself, or they are outside your authorisation.", n=end.left)
        flash(f"{waiting} {GAP_LABELS[end.gap]}" if end.gap else waiting,
              "error" if end.batch is None else "warning")
    if end.batch is None:
        if not end.left:
            flash(_("No verified scale is waiting for its certificate."), "error")
        return redirect(url_for("metrology.campaign", campaign_id=campaign.id))
    batch = end.batch
    flash(_("The batch is queued; this page follows its progress."), "success")
    return redirect(url_for("certificates.batch_detail", batch_id=batch.id))
