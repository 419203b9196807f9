"""E-mail through an outbox: an action queues its mail in its own transaction (a mail
server that is down never breaks it), and the worker delivers the outbox over SMTP,
retrying with growing pauses; what still fails after the last try stays visible."""
import smtplib
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import formataddr, make_msgid
from enum import StrEnum

from sqlalchemy import DateTime, ForeignKey, Index, String, Text, select
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.models import enum_column
from core.timeutil import utcnow
from extensions import db

# Seconds to wait before each retry; after the last, the mail is marked failed.
RETRY_AFTER = (60, 300, 900, 3600)


class MailState(StrEnum):
    pending = "pending"
    sent = "sent"
    failed = "failed"


class OutgoingMail(db.Model):
    __tablename__ = "outgoing_mail"
    __table_args__ = (Index("ix_outgoing_mail_due", "state", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id", ondelete="SET NULL"),
                                                index=True)
    to_address: Mapped[str] = mapped_column(String(254))
    kind: Mapped[str] = mapped_column(String(40))
    subject: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text)
    state: Mapped[MailState] = enum_column(MailState, default=MailState.pending)
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    next_attempt_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))

    user: Mapped["User | None"] = relationship()  # noqa: F821

    @property
    def has_failed(self) -> bool:
        return self.state == MailState.failed


def queue(user, kind: str, subject: str, body: str) -> OutgoingMail | None:
    """Queue a mail to the user, unless they have no address or turned this kind off."""
    if not user.email or kind in (user.mail_opt_out or []):
        return None
    mail = OutgoingMail(user_id=user.id, to_address=user.email, kind=kind,
                        subject=subject[:200], body=body)
    db.session.add(mail)
    return mail


def deliver_pending(config: dict, limit: int = 50) -> tuple[int, int]:
    """Send what is due in the outbox; returns (sent, failed for good). Each mail is
    committed on its own, so one bad address does not hold up the rest."""
    now = utcnow()
    due = db.session.scalars(select(OutgoingMail).where(
        OutgoingMail.state == MailState.pending, OutgoingMail.next_attempt_at <= now)
        .order_by(OutgoingMail.id).limit(limit)).all()
    sent = failed = 0
    if not due:
        return 0, 0
    try:
        smtp = _connect(config)
    except (OSError, smtplib.SMTPException) as err:
        for mail in due:
            failed += _retry_later(mail, f"cannot reach the mail server: {err}")
        db.session.commit()
        return 0, failed
    with smtp:
        for mail in due:
            try:
                smtp.send_message(_message(mail, config))
            except (OSError, smtplib.SMTPException) as err:
                failed += _retry_later(mail, str(err))
            else:
                mail.state, mail.sent_at, mail.attempts = MailState.sent, utcnow(), \
                    mail.attempts + 1
                sent += 1
            db.session.commit()
    return sent, failed


def _connect(config: dict) -> smtplib.SMTP:
    smtp = smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=10)
    if config.get("MAIL_USE_TLS"):
        smtp.starttls()
    if config.get("MAIL_USERNAME"):
        smtp.login(config["MAIL_USERNAME"], config.get("MAIL_PASSWORD") or "")
    return smtp


def _message(mail: OutgoingMail, config: dict) -> EmailMessage:
    message = EmailMessage()
    message["From"] = formataddr((config.get("MAIL_FROM_NAME") or "QI Desk",
                                  config["MAIL_FROM"]))
    message["To"] = mail.to_address
    message["Subject"] = mail.subject
    message["Message-ID"] = make_msgid(idstring=f"qidesk-{mail.id}")
    message.set_content(mail.body)
    return message


def _retry_later(mail: OutgoingMail, error: str) -> int:
    """Count a failed try; 1 when that was the last one."""
    mail.attempts += 1
    mail.last_error = error[:2000]
    if mail.attempts > len(RETRY_AFTER):
        mail.state = MailState.failed
        return 1
    mail.next_attempt_at = utcnow() + timedelta(seconds=RETRY_AFTER[mail.attempts - 1])
    return 0
