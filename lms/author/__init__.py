"""The lecturer studio: courses written in the browser, reviewed, then published to kiosks."""

from flask import Blueprint

bp = Blueprint("author", __name__, url_prefix="/author", template_folder="templates")

from . import editor_views, media_views, review_views, views  # noqa: E402,F401  (routes attach to bp)
