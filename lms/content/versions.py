"""Published versions of lessons, read once per process.

A published version of a lesson (``Lesson.version``) never changes: any change learners would
see makes a new version with its own ``LessonSnapshot``. So what a version holds — the pages of
each language, the exercises' data and their parsed questions — is read from the database once
per process and kept in a bounded cache; kiosk requests then read no lesson text at all. A lesson
without a snapshot (never published) is read from its rows every time.

The key includes the lesson row's creation time, so a restored database, or a test that rolled
back and reused a row id, never meets another lesson's pages.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from .gift import Question
from .models import Exercise, LessonSnapshot, PinnedContent
from .pages import Page, split_page

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

CAPACITY = 2048  # versions kept per process (a bundled course has tens of lessons)

Key = tuple[int, int, datetime | None]


@dataclass(frozen=True)
class PublishedVersion:
    """One published version of a lesson, read-only and shared by every request."""

    lesson_id: int
    version: int
    contents: Mapping[str, PinnedContent]
    exercises: Mapping[str, Mapping[str, Any]]  # key -> {"type", "data"}
    _questions: dict[tuple[str, str], Question] = field(default_factory=dict, repr=False)
    _kinds: dict[int, str] = field(default_factory=dict, repr=False)
    _pages: dict[tuple[str, int], Page] = field(default_factory=dict, repr=False)

    def kinds(self, session: Session) -> dict[int, str]:
        """The version's exercises as id -> type; the ids are read once (an exercise row is
        never deleted, so its id stays). Callers must not change the dict."""
        if not self._kinds and self.exercises:
            ids = dict(session.execute(select(Exercise.key, Exercise.id).where(
                Exercise.lesson_id == self.lesson_id)).all())
            self._kinds.update({ids[key]: entry["type"] for key, entry in self.exercises.items()
                                if key in ids})
        return self._kinds

    def question(self, key: str, lang: str) -> Question:
        """The exercise's question in ``lang``, parsed once (callers must not change it)."""
        found = self._questions.get((key, lang))
        if found is None:
            found = Question.from_dict(self.exercises[key]["data"][lang]["question"])
            self._questions[(key, lang)] = found
        return found

    def page(self, lang: str, number: int) -> Page:
        """Page ``number`` of language ``lang`` split into text and exercise slots, split once."""
        found = self._pages.get((lang, number))
        if found is None:
            found = self._pages[(lang, number)] = split_page(self.contents[lang].pages[number])
        return found


_cache: OrderedDict[Key, PublishedVersion] = OrderedDict()
_lock = threading.Lock()


def get(session: Session, lesson_id: int, version: int,
        created_at: datetime | None) -> PublishedVersion | None:
    """The published ``version`` of lesson ``lesson_id``, or None when it has no snapshot."""
    key = (lesson_id, version, created_at)
    with _lock:
        found = _cache.get(key)
        if found is not None:
            _cache.move_to_end(key)
            return found
    row = session.execute(
        select(LessonSnapshot.contents, LessonSnapshot.exercises).where(
            LessonSnapshot.lesson_id == lesson_id, LessonSnapshot.version == version)
    ).first()
    if row is None:
        return None
    contents, exercises = row
    found = PublishedVersion(
        lesson_id, version,
        {lang: PinnedContent(lang, c["title"], list(c["pages"])) for lang, c in contents.items()},
        exercises)
    with _lock:
        _cache[key] = found
        while len(_cache) > CAPACITY:
            _cache.popitem(last=False)
    return found


def clear() -> None:
    """Forget every version (for tests that count the reads)."""
    with _lock:
        _cache.clear()
