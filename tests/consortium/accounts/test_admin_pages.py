"""The consortium administrators' pages: members, API keys, staff accounts with invitations,
the audit trail; CSRF on every form, admins only, both languages."""
import re

import pytest
from sqlmodel import select

from consortium.accounts.models import ApiKey, AuditEntry, Member, User
from consortium.accounts.service import add_user
from consortium.mail.models import OutboxMail
from tests.staff import csrf_token, login

LINK = re.compile(r"http://[^/\s]+(/staff/password/[A-Za-z0-9_-]+)")


@pytest.fixture
def admin(session, members):
    add_user(session, "admin@x.example", "admin-pass-1", "consortium_admin", display_name="Admin")
    add_user(session, "lib@a.example", "lib-pass-1", "librarian", "A")
    return "admin@x.example"


def as_admin(client):
    assert login(client, "admin@x.example", "admin-pass-1").status_code == 302


def post(client, path, data, page=None):
    """Post a form with the CSRF token of ``page`` (default: the same path)."""
    return client.post(path, data={**data, "csrf_token": csrf_token(client, page or path)})


def audit_actions(session) -> list[tuple[str, str]]:
    session.expire_all()
    return [(e.action, e.target) for e in session.exec(select(AuditEntry).order_by(AuditEntry.id)).all()]


def test_admin_adds_a_member_with_its_site_origins_and_it_is_audited(client, session, admin):
    """The new member is listed with its English name and normalised origin; the audit says who."""
    as_admin(client)
    response = post(client, "/staff/admin/members", {"code": "njau", "name": "南京农业大学图书馆",
                                                      "name_en": "Nanjing Agricultural University Library",
                                                      "timezone": "Asia/Shanghai",
                                                      "site_origins": "HTTPS://Lib.NJAU.edu.cn/\nhttps://lib.njau.edu.cn"})
    assert response.status_code == 302
    html = client.get("/staff/admin/members").get_data(as_text=True)
    assert "南京农业大学图书馆" in html and "Nanjing Agricultural University Library" in html
    member = session.exec(select(Member).where(Member.code == "NJAU")).one()
    assert member.site_origins == ["https://lib.njau.edu.cn"]
    entry = session.exec(select(AuditEntry).where(AuditEntry.action == "member.added", AuditEntry.target == "NJAU")).one()
    assert entry.actor == "admin@x.example" and entry.target == "NJAU" and entry.member_id == member.id
    assert "添加了成员馆" in client.get("/staff/admin/audit").get_data(as_text=True)


def test_bad_member_input_is_a_clear_4xx_and_changes_nothing(client, session, admin):
    """A duplicate code is 409, a bad origin or time zone 422, each with a message; nothing is added."""
    as_admin(client)
    duplicate = post(client, "/staff/admin/members", {"code": "A", "name": "又一个", "timezone": "Asia/Shanghai"})
    assert duplicate.status_code == 409 and "已有使用此代码的成员馆" in duplicate.get_data(as_text=True)
    origin = post(client, "/staff/admin/members", {"code": "X1", "name": "某馆", "timezone": "Asia/Shanghai",
                                                    "site_origins": "https://lib.example.cn/path"})
    assert origin.status_code == 422 and "不带路径" in origin.get_data(as_text=True)
    zone = post(client, "/staff/admin/members", {"code": "X2", "name": "某馆", "timezone": "Mars/Olympus"})
    assert zone.status_code == 422 and "Asia/Shanghai" in zone.get_data(as_text=True)
    assert len(session.exec(select(Member)).all()) == 3


def test_admin_edits_a_member_and_the_code_stays(client, session, members, admin):
    """Names, zone and origins change; the code cannot."""
    as_admin(client)
    response = post(client, "/staff/admin/members/A", {"code": "HACKED", "name": "甲大学图书馆（新）",
                                                        "name_en": "University A Library", "timezone": "Asia/Urumqi",
                                                        "site_origins": "https://a.example.edu.cn"})
    assert response.status_code == 302
    session.expire_all()
    member = session.get(Member, members["A"].id)
    assert (member.code, member.name, member.timezone) == ("A", "甲大学图书馆（新）", "Asia/Urumqi")
    assert member.site_origins == ["https://a.example.edu.cn"]
    assert ("member.changed", "A") in audit_actions(session)


