"""Shared web plumbing: where each role lands, safe redirects, assets, error pages."""

from __future__ import annotations

import hashlib
from pathlib import Path
from urllib.parse import urlsplit

from flask import Flask, current_app, has_request_context, render_template, request, url_for
from flask_babel import lazy_gettext as _l
from werkzeug.exceptions import HTTPException

from . import clock
from .accounts.models import Role, User
from .i18n import remember_language

ERROR_MESSAGES = {
    400: _l("The request could not be understood."),
    401: _l("Please sign in."),
    403: _l("You do not have access to this page."),
    404: _l("This page does not exist."),
    405: _l("This action is not allowed here."),
    413: _l("The file or form is too large."),
    429: _l("Too many attempts. Please wait a moment and try again."),
    500: _l("Something went wrong on our side. Please try again."),
}


ROLE_NAMES = {
    "learner": _l("Learner"),
    "lecturer": _l("Lecturer"),
    "officer": _l("Officer"),
    "admin": _l("Administrator"),
}


def home_for(user: User) -> str:
    return {
        Role.LEARNER: url_for("learn.home"),
        Role.ADMIN: url_for("admin.index"),
        Role.OFFICER: url_for("review.index"),
        Role.LECTURER: url_for("review.index"),
    }[user.role]


def safe_next(target: str | None) -> str | None:
    """Only same-site paths: never an open redirect."""
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    if "\\" in target:
        return None
    return target


_asset_urls: dict[tuple[str, str], str] = {}


def asset_url(filename: str) -> str:
    """A static URL with a content hash, so browsers may cache it for a long time (worked out
    once per file and process; on every call while debugging)."""
    key = (request.script_root if has_request_context() else "", filename)
    url = _asset_urls.get(key)
    if url is None or current_app.debug:
        path = Path(current_app.static_folder or "") / filename
        version = hashlib.sha256(path.read_bytes()).hexdigest()[:10] if path.exists() else "0"
        url = _asset_urls[key] = url_for("static", filename=filename, v=version)
    return url


def _render_error(error: HTTPException):
    code = error.code or 500
    message = ERROR_MESSAGES.get(code, error.description)
    if request.accept_mimetypes.best == "application/json":
        return {"error": str(message)}, code
    return render_template("errors/error.html", code=code, message=message), code


def init_app(app: Flask) -> None:
    app.before_request(remember_language)
    app.jinja_env.globals.update(asset_url=asset_url, role_names=ROLE_NAMES, now=clock.now)
    app.register_error_handler(HTTPException, _render_error)

    @app.errorhandler(500)
    def _server_error(error):  # pragma: no cover - exercised by hardening tests
        from .extensions import db

        db.session.rollback()
        return render_template("errors/error.html", code=500, message=ERROR_MESSAGES[500]), 500

    @app.after_request
    def _static_cache(response):
        if request.endpoint == "static" and request.args.get("v"):
            response.headers["Cache-Control"] = "public, max-age=31536000, immutable"
        return response
