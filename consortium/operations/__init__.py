"""Operating the service: health and readiness probes, Prometheus metrics, structured logs,
backup and restore.

Modules: ``probes`` (Flask-free checks and counts: database, index and its lag, mail
outbox, questions, imports), ``metrics`` (a ``prometheus_client`` registry per app: requests
by route and status with latency histograms, and the counts above read at scrape time),
``logs`` (one JSON object per line when ``LOG_FORMAT`` is ``json``), ``backup`` (``consortium
export`` / ``import-dump``), ``views`` (``/healthz``, ``/readyz``, ``/metrics``).

Metrics are per process: each web process (``consortium serve`` on its own port) and the
worker answer ``/metrics`` with their own request counters, and Prometheus scrapes every
process (see docs/deploy.md); the counts read from the database are the same in each.
"""
from werkzeug.middleware.proxy_fix import ProxyFix

from consortium.config import apply_defaults
from consortium.operations import logs, metrics, views

DEFAULTS = {
    # Logs: "text" (one readable line per record) or "json" (one JSON object per line, for a
    # log collector); the level of the root logger. Set by `serve`, `worker` and every command.
    "LOG_FORMAT": "text",
    "LOG_LEVEL": "INFO",
    # Log one line per request (method, route, status, milliseconds) at INFO on
    # "consortium.access"; nginx's access log usually says the same.
    "LOG_REQUESTS": False,
    # /readyz answers 503 when the index is more than this many change-log rows behind the
    # database (None: never for lag). A worker catching up after a large push is behind
    # for a while; this is "the indexer has stopped", not "a batch is pending".
    "OPERATIONS_READY_MAX_INDEX_LAG": 50000,
    # /readyz answers 503 when more than this many mails have been due for longer than
    # OPERATIONS_READY_MAIL_AGE_SECONDS (None: never): the mailer stopped or the SMTP server
    # refuses everything.
    "OPERATIONS_READY_MAX_MAIL_BACKLOG": 100,
    "OPERATIONS_READY_MAIL_AGE_SECONDS": 900,
    # Reverse proxies in front of the web processes (nginx: 1). Their X-Forwarded-For,
    # -Proto, -Host and -Port are believed for that many hops (werkzeug's ProxyFix), so the
    # reader's address (rate limits) and https (links, secure cookies) reach the app; 0 when
    # the processes face clients directly (a forwarded header is then a client's invention).
    "OPERATIONS_TRUSTED_PROXIES": 0,
    # Serve /metrics (Prometheus text format). Keep it off the public site (nginx `deny`)
    # and let Prometheus scrape each process's port directly.
    "OPERATIONS_METRICS": True,
}


def init_app(app) -> None:
    """Fill the defaults, set up logging (not under tests), metrics and the probe routes."""
    apply_defaults(app, DEFAULTS)
    if not app.testing:
        logs.configure_logging(app.config["LOG_FORMAT"], app.config["LOG_LEVEL"])
    hops = int(app.config["OPERATIONS_TRUSTED_PROXIES"] or 0)
    if hops:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops, x_port=hops)
    metrics.init_app(app)
    app.register_blueprint(views.bp)
