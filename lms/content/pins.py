"""Which published version of a lesson the current session reads.

A learner who started a lesson keeps reading the version they started (``LessonProgress``
remembers it) until they finish it or start it again. The learner's services pin that version
for the session (``pin``); ``Lesson.content``, ``Lesson.active_exercises`` and
``Exercise.question`` then answer from the version's ``LessonSnapshot`` instead of the newest
rows. Nothing is pinned outside a learner's request, so staff pages and imports always see the
newest version. Pins live in the database session's ``info``, which ends with the request.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy import select
from sqlalchemy.orm import object_session

from ..extensions import db

if TYPE_CHECKING:
    from .models import Lesson, LessonSnapshot

PINS = "umed.lesson_pins"
SNAPSHOTS = "umed.lesson_snapshots"


def pin(lesson_id: int, version: int | None) -> None:
    """Read lesson ``lesson_id`` at ``version`` in this session (None: the newest)."""
    pins = db.session.info.setdefault(PINS, {})
    if version is None:
        pins.pop(lesson_id, None)
    else:
        pins[lesson_id] = version


def pin_only(versions: dict[int, int | None]) -> None:
    """Read exactly these lessons at these versions, every other lesson at the newest."""
    db.session.info[PINS] = {k: v for k, v in versions.items() if v is not None}


def pinned_snapshot(lesson: Lesson) -> LessonSnapshot | None:
    """The older version this session reads ``lesson`` at, or None for the newest."""
    session = object_session(lesson)
    if session is None:
        return None
    version = session.info.get(PINS, {}).get(lesson.id)
    if version is None or version == lesson.version:
        return None
    cache = session.info.setdefault(SNAPSHOTS, {})
    key = (lesson.id, version)
    if key not in cache:
        from .models import LessonSnapshot

        cache[key] = session.scalar(select(LessonSnapshot).where(
            LessonSnapshot.lesson_id == lesson.id, LessonSnapshot.version == version))
    return cache[key]