def test_a_key_is_shown_once_works_for_its_member_and_stops_when_revoked(client, session, members, admin):
    """Issued through the page: shown in that answer only (no-store), stored as a hash, pushes; revoked: 401."""
    as_admin(client)
    response = post(client, "/staff/admin/keys", {"member": "B", "label": "夜间同步"})
    html = response.get_data(as_text=True)
    key = re.search(r'id="new-key">(dk_[^<]+)<', html).group(1)
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    row = session.exec(select(ApiKey)).one()
    assert row.prefix == key[:12] and key not in row.key_hash
    listing = client.get("/staff/admin/keys").get_data(as_text=True)
    assert key not in listing and key[:12] in listing and "夜间同步" in listing
    push = {"records": [{"local_id": "b9", "title": "测试书"}]}
    headers = {"Authorization": f"Bearer {key}"}
    assert client.post("/api/v1/members/B/records", json=push, headers=headers).status_code == 200
    revoke = post(client, f"/staff/admin/keys/{row.id}/revoke", {}, page="/staff/admin/keys")
    assert revoke.status_code == 302 and "已吊销" in client.get(revoke.headers["Location"]).get_data(as_text=True)
    assert client.post("/api/v1/members/B/records", json=push, headers=headers).status_code == 401
    assert [a for a, _t in audit_actions(session) if a.startswith("key.")] == ["key.issued", "key.revoked"]


def test_an_invited_user_sets_a_password_once_and_logs_in(client, session, members, admin):
    """The invitation mail's link sets the password; it works once; the new librarian logs in."""
    as_admin(client)
    response = post(client, "/staff/admin/users/", {"email": "New.Lib@B.example", "display_name": "新馆员",
                                                     "role": "librarian", "member": "B"})
    assert response.status_code == 302
    user = session.exec(select(User).where(User.email == "new.lib@b.example")).one()
    assert user.password_hash == "" and user.member_id == members["B"].id
    assert "已邀请，尚未设置密码" in client.get("/staff/admin/users/").get_data(as_text=True)
    mail = session.exec(select(OutboxMail).where(OutboxMail.kind == "accounts.password_link")).one()
    assert mail.recipient == "new.lib@b.example"
    path = LINK.search(mail.text_body).group(1)
    client.post("/staff/logout", data={"csrf_token": csrf_token(client, "/staff/")})
    assert login(client, "new.lib@b.example", "anything-1").status_code == 200  # no password yet: refused
    page = client.get(path)
    assert page.status_code == 200 and "new.lib@b.example" in page.get_data(as_text=True)
    assert page.headers["Referrer-Policy"] == "no-referrer"
    mismatch = client.post(path, data={"password": "librarian-b-1", "confirm": "other-pass-1",
                                       "csrf_token": csrf_token(client, path)})
    assert mismatch.status_code == 422 and "两次输入的密码不一致" in mismatch.get_data(as_text=True)
    done = client.post(path, data={"password": "librarian-b-1", "confirm": "librarian-b-1",
                                   "csrf_token": csrf_token(client, path)})
    assert done.status_code == 302 and done.headers["Location"].endswith("/staff/login")
    assert client.get(path).status_code == 404  # single use
    assert login(client, "new.lib@b.example", "librarian-b-1").status_code == 302
    assert "乙大学图书馆" in client.get("/staff/").get_data(as_text=True)
    assert ("user.password_set", "new.lib@b.example") in audit_actions(session)


def test_a_link_expires_and_a_newer_one_replaces_it(client, app, session, members, admin):
    """An expired link and a replaced link are refused with a translated 404; the newest one works."""
    app.config["ACCOUNTS_LINK_HOURS"] = 0
    as_admin(client)
    post(client, "/staff/admin/users/", {"email": "late@b.example", "role": "liaison", "member": "B"})
    expired = LINK.search(session.exec(select(OutboxMail)).one().text_body).group(1)
    page = client.get(expired)
    assert page.status_code == 404 and "此链接已失效" in page.get_data(as_text=True)
    app.config["ACCOUNTS_LINK_HOURS"] = 72
    user = session.exec(select(User).where(User.email == "late@b.example")).one()
    for _ in range(2):
        post(client, f"/staff/admin/users/{user.id}/link", {}, page=f"/staff/admin/users/{user.id}")
    first, second = [LINK.search(m.text_body).group(1) for m in session.exec(
        select(OutboxMail).order_by(OutboxMail.id)).all()[1:]]
    assert client.get(first).status_code == 404 and client.get(second).status_code == 200


