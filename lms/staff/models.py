"""Who teaches which course: the lecturers of a course, its owner and its editors."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .. import clock
from ..accounts.models import User
from ..content.models import Course
from ..extensions import db

OWNER = "owner"
EDITOR = "editor"


class CourseStaff(db.Model):
    """A lecturer's part in a course: "owner" (created it) or "editor" (shared with them).
    Lecturers of a course may also read its learners' reflections."""

    __tablename__ = "course_staff"
    __table_args__ = (UniqueConstraint("course_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    course_id: Mapped[int] = mapped_column(ForeignKey("courses.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(String(16), default=EDITOR)
    added_at: Mapped[datetime] = mapped_column(default=clock.now)

    course: Mapped[Course] = relationship()
    user: Mapped[User] = relationship()
