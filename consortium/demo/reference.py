"""Demo content of the reference queue: profiles for the five members and questions in
Chinese and English in every state, put in through the real services.

Works are found in the loaded catalogue (not hard-coded), so the demo follows the book list.
"""
import datetime as dt

from sqlmodel import select

from consortium.accounts import service as accounts
from consortium.accounts.models import Member, User
from consortium.catalogue.models import Holding, Work
from consortium.reference import knowledge, liaison
from consortium.reference.common import Actor, ReferenceSettings
from consortium.reference.profiles import set_profile
from consortium.reference.questions import submit_question

PASSWORD = "daodu-demo-2026"
# code → (strengths by CLC main class, languages, capacity, opening hours)
PROFILES = {
    "NJU": ({"A": 0.7, "B": 0.8, "C": 0.7, "D": 0.7, "I": 0.9, "K": 0.9, "N": 0.6, "O": 0.8}, ["zh", "en"], 12,
            "mon-fri 08:00-22:00; sat-sun 09:00-17:00"),
    "SEU": ({"T": 0.8, "TU": 0.9, "TP": 0.8, "O": 0.6, "R": 0.5}, ["zh", "en"], 10, "mon-fri 08:00-21:30"),
    "NJNU": ({"G": 0.9, "I": 0.7, "J": 0.8, "B": 0.6, "H": 0.8}, ["zh", "en"], 8, "mon-fri 08:30-17:30"),
    "NUAA": ({"V": 0.95, "T": 0.7, "TP": 0.6, "O": 0.5}, ["zh"], 6, "mon-fri 08:00-17:00"),
    "NJAU": ({"S": 0.95, "Q": 0.8, "F": 0.5, "X": 0.6}, ["zh", "en"], 8, "mon-fri 08:00-17:30"),
}
EXTRA_LIAISONS = [("liaison@njnu.demo.daodu.example", "NJNU", "南师大学科馆员 孙老师"),
                  ("liaison@nuaa.demo.daodu.example", "NUAA", "南航学科馆员 周老师")]


def load(app, session, today: dt.date):
    """Profiles, two more liaisons and six questions; yields what it did."""
    for code, (strengths, languages, capacity, hours) in PROFILES.items():
        set_profile(session, code, {"strengths": strengths, "languages": languages, "capacity": capacity,
                                    "opening_hours": hours, "retention_days": 365}, now=_at(today, -10, 9))
    for email, code, name in EXTRA_LIAISONS:
        if session.exec(select(User).where(User.email == email)).first() is None:
            accounts.add_user(session, email, PASSWORD, "liaison", code, name)
    settings = ReferenceSettings.from_config(app.config)
    made = list(_questions(session, settings, today))
    yield f"Reference queue: profiles for {len(PROFILES)} members, {len(made)} demo questions ({', '.join(made)})."


def _at(today: dt.date, days: int, hour: int) -> dt.datetime:
    local = dt.datetime.combine(today + dt.timedelta(days=days), dt.time(hour), tzinfo=dt.timezone(dt.timedelta(hours=8)))
    return local.astimezone(dt.timezone.utc)


def _actor(session, code: str) -> Actor:
    member = session.exec(select(Member).where(Member.code == code)).one()
    user = session.exec(select(User).where(User.member_id == member.id, User.role == "liaison")).first()
    return Actor(user.id, member.id, "liaison", user.display_name or user.email)


def _single_holder_work(session, exclude_code: str):
    """A work with an ISBN that exactly one member (not ``exclude_code``) holds."""
    rows = session.exec(select(Holding.work_id, Member.code).join(Member, Member.id == Holding.member_id)).all()
    holders: dict[int, set] = {}
    for work_id, code in rows:
        holders.setdefault(work_id, set()).add(code)
    for work_id, codes in sorted(holders.items()):
        work = session.get(Work, work_id)
        if len(codes) == 1 and exclude_code not in codes and work.isbns:
            return work, next(iter(codes))
    return None, None


def _ask(session, settings, when, **data):
    data.setdefault("consent_publish", True)
    return submit_question(session, data, now=when, settings=settings)


def _questions(session, settings, today):
    work, holder = _single_holder_work(session, "NJU")
    if work is not None:
        _ask(session, settings, _at(today, 0, 9), question=f"请问 ISBN {work.isbns[0]}《{work.title}》哪个馆能借到？",
             name="王同学", email="wang.reader@example.edu.cn", home_member="NJU")
        yield f"ISBN question routed to {holder}"
    rice = _ask(session, settings, _at(today, -1, 10), question="水稻栽培中土壤盐碱化有哪些改良方法？有推荐的专著吗？",
                name="李明", email="liming@example.edu.cn", home_member="SEU")
    njau = _actor(session, "NJAU")
    liaison.claim(session, rice["id"], njau, now=_at(today, -1, 11), settings=settings)
    liaison.answer(session, rice["id"], njau, "推荐阅读**《土壤学》**相关章节，并可检索本馆农学数据库。",
                   now=_at(today, -1, 15), settings=settings)
    preview = knowledge.preview(session, rice["id"], njau)
    knowledge.publish(session, rice["id"], njau, title=preview["title"], question_text=preview["question_text"],
                      answer_md=preview["answer_md"], now=_at(today, -1, 16))
    yield "answered and published (NJAU)"
    english = _ask(session, settings, _at(today, -2, 14), question="Where can I find recent books on machine learning "
                   "algorithms in English?", name="Anna Schmidt", email="anna@example.org", home_member="NJNU",
                   language="en")
    seu = _actor(session, english["routed_to"] or "SEU")
    liaison.claim(session, english["id"], seu, now=_at(today, -2, 15), settings=settings)
    liaison.ask_clarification(session, english["id"], seu, "Do you need textbooks or research monographs?",
                              now=_at(today, -2, 16), settings=settings)
    yield f"English question waiting for the reader ({english['routed_to']})"
    poem = _ask(session, settings, _at(today, -3, 9), question="唐诗宋词的注本，哪一种适合本科生入门？",
                name="赵敏", email="zhaomin@example.edu.cn", home_member="NJNU")
    liaison.claim(session, poem["id"], _actor(session, poem["routed_to"]), now=_at(today, -3, 10), settings=settings)
    yield f"claimed ({poem['routed_to']})"
    plane = _ask(session, settings, _at(today, -4, 9), question="飞机结构疲劳分析方面有哪些经典教材？",
                 name="陈刚", email="chengang@example.edu.cn", home_member="NJU")
    first = _actor(session, plane["routed_to"])
    if plane["routed_to"] != "NUAA":
        liaison.transfer(session, plane["id"], first, "航空类问题请南航馆答复", now=_at(today, -4, 10), settings=settings,
                         to_member="NUAA")
        yield f"transferred {plane['routed_to']} → NUAA"
    else:
        yield "routed to NUAA"
