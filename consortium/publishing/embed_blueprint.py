"""The embed blueprint, shared by the embed views (``embed``) and the snippet builder
(``embed_builder``): one URL space, ``/embed/…``, with endpoints ``embed.*``."""
from flask import Blueprint

bp = Blueprint("embed", __name__, url_prefix="/embed", template_folder="templates")
