"""The quality clinic's pages: the enterprise opens a case and follows it, the desk
dispatches it, the expert accepts it and works it, the enterprise confirms, rates and
reports the benefit. One case page serves them all, each seeing what is theirs to do."""
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user

from blueprints.catalogue.labels import INDUSTRY_LABELS
from blueprints.clinic import labels
from blueprints.clinic.figures import county_figures
from blueprints.clinic.forms import (
    ActionDoneForm,
    ActionForm,
    BenefitForm,
    CaseForm,
    CaseRatingForm,
    ConsentForm,
    DispatchForm,
    FindingForm,
    PeriodForm,
    StepForm,
    TimeForm,
    VerifyBenefitForm,
    VisitForm,
    ics_choices,
)
from blueprints.clinic.kinds import Skill
from blueprints.clinic.lifecycle import NEEDS_TEXT, RULED, CaseAction, CaseStepRefused, Party
from blueprints.clinic.models import CaseAttachment, CaseRating, ClinicCase
from blueprints.clinic.outcome import CaseBenefit
from blueprints.clinic.profile import my_expert_profile
from blueprints.clinic.queries import (
    case_page,
    case_search,
    cases_seen_by,
    count_findings,
    dispatch_pool,
    experts_to_dispatch,
    failed_certificate,
    failed_result,
    later_request,
    load_case,
    with_experts,
)
from blueprints.clinic.uploads import attach
from blueprints.clinic.work import CaseFinding, CaseVisit, CorrectiveAction, TimeEntry
from blueprints.service_requests.forms import AttachmentForm, FollowUpForm
from blueprints.service_requests.labels import LEVEL_LABELS
from blueprints.service_requests.lifecycle import StepRefused
from blueprints.service_requests.satisfaction import Level
from core import storage
from core.converters import MAX_ID
from core.forms import Form, yuan_to_cents
from core.i18n import gettext as _
from core.i18n import localized
from core.pagination import paginate
from core.permissions import roles_required
from core.roles import Role
from core.templating import expose
from core.timeutil import LOCAL_TZ, local_today, months_back, utcnow
from core.uploads import UploadRefused, read_upload, refusal
from extensions import db


def result_text(result) -> str:
    """A result as the lab wrote it, with its unit ("120 mg/kg", "ND")."""
    unit = result.parameter.unit if result.shows_unit else ""
    return f"{result.as_written} {unit}".strip()


bp = Blueprint("clinic", __name__, url_prefix="/clinic")
expose(bp, result_text=result_text, CASE_STATE_LABELS=labels.CASE_STATE_LABELS,
       CASE_ACTION_LABELS=labels.CASE_ACTION_LABELS, CASE_ACTION_TEXT=labels.CASE_ACTION_TEXT,
       CASE_EVENT_LABELS=labels.CASE_EVENT_LABELS, SKILL_LABELS=labels.SKILL_LABELS,
       ASSIGNMENT_STATE_LABELS=labels.ASSIGNMENT_STATE_LABELS,
       CAUSE_LABELS=labels.CAUSE_LABELS, VISIT_MODE_LABELS=labels.VISIT_MODE_LABELS,
       ACTION_OWNER_LABELS=labels.ACTION_OWNER_LABELS, ACTIVITY_LABELS=labels.ACTIVITY_LABELS,
       MESSAGE_KIND_LABELS=labels.MESSAGE_KIND_LABELS,
       ARTICLE_STATE_LABELS=labels.ARTICLE_STATE_LABELS,
       EXCLUSION_LABELS=labels.EXCLUSION_LABELS, MATCH_LABELS=labels.MATCH_LABELS)

STEPS = {a.value: a for a in CaseAction if a != CaseAction.dispatch}


@bp.app_context_processor
def expert_pool_member():
    """Lab staff who are also experts find the clinic in the menu (asked only for
    lab staff: the others' menu follows their role)."""
    def in_expert_pool() -> bool:
        return my_expert_profile() is not None
    return {"in_expert_pool": in_expert_pool}


