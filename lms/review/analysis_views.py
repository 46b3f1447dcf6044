"""Course and question analysis: officers (their facility) and the course's lecturers."""

from __future__ import annotations

from flask import abort, render_template, request
from flask_login import current_user
from sqlalchemy import select

from ..accounts.access import staff_required
from ..accounts.models import Role, User
from ..content.models import Course
from ..extensions import db
from ..i18n import current_language
from ..staff.filters import choices, from_args
from ..staff.models import CourseStaff
from . import analysis, bp


def _courses_for(user: User):
    stmt = select(Course).where(Course.published_at.is_not(None))
    if user.role is Role.LECTURER:
        stmt = stmt.join(CourseStaff, CourseStaff.course_id == Course.id).where(
            CourseStaff.user_id == user.id)
    return stmt.order_by(Course.category, Course.level, Course.id)


@bp.get("/courses")
@staff_required
def courses():
    return render_template("review/courses.html",
                           courses=list(db.session.scalars(_courses_for(current_user))))


@bp.get("/courses/<int:course_id>")
@staff_required
def course_analysis(course_id: int):
    course = db.session.scalar(_courses_for(current_user).where(Course.id == course_id))
    if course is None:  # not a course, or a lecturer who does not teach it
        abort(404)
    filters = from_args(current_user, request.args)
    options = choices(current_user, filters)
    lang = current_language()
    return render_template("review/course_analysis.html", course=course, filters=filters,
                           options=options, lang=lang,
                           result=analysis.analyse(current_user, course, filters, lang))
