"""A real SMTP server for tests (aiosmtpd on 127.0.0.1), keeping what it receives."""

from __future__ import annotations

import email
import socket
import threading
from email.message import EmailMessage
from email.policy import default as default_policy

from aiosmtpd.controller import Controller


def free_port() -> int:
    """Return a TCP port nobody listens on right now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Mailbox:
    """An aiosmtpd handler that stores every message, or refuses them all while `failing`."""

    def __init__(self) -> None:
        self.messages: list[EmailMessage] = []
        self.failing = False
        self._lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        if self.failing:
            return "451 4.3.0 Mailbox temporarily unavailable"
        parsed = email.message_from_bytes(envelope.original_content or envelope.content, policy=default_policy)
        with self._lock:
            self.messages.append(parsed)
        return "250 Message accepted for delivery"

    def to(self, address: str) -> list[EmailMessage]:
        """Return the messages received for an address."""
        return [message for message in self.messages if message["To"] == address]


def start_server() -> tuple[Controller, Mailbox]:
    """Start a mail server on a free local port."""
    mailbox = Mailbox()
    controller = Controller(mailbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    return controller, mailbox


def plain(message: EmailMessage) -> str:
    """Return the plain-text part of a received message."""
    return message.get_body(("plain",)).get_content()


def html(message: EmailMessage) -> str:
    """Return the HTML part of a received message."""
    return message.get_body(("html",)).get_content()