@bp.route("/")
def index():
    if not current_user.is_authenticated:
        abort(401)
    expert = my_expert_profile()
    stmt = cases_seen_by(current_user, expert)
    if stmt is None:
        abort(403)
    q = (request.args.get("q") or "").strip()[:100]
    state = request.args.get("state", "")
    if q:
        stmt = stmt.where(case_search(q))
    if state in labels.CASE_STATE_LABELS:
        stmt = stmt.where(ClinicCase.state == state)
    page = paginate(with_experts(stmt.order_by(ClinicCase.id.desc())))
    # Experts and enterprises follow their visits in a calendar app.
    feed = expert is not None or current_user.enterprise_id is not None
    return render_template("clinic/index.html", page=page, q=q, state=state, feed=feed,
                           feed_form=Form(), INDUSTRY_LABELS=INDUSTRY_LABELS)


# -- opening a case -----------------------------------------------------------------


def _source():
    """The failed result or certificate of the enterprise's own that a case is opened
    about (?result= or ?certificate=, or the form's hidden fields); 404 for anyone
    else's or one that did not fail."""
    result_id = request.values.get("result_id") or request.values.get("result")
    cert_id = request.values.get("certificate_id") or request.values.get("certificate")
    result = cert = None
    if result_id:
        result = failed_result(_id(result_id), current_user)
        if result is None:
            abort(404)
    elif cert_id:
        cert = failed_certificate(_id(cert_id), current_user)
        if cert is None:
            abort(404)
    return result, cert


def _id(raw: str) -> int:
    return int(raw) if raw.isdigit() and 0 < int(raw) < 2**31 else 0


@bp.route("/new", methods=["GET", "POST"])
def new():
    if not current_user.is_authenticated or current_user.enterprise_id is None:
        abort(403)
    result, cert = _source()
    form = CaseForm()
    form.ics_field.choices = ics_choices(blank=_("Not sure"))
    if not form.is_submitted():
        form.chain.data = current_user.enterprise.industry_chain
        if result is not None:
            item = result.item
            form.product.data = item.sample_description
            form.title.data = _("%(parameter)s failed: %(value)s",
                                parameter=localized(result.parameter, "name"),
                                value=result_text(result))
            form.skills.data = [Skill.root_cause.value, Skill.testing.value]
            form.result_id.data = str(result.id)
        elif cert is not None:
            form.title.data = _("Failed: %(number)s", number=cert.number)
            form.skills.data = [Skill.root_cause.value]
            form.certificate_id.data = str(cert.id)
    refused = False
    if form.validate_on_submit():
        data = read_upload(form.file.data) if form.file.data else None
        values = {name: getattr(form, name).data for name in
                  ("title", "product", "chain", "symptoms", "since", "losses")}
        values.update(process=form.process_step.data, ics_field=form.ics_field.data or "", skills=form.skills.data or [],
                      monthly_loss_cents=yuan_to_cents(form.monthly_loss.data))
        try:
            case = ClinicCase.open(current_user, values, result=result, certificate=cert)
            if data is not None:
                attach(case, current_user, form.file.data.filename, data)
        except UploadRefused as err:
            db.session.rollback()
            form.file.errors = [refusal(err)]
            refused = True
        except StepRefused as err:
            db.session.rollback()
            form.form_errors.append(str(err))
            refused = True
        else:
            db.session.commit()
            flash(_("Sent as %(number)s. The desk chooses an expert and tells you who.",
                    number=case.number), "success")
            return redirect(url_for("clinic.detail", case_id=case.id))
    status = 400 if form.is_submitted() and (form.errors or refused) else 200
    return render_template("clinic/new.html", form=form, result=result, cert=cert), status


# -- the case page ------------------------------------------------------------------------


def case_or_404(case_id: int, party: str = "view") -> ClinicCase:
    """The case with what its page shows, read once: 404 for anyone it is not
    confidential to, 403 when `party` is not theirs (as get_allowed_or_404)."""
    case = load_case(case_id) if 0 < case_id <= MAX_ID else None
    expert = my_expert_profile()
    if case is None or not case.allows(current_user, "view", expert):
        abort(404)
    if party != "view" and not case.allows(current_user, party, expert):
        abort(403)
    return case


