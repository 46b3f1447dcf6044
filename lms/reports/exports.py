"""Exports: progress as CSV (UTF-8 with a byte order mark, so Excel shows Cyrillic)."""

from __future__ import annotations

import csv
import io
from datetime import datetime, time, timedelta

from flask_babel import gettext as _
from sqlalchemy import and_, case, func, literal, select, union

from .. import clock
from ..accounts.models import Facility, Unit, User
from ..content.models import Course, Lesson
from ..extensions import db
from ..learn.models import Certificate, LessonProgress, PlanItem, Status
from ..staff import stats
from ..staff.filters import Filters, scoped

BOM = "\ufeff"


def _header() -> list[str]:
    return [_("Facility code"), _("Facility"), _("Unit"), _("Learner number"), _("Full name"),
            _("Account"), _("Course"), _("In the plan"), _("Due date"), _("Lessons in course"),
            _("Lessons done"), _("Lessons done in the period"), _("Average score, %"),
            _("Last activity"), _("Certificate"), _("Certificate date")]


def _bounds(filters: Filters) -> tuple[datetime | None, datetime | None]:
    tz = clock.now().tzinfo
    start = datetime.combine(filters.start, time.min, tzinfo=tz) if filters.start else None
    end = (datetime.combine(filters.end + timedelta(days=1), time.min, tzinfo=tz)
           if filters.end else None)
    return start, end


def progress_rows(viewer: User, filters: Filters, lang: str) -> list[list[str]]:
    """One row per learner and course they have in their plan or have started."""
    start, end = _bounds(filters)
    in_period = [LessonProgress.completed_at.is_not(None)]
    if start:
        in_period.append(LessonProgress.completed_at >= start)
    if end:
        in_period.append(LessonProgress.completed_at < end)
    done = and_(LessonProgress.status == Status.DONE, stats.counted_lesson())
    work = (
        select(LessonProgress.user_id.label("user_id"), LessonProgress.course_id.label("course_id"),
               func.count(case((done, 1))).label("done"),
               func.count(case((and_(done, *in_period), 1))).label("done_in_period"),
               func.avg(case((done, LessonProgress.score))).label("score"),
               func.max(LessonProgress.updated_at).label("last"))
        .join(Lesson, Lesson.id == LessonProgress.lesson_id)
        .group_by(LessonProgress.user_id, LessonProgress.course_id).subquery("work"))
    pairs = union(
        select(LessonProgress.user_id.label("user_id"), LessonProgress.course_id.label("course_id")),
        select(PlanItem.user_id, PlanItem.course_id).where(PlanItem.removed_at.is_(None)),
    ).subquery("pairs")
    counted = stats.counted_lessons()
    stmt = scoped(
        select(Facility.code, Facility.name, Unit.name, User.learner_number, User.full_name,
               User.active, pairs.c.course_id, PlanItem.id, PlanItem.due_date,
               func.coalesce(counted.c.n, literal(0)), work.c.done, work.c.done_in_period,
               work.c.score, work.c.last, Certificate.code, Certificate.issued_at)
        .select_from(pairs)
        .join(User, User.id == pairs.c.user_id)
        .outerjoin(Facility, Facility.id == User.facility_id)
        .outerjoin(Unit, Unit.id == User.unit_id)
        .outerjoin(PlanItem, and_(PlanItem.user_id == pairs.c.user_id,
                                  PlanItem.course_id == pairs.c.course_id,
                                  PlanItem.removed_at.is_(None)))
        .outerjoin(counted, counted.c.course_id == pairs.c.course_id)
        .outerjoin(work, and_(work.c.user_id == pairs.c.user_id,
                              work.c.course_id == pairs.c.course_id))
        .outerjoin(Certificate, and_(Certificate.user_id == pairs.c.user_id,
                                     Certificate.course_id == pairs.c.course_id)),
        viewer, filters)
    if filters.course_id:
        stmt = stmt.where(pairs.c.course_id == filters.course_id)
    stmt = stmt.order_by(Facility.code, Unit.name, User.learner_number, pairs.c.course_id)
    titles = {c.id: c.title(lang) for c in db.session.scalars(select(Course))}
    yes, no = _("yes"), _("no")
    rows = []
    for (code, facility, unit, number, name, active, course_id, plan_id, due, total, n_done,
         n_period, score, last, cert, cert_at) in db.session.execute(stmt):
        rows.append([
            code or "", facility or "", unit or "", number, name,
            _("active") if active else _("released"), titles.get(course_id, ""),
            yes if plan_id else no, due.isoformat() if due else "", str(total),
            str(n_done or 0), str(n_period or 0),
            str(round(score * 100)) if score is not None else "",
            last.date().isoformat() if last else "", cert or "",
            cert_at.date().isoformat() if cert_at else "",
        ])
    return rows


def progress_csv(viewer: User, filters: Filters, lang: str) -> tuple[str, int]:
    """The CSV text (with its byte order mark) and the number of data rows."""
    out = io.StringIO()
    out.write(BOM)
    writer = csv.writer(out)
    writer.writerow(_header())
    rows = progress_rows(viewer, filters, lang)
    writer.writerows(rows)
    return out.getvalue(), len(rows)
