"""A real SMTP server on loopback (aiosmtpd) that collects what it receives."""
import email
import threading
from email import policy

import pytest
from aiosmtpd.controller import Controller

from tests.conftest import free_port


class Collector:
    """aiosmtpd handler keeping every message; addresses in ``refuse`` get a 550."""

    def __init__(self):
        self.messages: list[tuple[list[str], email.message.EmailMessage]] = []
        self.refuse: set[str] = set()
        self.lock = threading.Lock()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse:
            return "550 5.1.1 No such user here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.original_content or envelope.content, policy=policy.default)
        with self.lock:
            self.messages.append((list(envelope.rcpt_tos), message))
        return "250 Message accepted for delivery"


class SmtpServer:
    """Start/stop a collecting SMTP server on a fixed loopback port."""

    def __init__(self, port: int):
        self.port = port
        self.handler = Collector()
        self.controller = None

    @property
    def messages(self):
        return self.handler.messages

    def start(self) -> "SmtpServer":
        self.controller = Controller(self.handler, hostname="127.0.0.1", port=self.port)
        self.controller.start()
        return self

    def stop(self) -> None:
        if self.controller is not None:
            self.controller.stop()
            self.controller = None


@pytest.fixture
def smtp_port() -> int:
    return free_port()


@pytest.fixture
def smtp_server(smtp_port):
    server = SmtpServer(smtp_port)
    yield server
    server.stop()
