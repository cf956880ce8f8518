"""Bring the production shape up on loopback and run the journeys' API checks against it.

``python -m bench.deploy_check`` (``make deploy-check``): PostgreSQL with a database made by
``consortium init --create-database``, two web processes on two ports with
``CONSORTIUM_BACKGROUND_JOBS=false``, one ``consortium worker``, mail over SMTP. Then, with
requests spread over both web processes as nginx would: health and readiness, a member's
push, the search finding it once the worker indexed it, the record page, a reader's
question with its confirmation mail arriving over SMTP, a liaison's answer reaching the
reader, the feeds (Atom, RSS, JSON, OPML), metrics and JSON logs. Exit status 0 when every
check passed; the shape (and its database) is taken down either way.
"""
import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

import requests

from bench.shape import Shape, staff_session

RECORDS = [
    {"local_id": "dc-1", "title": "部署检查之书", "authors": ["检查员"], "isbns": ["9787020002207"], "year": 2026,
     "clc": "I242.4", "acquired_on": "2026-12-01", "language": "zh"},
    {"local_id": "dc-2", "title": "Deployment Check Handbook", "authors": ["Operator, A."], "year": 2025,
     "language": "en", "format": "book", "acquired_on": "2026-12-02"},
]


class Checks:
    def __init__(self):
        self.passed, self.failed = [], []

    def check(self, name: str, ok: bool, detail: str = "") -> bool:
        (self.passed if ok else self.failed).append(name)
        print(f"  {'ok  ' if ok else 'FAIL'} {name}{'' if ok else ': ' + detail}", flush=True)
        return ok


def wait_for(predicate, seconds: float = 120, step: float = 0.5):
    deadline = time.monotonic() + seconds
    while True:
        value = predicate()
        if value or time.monotonic() > deadline:
            return value
        time.sleep(step)


