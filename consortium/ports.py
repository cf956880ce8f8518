"""Ports: the small protocols through which the consortium uses search, feeds and mail.

``create_app`` puts implementations in ``app.extensions`` under the names below; services
reach them through ``get_port`` and work (degraded, never crashing) when one is absent.
"""
from typing import Protocol

SEARCH = "consortium.port.search"


class SearchPort(Protocol):
    """Read side of the search index (web workers only read)."""

    def search(self, params: dict) -> dict:
        """Run a reader search; ``params`` and the answer follow DESIGN.md ``/api/v1/search``."""

    def count_matching(self, text: str, identifiers: list[str]) -> dict[str, int]:
        """How many works matching ``text``/identifiers each member holds: {member_code: n}."""


def get_port(name: str, app=None):
    from flask import current_app

    return (app or current_app).extensions.get(name)
