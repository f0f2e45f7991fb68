"""Staff sign-in: argon2 passwords, a growing delay after failed attempts, server-side sessions."""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import Select, delete, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.orm import Session
from zxcvbn import zxcvbn

from ..db import begin_write
from ..models import utcnow
from .models import SigninDelay, StaffSession, StaffUser

HASHER = PasswordHasher()
#: Attempts per typed address and client network before each next one must wait; the wait
#: doubles with every further attempt (1 s, 2 s, 4 s ...) up to MAX_DELAY. A person who
#: mistypes gets five tries at once; a guesser gets four an hour per network once the wait
#: reaches its cap (about 100 a day), and nobody elsewhere can lock the account's owner out
#: (their network has its own count).
FREE_ATTEMPTS = 5
MAX_DELAY = timedelta(minutes=15)
#: A session ends after this long without a request, and in any case after a working day.
IDLE_TIMEOUT = timedelta(minutes=30)
ABSOLUTE_TIMEOUT = timedelta(hours=12)
#: last_seen_at is written at most this often, so not every page view is a database write.
TOUCH_INTERVAL = timedelta(seconds=60)
MIN_PASSWORD_LENGTH = 12
#: zxcvbn's score (0-4) a new password must reach: 4 is at least 10^10 guesses. Score 3
#: still let "Welkom2026!!" and "digitalewerkplaats1" through (10^8): a stolen database
#: copy must not give up a staff password in an afternoon, argon2 or not.
MIN_PASSWORD_SCORE = 4
#: Words a guesser tries first against this site's accounts.
SITE_WORDS = ["digitale", "werkplaats", "werkplaatsen", "scan", "mkb", "wachtwoord", "welkom"]
#: Verified when no account matches or the attempt must wait, so that every answer costs one
#: hash check: the time of an answer says nothing about the account.
_DUMMY_HASH = HASHER.hash("no such account: equal timing")


def hash_password(password: str) -> str:
    """Return the argon2id hash of a password."""
    return HASHER.hash(password)


def password_problem(password: str, user_inputs: tuple[str, ...] = ()) -> str | None:
    """Return a Dutch reason why a new password is not good enough, or None.

    zxcvbn (Dropbox's estimator, with its lists of common passwords, names and words) judges
    the guessability; `user_inputs` (the account's e-mail and name) count as known words.
    """
    if len(password) < MIN_PASSWORD_LENGTH:
        return f"Kies een wachtwoord van minstens {MIN_PASSWORD_LENGTH} tekens."
    if len(password) > 200:
        return "Kies een wachtwoord van hoogstens 200 tekens."
    words = [*SITE_WORDS, *(part for text in user_inputs for part in re.split(r"[@.\s]+", text))]
    if zxcvbn(password, user_inputs=[w for w in words if w])["score"] < MIN_PASSWORD_SCORE:
        return (
            "Dit wachtwoord is te makkelijk te raden (het lijkt op een veelgebruikt wachtwoord, "
            "een woord of je naam). Kies bijvoorbeeld vier losse woorden achter elkaar."
        )
    return None


def normalise_email(email: str) -> str:
    """Return the e-mail address as accounts store it."""
    return email.strip().lower()


@dataclass(frozen=True)
class SignIn:
    """The outcome of a sign-in attempt: "ok", "wrong" (also: unknown or inactive) or "wait"."""

    user: StaffUser | None
    outcome: str
    wait: timedelta = timedelta(0)


def find_user(session: Session, email: str) -> StaffUser | None:
    """Return the account with this e-mail address, or None."""
    return session.scalar(select(StaffUser).where(StaffUser.email == normalise_email(email)))


def delay_after(attempts: int) -> timedelta:
    """How long the next attempt waits after this many attempts (none for the first few)."""
    if attempts < FREE_ATTEMPTS:
        return timedelta(0)
    return min(timedelta(seconds=2 ** (attempts - FREE_ATTEMPTS)), MAX_DELAY)


