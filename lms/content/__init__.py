"""Content: the course format, its parsing, rendering, checking, import, export and media."""

from flask import Blueprint

bp = Blueprint("content", __name__)

from . import views  # noqa: E402,F401  (routes attach to bp)
