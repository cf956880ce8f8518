"""Daodu's consortium service: the Flask application and the domain core.

``create_app`` is the composition root: it imports and wires every blueprint and adapter
inside the function, so importing this package builds nothing.
"""
import os

from flask import Flask


def create_app(test_config: dict | None = None, instance_path: str | None = None) -> Flask:
    """Build the application; ``test_config`` replaces the instance config and environment."""
    instance_path = instance_path or os.environ.get("CONSORTIUM_INSTANCE") or None
    if instance_path:
        instance_path = os.path.abspath(instance_path)
    app = Flask(__name__, instance_path=instance_path, instance_relative_config=True)

    from consortium import config, db, i18n, jobs
    from consortium.web import api, auth, errors, pages

    config.load_config(app, test_config)
    db.init_app(app)
    i18n.init_app(app)
    jobs.init_app(app)
    auth.init_app(app)
    api.init_app(app)
    pages.init_app(app)
    errors.init_app(app)
    _wire_adapters(app)
    return app


def _wire_adapters(app: Flask) -> None:
    """Plug the other packages in through the ports of ``consortium.ports``.

    Each ``init_app`` registers its blueprints, jobs and port implementations; consortium
    itself never imports them at module level.
    """
    from consortium import reference_wiring, feeds_wiring, member_sites_wiring

    from consortium.search import init_app as init_search; init_search(app)  # noqa: E702
    feeds_wiring.init_app(app)
    member_sites_wiring.init_app(app)
    from consortium.mail import init_app as init_mail; init_mail(app)  # noqa: E702  (MAIL_* config, mail job)
    reference_wiring.init_app(app)
    from consortium.oai import init_app as init_oai; init_oai(app)  # noqa: E702
