"""Reference queue: routing decisions/s over the demo consortium, and question intake over HTTP.

Routing is measured two ways: the pure ``routing.route`` on candidates gathered once (the
scoring itself), and ``reference_routing.decide`` (gathering facts from the database for
every decision, as intake does). Intake posts questions to ``POST /api/v1/questions`` on a
real waitress server, each from its own address so the rate limit does not interfere.
"""
import datetime as dt
import tempfile
import threading
import time

import requests

QUESTIONS = [
    "请问有没有关于机器学习算法的中文教材？", "Where can I find books on Chinese history of the Ming dynasty?",
    "水稻栽培的土壤改良方法有哪些专著？", "飞机结构疲劳分析有哪些经典教材？", "红楼梦的版本研究有哪些文献？",
    "Is there an English translation of the Analects with commentary?", "城市规划与建筑设计方面的新书推荐",
    "请问 ISBN 978-7-111-21382-6 这本书哪个馆有？",
]


def run(options) -> list[dict]:
    from consortium import create_app
    from consortium.db import get_engine, new_session
    from consortium.db.migrate import upgrade
    from consortium.demo.loader import load_demo

    decisions = 200 if options.size == "small" else 2000
    posts = 30 if options.size == "small" else 200
    with tempfile.TemporaryDirectory() as tmp:
        app = create_app({"SECRET_KEY": "bench", "CONSORTIUM_BACKGROUND_JOBS": False,
                          "REFERENCE_RATE_LIMIT_PER_IP": 10**6, "REFERENCE_RATE_LIMIT_PER_EMAIL": 10**6},
                         instance_path=tmp)
        upgrade(get_engine(app))
        with app.app_context():
            for _line in load_demo(app, dt.date(2026, 11, 27)):
                pass
        with new_session(app) as session:
            pure = _pure_routing(session, app, decisions * 10)
            full = _full_routing(session, app, decisions)
        intake = _intake(app, posts)
        get_engine(app).dispose()
    return [
        {"suite": "reference", "metric": f"routing decisions, pure scoring (5 members, {decisions * 10:,})",
         "value": pure, "unit": "decisions/s"},
        {"suite": "reference", "metric": f"routing decisions incl. DB facts (demo data, {decisions:,})",
         "value": full, "unit": "decisions/s", "target": 50},
        {"suite": "reference", "metric": f"question intake over HTTP ({posts} posts, 4 threads)",
         "value": intake, "unit": "requests/s", "target": 20},
    ]


def _now():
    return dt.datetime(2026, 11, 25, 2, 0, tzinfo=dt.timezone.utc)


def _pure_routing(session, app, n: int) -> float:
    from consortium.reference.common import ReferenceSettings
    from consortium.reference.placement import build_candidates
    from consortium.reference.question_text import find_identifiers, infer_clc
    from consortium.reference.routing import QuestionFacts, route

    settings = ReferenceSettings.from_config(app.config)
    prepared = []
    for text in QUESTIONS:
        ids = find_identifiers(text)
        facts = QuestionFacts(home_member="NJU", clc=infer_clc(text), has_identifiers=bool(ids))
        prepared.append((facts, build_candidates(session, text, ids, _now(), settings)))
    started = time.perf_counter()
    for i in range(n):
        facts, candidates = prepared[i % len(prepared)]
        route(facts, candidates, settings.weights)
    return n / (time.perf_counter() - started)


def _full_routing(session, app, n: int) -> float:
    from consortium.reference.common import ReferenceSettings
    from consortium.reference.models import Question
    from consortium.reference.placement import decide
    from consortium.reference.question_text import infer_clc

    settings = ReferenceSettings.from_config(app.config)
    questions = [Question(text=t, home_member_id=1, clc=infer_clc(t), token_hash=str(i)) for i, t in enumerate(QUESTIONS)]
    started = time.perf_counter()
    for i in range(n):
        decide(session, questions[i % len(questions)], _now(), settings)
    return n / (time.perf_counter() - started)


def _intake(app, posts: int) -> float:
    from waitress.server import create_server

    server = create_server(app, host="127.0.0.1", port=0, threads=4)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{server.effective_port}/api/v1/questions"
    errors: list[str] = []

    def worker(start: int):
        http = requests.Session()
        for i in range(start, posts, 4):
            body = {"question": QUESTIONS[i % len(QUESTIONS)], "name": f"读者{i}", "email": f"r{i}@bench.example",
                    "home_member": ["NJU", "SEU", "NJNU", "NUAA", "NJAU"][i % 5], "consent_publish": i % 2 == 0}
            response = http.post(url, json=body, timeout=60)
            if response.status_code != 201:
                errors.append(f"{response.status_code} {response.text[:200]}")

    started = time.perf_counter()
    workers = [threading.Thread(target=worker, args=(k,)) for k in range(4)]
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    elapsed = time.perf_counter() - started
    server.close()
    if errors:
        raise RuntimeError(f"{len(errors)} intake requests failed, first: {errors[0]}")
    return posts / elapsed