def _page(case: ClinicCase, status: int = 200, **forms):
    expert = my_expert_profile()
    parties = case.parties(current_user, expert)
    assignment = case.live_assignment(expert.id) if expert else None
    parts = case_page(case)
    dispatch = None
    # The pool is read only while the case waits for its experts.
    if Party.admin in parties and case.awaits_dispatch:
        dispatch = dispatch_pool(case, local_today(),
                                 everyone=request.args.get("experts") == "all")
    working = Party.expert in parties and assignment is not None and \
        not assignment.is_pending and case.is_working
    action_form = forms.get("action_form") or ActionForm(formdata=None, prefix="action")
    action_form.finding_id.choices = [(0, _("None in particular"))] + [
        (f.id, _("%(cause)s: %(finding)s", cause=labels.CAUSE_LABELS[f.cause],
                 finding=f.description[:40])) for f in parts.findings]
    return render_template(
        "clinic/detail.html", case=case, parts=parts, parties=parties, Party=Party,
        assignment=assignment, working=working, dispatch=dispatch,
        actions=case.actions_for(parties, assignment), NEEDS_TEXT=NEEDS_TEXT,
        answer_step=CaseAction.answer,
        today=local_today(), now=utcnow(), level_labels=LEVEL_LABELS,
        step_form=forms.get("step_form") or StepForm(formdata=None),
        dispatch_form=forms.get("dispatch_form") or DispatchForm(formdata=None),
        attachment_form=AttachmentForm(formdata=None),
        visit_form=forms.get("visit_form") or VisitForm(formdata=None, prefix="visit"),
        finding_form=forms.get("finding_form") or FindingForm(formdata=None, prefix="finding"),
        action_form=action_form,
        done_form=ActionDoneForm(formdata=None),
        time_form=forms.get("time_form") or TimeForm(formdata=None, prefix="time",
                                                     day=local_today()),
        rating_form=forms.get("rating_form") or CaseRatingForm(formdata=None),
        follow_up_form=FollowUpForm(formdata=None),
        consent_form=ConsentForm(formdata=None),
        benefit_form=forms.get("benefit_form") or BenefitForm(formdata=None,
                                                             obj=parts.benefit),
        verify_form=forms.get("verify_form") or VerifyBenefitForm(formdata=None)), status


@bp.route("/<int:case_id>")
def detail(case_id: int):
    return _page(case_or_404(case_id))


def _refused(case: ClinicCase, err: Exception, status: int = 400, **forms):
    db.session.rollback()
    if isinstance(err, CaseStepRefused):
        flash(_("This step is not possible in the case's present state."), "error")
    else:
        flash(str(err), "error")
    return _page(load_case(case.id), status, **forms)


def _stale(case: ClinicCase, **forms):
    flash(_("The case changed while you were looking at it; check it and try again."),
          "error")
    return _page(load_case(case.id), 409, **forms)


def _done(case: ClinicCase, message: str, anchor: str = ""):
    db.session.commit()
    flash(message, "success")
    return redirect(url_for("clinic.detail", case_id=case.id) + anchor)


@bp.route("/<int:case_id>/<step>", methods=["POST"])
def step(case_id: int, step: str):
    case = case_or_404(case_id)
    action = STEPS.get(step)
    if action is None:
        abort(404)
    form = StepForm()
    if not form.validate_on_submit():
        return _refused(case, StepRefused(" ".join(str(e) for errs in form.errors.values()
                                                   for e in errs)), step_form=form)
    if not form.check_version(case):
        return _stale(case, step_form=form)
    text = form.text.data
    if action in NEEDS_TEXT and not text:
        return _refused(case, StepRefused(str(labels.CASE_ACTION_TEXT[action]) + " — " +
                                          _("write a few words.")), step_form=form)
    parties = case.parties(current_user)
    party = _party_for(action, parties)
    try:
        if action in RULED:
            _ruled(case, action, party, text)
        else:
            case.take(action, current_user, party, text=text)
    except (CaseStepRefused, StepRefused) as err:
        return _refused(case, err, step_form=form)
    # After confirming, straight to the rating the message asks for.
    return _done(case, str(labels.CASE_STEP_DONE[action]),
                 "#outcome" if action == CaseAction.confirm else "")


