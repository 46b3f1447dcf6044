"""Kiosks: which terminals are in use and by whom, enrolling, retiring, ending sessions."""

from __future__ import annotations

from flask import abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from .. import clock
from ..accounts.access import ensure_facility, officer_required
from ..accounts.models import Facility
from ..audit.services import record as audit
from ..extensions import db
from ..forms import choices
from ..staff.forms import ActionForm
from ..terminals import services as terminal_services
from ..terminals.models import KioskSession, Terminal
from . import bp, services
from .forms import EnrollmentCodeForm


@bp.route("/terminals", methods=["GET", "POST"])
@officer_required
def terminals():
    form = EnrollmentCodeForm()
    facilities = services.facilities(current_user)
    form.facility_id.choices = choices((f.id, f.name) for f in facilities)
    new_code = None
    if form.validate_on_submit():
        facility = db.session.get(Facility, form.facility_id.data) or abort(404)
        ensure_facility(current_user, facility.id)
        _code, new_code = terminal_services.create_enrollment_code(
            facility, form.name.data, current_user, current_app.config["ENROLLMENT_CODE_MINUTES"])
        audit(current_user, "terminal.code", facility_id=facility.id, name=form.name.data,
              ip=request.remote_addr)
        db.session.commit()
    rows = services.terminals(current_user)
    return render_template("review/terminals.html", rows=rows, form=form, new_code=new_code,
                           action_form=ActionForm(), now=clock.now(),
                           in_use=sum(1 for _t, ks in rows if ks is not None),
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
    audit(current_user, "session.end", subject=ks.user, ip=request.remote_addr,
          terminal=ks.terminal_id)
    db.session.commit()
    flash(_("The session is ended."), "success")
    if request.form.get("back") == "learner":
        return redirect(url_for("review.learner", learner_id=ks.user_id))
    return redirect(url_for("review.terminals"))
