"""People and places: roles, facilities, units and user accounts."""

from __future__ import annotations

import enum
from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import Column, Enum, ForeignKey, Index, String, Table, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship, validates

from .. import clock
from ..collation import sort_key
from ..extensions import db


class Role(enum.Enum):
    LEARNER = "learner"
    LECTURER = "lecturer"
    OFFICER = "officer"
    ADMIN = "admin"

    @property
    def is_staff(self) -> bool:
        return self is not Role.LEARNER


lecturer_facilities = Table(
    "lecturer_facilities",
    db.metadata,
    Column("user_id", ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Column("facility_id", ForeignKey("facilities.id", ondelete="CASCADE"), primary_key=True),
)


class Facility(db.Model):
    """A prison."""

    __tablename__ = "facilities"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(32), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(default=clock.now)

    units: Mapped[list[Unit]] = relationship(
        back_populates="facility", order_by="Unit.name", cascade="all, delete-orphan"
    )

    def __repr__(self) -> str:
        return f"<Facility {self.code}>"


class Unit(db.Model):
    """A block or wing of a facility."""

    __tablename__ = "units"
    __table_args__ = (UniqueConstraint("facility_id", "name"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    facility_id: Mapped[int] = mapped_column(ForeignKey("facilities.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(String(120))

    facility: Mapped[Facility] = relationship(back_populates="units")


class User(UserMixin, db.Model):
    """Anyone who signs in: learners by number and PIN, staff by username and password."""

    __tablename__ = "users"
    __table_args__ = (Index("ix_users_facility_role", "facility_id", "role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    role: Mapped[Role] = mapped_column(
        Enum(Role, name="role", values_callable=lambda e: [m.value for m in e],
             native_enum=False, length=16)
    )
    username: Mapped[str | None] = mapped_column(String(80), unique=True)
    learner_number: Mapped[str | None] = mapped_column(String(20), unique=True)
    full_name: Mapped[str] = mapped_column(String(200))
    # The name case-folded in Python, for case-insensitive Cyrillic search on every engine.
    name_key: Mapped[str] = mapped_column(String(200), index=True, default="")
    # The name in Tajik/Russian alphabetical order (see lms.collation), for sorting.
    name_sort: Mapped[str] = mapped_column(String(200), index=True, default="")
    facility_id: Mapped[int | None] = mapped_column(ForeignKey("facilities.id"), index=True)
    unit_id: Mapped[int | None] = mapped_column(ForeignKey("units.id"), index=True)
    secret_hash: Mapped[str] = mapped_column(String(255))
    failed_attempts: Mapped[int] = mapped_column(default=0)
    locked_until: Mapped[datetime | None]
    locale: Mapped[str | None] = mapped_column(String(8))
    active: Mapped[bool] = mapped_column(default=True)
    is_reviewer: Mapped[bool] = mapped_column(default=False)
    # Changing this signs the user out everywhere (staff sessions carry it).
    session_version: Mapped[int] = mapped_column(default=1)
    created_at: Mapped[datetime] = mapped_column(default=clock.now)
    last_seen_at: Mapped[datetime | None]

    facility: Mapped[Facility | None] = relationship()
    unit: Mapped[Unit | None] = relationship()
    teaching_facilities: Mapped[list[Facility]] = relationship(secondary=lecturer_facilities)

    @validates("full_name")
    def _fold_name(self, key: str, value: str) -> str:
        self.name_key = " ".join(value.split()).casefold()
        self.name_sort = sort_key(value)
        return value

    @property
    def is_active(self) -> bool:  # Flask-Login
        return self.active

    @property
    def is_learner(self) -> bool:
        return self.role is Role.LEARNER

    @property
    def is_staff(self) -> bool:
        return self.role.is_staff

    def get_id(self) -> str:
        return f"{self.id}:{self.session_version}"

    @property
    def display_id(self) -> str:
        return self.learner_number or self.username or str(self.id)

    def __repr__(self) -> str:
        return f"<User {self.role.value} {self.display_id}>"
