"""Assigning courses to learners' plans. Plain functions; they add and flush, never commit."""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select

from .. import clock
from ..accounts.access import scope_query
from ..accounts.models import Role, Unit, User
from ..content.models import Course
from ..extensions import db
from ..learn.models import PlanItem


class PlanError(ValueError):
    """A plan change the rules refuse: "course" (not open to learners), "inactive"."""


def _check(course: Course) -> None:
    if course.published_at is None or course.retired_at is not None:
        raise PlanError("course")


def _put(item: PlanItem | None, officer: User, learner_id: int, course: Course,
         due: date | None) -> PlanItem:
    if item is None:
        item = PlanItem(user_id=learner_id, course_id=course.id)
        db.session.add(item)
    item.due_date = due
    item.assigned_by_id = officer.id
    item.assigned_at = clock.now()
    item.removed_at = None
    return item


def assign_course(officer: User, learner: User, course: Course,
                  due: date | None = None) -> PlanItem:
    """Put ``course`` in the learner's plan (or change its due date, or bring it back)."""
    _check(course)
    if not learner.active:
        raise PlanError("inactive")
    item = db.session.scalar(select(PlanItem).where(PlanItem.user_id == learner.id,
                                                    PlanItem.course_id == course.id))
    item = _put(item, officer, learner.id, course, due)
    db.session.flush()
    return item


def assign_to_unit(officer: User, unit: Unit, course: Course,
                   due: date | None = None) -> list[User]:
    """Put ``course`` in the plan of every active learner of ``unit``; returns them."""
    _check(course)
    learners = list(db.session.scalars(scope_query(
        select(User).where(User.unit_id == unit.id, User.role == Role.LEARNER,
                           User.active.is_(True)).order_by(User.learner_number),
        officer, User.facility_id)))
    existing = {item.user_id: item for item in db.session.scalars(
        select(PlanItem).where(PlanItem.course_id == course.id,
                               PlanItem.user_id.in_([u.id for u in learners])))} if learners else {}
    for learner in learners:
        _put(existing.get(learner.id), officer, learner.id, course, due)
    db.session.flush()
    return learners


def remove(item: PlanItem) -> None:
    """Take a course out of the plan; the row stays as history."""
    if item.removed_at is None:
        item.removed_at = clock.now()


def unit_matrix(viewer: User, units: list[Unit]) -> dict[tuple[int, int], int]:
    """How many active learners of each unit have each course in their plan (one query)."""
    if not units:
        return {}
    stmt = scope_query(
        select(User.unit_id, PlanItem.course_id, func.count(PlanItem.id))
        .join(User, User.id == PlanItem.user_id)
        .where(PlanItem.removed_at.is_(None), User.active.is_(True),
               User.unit_id.in_([u.id for u in units]))
        .group_by(User.unit_id, PlanItem.course_id), viewer, User.facility_id)
    return {(unit_id, course_id): n for unit_id, course_id, n in db.session.execute(stmt)}
