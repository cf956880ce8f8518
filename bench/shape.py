"""The production shape on loopback, for the deployment check and the soak.

PostgreSQL (the server of ``.ci/postgres.sh``, a new database made by ``consortium init
--create-database``), web processes (``consortium serve`` on their own ports with
``CONSORTIUM_BACKGROUND_JOBS=false``, as docs/deploy.md runs them behind nginx), one
``consortium worker`` and an SMTP server (aiosmtpd, in this process) that keeps every message.
Processes log JSON lines into ``<root>/logs/<name>.log``; each can be killed and restarted.
"""
import json
import os
import re
import signal
import socket
import subprocess
import sys
import threading
import time
import uuid
from email import message_from_bytes, policy
from pathlib import Path

import requests
from aiosmtpd.controller import Controller
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

REPO = Path(__file__).resolve().parent.parent
CONSORTIUM = str(Path(sys.executable).parent / "consortium")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def postgres_server() -> str:
    """The admin URL of the loopback PostgreSQL server (started by .ci/postgres.sh if needed)."""
    url = os.environ.get("CONSORTIUM_TEST_POSTGRES_URL")
    if url:
        return url
    out = subprocess.run(["bash", str(REPO / ".ci" / "postgres.sh")], capture_output=True, text=True, check=True)
    return out.stdout.strip().split("=", 1)[1]


class SmtpSink:
    """Keeps (recipients, message) of everything it is sent."""

    def __init__(self):
        self.messages: list = []
        self.lock = threading.Lock()
        self.port = free_port()
        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)

    async def handle_DATA(self, server, session, envelope):
        message = message_from_bytes(envelope.original_content or envelope.content, policy=policy.default)
        with self.lock:
            self.messages.append((list(envelope.rcpt_tos), message))
        return "250 Message accepted for delivery"

    def received(self) -> list:
        with self.lock:
            return list(self.messages)


