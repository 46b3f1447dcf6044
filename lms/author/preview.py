"""The lesson preview: a draft built by the learners' pipeline (``build_lesson``) and laid out
with the kiosk's own lesson and exercise markup."""

from __future__ import annotations

from dataclasses import dataclass, field
from types import SimpleNamespace
from typing import Any

from ..content import grading
from ..content.exercises import compare_versions, stored_renderer
from ..content.gift import Question
from ..content.lesson import LANGS, LessonVersion, lesson_file_name
from ..content.models import Course
from ..content.pages import Page, split_page
from ..content.problems import Problem, Problems
from . import drafts
from .models import Revision

SHUFFLE_SEED = 1  # any fixed seed: answers are shuffled as on a kiosk, the same every time


@dataclass
class PreviewPage:
    shown: Page
    views: dict[str, dict[str, Any]]


@dataclass
class Preview:
    lang: str
    title: str
    pages: list[PreviewPage]
    problems: list[Problem]
    mismatch: list[Problem] = field(default_factory=list)


def _exercise_state(index: int, question: Question, entry: dict[str, Any], lang: str,
                    ) -> dict[str, Any]:
    """What ``learn/_exercise.html`` needs, for an exercise nobody has answered yet."""
    exercise = SimpleNamespace(id=index, key=question.id, type=question.type)
    view = grading.public_view(question, render=stored_renderer(entry),
                               shuffle_seed=SHUFFLE_SEED)
    return {"exercise": exercise, "view": view, "lang": lang, "last": None, "result": {},
            "tries_left": None, "finished": False, "correct_answer": "", "draft": "",
            "chosen": None}


def stored_version(course: Course, revision: Revision) -> SimpleNamespace:
    """Enough of a LessonVersion for ``compare_versions``, from what a revision stored."""
    return SimpleNamespace(lang=revision.lang, path=drafts.file_label(course, revision.path),
                           questions=[Question.from_dict(q) for q in revision.questions or []])


def mismatch(course: Course, version: Any, revisions: dict[str, Revision]) -> list[Problem]:
    """How this language's exercises differ from the other language's draft."""
    parsed = lesson_file_name(version.path.rsplit("/", 1)[-1])
    if parsed is None:
        return []
    other = revisions.get(drafts.lesson_path(parsed[0], drafts.other_lang(parsed[1])))
    if other is None:
        return []
    theirs = stored_version(course, other)
    found = Problems()
    first, second = (version, theirs) if version.lang == LANGS[0] else (theirs, version)
    compare_versions(first, second, found)
    return list(found)


def build(course: Course, path: str, text: str, revisions: dict[str, Revision]) -> Preview:
    version, problems = drafts.check_text(course, path, text, revisions=revisions)
    parsed = lesson_file_name(path)
    lang = parsed[1] if parsed else LANGS[0]
    if not isinstance(version, LessonVersion):
        return Preview(lang, "", [], problems.sorted())
    entries = {q.id: (i, q, e) for i, (q, e) in
               enumerate(zip(version.questions, version.exercises, strict=True))}
    pages = []
    for html in version.pages:
        shown = split_page(html)
        views = {key: _exercise_state(*entries[key], lang) for key in shown.exercise_keys
                 if key in entries}
        pages.append(PreviewPage(shown, views))
    return Preview(lang, version.title, pages, problems.sorted(),
                   mismatch(course, version, revisions))
