"""Facilities and units. Plain functions; nothing here commits."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from sqlalchemy import func, select
from sqlalchemy.orm import aliased, joinedload

from .. import clock
from ..accounts.models import Facility, Role, Unit, User
from ..audit.models import AuditEntry
from ..extensions import db
from ..terminals.services import end_sessions


class FacilityError(ValueError):
    pass


def create_facility(code: str, name: str) -> Facility:
    if db.session.scalar(select(Facility).where(Facility.code == code)) is not None:
        raise FacilityError("duplicate")
    facility = Facility(code=code, name=name.strip())
    db.session.add(facility)
    db.session.flush()
    return facility


def add_unit(facility: Facility, name: str) -> Unit:
    name = name.strip()
    if any(u.name == name for u in facility.units):
        raise FacilityError("duplicate")
    unit = Unit(facility=facility, name=name)
    db.session.add(unit)
    db.session.flush()
    return unit


def facility_overview() -> list[tuple[Facility, int]]:
    """Every facility with its number of learners, in one query."""
    counts = (
        select(User.facility_id, func.count(User.id).label("n"))
        .where(User.role == Role.LEARNER)
        .group_by(User.facility_id)
        .subquery()
    )
    stmt = (
        select(Facility, func.coalesce(counts.c.n, 0))
        .outerjoin(counts, counts.c.facility_id == Facility.id)
        .order_by(Facility.name)
    )
    return [(f, n) for f, n in db.session.execute(stmt).all()]


def staff() -> list[User]:
    return list(db.session.scalars(
        select(User).where(User.role != Role.LEARNER).order_by(User.role, User.username)
    ))


def transfer_learner(learner: User, facility: Facility, unit: Unit | None) -> Facility | None:
    """Move a learner, with their whole history, to ``facility``; returns the old facility.

    Their kiosk session ends (the kiosks of the old facility no longer accept them)."""
    if learner.role is not Role.LEARNER:
        raise FacilityError("learner")
    if unit is not None and unit.facility_id != facility.id:
        raise FacilityError("unit")
    if learner.facility_id == facility.id and (unit is None or learner.unit_id == unit.id):
        raise FacilityError("same")
    old = learner.facility
    learner.facility = facility
    learner.unit = unit
    end_sessions(user=learner, reason="ended")
    db.session.flush()
    return old


def audit_entries(action: str | None = None, actor: str | None = None,
                  learner: str | None = None, facility_id: int | None = None,
                  start: date | None = None, end: date | None = None, page: int = 1,
                  size: int = 100) -> tuple[list[AuditEntry], int]:
    """Audit entries, newest first, with who and whom, filtered; two queries."""
    stmt = select(AuditEntry)
    if action:
        stmt = stmt.where(AuditEntry.action == action)
    if actor:
        who = aliased(User)
        stmt = stmt.join(who, who.id == AuditEntry.actor_id).where(
            func.lower(who.username) == actor.strip().lower())
    if learner:
        whom = aliased(User)
        stmt = stmt.join(whom, whom.id == AuditEntry.subject_id).where(
            whom.learner_number == learner.strip())
    if facility_id:
        stmt = stmt.where(AuditEntry.facility_id == facility_id)
    tz = clock.now().tzinfo
    if start:
        stmt = stmt.where(AuditEntry.at >= datetime.combine(start, time.min, tzinfo=tz))
    if end:
        stmt = stmt.where(AuditEntry.at < datetime.combine(end + timedelta(days=1), time.min,
                                                           tzinfo=tz))
    total = db.session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    rows = list(db.session.scalars(
        stmt.options(joinedload(AuditEntry.actor), joinedload(AuditEntry.subject))
        .order_by(AuditEntry.at.desc(), AuditEntry.id.desc())
        .limit(size).offset((page - 1) * size)))
    return rows, total


def audit_actions() -> list[str]:
    return list(db.session.scalars(select(AuditEntry.action).distinct().order_by(AuditEntry.action)))
