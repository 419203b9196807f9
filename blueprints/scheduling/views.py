"""A lab's bookable resources, applicants booking a drop-off slot for a part, and the
working calendar (the desk's public days, each lab's closures)."""
import secrets
from datetime import UTC, datetime, time, timedelta

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy import select, update
from sqlalchemy.orm import joinedload

from blueprints.audit.models import record_change, record_event, snapshot
from blueprints.auth.models import User
from blueprints.labs.models import Lab
from blueprints.notifications.events import applicants, tell
from blueprints.scheduling import ical
from blueprints.scheduling.forms import CalendarDayForm, ResourceForm
from blueprints.scheduling.kinds import BookingState, ResourceKind
from blueprints.scheduling.labels import DAY_KIND_LABELS, RESOURCE_KIND_LABELS
from blueprints.scheduling.models import Booking, Resource, Slot
from blueprints.scheduling.slots import BookingClosed, SlotFull, book, cancel, open_slots
from blueprints.service_requests.lifecycle import BOOKABLE, VISITABLE
from blueprints.service_requests.models import ServiceRequest, SubRequest
from core.converters import MAX_ID
from core.forms import Form, render_form
from core.i18n import gettext as _
from core.links import public_url
from core.pagination import paginate
from core.permissions import get_allowed_or_404, roles_required
from core.roles import LAB_ROLES, Role
from core.timeutil import LOCAL_TZ, local_today, to_local
from core.working_calendar import CalendarDay
from extensions import db

bp = Blueprint("scheduling", __name__)

RESOURCE_FIELDS = ["name", "kind", "opens", "closes", "slot_minutes", "capacity"]
BOOKING_DAYS = 14


@bp.route("/lab/resources")
@roles_required(Role.lab_manager, Role.lab_staff)
def resources():
    rows = db.session.scalars(select(Resource).where(Resource.lab_id == current_user.lab_id)
                              .order_by(Resource.name)).all()
    return render_template("scheduling/resources.html", resources=rows, kinds=RESOURCE_KIND_LABELS,
                           lab_token=current_user.lab.feed_token if current_user.lab else None,
                           form=Form())


@bp.route("/lab/resources/new", methods=["GET", "POST"])
@bp.route("/lab/resources/<int:resource_id>/edit", methods=["GET", "POST"])
@roles_required(Role.lab_manager)
def edit_resource(resource_id: int | None = None):
    resource = get_allowed_or_404(Resource, resource_id, "edit") if resource_id else None
    form = ResourceForm(obj=resource)
    if request.method == "GET" and resource is not None:
        form.weekdays.data = list(resource.weekdays)
    if form.validate_on_submit() and form.check_version(resource):
        before = snapshot(resource, RESOURCE_FIELDS + ["weekdays"]) if resource else None
        resource = resource or Resource(lab_id=current_user.lab_id)
        for name in RESOURCE_FIELDS:
            setattr(resource, name, getattr(form, name).data)
        resource.weekdays = "".join(sorted(form.weekdays.data))
        db.session.add(resource)
        db.session.flush()
        record_change(current_user, resource, "resource_created" if before is None
                      else "resource_changed", RESOURCE_FIELDS + ["weekdays"], before)
        db.session.commit()
        flash(_("Saved. New slots follow these hours; slots already booked stay as they are."),
              "success")
        return redirect(url_for("scheduling.resources"))
    return render_form("scheduling/edit_resource.html", form, resource=resource)


def _part(request_id: int, sub_id: int) -> SubRequest:
    sub = get_allowed_or_404(SubRequest, sub_id, "applicant")
    if sub.request_id != request_id:
        abort(404)
    return sub


def live_booking(sub_id: int) -> Booking | None:
    return db.session.scalar(select(Booking).where(
        Booking.sub_request_id == sub_id, Booking.state == BookingState.booked)
        .options(joinedload(Booking.slot).joinedload(Slot.resource)))


@bp.route("/requests/<int:request_id>/parts/<int:sub_id>/booking", methods=["GET", "POST"])
@roles_required(Role.sme, Role.citizen)
def booking(request_id: int, sub_id: int):
    """Book (or change, or cancel) the drop-off slot for a part's samples."""
    sub = _part(request_id, sub_id)
    return _booking_page(sub, ResourceKind.reception, BOOKABLE,
                         url_for("service_requests.detail", request_id=request_id))


