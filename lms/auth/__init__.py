"""Signing in and out: learners at kiosks with their number and PIN, staff with a password."""

from flask import Blueprint

bp = Blueprint("auth", __name__, template_folder="templates")

from . import views  # noqa: E402,F401  (routes attach to bp)