def test_disabling_an_account_ends_its_session_and_enabling_restores_it(app, client, session, members, admin):
    """A disabled librarian's open session is refused at the next request; the change is audited."""
    librarian = app.test_client()
    login(librarian, "lib@a.example", "lib-pass-1")
    assert librarian.get("/staff/").status_code == 200
    as_admin(client)
    user = session.exec(select(User).where(User.email == "lib@a.example")).one()
    post(client, f"/staff/admin/users/{user.id}/active", {"active": "0"}, page=f"/staff/admin/users/{user.id}")
    assert librarian.get("/staff/").status_code == 302
    assert login(librarian, "lib@a.example", "lib-pass-1").status_code == 200
    post(client, f"/staff/admin/users/{user.id}/active", {"active": "1"}, page=f"/staff/admin/users/{user.id}")
    assert login(librarian, "lib@a.example", "lib-pass-1").status_code == 302
    assert [a for a, t in audit_actions(session) if t == "lib@a.example"] == ["user.added", "user.disabled",
                                                                              "user.enabled"]


def test_the_last_admin_can_neither_disable_nor_demote_themselves(client, session, members, admin):
    """Refused with a message; the admin stays an active admin."""
    as_admin(client)
    me = session.exec(select(User).where(User.email == "admin@x.example")).one()
    page = f"/staff/admin/users/{me.id}"
    response = post(client, f"{page}/active", {"active": "0"}, page=page)
    assert "不能停用或降级自己的管理员账户" in client.get(response.headers["Location"]).get_data(as_text=True)
    demote = post(client, page, {"role": "librarian", "member": "A", "display_name": "Admin"})
    assert demote.status_code == 409
    session.expire_all()
    me = session.get(User, me.id)
    assert me.active and me.role == "consortium_admin"


def test_role_changes_need_a_member_for_librarians(client, session, members, admin):
    """A librarian without a member is refused (422); with one the role and member change."""
    as_admin(client)
    user = session.exec(select(User).where(User.email == "lib@a.example")).one()
    page = f"/staff/admin/users/{user.id}"
    assert post(client, page, {"role": "liaison", "member": ""}).status_code == 422
    assert post(client, page, {"role": "liaison", "member": "C", "display_name": "联络员"}).status_code == 302
    session.expire_all()
    user = session.get(User, user.id)
    assert (user.role, user.member_id, user.display_name) == ("liaison", members["C"].id, "联络员")


def test_admin_pages_are_for_admins_and_every_form_needs_csrf(client, session, members, admin):
    """A librarian gets 403; a form without the token is 400 and adds nothing; anonymous: the login page."""
    assert client.get("/staff/admin/members").status_code == 302
    login(client, "lib@a.example", "lib-pass-1")
    for path in ("/staff/admin/members", "/staff/admin/keys", "/staff/admin/users/", "/staff/admin/audit",
                 "/staff/admin/members/A"):
        assert client.get(path).status_code == 403, path
    client.post("/staff/logout", data={"csrf_token": csrf_token(client, "/staff/")})
    as_admin(client)
    for path, data in (("/staff/admin/members", {"code": "Z", "name": "z", "timezone": "UTC"}),
                       ("/staff/admin/keys", {"member": "A"}),
                       ("/staff/admin/users/", {"email": "z@z.example", "role": "consortium_admin"})):
        assert client.post(path, data=data).status_code == 400, path
    assert session.exec(select(ApiKey)).all() == [] and len(session.exec(select(User)).all()) == 2


def test_admin_pages_speak_english_too(client, members, admin):
    """The same pages in English, with the menu entry."""
    as_admin(client)
    members_page = client.get("/staff/admin/members?lang=en").get_data(as_text=True)
    assert "Add a member library" in members_page and "Administration" in members_page
    assert "Invite a staff member" in client.get("/staff/admin/users/?lang=en").get_data(as_text=True)
    assert "Issue a key" in client.get("/staff/admin/keys?lang=en").get_data(as_text=True)
    assert "邀请工作人员" in client.get("/staff/admin/users/?lang=zh_CN").get_data(as_text=True)


def test_unknown_ids_and_codes_are_404_not_500(client, members, admin, backend):
    """Out-of-range and unknown ids answer 404 on SQLite and PostgreSQL."""
    as_admin(client)
    assert client.get("/staff/admin/members/NOPE").status_code == 404
    assert client.get("/staff/admin/users/99999999999").status_code == 404
    response = post(client, "/staff/admin/keys/99999999999/revoke", {}, page="/staff/admin/keys")
    assert response.status_code == 404
    assert client.get("/staff/password/not-a-token").status_code == 404
