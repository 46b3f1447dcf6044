"""Administrators: facilities, units and staff accounts."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from ..audit.services import record as audit
from ..auth import services as accounts
from ..auth.access import admin_required
from ..auth.messages import account_error
from ..auth.models import Facility, Role
from ..extensions import db
from . import bp, services
from .forms import FacilityForm, StaffForm, UnitForm


def _staff_form() -> StaffForm:
    form = StaffForm()
    form.facility_id.choices = [(0, "—")] + [(f.id, f.name) for f, _n in services.facility_overview()]
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
