"""The reference feature is wired into the app: config defaults, the sweep job, the answers port, menus."""
from consortium.jobs import get_jobs
from consortium.ports import ANSWERS
from consortium.web.nav import NAV


def test_create_app_registers_the_sweep_job_the_answers_port_and_defaults(app):
    """Every documented REFERENCE_* default is set; the sweep job and the ANSWERS port exist."""
    from consortium.reference import DEFAULTS

    assert all(key in app.config for key in DEFAULTS)
    assert "sweep" in get_jobs(app).jobs
    assert app.extensions[ANSWERS].published() == []
    endpoints = {item["endpoint"] for item in app.extensions[NAV]}
    assert {"reference.ask", "reference.answers", "reference_staff.queue"} <= endpoints


def test_sweep_job_runs_once_on_an_empty_queue(app):
    """The job body runs against the app's database and reports nothing to do."""
    from consortium.reference.jobs import run_sweep

    report = run_sweep(app)
    assert (report.reminded, report.escalated, report.scrubbed) == (0, 0, 0)


def test_reader_pages_are_in_english_on_request(client, members):
    """The ask page switches fully to English."""
    html = client.get("/ask?lang=en").get_data(as_text=True)
    assert "Ask a librarian" in html and "Send the question" in html and "提交问题" not in html
