"""Sending the outbox over SMTP; what fails stays queued for `flask --app scan send-mail`."""

from __future__ import annotations

import logging
import re
import smtplib
import ssl
from datetime import datetime, timedelta
from email.message import EmailMessage
from email.utils import make_msgid

from flask import Flask
from sqlalchemy import or_, select, update
from sqlalchemy.orm import Session

from .db import begin_write
from .domain.text import CONTROL
from .models import OutboxMail, utcnow

logger = logging.getLogger("scan.mail")

#: Give up retrying a message after this many failed attempts (an operator looks at it).
MAX_ATTEMPTS = 20
#: How long a sender holds the mail it claimed. A sender that dies half-way leaves its claim to
#: run out, and the mail is sent by a later run (once more, if it had gone out just before).
LEASE = timedelta(minutes=5)


def pending(now: datetime, limit: int = 100):
    """Select the ids of unsent mail no other sender holds, oldest first."""
    return (
        select(OutboxMail.id)
        .where(
            OutboxMail.sent_at.is_(None),
            OutboxMail.attempts < MAX_ATTEMPTS,
            or_(OutboxMail.claimed_until.is_(None), OutboxMail.claimed_until < now),
        )
        .order_by(OutboxMail.id)
        .limit(limit)
    )


def claim(session: Session, limit: int, now: datetime) -> list[OutboxMail]:
    """Claim up to `limit` unsent mails for this sender and commit; return them.

    The first statement of the session's transaction (it begins with the write lock).

    One UPDATE whose condition is checked again row by row as it writes (PostgreSQL re-reads
    a row another transaction just changed; SQLite writes one statement at a time): of two
    senders at once (cron's send-mail, send-follow-ups, a request just after a lead), each
    mail goes to one. So none is sent twice.
    """
    begin_write(session)
    claimed = session.scalars(
        update(OutboxMail)
        .where(
            # SKIP LOCKED (PostgreSQL): a sender passes over the mails another is claiming.
            OutboxMail.id.in_(
                pending(now, limit).with_for_update(skip_locked=True).scalar_subquery()
            ),
            OutboxMail.sent_at.is_(None),
            or_(OutboxMail.claimed_until.is_(None), OutboxMail.claimed_until < now),
        )
        .values(claimed_until=now + LEASE)
        .returning(OutboxMail.id)
    ).all()
    mails = list(
        session.scalars(
            select(OutboxMail).where(OutboxMail.id.in_(claimed)).order_by(OutboxMail.id)
        )
    )
    # Read in the same transaction: a later one that first reads and then writes would have
    # to upgrade its lock on SQLite, which fails at once when another sender holds it.
    session.commit()
    return mails


#: What breaks a line, or hides in one: control characters and the Unicode line separators.
_NOT_ONE_LINE = re.compile(f"[{CONTROL}\u2028\u2029]+")
#: One bare address: what a werkplaats or MAIL_NATIONAL_INBOX holds. A list, a display name or
#: spaces could make the header name other recipients than the one this mail is for.
_ONE_ADDRESS = re.compile(r"[^@\s,;:<>()\[\]\"\\]+@[^@\s,;:<>()\[\]\"\\]+")


def one_line(text: str | None) -> str:
    """Return the text with each run of line breaks and control characters made one space."""
    return _NOT_ONE_LINE.sub(" ", text or "")


def _recipient(address: str) -> str:
    """Return the mail's one recipient; raise ValueError if the value is not one address."""
    value = one_line(address).strip()
    if not _ONE_ADDRESS.fullmatch(value):
        raise ValueError("the recipient is not one e-mail address")
    return value