def _hmac(secret: str, *parts: str) -> str:
    message = "\x1f".join(parts).encode()
    return hmac.new(secret.encode(), message, hashlib.sha256).hexdigest()


def account_key(secret: str, email: str) -> str:
    """The key under which the delays of a typed e-mail address are kept (not the address)."""
    return _hmac(secret, "signin-account", normalise_email(email))


def _delay_key(secret: str, email: str, network: str) -> str:
    return _hmac(secret, "signin", normalise_email(email), network)


def reserve_attempt(session: Session, secret: str, email: str, network: str) -> timedelta | None:
    """Count a sign-in attempt for this address from this network and commit it; or, when
    the attempt must wait, return how long (nothing is counted then).

    The count is committed before the slow hash check, with the row locked while it is
    read and raised: attempts sent at the same moment each get their own number, so fifteen
    parallel guesses cannot share one count.
    """
    key = _delay_key(secret, email, network)
    # A signed-in browser's request has read its session already: end that transaction (and
    # keep its touch), so that this one starts with the write lock.
    session.commit()
    begin_write(session)
    if session.get_bind().dialect.name == "postgresql":
        # FOR UPDATE locks nothing that does not exist yet: create the row first, once.
        now = utcnow()
        session.execute(
            pg_insert(SigninDelay)
            .values(
                key=key,
                account_key=account_key(secret, email),
                attempts=0,
                not_before=now,
                updated_at=now,
            )
            .on_conflict_do_nothing(index_elements=["key"])
        )
    row = session.scalar(select(SigninDelay).where(SigninDelay.key == key).with_for_update())
    # The time once the lock is held: a moment taken before waiting for it would be older
    # than the last attempt's, and look like a wait that is not there.
    now = utcnow()
    if row is None:  # SQLite: BEGIN IMMEDIATE already holds the write lock
        row = SigninDelay(key=key, account_key=account_key(secret, email), attempts=0)
        session.add(row)
    elif aware(row.not_before) > now:
        wait = aware(row.not_before) - now
        session.rollback()  # nothing counted: a refused attempt does not lengthen the wait
        return wait
    row.attempts += 1
    row.not_before = now + delay_after(row.attempts)
    row.updated_at = now
    session.commit()
    return None


def clear_delays(session: Session, secret: str, email: str) -> None:
    """Forget the attempts of an address on every network (a good password, an admin)."""
    session.execute(
        delete(SigninDelay).where(SigninDelay.account_key == account_key(secret, email))
    )


def delayed_accounts(now: datetime) -> Select[str]:
    """Select the account keys whose next sign-in attempt must wait, on some network."""
    return select(SigninDelay.account_key).where(SigninDelay.not_before > now).distinct()


def attempt_sign_in(
    session: Session, email: str, password: str, now: datetime, wait: timedelta | None = None
) -> SignIn:
    """Check a password once an attempt was reserved; `wait`: it was not, answer so.

    Every path verifies one argon2 hash and answers "wrong" alike for an unknown address, a
    wrong password and an inactive account, so neither the answer nor its time tells them
    apart. A good password signs in; the caller then clears the delays.
    """
    user = find_user(session, email)
    if wait is not None:
        _verify(_DUMMY_HASH, password)
        return SignIn(None, "wait", wait)
    if user is None:
        _verify(_DUMMY_HASH, password)
        return SignIn(None, "wrong")
    if not _verify(user.password_hash, password) or not user.active:
        return SignIn(user, "wrong")
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
    """Count active admin accounts, locking them until the transaction ends.

    The last admin may not be demoted; two admins demoting each other at once would each
    count two without the lock (PostgreSQL re-reads locked rows once the other commits).
    """
    admins = select(StaffUser.id).where(StaffUser.role == "admin", StaffUser.active.is_(True))
    return len(session.scalars(admins.with_for_update()).all())