def _party_for(action: CaseAction, parties: set[Party]) -> Party:
    """The party a person takes the step as (an administrator asks as the desk)."""
    if not parties:
        abort(404)
    return next(iter(parties))


def _ruled(case: ClinicCase, action: CaseAction, party: Party, text: str) -> None:
    if action == CaseAction.accept:
        case.accept(current_user)
    elif action == CaseAction.decline:
        case.decline(current_user, text)
    elif action == CaseAction.ask:
        case.ask(current_user, party, text)
    elif action == CaseAction.answer:
        case.answer(current_user, text)
    elif action == CaseAction.propose:
        case.propose(current_user, text, count_findings(case.id))
    elif action == CaseAction.confirm:
        case.confirm(current_user)


@bp.route("/<int:case_id>/dispatch", methods=["POST"])
def dispatch(case_id: int):
    case = case_or_404(case_id, Party.admin)
    form = DispatchForm()
    experts = {e.id: e for e in experts_to_dispatch(
        int(v) for v in request.form.getlist("experts") if v.isdigit() and len(v) < 10)}
    form.experts.choices = [(i, str(i)) for i in experts]
    if not form.validate_on_submit():
        return _refused(case, StepRefused(_("Choose at least one expert.")),
                        dispatch_form=form)
    if not form.check_version(case):
        return _stale(case, dispatch_form=form)
    try:
        case.dispatch(current_user, [experts[i] for i in form.experts.data])
    except (CaseStepRefused, StepRefused) as err:
        return _refused(case, err, dispatch_form=form)
    return _done(case, _("Dispatched. The experts are told and answer within the "
                         "response time."))


# -- files ----------------------------------------------------------------------------------


@bp.route("/<int:case_id>/files", methods=["POST"])
def upload(case_id: int):
    case = case_or_404(case_id)
    form = AttachmentForm()
    if not case.takes_files:
        return _refused(case, StepRefused(_("Files are added while the case is open.")))
    if not form.validate_on_submit():
        return _refused(case, StepRefused(_("Choose a file to attach.")))
    try:
        attach(case, current_user, form.file.data.filename, read_upload(form.file.data))
    except UploadRefused as err:
        return _refused(case, StepRefused(refusal(err)))
    return _done(case, _("File attached."), "#files")


@bp.route("/<int:case_id>/files/<int:file_id>")
def download(case_id: int, file_id: int):
    case = case_or_404(case_id)
    att = db.session.get(CaseAttachment, file_id)
    if att is None or att.case_id != case.id:
        abort(404)
    return storage.serve(att.key, att.content_type, att.filename, sha256=att.sha256,
                         as_attachment=not att.is_image)


# -- the experts' work ---------------------------------------------------------------------


@bp.route("/<int:case_id>/visits", methods=["POST"])
def book_visit(case_id: int):
    case = case_or_404(case_id, Party.expert)
    form = VisitForm(prefix="visit")
    if not form.validate_on_submit():
        return _refused(case, StepRefused(_("Check the visit's fields.")), visit_form=form)
    starts, ends = form.times(LOCAL_TZ)
    try:
        CaseVisit.book(case, current_user, form.mode.data, starts, ends, form.place.data,
                       form.agenda.data)
    except StepRefused as err:
        return _refused(case, err, visit_form=form)
    return _done(case, _("The visit is booked; the enterprise is told."), "#visits")


def _visit(case: ClinicCase, visit_id: int) -> CaseVisit:
    visit = db.session.get(CaseVisit, visit_id)
    if visit is None or visit.case_id != case.id:
        abort(404)
    return visit


