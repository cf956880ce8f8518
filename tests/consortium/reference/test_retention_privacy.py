"""After the retention scrub nothing we store identifies the reader: not the database (the
SQLite file's bytes, or every PostgreSQL table's rows), not the mail outbox, not the mail
folder; and sent mail bodies (the status link among them) are not kept."""
import email
from datetime import timedelta
from email import policy
from pathlib import Path

from sqlalchemy import inspect, text
from sqlmodel import select

from consortium.db import get_engine
from consortium.mail import deliver_pending
from consortium.mail.models import OutboxMail
from consortium.reference import knowledge, liaison
from consortium.reference.jobs import run_sweep
from consortium.reference.models import Question, QuestionEvent, QuestionMessage
from consortium.reference.profiles import set_profile
from consortium.reference.questions import reader_reply, submit_question
from consortium.reference.sweep import Retention, close_abandoned
from tests.consortium.reference.conftest import WEDNESDAY, ask_data

NAME = "欧阳明月"
EMAIL = "ouyang.mingyue@reader.example"
PHONE = "13912345678"


def _id_number(base: str = "32010619900307123") -> str:
    """A 身份证 number with a valid ISO 7064 MOD 11-2 check character."""
    weights = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
    return base + "10X98765432"[sum(int(d) * w for d, w in zip(base, weights)) % 11]


ID_NUMBER = _id_number()
SECRETS = (NAME, EMAIL, PHONE, ID_NUMBER)


def _mail_texts(folder: Path) -> dict[str, str]:
    """Each .eml file's raw text plus its decoded headers and parts (bodies are base64)."""
    texts = {}
    for path in folder.glob("*.eml"):
        raw = path.read_bytes()
        message = email.message_from_bytes(raw, policy=policy.default)
        decoded = [str(v) for v in message.values()]
        decoded += [part.get_content() for part in message.walk() if part.get_content_maintype() == "text"]
        texts[path.name] = raw.decode("ascii", "replace") + "\n".join(decoded)
    return texts


def _stored_files(root: Path) -> dict[str, bytes]:
    """Every file under the test's folder: database (and its -wal/-shm), index, mail, instance."""
    return {str(p.relative_to(root)): p.read_bytes() for p in root.rglob("*") if p.is_file()}


def _table_texts(app) -> str:
    """Every row of every table as text (what a PostgreSQL dump of the contents would show)."""
    engine = get_engine(app)
    with engine.connect() as conn:
        tables = inspect(conn).get_table_names()
        return "\n".join(str(row) for table in tables for row in conn.execute(text(f'SELECT * FROM "{table}"')))


def _found(secrets, haystacks: dict) -> dict:
    found = {}
    for name, content in haystacks.items():
        hits = [s for s in secrets if (s.encode() if isinstance(content, bytes) else s) in content]
        if hits:
            found[name] = hits
    return found


def _a_question_with_personal_data_everywhere(app, session, liaisons, settings):
    """The reader's data in the question, a note, a transfer reason, a reply, the answer, the
    knowledge-base entry and every mail; closed on WEDNESDAY; the mails delivered."""
    asked = submit_question(session, ask_data(question=f"我是{NAME}，电话{PHONE}，想找《红楼梦》的脂评本。",
                                              name=NAME, email=EMAIL), now=WEDNESDAY, settings=settings)
    token = asked["status_url"].rsplit("/", 1)[-1]
    qid = asked["id"]
    a, b = liaisons["A"], liaisons["B"]
    liaison.claim(session, qid, a, now=WEDNESDAY, settings=settings)
    liaison.add_note(session, qid, a, f"读者{NAME}来电 {PHONE}", now=WEDNESDAY)
    liaison.transfer(session, qid, a, f"{NAME}（{PHONE}）要的是B馆的纸本", now=WEDNESDAY, settings=settings,
                     to_member="B")
    liaison.claim(session, qid, b, now=WEDNESDAY, settings=settings)
    liaison.ask_clarification(session, qid, b, f"{NAME}同学，请问要哪个版本？", now=WEDNESDAY, settings=settings)
    reader_reply(session, token, f"庚辰本。我的身份证号 {ID_NUMBER}，邮箱 {EMAIL}", now=WEDNESDAY, settings=settings)
    liaison.answer(session, qid, b, f"<p>{NAME}同学您好：庚辰本在B馆古籍部。凭身份证 {ID_NUMBER} 办证，"
                                    f"有问题打 {PHONE} 找您。</p>", now=WEDNESDAY, settings=settings)
    knowledge.publish(session, qid, b, title="红楼梦脂评本", question_text="哪里有红楼梦脂评本？",
                      answer_md="庚辰本在B馆古籍部。", now=WEDNESDAY)
    liaison.close(session, qid, b, now=WEDNESDAY)
    assert deliver_pending(app, 100).sent >= 5
    return session.get(Question, qid), token


