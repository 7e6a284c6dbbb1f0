"""Sending e-mail over SMTP with the settings from the environment (see config.py)."""

from __future__ import annotations

import smtplib
import ssl
from collections.abc import Iterable
from email.message import EmailMessage
from email.utils import formatdate, make_msgid

from flask import current_app

from ..validation import line


class MailNotConfigured(RuntimeError):
    """MAIL_SERVER is not set: reminders can be previewed but not sent."""


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


def send_all(messages: Iterable[EmailMessage]) -> int:
    """Send over one SMTP connection; returns the number sent. Raises on the first failure."""
    config = current_app.config
    if not config.get("MAIL_SERVER"):
        raise MailNotConfigured("MAIL_SERVER is not set")
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
    return sent
