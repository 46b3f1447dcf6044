"""Which learners a report covers: the viewer's scope, narrowed by facility, unit and course."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from flask import abort
from sqlalchemy import Select, select
from sqlalchemy.orm import joinedload

from ..accounts.access import ensure_facility, scope_query
from ..accounts.models import Facility, Role, Unit, User
from ..content.models import Course
from ..extensions import db


@dataclass(frozen=True)
class Filters:
    facility_id: int | None = None
    unit_id: int | None = None
    course_id: int | None = None
    start: date | None = None
    end: date | None = None

    def args(self) -> dict[str, Any]:
        """The filters as query-string arguments (for links that keep them)."""
        return {k: v for k, v in {
            "facility": self.facility_id, "unit": self.unit_id, "course": self.course_id,
            "start": self.start.isoformat() if self.start else None,
            "end": self.end.isoformat() if self.end else None,
        }.items() if v}


def scoped(stmt: Select[Any], viewer: User, filters: Filters | None = None) -> Select[Any]:
    """Restrict a statement that involves ``User`` to the learners ``viewer`` may see and the
    chosen facility and unit. Every report query goes through here (and so ``scope_query``)."""
    stmt = scope_query(stmt.where(User.role == Role.LEARNER), viewer, User.facility_id)
    if filters is not None:
        if filters.facility_id:
            stmt = stmt.where(User.facility_id == filters.facility_id)
        if filters.unit_id:
            stmt = stmt.where(User.unit_id == filters.unit_id)
    return stmt


def _date(value: str | None) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


def from_args(viewer: User, args) -> Filters:
    """Read and check ``facility``, ``unit``, ``course``, ``start`` and ``end``: a facility or
    unit the viewer may not see is a 404, like any other record of another facility."""
    facility_id = args.get("facility", type=int) or None
    if facility_id is None and viewer.role is Role.OFFICER:
        facility_id = viewer.facility_id
    if facility_id:
        if db.session.get(Facility, facility_id) is None:
            abort(404)
        ensure_facility(viewer, facility_id)
    unit_id = args.get("unit", type=int) or None
    if unit_id:
        unit = db.session.get(Unit, unit_id)
        if unit is None:
            abort(404)
        ensure_facility(viewer, unit.facility_id)
        if facility_id and unit.facility_id != facility_id:
            abort(404)
        facility_id = unit.facility_id
    course_id = args.get("course", type=int) or None
    if course_id and db.session.get(Course, course_id) is None:
        abort(404)
    return Filters(facility_id, unit_id, course_id, _date(args.get("start")),
                   _date(args.get("end")))


def choices(viewer: User, filters: Filters) -> dict[str, list]:
    """Facilities, units and courses for the filter form (three queries)."""
    facilities = list(db.session.scalars(
        scope_query(select(Facility).order_by(Facility.name), viewer, Facility.id)))
    unit_stmt = scope_query(select(Unit).options(joinedload(Unit.facility)).order_by(Unit.name),
                            viewer, Unit.facility_id)
    if filters.facility_id:
        unit_stmt = unit_stmt.where(Unit.facility_id == filters.facility_id)
    units = list(db.session.scalars(unit_stmt))
    courses = list(db.session.scalars(
        select(Course).where(Course.published_at.is_not(None)).order_by(Course.category,
                                                                        Course.level, Course.id)))
    return {"facilities": facilities, "units": units, "courses": courses}