def test_after_the_retention_scrub_no_stored_byte_identifies_the_reader(app, session, profiles, books, liaisons,
                                                                        settings, tmp_path, backend):
    """Name, e-mail, phone and ID number are in the database and the mail folder before the
    scrub, and found nowhere after it: not in the SQLite file or any table, not in the outbox,
    not in the .eml files."""
    question, token = _a_question_with_personal_data_everywhere(app, session, liaisons, settings)
    mail_folder = Path(app.instance_path, "mail")
    assert set(SECRETS) <= {s for hits in _found(SECRETS, _mail_texts(mail_folder)).values() for s in hits}
    assert set(SECRETS) <= set(_found(SECRETS, {"tables": _table_texts(app)}).get("tables", []))

    retention_days = 365  # B's profile keeps the default
    assert run_sweep(app, WEDNESDAY + timedelta(days=retention_days - 1)).scrubbed == 0
    report = run_sweep(app, WEDNESDAY + timedelta(days=retention_days + 1))
    assert report.scrubbed == 1

    assert _found(SECRETS + (token,), {"tables": _table_texts(app)}) == {}
    assert _found(SECRETS + (token,), _mail_texts(mail_folder)) == {}
    if backend == "sqlite":
        # the file's bytes, its write-ahead log, the index and the instance folder
        assert _found(SECRETS + (token,), _stored_files(tmp_path)) == {}
    assert session.exec(select(OutboxMail).where(OutboxMail.ref == f"question:{question.id}")).all() == []
    session.refresh(question)
    assert question.reader_email is None and question.scrubbed_at is not None
    answer = session.exec(select(QuestionMessage).where(QuestionMessage.question_id == question.id,
                                                        QuestionMessage.kind == "answer")).one()
    assert "庚辰本在B馆古籍部" in answer.body_html and "[姓名已隐去]" in answer.body_html


def test_a_sent_mail_keeps_no_body_so_the_status_link_is_not_stored(app, session, profiles, liaisons, settings):
    """The confirmation carries the status link while queued; once sent, the row keeps its
    recipient and subject ("was it sent?") but no body, and no table holds the token."""
    asked = submit_question(session, ask_data(), now=WEDNESDAY, settings=settings)
    token = asked["status_url"].rsplit("/", 1)[-1]
    row = session.exec(select(OutboxMail).where(OutboxMail.kind == "reference.received")).one()
    assert token in row.text_body
    assert deliver_pending(app).sent == 2  # the reader's confirmation and A's liaison's notice
    session.refresh(row)
    assert row.status == "sent" and row.text_body == "" and row.html_body is None
    assert row.recipient == "zhangsan@reader.example" and "#" in row.subject
    assert token not in _table_texts(app)


def test_the_folder_keeps_mail_files_named_by_what_they_are_about(app, session, profiles, liaisons, settings):
    """Each .eml file name starts with its mail's ref, so a question's mails can be erased."""
    asked = submit_question(session, ask_data(), now=WEDNESDAY, settings=settings)
    deliver_pending(app)
    names = [p.name for p in Path(app.instance_path, "mail").glob("*.eml")]
    assert names and all(n.startswith(f"question-{asked['id']}--") for n in names)


def test_a_question_nobody_closes_is_closed_as_abandoned_and_then_scrubbed(app, session, profiles, liaisons,
                                                                           settings):
    """Answered but never closed: idle for the abandon limit it is closed by the sweep (an
    event says why), and scrubbed once its retention has passed after that."""
    set_profile(session, "A", {"retention_days": 30}, now=WEDNESDAY)
    asked = submit_question(session, ask_data(question=f"我是{NAME}，找红楼梦", name=NAME), now=WEDNESDAY,
                            settings=settings)
    liaison.claim(session, asked["id"], liaisons["A"], now=WEDNESDAY, settings=settings)
    liaison.answer(session, asked["id"], liaisons["A"], f"{NAME}您好，见馆藏", now=WEDNESDAY, settings=settings)
    limits = Retention(abandon_after_days=180)
    assert close_abandoned(session, now=WEDNESDAY + timedelta(days=179), retention=limits) == 0
    closed_on = WEDNESDAY + timedelta(days=181)
    assert close_abandoned(session, now=closed_on, retention=limits) == 1
    question = session.get(Question, asked["id"])
    session.refresh(question)
    assert question.status == "closed" and question.reader_name == NAME
    event = session.exec(select(QuestionEvent).where(QuestionEvent.question_id == question.id)
                         .order_by(QuestionEvent.id.desc())).first()
    assert event.kind == "closed" and event.reasons["why"] == "abandoned"
    assert run_sweep(app, closed_on + timedelta(days=29)).scrubbed == 0
    assert run_sweep(app, closed_on + timedelta(days=31)).scrubbed == 1
    session.refresh(question)
    assert question.reader_name is None and NAME not in _table_texts(app)


def test_the_sweep_closes_idle_questions_in_every_open_state(app, session, profiles, liaisons, settings):
    """New, claimed and waiting questions idle past the limit are closed; a busy one is not."""
    ids = [submit_question(session, ask_data(question=f"问题{i}：红楼梦", email=f"r{i}@reader.example"),
                           now=WEDNESDAY, settings=settings)["id"] for i in range(4)]
    liaison.claim(session, ids[1], liaisons["A"], now=WEDNESDAY, settings=settings)
    liaison.claim(session, ids[2], liaisons["A"], now=WEDNESDAY, settings=settings)
    liaison.ask_clarification(session, ids[2], liaisons["A"], "哪一版？", now=WEDNESDAY, settings=settings)
    liaison.claim(session, ids[3], liaisons["A"], now=WEDNESDAY + timedelta(days=100), settings=settings)
    report = run_sweep(app, WEDNESDAY + timedelta(days=200))
    assert report.abandoned == 3
    states = {q.id: q.status for q in session.exec(select(Question).where(Question.id.in_(ids))).all()}
    assert [states[i] for i in ids] == ["closed", "closed", "closed", "claimed"]
