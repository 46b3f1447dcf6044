"""Building blocks shared by the reports: lessons a course counts, plans, last activity.

Each function returns a statement or subquery to compose; none of them runs a query."""

from __future__ import annotations

from datetime import date

from sqlalchemy import and_, exists, func, select

from ..accounts.models import User
from ..content.models import Lesson
from ..learn.models import ActivityDay, Certificate, PlanItem


def counted_lessons():
    """Per course, the number of lessons its completion needs (as ``learn`` counts them)."""
    return (
        select(Lesson.course_id.label("course_id"), func.count(Lesson.id).label("n"))
        .where(Lesson.retired_at.is_(None), Lesson.placement.is_(False))
        .group_by(Lesson.course_id)
        .subquery("counted")
    )


def counted_lesson():
    """The condition that a lesson counts towards its course's completion."""
    return and_(Lesson.retired_at.is_(None), Lesson.placement.is_(False))


def course_done(user_id, course_id):
    """True when the learner holds the course's certificate."""
    return exists().where(Certificate.user_id == user_id, Certificate.course_id == course_id)


def open_plan_item():
    """A plan item still in the plan whose course the learner has not completed."""
    return and_(PlanItem.removed_at.is_(None), ~course_done(PlanItem.user_id, PlanItem.course_id))


def last_active_day():
    """The learner's last day with any learning activity (a correlated scalar subquery)."""
    return (
        select(func.max(ActivityDay.day)).where(ActivityDay.user_id == User.id)
        .correlate(User).scalar_subquery()
    )


def plan_status(items: int, done: int, overdue: int) -> str:
    """"none", "done", "overdue" or "on_track" for a learner's plan."""
    if not items:
        return "none"
    if done >= items:
        return "done"
    return "overdue" if overdue else "on_track"


def overdue(today: date):
    return and_(PlanItem.due_date.is_not(None), PlanItem.due_date < today)
