"""Configuration: documented defaults, then ``<instance>/config.py``, then ``CONSORTIUM_*``
environment variables.

One convention for defaults: the app-wide keys are ``DEFAULTS`` below; every feature package
declares its own keys, each with a comment, in ``DEFAULTS`` of its ``__init__.py`` and fills
them with ``apply_defaults(app, DEFAULTS)`` from its ``init_app``, under whatever the instance
config and the environment already set.

An environment variable ``CONSORTIUM_X`` sets the key ``CONSORTIUM_X``, and the key ``X`` too
unless ``CONSORTIUM_X`` is an app-wide key below (so ``CONSORTIUM_SEARCH_INDEX_DIR`` sets
``SEARCH_INDEX_DIR``, and ``CONSORTIUM_DATABASE_REPLICA_URL`` the db feature's key of that
name). Values are parsed as JSON when they parse, else kept as strings.
"""
import json
import os
import secrets

DEFAULTS = {
    # SQLAlchemy URL; None means a SQLite file in the instance folder (WAL mode).
    "CONSORTIUM_DATABASE_URL": None,
    # Most records one push request may carry; a larger batch is refused with 413.
    "CONSORTIUM_MAX_BATCH": 1000,
    # Body-size cap for every request (bytes); uploads of export files need room.
    "MAX_CONTENT_LENGTH": 64 * 1024 * 1024,
    # Body-size cap for JSON push requests (bytes).
    "CONSORTIUM_MAX_JSON_BYTES": 10 * 1024 * 1024,
    # Languages the pages are offered in; the first is the default.
    "CONSORTIUM_LANGUAGES": ["zh_CN", "en"],
    "BABEL_DEFAULT_LOCALE": "zh_CN",
    "BABEL_DEFAULT_TIMEZONE": "Asia/Shanghai",
    # Run the indexer (and other background jobs) in a thread of the web process:
    # right for the embedded default, off where a separate `consortium worker` runs.
    "CONSORTIUM_BACKGROUND_JOBS": True,
    # Whoosh index directory; None means <instance>/index.
    "SEARCH_INDEX_DIR": None,
    # Public base URL used in feeds, e-mails and permalinks when not behind a request.
    "CONSORTIUM_BASE_URL": "http://127.0.0.1:5000",
    # flask-smorest / OpenAPI.
    "API_TITLE": "Daodu consortium API",
    "API_VERSION": "v1",
    "OPENAPI_VERSION": "3.0.3",
    "OPENAPI_URL_PREFIX": "/api/v1",
    "OPENAPI_JSON_PATH": "openapi.json",
    "SESSION_COOKIE_HTTPONLY": True,
    "SESSION_COOKIE_SAMESITE": "Lax",
    "WTF_CSRF_TIME_LIMIT": None,
}


def load_config(app, test_config: dict | None) -> None:
    """Fill ``app.config`` in the documented order of precedence."""
    app.config.from_mapping(DEFAULTS)
    if test_config is None:
        app.config.from_pyfile("config.py", silent=True)
        _load_env(app.config, os.environ)
    else:
        app.config.from_mapping(test_config)
    _fill_instance_paths(app)


def apply_defaults(app, defaults: dict) -> None:
    """Fill a feature's documented defaults where the instance config and environment set nothing."""
    for key, value in defaults.items():
        app.config.setdefault(key, value)


def _load_env(config, environ) -> None:
    for name, raw in environ.items():
        if not name.startswith("CONSORTIUM_") or name in ("CONSORTIUM_INSTANCE",):
            continue
        try:
            value = json.loads(raw)
        except ValueError:
            value = raw
        # Features fill their defaults later (apply_defaults), so a key unknown here may be a
        # feature's "CONSORTIUM_X" as well as a feature's "X": both are set.
        keys = [name] if name in config else [name, name[len("CONSORTIUM_"):]]
        for key in keys:
            config[key] = value


def _fill_instance_paths(app) -> None:
    os.makedirs(app.instance_path, exist_ok=True)
    if not app.config.get("CONSORTIUM_DATABASE_URL"):
        path = os.path.join(app.instance_path, "consortium.sqlite3")
        app.config["CONSORTIUM_DATABASE_URL"] = f"sqlite:///{path}"
    if not app.config.get("SEARCH_INDEX_DIR"):
        app.config["SEARCH_INDEX_DIR"] = os.path.join(app.instance_path, "index")
    if not app.config.get("SECRET_KEY"):
        app.config["SECRET_KEY"] = _instance_secret(app.instance_path)


def _instance_secret(instance_path: str) -> str:
    """A per-instance secret kept in the instance folder, so sessions survive restarts."""
    path = os.path.join(instance_path, "secret_key")
    if not os.path.exists(path):
        with open(path, "w", encoding="ascii") as fh:
            fh.write(secrets.token_hex(32))
        os.chmod(path, 0o600)
    with open(path, encoding="ascii") as fh:
        return fh.read().strip()