class Shape:
    """Brings the shape up (``start``), lets a caller kill and restart its processes, and
    takes it down with its database (``stop``)."""

    def __init__(self, root: Path, webs: int = 2, settings: dict | None = None, log=print):
        self.root, self.log = Path(root), log
        self.instance = self.root / "instance"
        (self.root / "logs").mkdir(parents=True, exist_ok=True)
        self.admin_url = make_url(postgres_server())
        self.database = f"daodu_shape_{uuid.uuid4().hex[:8]}"
        self.smtp = SmtpSink()
        self.ports = [free_port() for _ in range(webs)]
        self.urls = [f"http://127.0.0.1:{port}" for port in self.ports]
        self.procs: dict[str, subprocess.Popen] = {}
        self.env = {k: v for k, v in os.environ.items() if not k.startswith("CONSORTIUM_")} | {
            "CONSORTIUM_INSTANCE": str(self.instance),
            "CONSORTIUM_DATABASE_URL": self.admin_url.set(database=self.database).render_as_string(hide_password=False),
            "CONSORTIUM_BASE_URL": self.urls[0],
            "CONSORTIUM_LOG_FORMAT": "json",
            "CONSORTIUM_MAIL_BACKEND": "smtp",
            "CONSORTIUM_MAIL_SERVER": "127.0.0.1",
            "CONSORTIUM_MAIL_PORT": str(self.smtp.port),
            "CONSORTIUM_MAIL_DEFAULT_SENDER": "导读 Daodu <noreply@daodu.test>",
            # a loop-back test waits for the worker's passes, not for production's intervals
            "CONSORTIUM_SEARCH_INDEX_INTERVAL": "1",
            "CONSORTIUM_MAIL_JOB_INTERVAL_SECONDS": "2",
        } | {f"CONSORTIUM_{k}": str(v) for k, v in (settings or {}).items()}

    # -- life cycle -------------------------------------------------------------------
    def start(self) -> "Shape":
        self.smtp.controller.start()
        self.cli("init", "--create-database")
        for i in range(len(self.ports)):
            self.start_web(i)
        self.start_worker()
        for url in self.urls:
            self.wait_ready(url)
        return self

    def stop(self) -> None:
        for name in list(self.procs):
            self.terminate(name)
        self.smtp.controller.stop()
        admin = create_engine(self.admin_url, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{self.database}" WITH (FORCE)'))
        admin.dispose()

    def cli(self, *args, input: str | None = None) -> str:
        """Run a ``consortium`` command against the instance; its output (raises on failure)."""
        done = subprocess.run([CONSORTIUM, *args], env=self.env, input=input, capture_output=True, text=True,
                              timeout=600)
        if done.returncode != 0:
            raise RuntimeError(f"consortium {' '.join(args)} failed ({done.returncode}): {done.stdout}{done.stderr}")
        return done.stdout

    def start_web(self, i: int) -> None:
        self._spawn(f"web{i + 1}", ["serve", "--port", str(self.ports[i])], {"CONSORTIUM_BACKGROUND_JOBS": "false"})

    def start_worker(self) -> None:
        self._spawn("worker", ["worker"], {})

    def _spawn(self, name: str, args: list[str], env: dict) -> None:
        log = open(self.root / "logs" / f"{name}.log", "ab")
        self.procs[name] = subprocess.Popen([CONSORTIUM, *args], env=self.env | env, stdout=log,
                                            stderr=subprocess.STDOUT, start_new_session=True)
        log.close()

    def kill(self, name: str) -> None:
        """SIGKILL: no clean-up, as when the machine or the OOM killer takes a process."""
        proc = self.procs[name]
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(30)

    def terminate(self, name: str) -> None:
        proc = self.procs.pop(name)
        if proc.poll() is None:
            os.killpg(proc.pid, signal.SIGTERM)
            try:
                proc.wait(30)
            except subprocess.TimeoutExpired:
                os.killpg(proc.pid, signal.SIGKILL)
                proc.wait(30)

    def restart(self, name: str) -> None:
        if name == "worker":
            self.start_worker()
        else:
            i = int(name.removeprefix("web")) - 1
            self.start_web(i)
            self.wait_ready(self.urls[i])

    def wait_ready(self, url: str, seconds: float = 120) -> None:
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            try:
                if requests.get(f"{url}/healthz", timeout=5).status_code == 200:
                    return
            except requests.RequestException:
                pass
            time.sleep(0.3)
        raise RuntimeError(f"{url} did not come up within {seconds} s (see {self.root / 'logs'})")

    # -- seeding ----------------------------------------------------------------------
    def add_member(self, code: str, name: str) -> str:
        """The member and its push key."""
        self.cli("members", "add", code, "--name", name, "--name-en", f"{code} University Library")
        return self.cli("keys", "issue", code).strip().splitlines()[-1]

    def add_staff(self, email: str, password: str, role: str, member: str | None = None) -> None:
        args = ["users", "add", email, "--role", role] + (["--member", member] if member else [])
        self.cli(*args, input=f"{password}\n{password}\n")

    def wait_indexed(self, seconds: float = 300) -> dict:
        """Until the index has applied the whole change log (``index status``)."""
        deadline = time.monotonic() + seconds
        while True:
            status = json.loads(self.cli("index", "status", "--json"))
            if status["lag"] == 0 and status["checkpoint"] >= (status["head"] or 0):
                return status
            if time.monotonic() > deadline:
                raise RuntimeError(f"the index did not catch up within {seconds} s: {status}")
            time.sleep(1)


def staff_session(base_url: str, email: str, password: str) -> requests.Session:
    """A logged-in staff session with the X-CSRFToken header the staff API wants."""
    session = requests.Session()
    form = session.get(f"{base_url}/staff/login", timeout=30).text
    token = re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', form).group(1)
    answer = session.post(f"{base_url}/staff/login", data={"email": email, "password": password, "csrf_token": token},
                          allow_redirects=False, timeout=30)
    if answer.status_code != 302:
        raise RuntimeError(f"staff login of {email} failed: {answer.status_code}")
    session.headers["X-CSRFToken"] = session.get(f"{base_url}/api/v1/staff/csrf", timeout=30).json()["csrf_token"]
    return session
