"""Sharing a course with other lecturers (its owner or an administrator decides)."""

from __future__ import annotations

from flask_babel import gettext as _
from sqlalchemy import select

from ..accounts.models import Role, User
from ..audit.services import record as audit
from ..content.models import Course
from ..extensions import db
from ..staff.models import EDITOR, OWNER, CourseStaff
from .drafts import StudioError


def members(course: Course) -> list[CourseStaff]:
    return list(db.session.scalars(
        select(CourseStaff).where(CourseStaff.course_id == course.id)
        .order_by(CourseStaff.role.desc(), CourseStaff.added_at)))


def share(course: Course, lecturer: User, by: User) -> CourseStaff:
    if lecturer.role is not Role.LECTURER or not lecturer.active:
        raise StudioError(_("A course can only be shared with a lecturer."))
    found = next((m for m in members(course) if m.user_id == lecturer.id), None)
    if found is not None:
        return found
    member = CourseStaff(course_id=course.id, user_id=lecturer.id, role=EDITOR)
    db.session.add(member)
    db.session.flush()
    audit(by, "course.share", course=course.slug, lecturer=lecturer.username)
    return member


def unshare(course: Course, member: CourseStaff, by: User) -> None:
    if member.role == OWNER:
        raise StudioError(_("The owner of a course cannot be removed."))
    db.session.delete(member)
    db.session.flush()
    audit(by, "course.unshare", course=course.slug, lecturer=member.user.username)
