"""A real SMTP server (aiosmtpd) in the test process that keeps what it receives."""

from __future__ import annotations

import email
import email.policy

import pytest

from tests import pg


class Inbox:
    def __init__(self):
        self.messages: list[email.message.EmailMessage] = []

    async def handle_DATA(self, server, session, envelope):  # noqa: N802 - aiosmtpd's hook name
        msg = email.message_from_bytes(envelope.content, policy=email.policy.default)
        msg["X-Rcpt"] = ",".join(envelope.rcpt_tos)
        self.messages.append(msg)
        return "250 Message accepted"

    def to(self, address: str) -> list:
        return [m for m in self.messages if m["To"] == address]


@pytest.fixture
def smtp():
    from aiosmtpd.controller import Controller

    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=pg.free_port())
    controller.start()
    inbox.port = controller.port
    try:
        yield inbox
    finally:
        controller.stop()


@pytest.fixture
def mail_app(app, smtp):
    app.config.update(
        MAIL_SERVER="127.0.0.1", MAIL_PORT=smtp.port, MAIL_FROM="coop <coop@test.example>"
    )
    return app
