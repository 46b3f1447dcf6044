"""Officers put courses in learners' plans: one learner, or a whole unit at once."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from ..accounts.access import ensure_facility, officer_required, scope_query
from ..accounts.models import Unit
from ..audit.services import record as audit
from ..content.models import Course
from ..extensions import db
from ..forms import choices
from ..i18n import current_language
from ..learn.models import PlanItem
from ..learn.visibility import published_courses
from ..staff.forms import ActionForm, AssignForm
from ..staff.lookup import learner_or_404
from . import bp, services
from .forms import UnitAssignForm

PLAN_ERRORS = {
    "course": _l("This course is not open to learners."),
    "inactive": _l("This learner is released: the plan cannot change."),
}


def _course_choices(form: AssignForm) -> list[Course]:
    courses = published_courses()
    lang = current_language()
    form.course_id.choices = choices((c.id, c.title(lang)) for c in courses)
    return courses


def _visible_units() -> list[Unit]:
    return list(db.session.scalars(scope_query(
        select(Unit).options(joinedload(Unit.facility)).order_by(Unit.facility_id, Unit.name),
        current_user, Unit.facility_id)))


def _error(exc: services.PlanError) -> str:
    return str(PLAN_ERRORS.get(str(exc), exc))


@bp.route("/", methods=["GET", "POST"])
@officer_required
def assign():
    """Assign a course to every learner of a unit, and see the plans unit by unit."""
    form = UnitAssignForm()
    courses = _course_choices(form)
    units = _visible_units()
    form.unit_id.choices = choices((u.id, f"{u.name} ({u.facility.name})") for u in units)
    if form.validate_on_submit():
        unit = db.session.get(Unit, form.unit_id.data) or abort(404)
        ensure_facility(current_user, unit.facility_id)
        course = db.session.get(Course, form.course_id.data) or abort(404)
        try:
            learners = services.assign_to_unit(current_user, unit, course, form.due_date.data)
        except services.PlanError as exc:
            flash(_error(exc), "error")
            return redirect(url_for("plans.assign"))
        for learner in learners:
            audit(current_user, "plan.assign", subject=learner, ip=request.remote_addr,
                  course=course.slug, due=str(form.due_date.data or ""), unit=unit.id)
        db.session.commit()
        flash(ngettext("The course is in the plan of %(num)d learner.",
                       "The course is in the plans of %(num)d learners.", len(learners)),
              "success")
        return redirect(url_for("plans.assign"))
    if request.method == "POST":
        flash(_("Choose a unit and a course; the due date is a day like 2027-03-31."), "error")
    return render_template("plans/assign.html", form=form, units=units, courses=courses,
                           matrix=services.unit_matrix(current_user, units))


@bp.post("/learners/<int:learner_id>")
@officer_required
def assign_learner(learner_id: int):
    learner = learner_or_404(learner_id)
    form = AssignForm()
    _course_choices(form)
    if not form.validate_on_submit():
        flash(_("Choose a course; the due date is a day like 2027-03-31."), "error")
        return redirect(url_for("review.learner", learner_id=learner.id))
    course = db.session.get(Course, form.course_id.data) or abort(404)
    try:
        services.assign_course(current_user, learner, course, form.due_date.data)
    except services.PlanError as exc:
        flash(_error(exc), "error")
        return redirect(url_for("review.learner", learner_id=learner.id))
    audit(current_user, "plan.assign", subject=learner, ip=request.remote_addr,
          course=course.slug, due=str(form.due_date.data or ""))
    db.session.commit()
    flash(_("The course is in the plan."), "success")
    return redirect(url_for("review.learner", learner_id=learner.id, _anchor="plan"))


@bp.post("/items/<int:item_id>/remove")
@officer_required
def remove_item(item_id: int):
    item = db.session.get(PlanItem, item_id) or abort(404)
    learner = learner_or_404(item.user_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    services.remove(item)
    audit(current_user, "plan.unassign", subject=learner, ip=request.remote_addr,
          course=item.course.slug)
    db.session.commit()
    flash(_("The course is taken out of the plan."), "success")
    return redirect(url_for("review.learner", learner_id=learner.id, _anchor="plan"))
