"""Wiring of the member_sites feature into the app (filled in by its issue)."""


def init_app(app) -> None:
    """Register the member_sites blueprints, jobs and ports; nothing yet."""
