"""Read a course folder (or a folder of courses) into plain dataclasses, collecting problems.

A course may also be read from memory (``StoredCourse``: the studio's drafts, whose media are
already checked and stored): the same checks run on the same texts either way.
Nothing here touches the database; ``importer`` stores what this returns.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from flask_babel import gettext as _

from . import course_settings, decodability
from .course_settings import KioskSettings, Literacy, Placement
from .exercises import LANGUAGE_NAMES, compare_versions
from .lesson import LANGS, LessonVersion, build_lesson, is_valid_id, lesson_file_name
from .media import MediaError, identify, sha256, url_for_media
from .models import ICONS, Category
from .problems import Problems
from .svg import check_svg
from .yamlio import LineDict, LineList, YamlError
from .yamlio import load as load_yaml

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
    decodability: decodability.Report | None = None

    @property
    def exercise_count(self) -> int:
        return sum(len(lesson.first.questions) for lesson in self.lessons if lesson.versions)


def course_folders(path: Path) -> list[Path]:
    """The course itself if ``path`` holds a course.yml, else every sub-folder (sorted)."""
    if (path / COURSE_YML).is_file():
        return [path]
    return sorted(p for p in path.iterdir() if p.is_dir() and not p.name.startswith("."))


def load_tree(path: Path, label: str | None = None) -> tuple[list[CourseSource], Problems]:
    """Every course under ``path``, and every problem found in them."""
    problems = Problems()
    label = label if label is not None else str(path).rstrip("/")
    if not path.is_dir():
        problems.error(label, 1, _("not a folder"))
        return [], problems
    courses: list[CourseSource] = []
    folders = course_folders(path)
    if not folders:
        problems.error(label, 1, _("no course here (a course is a folder with a course.yml)"))
    for folder in folders:
        course_label = label if folder == path else f"{label}/{folder.name}"
        course = load_course(folder, problems, course_label)
        if course is None:
            continue
        if any(c.slug == course.slug for c in courses):
            problems.error(f"{course_label}/{COURSE_YML}", 1,
                           _("course %(slug)s appears twice", slug=course.slug))
        courses.append(course)
    return courses, problems


def _lang_dict(value: Any, where: str, line: int, problems: Problems, what: str,
               required: tuple[str, ...] = ()) -> dict[str, str]:
    if not isinstance(value, dict):
        problems.error(where, line, _("%(what)s must list a text per language (tg:, ru:)",
                                      what=what))
        return {}
    result = {}
    for lang, text in value.items():
        if lang not in LANGS:
            problems.error(where, line, _("%(what)s: unknown language %(lang)s (use tg or ru)",
                                          what=what, lang=lang))
        elif not isinstance(text, str) or not text.strip():
            problems.error(where, line, _("%(what)s: the %(lang)s text is empty",
                                          what=what, lang=lang))
        else:
            result[lang] = text.strip()
    for lang in required:
        if lang not in result and lang in LANGS and lang not in value:
            problems.error(where, line, _("%(what)s has no %(lang)s text", what=what,
                                          lang=str(LANGUAGE_NAMES[lang])))
    return result


def _check_keys(mapping: LineDict, allowed: tuple[str, ...], required: tuple[str, ...],
                where: str, problems: Problems, what: str) -> None:
    for key, line in mapping.duplicates:
        problems.error(where, line, _("%(key)s is written twice", key=key))
    for key in mapping:
        if key not in allowed:
            problems.error(where, mapping.line_of(key),
                           _("unknown key %(key)s in %(what)s (allowed: %(allowed)s)",
                             key=key, what=what, allowed=", ".join(allowed)))
    for key in required:
        if key not in mapping:
            problems.error(where, mapping.line, _("%(what)s: missing key %(key)s",
                                                  what=what, key=key))


def _settings(course: CourseSource, meta: LineDict, where: str, problems: Problems) -> None:
    slug = meta.get("slug")
    if "slug" in meta and not is_valid_id(slug):
        problems.error(where, meta.line_of("slug"), _("slug: use lowercase latin letters, "
                                                      "digits and dashes"))
    elif isinstance(slug, str) and slug != course.path.name and course.path.name:
        problems.warn(where, meta.line_of("slug"), _("slug %(slug)s differs from the folder "
                                                     "name %(folder)s (the slug counts)",
                                                     slug=slug, folder=course.path.name))
    if is_valid_id(slug):
        course.slug = slug
    if "category" in meta:
        try:
            course.category = Category(meta["category"])
        except ValueError:
            problems.error(where, meta.line_of("category"), _(
                "category must be one of: %(allowed)s",
                allowed=", ".join(c.value for c in Category)))
    if "icon" in meta:
        if meta["icon"] in ICONS:
            course.icon = meta["icon"]
        else:
            problems.error(where, meta.line_of("icon"), _("icon must be one of: %(allowed)s",
                                                          allowed=", ".join(ICONS)))
    for key, low, high in (("level", 1, 5), ("pass_mark", 0, 100)):
        value = meta.get(key, DEFAULTS[key])
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            problems.error(where, meta.line_of(key), _(
                "%(key)s must be a whole number from %(low)s to %(high)s",
                key=key, low=low, high=high))
        else:
            setattr(course, key, value)
    sequential = meta.get("sequential", True)
    if isinstance(sequential, bool):
        course.sequential = sequential
    else:
        problems.error(where, meta.line_of("sequential"), _("sequential must be true or false"))


def _modules(course: CourseSource, meta: LineDict, where: str, problems: Problems,
             ) -> dict[str, tuple[str, int]]:
    """Read the modules; return lesson id -> (module id, line in course.yml)."""
    listed: dict[str, tuple[str, int]] = {}
    modules = meta.get("modules")
    if "modules" in meta and (not isinstance(modules, LineList) or not modules):
        problems.error(where, meta.line_of("modules"), _("modules must be a list of modules"))
        return listed
    for index, item in enumerate(modules or []):
        line = modules.line_of(index)
        if not isinstance(item, LineDict):
            problems.error(where, line, _("a module needs id:, title: and lessons:"))
            continue
        _check_keys(item, MODULE_KEYS, MODULE_KEYS, where, problems, _("a module"))
        key = item.get("id")
        if "id" in item and not is_valid_id(key):
            problems.error(where, item.line_of("id"), _("module id: use lowercase latin "
                                                        "letters, digits and dashes"))
            continue
        if any(m.key == key for m in course.modules):
            problems.error(where, item.line_of("id"), _("module id %(id)s is used twice",
                                                        id=key))
            continue
        titles = _lang_dict(item.get("title", {}), where, item.line_of("title"), problems,
                            _("the module's title")) if "title" in item else {}
        lessons = item.get("lessons")
        if "lessons" in item and not isinstance(lessons, LineList):
            problems.error(where, item.line_of("lessons"), _("lessons must be a list of lesson "
                                                             "ids"))
            lessons = LineList()
        module = ModuleSource(str(key), titles, [], item.line)
        for number, lesson in enumerate(lessons or []):
            lesson_line = lessons.line_of(number)
            if not is_valid_id(lesson):
                problems.error(where, lesson_line, _("lesson id %(id)s: use lowercase latin "
                                                     "letters, digits and dashes", id=lesson))
            elif lesson in listed:
                problems.error(where, lesson_line, _("lesson %(id)s is listed twice",
                                                     id=lesson))
            else:
                listed[lesson] = (module.key, lesson_line)
                module.lessons.append(lesson)
        course.modules.append(module)
    return listed


def _folder_media(course: CourseSource, problems: Problems) -> None:
    folder = course.path / "media"
    if not folder.is_dir():
        return
    for path in sorted(folder.rglob("*")):
        rel = path.relative_to(course.path).as_posix()
        where = f"{course.label}/{rel}"
        if any(part.startswith(".") for part in path.relative_to(folder).parts):
            continue
        if path.is_symlink():
            problems.error(where, 1, _("links to other files are not allowed"))
            continue
        if not path.is_file():
            continue
        data = path.read_bytes()
        try:
            mime = identify(rel, data)
        except MediaError as exc:
            problems.error(where, 1, str(exc))
            continue
        if mime == "image/svg+xml":
            for line, message in check_svg(data):
                problems.error(where, line, message)
        course.media[rel] = MediaSource(rel, path, sha256(data), mime, len(data))


def load_course(folder: Path, problems: Problems, label: str | None = None,
                ) -> CourseSource | None:
    """One course folder; None when its course.yml cannot be read at all."""
    label = label if label is not None else str(folder)
    try:
        data: bytes | None = (folder / COURSE_YML).read_bytes()
    except FileNotFoundError:
        data = None
    entries = [_Entry(path.name, path.read_bytes, path.is_dir(), path.is_symlink())
               for path in sorted(folder.iterdir())
               if not path.name.startswith(".") and path.name not in (COURSE_YML, "media")]
    return _load(folder, label, data, entries, problems, _folder_media)


def load_stored_course(stored: StoredCourse, problems: Problems, label: str | None = None,
                       ) -> CourseSource | None:
    """A course from memory, checked exactly like a folder (``label`` names its files)."""
    label = label if label is not None else stored.slug
    texts = stored.texts
    data = texts[COURSE_YML].encode("utf-8") if COURSE_YML in texts else None
    entries = [_Entry(name, lambda name=name: texts[name].encode("utf-8"))
               for name in sorted(texts) if name != COURSE_YML]

    def media(course: CourseSource, problems: Problems) -> None:
        course.media = dict(stored.media)

    return _load(Path(stored.slug), label, data, entries, problems, media)


def _load(folder: Path, label: str, data: bytes | None, entries: list[_Entry],
          problems: Problems, load_media: Callable[[CourseSource, Problems], None],
          ) -> CourseSource | None:
    where = f"{label}/{COURSE_YML}"
    if data is None:
        problems.error(where, 1, _("course.yml is missing"))
        return None
    try:
        source = data.decode("utf-8")
    except UnicodeDecodeError:
        problems.error(where, 1, _("not UTF-8 text"))
        return None
    try:
        meta = load_yaml(source)
    except YamlError as exc:
        problems.error(where, exc.line, _("bad YAML: %(error)s", error=exc.message))
        return None
    if not isinstance(meta, LineDict):
        problems.error(where, 1, _("course.yml must be keys and values (slug:, title:, …)"))
        return None
    course = CourseSource(path=folder, label=label, slug=folder.name, source=source)
    _check_keys(meta, COURSE_KEYS, REQUIRED_COURSE_KEYS, where, problems, COURSE_YML)
    _settings(course, meta, where, problems)
    listed = _modules(course, meta, where, problems)
    load_media(course, problems)
    _lessons(course, listed, entries, problems)
    _optional_settings(course, meta, listed, where, problems)
    titles_required = tuple(course.languages)
    if "title" in meta:
        course.titles = _lang_dict(meta["title"], where, meta.line_of("title"), problems,
                                   _("title"), titles_required)
    if "description" in meta:
        course.descriptions = _lang_dict(meta["description"], where,
                                         meta.line_of("description"), problems, _("description"))
    for module in course.modules:
        for lang in titles_required:
            if module.titles and lang not in module.titles:
                problems.error(where, module.line, _("module %(id)s has no %(lang)s title",
                                                     id=module.key,
                                                     lang=str(LANGUAGE_NAMES[lang])))
    return course


def _optional_settings(course: CourseSource, meta: LineDict, listed: dict[str, Any],
                       where: str, problems: Problems) -> None:
    """literacy:, placement: and kiosk: (see ``course_settings``), checked against the lessons
    just read; a literacy course's lessons then get the decodability check."""
    if "literacy" in meta:
        course.literacy = course_settings.read_literacy(meta["literacy"], meta.line_of("literacy"),
                                                        listed, where, problems)
    if "placement" in meta:
        course.placement = course_settings.read_placement(
            meta["placement"], meta.line_of("placement"), listed,
            {m.key for m in course.modules}, where, problems)
    literate = course.category is Category.LITERACY
    course.kiosk = (course_settings.read_kiosk(meta["kiosk"], meta.line_of("kiosk"), literate,
                                               where, problems)
                    if "kiosk" in meta else KioskSettings.from_dict({}, literate))
    by_key = {lesson.key: lesson for lesson in course.lessons}
    if course.placement is not None and course.placement.lesson in by_key:
        lesson = by_key[course.placement.lesson]
        course_settings.check_placement(course.placement, {q.id for q in lesson.first.questions
                                                           if q.id}, where, problems)
    if course.literacy is not None:
        lang = course.literacy.language
        order = [(key, by_key[key].versions[lang]) for module in course.modules
                 for key in module.lessons if key in by_key and lang in by_key[key].versions]
        course.decodability = decodability.check_lessons(course.slug, course.literacy, order,
                                                         problems)


