"""Sending the outbox over SMTP; what fails stays queued for `flask --app scan send-mail`."""

from __future__ import annotations

import logging
import smtplib
import ssl
from email.message import EmailMessage
from email.utils import make_msgid

from flask import Flask
from sqlalchemy import select
from sqlalchemy.orm import Session

from .models import OutboxMail, utcnow

logger = logging.getLogger("scan.mail")

#: Give up retrying a message after this many failed attempts (an operator looks at it).
MAX_ATTEMPTS = 20


def pending(limit: int = 100):
    """Select unsent mail, oldest first."""
    return (
        select(OutboxMail)
        .where(OutboxMail.sent_at.is_(None), OutboxMail.attempts < MAX_ATTEMPTS)
        .order_by(OutboxMail.id)
        .limit(limit)
    )


def _message(app: Flask, mail: OutboxMail) -> EmailMessage:
    message = EmailMessage()
    message["From"] = app.config["MAIL_FROM"]
    message["To"] = mail.recipient
    message["Subject"] = mail.subject
    message["Message-ID"] = make_msgid(domain=app.config["MAIL_FROM"].rpartition("@")[2] or None)
    message.set_content(mail.body)
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
    mails = list(session.scalars(pending(limit)))
    if not mails:
        return 0, 0
    if not app.config["MAIL_SERVER"]:
        logger.info("MAIL_SERVER is not set: %d message(s) stay in the outbox", len(mails))
        return 0, len(mails)
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
            try:
                smtp.send_message(_message(app, mail))
            except (OSError, smtplib.SMTPException) as exc:
                _failed(mail, exc)
                failed += 1
            else:
                mail.sent_at = utcnow()
                mail.attempts += 1
                sent += 1
            session.commit()
    return sent, failed


def _failed(mail: OutboxMail, exc: Exception) -> None:
    mail.attempts += 1
    mail.last_error = f"{type(exc).__name__}: {exc}"[:300]
