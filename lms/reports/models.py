"""A daily roll-up of the learning record, kept by the database itself.

A trigger on ``events`` (see the migration) adds one to the row of the learner, the day (UTC)
and the course of every new event, so the dashboard reads a few thousand small rows instead of
scanning a year of events."""

from __future__ import annotations

from datetime import date

from sqlalchemy import ForeignKey, Index
from sqlalchemy.orm import Mapped, mapped_column

from ..extensions import db


class ActivityDay(db.Model):
    __tablename__ = "activity_days"
    # Covers the dashboard's day-range queries: read from the index alone.
    __table_args__ = (Index("ix_activity_days_day", "day", "user_id", "course_id", "events"),)

    user_id: Mapped[int] = mapped_column(
        ForeignKey("users.id", ondelete="CASCADE"), primary_key=True)
    day: Mapped[date] = mapped_column(primary_key=True)
    # The event's course; 0 for an event outside any course (no foreign key for that reason).
    course_id: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    events: Mapped[int] = mapped_column(default=0)
