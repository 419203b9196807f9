"""A clinic visit in a calendar app: one visit's iCalendar file, and each person's
private feed of the visits on their cases (the expert's, or their enterprise's) that a
calendar app subscribes to, keyed by the secret address it is read from."""
import secrets
from datetime import timedelta

from flask import Response, abort, flash, redirect, url_for
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from blueprints.audit.models import record_event
from blueprints.auth.models import User
from blueprints.clinic import labels
from blueprints.clinic.kinds import VisitState
from blueprints.clinic.models import LIVE, CaseAssignment, ClinicCase, expert_of
from blueprints.clinic.views import _visit, bp, case_or_404
from blueprints.clinic.work import CaseVisit
from blueprints.scheduling import ical
from core.forms import Form
from core.i18n import gettext as _
from core.links import public_url
from core.timeutil import to_local, utcnow
from extensions import db

# A feed shows the visits of the last two weeks and every one ahead, at most so many.
FEED_DAYS_BACK, FEED_LIMIT = 14, 500


@bp.route("/<int:case_id>/visits/<int:visit_id>.ics")
def visit_ics(case_id: int, visit_id: int):
    """The visit for the expert's and the enterprise's calendar apps."""
    case = case_or_404(case_id)
    visit = _visit(case, visit_id)
    return _ics([visit_entry(case, visit)], f"{case.number}-visit-{visit.id}.ics")


def visit_entry(case: ClinicCase, visit: CaseVisit) -> ical.Entry:
    mode = labels.VISIT_MODE_LABELS[visit.mode]
    return ical.Entry(
        uid=f"clinic-visit-{visit.id}@qidesk", start=to_local(visit.starts_at),
        end=to_local(visit.ends_at),
        summary=_("Quality clinic %(number)s: %(mode)s visit", number=case.number,
                  mode=mode),
        location=visit.place, description=f"{case.title}\n{visit.agenda}".strip(),
        url=public_url("clinic.detail", case_id=case.id))


def _ics(entries: list[ical.Entry], filename: str) -> Response:
    return Response(ical.calendar(_("QI Desk"), entries), mimetype="text/calendar",
                    headers={"Content-Disposition": f'attachment; filename="{filename}"',
                             "Cache-Control": "private, no-store"})


def feed_visits(user) -> list[CaseVisit] | None:
    """The booked visits on the user's cases, from two weeks back: an expert's on the
    cases they are asked on or at work on, an enterprise member's on its cases. None
    for anyone with no cases of their own."""
    expert = expert_of(user)
    if expert is not None:
        cases = select(CaseAssignment.case_id).where(CaseAssignment.expert_id == expert.id,
                                                     CaseAssignment.state.in_(LIVE))
    elif user.enterprise_id is not None:
        cases = select(ClinicCase.id).where(ClinicCase.enterprise_id == user.enterprise_id)
    else:
        return None
    return list(db.session.scalars(
        select(CaseVisit).where(CaseVisit.case_id.in_(cases),
                                CaseVisit.state == VisitState.booked,
                                CaseVisit.starts_at >= utcnow() - timedelta(days=FEED_DAYS_BACK))
        .options(joinedload(CaseVisit.case)).order_by(CaseVisit.starts_at).limit(FEED_LIMIT)))


@bp.route("/feeds/<token>.ics")
def visits_feed(token: str):
    """A person's clinic visits for a calendar app (the token in the address is the
    key: no sign-in)."""
    user = db.session.scalar(select(User).where(User.feed_token == token[:43])) \
        if token else None
    visits = feed_visits(user) if user is not None and user.active else None
    if visits is None:
        abort(404)
    return _ics([visit_entry(v.case, v) for v in visits], "clinic-visits.ics")


@bp.route("/feeds", methods=["POST"])
def new_visits_feed():
    """A new secret address for the person's feed (the old one stops working)."""
    if not current_user.is_authenticated or feed_visits(current_user) is None:
        abort(404)
    if not Form().validate_on_submit():
        abort(400)
    current_user.set_unversioned(feed_token=secrets.token_urlsafe(32))
    record_event(current_user, "users", current_user.id, "feed_link_renewed")
    db.session.commit()
    flash(_("A new calendar address is ready; the old one no longer works."), "success")
    return redirect(url_for("clinic.index") + "#feed")
