"""What the notifications area hears from the others (core/signals.py)."""
from blueprints.notifications.events import lab_managers, on_lifecycle, tell
from core.links import public_url
from core.signals import part_rated, part_stepped, password_reset_requested


@part_stepped.connect
def _tell_applicant(part, event: str, **_kwargs) -> None:
    on_lifecycle(part, event)


@password_reset_requested.connect
def _mail_reset_link(user, link: str, **_kwargs) -> None:
    tell([user], "password_reset", link=link)


@part_rated.connect
def _tell_the_lab_of_a_bad_review(part, rating, **_kwargs) -> None:
    """A bad review (the two lowest levels) reaches the lab's managers, who follow it
    up by its due date; My tasks keeps it until they have."""
    if rating.follow_up_due is None:
        return
    tell(lab_managers(part.lab_id), "bad_review", public_url("service_requests.ratings"),
         number=part.number, level=rating.level, due=rating.follow_up_due.isoformat())
