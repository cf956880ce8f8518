"""The menu registry: features add entries from their ``init_app``, so the base template never
needs editing.

``add_nav(app, endpoint, label, staff=False, roles=())`` appends an entry; ``staff`` entries show
to logged-in staff, limited to ``roles`` if given (consortium admins see every entry).
"""
from flask_login import current_user

NAV = "consortium.nav"


def add_nav(app, endpoint: str, label, staff: bool = False, roles: tuple[str, ...] = ()) -> None:
    """A menu entry of ``app``."""
    app.extensions.setdefault(NAV, []).append({"endpoint": endpoint, "label": label, "staff": staff,
                                               "roles": tuple(roles)})


def _visible(item: dict) -> bool:
    if not item["staff"]:
        return True
    if not current_user.is_authenticated:
        return False
    return not item["roles"] or current_user.is_admin or current_user.role in item["roles"]


def init_app(app) -> None:
    """Give every template the menu entries the current user may see (``nav_items``)."""

    @app.context_processor
    def _nav_context():
        return {"nav_items": [i for i in app.extensions.get(NAV, []) if _visible(i)]}