def _message(app: Flask, mail: OutboxMail) -> EmailMessage:
    message = EmailMessage()
    message["From"] = app.config["MAIL_FROM"]
    message["To"] = _recipient(mail.recipient)
    # A line break in a header value would end the header and begin one of its own.
    message["Subject"] = one_line(mail.subject)
    message["Message-ID"] = make_msgid(domain=app.config["MAIL_FROM"].rpartition("@")[2] or None)
    if mail.unsubscribe_url:
        # RFC 8058 one-click: the mail program shows "Afmelden" and POSTs
        # "List-Unsubscribe=One-Click" to the address itself, without opening a page.
        message["List-Unsubscribe"] = f"<{one_line(mail.unsubscribe_url).strip()}>"
        message["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    message.set_content(mail.body)
    if mail.ics:
        # A training's date for the ondernemer's calendar (issue 20): text/calendar, which
        # mail programs offer to add to the agenda.
        message.add_attachment(
            mail.ics.encode("utf-8"),
            maintype="text",
            subtype="calendar",
            filename="afspraak.ics",
            params={"method": "PUBLISH", "charset": "utf-8"},
        )
    if mail.unsubscribe_url:
        # A long address has no space to fold at, and at 78 characters the default policy
        # would hide it in an encoded word, which mail programs do not read as an address.
        # After set_content, which chose the body's encoding: only the headers' folding
        # changes, up to RFC 5322's limit of 998 characters a line.
        message.policy = message.policy.clone(max_line_length=998)
    return message


def _connect(app: Flask) -> smtplib.SMTP:
    server = app.config["MAIL_SERVER"]
    port = app.config["MAIL_PORT"]
    timeout = app.config["MAIL_TIMEOUT"]
    if app.config["MAIL_SECURITY"] == "ssl":
        smtp: smtplib.SMTP = smtplib.SMTP_SSL(
            server, port, timeout=timeout, context=ssl.create_default_context()
        )
    else:
        smtp = smtplib.SMTP(server, port, timeout=timeout)
        if app.config["MAIL_SECURITY"] == "starttls":
            smtp.starttls(context=ssl.create_default_context())
    if app.config["MAIL_USERNAME"]:
        smtp.login(app.config["MAIL_USERNAME"], app.config["MAIL_PASSWORD"])
    return smtp


def send_pending(app: Flask, session: Session, limit: int = 100) -> tuple[int, int]:
    """Try to send queued mail; commit after each message. Return (sent, failed)."""
    if not app.config["MAIL_SERVER"]:
        waiting = len(session.scalars(pending(utcnow(), limit)).all())
        if waiting:
            logger.info("MAIL_SERVER is not set: %d message(s) stay in the outbox", waiting)
        return 0, waiting
    mails = claim(session, limit, utcnow())
    if not mails:
        return 0, 0
    sent = failed = 0
    try:
        smtp = _connect(app)
    except (OSError, smtplib.SMTPException) as exc:
        for mail in mails:
            _failed(mail, exc)
        session.commit()
        logger.warning("mail server unreachable (%s): %d queued", type(exc).__name__, len(mails))
        return 0, len(mails)
    with smtp:
        for mail in mails:
            if _send_one(app, smtp, mail):
                sent += 1
            else:
                failed += 1
            session.commit()
    return sent, failed


def _send_one(app: Flask, smtp: smtplib.SMTP, mail: OutboxMail) -> bool:
    """Build and send one mail; whatever goes wrong marks it failed, so the next still goes."""
    try:
        message = _message(app, mail)
    except Exception as exc:  # noqa: BLE001 - one unbuildable mail must not hold up the rest
        return _not_sent(mail, exc, "the message could not be built")
    try:
        # The envelope names the checked recipient only, whatever else the headers say.
        smtp.send_message(message, to_addrs=[str(message["To"])])
    except Exception as exc:  # noqa: BLE001 - a refusal of this mail must not stop the rest
        return _not_sent(mail, exc, _reason(exc))
    mail.sent_at = utcnow()
    mail.attempts += 1
    mail.claimed_until = None
    return True


def _not_sent(mail: OutboxMail, exc: Exception, reason: str) -> bool:
    """Mark the mail failed for this round and log it; return False, as _send_one does then."""
    _failed(mail, exc, reason)
    # The id and the reason only: the log is no place for an address or a lead's details.
    logger.warning("mail %d not sent (attempt %d): %s", mail.id, mail.attempts, mail.last_error)
    return False


def _reason(exc: Exception) -> str:
    """Say why sending failed in words of our own: the server's words may name the recipient."""
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        codes = sorted({str(code) for code, _ in exc.recipients.values()})
        return f"the server refused the recipient ({', '.join(codes)})"
    if isinstance(exc, smtplib.SMTPResponseException):
        return f"the server answered {exc.smtp_code}"
    if isinstance(exc, smtplib.SMTPServerDisconnected):
        return "the server closed the connection"
    if isinstance(exc, smtplib.SMTPException):
        return "the SMTP conversation failed"
    if isinstance(exc, OSError):
        return exc.strerror or "network error"
    return "the message could not be sent"


def _failed(mail: OutboxMail, exc: Exception, reason: str | None = None) -> None:
    """Count a failed attempt, with an error that names no address and no contents."""
    mail.attempts += 1
    mail.last_error = f"{type(exc).__name__}: {reason or _reason(exc)}"[:300]
    mail.claimed_until = None  # free for the next run to try again