def run_checks(shape: Shape) -> Checks:
    c = Checks()
    web1, web2 = shape.urls
    key = shape.add_member("NJU", "南京大学图书馆")
    shape.add_member("SEU", "东南大学图书馆")
    shape.add_staff("liaison@nju.example", "liaison-pass-1", "liaison", "NJU")
    for url in shape.urls:
        c.check(f"healthz {url}", requests.get(f"{url}/healthz", timeout=30).status_code == 200)
        ready = requests.get(f"{url}/readyz", timeout=30)
        c.check(f"readyz {url}", ready.status_code == 200, ready.text)

    pushed = requests.post(f"{web1}/api/v1/members/NJU/records", json={"records": RECORDS},
                           headers={"Authorization": f"Bearer {key}"}, timeout=60)
    body = pushed.json()
    c.check("push through web1", pushed.status_code == 200 and body["accepted"] == 2, pushed.text)
    work_id = body["works"][0]["work_id"]

    def found():
        answer = requests.get(f"{web2}/api/v1/search", params={"q": "部署检查"}, timeout=30).json()
        return answer if answer["total"] >= 1 else None

    answer = wait_for(found)
    c.check("web2 finds it after the worker indexed it", bool(answer) and answer["results"][0]["id"] == work_id,
            json.dumps(answer, ensure_ascii=False)[:300])
    isbn = requests.get(f"{web1}/api/v1/search", params={"q": "978-7-02-000220-7"}, timeout=30).json()
    c.check("ISBN search on web1", isbn["total"] == 1 and isbn["results"][0]["id"] == work_id)
    work = requests.get(f"{web2}/api/v1/works/{work_id}", timeout=30)
    c.check("record API on web2", work.status_code == 200 and work.json()["holdings"][0]["member"] == "NJU")
    page = requests.get(f"{web1}/works/{work_id}", headers={"Accept-Language": "zh-CN"}, timeout=30)
    c.check("record page in Chinese", page.status_code == 200 and "部署检查之书" in page.text)

    asked = requests.post(f"{web2}/api/v1/questions", json={
        "question": "请问《部署检查之书》在哪里可以借到？", "name": "读者甲", "email": "reader@reader.example",
        "home_member": "NJU", "consent_publish": False}, timeout=60)
    c.check("a reader asks through web2", asked.status_code == 201, asked.text)
    question = asked.json()
    status_page = requests.get(question["status_url"].replace(shape.urls[0], web1), timeout=30)
    c.check("the status page answers", status_page.status_code == 200)
    mails = wait_for(lambda: [m for to, m in shape.smtp.received() if "reader@reader.example" in to], 120)
    c.check("the confirmation mail arrives over SMTP", bool(mails) and "/questions/" in
            mails[0].get_body(("plain",)).get_content())

    liaison = staff_session(web1, "liaison@nju.example", "liaison-pass-1")
    claimed = liaison.post(f"{web2}/api/v1/staff/questions/{question['id']}/claim", json={}, timeout=30)
    c.check("a liaison claims it (session valid on the other web process)", claimed.status_code == 200,
            claimed.text[:300])
    answered = liaison.post(f"{web1}/api/v1/staff/questions/{question['id']}/answer",
                            json={"body": "<p>在南京大学图书馆二楼。</p>", "cited_work_ids": [work_id]}, timeout=30)
    c.check("the liaison answers", answered.status_code == 200, answered.text[:300])
    answer_mail = wait_for(lambda: [m for to, m in shape.smtp.received()
                                    if "reader@reader.example" in to and "二楼" in m.get_body(("plain",)).get_content()])
    c.check("the answer reaches the reader by mail", bool(answer_mail))

    for path in ("/feeds/new.atom?member=NJU", "/feeds/new.rss?member=NJU", "/feeds/new.json?member=NJU&lang=en"):
        for url in shape.urls:
            feed = requests.get(url + path, timeout=30)
            c.check(f"feed {path} on {url}", feed.status_code == 200 and "部署检查之书" in feed.text, feed.text[:200])
    opml = requests.get(f"{web2}/feeds.opml", timeout=30)
    c.check("OPML", opml.status_code == 200 and "<opml" in opml.text, f"{opml.status_code} {opml.text[:300]}")

    status = shape.wait_indexed()
    c.check("index status: no lag", status["lag"] == 0)
    metrics = requests.get(f"{web1}/metrics", timeout=30).text
    c.check("metrics count requests by route", 'route="/api/v1/members/<code>/records"' in metrics
            and "daodu_search_index_lag 0.0" in metrics and 'daodu_questions{state="answered"} 1.0' in metrics)
    c.check("readyz after the journey", all(requests.get(f"{u}/readyz", timeout=30).status_code == 200
                                            for u in shape.urls))
    worker_lines = (shape.root / "logs" / "worker.log").read_text(encoding="utf-8").splitlines()
    c.check("the worker logs JSON lines", bool(worker_lines) and all(_is_json(line) for line in worker_lines
                                                                       if line.startswith("{")) and
            any(_is_json(line) for line in worker_lines))
    checked = shape.cli("index", "check")
    c.check("index check clean", "clean" in checked and "NOT" not in checked, checked)
    return c


def _is_json(line: str) -> bool:
    try:
        return isinstance(json.loads(line), dict)
    except ValueError:
        return False


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keep", metavar="DIR", help="run in DIR and keep its logs (default: a temporary folder)")
    options = parser.parse_args(argv)
    root = Path(options.keep) if options.keep else Path(tempfile.mkdtemp(prefix="daodu-deploy-"))
    print(f"Production shape on loopback in {root}", flush=True)
    shape = Shape(root)
    try:
        shape.start()
        print(f"  web processes {', '.join(shape.urls)}; worker; SMTP on port {shape.smtp.port}; "
              f"database {shape.database}", flush=True)
        checks = run_checks(shape)
    finally:
        shape.stop()
    print(f"{len(checks.passed)} passed, {len(checks.failed)} failed")
    if checks.failed:
        print(f"Logs in {root / 'logs'}", file=sys.stderr)
        return 1
    print("All deployment checks passed.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
