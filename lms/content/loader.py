"""Read a course folder (or a folder of courses) into plain dataclasses, collecting problems.

A course may also be read from memory (``StoredCourse``: the studio's drafts, whose media are
already checked and stored): the same checks run on the same texts either way.
Nothing here touches the database; ``importer`` stores what this returns.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from flask_babel import gettext as _

from . import course_yml
from .exercises import LANGUAGE_NAMES, compare_versions
from .lesson import LANGS, build_lesson, lesson_file_name
from .media import MediaError, identify, sha256, url_for_media
from .problems import Problems
from .sources import (
    COURSE_KEYS,
    COURSE_YML,
    REQUIRED_COURSE_KEYS,
    CourseSource,
    LessonSource,
    MediaSource,
    StoredCourse,
    _Entry,
)
from .svg import check_svg
from .yamlio import LineDict, YamlError
from .yamlio import load as load_yaml


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
    course_yml.check_keys(meta, COURSE_KEYS, REQUIRED_COURSE_KEYS, where, problems, COURSE_YML)
    course_yml.settings(course, meta, where, problems)
    listed = course_yml.modules(course, meta, where, problems)
    load_media(course, problems)
    _lessons(course, listed, entries, problems)
    course_yml.optional_settings(course, meta, listed, where, problems)
    titles_required = tuple(course.languages)
    if "title" in meta:
        course.titles = course_yml.lang_dict(meta["title"], where, meta.line_of("title"), problems,
                                   _("title"), titles_required)
    if "description" in meta:
        course.descriptions = course_yml.lang_dict(meta["description"], where,
                                         meta.line_of("description"), problems, _("description"))
    for module in course.modules:
        for lang in titles_required:
            if module.titles and lang not in module.titles:
                problems.error(where, module.line, _("module %(id)s has no %(lang)s title",
                                                     id=module.key,
                                                     lang=str(LANGUAGE_NAMES[lang])))
    return course


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
