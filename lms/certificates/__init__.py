"""Certificates: the printable A4 page with its QR code, and checking a code."""

from flask import Blueprint

bp = Blueprint("certificates", __name__, url_prefix="/review/certificates",
               template_folder="templates")

from . import views  # noqa: E402,F401  (routes attach to bp)
