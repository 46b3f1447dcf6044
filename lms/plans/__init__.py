"""Learning plans: the courses officers put in each learner's individual sentence plan."""

from flask import Blueprint

bp = Blueprint("plans", __name__, url_prefix="/review/plans", template_folder="templates")

from . import views  # noqa: E402,F401  (routes attach to bp)
