"""Subscription digests: one weekly run for 10,000 subscriptions over a week in which the
consortium first saw 5,000 works (beside an older catalogue), each subscription's query run
through the search port with its first-seen window, every digest queued in the outbox.
Target: the run finishes in at most 2 minutes on the project machine (issue #18)."""
import datetime as dt
import random
import tempfile
import time

MEMBERS = ("NJU", "SEU", "NJAU", "NNU", "HHU")
TARGET_SECONDS = 120.0


def run(options) -> list[dict]:
    small = options.size == "small"
    old, new, subscriptions = (2_000, 500, 1_000) if small else (20_000, 5_000, 10_000)
    with tempfile.TemporaryDirectory() as tmp:
        app, now = _catalogue(tmp, old, new)
        _subscribe(app, subscriptions, now)
        report = _digest_run(app, now)
        mails = _queued(app)
    return [
        {"suite": "digests", "metric": f"digest run: {subscriptions:,} subscriptions, {new:,} new works in the week",
         "value": report.seconds, "unit": "s", "target": f"<= {TARGET_SECONDS:.0f}" if not small else None,
         "note": f"{report}; {mails:,} mails queued"},
        {"suite": "digests", "metric": "subscriptions per second", "value": subscriptions / report.seconds,
         "unit": "subs/s"},
    ]


def _app(tmp: str):
    from consortium import create_app
    from consortium.db import get_engine
    from consortium.db.migrate import upgrade

    app = create_app({"SECRET_KEY": "bench", "CONSORTIUM_BACKGROUND_JOBS": False,
                      "CONSORTIUM_BASE_URL": "https://daodu.example.edu.cn"}, instance_path=tmp)
    upgrade(get_engine(app))
    return app


def _catalogue(tmp: str, old: int, new: int):
    """Members push ``old`` works first seen a month ago and ``new`` first seen over the last
    week (spread evenly); the index is rebuilt to hold those first-seen times."""
    from sqlalchemy import text

    from consortium.accounts.service import add_member
    from consortium.catalogue.service import ingest_batch
    from consortium.db import new_session
    from consortium.demo.synthetic import synthetic_records
    from consortium.search.operations import rebuild_index

    app = _app(tmp)
    now = dt.datetime.now(dt.timezone.utc).replace(microsecond=0)
    records = synthetic_records(old + new)
    with new_session(app) as session:
        members = [add_member(session, code, f"{code} 图书馆", code) for code in MEMBERS]
        for first in range(0, len(records), 1000):
            ingest_batch(session, members[(first // 1000) % len(members)], records[first:first + 1000])
        month_ago = now - dt.timedelta(days=30)
        session.execute(text("UPDATE holding SET first_seen_at = :t"), {"t": month_ago})
        session.execute(text("UPDATE holding SET first_seen_at = :t WHERE id = :id"),
                        [{"id": old + 1 + i, "t": now - dt.timedelta(days=7) + dt.timedelta(seconds=i * 7 * 86400 // new)}
                         for i in range(new)])
        session.commit()
    rebuild_index(app)
    return app, now


def _subscribe(app, count: int, now: dt.datetime) -> None:
    """Confirmed weekly subscriptions whose last digest was a week ago: a word, a class, a
    member's new books or a word within a class, each reader with a home member."""
    from consortium.db import new_session
    from consortium.demo.synthetic import EN_WORDS, ZH_WORDS
    from consortium.subscriptions.models import Subscription

    rng = random.Random(18)
    classes = ["TP", "TN", "O", "F", "K", "I", "B", "D", "G", "R", "S", "H"]
    week_ago = now - dt.timedelta(days=7, minutes=5)
    rows = []
    for i in range(count):
        kind = i % 10
        if kind < 6:
            search = {"q": rng.choice(ZH_WORDS + EN_WORDS)}
        elif kind < 8:
            search = {"clc": rng.choice(classes)}
        elif kind == 8:
            search = {"member": [rng.choice(MEMBERS)]}
        else:
            search = {"q": rng.choice(ZH_WORDS), "clc": rng.choice(classes[:3])}
        rows.append({"email": f"reader{i}@bench.example.edu.cn", "token_hash": f"{i:064x}", "source": "search",
                     "label": "", "search": search, "frequency": "weekly", "language": "zh" if i % 3 else "en",
                     "home_member_id": 1 + i % len(MEMBERS), "status": "active", "last_digest_at": week_ago,
                     "digests_sent": 0, "bounces": 0, "created_at": week_ago, "confirmed_at": week_ago,
                     "updated_at": week_ago})
    with new_session(app) as session:
        session.execute(Subscription.__table__.insert(), rows)
        session.commit()


def _digest_run(app, now: dt.datetime):
    from consortium.subscriptions.jobs import run_digests

    with app.app_context():
        started = time.perf_counter()
        report = run_digests(app, now)
        report.seconds = time.perf_counter() - started
    return report


def _queued(app) -> int:
    from sqlalchemy import func, select

    from consortium.db import new_session
    from consortium.mail.models import OutboxMail

    with new_session(app) as session:
        return session.execute(select(func.count()).select_from(OutboxMail)).scalar_one()
