"""Rate limits on signing in, on top of the account lockout.

Two limits guard both sign-in pages (learner keypad and staff): one per kiosk terminal (the
enrolled terminal from ``g.terminal``, else the client's address) and one per account (the
learner number or username posted). The limits are ``LMS_SIGNIN_LIMIT_PER_TERMINAL`` and
``LMS_SIGNIN_LIMIT_PER_ACCOUNT`` (Flask-Limiter strings such as ``20/minute``), counted in
Redis when ``LMS_REDIS_URL`` is set, so every app server of a facility counts together.

Only real attempts count: a key press of the no-JavaScript keypad posts the form too, but it
checks no secret, so it is not counted. A request over a limit gets a 429 page, rendered and
translated by the app's error handler.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from flask import current_app, g, request
from flask_limiter.util import get_remote_address

from .extensions import limiter

View = TypeVar("View", bound=Callable)

ACCOUNT_MAX = 80  # the longest username; learner numbers are shorter


def terminal_key() -> str:
    """The enrolled terminal, else the address the request came from."""
    terminal = g.get("terminal")
    if terminal is not None:
        return f"terminal:{terminal.id}"
    return f"address:{get_remote_address()}"


def posted_account() -> str:
    """The learner number or username of the attempt, as the sign-in looks it up."""
    value = request.form.get("learner_number") or request.form.get("username") or ""
    return value.strip().casefold()[:ACCOUNT_MAX]


def account_key() -> str:
    return f"account:{posted_account()}"


def is_key_press() -> bool:
    """A key of the no-JavaScript keypad: the form is posted, but no secret is checked."""
    key = request.form.get("key")
    return bool(key) and key != "ok"


def no_account_posted() -> bool:
    return is_key_press() or not posted_account()


def per_terminal() -> str:
    return str(current_app.config["SIGNIN_LIMIT_PER_TERMINAL"])


def per_account() -> str:
    return str(current_app.config["SIGNIN_LIMIT_PER_ACCOUNT"])


_per_terminal = limiter.limit(per_terminal, key_func=terminal_key, methods=["POST"],
                              exempt_when=is_key_press)
_per_account = limiter.limit(per_account, key_func=account_key, methods=["POST"],
                             exempt_when=no_account_posted)


def signin_limited(view: View) -> View:
    """Decorate a sign-in view with both limits (placed under ``@bp.route``)."""
    return _per_terminal(_per_account(view))
