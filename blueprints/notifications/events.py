"""Who hears about what: each lifecycle step that matters to the applicant becomes an
in-app notification and, where they want it, an e-mail in their own language."""
from sqlalchemy import select

from blueprints.auth.models import User
from blueprints.notifications import mail
from blueprints.notifications.labels import MAIL_KINDS, render
from blueprints.notifications.models import notify
from core.i18n import in_language
from core.links import public_url
from core.roles import Role
from extensions import db

# The lifecycle's audit event -> the kind of notification the applicant gets.
APPLICANT_EVENTS = {
    "returned": "request_returned",
    "quoted": "request_quoted",
    "accepted": "request_accepted",
    "sample_received": "sample_received",
    "approved": "results_approved",
    "issued": "certificate_issued",
}
# The same steps told to a vendor about their scale (verification and certificates,
# not samples and reports).
SCALE_EVENTS = {**APPLICANT_EVENTS, "accepted": "scale_accepted",
                "sample_received": "scale_received", "approved": "scale_verified",
                "issued": "scale_certificate_issued"}


def applicants(request) -> list[User]:
    """Everyone on the applicant side: the enterprise's active users, or the citizen."""
    if request.enterprise_id is not None:
        return list(db.session.scalars(select(User).where(
            User.enterprise_id == request.enterprise_id, User.role == Role.sme, User.active)))
    return [request.applicant]


def lab_managers(lab_id: int) -> list[User]:
    """A lab's active managers: they hear what happens to their lab's work."""
    return list(db.session.scalars(select(User).where(
        User.lab_id == lab_id, User.role == Role.lab_manager, User.active)))


def tell(users, kind: str, link: str = "", **params) -> None:
    """An in-app notification for each user, and a mail to those who take this kind."""
    users = [u for u in users if u is not None]
    notify([u.id for u in users], kind, link=link, **params)
    if kind not in MAIL_KINDS:
        return
    for user in users:
        with in_language(user.locale):
            subject, body = render(kind, link, params)
        mail.queue(user, kind, subject, body)


def on_lifecycle(sub, event: str) -> None:
    """After each lifecycle step of a part (the part_stepped signal)."""
    kind = (SCALE_EVENTS if sub.request.is_about_scales else APPLICANT_EVENTS).get(event)
    if kind is None:
        return
    link = public_url("service_requests.detail", request_id=sub.request_id)
    tell(applicants(sub.request), kind, link, number=sub.number,
         reason=sub.applicant_message if event == "returned" else "")