@bp.route("/lab/requests/<int:sub_id>/visit", methods=["GET", "POST"])
@roles_required(Role.lab_manager)
def visit(sub_id: int):
    """The lab books (or moves, or cancels) its on-site team's visit for a part."""
    sub = get_allowed_or_404(SubRequest, sub_id, "work")
    return _booking_page(sub, ResourceKind.onsite_team, VISITABLE,
                         url_for("service_requests.lab_detail", sub_id=sub.id))


@bp.route("/lab/requests/<int:sub_id>/drop-off", methods=["GET", "POST"])
@roles_required(Role.lab_manager)
def lab_drop_off(sub_id: int):
    """The lab's manager moves (or books, or cancels) a part's drop-off for the
    applicant, from a list: what dragging on the calendar does, without a mouse."""
    sub = get_allowed_or_404(SubRequest, sub_id, "work")
    return _booking_page(sub, ResourceKind.reception, BOOKABLE,
                         url_for("service_requests.lab_detail", sub_id=sub.id))


def _booking_page(sub: SubRequest, kind: ResourceKind, bookable: frozenset, back: str):
    """One page for both kinds of booking: the free slots of the lab's resources of
    `kind`, booking one (a live booking of the part is given up for it) or cancelling."""
    current = live_booking(sub.id)
    resources = db.session.scalars(select(Resource).where(
        Resource.lab_id == sub.lab_id, Resource.kind == kind,
        Resource.active).order_by(Resource.id)).all()
    form = Form()
    status = 200
    # A part holds one live booking: the lab's visit is not the applicant's to change,
    # and the lab's visit replaces a drop-off (the applicant is told) but never just
    # cancels it.
    other = current is not None and current.slot.resource.kind != kind
    if request.method == "POST" and form.validate_on_submit():
        if sub.state not in bookable:
            flash(_("This part is past the point where a booking helps; there is nothing "
                    "to book."), "error")
            status = 400
        elif other and (kind == ResourceKind.reception or request.form.get("cancel")):
            flash(_("The lab has booked an on-site visit for this part; ask the lab to "
                    "change it.") if kind == ResourceKind.reception
                  else _("This is the applicant's drop-off booking; it is not cancelled "
                         "here."), "error")
            status = 409
        elif request.form.get("cancel"):
            if current is not None:
                cancel(current, current_user)
                db.session.commit()
                flash(_("The booking is cancelled."), "success")
            return redirect(back)
        elif not request.form.get("slot_id"):
            flash(_("Choose a day, then a time."), "error")
            status = 400
        else:
            raw = request.form.get("slot_id", "")
            slot = db.session.get(Slot, int(raw)) if raw.isdigit() and int(raw) <= MAX_ID \
                else None
            if slot is None or slot.resource.lab_id != sub.lab_id or slot.resource.kind != kind:
                abort(400)
            db.session.commit()  # end the reads: the booking starts its own transaction
            try:
                if current is not None:
                    cancel(current, current_user)
                new = book(slot.id, current_user, sub)
            except (SlotFull, BookingClosed):
                db.session.rollback()
                flash(_("That slot has just been taken. Choose another."), "error")
                status = 409
            else:
                _booked(sub, new, kind)
                db.session.commit()
                flash(_("Booked. The applicant is told.") if current_user.role in LAB_ROLES
                      else _("Booked. Bring the samples to the counter at that time."),
                      "success")
                return redirect(back)
    slots = [s for resource in resources
             for s in open_slots(resource, local_today(), BOOKING_DAYS)]
    db.session.commit()  # slots made for the days shown
    slots.sort(key=lambda s: s.starts_at)
    current = live_booking(sub.id)
    days: dict = {}
    for slot in slots:
        days.setdefault(to_local(slot.starts_at).date(), []).append(slot)
    return render_template("scheduling/booking.html", sub=sub, current=current,
                           other=current is not None and current.slot.resource.kind != kind,
                           slots=slots, days=days, form=form, bookable=sub.state in bookable, back=back,
                           onsite=kind == ResourceKind.onsite_team), status


