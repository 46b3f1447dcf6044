"""Kiosk terminals, their one-time enrollment codes, and learners' kiosk sessions."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Index, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .. import clock
from ..accounts.models import Facility, User
from ..extensions import db


class Terminal(db.Model):
    """A kiosk enrolled in one facility; it proves itself with a signed cookie."""

    __tablename__ = "terminals"

    id: Mapped[int] = mapped_column(primary_key=True)
    facility_id: Mapped[int] = mapped_column(ForeignKey("facilities.id"), index=True)
    name: Mapped[str] = mapped_column(String(120))
    secret_hash: Mapped[str] = mapped_column(String(64))
    locale: Mapped[str | None] = mapped_column(String(8))
    enrolled_at: Mapped[datetime] = mapped_column(default=clock.now)
    enrolled_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    last_seen_at: Mapped[datetime | None]
    retired_at: Mapped[datetime | None]

    facility: Mapped[Facility] = relationship()

    @property
    def active(self) -> bool:
        return self.retired_at is None


class EnrollmentCode(db.Model):
    """A one-time code that turns the browser that enters it into a terminal."""

    __tablename__ = "enrollment_codes"

    id: Mapped[int] = mapped_column(primary_key=True)
    facility_id: Mapped[int] = mapped_column(ForeignKey("facilities.id"))
    code_hash: Mapped[str] = mapped_column(String(64), unique=True)
    terminal_name: Mapped[str] = mapped_column(String(120))
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=clock.now)
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]
    terminal_id: Mapped[int | None] = mapped_column(ForeignKey("terminals.id"))

    facility: Mapped[Facility] = relationship()


class KioskSession(db.Model):
    """One learner's sign-in on one terminal; at most one is open per learner."""

    __tablename__ = "kiosk_sessions"
    __table_args__ = (Index("ix_kiosk_sessions_user_open", "user_id", "ended_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    terminal_id: Mapped[int | None] = mapped_column(ForeignKey("terminals.id"), index=True)
    started_at: Mapped[datetime] = mapped_column(default=clock.now)
    last_seen_at: Mapped[datetime] = mapped_column(default=clock.now)
    ended_at: Mapped[datetime | None]
    end_reason: Mapped[str | None] = mapped_column(String(20))

    user: Mapped[User] = relationship()
    terminal: Mapped[Terminal | None] = relationship()

    @property
    def open(self) -> bool:
        return self.ended_at is None
