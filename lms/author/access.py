"""Who may do what in the studio.

Lecturers edit the courses they own or were given (``CourseStaff``), administrators every
course; officers never edit content. Reviewers (``User.is_reviewer``) and administrators may
read any course sent for review. A course someone may not open does not exist for them (404).
"""

from __future__ import annotations

from flask import abort
from flask_login import current_user
from sqlalchemy import select

from ..accounts.access import role_required
from ..accounts.models import Role, User
from ..content.models import Course
from ..extensions import db
from ..staff.models import OWNER, CourseStaff
from .publishing import can_review

editor_required = role_required(Role.LECTURER, Role.ADMIN)
reviewer_required = role_required(Role.LECTURER, Role.OFFICER, Role.ADMIN)


def staff_role(user: User, course: Course) -> str | None:
    """"owner" or "editor" for a lecturer of the course, else None."""
    return db.session.scalar(select(CourseStaff.role).where(
        CourseStaff.course_id == course.id, CourseStaff.user_id == user.id))


def can_edit(user: User, course: Course) -> bool:
    if user.role is Role.ADMIN:
        return True
    return user.role is Role.LECTURER and staff_role(user, course) is not None


def can_share(user: User, course: Course) -> bool:
    return user.role is Role.ADMIN or (user.role is Role.LECTURER
                                       and staff_role(user, course) == OWNER)


def course_or_404(course_id: int, *, share: bool = False, review: bool = False) -> Course:
    """The course if the signed-in user may edit it (or share it, or review it)."""
    course = db.session.get(Course, course_id)
    if course is None:
        abort(404)
    allowed = can_share(current_user, course) if share else can_edit(current_user, course)
    if not allowed and not (review and can_review(current_user)):
        abort(404)
    return course


def courses_for(user: User) -> list[tuple[Course, str | None]]:
    """The courses a user works on, with their part in each (administrators: every course)."""
    if user.role is Role.ADMIN:
        roles = dict(db.session.execute(select(CourseStaff.course_id, CourseStaff.role)
                                        .where(CourseStaff.user_id == user.id)).all())
        courses = db.session.scalars(select(Course).order_by(Course.slug))
        return [(c, roles.get(c.id)) for c in courses]
    rows = db.session.execute(
        select(Course, CourseStaff.role).join(CourseStaff, CourseStaff.course_id == Course.id)
        .where(CourseStaff.user_id == user.id).order_by(Course.slug))
    return [(course, role) for course, role in rows]


def lecturers() -> list[User]:
    """Who a course can be shared with."""
    return list(db.session.scalars(
        select(User).where(User.role == Role.LECTURER, User.active.is_(True))
        .order_by(User.full_name)))
