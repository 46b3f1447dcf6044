"""The learner's kiosk pages."""

from __future__ import annotations

from flask import render_template

from ..auth.access import learner_required
from . import bp


@bp.get("/")
@learner_required
def home():
    return render_template("learn/home.html")
