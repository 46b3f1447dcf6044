"""Administrators: facilities, units and staff accounts."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from sqlalchemy import select

from ..accounts import services as accounts
from ..accounts.access import admin_required
from ..accounts.messages import account_error
from ..accounts.models import Facility, Role, Unit, User
from ..audit.services import record as audit
from ..extensions import db
from ..forms import choices
from ..staff.forms import ActionForm, TransferForm
from ..staff.lookup import learner_or_404
from . import bp, services
from .forms import AuditFilterForm, FacilityForm, NewPasswordForm, StaffForm, UnitForm

TRANSFER_ERRORS = {
    "unit": _l("The unit does not belong to the new facility."),
    "same": _l("The learner is already there."),
    "learner": _l("Only learners can be transferred."),
}


def _staff_form() -> StaffForm:
    form = StaffForm()
    form.facility_id.choices = choices(
        [(0, "—")] + [(f.id, f.name) for f, _n in services.facility_overview()])
    return form


@bp.get("/")
@admin_required
def index():
    return render_template("admin/index.html", facilities=services.facility_overview(),
                           staff=services.staff(), facility_form=FacilityForm(),
                           unit_form=UnitForm(), staff_form=_staff_form())


@bp.post("/facilities")
@admin_required
def create_facility():
    form = FacilityForm()
    if form.validate_on_submit():
        try:
            facility = services.create_facility(form.code.data, form.name.data)
        except services.FacilityError:
            flash(_("A facility with this code already exists."), "error")
        else:
            audit(current_user, "facility.create", facility_id=facility.id, ip=request.remote_addr)
            db.session.commit()
            flash(_("The facility is created."), "success")
    else:
        flash(_("Check the facility's code and name."), "error")
    return redirect(url_for("admin.index"))


@bp.post("/facilities/<int:facility_id>/units")
@admin_required
def add_unit(facility_id: int):
    facility = db.session.get(Facility, facility_id) or abort(404)
    form = UnitForm()
    if form.validate_on_submit():
        try:
            services.add_unit(facility, form.name.data)
        except services.FacilityError:
            flash(_("This facility already has a unit with this name."), "error")
        else:
            db.session.commit()
            flash(_("The unit is added."), "success")
    return redirect(url_for("admin.index"))


@bp.post("/staff")
@admin_required
def create_staff():
    form = _staff_form()
    if not form.validate_on_submit():
        flash(_("Check the form: every field is required and the password needs 8 characters."),
              "error")
        return redirect(url_for("admin.index"))
    facility = db.session.get(Facility, form.facility_id.data) if form.facility_id.data else None
    try:
        user = accounts.create_staff(form.username.data, form.full_name.data,
                                     Role(form.role.data), form.password.data, facility,
                                     reviewer=form.reviewer.data)
    except accounts.AccountError as exc:
        flash(account_error(exc), "error")
        return redirect(url_for("admin.index"))
    if user.role is Role.LECTURER and facility is not None:
        user.teaching_facilities.append(facility)
    audit(current_user, "staff.create", subject=user, ip=request.remote_addr)
    db.session.commit()
    flash(_("The account %(username)s is created.", username=user.username), "success")
    return redirect(url_for("admin.index"))


def _staff_or_404(user_id: int) -> User:
    user = db.session.get(User, user_id)
    if user is None or not user.is_staff:
        abort(404)
    return user


@bp.get("/staff/<int:user_id>")
@admin_required
def staff_account(user_id: int):
    """One staff account: end its sessions, set a new password, close or reopen it."""
    return render_template("admin/staff_account.html", user=_staff_or_404(user_id),
                           action_form=ActionForm(), password_form=NewPasswordForm())


# What each account action does, and what the audit log calls it.
STAFF_ACTIONS = {
    "end-sessions": ("staff.end_sessions", accounts.end_sessions,
                     _l("Every session of this person has ended, on every computer.")),
    "disable": ("staff.disable", accounts.disable,
                _l("The account is closed and its sessions have ended.")),
    "enable": ("staff.enable", accounts.enable, _l("The account is open again.")),
}


@bp.post("/staff/<int:user_id>/<any('end-sessions', disable, enable):action>")
@admin_required
def staff_action(user_id: int, action: str):
    user = _staff_or_404(user_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    if action == "disable" and user.id == current_user.id:
        flash(_("You cannot close your own account."), "error")
        return redirect(url_for("admin.staff_account", user_id=user.id))
    name, change, message = STAFF_ACTIONS[action]
    change(user)
    audit(current_user, name, subject=user, ip=request.remote_addr)
    db.session.commit()
    flash(str(message), "success")
    return redirect(url_for("admin.staff_account", user_id=user.id))


@bp.post("/staff/<int:user_id>/password")
@admin_required
def set_staff_password(user_id: int):
    user = _staff_or_404(user_id)
    form = NewPasswordForm()
    if not form.validate_on_submit():
        flash(_("A password needs at least 8 characters."), "error")
        return redirect(url_for("admin.staff_account", user_id=user.id))
    accounts.set_password(user, form.password.data)
    audit(current_user, "staff.password", subject=user, ip=request.remote_addr)
    db.session.commit()
    flash(_("The password is changed; every session of this person has ended."), "success")
    return redirect(url_for("admin.staff_account", user_id=user.id))


@bp.post("/learners/<int:learner_id>/transfer")
@admin_required
def transfer_learner(learner_id: int):
    """Move a learner to another facility with their whole history (administrators only)."""
    learner = learner_or_404(learner_id)
    form = TransferForm()
    form.set_choices()
    if not form.validate_on_submit():
        flash(_("Choose the new facility."), "error")
        return redirect(url_for("review.learner", learner_id=learner.id))
    facility = db.session.get(Facility, form.facility_id.data) or abort(404)
    unit = db.session.get(Unit, form.unit_id.data) if form.unit_id.data else None
    try:
        old = services.transfer_learner(learner, facility, unit)
    except services.FacilityError as exc:
        flash(str(TRANSFER_ERRORS.get(str(exc), exc)), "error")
        return redirect(url_for("review.learner", learner_id=learner.id))
    audit(current_user, "learner.transfer", subject=learner, facility_id=old.id if old else None,
          ip=request.remote_addr, to_facility=facility.id, to_unit=unit.id if unit else None,
          from_facility=old.id if old else None)
    db.session.commit()
    flash(_("The learner is transferred to %(facility)s.", facility=facility.name), "success")
    return redirect(url_for("review.learner", learner_id=learner.id))


@bp.get("/audit")
@admin_required
def audit_log():
    """Browse the audit log: who did what, to whom, when, from where."""
    form = AuditFilterForm(request.args)
    actions = services.audit_actions()
    facilities = list(db.session.scalars(select(Facility).order_by(Facility.name)))
    form.action.choices = choices([("", _("Any action"))] + [(a, a) for a in actions])
    form.facility.choices = choices(
        [(0, _("Any facility"))] + [(f.id, f.name) for f in facilities])
    page = max(request.args.get("page", 1, type=int) or 1, 1)
    valid = form.validate()
    rows, total = services.audit_entries(
        form.action.data or None, form.actor.data or None, form.learner.data or None,
        form.facility.data or None, form.start.data if valid else None,
        form.end.data if valid else None, page=page)
    args = {k: v for k, v in request.args.items() if k != "page" and v}
    return render_template("admin/audit.html", form=form, rows=rows, total=total, page=page,
                           size=100, args=args, facilities={f.id: f.name for f in facilities})
