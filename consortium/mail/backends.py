"""Where mail goes: an SMTP server, or a folder of .eml files (the embedded default).

A backend is a context manager with ``send(message)``; it raises ``DeliveryFailed`` with
``permanent=True`` when the server refuses for good (5xx for the recipient or the content)
and ``permanent=False`` when a retry may help (connection refused, timeout, 4xx, login).
"""
import os
import smtplib
import socket
import ssl
import tempfile
from email.message import EmailMessage
from email.policy import SMTP

from consortium.mail.errors import DeliveryFailed, UnknownMailBackend


class FolderBackend:
    """Writes each message as ``<folder>/<Message-ID key>.eml`` (atomically, UTF-8 bytes)."""

    name = "folder"

    def __init__(self, folder: str):
        self.folder = folder

    def __enter__(self) -> "FolderBackend":
        os.makedirs(self.folder, exist_ok=True)
        return self

    def __exit__(self, *exc) -> None:
        return None

    def send(self, message: EmailMessage) -> None:
        key = message["Message-ID"].strip("<>").split("@")[0]
        try:
            fd, tmp = tempfile.mkstemp(dir=self.folder, suffix=".tmp")
            with os.fdopen(fd, "wb") as fh:
                fh.write(message.as_bytes(policy=SMTP))
            os.replace(tmp, os.path.join(self.folder, f"{key}.eml"))
        except OSError as exc:
            raise DeliveryFailed(f"cannot write to the mail folder {self.folder}: {exc}", affects_all=True) from exc


class SmtpBackend:
    """Sends through one SMTP connection per batch, opened on first use, reopened after errors."""

    name = "smtp"

    def __init__(self, host: str, port: int, *, use_ssl: bool = False, use_starttls: bool = False,
                 username: str | None = None, password: str | None = None, timeout: float = 30.0,
                 ca_file: str | None = None):
        self.host, self.port = host, int(port)
        self.ca_file = ca_file
        self.use_ssl, self.use_starttls = use_ssl, use_starttls
        self.username, self.password = username, password
        self.timeout = timeout
        self._conn: smtplib.SMTP | None = None

    def __enter__(self) -> "SmtpBackend":
        return self

    def __exit__(self, *exc) -> None:
        self._close()

    def send(self, message: EmailMessage) -> None:
        try:
            conn = self._connection()
            refused = conn.send_message(message)
        except smtplib.SMTPRecipientsRefused as exc:
            self._reset()
            codes = [code for code, _msg in exc.recipients.values()]
            raise DeliveryFailed(f"recipient refused: {_describe(exc.recipients)}",
                                 permanent=all(c >= 500 for c in codes)) from exc
        except (smtplib.SMTPDataError, smtplib.SMTPSenderRefused) as exc:
            self._reset()
            permanent = isinstance(exc, smtplib.SMTPDataError) and exc.smtp_code >= 500
            raise DeliveryFailed(f"SMTP {exc.smtp_code}: {_text(exc.smtp_error)}", permanent=permanent) from exc
        except (smtplib.SMTPException, OSError) as exc:
            self._close()
            raise DeliveryFailed(f"SMTP {self.host}:{self.port}: {exc or type(exc).__name__}",
                                 affects_all=True) from exc
        if refused:
            raise DeliveryFailed(f"recipient refused: {_describe(refused)}", permanent=True)

    def _connection(self) -> smtplib.SMTP:
        if self._conn is None:
            context = ssl.create_default_context(cafile=self.ca_file)
            if self.use_ssl:
                conn = smtplib.SMTP_SSL(self.host, self.port, timeout=self.timeout, context=context)
            else:
                conn = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
            try:
                if self.use_starttls and not self.use_ssl:
                    conn.starttls(context=context)
                if self.username:
                    conn.login(self.username, self.password or "")
            except BaseException:
                conn.close()
                raise
            self._conn = conn
        return self._conn

    def _reset(self) -> None:
        """After a refused message the connection stays usable once the transaction is reset."""
        try:
            if self._conn is not None:
                self._conn.rset()
        except (smtplib.SMTPException, OSError):
            self._close()

    def _close(self) -> None:
        conn, self._conn = self._conn, None
        if conn is None:
            return
        try:
            conn.quit()
        except (smtplib.SMTPException, OSError, socket.timeout):
            conn.close()


def _text_or_none(value) -> str | None:
    return None if value is None else str(value)


def _text(value) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)


def _describe(refused: dict) -> str:
    return "; ".join(f"{addr} ({code} {_text(msg)})" for addr, (code, msg) in refused.items())


def make_backend(config: dict, instance_path: str):
    """The backend ``MAIL_BACKEND`` names, built from the ``MAIL_*`` config."""
    name = config.get("MAIL_BACKEND", "folder")
    if name == "folder":
        return FolderBackend(config.get("MAIL_FOLDER") or os.path.join(instance_path, "mail"))
    if name == "smtp":
        return SmtpBackend(
            config["MAIL_SERVER"], config["MAIL_PORT"], use_ssl=bool(config.get("MAIL_USE_SSL")),
            use_starttls=bool(config.get("MAIL_USE_TLS")), username=_text_or_none(config.get("MAIL_USERNAME")),
            # An all-digit password from the environment arrives as a number (JSON parsing).
            password=_text_or_none(config.get("MAIL_PASSWORD")), timeout=float(config.get("MAIL_TIMEOUT", 30)),
            ca_file=config.get("MAIL_TLS_CA_FILE"))
    raise UnknownMailBackend(f"MAIL_BACKEND {name!r} is not a mail backend; use 'smtp' or 'folder'.")
