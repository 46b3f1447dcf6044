"""Reports: the facility dashboard, headquarters view, course analysis and exports."""

from flask import Blueprint

bp = Blueprint("reports", __name__, url_prefix="/reports", template_folder="templates")

from . import views  # noqa: E402,F401  (routes attach to bp)
