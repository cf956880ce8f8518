"""Wiring of the feeds feature into the app (filled in by its issue)."""


def init_app(app) -> None:
    """Register the feeds blueprints, jobs and ports; nothing yet."""
