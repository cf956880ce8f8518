"""A year of the demo consortium's work, for the scorecards: pushes, guides, questions
answered on time and late (some transferred), and readers' ratings.

Everything goes in through the real services, as of past days (the services take the time
of each act), from a fixed seed: the same ``today`` gives the same year. The year is the 365
days before ``today``; pushes stop 90 days before it, where the book list's own pushes
(``loader.py``, acquired in the last 90 days) take over, so the new-arrival feeds stay the
book list's. Each member has habits of its own (how fast it pushes, how often it answers
late, how many guides it writes), so the scorecards differ and rank.
"""
import datetime as dt
import random
from types import SimpleNamespace
from zoneinfo import ZoneInfo

from sqlmodel import select

from consortium.accounts.models import Member, User
from consortium.catalogue import service as catalogue
from consortium.catalogue.models import Holding
from consortium.db.columns import as_aware
from consortium.db.uow import UnitOfWork
from consortium.demo.synthetic import synthetic_record
from consortium.guides import service as guides
from consortium.mail.outbox import forget_mails
from consortium.management import directory, notices
from consortium.management.feedback import rate_answer
from consortium.reference import liaison
from consortium.reference.common import Actor, ReferenceSettings
from consortium.reference.models import Question
from consortium.reference.questions import submit_question

SEED = 2020
ZONE = ZoneInfo("Asia/Shanghai")
FIRST_SYNTHETIC = 700000  # synthetic record numbers of the history, clear of `demo --synthetic`
# code → (chance of a push on a working day, most days between acquisition and push,
#         chance an answer is late, guides a year, the subject its guides are about)
HABITS = {
    "NJU": (0.15, 10, 0.04, 6, "文学"),
    "SEU": (0.18, 21, 0.10, 5, "工程技术"),
    "NJNU": (0.10, 25, 0.15, 4, "教育学"),
    "NUAA": (0.08, 35, 0.30, 2, "航空航天"),
    "NJAU": (0.12, 14, 0.08, 4, "农学"),
}
# questions readers ask, by the member whose subjects they are about (routing picks the member)
QUESTIONS = {
    "NJU": ["《史记》有哪些好的注本？", "想系统了解中国近代史，有哪些入门书？", "西方哲学史有推荐的中文译本吗？",
            "Where can I find English translations of classical Chinese poetry?"],
    "SEU": ["建筑结构抗震设计方面有哪些参考书？", "数据库系统原理有推荐的教材吗？", "土木工程施工组织设计有哪些规范和专著？",
            "Which textbooks cover reinforced concrete design?"],
    "NJNU": ["教育心理学方面有哪些经典著作？", "中学语文教学法有哪些参考书？", "学习英语语法有哪些好书？"],
    "NUAA": ["飞机结构疲劳分析方面有哪些经典教材？", "航空发动机原理有入门书吗？", "飞行器设计导论推荐哪本教材？"],
    "NJAU": ["水稻栽培中土壤盐碱化有哪些改良方法？", "植物病理学有推荐的教材吗？", "设施园艺方面有哪些专著？",
             "Are there recent books on sustainable agriculture in English?"],
}
ANSWERS = ["推荐先读馆藏的相关教材和综述，可在联盟内通借通还；需要全文可申请馆际互借。",
           "已为您检索到几种相关图书，详见下方；电子版可通过本馆数据库阅读。",
           "Here are a few titles to start with; all can be borrowed across the consortium."]
COMMENTS = ["很有帮助，谢谢老师！", "推荐的书很合适。", "回复太慢了，我已经找到了。", "希望能推荐更新一些的书。", ""]


def load(app, session, today: dt.date):
    """Yield what it did; the year's acts in the order they happened."""
    rng = random.Random(SEED)
    settings = ReferenceSettings.from_config(app.config)
    staff = {code: _staff(session, code) for code in HABITS}
    now = dt.datetime.combine(today, dt.time(0), ZONE)
    counts = {"pushes": 0, "records": 0, "guides": 0, "questions": 0, "answered": 0, "late": 0, "ratings": 0,
              "question_ids": []}
    serial = FIRST_SYNTHETIC
    for offset in range(365, 0, -1):
        day = today - dt.timedelta(days=offset)
        if day.weekday() >= 5:
            continue
        for code, (push_chance, max_lag, _late, guides_a_year, subject) in HABITS.items():
            if offset > 90 and rng.random() < push_chance:
                serial = _push(session, staff[code].member, day, rng, max_lag, serial, counts)
            if rng.random() < guides_a_year / 250:
                _guide(session, staff[code], day, subject, counts)
        if rng.random() < 0.8:
            _question(session, settings, staff, day, rng, now, counts)
    notice_id = _coordination(session, app, staff, today)
    with UnitOfWork(session):
        # The year's mails went out back then: left queued, a new demo would send a year of
        # them at once (and a test waiting for one mail would wait behind them).
        forget_mails(session, [f"question:{n}" for n in counts.pop("question_ids")] + [f"notice:{notice_id}"])
    yield (f"A year of activity: {counts['records']} records in {counts['pushes']} pushes, {counts['guides']} guides, "
           f"{counts['questions']} questions ({counts['answered']} answered, {counts['late']} late), "
           f"{counts['ratings']} ratings.")


# the liaisons' directory entries: contact hours and subjects in their own words
CONTACTS = {"NJU": ("025-8968 3000", "周一至周五 8:00–22:00，周末 9:00–17:00", "文学、历史、哲学"),
            "SEU": ("025-5209 0000", "周一至周五 8:00–21:30", "建筑、土木、计算机"),
            "NJNU": ("025-8589 8000", "周一至周五 8:30–17:30", "教育学、语言文学"),
            "NUAA": ("025-8489 2000", "周一至周五 8:00–17:00", "航空航天、机械"),
            "NJAU": ("025-8439 5000", "周一至周五 8:00–17:30（寒暑假周三下午）", "农学、植物保护")}
