"""Checking courses: every problem with its file and line, and a one-line summary."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from flask_babel import gettext as _

from .decodability import Taught, check_version
from .lesson import LessonVersion, build_lesson
from .loader import load_tree
from .markdown import Resolver
from .problems import Problems
from .sources import CourseSource


@dataclass
class Report:
    courses: list[CourseSource] = field(default_factory=list)
    problems: Problems = field(default_factory=Problems)

    @property
    def ok(self) -> bool:
        return not self.problems.errors

    @property
    def lesson_count(self) -> int:
        return sum(len(c.lessons) for c in self.courses)

    @property
    def exercise_count(self) -> int:
        return sum(c.exercise_count for c in self.courses)

    def lines(self) -> list[str]:
        return [str(p) for p in self.problems.sorted()]

    def summary(self) -> str:
        return _("Courses: %(courses)s, lessons: %(lessons)s, exercises: %(exercises)s; "
                 "errors: %(errors)s, warnings: %(warnings)s",
                 courses=len(self.courses), lessons=self.lesson_count,
                 exercises=self.exercise_count, errors=len(self.problems.errors),
                 warnings=len(self.problems.warnings))


def check_path(path: Path, label: str | None = None) -> Report:
    """Check a course folder or a folder of courses."""
    courses, problems = load_tree(path, label)
    return Report(courses, problems)


def check_lesson_text(text: str, *, key: str = "lesson", lang: str = "tg",
                      path: str = "lesson.tg.md", media: set[str] | None = None,
                      resolve: Resolver | None = None,
                      taught: Taught | None = None) -> tuple[LessonVersion, Problems]:
    """Check one lesson text on its own (the studio's editor, tests): media references are
    checked against ``media`` when given; ``taught``: what a literacy course has taught by
    this lesson (see ``decodability.taught_for``), for the decodability check."""
    problems = Problems()
    version = build_lesson(text, key=key, lang=lang, path=path, resolve=resolve,
                           media=media, problems=problems)
    if taught is not None and not version.placement:
        check_version(version, taught, problems)
    return version, problems
