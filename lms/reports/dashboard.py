"""The facility dashboard: a fixed number of aggregate queries, whatever the number of learners."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from sqlalchemy import and_, case, distinct, func, or_, select

from .. import clock
from ..accounts.models import Unit, User
from ..content.models import Course, Lesson
from ..extensions import db
from ..learn.models import ActivityDay, Certificate, LessonProgress, PlanItem, Status
from ..staff import stats
from ..staff.filters import Filters, scoped

ACTIVITY_DAYS = 56  # eight weeks
STALLED_DAYS = 14
STALLED_SHOWN = 50


@dataclass
class CourseRow:
    course: Course
    planned: int = 0
    started: int = 0
    completed: int = 0


@dataclass
class UnitRow:
    unit_id: int | None
    name: str
    learners: int = 0
    planned_lessons: int = 0
    planned_done: int = 0
    lessons_done: int = 0

    @property
    def share(self) -> float:
        return self.planned_done / self.planned_lessons if self.planned_lessons else 0.0


@dataclass
class StalledRow:
    user_id: int
    number: str
    name: str
    unit: str | None
    last_day: date | None
    open_items: int


@dataclass
class Dashboard:
    learners: int = 0
    active_7: int = 0
    active_30: int = 0
    lessons_done: int = 0
    courses_done: int = 0
    average_score: float | None = None
    activity: list[tuple[date, int, int]] = field(default_factory=list)
    courses: list[CourseRow] = field(default_factory=list)
    units: list[UnitRow] = field(default_factory=list)
    stalled: list[StalledRow] = field(default_factory=list)
    stalled_total: int = 0
    stalled_days: int = STALLED_DAYS


def build(viewer: User, filters: Filters, courses: list[Course], units: list[Unit],
          stalled_days: int = STALLED_DAYS, today: date | None = None) -> Dashboard:
    """Everything the dashboard shows, for the learners ``viewer`` may see."""
    today = today or clock.now().date()
    out = Dashboard(stalled_days=stalled_days)
    out.learners = db.session.scalar(
        scoped(select(func.count(User.id)), viewer, filters).where(User.active.is_(True))) or 0
    out.active_7, out.active_30 = _active(viewer, filters, today)
    out.lessons_done, out.average_score = _lessons(viewer, filters)
    out.courses_done = db.session.scalar(_course_filter(
        scoped(select(func.count(Certificate.id)).join(User, User.id == Certificate.user_id),
               viewer, filters), Certificate.course_id, filters)) or 0
    out.activity = _activity(viewer, filters, today)
    out.courses = _courses(viewer, filters, courses)
    out.units = _units(viewer, filters, units)
    out.stalled, out.stalled_total = _stalled(viewer, filters, today, stalled_days)
    return out


def _course_filter(stmt, column, filters: Filters):
    return stmt.where(column == filters.course_id) if filters.course_id else stmt


def _active(viewer: User, filters: Filters, today: date) -> tuple[int, int]:
    week, month = today - timedelta(days=6), today - timedelta(days=29)
    stmt = scoped(
        select(func.count(distinct(case((ActivityDay.day >= week, ActivityDay.user_id)))),
               func.count(distinct(ActivityDay.user_id)))
        .join(User, User.id == ActivityDay.user_id)
        .where(ActivityDay.day >= month), viewer, filters)
    row = db.session.execute(_course_filter(stmt, ActivityDay.course_id, filters)).one()
    return int(row[0] or 0), int(row[1] or 0)


def _lessons(viewer: User, filters: Filters) -> tuple[int, float | None]:
    stmt = scoped(
        select(func.count(LessonProgress.id), func.avg(LessonProgress.score))
        .join(User, User.id == LessonProgress.user_id)
        .where(LessonProgress.status == Status.DONE), viewer, filters)
    done, average = db.session.execute(
        _course_filter(stmt, LessonProgress.course_id, filters)).one()
    return int(done or 0), (float(average) if average is not None else None)


def _activity(viewer: User, filters: Filters, today: date) -> list[tuple[date, int, int]]:
    """Learners and events per day over the last eight weeks, days without any included."""
    first = today - timedelta(days=ACTIVITY_DAYS - 1)
    stmt = scoped(
        select(ActivityDay.day, func.count(distinct(ActivityDay.user_id)),
               func.sum(ActivityDay.events))
        .join(User, User.id == ActivityDay.user_id)
        .where(ActivityDay.day >= first, ActivityDay.day <= today)
        .group_by(ActivityDay.day), viewer, filters)
    rows = {day: (int(n), int(e or 0))
            for day, n, e in db.session.execute(_course_filter(stmt, ActivityDay.course_id,
                                                               filters))}
    days = [first + timedelta(days=i) for i in range(ACTIVITY_DAYS)]
    return [(day, *rows.get(day, (0, 0))) for day in days]


def _courses(viewer: User, filters: Filters, courses: list[Course]) -> list[CourseRow]:
    """Per course: learners who have it in their plan, who started it, who completed it."""
    rows = {c.id: CourseRow(c) for c in courses
            if not filters.course_id or c.id == filters.course_id}
    planned = scoped(select(PlanItem.course_id, func.count(PlanItem.id))
                     .join(User, User.id == PlanItem.user_id)
                     .where(PlanItem.removed_at.is_(None)).group_by(PlanItem.course_id),
                     viewer, filters)
    started = scoped(select(LessonProgress.course_id, func.count(distinct(LessonProgress.user_id)))
                     .join(User, User.id == LessonProgress.user_id)
                     .group_by(LessonProgress.course_id), viewer, filters)
    completed = scoped(select(Certificate.course_id, func.count(Certificate.id))
                       .join(User, User.id == Certificate.user_id)
                       .group_by(Certificate.course_id), viewer, filters)
    for stmt, attr in ((planned, "planned"), (started, "started"), (completed, "completed")):
        for course_id, n in db.session.execute(stmt):
            if course_id in rows:
                setattr(rows[course_id], attr, int(n))
    return [row for row in rows.values() if row.planned or row.started or row.completed]


def _units(viewer: User, filters: Filters, units: list[Unit]) -> list[UnitRow]:
    """Per unit: learners, lessons in their plans, how many of those are done."""
    counted = stats.counted_lessons()
    learners = scoped(select(User.unit_id, func.count(User.id))
                      .where(User.active.is_(True)).group_by(User.unit_id), viewer, filters)
    planned = _course_filter(scoped(
        select(User.unit_id, func.sum(counted.c.n))
        .join(PlanItem, PlanItem.user_id == User.id)
        .join(counted, counted.c.course_id == PlanItem.course_id)
        .where(PlanItem.removed_at.is_(None), User.active.is_(True))
        .group_by(User.unit_id), viewer, filters), PlanItem.course_id, filters)
    done = _course_filter(scoped(
        select(User.unit_id, func.count(LessonProgress.id),
               func.count(PlanItem.id))
        .join(LessonProgress, LessonProgress.user_id == User.id)
        .join(Lesson, Lesson.id == LessonProgress.lesson_id)
        .outerjoin(PlanItem, and_(PlanItem.user_id == User.id,
                                  PlanItem.course_id == LessonProgress.course_id,
                                  PlanItem.removed_at.is_(None)))
        .where(LessonProgress.status == Status.DONE, stats.counted_lesson(),
               User.active.is_(True))
        .group_by(User.unit_id), viewer, filters), LessonProgress.course_id, filters)
    names = {u.id: u.name for u in units}
    rows: dict[int | None, UnitRow] = {}

    def row(unit_id):
        if unit_id not in rows:
            rows[unit_id] = UnitRow(unit_id, names.get(unit_id, ""))
        return rows[unit_id]

    for unit_id, n in db.session.execute(learners):
        row(unit_id).learners = int(n)
    for unit_id, n in db.session.execute(planned):
        row(unit_id).planned_lessons = int(n or 0)
    for unit_id, n_done, n_planned in db.session.execute(done):
        row(unit_id).lessons_done = int(n_done)
        row(unit_id).planned_done = int(n_planned)
    return sorted(rows.values(), key=lambda r: (r.unit_id is None, r.name))


def _stalled(viewer: User, filters: Filters, today: date,
             days: int) -> tuple[list[StalledRow], int]:
    """Active learners with an open plan and no learning activity for ``days`` days.

    A course assigned less than ``days`` ago does not make anyone stalled yet."""
    cutoff = today - timedelta(days=days)
    assigned_before = datetime.combine(cutoff, time.min, tzinfo=clock.now().tzinfo)
    open_items = (
        select(PlanItem.user_id.label("user_id"), func.count(PlanItem.id).label("n"))
        .where(stats.open_plan_item(), PlanItem.assigned_at < assigned_before)
    )
    if filters.course_id:
        open_items = open_items.where(PlanItem.course_id == filters.course_id)
    open_items = open_items.group_by(PlanItem.user_id).subquery("open_items")
    last = stats.last_active_day().label("last_day")
    stmt = scoped(
        select(User.id, User.learner_number, User.full_name, Unit.name, last, open_items.c.n)
        .join(open_items, open_items.c.user_id == User.id)
        .outerjoin(Unit, Unit.id == User.unit_id)
        .where(User.active.is_(True)), viewer, filters)
    inner = stmt.subquery("candidates")
    rows = db.session.execute(
        select(inner).where(or_(inner.c.last_day.is_(None), inner.c.last_day < cutoff))
        .order_by(inner.c.last_day.is_not(None), inner.c.last_day, inner.c.learner_number)
    ).all()
    shown = [StalledRow(r[0], r[1], r[2], r[3], r[4], int(r[5])) for r in rows[:STALLED_SHOWN]]
    return shown, len(rows)
