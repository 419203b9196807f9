"""What the scheduling area adds to the others' work (core/signals.py)."""
from blueprints.scheduling import slots
from blueprints.service_requests.lifecycle import VISITABLE
from core.roles import Role
from core.signals import drop_off_days, request_page


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
