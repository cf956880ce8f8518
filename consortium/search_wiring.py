"""Wiring of the search feature into the app (filled in by its issue)."""


def init_app(app) -> None:
    """Register the search blueprints, jobs and ports; nothing yet."""
