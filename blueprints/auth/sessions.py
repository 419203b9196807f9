"""Sign-ins kept on the server: each sign-in is a row whose random key the session
cookie and the remember-me cookie carry (as "<user id>:<key>"). Signing out revokes
that row, so a copy of either cookie taken before is worthless afterwards; "sign out
everywhere" and a new password revoke them all."""
import hashlib
import hmac
import secrets

from flask_login import login_user, logout_user
from sqlalchemy import select, update

from blueprints.auth.models import SignIn, User
from core.timeutil import utcnow
from extensions import db


def digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def sign_in(user: User, remember: bool = False, user_agent: str = "") -> None:
    """Start a server-side sign-in for `user` in this browser."""
    key = secrets.token_urlsafe(24)
    db.session.add(SignIn(user_id=user.id, key_sha256=digest(key),
                          user_agent=(user_agent or "")[:200]))
    user.sign_in_key = key
    login_user(user, remember=remember)


def sign_out(user) -> None:
    """End this browser's sign-in on the server, then in the browser."""
    key = getattr(user, "sign_in_key", None)
    if key:
        db.session.execute(update(SignIn).where(SignIn.key_sha256 == digest(key),
                                                SignIn.revoked_at.is_(None))
                           .values(revoked_at=utcnow()))
    logout_user()


def sign_out_everywhere(user_id: int, keep: str | None = None) -> int:
    """Revoke every live sign-in of the user (but `keep`, this browser's key); returns
    how many were ended."""
    stmt = update(SignIn).where(SignIn.user_id == user_id, SignIn.revoked_at.is_(None))
    if keep:
        stmt = stmt.where(SignIn.key_sha256 != digest(keep))
    return db.session.execute(stmt.values(revoked_at=utcnow())).rowcount


def load(session_id: str) -> User | None:
    """The user a cookie's "<user id>:<key>" names, while that sign-in is live."""
    user_id, _sep, key = (session_id or "").partition(":")
    if not user_id.isdigit() or not key or len(key) > 64:
        return None
    row = db.session.execute(
        select(SignIn.user_id, SignIn.key_sha256).where(SignIn.key_sha256 == digest(key),
                                                        SignIn.revoked_at.is_(None))
    ).first()
    if row is None or row.user_id != int(user_id) \
            or not hmac.compare_digest(row.key_sha256, digest(key)):
        return None
    user = db.session.get(User, row.user_id)
    if user is not None:
        user.sign_in_key = key
    return user


def live_sign_ins(user_id: int) -> list[SignIn]:
    """The user's live sign-ins, newest first (at most 20 shown)."""
    return list(db.session.scalars(select(SignIn).where(
        SignIn.user_id == user_id, SignIn.revoked_at.is_(None))
        .order_by(SignIn.id.desc()).limit(20)))
