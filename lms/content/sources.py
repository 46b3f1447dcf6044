"""A course as the loader reads it: plain dataclasses, before anything is stored."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .course_settings import KioskSettings, Literacy, Placement
from .decodability import Report
from .lesson import LessonVersion
from .models import Category

COURSE_YML = "course.yml"
COURSE_KEYS = ("slug", "title", "description", "category", "icon", "level", "pass_mark",
               "sequential", "modules", "literacy", "placement", "kiosk")
REQUIRED_COURSE_KEYS = ("slug", "title", "category", "modules")
MODULE_KEYS = ("id", "title", "lessons")
DEFAULTS: dict[str, Any] = {"icon": "book", "level": 1, "pass_mark": 60, "sequential": True}


@dataclass
class MediaSource:
    name: str  # "media/apple.svg"
    path: Path
    sha256: str
    mime: str
    size: int


@dataclass
class StoredCourse:
    """A course held in memory: its text files by name (``course.yml``, ``<id>.<lang>.md``)
    and its media files, already checked and stored by content hash."""

    slug: str
    texts: dict[str, str]
    media: dict[str, MediaSource] = field(default_factory=dict)


@dataclass
class _Entry:
    """A top-level file of a course: its name, what it is, and how to read it."""

    name: str
    read: Callable[[], bytes]
    is_dir: bool = False
    is_symlink: bool = False


@dataclass
class ModuleSource:
    key: str
    titles: dict[str, str]
    lessons: list[str]
    line: int


@dataclass
class LessonSource:
    key: str
    module: str
    versions: dict[str, LessonVersion] = field(default_factory=dict)

    @property
    def first(self) -> LessonVersion:
        return self.versions.get("tg") or next(iter(self.versions.values()))


@dataclass
class CourseSource:
    path: Path
    label: str
    slug: str
    source: str  # course.yml as written
    titles: dict[str, str] = field(default_factory=dict)
    descriptions: dict[str, str] = field(default_factory=dict)
    category: Category = Category.LITERACY
    icon: str = "book"
    level: int = 1
    pass_mark: int = 60
    sequential: bool = True
    modules: list[ModuleSource] = field(default_factory=list)
    lessons: list[LessonSource] = field(default_factory=list)
    media: dict[str, MediaSource] = field(default_factory=dict)
    languages: list[str] = field(default_factory=list)
    literacy: Literacy | None = None
    placement: Placement | None = None
    kiosk: KioskSettings = field(default_factory=KioskSettings)
    decodability: Report | None = None

    @property
    def exercise_count(self) -> int:
        return sum(len(lesson.first.questions) for lesson in self.lessons if lesson.versions)
