"""Officers' pages: the learner list and a learner's record with its account actions and the
modules opened for the learner."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..accounts import services as accounts
from ..accounts.access import ensure_facility, officer_required, staff_required
from ..accounts.models import Role, Unit
from ..audit.services import record as audit
from ..content.models import Module
from ..extensions import db
from ..forms import choices
from ..i18n import current_language
from ..learn import placement
from ..learn.visibility import published_courses
from ..staff import record
from ..staff.forms import ActionForm, AssignForm, TransferForm
from ..staff.lookup import learner_or_404
from ..terminals import services as terminal_services
from . import bp, services
from .forms import PinForm


@bp.get("/")
@staff_required
def index():
    if current_user.role is Role.LECTURER:
        return render_template("review/lecturer_home.html")
    search = request.args.get("q", "")
    page = max(request.args.get("page", 1, type=int) or 1, 1)
    sort = request.args.get("sort", "number")
    unit_id = request.args.get("unit", type=int) or None
    if unit_id:
        unit = db.session.get(Unit, unit_id) or abort(404)
        ensure_facility(current_user, unit.facility_id)
    rows, total = services.learners(current_user, search, page, sort, unit_id)
    return render_template("review/learners.html", rows=rows, total=total, search=search,
                           page=page, page_size=services.PAGE_SIZE, sort=sort, unit_id=unit_id,
                           units=services.units(current_user), sorts=services.SORTS)


@bp.get("/learners/<int:learner_id>")
@officer_required
def learner(learner_id: int):
    learner = learner_or_404(learner_id)
    audit(current_user, "learner.view", subject=learner, ip=request.remote_addr)
    db.session.commit()
    assign_form = AssignForm()
    lang = current_language()
    assign_form.course_id.choices = choices((c.id, c.title(lang)) for c in published_courses())
    transfer_form = None
    if current_user.role is Role.ADMIN:
        transfer_form = TransferForm()
        transfer_form.set_choices()
    return render_template("review/learner.html", learner=learner, pin_form=PinForm(),
                           action_form=ActionForm(), locked=accounts.is_locked(learner),
                           record=record.build(learner, lang), assign_form=assign_form,
                           transfer_form=transfer_form, lang=lang)


@bp.post("/learners/<int:learner_id>/unlock")
@officer_required
def unlock_learner(learner_id: int):
    learner = learner_or_404(learner_id)
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
    learner = learner_or_404(learner_id)
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


@bp.post("/learners/<int:learner_id>/release")
@officer_required
def release_learner(learner_id: int):
    """On release: sign-in is blocked, open kiosk sessions end, the history stays."""
    learner = learner_or_404(learner_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    learner.active = False
    learner.session_version += 1
    terminal_services.end_sessions(user=learner, reason="ended")
    audit(current_user, "learner.release", subject=learner, ip=request.remote_addr)
    db.session.commit()
    flash(_("The learner is marked as released and can no longer sign in. The record is kept."),
          "success")
    return redirect(url_for("review.learner", learner_id=learner.id))


@bp.post("/learners/<int:learner_id>/readmit")
@officer_required
def readmit_learner(learner_id: int):
    learner = learner_or_404(learner_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    learner.active = True
    audit(current_user, "learner.readmit", subject=learner, ip=request.remote_addr)
    db.session.commit()
    flash(_("The learner can sign in again."), "success")
    return redirect(url_for("review.learner", learner_id=learner.id))



def _module_or_404(module_id: int) -> Module:
    module = db.session.get(Module, module_id)
    if module is None or module.course.published_at is None:
        abort(404)
    return module


@bp.post("/learners/<int:learner_id>/modules/<int:module_id>/open")
@officer_required
def open_module(learner_id: int, module_id: int):
    """Open a module for one learner: its lessons unlock and count as done (audited)."""
    learner = learner_or_404(learner_id)
    module = _module_or_404(module_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    if placement.open_module(current_user, learner, module) is not None:
        audit(current_user, "learner.module_open", subject=learner, ip=request.remote_addr,
              course_id=module.course_id, module_id=module.id, module=module.key)
        flash(_("The module is open for this learner."), "success")
    db.session.commit()
    return redirect(url_for("review.learner", learner_id=learner.id, _anchor="modules"))


@bp.post("/learners/<int:learner_id>/modules/<int:module_id>/close")
@officer_required
def close_module(learner_id: int, module_id: int):
    """Close a module opened for one learner, by placement or by an officer (audited)."""
    learner = learner_or_404(learner_id)
    module = _module_or_404(module_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    closed = placement.close_module(learner, module)
    if closed is not None:
        audit(current_user, "learner.module_close", subject=learner, ip=request.remote_addr,
              course_id=module.course_id, module_id=module.id, module=module.key,
              opened_by=closed.why.value)
        flash(_("The module is closed again: its lessons count when the learner does them."),
              "success")
    db.session.commit()
    return redirect(url_for("review.learner", learner_id=learner.id, _anchor="modules"))
