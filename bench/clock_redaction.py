"""Pure cores: the working-hours clock (due-time computations) and PII redaction."""
import random
import time
from datetime import datetime, timedelta, timezone


def run(options) -> list[dict]:
    n = 2000 if options.size == "small" else 20000
    return [*_clock(n), _redaction(n // 4)]


def _clock(n: int) -> list[dict]:
    from consortium.reference.workclock import WorkingCalendar, parse_opening_hours

    cal = WorkingCalendar(parse_opening_hours("mon-fri 08:00-12:00,13:30-17:30; sat 09:00-12:00"))
    rng = random.Random(6)
    base = datetime(2025, 1, 1, tzinfo=timezone.utc)
    starts = [base + timedelta(minutes=rng.randrange(0, 2 * 365 * 24 * 60)) for _ in range(n)]
    rows = []
    for metric, op in (("add_working_hours(t, 8)", lambda t: cal.add_working_hours(t, 8)),
                       ("add_working_days(t, 1)", lambda t: cal.add_working_days(t, 1)),
                       ("working_hours_between(t, t + 7 days)",
                        lambda t: cal.working_hours_between(t, t + timedelta(days=7)))):
        started = time.perf_counter()
        for t in starts:
            op(t)
        rows.append({"suite": "clock_redaction", "metric": f"{metric}, {n:,} calls",
                     "value": n / (time.perf_counter() - started), "unit": "calls/s"})
    return rows


def _redaction(n: int) -> dict:
    from consortium.reference.redaction import redact

    question = ("老师您好，我是张三，学号2021123456，想借《红楼梦》（ISBN 978-7-02-000220-X），"
                "请回复到 zhangsan@nju.edu.cn 或电话 138-1234-5678。Thanks! My name is Zhang San. ") * 2
    started = time.perf_counter()
    for _ in range(n):
        redact(question, ["Zhang San"])
    seconds = time.perf_counter() - started
    return {"suite": "clock_redaction", "metric": f"redact a {len(question)}-character question, {n:,} times",
            "value": n / seconds, "unit": "questions/s"}
