"""Staff sign-in: argon2 passwords, lockout after repeated failures, server-side sessions."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from .models import StaffSession, StaffUser

HASHER = PasswordHasher()
#: Wrong passwords in a row before the account locks, and for how long.
MAX_FAILED_LOGINS = 10
LOCK_DURATION = timedelta(minutes=15)
#: A session ends after this long without a request, and in any case after a working day.
IDLE_TIMEOUT = timedelta(minutes=30)
ABSOLUTE_TIMEOUT = timedelta(hours=12)
#: last_seen_at is written at most this often, so not every page view is a database write.
TOUCH_INTERVAL = timedelta(seconds=60)
MIN_PASSWORD_LENGTH = 12
#: Verified when no account matches, so a wrong e-mail address takes as long as a wrong password.
_DUMMY_HASH = HASHER.hash("no such account: equal timing")


def hash_password(password: str) -> str:
    """Return the argon2id hash of a password."""
    return HASHER.hash(password)


def password_problem(password: str) -> str | None:
    """Return a Dutch reason why a new password is not good enough, or None."""
    if len(password) < MIN_PASSWORD_LENGTH:
        return f"Kies een wachtwoord van minstens {MIN_PASSWORD_LENGTH} tekens."
    if len(password) > 200:
        return "Kies een wachtwoord van hoogstens 200 tekens."
    return None


def normalise_email(email: str) -> str:
    """Return the e-mail address as accounts store it."""
    return email.strip().lower()


@dataclass(frozen=True)
class SignIn:
    """The outcome of a sign-in attempt."""

    user: StaffUser | None
    outcome: str  # "ok", "wrong", "locked" (just now or still), "inactive"
    just_locked: bool = False


def find_user(session: Session, email: str) -> StaffUser | None:
    """Return the account with this e-mail address, or None."""
    return session.scalar(select(StaffUser).where(StaffUser.email == normalise_email(email)))


def is_locked(user: StaffUser, now: datetime) -> bool:
    """Tell whether the account is locked at this moment."""
    return user.locked_until is not None and aware(user.locked_until) > now


def attempt_sign_in(session: Session, email: str, password: str, now: datetime) -> SignIn:
    """Check a password; count failures and lock the account after MAX_FAILED_LOGINS."""
    user = find_user(session, email)
    if user is None:
        _verify(_DUMMY_HASH, password)
        return SignIn(None, "wrong")
    if is_locked(user, now):
        return SignIn(user, "locked")
    if not _verify(user.password_hash, password):
        user.failed_logins += 1
        if user.failed_logins >= MAX_FAILED_LOGINS:
            user.locked_until = now + LOCK_DURATION
            user.failed_logins = 0
            return SignIn(user, "locked", just_locked=True)
        return SignIn(user, "wrong")
    if not user.active:
        return SignIn(user, "inactive")
    user.failed_logins = 0
    user.locked_until = None
    user.last_login_at = now
    if HASHER.check_needs_rehash(user.password_hash):
        user.password_hash = hash_password(password)
    return SignIn(user, "ok")


def _verify(password_hash: str, password: str) -> bool:
    try:
        return HASHER.verify(password_hash, password)
    except (VerificationError, InvalidHashError):
        return False


def aware(moment: datetime) -> datetime:
    """SQLite hands back naive datetimes; they were stored in UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


def _key_hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def start_session(session: Session, user: StaffUser, now: datetime) -> str:
    """Create a new session for the user and return the key for the cookie."""
    key = secrets.token_urlsafe(32)
    session.add(StaffSession(key_hash=_key_hash(key), user=user, created_at=now, last_seen_at=now))
    session.flush()
    return key


def resume_session(session: Session, key: str, now: datetime) -> StaffUser | None:
    """Return who is signed in with a cookie key; end the session when it has timed out.

    One query: the session with its user and the user's werkplaats (joined). The rare writes
    (ending or touching the session) are committed at the end of the request.
    """
    if not key or len(key) > 100:
        return None
    found = session.execute(
        select(StaffSession, StaffUser)
        .join(StaffUser, StaffUser.id == StaffSession.user_id)
        .where(StaffSession.key_hash == _key_hash(key))
    ).first()
    if found is None:
        return None
    staff_session, user = found
    idle = now - aware(staff_session.last_seen_at)
    age = now - aware(staff_session.created_at)
    if idle > IDLE_TIMEOUT or age > ABSOLUTE_TIMEOUT or not user.active:
        session.delete(staff_session)
        return None
    if idle > TOUCH_INTERVAL:
        staff_session.last_seen_at = now
    return user


def end_session(session: Session, key: str) -> None:
    """Sign out: the session is gone from the database, so its cookie is worthless."""
    session.execute(delete(StaffSession).where(StaffSession.key_hash == _key_hash(key)))


def end_all_sessions(session: Session, user: StaffUser) -> None:
    """End every session of a user (after a password change or deactivation)."""
    session.execute(delete(StaffSession).where(StaffSession.user_id == user.id))


def csrf_token(secret: str, bound_to: str) -> str:
    """Return the form token for a session (or sign-in) key: an HMAC only the server can make."""
    return hmac.new(secret.encode(), f"csrf:{bound_to}".encode(), hashlib.sha256).hexdigest()


def csrf_valid(secret: str, bound_to: str, token: str | None) -> bool:
    """Tell whether a submitted form token belongs to this key."""
    return bool(token) and hmac.compare_digest(csrf_token(secret, bound_to), token or "")


def count_admins(session: Session) -> int:
    """Count active admin accounts (the last one may not be removed)."""
    return (
        session.scalar(
            select(func.count())
            .select_from(StaffUser)
            .where(StaffUser.role == "admin", StaffUser.active.is_(True))
        )
        or 0
    )
