"""Web layer: thin views that parse, call one service function and serialize.

What every view shares lives here: the error mapping (``errors``), the API object (``api``),
the menu (``nav``), Markdown sanitising (``markup``), and the hardening of every request and
response — bounded JSON bodies (``jsonbody``), bounded integer ids in paths and queries
(``converters``), same-site redirects (``redirects``), security headers (``security``) and
rate limits (``limits``). Their settings are documented in ``DEFAULTS`` below.
"""

DEFAULTS = {
    # Deepest nesting of arrays and objects a JSON body may have (a record is four levels deep).
    "CONSORTIUM_MAX_JSON_DEPTH": 20,
    # Content-Security-Policy of every page; the embeddable iframe route sets its own
    # frame-ancestors (the member's registered origins).
    "CONSORTIUM_CSP": {
        "default-src": "'self'",
        "script-src": "'self'",
        "style-src": "'self'",
        "img-src": "'self' data: https:",
        "frame-src": "'self'",
        "connect-src": "'self'",
        "object-src": "'none'",
        "base-uri": "'self'",
        "form-action": "'self'",
        "frame-ancestors": "'none'",
    },
    "CONSORTIUM_REFERRER_POLICY": "strict-origin-when-cross-origin",
    # Flask-Limiter's storage: "memory://" counts per process (the embedded default, one
    # process); several web processes must share one, e.g. "redis://127.0.0.1:6379".
    "RATELIMIT_STORAGE_URI": "memory://",
    # Staff login: failed attempts allowed per account and per client address.
    "LOGIN_RATE_LIMIT_PER_ACCOUNT": "10 per 15 minutes",
    "LOGIN_RATE_LIMIT_PER_IP": "30 per 15 minutes",
}
