"""A lesson as one reader reads it: at a published version, given explicitly.

A learner who started a lesson keeps reading the version they started until they finish it or
start it again (their ``LessonProgress`` remembers it); everybody else reads the newest. The
caller says which version (``read(lesson, version)``); a ``LessonReading`` then answers every
question about the lesson's texts and exercises from that version (``versions``, read once per
process), or from the lesson's rows for a lesson never published. The models stay plain rows.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from sqlalchemy.orm import object_session

from . import versions
from .exercises import stored_renderer
from .gift import Question
from .models import Exercise, Lesson, LessonContent, PinnedContent
from .pages import Page, split_page
from .versions import PublishedVersion


def read(lesson: Lesson, version: int | None = None) -> LessonReading:
    """``lesson`` at published ``version`` (None or 0: the newest)."""
    session = object_session(lesson)
    wanted = version or lesson.version
    shown = (versions.get(session, lesson.id, wanted, lesson.created_at)
             if session is not None and wanted else None)
    return LessonReading(lesson, shown)


@dataclass(frozen=True)
class LessonReading:
    lesson: Lesson
    shown: PublishedVersion | None  # None: a lesson never published, read from its rows

    @property
    def version(self) -> int:
        return self.shown.version if self.shown is not None else self.lesson.version

    def content(self, lang: str | None) -> LessonContent | PinnedContent | None:
        """The content in ``lang``, else the first there is (the kiosk shows a notice)."""
        by_lang: dict[str, Any] = (dict(self.shown.contents) if self.shown is not None
                                   else {c.lang: c for c in self.lesson.contents})
        return by_lang.get(lang or "") or by_lang.get("tg") or next(iter(by_lang.values()), None)

    def page(self, lang: str | None, number: int) -> Page:
        """Page ``number`` (0-based) of the content in ``lang``, split into text and exercise
        slots (an empty page past the end)."""
        content = self.content(lang)
        pages = content.pages if content is not None else []
        if not 0 <= number < len(pages):
            return Page(())
        if self.shown is not None:
            return self.shown.page(content.lang, number)
        return split_page(pages[number])

    def exercise_kinds(self) -> dict[int, str]:
        """The exercises that count, as id -> type, without loading their rows when the lesson
        is read at a published version."""
        session = object_session(self.lesson)
        if self.shown is None or session is None:
            return {e.id: e.type for e in self.lesson.exercises if e.active}
        return self.shown.kinds(session)

    def exercises(self) -> list[Exercise]:
        """The exercises that count: the version's (even one a newer version has retired), or
        the active ones of a lesson never published."""
        if self.shown is None:
            return [e for e in self.lesson.exercises if e.active]
        return [e for e in self.lesson.exercises if e.key in self.shown.exercises]

    def in_page_order(self, lang: str | None) -> list[Exercise]:
        """The exercises that count, as a learner in ``lang`` meets them page by page."""
        kinds = self.exercise_kinds()
        return sorted((e for e in self.exercises() if e.id in kinds),
                      key=lambda e: (self.page_of(e, lang), e.position))

    def data(self, exercise: Exercise) -> dict[str, Any]:
        """The exercise's ``data`` (per language) at this version."""
        entry = self.shown.exercises.get(exercise.key) if self.shown is not None else None
        return entry["data"] if entry else exercise.data

    def language_of(self, exercise: Exercise, lang: str | None) -> str:
        """``lang`` when the exercise has it, else the language it is written in."""
        data = self.data(exercise)
        if lang in data:
            return lang  # type: ignore[return-value]
        return "tg" if "tg" in data else next(iter(data))

    def question(self, exercise: Exercise, lang: str | None) -> Question:
        """The question in ``lang`` or the lesson's other language (shared: do not change)."""
        lang = self.language_of(exercise, lang)
        if self.shown is not None and exercise.key in self.shown.exercises:
            return self.shown.question(exercise.key, lang)
        return Question.from_dict(self.data(exercise)[lang]["question"])

    def renderer(self, exercise: Exercise, lang: str | None):
        """A ``render(text, fmt)`` for ``grading.public_view`` that uses the stored HTML."""
        return stored_renderer(self.data(exercise)[self.language_of(exercise, lang)])

    def page_of(self, exercise: Exercise, lang: str | None) -> int:
        """The page (0-based) the exercise stands on."""
        return self.data(exercise).get(self.language_of(exercise, lang), {}).get("page", 0)