@bp.route("/<int:case_id>/visits/<int:visit_id>/cancel", methods=["POST"])
def cancel_visit(case_id: int, visit_id: int):
    case = case_or_404(case_id)
    visit = _visit(case, visit_id)
    parties = case.parties(current_user)
    form = StepForm()
    if not (Party.expert in parties or Party.enterprise in parties) or \
            not form.validate_on_submit():
        abort(403 if form.validate_on_submit() else 400)
    try:
        visit.cancel(current_user, form.text.data)
    except StepRefused as err:
        return _refused(case, err)
    return _done(case, _("The visit is cancelled."), "#visits")


@bp.route("/<int:case_id>/findings", methods=["POST"])
def record_finding(case_id: int):
    case = case_or_404(case_id, Party.expert)
    form = FindingForm(prefix="finding")
    if not form.validate_on_submit():
        return _refused(case, StepRefused(_("Describe the finding.")), finding_form=form)
    try:
        CaseFinding.record(case, current_user, form.cause.data, form.description.data)
    except StepRefused as err:
        return _refused(case, err, finding_form=form)
    return _done(case, _("Finding recorded."), "#findings")


@bp.route("/<int:case_id>/actions", methods=["POST"])
def plan_action(case_id: int):
    case = case_or_404(case_id, Party.expert)
    form = ActionForm(prefix="action")
    form.finding_id.choices = [(0, "")] + [(f.id, "") for f in case_page(case).findings]
    if not form.validate_on_submit():
        return _refused(case, StepRefused(_("Check the action's fields.")), action_form=form)
    try:
        CorrectiveAction.plan(case, current_user, form.description.data, form.owner_side.data,
                              form.owner.data, form.due_on.data, local_today(),
                              form.finding_id.data or None)
    except StepRefused as err:
        return _refused(case, err, action_form=form)
    return _done(case, _("Action added."), "#actions")


@bp.route("/<int:case_id>/actions/<int:action_id>/done", methods=["POST"])
def complete_action(case_id: int, action_id: int):
    case = case_or_404(case_id)
    action = db.session.get(CorrectiveAction, action_id)
    if action is None or action.case_id != case.id:
        abort(404)
    parties = case.parties(current_user)
    if not parties & {Party.expert, Party.enterprise}:
        abort(403)
    form = ActionDoneForm()
    if not form.validate_on_submit():
        return _refused(case, StepRefused(_("Say what shows the action is done.")))
    if not form.check_version(action):
        return _stale(case)
    try:
        action.complete(current_user, form.evidence.data)
        if form.file.data:
            attach(case, current_user, form.file.data.filename, read_upload(form.file.data),
                   action_id=action.id)
    except UploadRefused as err:
        return _refused(case, StepRefused(refusal(err)))
    except StepRefused as err:
        return _refused(case, err)
    return _done(case, _("Action marked as done."), "#actions")


@bp.route("/<int:case_id>/time", methods=["POST"])
def log_time(case_id: int):
    case = case_or_404(case_id, Party.expert)
    form = TimeForm(prefix="time")
    if not form.validate_on_submit():
        return _refused(case, StepRefused(_("Check the time's fields.")), time_form=form)
    try:
        TimeEntry.log(case, current_user, form.activity.data, form.day.data,
                      form.minutes.data, form.note.data, local_today())
    except StepRefused as err:
        return _refused(case, err, time_form=form)
    return _done(case, _("Time logged."), "#time")


# -- outcome -------------------------------------------------------------------------------


@bp.route("/<int:case_id>/rate", methods=["POST"])
def rate(case_id: int):
    case = case_or_404(case_id, Party.enterprise)
    form = CaseRatingForm()
    if not form.validate_on_submit():
        return _refused(case, StepRefused(" ".join(str(e) for errs in form.errors.values()
                                                   for e in errs)), rating_form=form)
    try:
        CaseRating.rate(case, current_user, Level(form.level.data), form.comment.data,
                        local_today())
    except StepRefused as err:
        return _refused(case, err, rating_form=form)
    return _done(case, _("Thank you for rating the service."), "#outcome")


