"""The learner's kiosk: home, course, lesson player, answers, certificates."""

from flask import Blueprint

bp = Blueprint("learn", __name__, url_prefix="/learn", template_folder="templates")

from . import views  # noqa: E402,F401  (routes attach to bp)