def _lessons(course: CourseSource, listed: dict[str, tuple[str, int]], entries: list[_Entry],
             problems: Problems) -> None:
    files: dict[str, dict[str, _Entry]] = {}
    for entry in entries:
        name = entry.name
        parsed = lesson_file_name(name)
        if parsed is None or entry.is_dir:
            problems.warn(f"{course.label}/{name}", 1, _(
                "unexpected file, ignored (lessons are <id>.tg.md or <id>.ru.md)"))
        elif parsed[0] not in listed:
            problems.error(f"{course.label}/{name}", 1, _(
                "lesson %(id)s is not listed in any module of course.yml", id=parsed[0]))
        elif entry.is_symlink:
            problems.error(f"{course.label}/{name}", 1, _("links to other files are not "
                                                          "allowed"))
        else:
            files.setdefault(parsed[0], {})[parsed[1]] = entry
    course.languages = [lang for lang in LANGS if any(lang in f for f in files.values())]
    where = f"{course.label}/{COURSE_YML}"
    resolve_table = {name: url_for_media(m.sha256, m.mime) for name, m in course.media.items()}
    media_names = set(course.media)
    used: set[str] = set()
    for key, (module, line) in listed.items():
        found = files.get(key, {})
        if not found:
            problems.error(where, line, _("lesson %(id)s has no file (%(id)s.tg.md or "
                                          "%(id)s.ru.md)", id=key))
            continue
        for lang in course.languages:
            if lang not in found:
                problems.error(where, line, _("lesson %(id)s has no %(lang)s file "
                                              "%(id)s.%(code)s.md", id=key, code=lang,
                                              lang=str(LANGUAGE_NAMES[lang])))
        lesson = LessonSource(key=key, module=module)
        for lang, entry in found.items():
            file_label = f"{course.label}/{entry.name}"
            try:
                text = entry.read().decode("utf-8")
            except UnicodeDecodeError:
                problems.error(file_label, 1, _("not UTF-8 text"))
                continue
            lesson.versions[lang] = build_lesson(
                text, key=key, lang=lang, path=file_label, resolve=resolve_table.get,
                media=media_names, problems=problems)
            used.update(r.target for r in lesson.versions[lang].refs if r.kind == "media")
        if lesson.versions:
            _compare(lesson, problems)
            course.lessons.append(lesson)
    for name in sorted(media_names - used):
        problems.warn(f"{course.label}/{name}", 1, _("this file is not used by any lesson"))


def _compare(lesson: LessonSource, problems: Problems) -> None:
    """The other language must have the same settings and exercises as the first."""
    first = lesson.first
    for version in lesson.versions.values():
        if version is first:
            continue
        compare_versions(first, version, problems)
        for key, value in first.settings().items():
            other = getattr(version, key)
            mine, theirs = key in first.lines, key in version.lines
            if (mine and value is None) or (theirs and other is None):
                continue  # an invalid value, reported already
            if other != value and (mine or theirs):
                problems.error(version.path, version.lines.get(key, 1), _(
                    "%(key)s differs from the %(lang)s file (%(value)s)", key=key,
                    value=_("not set") if value is None else value,
                    lang=str(LANGUAGE_NAMES[first.lang])))
