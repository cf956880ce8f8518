"""Demo content of the feeds feature: two published new-arrival guides (NJU, SEU) with works
picked from the demo catalogue, and a local origin so the embed widget can be tried at once.

``load(app, session, today)`` yields lines to print (``DEMO_EXTRAS`` of loader.py).
"""
from types import SimpleNamespace

from sqlmodel import select

from consortium.accounts.models import Member, User
from consortium.accounts.origins import change_origins
from consortium.catalogue.models import Holding, Work
from consortium.guides import service as guides

LOCAL_SITE = "http://localhost:8000"  # `python -m http.server 8000` next to a page with the widget

GUIDES = [
    ("librarian@nju.demo.daodu.example", "I", {
        "title": "文学新书导读：本季值得一读的作品",
        "intro_md": "本季南京大学图书馆新入藏了一批**文学**类图书。以下几本由馆员挑选，"
                    "适合希望拓展阅读视野的本科生与研究生。\n\n欢迎到馆借阅，或在联盟内通借通还。",
        "clc": "I", "audience": "本科生、研究生", "language": "zh"},
     ["经典之作，值得反复阅读。", "视角独特，适合课堂讨论。", "入门首选。", "文字优美，可作为写作范本。"]),
    ("librarian@seu.demo.daodu.example", "T", {
        "title": "工程技术新书推荐",
        "intro_md": "东南大学图书馆为工科师生整理的**工程技术**新书。\n\n- 覆盖计算机、建筑与电子等方向\n"
                    "- 每本书附馆员推荐语",
        "clc": "T", "audience": "工科师生", "language": "zh"},
     ["课程设计的好帮手。", "系统全面的参考书。", "适合自学。"]),
]


def _picks(session, member_id: int, main_class: str, count: int) -> list[int]:
    """The member's newest acquisitions in a CLC main class (live works only)."""
    rows = session.exec(
        select(Work.id).join(Holding, Holding.work_id == Work.id)
        .where(Holding.member_id == member_id, Work.merged_into_id.is_(None), Work.clc.startswith(main_class))
        .order_by(Holding.acquired_on.desc(), Work.id).limit(count * 3)).all()
    return list(dict.fromkeys(rows))[:count]


def load(app, session, today):
    for email, main_class, data, notes in GUIDES:
        user = session.exec(select(User).where(User.email == email)).first()
        if user is None:
            continue
        actor = SimpleNamespace(id=user.id, member_id=user.member_id, is_admin=False)
        guide = guides.create_guide(session, actor, data)
        for work_id, note in zip(_picks(session, user.member_id, main_class, len(notes)), notes):
            guides.add_item(session, actor, guide.id, work_id, note)
        guides.change_state(session, actor, guide.id, "publish")
        member = session.get(Member, user.member_id)
        yield f"Published guide {guide.id} of {member.code}: {guide.title}"
    change_origins(session, None, "NJU", add=[LOCAL_SITE])
    yield (f"NJU's site origins include {LOCAL_SITE}: a page served there may embed "
           '<script src="http://127.0.0.1:5000/embed/widget.js"></script><daodu-feed member="NJU"></daodu-feed>')
