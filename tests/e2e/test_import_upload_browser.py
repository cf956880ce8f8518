"""A librarian uploads a CSV export in a real browser and reads the import report in the history."""
import pytest

from consortium.accounts.service import add_user
from consortium.imports import run_imports

pytestmark = pytest.mark.browser

CSV = ("local_id,title,authors,year\n"
       "e1,三体,刘慈欣,2008\n"
       "e2,,无名氏,\n"
       "e3,围城,钱锺书,1947\n").encode("gb18030")


@pytest.fixture
def librarian(session, members):
    add_user(session, "wang@a.example", "browser-pass-1", "librarian", "A", "王老师")


def test_librarian_uploads_a_csv_and_sees_the_report_in_the_history(page, live_server, librarian, tmp_path, app):
    """Log in, upload a GB18030 CSV, let the job run, then read counts and the rejected line."""
    export = tmp_path / "新书.csv"
    export.write_bytes(CSV)
    page.goto(f"{live_server.url}/staff/login")
    page.fill("#email", "wang@a.example")
    page.fill("#password", "browser-pass-1")
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/staff/")
    page.click("nav >> text=文件导入")
    page.wait_for_url(f"{live_server.url}/staff/imports/")
    page.set_input_files("#file", str(export))
    page.select_option("#format", "csv")
    page.click("button:has-text('上传并导入')")
    page.wait_for_url(f"{live_server.url}/staff/imports/*")
    assert "文件已收到" in page.locator(".flash").inner_text()
    assert run_imports(app) == 1
    page.wait_for_selector("text=已完成", timeout=10000)  # the report refreshes itself while the import runs
    assert page.locator(".count-accepted").inner_text() == "2"
    assert page.locator(".count-rejected").inner_text() == "1"
    assert "line 3" in page.locator("table.rejections").inner_text()
    page.click("text=返回导入记录")
    row = page.locator("tr.import-row").first
    assert "新书.csv" in row.inner_text() and "已完成" in row.inner_text()