def _booked(sub: SubRequest, booking: Booking, kind: ResourceKind) -> None:
    """Audit the booking on the part; when the lab booked it, tell the applicant."""
    by_lab = current_user.role in LAB_ROLES
    event = ("visit_booked" if kind == ResourceKind.onsite_team
             else "booking_moved" if by_lab else "drop_off_booked")
    record_event(current_user, "sub_requests", sub.id, event, after={"booking": booking.id})
    if by_lab:
        tell(applicants(sub.request), event,
             public_url("service_requests.detail", request_id=sub.request_id),
             number=sub.number,
             when=to_local(booking.slot.starts_at).strftime("%Y-%m-%d %H:%M"))


def _calendar_scope() -> int | None:
    """Administrators keep the desk's public calendar; a lab manager the lab's days."""
    return None if current_user.role == Role.admin else current_user.lab_id


@bp.route("/calendar-days", methods=["GET", "POST"])
@roles_required(Role.admin, Role.lab_manager)
def calendar_days():
    """Public holidays and make-up working days (admins), or a lab's closures."""
    lab_id = _calendar_scope()
    form = CalendarDayForm()
    if form.validate_on_submit():
        taken = db.session.scalar(select(CalendarDay.id).where(
            CalendarDay.day == form.day.data, CalendarDay.lab_id.is_(None) if lab_id is None
            else CalendarDay.lab_id == lab_id))
        if taken:
            form.day.errors.append(_("This day is already on the calendar."))
        else:
            entry = CalendarDay(lab_id=lab_id, day=form.day.data, kind=form.kind.data,
                                name=form.name.data)
            db.session.add(entry)
            db.session.flush()
            record_event(current_user, "calendar_days", entry.id, "calendar_day_added",
                         after={"day": entry.day.isoformat(), "kind": entry.kind.value,
                                "lab_id": lab_id})
            db.session.commit()
            flash(_("Added. Due dates and slots follow it from now on."), "success")
            return redirect(url_for("scheduling.calendar_days"))
    stmt = select(CalendarDay).where(CalendarDay.day >= local_today() - timedelta(days=31))
    stmt = stmt.where(CalendarDay.lab_id.is_(None) if lab_id is None
                      else CalendarDay.lab_id == lab_id)
    return render_form("scheduling/calendar_days.html", form,
                       page=paginate(stmt.order_by(CalendarDay.day)), kinds=DAY_KIND_LABELS,
                       delete_form=Form())


@bp.route("/calendar-days/<int:day_id>/delete", methods=["POST"])
@roles_required(Role.admin, Role.lab_manager)
def delete_calendar_day(day_id: int):
    entry = get_allowed_or_404(CalendarDay, day_id, "edit")
    if Form().validate_on_submit():
        record_event(current_user, "calendar_days", entry.id, "calendar_day_removed",
                     before={"day": entry.day.isoformat(), "kind": entry.kind.value})
        db.session.delete(entry)
        db.session.commit()
        flash(_("Removed."), "success")
    return redirect(url_for("scheduling.calendar_days"))


# -- iCalendar: a booking's download and the private feeds ----------------------------

FEED_DAYS_BACK, FEED_DAYS_AHEAD, FEED_LIMIT = 14, 90, 1000


def _booking_entry(booking: Booking) -> ical.Entry:
    slot, sub = booking.slot, booking.sub_request
    lab = slot.resource.lab
    label = _("On-site visit") if slot.resource.kind == ResourceKind.onsite_team \
        else _("Sample drop-off")
    return ical.Entry(
        uid=f"booking-{booking.id}@qidesk", start=to_local(slot.starts_at),
        end=to_local(slot.ends_at), summary=f"{label} {sub.number if sub else ''}".strip(),
        location=f"{lab.name_zh} · {slot.resource.name} · {lab.address}")


def _due_entry(sub: SubRequest) -> ical.Entry:
    who = sub.request.customer_name
    label = _("Due")
    return ical.Entry(uid=f"due-{sub.id}@qidesk", start=sub.due_date,
                      summary=f"{label}: {sub.number} · {who}",
                      url=public_url("service_requests.lab_detail", sub_id=sub.id))


