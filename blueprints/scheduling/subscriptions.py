"""What the scheduling area adds to the others' work (core/signals.py)."""
from blueprints.notifications.events import applicants, lab_managers, tell
from blueprints.scheduling import slots
from blueprints.scheduling.labels import RELEASE_STEPS
from blueprints.service_requests.lifecycle import VISITABLE
from core.i18n import in_language
from core.links import public_url
from core.roles import Role
from core.signals import drop_off_days, part_stepped, request_page
from core.timeutil import to_local


@drop_off_days.connect
def _first_free_days(_sender, lab_ids, now, **_kwargs) -> dict:
    return slots.first_free_days(lab_ids, now)


@request_page.connect
def _bookings_on_page(_sender, parts, user, audience: str, **_kwargs) -> dict:
    """Each part's live booking, which labs take drop-off bookings, and (on the lab's
    page of one part) whether its manager can book an on-site visit for it."""
    bookings, counter_labs = slots.drop_off_options(parts)
    values = {"bookings": bookings, "counter_labs": counter_labs}
    if audience == "lab" and len(parts) == 1:
        part = parts[0]
        values["booking"] = bookings.get(part.id)
        values["may_visit"] = (user.role == Role.lab_manager and part.state in VISITABLE
                               and slots.has_onsite_teams(part.lab_id))
    return values


@part_stepped.connect
def _bookings_follow_the_part(part, event: str, user, **_kwargs) -> None:
    """The samples came in: the drop-off is done. The part was cancelled, rejected or
    returned: its bookings are released, and both sides hear of it (but for whoever
    took the step)."""
    if event == "sample_received":
        slots.finish_drop_off(part.id, user)
    elif event in RELEASE_STEPS:
        released = slots.release(part.id, user)
        told = [u for u in applicants(part.request) + lab_managers(part.lab_id)
                if released and u is not None and u.id != user.id]
        for booking in released:
            for person in told:
                with in_language(person.locale):  # the step in the reader's words
                    step = str(RELEASE_STEPS[event])
                tell([person], "booking_released",
                     public_url("service_requests.detail", request_id=part.request_id)
                     if person.role in (Role.sme, Role.citizen)
                     else public_url("service_requests.lab_detail", sub_id=part.id),
                     number=part.number, place=booking.slot.resource.name, step=step,
                     when=f"{to_local(booking.slot.starts_at):%Y-%m-%d %H:%M}")
