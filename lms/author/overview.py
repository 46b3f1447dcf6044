"""What the studio shows of a course: its tree, and for every lesson which language versions
exist, which are missing or out of date, and how their exercises differ. Built from what the
revisions stored when they were saved: no Markdown is parsed here."""

from __future__ import annotations

from dataclasses import dataclass, field

from ..content.lesson import LANGS
from ..content.models import Course
from ..content.problems import Problem
from . import drafts, structure
from .models import Revision
from .preview import mismatch, stored_version


@dataclass
class LangState:
    lang: str
    path: str
    revision: Revision | None
    published: bool
    changed: bool
    behind: bool

    @property
    def status(self) -> str:
        """"missing", "behind" (the other language changed since), "changed" or "same"."""
        if self.revision is None:
            return "missing"
        if self.behind:
            return "behind"
        return "changed" if self.changed else "same"


@dataclass
class LessonRow:
    key: str
    langs: list[LangState]
    mismatch: list[Problem] = field(default_factory=list)
    published: bool = False

    @property
    def title(self) -> str:
        return next((s.revision.title for s in self.langs if s.revision and s.revision.title),
                    self.key)

    def titles(self) -> dict[str, str]:
        return {s.lang: s.revision.title for s in self.langs if s.revision}

    @property
    def errors(self) -> int:
        return sum(s.revision.errors for s in self.langs if s.revision) + len(self.mismatch)


@dataclass
class ModuleRow:
    key: str
    titles: dict[str, str]
    lessons: list[LessonRow]


def lesson_row(course: Course, key: str, revisions: dict[str, Revision],
               published: dict[str, str], live: set[str]) -> LessonRow:
    langs = []
    for lang in LANGS:
        path = drafts.lesson_path(key, lang)
        revision = revisions.get(path)
        langs.append(LangState(lang, path, revision, path in published,
                               revision is not None and published.get(path) != revision.text,
                               drafts.is_behind(path, revisions)))
    row = LessonRow(key, langs, published=key in live)
    present = [s.revision for s in langs if s.revision is not None]
    if len(present) == 2:
        row.mismatch = mismatch(course, stored_version(course, present[1]), revisions)
    return row


def tree(course: Course, revisions: dict[str, Revision],
         ) -> tuple[list[ModuleRow], list[LessonRow]]:
    """The draft's modules with their lessons, and the lessons taken out of the course."""
    meta = structure.draft_meta(course, revisions)
    published = drafts.published_texts(course)
    live = {lesson.key for lesson in course.lessons if lesson.active}
    modules = []
    listed: set[str] = set()
    for module in structure.modules(meta):
        keys = [str(k) for k in module.get("lessons") or []]
        listed.update(keys)
        titles = module.get("title") if isinstance(module.get("title"), dict) else {}
        modules.append(ModuleRow(str(module.get("id")), dict(titles),
                                 [lesson_row(course, k, revisions, published, live)
                                  for k in keys]))
    retired = [lesson_row(course, key, revisions, published, live)
               for key in sorted(structure.known_lessons(course, revisions) - listed)]
    return modules, retired