def _ics(body: bytes, filename: str) -> Response:
    return Response(body, mimetype="text/calendar",
                    headers={"Content-Disposition": f'inline; filename="{filename}"',
                             "Cache-Control": "private, max-age=300"})


@bp.route("/bookings/<int:booking_id>.ics")
@login_required
def booking_ics(booking_id: int):
    booking = get_allowed_or_404(Booking, booking_id)
    return _ics(ical.calendar(_("QI Desk"), [_booking_entry(booking)]),
                f"booking-{booking.id}.ics")


def _bookings(where) -> list[Booking]:
    today = local_today()
    # Bounds in UTC, as stored (SQLite would compare a local time's digits).
    first = datetime.combine(today - timedelta(days=FEED_DAYS_BACK), time.min, LOCAL_TZ)
    last = datetime.combine(today + timedelta(days=FEED_DAYS_AHEAD), time.min, LOCAL_TZ)
    first, last = first.astimezone(UTC), last.astimezone(UTC)
    return list(db.session.scalars(
        select(Booking).join(Booking.slot).join(Slot.resource)
        .where(Booking.state == BookingState.booked, Slot.starts_at >= first,
               Slot.starts_at < last, where)
        .options(joinedload(Booking.slot).joinedload(Slot.resource).joinedload(Resource.lab),
                 joinedload(Booking.sub_request))
        .order_by(Slot.starts_at).limit(FEED_LIMIT)))


def _open_parts(where) -> list[SubRequest]:
    return list(db.session.scalars(
        select(SubRequest).where(SubRequest.is_open(),
                                 SubRequest.due_date.is_not(None), where)
        .options(joinedload(SubRequest.request).joinedload(ServiceRequest.enterprise),
                 joinedload(SubRequest.request).joinedload(ServiceRequest.applicant))
        .order_by(SubRequest.due_date).limit(FEED_LIMIT)))


@bp.route("/feeds/lab/<token>.ics")
def lab_feed(token: str):
    """The lab's drop-off bookings and due dates, for a calendar app (the token in the
    address is the key: no sign-in)."""
    lab = db.session.scalar(select(Lab).where(Lab.feed_token == token[:43]))
    if lab is None or not token:
        abort(404)
    entries = ([_booking_entry(b) for b in _bookings(Resource.lab_id == lab.id)]
               + [_due_entry(s) for s in _open_parts(SubRequest.lab_id == lab.id)])
    return _ics(ical.calendar(lab.name_zh, entries), f"{lab.code}.ics")


@bp.route("/feeds/me/<token>.ics")
def my_feed(token: str):
    """An analyst's own work: the due dates of the parts assigned to them, and the
    drop-offs booked for those parts."""
    user = db.session.scalar(select(User).where(User.feed_token == token[:43]))
    if user is None or not token or not user.active or user.lab_id is None:
        abort(404)
    mine = _open_parts(SubRequest.assignee_id == user.id)
    entries = ([_due_entry(s) for s in mine]
               + [_booking_entry(b) for b in _bookings(
                   Booking.sub_request_id.in_([s.id for s in mine] or [0]))])
    return _ics(ical.calendar(user.name, entries), "my-work.ics")


@bp.route("/lab/feeds", methods=["POST"])
@roles_required(Role.lab_manager, Role.lab_staff)
def new_feed_link():
    """A new secret address for a feed (the old one stops working)."""
    if not Form().validate_on_submit():
        abort(400)
    token = secrets.token_urlsafe(32)
    if request.form.get("feed") == "lab" and current_user.role == Role.lab_manager:
        db.session.execute(update(Lab).where(Lab.id == current_user.lab_id)
                           .values(feed_token=token))
        record_event(current_user, "labs", current_user.lab_id, "feed_link_renewed")
    else:
        current_user.set_unversioned(feed_token=token)
        record_event(current_user, "users", current_user.id, "feed_link_renewed")
    db.session.commit()
    flash(_("A new calendar address is ready; the old one no longer works."), "success")
    return redirect(url_for("scheduling.resources"))
