"""Sending e-mail over SMTP with the settings from the environment (see config.py).

Every mail also goes into the outbox (`OutboxMail`), which admins read on a page. Without a
mail server (the demo, a new installation) the outbox is the only place it goes: coop works as
it would, and people see what would have been sent and to whom."""

from __future__ import annotations

import re
import smtplib
import ssl
from collections.abc import Iterable
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from flask import current_app

from .models.mail import KEPT, SENT
from .validation import line


class MailNotConfigured(RuntimeError):
    """MAIL_SERVER is not set (kept for callers that must not send without one)."""


def has_server() -> bool:
    """Whether a mail server is set up; without one, mails stay in the outbox."""
    return bool(current_app.config.get("MAIL_SERVER"))


# the secret part of a link to set a password
_SECRET_LINK = re.compile(r"(/password/)[A-Za-z0-9_-]+")


def _keep(messages: list[EmailMessage], state: str, sensitive: bool = False) -> None:
    from .extensions import db
    from .models import OutboxMail

    for msg in messages:
        body = msg.get_body(("plain",))
        text = body.get_content() if body is not None else ""
        if sensitive and state == SENT:  # it reached its person: the outbox keeps no secret
            text = _SECRET_LINK.sub(r"\1…", text)
        db.session.add(
            OutboxMail(
                recipients=str(msg["To"] or "")[:2000],
                reply_to=str(msg["Reply-To"])[:254] if msg["Reply-To"] else None,
                subject=str(msg["Subject"] or "")[:500],
                text=text,
                state=state,
                sensitive=sensitive,
            )
        )
    # Committed at once: every caller has committed its own change (a claim, a limit) before
    # the mail leaves, so this writes the outbox alone, and a mail that left is never lost
    # from it by a later rollback.
    db.session.commit()


def build_message(to: str, subject: str, text: str) -> EmailMessage:
    """A plain-text e-mail from coop, marked as sent automatically (no out-of-office replies)."""
    config = current_app.config
    msg = EmailMessage()
    msg["From"] = config["MAIL_FROM"]
    # headers from cleaned values only: a line break in a name (a saved search's, a
    # council's) would otherwise stop the message, or add a header of its own
    msg["To"] = line(to) or ""
    msg["Subject"] = line(subject) or "coop"
    msg["Date"] = formatdate(localtime=True)
    msg["Message-ID"] = make_msgid(domain=config["MAIL_FROM"].rpartition("@")[2] or None)
    msg["Auto-Submitted"] = "auto-generated"  # RFC 3834: no out-of-office replies, please
    msg.set_content(text)
    return msg


def send_all(messages: Iterable[EmailMessage], *, sensitive: bool = False) -> int:
    """Send over one SMTP connection and note each in the outbox (committed); without a mail
    server, only the outbox keeps them. Returns the number sent or kept. Raises on the first
    failure of the server (what was sent before it stays in the outbox)."""
    config = current_app.config
    messages = list(messages)
    if not config.get("MAIL_SERVER"):
        _keep(messages, KEPT, sensitive)
        return len(messages)
    host, port = config["MAIL_SERVER"], int(config["MAIL_PORT"])
    timeout = float(config["MAIL_TIMEOUT"])
    if config["MAIL_USE_SSL"]:
        smtp = smtplib.SMTP_SSL(host, port, timeout=timeout, context=ssl.create_default_context())
    else:
        smtp = smtplib.SMTP(host, port, timeout=timeout)
    sent = 0
    with smtp:
        if config["MAIL_USE_TLS"] and not config["MAIL_USE_SSL"]:
            smtp.starttls(context=ssl.create_default_context())
        if config.get("MAIL_USERNAME"):
            smtp.login(config["MAIL_USERNAME"], config.get("MAIL_PASSWORD") or "")
        for msg in messages:
            smtp.send_message(msg)
            sent += 1
            _keep([msg], SENT, sensitive)
    return sent


def outbox_query(*, with_secrets: bool):
    """The outbox, newest first; without `with_secrets` (anyone but an admin) the mails that
    carry a link to set a password are left out."""
    from sqlalchemy import select

    from .models import OutboxMail

    stmt = select(OutboxMail)
    if not with_secrets:
        stmt = stmt.where(OutboxMail.sensitive.is_(False))
    return stmt.order_by(OutboxMail.created_at.desc(), OutboxMail.id.desc())
