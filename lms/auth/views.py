"""Sign-in and sign-out for learners (keypad, on a terminal) and staff; terminal enrollment."""

from __future__ import annotations

import secrets

from flask import abort, current_app, flash, g, redirect, render_template, request, session, url_for
from flask_babel import format_datetime
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from .. import clock
from ..accounts import services as accounts
from ..config import SUPPORTED_LOCALES
from ..extensions import db
from ..i18n import save_choice
from ..ratelimits import signin_limited
from ..security import set_terminal_cookie
from ..terminals import services as terminals
from ..web import home_for, safe_next
from . import bp
from .forms import EnrollForm, LanguageForm, LearnerSignInForm, StaffSignInForm

KEYPAD_FIELDS = ("learner_number", "pin")
FIELD_MAX = {"learner_number": 20, "pin": 6}


def _lockout_message(result: accounts.SignInResult) -> str:
    until = result.locked_until
    return _("Too many wrong tries. This account is locked until %(time)s. "
             "An officer can unlock it.", time=format_datetime(until, "short") if until else "")


def _press_key(form: LearnerSignInForm, key: str) -> None:
    """No-JavaScript keypad: apply one key press to the active field."""
    active = form.active.data if form.active.data in KEYPAD_FIELDS else "learner_number"
    field = getattr(form, active)
    value = field.data or ""
    if key.isdigit() and len(key) == 1 and len(value) < FIELD_MAX[active]:
        field.data = value + key
    elif key == "back":
        field.data = value[:-1]
    elif key == "clear":
        field.data = ""
    elif key == "next":
        form.active.data = "pin"
    elif key in KEYPAD_FIELDS:
        form.active.data = key


@bp.route("/", methods=["GET", "POST"])
@signin_limited
def signin():
    """The learner's sign-in page with the on-screen keypad."""
    if current_user.is_authenticated:
        return redirect(home_for(current_user))
    form = LearnerSignInForm()
    terminal = g.get("terminal")
    allowed_here = terminal is not None or current_app.config["KIOSK_ANY_BROWSER"]
    key = request.form.get("key")
    if request.method == "POST" and key and key != "ok":
        form.validate()  # CSRF is still checked on every press
        if form.csrf_token.errors:
            return render_template("auth/signin.html", form=form, allowed=allowed_here), 400
        _press_key(form, key)
        return render_template("auth/signin.html", form=form, allowed=allowed_here)
    if request.method == "POST" and form.validate_on_submit():
        if not allowed_here:
            flash(_("This screen is not an enrolled kiosk. Ask an officer to enroll it."), "error")
            return render_template("auth/signin.html", form=form, allowed=False), 403
        result = accounts.check_secret(
            accounts.find_learner(form.learner_number.data),
            form.pin.data,
            attempts=current_app.config["LOCKOUT_ATTEMPTS"],
            minutes=current_app.config["LOCKOUT_MINUTES"],
        )
        if result.ok and terminal is not None and terminal.facility_id != result.user.facility_id:
            result = accounts.SignInResult(None, "facility")
        if not result.ok:
            db.session.commit()  # keep the failure count
            message = {
                "locked": _lockout_message(result),
                "inactive": _("This account is closed. Ask an officer."),
                "facility": _("This kiosk belongs to another facility."),
            }.get(result.reason or "", _("Wrong learner number or PIN. Try again."))
            flash(message, "error")
            form.pin.data = ""
            form.active.data = "pin"
            return render_template("auth/signin.html", form=form, allowed=allowed_here), 401
        _session, token = terminals.start_session(result.user, terminal)
        _fresh_session()
        session["kiosk"] = token
        login_user(result.user)
        db.session.commit()
        return redirect(url_for("learn.home"))
    status = 400 if request.method == "POST" else 200
    return render_template("auth/signin.html", form=form, allowed=allowed_here), status


@bp.route("/staff/signin", methods=["GET", "POST"])
@signin_limited
def staff_signin():
    if current_user.is_authenticated and current_user.is_staff:
        return redirect(home_for(current_user))
    form = StaffSignInForm()
    if form.validate_on_submit():
        result = accounts.check_secret(
            accounts.find_staff(form.username.data),
            form.password.data,
            attempts=current_app.config["LOCKOUT_ATTEMPTS"],
            minutes=current_app.config["LOCKOUT_MINUTES"],
        )
        if not result.ok:
            db.session.commit()
            flash(_lockout_message(result) if result.reason == "locked"
                  else _("Wrong username or password."), "error")
            return render_template("auth/staff_signin.html", form=form), 401
        _fresh_session()
        session["signed_in_at"] = clock.now().timestamp()
        session.permanent = True
        login_user(result.user)
        db.session.commit()
        return redirect(safe_next(request.args.get("next")) or home_for(result.user))
    status = 400 if request.method == "POST" else 200
    return render_template("auth/staff_signin.html", form=form), status


def _fresh_session() -> None:
    """No session fixation: sign-in starts a new session whose content (and so whose signed
    cookie) nobody has seen before; only the chosen language is kept."""
    lang = session.get("lang")
    session.clear()
    session["nonce"] = secrets.token_urlsafe(16)
    if lang:
        session["lang"] = lang


@bp.post("/signout")
def signout():
    was_staff = current_user.is_authenticated and current_user.is_staff
    ks = g.get("kiosk_session")
    if ks is not None:
        terminals.end_session(ks, "signout")
    if was_staff:  # every copy of this person's staff session ends, on every server
        accounts.end_sessions(current_user._get_current_object())
    lang = session.get("lang")
    logout_user()
    session.clear()
    if lang:
        session["lang"] = lang
    db.session.commit()
    flash(_("You have signed out. Goodbye!"), "info")
    return redirect(url_for("auth.staff_signin" if was_staff else "auth.signin"))


@bp.post("/language")
def set_language():
    """The language switch: a button per language. The choice is saved on the session, the
    signed-in person and the enrolled kiosk, then the same page is shown again."""
    form = LanguageForm()
    if not form.validate_on_submit() or form.lang.data not in SUPPORTED_LOCALES:
        abort(400)
    save_choice(form.lang.data)
    db.session.commit()
    return redirect(safe_next(form.next.data) or (
        home_for(current_user) if current_user.is_authenticated else url_for("auth.signin")))


@bp.post("/kiosk/keepalive")
def keepalive():
    """The idle warning's "I'm still here": any learner request counts as activity."""
    if not current_user.is_authenticated:
        return {"signed_in": False}, 401
    if not current_user.is_learner:
        abort(404)
    return {"signed_in": True, "idle_seconds": current_app.config["KIOSK_IDLE_SECONDS"]}


@bp.route("/enroll", methods=["GET", "POST"])
def enroll():
    """Typed on the kiosk itself: turns this browser into an enrolled terminal."""
    form = EnrollForm()
    if form.validate_on_submit():
        try:
            terminal, secret = terminals.enroll(form.code.data)
        except terminals.TerminalError as exc:
            flash({
                "used": _("This code was already used."),
                "expired": _("This code has expired. Ask for a new one."),
            }.get(exc.code, _("Unknown code. Check it and try again.")), "error")
            return render_template("auth/enroll.html", form=form), 400
        db.session.commit()
        flash(_("This kiosk is now enrolled as “%(name)s” at %(facility)s.",
                name=terminal.name, facility=terminal.facility.name), "success")
        response = redirect(url_for("auth.signin"))
        return set_terminal_cookie(
            response,
            terminals.cookie_value(terminal, secret, current_app.config["SECRET_KEY"]),
        )
    return render_template("auth/enroll.html", form=form, terminal=g.get("terminal"))
