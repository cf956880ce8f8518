"""The hostile-input corpus: every input class of issue #16 as a regression test.

``SCHEMATHESIS_RUN`` collects what the schemathesis run did; the terminal summary prints it
(examples, time, statuses per operation) for the record."""
import time

SCHEMATHESIS_RUN = {"examples": 0, "started": None, "finished": None, "statuses": {}}


def pytest_terminal_summary(terminalreporter):
    run = SCHEMATHESIS_RUN
    if run["started"] is None:
        return
    seconds = (run["finished"] or time.monotonic()) - run["started"]
    terminalreporter.write_line(f"schemathesis: {run['examples']} examples in {seconds:.1f} s")
    for label, statuses in sorted(run["statuses"].items()):
        terminalreporter.write_line(f"  {label}: {sorted(statuses)}")
