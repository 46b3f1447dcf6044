"""Queries officers rely on, always scoped to the facilities they may see."""

from __future__ import annotations

from sqlalchemy import func, or_, select

from ..auth.access import scope_query
from ..auth.models import Facility, Role, User
from ..extensions import db
from ..terminals.models import KioskSession, Terminal

PAGE_SIZE = 50


def learners(viewer: User, search: str = "", page: int = 1) -> tuple[list[User], int]:
    """Learners visible to ``viewer``, filtered by number or name (any case, Cyrillic too)."""
    stmt = select(User).where(User.role == Role.LEARNER)
    stmt = scope_query(stmt, viewer, User.facility_id)
    term = search.strip()
    if term:
        # SQLite's lower() knows only ASCII: compare against the name case-folded in Python.
        folded = " ".join(term.split()).casefold()
        stmt = stmt.where(or_(
            User.learner_number.ilike(f"%{term}%"),
            User.name_key.like(f"%{folded}%"),
        ))
    total = db.session.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    rows = db.session.scalars(
        stmt.order_by(User.learner_number).limit(PAGE_SIZE).offset((page - 1) * PAGE_SIZE)
    ).all()
    return list(rows), total


def terminals(viewer: User) -> list[tuple[Terminal, KioskSession | None]]:
    """Enrolled terminals with the open kiosk session on each, if any."""
    stmt = select(Terminal, KioskSession).outerjoin(
        KioskSession, (KioskSession.terminal_id == Terminal.id) & KioskSession.ended_at.is_(None)
    ).order_by(Terminal.retired_at.is_not(None), Terminal.name)
    stmt = scope_query(stmt, viewer, Terminal.facility_id)
    return [(t, ks) for t, ks in db.session.execute(stmt).all()]


def facilities(viewer: User) -> list[Facility]:
    stmt = scope_query(select(Facility).order_by(Facility.name), viewer, Facility.id)
    return list(db.session.scalars(stmt))
