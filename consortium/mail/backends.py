"""Where mail goes: an SMTP server, or a folder of .eml files (the embedded default).

A backend is a context manager with ``send(message, ref=None)``; it raises ``DeliveryFailed``
with ``permanent=True`` when the server refuses for good (5xx for the recipient or the content)
and ``permanent=False`` when a retry may help (connection refused, timeout, 4xx, login).
``forget(refs)`` erases the copies a backend keeps of mails about ``refs`` (the folder's
files; SMTP keeps none) and ``purge(before)`` those written before a time.
"""
import os
import re
import smtplib
import socket
import ssl
import tempfile
from datetime import datetime
from email.message import EmailMessage
from email.policy import SMTP

from consortium.mail.errors import DeliveryFailed, UnknownMailBackend


def ref_slug(ref: str | None) -> str:
    """A mail's ``ref`` ("question:42") as a file-name prefix ("question-42--"), or ""."""
    return f"{_UNSAFE.sub('-', ref)}--" if ref else ""


_UNSAFE = re.compile(r"[^A-Za-z0-9_]+")


class FolderBackend:
    """Writes each message as ``<folder>/[<ref>--]<Message-ID key>.eml`` (atomically, UTF-8 bytes).

    The folder stands in for the recipients' mailboxes in the embedded default, so it holds
    what a reader was sent (addresses, the status link): the file name carries the mail's
    ``ref`` so that the retention scrub of a question can erase its mails (``forget``), and the
    mail job erases files older than ``MAIL_KEEP_DAYS`` (``purge``).
    """

    name = "folder"

    def __init__(self, folder: str):
        self.folder = folder

    def __enter__(self) -> "FolderBackend":
        os.makedirs(self.folder, exist_ok=True)
        return self

    def __exit__(self, *exc) -> None:
        return None

    def send(self, message: EmailMessage, ref: str | None = None) -> None:
        key = message["Message-ID"].strip("<>").split("@")[0]
        try:
            fd, tmp = tempfile.mkstemp(dir=self.folder, suffix=".tmp")
            with os.fdopen(fd, "wb") as fh:
                fh.write(message.as_bytes(policy=SMTP))
            os.replace(tmp, os.path.join(self.folder, f"{ref_slug(ref)}{key}.eml"))
        except OSError as exc:
            raise DeliveryFailed(f"cannot write to the mail folder {self.folder}: {exc}", affects_all=True) from exc

    def forget(self, refs) -> int:
        """Delete the files of mails about ``refs``; returns how many."""
        if not os.path.isdir(self.folder):
            return 0
        prefixes = tuple(ref_slug(ref) for ref in refs if ref)
        gone = 0
        for entry in os.scandir(self.folder):
            if prefixes and entry.name.startswith(prefixes) and entry.name.endswith(".eml"):
                gone += _unlink(entry.path)
        return gone

    def purge(self, before: datetime) -> int:
        """Delete the files written before ``before`` (and temporary files a crash left)."""
        if not os.path.isdir(self.folder):
            return 0
        cutoff = before.timestamp()
        return sum(_unlink(entry.path) for entry in os.scandir(self.folder)
                   if entry.name.endswith((".eml", ".tmp")) and entry.stat().st_mtime < cutoff)


def _unlink(path: str) -> int:
    try:
        os.unlink(path)
    except FileNotFoundError:  # another worker's purge was first
        return 0
    return 1


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

    def send(self, message: EmailMessage, ref: str | None = None) -> None:
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

    def forget(self, refs) -> int:
        """Sent mail is in the recipients' mailboxes; this backend keeps no copy."""
        return 0

    def purge(self, before: datetime) -> int:
        return 0

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