@bp.route("/<int:case_id>/rating/follow-up", methods=["POST"])
def follow_up(case_id: int):
    case = case_or_404(case_id, Party.admin)
    rating = db.session.scalar(db.select(CaseRating).filter_by(case_id=case.id))
    form = FollowUpForm()
    if rating is None:
        abort(404)
    if not form.validate_on_submit():
        return _refused(case, StepRefused(_("Describe the follow-up.")))
    try:
        rating.follow_up(current_user, form.follow_up_note.data)
    except StepRefused as err:
        return _refused(case, err)
    return _done(case, _("Follow-up recorded."), "#outcome")


@bp.route("/<int:case_id>/consent", methods=["POST"])
def consent(case_id: int):
    case = case_or_404(case_id, Party.enterprise)
    form = ConsentForm()
    if not form.validate_on_submit():
        return _refused(case, StepRefused(_("Tick the box to agree.")))
    try:
        case.give_consent(current_user)
    except StepRefused as err:
        return _refused(case, err)
    return _done(case, _("Thank you: the expert may now write the case up for the "
                         "library; nothing is published before the desk checks it."),
                 "#library")


def _benefit(case: ClinicCase) -> CaseBenefit:
    benefit = db.session.scalar(db.select(CaseBenefit).filter_by(case_id=case.id))
    if benefit is None:
        abort(404)
    return benefit


@bp.route("/<int:case_id>/benefit", methods=["POST"])
def report_benefit(case_id: int):
    case = case_or_404(case_id, Party.enterprise)
    benefit = _benefit(case)
    form = BenefitForm()
    if not form.validate_on_submit():
        return _refused(case, StepRefused(_("Check the benefit's fields.")), benefit_form=form)
    if not form.check_version(benefit):
        return _stale(case, benefit_form=form)
    try:
        benefit.report(current_user, form.defect_rate_before.data, form.defect_rate_after.data,
                       yuan_to_cents(form.cost_saved.data), form.note.data)
    except StepRefused as err:
        return _refused(case, err, benefit_form=form)
    return _done(case, _("Thank you: the benefit is recorded as you reported it."),
                 "#outcome")


@bp.route("/<int:case_id>/benefit/verify", methods=["POST"])
def verify_benefit(case_id: int):
    case = case_or_404(case_id)
    parties = case.parties(current_user)
    if not parties & {Party.expert, Party.admin}:
        abort(403)
    benefit = _benefit(case)
    form = VerifyBenefitForm()
    if not form.validate_on_submit():
        return _refused(case, StepRefused(_("Say how the benefit was confirmed.")),
                        verify_form=form)
    if not form.check_version(benefit):
        return _stale(case, verify_form=form)
    request_id = None
    if form.request_number.data:
        later = later_request(case, form.request_number.data)
        if later is None:
            form.request_number.errors = [_("No request of this enterprise made after the "
                                            "case has this number.")]
            return _refused(case, StepRefused(form.request_number.errors[0]),
                            verify_form=form)
        request_id = later.id
    try:
        benefit.verify(current_user, form.verification.data, request_id)
    except StepRefused as err:
        return _refused(case, err, verify_form=form)
    return _done(case, _("The benefit is marked as verified."), "#outcome")


@bp.route("/figures")
@roles_required(Role.admin)
def figures():
    """The clinic's figures for the county over a period (by default the last twelve
    months, this one included)."""
    today = local_today()
    form = PeriodForm(request.args)
    if not form.since.data:
        form.since.data = months_back(today, 11)
    if not form.until.data:
        form.until.data = today
    status = 200
    if not form.validate():
        status = 400
        form.since.data, form.until.data = today.replace(day=1), today
    numbers = county_figures(form.since.data, form.until.data)
    return render_template("clinic/figures.html", form=form, figures=numbers,
                           INDUSTRY_LABELS=INDUSTRY_LABELS), status
