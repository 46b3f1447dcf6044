"""Shared web plumbing: where each role lands, safe redirects, assets, error pages."""

from __future__ import annotations

import csv
import hashlib
import re
from pathlib import Path
from urllib.parse import urlsplit

from flask import Flask, current_app, has_request_context, render_template, request, url_for
from flask import Request as FlaskRequest
from flask_babel import lazy_gettext as _l
from sqlalchemy import event
from sqlalchemy.engine import Engine
from werkzeug.datastructures import ImmutableMultiDict
from werkzeug.exceptions import BadRequest, HTTPException
from werkzeug.routing import IntegerConverter

from . import clock
from .accounts.models import Role, User

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
        Role.LECTURER: url_for("author.index"),
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


# Numbers from outside: every id is a 32-bit column on PostgreSQL, so no number a user can send
# needs to be larger. Checked here, once for each way a number comes in: the ``int`` converter
# of every route; ``request.args.get(name, type=int)`` and ``request.form.get(...)`` (``?page=``,
# ``?unit=``, ``?facility=``, ``?a=``...), which ignore a number out of range as they ignore
# one that is not a number; and, behind them (a form's ``coerce=int`` field), every number a
# statement hands to the database: one it cannot hold is a 400.
ID_MAX = 2**31 - 1
DB_INT_MIN, DB_INT_MAX = -(2**63), 2**63 - 1  # what SQLite and PostgreSQL's bigint hold
_NUMBER = re.compile(r"[+-]?[0-9]{1,19}")


class IdConverter(IntegerConverter):
    """``<int:...>`` in a route: digits up to ``ID_MAX``; anything larger is a 404."""

    def __init__(self, map, fixed_digits: int = 0, min: int | None = None,  # noqa: A002
                 max: int | None = ID_MAX, signed: bool = False) -> None:  # noqa: A002
        super().__init__(map, fixed_digits=fixed_digits, min=min, max=max, signed=signed)


def parse_int(value: object, *, low: int = -ID_MAX, high: int = ID_MAX) -> int:
    """``value`` as an int within [low, high]; ValueError otherwise (the shared parser)."""
    if isinstance(value, bool):
        raise ValueError("not a number")
    text = str(value).strip()
    if not _NUMBER.fullmatch(text):  # ASCII digits only, and not thousands of them
        raise ValueError("not a number")
    number = int(text)
    if not low <= number <= high:
        raise ValueError("out of range")
    return number


class BoundedArgs(ImmutableMultiDict):
    """Query and form fields whose ``get(key, type=int)`` refuses numbers out of range: the
    value is then ignored (``default``), like any other value that is not a number."""

    def get(self, key, default=None, type=None):  # noqa: A002
        if type is int:
            try:
                return parse_int(self[key])
            except (KeyError, ValueError):
                return default
        return super().get(key, default, type)


class Request(FlaskRequest):
    parameter_storage_class = BoundedArgs


class NumberOutOfRange(BadRequest):
    """A number too large for the database reached a statement: a 400, not a 500."""


def _check_parameters(conn, cursor, statement, parameters, context, executemany):
    """Before any statement: no parameter is a number the database cannot hold."""
    for row in parameters if isinstance(parameters, list) else (parameters,):
        if isinstance(row, dict):
            row = row.values()
        elif not isinstance(row, tuple | list):
            row = (row,)
        for value in row:
            if type(value) is int and (value > DB_INT_MAX or value < DB_INT_MIN):
                raise NumberOutOfRange()
    return statement, parameters


def install_number_checks(app: Flask) -> None:
    """The bounded converter, query/form parser and database check for ``app``; before any
    blueprint is registered, so every ``<int:…>`` route is built with the bounded converter."""
    app.request_class = Request
    app.url_map.converters["int"] = IdConverter
    if not event.contains(Engine, "before_cursor_execute", _check_parameters):
        event.listen(Engine, "before_cursor_execute", _check_parameters, retval=True)


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
    app.jinja_env.globals.update(asset_url=asset_url, role_names=ROLE_NAMES, now=clock.now)
    app.register_error_handler(HTTPException, _render_error)
    # A CSV file parsed by a view that does not report its bad lines itself: a 400, not a 500.
    app.register_error_handler(csv.Error, lambda _error: _render_error(
        BadRequest(description=str(ERROR_MESSAGES[400]))))

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
