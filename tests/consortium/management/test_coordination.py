"""The liaison directory and consortium notices with read receipts."""
import pytest
from sqlmodel import select

from consortium.mail.models import OutboxMail
from consortium.management import directory, notices
from consortium.management.models import NoticeReceipt
from tests.consortium.management.conftest import WEDNESDAY
from tests.staff import csrf_token, login


@pytest.fixture
def admin(client, liaisons):
    assert login(client, "admin@x.example", "admin-pass-1").status_code == 302
    return client


def _post(client, path, **data):
    return client.post(path, data={"csrf_token": csrf_token(client, path.rsplit("/read", 1)[0]), **data})


def test_a_liaison_keeps_their_entry_and_every_staff_member_sees_the_directory(client, session, liaisons):
    """Phone and contact hours saved by A's liaison show under A; a bad phone is 422 and keeps the text."""
    assert login(client, "liaison@a.example", "liaison-pass-A").status_code == 302
    bad = _post(client, "/staff/directory/me", phone="call me", contact_hours="周一至周五 9:00–17:00")
    assert bad.status_code == 422 and "周一至周五 9:00–17:00" in bad.get_data(as_text=True)
    assert _post(client, "/staff/directory/me", phone="025-8359 1234", contact_hours="周一至周五 9:00–17:00",
                 subjects="文学、历史").status_code == 302
    client.set_cookie("lang", "zh_CN")
    html = client.get("/staff/directory").get_data(as_text=True)
    assert "联络馆员名录" in html and "025-8359 1234" in html and "liaison@b.example" in html
    entry = next(e for e in directory.directory(session) if e["member"].code == "A")
    assert entry["liaisons"][0]["contact_hours"] == "周一至周五 9:00–17:00"
    assert client.get("/staff/directory").status_code == 200


def test_readers_and_librarians_cannot_edit_an_entry(client, liaisons):
    """Anonymous visitors are sent to log in; the directory is staff-only."""
    assert client.get("/staff/directory").status_code in (302, 401)
    with pytest.raises(Exception, match="Only liaison officers"):
        directory.set_own_contact(None, liaisons["admin"], {}, now=WEDNESDAY)


def test_the_admin_posts_a_notice_that_every_liaison_gets_and_confirms(client, session, admin, liaisons, backend):
    """Posting mails each liaison once; a liaison confirms reading; the admin sees who has."""
    empty = _post(admin, "/staff/notices", title="", body="")
    assert empty.status_code == 422
    posted = _post(admin, "/staff/notices", title="寒假开放时间调整", body="寒假期间咨询台**周三下午**值班。")
    assert posted.status_code == 302
    mails = session.exec(select(OutboxMail).where(OutboxMail.kind == "management.notice")).all()
    assert sorted(m.recipient for m in mails) == ["liaison@a.example", "liaison@b.example", "liaison@c.example"]
    notice_path = posted.headers["Location"]
    admin.post("/staff/logout", data={"csrf_token": csrf_token(admin, "/staff/")})
    assert login(client, "liaison@b.example", "liaison-pass-B").status_code == 302
    client.set_cookie("lang", "en")
    board = client.get("/staff/notices").get_data(as_text=True)
    assert "寒假开放时间调整" in board and "unread" in board
    assert "<strong>周三下午</strong>" in client.get(notice_path).get_data(as_text=True)
    for _ in range(2):
        assert _post(client, f"{notice_path}/read").status_code == 302
    assert len(session.exec(select(NoticeReceipt)).all()) == 1
    assert "You confirmed reading this notice." in client.get(notice_path).get_data(as_text=True)
    notice_id = int(notice_path.rsplit("/", 1)[1])
    receipts = notices.notice_detail(session, liaisons["admin"], notice_id)["receipts"]
    assert {r["member"]: r["read_at"] is not None for r in receipts} == {"A": False, "B": True, "C": False}


def test_only_admins_post_and_an_unknown_notice_is_404(client, liaisons):
    """A liaison's post is refused; a missing notice is a 404 page, not an error."""
    assert login(client, "liaison@a.example", "liaison-pass-A").status_code == 302
    assert _post(client, "/staff/notices", title="x", body="y").status_code == 403
    assert client.get("/staff/notices/999").status_code == 404
    assert client.get("/staff/notices/0").status_code == 404
