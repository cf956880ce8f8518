"""Digest runs: for every confirmed subscription that is due, the works the consortium first
saw since its last digest that match its search (through the search port), with new guides
and answers that match; one mail per subscription with something new, queued through the
outbox in the same transaction that moves the subscription's window on (never twice).

No Flask: the caller hands in the search port, the answers port and the ``Mailer``.
"""
import json
import logging
import time
from datetime import datetime

from sqlalchemy import and_, bindparam, func, or_, update
from sqlmodel import Session, select

from consortium.accounts.models import Member
from consortium.db.columns import as_aware
from consortium.errors import ConsortiumError
from consortium.guides.published import published_guides
from consortium.mail.outbox import queue_mail
from consortium.subscriptions import rules
from consortium.subscriptions.models import Subscription
from consortium.subscriptions.service import Mailer, SubscriptionSettings, links, ref

log = logging.getLogger(__name__)
# Subscriptions read, and committed, per transaction of a run.
CHUNK = 200
# New guides and answers read once per run (they are few; each subscription filters them).
RECENT_ITEMS = 200


_SUB = Subscription.__table__.c
# Moves one subscription's window on, only if no other run did meanwhile (built once: a run
# executes it for every subscription).
_MOVE = (update(Subscription.__table__).where(_SUB.id == bindparam("sid"), _SUB.status == "active")
         .values(last_digest_at=bindparam("until"), digests_sent=_SUB.digests_sent + bindparam("sent")))
_MOVE_WINDOW = _MOVE.where(_SUB.last_digest_at == bindparam("old"))
_MOVE_FIRST_WINDOW = _MOVE.where(_SUB.last_digest_at.is_(None))


def due_clause(now: datetime):
    """Confirmed, active subscriptions whose period has passed (``rules.is_due`` in SQL)."""
    periods = [and_(Subscription.frequency == name, Subscription.last_digest_at <= now - (period - rules.DUE_SLACK))
               for name, period in rules.FREQUENCIES.items()]
    return and_(Subscription.status == "active", or_(Subscription.last_digest_at.is_(None), *periods))


def send_due(session: Session, search, *, now: datetime, settings: SubscriptionSettings, mailer: Mailer,
             answers=None) -> rules.RunReport:
    """Queue the digests due at ``now``; returns what was done."""
    started = time.perf_counter()
    report = rules.RunReport()
    until = rules.window_end(now, settings.settle_seconds)
    oldest = session.exec(select(func.min(Subscription.last_digest_at)).where(due_clause(now))).first()
    guides, kb = _recent_items(session, answers, as_aware(oldest), until) if oldest else ([], [])
    homes = dict(session.exec(select(Member.id, Member.code)).all())
    searches, renders = SearchCache(search), RenderCache(mailer)
    after = 0
    while True:
        rows = list(session.exec(select(Subscription).where(due_clause(now), Subscription.id > after)
                                 .order_by(Subscription.id).limit(CHUNK)).all())
        if not rows:
            break
        after = rows[-1].id
        for row in rows:
            report.due += 1
            try:
                _one(session, row, searches, until, settings, renders, homes, guides, kb, report)
            except ConsortiumError as exc:  # one subscription's bad search must not stop the run
                report.failed += 1
                log.warning("digest of subscription %s failed: %s", row.id, exc.message)
        session.commit()
    report.searches, report.renders = len(searches.answers), len(renders.parts)
    report.seconds = time.perf_counter() - started
    return report


