"""Staff import pages: upload form, history, report; member scoping, CSRF and the size limit."""
import io

import pytest

from consortium.accounts.service import add_user
from consortium.imports import run_imports
from tests.staff import csrf_token, login

CSV = "local_id,title,authors\np1,史记,司马迁\np2,,班固\n".encode("utf-8-sig")


@pytest.fixture
def staff(session, members):
    add_user(session, "admin@x.example", "admin-pass-1", "consortium_admin")
    add_user(session, "lib@a.example", "lib-pass-1", "librarian", "A")
    add_user(session, "lib@b.example", "lib-pass-1", "librarian", "B")
    add_user(session, "liaison@a.example", "liaison-pass-1", "liaison", "A")


def upload(client, data=CSV, **extra):
    token = csrf_token(client, "/staff/imports/")
    return client.post("/staff/imports/", data={"csrf_token": token, "format": "csv",
                                                "file": (io.BytesIO(data), "books.csv"), **extra})


def test_librarian_uploads_and_reads_the_report_in_chinese(app, client, staff):
    """Upload → redirect to the report; after the job ran the report lists the rejected row."""
    login(client, "lib@a.example", "lib-pass-1")
    response = upload(client)
    assert response.status_code == 302
    report_path = response.headers["Location"]
    assert "排队中" in client.get(report_path).get_data(as_text=True)
    run_imports(app)
    html = client.get(report_path).get_data(as_text=True)
    assert "已完成" in html and "2 / 2 条记录" in html
    assert "line 3" in html and "title is empty" in html and "文件读取" in html
    history = client.get("/staff/imports/").get_data(as_text=True)
    assert "books.csv" in history and "导入记录" in history


def test_librarian_of_another_member_gets_403(app, client, staff):
    """A librarian cannot open another member's import report, nor see it in the history."""
    login(client, "lib@a.example", "lib-pass-1")
    report_path = upload(client).headers["Location"]
    client.post("/staff/logout", data={"csrf_token": csrf_token(client, "/staff/imports/")})
    login(client, "lib@b.example", "lib-pass-1")
    assert client.get(report_path).status_code == 403
    assert "books.csv" not in client.get("/staff/imports/").get_data(as_text=True)


def test_admin_uploads_for_a_chosen_member_and_sees_all(app, client, staff):
    """A consortium admin picks the member; the history shows every member's imports."""
    login(client, "admin@x.example", "admin-pass-1")
    report_path = upload(client, member="C").headers["Location"]
    run_imports(app)
    html = client.get(report_path).get_data(as_text=True)
    assert "丙大学图书馆" in html
    assert "<td>C</td>" in client.get("/staff/imports/").get_data(as_text=True)


def test_liaisons_and_anonymous_visitors_cannot_use_the_import_pages(client, staff):
    """Only librarians (and admins) may upload; anonymous visitors are sent to log in."""
    assert client.get("/staff/imports/").status_code == 302
    login(client, "liaison@a.example", "liaison-pass-1")
    assert client.get("/staff/imports/").status_code == 403


def test_upload_without_csrf_token_is_refused(client, staff):
    """The upload form is CSRF-protected like every staff form."""
    login(client, "lib@a.example", "lib-pass-1")
    response = client.post("/staff/imports/", data={"format": "csv", "file": (io.BytesIO(CSV), "b.csv")})
    assert response.status_code == 400


def test_empty_file_and_missing_file_are_explained_on_the_form(client, staff):
    """The form says what is wrong instead of failing."""
    login(client, "lib@a.example", "lib-pass-1")
    assert "上传的文件是空的" in upload(client, data=b"").get_data(as_text=True)
    token = csrf_token(client, "/staff/imports/")
    html = client.post("/staff/imports/", data={"csrf_token": token, "format": "csv"}).get_data(as_text=True)
    assert "请选择要上传的文件" in html


def test_too_large_upload_shows_the_limit_not_a_500(app, client, staff):
    """A file over the limit comes back to the form with a message naming the limit."""
    login(client, "lib@a.example", "lib-pass-1")
    app.config["MAX_CONTENT_LENGTH"] = 64 * 1024
    response = upload(client, data=b"local_id,title\n" + b"x,y\n" * 20000)
    assert response.status_code == 303
    html = client.get(response.headers["Location"]).get_data(as_text=True)
    assert "文件过大：上传文件最大为 64 KB" in html


def test_pages_are_translated_to_english(client, staff):
    """The import pages switch to English like the rest of the site."""
    login(client, "lib@a.example", "lib-pass-1")
    client.get("/lang/en?next=/")
    html = client.get("/staff/imports/").get_data(as_text=True)
    assert "Upload an export file" in html and "Import history" in html
