"""A real SMTP server for the email tests: aiosmtpd on a local port, in a thread.

It keeps every message it accepted (parsed), and can be told to refuse recipients or
messages with a given reply, as a real mail server would. `mail_server` starts one for a
test; `smtp_settings` points Django's SMTP backend at it in this process. A subprocess worker
reaches it through `mail_server.email_url` (EMAIL_URL).
"""

from __future__ import annotations

import email
import socket
import threading
from email.message import Message

import pytest
from aiosmtpd.controller import Controller


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class _Handler:
    def __init__(self, server: MailServer):
        self.server = server

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if self.server.refuse_recipients:
            return self.server.refuse_recipients
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        if self.server.refuse_data:
            return self.server.refuse_data
        with self.server.lock:
            self.server.received.append(email.message_from_bytes(envelope.original_content))
        return "250 Message accepted for delivery"


class MailServer:
    """aiosmtpd listening on 127.0.0.1:<port>; stop() and start() again on the same port."""

    def __init__(self, port: int | None = None):
        self.port = port or free_port()
        self.received: list[Message] = []
        self.lock = threading.Lock()
        # An SMTP reply such as "550 5.1.1 No such user here" to refuse with; None accepts.
        self.refuse_recipients: str | None = None
        self.refuse_data: str | None = None
        self._controller: Controller | None = None

    @property
    def email_url(self) -> str:
        return f"smtp://127.0.0.1:{self.port}"

    def start(self) -> MailServer:
        self._controller = Controller(_Handler(self), hostname="127.0.0.1", port=self.port)
        self._controller.start()
        return self

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def messages(self) -> list[Message]:
        with self.lock:
            return list(self.received)

    def subjects(self) -> list[str]:
        return [str(m["Subject"]) for m in self.messages()]

    def message_ids(self) -> list[str]:
        return [str(m["Message-ID"]) for m in self.messages()]


class SilentServer:
    """Accepts connections and never says a word: a mail server that hangs."""

    def __init__(self, port: int | None = None):
        self.port = port or free_port()
        self._socket = socket.create_server(("127.0.0.1", self.port))
        self._held: list[socket.socket] = []
        self._thread = threading.Thread(target=self._accept, daemon=True)
        self._thread.start()

    def _accept(self) -> None:
        while True:
            try:
                connection, _ = self._socket.accept()
            except OSError:
                return
            self._held.append(connection)

    def stop(self) -> None:
        self._socket.close()
        for connection in self._held:
            connection.close()


@pytest.fixture
def mail_server():
    server = MailServer().start()
    yield server
    server.stop()


@pytest.fixture
def smtp_settings(settings, mail_server):
    """Django's SMTP backend, in this process, talking to `mail_server` (2 s per step)."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", mail_server.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_TIMEOUT = 2
    return settings
