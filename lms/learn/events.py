"""The append-only learning record (xAPI-shaped) and the time on task derived from it."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select

from ..accounts.models import User
from ..extensions import db
from .models import Event

# A gap between two events longer than this counts only this much (the learner had left).
IDLE_CAP = timedelta(minutes=5)


def record(
    user: User,
    verb: str,
    object_type: str,
    object_id: int,
    *,
    course_id: int | None = None,
    lesson_id: int | None = None,
    result: dict[str, Any] | None = None,
    lang: str | None = None,
    terminal_id: int | None = None,
    client_id: str | None = None,
    at: datetime | None = None,
) -> Event:
    event = Event(
        user_id=user.id, facility_id=user.facility_id, verb=verb, object_type=object_type,
        object_id=object_id, course_id=course_id, lesson_id=lesson_id, result=result,
        lang=lang, terminal_id=terminal_id, client_id=client_id,
    )
    if at is not None:
        event.at = at
    db.session.add(event)
    return event


def time_on_task(user_id: int, cap: timedelta = IDLE_CAP) -> dict[int | None, float]:
    """Seconds spent per lesson: gaps between a learner's consecutive events, each capped.

    A gap is credited to the lesson of the event that opened it."""
    rows = db.session.execute(
        select(Event.at, Event.lesson_id).where(Event.user_id == user_id).order_by(Event.at, Event.id)
    ).all()
    totals: dict[int | None, float] = {}
    for (at, lesson_id), (next_at, _next_lesson) in zip(rows, rows[1:], strict=False):
        gap = min(next_at - at, cap).total_seconds()
        totals[lesson_id] = totals.get(lesson_id, 0.0) + max(gap, 0.0)
    return totals
