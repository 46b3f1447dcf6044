"""Request guards: who is signed in, on which terminal, for how long; security headers."""

from __future__ import annotations

from datetime import timedelta

from flask import Flask, current_app, flash, g, redirect, request, session, url_for
from flask_babel import lazy_gettext as _l
from flask_login import current_user, logout_user
from flask_wtf.csrf import CSRFError

from . import clock
from .accounts.models import Role, User
from .extensions import db, login_manager
from .terminals import services as terminals

TERMINAL_COOKIE = "lms_terminal"
TERMINAL_COOKIE_YEARS = 5

MESSAGES = {
    "idle": _l("You were signed out because nobody used the screen for a while."),
    "replaced": _l("You were signed out because you signed in on another kiosk."),
    "ended": _l("Your session was ended by an officer."),
    "retired": _l("This kiosk was retired by an officer."),
    "expired": _l("Your session has expired. Please sign in again."),
}


@login_manager.user_loader
def load_user(user_id: str) -> User | None:
    try:
        pk, version = (int(part) for part in user_id.split(":"))
    except ValueError:
        return None
    user = db.session.get(User, pk)
    if user is None or user.session_version != version or not user.active:
        return None
    return user


def _end(reason: str):
    was_staff = current_user.is_authenticated and current_user.is_staff
    logout_user()
    session.pop("kiosk", None)
    session.pop("signed_in_at", None)
    flash(str(MESSAGES[reason]), "info")
    db.session.commit()
    if request.accept_mimetypes.best == "application/json":
        return {"signed_out": reason}, 401
    return redirect(url_for("auth.staff_signin" if was_staff else "auth.signin"))


def guard_request():
    """Identify the terminal; expire idle kiosk sessions and old staff sessions."""
    if request.endpoint in (None, "static", "health.healthz"):
        return None
    # A kiosk session is read first, with its learner and terminal: the signed-in user and the
    # terminal then need no query of their own.
    ks = terminals.session_for_token(session.get("kiosk"))
    g.terminal = terminals.terminal_from_cookie(
        request.cookies.get(TERMINAL_COOKIE), str(_config("SECRET_KEY"))
    )
    if not current_user.is_authenticated:
        return None
    if current_user.role is Role.LEARNER:
        if ks is None or ks.user_id != current_user.id:
            return _end("expired")
        reason = terminals.touch(ks, int(_config("KIOSK_IDLE_SECONDS")))
        if reason is not None:
            return _end(reason if reason in MESSAGES else "expired")
        g.kiosk_session = ks
        if db.session.dirty:  # the touch, at most every few seconds
            db.session.commit()
        return None
    started = session.get("signed_in_at")
    limit = timedelta(hours=int(_config("STAFF_SESSION_HOURS")))
    if started is None or clock.now().timestamp() - float(started) > limit.total_seconds():
        return _end("expired")
    return None


def _config(key: str):
    return current_app.config[key]


def set_terminal_cookie(response, value: str):
    response.set_cookie(
        TERMINAL_COOKIE,
        value,
        max_age=int(timedelta(days=365 * TERMINAL_COOKIE_YEARS).total_seconds()),
        httponly=True,
        samesite="Lax",
        secure=bool(_config("SESSION_COOKIE_SECURE")),
    )
    return response


CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self'; "
    "media-src 'self'; font-src 'self'; connect-src 'self'; object-src 'none'; "
    "base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)


def add_headers(response):
    response.headers.setdefault("Content-Security-Policy", CSP)
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "no-referrer")
    response.headers.setdefault("X-Frame-Options", "DENY")
    response.headers.setdefault("Permissions-Policy", "camera=(), geolocation=(), microphone=(self)")
    if request.endpoint not in ("static", "content.media") and "Cache-Control" not in response.headers:
        response.headers["Cache-Control"] = "no-store"
    return response


def init_app(app: Flask) -> None:
    login_manager.login_view = "auth.signin"
    login_manager.login_message = _l("Please sign in.")
    login_manager.login_message_category = "info"
    app.before_request(guard_request)
    app.after_request(add_headers)

    @app.errorhandler(CSRFError)
    def _csrf_error(error):
        from flask import render_template

        return render_template("errors/error.html", code=400,
                               message=_l("The form expired or was sent from elsewhere. "
                                          "Please try again.")), 400
