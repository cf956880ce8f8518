"""SMTP with STARTTLS and login against a real aiosmtpd server using a throw-away certificate."""
import shutil
import ssl
import subprocess

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword
from sqlmodel import select

from consortium.db.uow import UnitOfWork
from consortium.mail import OutboxMail, deliver_pending, queue_mail
from tests.conftest import skip_or_fail
from tests.consortium.mail.conftest import Collector


@pytest.fixture
def certificate(tmp_path):
    """A self-signed certificate for 127.0.0.1 made with the openssl command."""
    if shutil.which("openssl") is None:
        skip_or_fail("the STARTTLS test needs the openssl command")
    cert, key = tmp_path / "cert.pem", tmp_path / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "1",
                    "-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1",
                    "-keyout", str(key), "-out", str(cert)], check=True, capture_output=True)
    return cert, key


class LoginCollector(Collector):
    """Collects messages and accepts one login (``valid``)."""

    valid = (b"daodu", b"s3cret")

    def authenticate(self, server, session, envelope, mechanism, auth_data):
        ok = isinstance(auth_data, LoginPassword) and (auth_data.login, auth_data.password) == self.valid
        return AuthResult(success=ok)


@pytest.fixture
def tls_server(certificate, smtp_port):
    cert, key = certificate
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(str(cert), str(key))
    handler = LoginCollector()
    controller = Controller(handler, hostname="127.0.0.1", port=smtp_port, tls_context=context,
                            require_starttls=True, authenticator=handler.authenticate, auth_required=True)
    controller.start()
    yield handler
    controller.stop()


@pytest.fixture
def app_config(app_config, smtp_port, certificate) -> dict:
    return {**app_config, "MAIL_BACKEND": "smtp", "MAIL_SERVER": "127.0.0.1", "MAIL_PORT": smtp_port,
            "MAIL_USE_TLS": True, "MAIL_TLS_CA_FILE": str(certificate[0]), "MAIL_TIMEOUT": 5,
            "MAIL_USERNAME": "daodu", "MAIL_PASSWORD": "s3cret"}


def queue_one(app, subject):
    from consortium.db import new_session

    with new_session(app) as session, UnitOfWork(session):
        queue_mail(session, "reader@reader.example", subject, "text")


def last_error(app):
    from consortium.db import new_session

    with new_session(app) as session:
        return session.exec(select(OutboxMail)).one().last_error


def test_starttls_and_login_deliver_the_mail(app, tls_server):
    """With STARTTLS, the campus CA file and the right password the server accepts the mail."""
    queue_one(app, "加密传输")
    assert deliver_pending(app).sent == 1
    assert [m["Subject"] for _, m in tls_server.messages] == ["加密传输"]


def test_an_all_digit_password_from_the_environment_still_logs_in(app, tls_server):
    """CONSORTIUM_MAIL_PASSWORD=123456 is parsed as a number; it is sent as text."""
    app.config.update(MAIL_PASSWORD=123456)
    tls_server.valid = (b"daodu", b"123456")
    queue_one(app, "数字密码")
    assert deliver_pending(app).sent == 1


def test_a_wrong_password_is_retried_later(app, tls_server):
    """A refused login is a temporary failure (the admin can fix the password); nothing is sent.

    smtplib falls back from AUTH PLAIN (535) to AUTH LOGIN, which aiosmtpd 1.4 leaves
    unanswered, so the recorded error may be the 535 or the read timeout after it.
    """
    app.config.update(MAIL_PASSWORD="wrong", MAIL_TIMEOUT=2)
    queue_one(app, "x")
    assert deliver_pending(app).retry_later == 1
    assert tls_server.messages == []
    assert "535" in last_error(app) or "timed out" in last_error(app)


def test_a_certificate_that_is_not_trusted_is_refused(app, tls_server):
    """Without the CA file the self-signed certificate fails verification: no mail in clear."""
    app.config["MAIL_TLS_CA_FILE"] = None
    queue_one(app, "x")
    assert deliver_pending(app).retry_later == 1
    assert "CERTIFICATE_VERIFY_FAILED" in last_error(app) and tls_server.messages == []
