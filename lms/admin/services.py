"""Facilities and units. Plain functions; nothing here commits."""

from __future__ import annotations

from sqlalchemy import func, select

from ..auth.models import Facility, Role, Unit, User
from ..extensions import db


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