NOTICE = ("寒假期间联合咨询台值班安排", "寒假期间（1月15日至2月20日）各馆咨询台**每周三下午**有人值班；"
          "跨馆转交的咨询请在备注中写明原因。\n\n请阅读后点击“我已阅读此通知”。")


def _coordination(session, app, staff: dict, today: dt.date) -> int | None:
    """Every liaison's directory entry, and a notice from the admin that two members confirmed."""
    for code, (phone, hours, subjects) in CONTACTS.items():
        directory.set_own_contact(session, staff[code].actor, {"phone": phone, "contact_hours": hours,
                                                               "subjects": subjects}, now=_at(today, -30))
    admin = session.exec(select(User).where(User.role == "consortium_admin").order_by(User.id)).first()
    if admin is None:
        return None
    posted = _at(today - dt.timedelta(days=20), 10)
    notice = notices.post_notice(session, Actor(admin.id, None, "consortium_admin", admin.email), *NOTICE, now=posted,
                                 base_url=app.config["CONSORTIUM_BASE_URL"].rstrip("/"))
    for code in ("NJU", "SEU"):
        notices.mark_read(session, staff[code].actor, notice.id, now=posted + dt.timedelta(hours=3))
    return notice.id


def _staff(session, code: str) -> SimpleNamespace:
    member = session.exec(select(Member).where(Member.code == code)).one()
    user = session.exec(select(User).where(User.member_id == member.id, User.role == "liaison")
                        .order_by(User.id)).first()
    return SimpleNamespace(member=member, actor=Actor(user.id, member.id, "liaison", user.display_name or user.email),
                           writer=SimpleNamespace(id=user.id, member_id=member.id, is_admin=False))


def _at(day: dt.date, hour: float) -> dt.datetime:
    return (dt.datetime.combine(day, dt.time(0), ZONE) + dt.timedelta(hours=hour)).astimezone(dt.timezone.utc)


def _push(session, member: Member, day: dt.date, rng: random.Random, max_lag: int, serial: int, counts) -> int:
    records = []
    for _ in range(rng.randint(4, 12)):
        record = synthetic_record(serial, rng)
        record.update(local_id=f"{member.code.lower()}-h{serial}",
                      acquired_on=(day - dt.timedelta(days=rng.randint(0, max_lag))).isoformat())
        records.append(record)
        serial += 1
    result = catalogue.ingest_batch(session, member, records, source="demo", received_at=_at(day, 10))
    counts["pushes"] += 1
    counts["records"] += result.accepted
    return serial


def _guide(session, staff: SimpleNamespace, day: dt.date, subject: str, counts) -> None:
    title = f"{day.month}月{subject}新书导读"
    guide = guides.create_guide(session, staff.writer, {
        "title": title, "intro_md": f"{staff.member.name}为读者挑选的{subject}类新书。", "language": "zh"})
    picks = session.exec(select(Holding.work_id).where(Holding.member_id == staff.member.id)
                         .order_by(Holding.id).offset(counts["guides"] * 2).limit(2)).all()
    for work_id in picks:
        guides.add_item(session, staff.writer, guide.id, work_id, "馆员推荐。")
    guides.change_state(session, staff.writer, guide.id, "publish", now=_at(day, 15))
    counts["guides"] += 1


def _question(session, settings, staff: dict, day: dt.date, rng: random.Random, now: dt.datetime, counts) -> None:
    """A reader asks; the member it is routed to claims and answers it (on time, or late by its
    habit), now and then after a transfer to the member whose subject it is; many readers rate."""
    about = rng.choice(sorted(QUESTIONS))
    asked_at = _at(day, rng.uniform(9, 16))
    n = counts["questions"] + 1
    asked = submit_question(session, {
        "question": rng.choice(QUESTIONS[about]), "name": f"读者{n}", "email": f"reader{n}@example.edu.cn",
        "home_member": rng.choice(sorted(HABITS)), "consent_publish": False}, now=asked_at, settings=settings)
    counts["questions"] += 1
    counts["question_ids"].append(asked["id"])
    holder = asked["routed_to"]
    if holder is None:
        return
    claimed_at = asked_at + dt.timedelta(hours=1)
    liaison.claim(session, asked["id"], staff[holder].actor, now=claimed_at, settings=settings)
    if holder != about and rng.random() < 0.3:
        liaison.transfer(session, asked["id"], staff[holder].actor, "该主题由专长馆答复", now=claimed_at,
                         settings=settings, to_member=about)
        holder = about
        claimed_at += dt.timedelta(hours=1)
        liaison.claim(session, asked["id"], staff[holder].actor, now=claimed_at, settings=settings)
    late = rng.random() < HABITS[holder][2]
    due = as_aware(session.get(Question, asked["id"]).answer_due_at)
    answered_at = due + dt.timedelta(hours=rng.randint(2, 48)) if late else claimed_at + dt.timedelta(hours=rng.uniform(1, 20))
    if answered_at >= now:
        return
    liaison.answer(session, asked["id"], staff[holder].actor, rng.choice(ANSWERS), now=answered_at, settings=settings)
    counts["answered"] += 1
    counts["late"] += late
    rated_at = answered_at + dt.timedelta(hours=rng.randint(2, 30))
    if rng.random() < 0.6 and rated_at < now:
        helpful = rng.random() < (0.45 if late else 0.88)
        rate_answer(session, asked["token"], {"helpful": helpful, "comment": rng.choice(COMMENTS)}, now=rated_at)
        counts["ratings"] += 1
