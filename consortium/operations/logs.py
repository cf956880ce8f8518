"""Logging set-up: readable lines, or one JSON object per line (``LOG_FORMAT = "json"``).

The JSON form uses python-json-logger: each line carries ``time`` (UTC, ISO 8601),
``level``, ``logger``, ``message``, the process id and whatever a caller passed in
``extra`` (the access log's ``method``, ``route``, ``status``, ``ms``); an exception's
traceback is one ``exc_info`` string, so a line is always one record.
"""
import logging
import sys

from pythonjsonlogger.json import JsonFormatter

FORMATS = ("text", "json")
TEXT_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"
# The handler this module installed, replaced (not added to) when configured again.
_HANDLER_NAME = "consortium"


def make_formatter(fmt: str) -> logging.Formatter:
    if fmt == "json":
        return JsonFormatter("%(asctime)s %(levelname)s %(name)s %(process)d %(message)s",
                             rename_fields={"asctime": "time", "levelname": "level", "name": "logger",
                                            "process": "pid"},
                             datefmt="%Y-%m-%dT%H:%M:%S%z")
    if fmt == "text":
        return logging.Formatter(TEXT_FORMAT)
    raise ValueError(f"LOG_FORMAT must be one of {', '.join(FORMATS)}, not {fmt!r}")


class StderrHandler(logging.StreamHandler):
    """Writes to whatever ``sys.stderr`` is when a record is emitted, not when configured (a
    command run inside a test runner swaps stderr and closes its copy afterwards)."""

    def __init__(self):
        super().__init__(sys.stderr)

    @property
    def stream(self):
        return sys.stderr

    @stream.setter
    def stream(self, _value):
        pass


def configure_logging(fmt: str = "text", level: str | int = "INFO", stream=None) -> logging.Handler:
    """Send the root logger's records to ``stream`` (stderr) in ``fmt``; returns the handler."""
    root = logging.getLogger()
    for handler in list(root.handlers):
        if handler.get_name() == _HANDLER_NAME:
            root.removeHandler(handler)
    handler = logging.StreamHandler(stream) if stream is not None else StderrHandler()
    handler.set_name(_HANDLER_NAME)
    handler.setFormatter(make_formatter(str(fmt).lower()))
    root.addHandler(handler)
    root.setLevel(level if isinstance(level, int) else str(level).upper())
    # Alembic tells every command which dialect it uses; `consortium init` prints its own summary.
    logging.getLogger("alembic").setLevel(logging.WARNING)
    # opensearch-py logs each request it sends (a line per search); the opensearch backend
    # logs and maps what goes wrong, and the client's own failures stay at WARNING.
    logging.getLogger("opensearch").setLevel(logging.WARNING)
    return handler
