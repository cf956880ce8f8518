"""OAI-PMH 2.0 provider of the union catalogue at ``/oai``, for outside aggregators.

Modules: ``protocol`` (pure verb/argument/datestamp/identifier rules), ``tokens`` (pure,
signed stateless resumption tokens), ``metadata`` (oai_dc and MARCXML), ``store`` (database
reads), ``service`` (one request → one answer), ``render`` (XML), ``views`` (the blueprint).
Importing this package builds nothing; ``init_app`` wires it.
"""
from consortium.accounts.auth import csrf
from consortium.oai.views import bp

DEFAULTS = {
    # Records (or headers) per ListRecords/ListIdentifiers response; the rest via resumptionToken.
    "OAI_PAGE_SIZE": 100,
    # Seconds a resumptionToken stays valid after it is issued.
    "OAI_TOKEN_TTL": 24 * 3600,
    # repositoryIdentifier in oai:<id>:work/<n>; None means the host of CONSORTIUM_BASE_URL.
    # Set it to the consortium's public domain name: identifiers must not change once harvested.
    "OAI_REPOSITORY_ID": None,
    "OAI_REPOSITORY_NAME": "Daodu union catalogue (导读联合目录)",
    # adminEmail of Identify (at least one).
    "OAI_ADMIN_EMAILS": ["oai-admin@example.org"],
}


def init_app(app) -> None:
    """Add the OAI_* config defaults and register the ``/oai`` blueprint."""
    for key, value in DEFAULTS.items():
        app.config.setdefault(key, value)

    # a stateless, read-only protocol called by machines without cookies: no CSRF token exists
    csrf.exempt(bp)
    app.register_blueprint(bp)
