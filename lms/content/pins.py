"""Which published version of a lesson the current session reads.

A learner who started a lesson keeps reading the version they started (``LessonProgress``
remembers it) until they finish it or start it again. The learner's services pin that version
for the session (``pin``); ``Lesson.content``, ``Lesson.active_exercises`` and
``Exercise.question`` then answer from that version (``versions``, read once per process)
instead of the newest. Nothing is pinned outside a learner's request, so staff pages and imports
always see the newest version. Pins live in the database session's ``info``, which ends with the
request.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sqlalchemy.orm import object_session

from ..extensions import db
from . import versions

if TYPE_CHECKING:
    from .models import Lesson
    from .versions import PublishedVersion

PINS = "umed.lesson_pins"


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


def shown_version(lesson: Lesson) -> PublishedVersion | None:
    """The published version this session reads ``lesson`` at: the pinned one, else the newest;
    None for a lesson never published (read from its rows)."""
    session = object_session(lesson)
    if session is None:
        return None
    version = session.info.get(PINS, {}).get(lesson.id) or lesson.version
    if not version:
        return None
    return versions.get(session, lesson.id, version, lesson.created_at)
