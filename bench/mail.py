"""Mail outbox throughput: queueing in transactions, delivery to a loopback SMTP server
(aiosmtpd, from the test extra) and to the mail folder, on a SQLite file."""
import tempfile
import time


def run(options) -> list[dict]:
    count = 500 if options.size == "small" else 5000
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        app = _app(tmp, {"MAIL_BACKEND": "folder"})
        rows.append(_row("queue_mail (100 per commit)", count, _queue(app, count), "mails/s"))
        rows.append(_row("deliver to the mail folder (.eml files)", count, _drain(app), "mails/s"))
    with tempfile.TemporaryDirectory() as tmp:
        server, port = _smtp_server()
        try:
            app = _app(tmp, {"MAIL_BACKEND": "smtp", "MAIL_SERVER": "127.0.0.1", "MAIL_PORT": port})
            _queue(app, count)
            seconds = _drain(app)
            received = len(server.handler.received)
        finally:
            server.stop()
        rows.append(_row("deliver to loopback SMTP (aiosmtpd)", count, seconds, "mails/s",
                         note=f"{received:,} received by the server"))
    return rows


def _row(metric: str, count: int, seconds: float, unit: str, note: str | None = None) -> dict:
    row = {"suite": "mail", "metric": f"{metric}, {count:,} mails", "value": count / seconds, "unit": unit}
    if note:
        row["note"] = note
    return row


def _app(tmp: str, config: dict):
    from consortium import create_app
    from consortium.db import get_engine
    from consortium.db.migrate import upgrade

    app = create_app({"SECRET_KEY": "bench", "CONSORTIUM_BACKGROUND_JOBS": False, **config}, instance_path=tmp)
    upgrade(get_engine(app))
    return app


def _queue(app, count: int) -> float:
    from consortium.db import new_session
    from consortium.db.uow import UnitOfWork
    from consortium.mail import queue_mail

    started = time.perf_counter()
    with new_session(app) as session:
        for first in range(0, count, 100):
            with UnitOfWork(session):
                for i in range(first, min(count, first + 100)):
                    queue_mail(session, f"读者{i} <reader{i}@bench.example>", f"您的问题 #{i} 已收到",
                               "我们已收到您的问题，将在一个工作日内答复。\n" * 5, kind="bench")
    return time.perf_counter() - started


def _drain(app) -> float:
    from consortium.mail import deliver_pending

    started = time.perf_counter()
    while deliver_pending(app, limit=500).sent:
        pass
    return time.perf_counter() - started


class _Collector:
    def __init__(self):
        self.received = []

    async def handle_DATA(self, server, session, envelope):
        self.received.append(len(envelope.content))
        return "250 OK"


def _smtp_server():
    import socket

    from aiosmtpd.controller import Controller

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    controller = Controller(_Collector(), hostname="127.0.0.1", port=port)
    controller.start()
    return controller, port
