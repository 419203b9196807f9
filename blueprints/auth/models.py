"""User accounts."""
import secrets
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import JSON, DateTime, ForeignKey, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column, relationship
from sqlalchemy.orm.attributes import set_committed_value
from werkzeug.security import check_password_hash, generate_password_hash

from core.models import TimestampMixin, VersionedMixin, enum_column
from core.roles import LAB_ROLES, Role
from core.timeutil import utcnow
from extensions import db


def new_session_token() -> str:
    return secrets.token_hex(16)


class User(UserMixin, TimestampMixin, VersionedMixin, db.Model):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Enterprise users and staff sign in with e-mail; citizens with a mobile number.
    email: Mapped[str | None] = mapped_column(String(254), unique=True)
    phone: Mapped[str | None] = mapped_column(String(20), unique=True)
    name: Mapped[str] = mapped_column(String(100))
    password_hash: Mapped[str] = mapped_column(String(255))
    role: Mapped[Role] = enum_column(Role, index=True)
    enterprise_id: Mapped[int | None] = mapped_column(
        ForeignKey("enterprises.id", ondelete="SET NULL"), index=True)
    is_enterprise_admin: Mapped[bool] = mapped_column(default=False)
    lab_id: Mapped[int | None] = mapped_column(ForeignKey("labs.id", ondelete="SET NULL"),
                                               index=True)
    job_title: Mapped[str] = mapped_column(String(100), default="")
    # The authorising person's signature, printed on what they issue (17025 7.8.2.1 o);
    # a PNG normalised on upload. Deferred: the login loader never needs it.
    signature_png: Mapped[bytes | None] = mapped_column(LargeBinary, deferred=True)
    # Kinds of e-mail the user turned off (in-app notifications always come).
    mail_opt_out: Mapped[list] = mapped_column(JSON, default=list)
    # The secret in the URL of the user's private calendar feed (calendar apps cannot
    # sign in); rotated on request.
    feed_token: Mapped[str | None] = mapped_column(String(43), unique=True)
    active: Mapped[bool] = mapped_column(default=True)
    locale: Mapped[str | None] = mapped_column(String(8))
    last_login_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # Part of the session id (get_id); rotated with the password.
    session_token: Mapped[str] = mapped_column(String(32), default=new_session_token)

    enterprise: Mapped["Enterprise | None"] = relationship(  # noqa: F821
        back_populates="members", foreign_keys=[enterprise_id])
    lab: Mapped["Lab | None"] = relationship()  # noqa: F821

    @property
    def is_active(self) -> bool:  # Flask-Login refuses inactive users
        return self.active

    @property
    def login_name(self) -> str:
        return self.email or self.phone or ""

    @property
    def works_in_lab(self) -> bool:
        return self.role in LAB_ROLES and self.lab_id is not None

    # This browser's server-side sign-in (auth/sessions.py), set when signing in or
    # loading the user from a cookie; the cookies carry it.
    sign_in_key = None  # str, not a column

    def get_id(self) -> str:
        return f"{self.id}:{self.sign_in_key}"

    def set_password(self, password: str) -> None:
        # Werkzeug's default is scrypt, a memory-hard KDF.
        self.password_hash = generate_password_hash(password)
        self.session_token = new_session_token()

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    def set_unversioned(self, **values) -> None:
        """Record bookkeeping (last sign-in, language) without bumping the row's
        version, so it never makes an admin's open edit of the account stale."""
        db.session.execute(db.update(User).where(User.id == self.id).values(**values))
        for name, value in values.items():
            set_committed_value(self, name, value)

    def allows(self, user, action: str = "view") -> bool:
        """People see their own account; platform admins manage all accounts."""
        return user.is_authenticated and (user.id == self.id or user.role == Role.admin)

    def __repr__(self) -> str:
        return f"<User {self.login_name} {self.role}>"


class SignIn(db.Model):
    """One signed-in browser. Only the key's SHA-256 is stored: a copy of the table
    opens no session."""
    __tablename__ = "sign_ins"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"),
                                         index=True)
    key_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    user_agent: Mapped[str] = mapped_column(String(200), default="")
