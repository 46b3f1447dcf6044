"""Queries officers rely on, always scoped to the facilities they may see."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import Float, and_, cast, func, or_, select
from sqlalchemy.orm import joinedload

from .. import clock
from ..accounts.access import scope_query
from ..accounts.models import Facility, Role, Unit, User
from ..content.models import Lesson
from ..extensions import db
from ..learn.models import LessonProgress, PlanItem, Status
from ..staff import stats
from ..terminals.models import KioskSession, Terminal

PAGE_SIZE = 50
SORTS = ("number", "name", "progress", "activity")


@dataclass
class LearnerRow:
    user: User
    unit: str | None
    facility: str | None
    plan_items: int
    plan_done: int
    plan_overdue: int
    planned_lessons: int
    planned_done: int
    last_day: date | None

    @property
    def plan_status(self) -> str:
        return stats.plan_status(self.plan_items, self.plan_done, self.plan_overdue)


def _per_learner(today: date):
    """Correlated figures for each learner row: plan, plan progress, last activity."""
    counted = stats.counted_lessons()
    active_item = and_(PlanItem.user_id == User.id, PlanItem.removed_at.is_(None))
    plan_items = select(func.count(PlanItem.id)).where(active_item)
    plan_done = plan_items.where(stats.course_done(PlanItem.user_id, PlanItem.course_id))
    plan_overdue = plan_items.where(stats.open_plan_item(), stats.overdue(today))
    planned_lessons = (select(func.coalesce(func.sum(counted.c.n), 0))
                       .select_from(PlanItem).join(counted, counted.c.course_id == PlanItem.course_id)
                       .where(active_item))
    planned_done = (select(func.count(LessonProgress.id))
                    .join(Lesson, Lesson.id == LessonProgress.lesson_id)
                    .join(PlanItem, and_(PlanItem.user_id == LessonProgress.user_id,
                                         PlanItem.course_id == LessonProgress.course_id))
                    .where(LessonProgress.user_id == User.id, LessonProgress.status == Status.DONE,
                           PlanItem.removed_at.is_(None), stats.counted_lesson()))
    return [q.correlate(User).scalar_subquery().label(name) for q, name in (
        (plan_items, "plan_items"), (plan_done, "plan_done"), (plan_overdue, "plan_overdue"),
        (planned_lessons, "planned_lessons"), (planned_done, "planned_done"))] + [
        stats.last_active_day().label("last_day")]


def learners(viewer: User, search: str = "", page: int = 1, sort: str = "number",
             unit_id: int | None = None) -> tuple[list[LearnerRow], int]:
    """Learners visible to ``viewer``, filtered by number or name (any case, Cyrillic too),
    with their plan and progress, in two queries whatever their number."""
    stmt = scope_query(select(User.id).where(User.role == Role.LEARNER), viewer, User.facility_id)
    term = search.strip()
    if term:
        # SQLite's lower() knows only ASCII: compare against the name case-folded in Python.
        folded = " ".join(term.split()).casefold()
        stmt = stmt.where(or_(
            User.learner_number.ilike(f"%{term}%"),
            User.name_key.like(f"%{folded}%"),
        ))
    if unit_id:
        stmt = stmt.where(User.unit_id == unit_id)
    total = db.session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    figures = _per_learner(clock.now().date())
    rows_stmt = (stmt.with_only_columns(User, Unit.name, Facility.name, *figures)
                 .outerjoin(Unit, Unit.id == User.unit_id)
                 .outerjoin(Facility, Facility.id == User.facility_id))
    by_name = {f.name: f for f in figures}
    order = {
        "number": [User.learner_number],
        "name": [User.name_sort, User.learner_number],
        "progress": [(cast(by_name["planned_done"], Float)
                      / func.nullif(by_name["planned_lessons"], 0)).desc().nulls_last(),
                     User.learner_number],
        "activity": [by_name["last_day"].desc().nulls_last(), User.learner_number],
    }[sort if sort in SORTS else "number"]
    rows = db.session.execute(
        rows_stmt.order_by(*order).limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE)).all()
    return [LearnerRow(user, unit, facility, int(a or 0), int(b or 0), int(c or 0), int(d or 0),
                       int(e or 0), last) for user, unit, facility, a, b, c, d, e, last in rows], total


def units(viewer: User) -> list[Unit]:
    return list(db.session.scalars(scope_query(
        select(Unit).options(joinedload(Unit.facility)).order_by(Unit.facility_id, Unit.name),
        viewer, Unit.facility_id)))


def terminals(viewer: User) -> list[tuple[Terminal, KioskSession | None]]:
    """Enrolled terminals with the open kiosk session on each, if any (one query)."""
    stmt = (
        select(Terminal, KioskSession)
        .outerjoin(KioskSession,
                   (KioskSession.terminal_id == Terminal.id) & KioskSession.ended_at.is_(None))
        .options(joinedload(Terminal.facility), joinedload(KioskSession.user))
        .order_by(Terminal.retired_at.is_not(None), Terminal.name)
    )
    stmt = scope_query(stmt, viewer, Terminal.facility_id)
    return [(t, ks) for t, ks in db.session.execute(stmt).all()]


def facilities(viewer: User) -> list[Facility]:
    stmt = scope_query(select(Facility).order_by(Facility.name), viewer, Facility.id)
    return list(db.session.scalars(stmt))
