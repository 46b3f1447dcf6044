"""Officers' pages: learners and kiosks of their facility (admins: every facility)."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..audit.services import record as audit
from ..auth import services as accounts
from ..auth.access import ensure_facility, officer_required, staff_required
from ..auth.models import Role, User
from ..extensions import db
from ..terminals import services as terminal_services
from ..terminals.models import KioskSession, Terminal
from . import bp, services
from .forms import ActionForm, EnrollmentCodeForm, PinForm


def _learner_or_404(learner_id: int) -> User:
    learner = db.session.get(User, learner_id)
    if learner is None or learner.role is not Role.LEARNER:
        abort(404)
    ensure_facility(current_user, learner.facility_id)
    return learner


@bp.get("/")
@staff_required
def index():
    if current_user.role is Role.LECTURER:
        return render_template("review/lecturer_home.html")
    search = request.args.get("q", "")
    page = max(request.args.get("page", 1, type=int) or 1, 1)
    learners, total = services.learners(current_user, search, page)
    return render_template("review/learners.html", learners=learners, total=total,
                           search=search, page=page, page_size=services.PAGE_SIZE)


@bp.get("/learners/<int:learner_id>")
@officer_required
def learner(learner_id: int):
    learner = _learner_or_404(learner_id)
    audit(current_user, "learner.view", subject=learner, ip=request.remote_addr)
    db.session.commit()
    return render_template("review/learner.html", learner=learner, pin_form=PinForm(),
                           action_form=ActionForm(), locked=accounts.is_locked(learner))


@bp.post("/learners/<int:learner_id>/unlock")
@officer_required
def unlock_learner(learner_id: int):
    learner = _learner_or_404(learner_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    accounts.unlock(learner)
    audit(current_user, "learner.unlock", subject=learner, ip=request.remote_addr)
    db.session.commit()
    flash(_("The account is unlocked."), "success")
    return redirect(url_for("review.learner", learner_id=learner.id))


@bp.post("/learners/<int:learner_id>/pin")
@officer_required
def reset_pin(learner_id: int):
    learner = _learner_or_404(learner_id)
    form = PinForm()
    if not form.validate_on_submit():
        flash(_("The PIN must be 4 to 6 digits."), "error")
        return redirect(url_for("review.learner", learner_id=learner.id))
    accounts.set_pin(learner, form.pin.data)
    terminal_services.end_sessions(user=learner, reason="ended")
    audit(current_user, "learner.pin_reset", subject=learner, ip=request.remote_addr)
    db.session.commit()
    flash(_("The new PIN is set and the account is unlocked."), "success")
    return redirect(url_for("review.learner", learner_id=learner.id))


@bp.route("/terminals", methods=["GET", "POST"])
@officer_required
def terminals():
    form = EnrollmentCodeForm()
    form.facility_id.choices = [(f.id, f.name) for f in services.facilities(current_user)]
    new_code = None
    if form.validate_on_submit():
        facility = next(f for f in services.facilities(current_user) if f.id == form.facility_id.data)
        _code, new_code = terminal_services.create_enrollment_code(
            facility, form.name.data, current_user, current_app.config["ENROLLMENT_CODE_MINUTES"])
        audit(current_user, "terminal.code", facility_id=facility.id, name=form.name.data,
              ip=request.remote_addr)
        db.session.commit()
    return render_template("review/terminals.html", rows=services.terminals(current_user),
                           form=form, new_code=new_code, action_form=ActionForm(),
                           minutes=current_app.config["ENROLLMENT_CODE_MINUTES"])


@bp.post("/terminals/<int:terminal_id>/retire")
@officer_required
def retire_terminal(terminal_id: int):
    terminal = db.session.get(Terminal, terminal_id) or abort(404)
    ensure_facility(current_user, terminal.facility_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    terminal_services.retire(terminal)
    audit(current_user, "terminal.retire", facility_id=terminal.facility_id, terminal=terminal.id,
          ip=request.remote_addr)
    db.session.commit()
    flash(_("The kiosk is retired."), "success")
    return redirect(url_for("review.terminals"))


@bp.post("/sessions/<int:session_id>/end")
@officer_required
def end_session(session_id: int):
    ks = db.session.get(KioskSession, session_id) or abort(404)
    ensure_facility(current_user, ks.user.facility_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    terminal_services.end_session(ks, "ended")
    audit(current_user, "session.end", subject=ks.user, ip=request.remote_addr)
    db.session.commit()
    flash(_("The session is ended."), "success")
    return redirect(url_for("review.terminals"))
