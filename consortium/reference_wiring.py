"""Wiring of the reference feature into the app (filled in by its issue)."""


def init_app(app) -> None:
    """Register the reference blueprints, jobs and ports; nothing yet."""
