"""The officers' area: learners, their records, units and kiosks, course analysis."""

from flask import Blueprint

bp = Blueprint("review", __name__, url_prefix="/review", template_folder="templates")

from . import account_views, analysis_views, kiosk_views, views  # noqa: E402,F401  (routes attach to bp)
