"""The embed blueprint object, shared by the embed views and the snippet-builder pages."""
from pathlib import Path

from flask import Blueprint

STATIC = str(Path(__file__).resolve().parent.parent / "static" / "embed")
bp = Blueprint("embed", __name__, url_prefix="/embed")