def _one(session, row, searches, until, settings, renders, homes, guides, kb, report) -> None:
    since = as_aware(row.last_digest_at)
    if since is not None and since >= until:
        return
    home = homes.get(row.home_member_id)
    digest = build_for(row, searches, home, since, until, settings.max_works, guides, kb)
    values = {"sid": row.id, "until": until, "sent": 0 if digest.is_empty else 1}
    if row.last_digest_at is None:
        moved = session.connection().execute(_MOVE_FIRST_WINDOW, values)
    else:
        moved = session.connection().execute(_MOVE_WINDOW, dict(values, old=row.last_digest_at))
    if moved.rowcount != 1:  # another run took it meanwhile
        return
    if digest.is_empty:
        report.empty += 1
        return
    link = links(settings, row)
    subject, text, html = renders.digest(row, digest, link, home, since, until)
    queue_mail(session, row.email, subject, text, html=html, kind="subscription.digest", ref=ref(row),
               headers={"List-Unsubscribe": f"<{link['unsubscribe']}>",
                        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"})
    report.sent += 1


def build_for(row: Subscription, searches: "SearchCache", home: str | None, since: datetime | None, until: datetime,
              max_works: int, guides: list[dict], kb: list[dict]) -> rules.Digest:
    """One subscription's digest for the window ``(since, until]``."""
    results, total = [], 0
    if row.source in rules.WORK_SOURCES:
        results, total = searches.new_works(row.search, since, until, max_works)
    matching_guides = [g for g in guides if _in_window(g["published_at"], since, until)
                       and rules.item_matches(row.search, member=g["member"], clc=g["clc"],
                                              texts=(g["title"], g["intro"]))]
    matching_answers = [a for a in kb if _in_window(a["published_at"], since, until)
                        and rules.item_matches(row.search, member=a["member"], clc=a["clc"],
                                               texts=(a["title"], a["question_html"], a["answer_html"]))]
    if row.source == "guides":
        matching_answers = []
    if row.source == "answers":
        matching_guides = []
    return rules.build_digest(results, home, matching_guides, matching_answers, total_works=total)


class SearchCache:
    """The search port's answers within one run. Subscriptions digested by the same run share
    their window (its end became their ``last_digest_at``), and readers follow the same
    subjects, so one search often serves many subscriptions. The reader's home member is
    not part of the search: ``rules.build_digest`` orders the holdings for each reader."""

    def __init__(self, search):
        self.search = search
        self.answers: dict[str, tuple[list, int]] = {}

    def new_works(self, saved: dict, since: datetime | None, until: datetime, limit: int) -> tuple[list, int]:
        if self.search is None:
            return [], 0
        key = json.dumps([saved, since.isoformat() if since else None, until.isoformat(), limit], sort_keys=True)
        if key not in self.answers:
            answer = self.search.search(dict(saved, first_seen_after=since, first_seen_until=until, per_page=limit,
                                             brief=True))
            self.answers[key] = (answer["results"], answer["total"])
        return self.answers[key]


class RenderCache:
    """Digests rendered within one run. Readers of one library following one search in one
    language get the same digest but for their own links: it is rendered once with
    placeholder links, which each mail's links then replace (they are URL-safe text, the
    same in the text and the HTML part)."""

    PLACEHOLDERS = {"confirm": "https://link.invalid/confirm", "manage": "https://link.invalid/manage",
                    "unsubscribe": "https://link.invalid/unsubscribe"}

    def __init__(self, mailer: Mailer):
        self.mailer = mailer
        self.parts: dict[str, tuple[str, str, str | None]] = {}

    def digest(self, row: Subscription, digest: rules.Digest, links: dict, home, since, until):
        key = json.dumps([row.search, row.source, row.label, row.language, home,
                          since.isoformat() if since else None, until.isoformat()], sort_keys=True)
        if key not in self.parts:
            self.parts[key] = self.mailer.digest(row, digest, self.PLACEHOLDERS)
        return tuple(self._links(part, links) for part in self.parts[key])

    def _links(self, part: str | None, links: dict) -> str | None:
        if part is None:
            return None
        # longest placeholder first: none is a prefix of another, but keep it safe
        for name, placeholder in sorted(self.PLACEHOLDERS.items(), key=lambda item: -len(item[1])):
            part = part.replace(placeholder, links[name])
        return part


def _in_window(moment, since, until) -> bool:
    moment = as_aware(moment)
    return moment is not None and (since is None or moment > since) and moment <= until


def _recent_items(session: Session, answers, oldest: datetime, until: datetime) -> tuple[list[dict], list[dict]]:
    guides = [{"id": g.id, "title": g.title, "intro": g.intro_md, "clc": g.clc, "member": m.code,
               "published_at": as_aware(g.published_at), "url": f"/guides/{g.id}"}
              for g, m in published_guides(session, limit=RECENT_ITEMS)
              if g.published_at and _in_window(g.published_at, oldest, until)]
    kb = [a for a in (answers.published(limit=RECENT_ITEMS) if answers is not None else [])
          if _in_window(a.get("published_at"), oldest, until)]
    return guides, kb
