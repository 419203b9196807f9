"""What the notifications area hears from the others (core/signals.py)."""
from blueprints.notifications.events import on_lifecycle, tell
from core.signals import part_stepped, password_reset_requested


@part_stepped.connect
def _tell_applicant(part, event: str, **_kwargs) -> None:
    on_lifecycle(part, event)


@password_reset_requested.connect
def _mail_reset_link(user, link: str, **_kwargs) -> None:
    tell([user], "password_reset", link=link)
