"""Uploads checked against their bytes: a file of another format is refused at upload with the
format it is, a GB18030 CSV with a byte-order mark imports, a zip bomb fails with a clear message."""
import gzip
import io

import pytest

from consortium.imports import run_imports
from tests.consortium.imports.test_api import auth, upload
from tests.consortium.imports.test_pages import staff  # noqa: F401 — the staff accounts fixture
from tests.consortium.imports.test_pages import upload as page_upload
from tests.staff import login

MARCXML = (b'<?xml version="1.0" encoding="UTF-8"?><collection xmlns="http://www.loc.gov/MARC21/slim"><record>'
           b'<leader>00000nam a2200000 a 4500</leader><controlfield tag="001">x1</controlfield>'
           b'<datafield tag="245" ind1="0" ind2="0"><subfield code="a">Walden</subfield></datafield>'
           b'</record></collection>')
HEADER_ROW = "local_id,title,authors\ng1,红楼梦,曹雪芹\ng2,围城,钱钟书\n"


def status(client, key, response):
    path = response.get_json()["status_url"].replace("http://localhost", "")
    return client.get(path, headers=auth(key)).get_json()


def test_marcxml_uploaded_as_kbart_is_refused_naming_marcxml(client, keys, app):
    """The API answers 422 "looks like MARCXML, not KBART" and queues nothing."""
    response = upload(client, keys["A"], data=MARCXML, fmt="kbart", name="holdings.txt")
    assert response.status_code == 422
    body = response.get_json()
    assert body["message"].startswith("The file looks like MARCXML, not KBART: choose MARCXML")
    assert "format" in body["errors"]
    assert run_imports(app) == 0


@pytest.mark.parametrize("data, fmt, detected", [
    (gzip.compress(MARCXML, mtime=0), "marc21", "MARCXML"),
    (HEADER_ROW.encode(), "kbart", "CSV"),
    (b"publication_title\ttitle_id\nNature\tn1\n", "csv", "KBART"),
], ids=["gzip-marcxml-as-marc21", "csv-as-kbart", "kbart-as-csv"])
def test_other_mismatches_are_named_too_even_inside_gzip(client, keys, data, fmt, detected):
    """A gzipped MARCXML sent as MARC21, a CSV sent as KBART and the reverse are each named."""
    response = upload(client, keys["A"], data=data, fmt=fmt)
    assert response.status_code == 422 and f"looks like {detected}" in response.get_json()["message"]


def test_the_upload_page_says_the_real_format_in_chinese(client, staff):  # noqa: F811
    """A librarian who picks CSV for a MARCXML file is told, in Chinese, to pick MARCXML."""
    login(client, "lib@a.example", "lib-pass-1")
    response = page_upload(client, data=MARCXML)
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "该文件看起来是 MARCXML 格式，而不是 CSV：请选择 MARCXML 作为格式后重新上传。" in html


def test_a_gb18030_csv_with_a_byte_order_mark_imports(client, keys, app):
    """Excel-style GB18030 with its byte-order mark (84 31 95 33): both books go in."""
    data = b"\x84\x31\x95\x33" + HEADER_ROW.encode("gb18030")
    response = upload(client, keys["A"], data=data)
    assert response.status_code == 202
    run_imports(app)
    report = status(client, keys["A"], response)
    assert (report["status"], report["accepted"], report["rejected"]) == ("done", 2, 0)


def test_a_file_with_no_readable_record_says_so_instead_of_a_silent_done(client, keys, app, staff):  # noqa: F811
    """A KBART file that holds no row ends "done" with a message, and the report page says it in Chinese."""
    response = upload(client, keys["A"], data=b"publication_title\ttitle_id\n", fmt="kbart")
    run_imports(app)
    report = status(client, keys["A"], response)
    assert report["status"] == "done" and report["total"] == 0
    assert "no record that can be read as KBART" in report["message"]
    login(client, "lib@a.example", "lib-pass-1")
    html = client.get(f"/staff/imports/{report['id']}").get_data(as_text=True)
    assert "文件中没有可按 KBART 格式读取的记录" in html


def test_a_zip_bomb_fails_with_a_clear_message_and_ingests_nothing(client, keys, app):
    """A small gzip unpacking past MEMBER_SITES_IMPORT_MAX_UNPACKED fails before any record is ingested."""
    app.config["MEMBER_SITES_IMPORT_MAX_UNPACKED"] = 4 << 20
    data = io.BytesIO()
    with gzip.GzipFile(fileobj=data, mode="wb") as out:
        out.write(HEADER_ROW.encode())
        out.write(b" " * (8 << 20))
    response = upload(client, keys["A"], data=data.getvalue())
    assert response.status_code == 202 and len(data.getvalue()) < 64 * 1024
    run_imports(app)
    report = status(client, keys["A"], response)
    assert report["status"] == "failed" and report["accepted"] == 0
    assert "unpacks to more than 4 MiB" in report["message"]
