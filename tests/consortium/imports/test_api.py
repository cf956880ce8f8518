"""The imports API (DESIGN.md ``imports``): 202 with a status URL, background import, the report."""
import io

import pytest
from sqlmodel import func, select

from consortium.catalogue.models import Holding
from consortium.imports import run_imports
from consortium.imports.models import Import

CSV = ("local_id,title,isbns,year,price\n"
       "c1,红楼梦,9787020002207,1982,59.70\n"
       "c2,,,,\n"
       "c3,坏书号,9787020002201,,\n"
       "c4,围城,,1991,\n").encode("gb18030")


def auth(key):
    return {"Authorization": f"Bearer {key}"}


def upload(client, key, data=CSV, fmt="csv", member="A", name="馆藏导出.csv"):
    return client.post(f"/api/v1/members/{member}/imports", headers=auth(key),
                       data={"format": fmt, "file": (io.BytesIO(data), name)})


def test_upload_answers_202_with_a_status_url_and_the_report_lists_every_rejection(app, client, keys, backend):
    """The import runs in the background job; its report counts and names each rejected record."""
    response = upload(client, keys["A"])
    assert response.status_code == 202
    body = response.get_json()
    assert body["status"] == "queued" and response.headers["Location"] == body["status_url"]
    path = body["status_url"].replace("http://localhost", "")
    assert client.get(path, headers=auth(keys["A"])).get_json()["status"] == "queued"
    assert run_imports(app) == 1
    report = client.get(path, headers=auth(keys["A"])).get_json()
    assert (report["status"], report["total"], report["done"]) == ("done", 4, 4)
    assert (report["accepted"], report["rejected"], report["warnings"]) == (2, 2, 1)
    assert report["filename"] == "馆藏导出.csv"
    assert report["rejections"] == [
        {"position": "line 3", "local_id": None, "source": "reader", "reasons": ["title is empty", "(local_id c2)"]},
        {"position": "line 4", "local_id": "c3", "source": "consortium",
         "reasons": ["isbns: ISBN '9787020002201' has a bad check digit."]}]
    assert report["warning_list"][0]["reasons"] == ["header: unknown column 'price' ignored"]


def test_imported_records_are_in_the_catalogue_once_even_when_imported_twice(app, client, keys, session):
    """A second import of the same file changes nothing: its records come back unchanged."""
    upload(client, keys["A"])
    upload(client, keys["A"])
    assert run_imports(app) == 2
    assert session.exec(select(func.count()).select_from(Holding)).one() == 2
    second = session.exec(select(Import).order_by(Import.id.desc())).first()
    assert (second.accepted, second.unchanged) == (2, 2)


def test_a_file_the_reader_cannot_use_fails_with_its_message(app, client, keys):
    """Missing required columns end the import as failed, with the reader's explanation."""
    path = upload(client, keys["A"], data=b"isbn,price\n1,2\n").get_json()["status_url"].replace("http://localhost", "")
    run_imports(app)
    report = client.get(path, headers=auth(keys["A"])).get_json()
    assert report["status"] == "failed" and "local_id, title" in report["message"]


@pytest.mark.parametrize("kwargs, field", [
    ({"fmt": "excel"}, "format"),
    ({"data": b""}, "file"),
])
def test_bad_uploads_are_422_with_the_field(client, keys, kwargs, field):
    """An unknown format or an empty file is refused with the field named."""
    response = upload(client, keys["A"], **kwargs)
    assert response.status_code == 422 and field in response.get_json()["errors"]


def test_upload_without_a_file_is_422(client, keys):
    """The multipart body must carry a file."""
    response = client.post("/api/v1/members/A/imports", headers=auth(keys["A"]), data={"format": "csv"})
    assert response.status_code == 422 and "file" in response.get_json()["errors"]


def test_too_large_upload_is_413_with_the_limit_in_the_message(app, client, keys):
    """A file over MAX_CONTENT_LENGTH is refused with a clear message, never a 500."""
    app.config["MAX_CONTENT_LENGTH"] = 64 * 1024
    response = upload(client, keys["A"], data=b"local_id,title\n" + b"x,y\n" * 20000)
    assert response.status_code == 413
    assert response.get_json()["message"] == "The file is too large: uploads may be at most 64 KB."


def test_a_key_sees_and_creates_imports_of_its_own_member_only(app, client, keys):
    """Another member's key gets 403 for the status and for uploading in its name."""
    path = upload(client, keys["A"]).get_json()["status_url"].replace("http://localhost", "")
    assert client.get(path, headers=auth(keys["B"])).status_code == 403
    assert client.get(path.replace("/A/", "/B/"), headers=auth(keys["B"])).status_code == 403
    assert upload(client, keys["B"], member="A").status_code == 403
    assert client.get(path).status_code == 401
    assert client.get("/api/v1/members/A/imports/999", headers=auth(keys["A"])).status_code == 404


def test_stats_give_the_members_holdings_count(client, keys, session, members):
    """The harvester's circuit breaker reads the member's holdings count; other keys get 403."""
    from consortium.catalogue.service import ingest_batch

    ingest_batch(session, members["A"], [{"local_id": f"s{i}", "title": f"书{i}"} for i in range(3)])
    assert client.get("/api/v1/members/A/stats", headers=auth(keys["A"])).get_json() == {"member": "A", "holdings": 3}
    assert client.get("/api/v1/members/A/stats", headers=auth(keys["B"])).status_code == 403


def test_openapi_document_lists_the_import_paths(client):
    """The import and stats paths are part of the published API document."""
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    assert {"/api/v1/members/{code}/imports", "/api/v1/members/{code}/imports/{import_id}",
            "/api/v1/members/{code}/stats"} <= set(paths)
