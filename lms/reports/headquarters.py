"""Every facility side by side, for administrators: one grouped query per figure."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import and_, case, distinct, func, select

from .. import clock
from ..accounts.access import scope_query
from ..accounts.models import Facility, Role, User
from ..content.models import Lesson
from ..extensions import db
from ..learn.models import ActivityDay, Certificate, LessonProgress, PlanItem, Status
from ..staff import stats


@dataclass
class FacilityRow:
    facility: Facility
    learners: int = 0
    active_7: int = 0
    active_30: int = 0
    lessons_done: int = 0
    average_score: float | None = None
    courses_done: int = 0
    planned_lessons: int = 0
    planned_done: int = 0
    with_plan: int = 0
    overdue: int = 0

    @property
    def share(self) -> float:
        return self.planned_done / self.planned_lessons if self.planned_lessons else 0.0


def overview(viewer: User, today: date | None = None) -> list[FacilityRow]:
    """One row per facility ``viewer`` may see (administrators: all of them)."""
    today = today or clock.now().date()
    rows = {f.id: FacilityRow(f) for f in db.session.scalars(
        scope_query(select(Facility).order_by(Facility.name), viewer, Facility.id))}
    learner = and_(User.role == Role.LEARNER, User.active.is_(True))
    counted = stats.counted_lessons()
    queries = {
        ("learners",): select(User.facility_id, func.count(User.id)).where(learner),
        ("active_7", "active_30"): select(
            User.facility_id,
            func.count(distinct(case((ActivityDay.day >= today - timedelta(days=6),
                                      ActivityDay.user_id)))),
            func.count(distinct(ActivityDay.user_id)))
        .join(User, User.id == ActivityDay.user_id)
        .where(learner, ActivityDay.day >= today - timedelta(days=29)),
        ("lessons_done", "average_score"): select(
            User.facility_id, func.count(LessonProgress.id), func.avg(LessonProgress.score))
        .join(User, User.id == LessonProgress.user_id)
        .where(learner, LessonProgress.status == Status.DONE),
        ("courses_done",): select(User.facility_id, func.count(Certificate.id))
        .join(User, User.id == Certificate.user_id).where(learner),
        ("planned_lessons", "with_plan", "overdue"): select(
            User.facility_id, func.sum(counted.c.n), func.count(distinct(PlanItem.user_id)),
            func.count(distinct(case((and_(stats.overdue(today), stats.open_plan_item()),
                                      PlanItem.user_id)))))
        .join(User, User.id == PlanItem.user_id)
        .join(counted, counted.c.course_id == PlanItem.course_id)
        .where(learner, PlanItem.removed_at.is_(None)),
        ("planned_done",): select(User.facility_id, func.count(LessonProgress.id))
        .join(User, User.id == LessonProgress.user_id)
        .join(Lesson, Lesson.id == LessonProgress.lesson_id)
        .join(PlanItem, and_(PlanItem.user_id == LessonProgress.user_id,
                             PlanItem.course_id == LessonProgress.course_id,
                             PlanItem.removed_at.is_(None)))
        .where(learner, LessonProgress.status == Status.DONE, stats.counted_lesson()),
    }
    for names, stmt in queries.items():
        stmt = scope_query(stmt.group_by(User.facility_id), viewer, User.facility_id)
        for facility_id, *values in db.session.execute(stmt):
            row = rows.get(facility_id)
            if row is None:
                continue
            for name, value in zip(names, values, strict=True):
                if name == "average_score":
                    setattr(row, name, float(value) if value is not None else None)
                else:
                    setattr(row, name, int(value or 0))
    return list(rows.values())
