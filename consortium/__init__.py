"""Daodu's consortium service: the Flask application and its features.

``create_app`` is the composition root. The top level holds only what every feature shares
(``config``, ``db`` with the unit of work and migrations, ``errors``, ``i18n``, ``jobs``,
``ports``, the ``web`` plumbing and the ``cli``); each feature is one package with its models,
services, views, templates, commands and documented ``DEFAULTS``, wired by its ``init_app``.
Importing this package builds nothing.
"""
import os

from flask import Flask


def create_app(test_config: dict | None = None, instance_path: str | None = None) -> Flask:
    """Build the application; ``test_config`` replaces the instance config and environment."""
    # The composition root imports the features it wires; no feature imports this function's module.
    from consortium import (
        accounts,
        catalogue,
        compose,
        config,
        db,
        guides,
        i18n,
        imports,
        jobs,
        mail,
        management,
        oai,
        operations,
        portal,
        publishing,
        reference,
        resources,
        search,
        subscriptions,
    )
    from consortium.web import api, converters, errors, inputs, jsonbody, limits, nav, security

    instance_path = instance_path or os.environ.get("CONSORTIUM_INSTANCE") or None
    if instance_path:
        instance_path = os.path.abspath(instance_path)
    app = Flask(__name__, instance_path=instance_path, instance_relative_config=True)
    config.load_config(app, test_config)
    # converters first: every route added later binds its ``int`` to the bounded one
    for shared in (converters, inputs, db, i18n, jobs, jsonbody, security, limits, api, nav, errors):
        shared.init_app(app)
    # menu entries appear in this order
    for feature in (accounts, portal, catalogue, search, compose, publishing, guides, imports, mail, reference, oai,
                    management, resources, subscriptions, operations):
        feature.init_app(app)
    return app
