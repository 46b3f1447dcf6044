"""Course settings and the module/lesson tree: every change is a new revision of the draft
``course.yml`` (written in the format of docs/authoring.md), and new lessons are new files."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import yaml
from flask_babel import gettext as _
from sqlalchemy import select

from ..accounts.models import User
from ..audit.services import record as audit
from ..content.lesson import LANGS, is_valid_id, lesson_file_name
from ..content.models import Category, Course
from ..extensions import db
from ..staff.models import OWNER, CourseStaff
from . import drafts
from .drafts import StudioError
from .models import COURSE_YML, Revision


@dataclass
class Settings:
    titles: dict[str, str]
    descriptions: dict[str, str] = field(default_factory=dict)
    category: str = Category.LITERACY.value
    icon: str = "book"
    level: int = 1
    pass_mark: int = 60
    sequential: bool = True


def read(text: str) -> dict[str, Any]:
    """The draft course.yml as plain data ({} when it cannot be read)."""
    try:
        meta = yaml.safe_load(text or "")
    except yaml.YAMLError:
        return {}
    return meta if isinstance(meta, dict) else {}


def dump(meta: dict[str, Any]) -> str:
    return yaml.safe_dump(meta, allow_unicode=True, sort_keys=False, default_flow_style=False,
                          width=1000)


def modules(meta: dict[str, Any]) -> list[dict[str, Any]]:
    found = meta.get("modules")
    return [m for m in found if isinstance(m, dict)] if isinstance(found, list) else []


def listed_lessons(meta: dict[str, Any]) -> list[str]:
    return [str(key) for m in modules(meta) for key in (m.get("lessons") or [])]


def settings_of(meta: dict[str, Any]) -> Settings:
    def texts(value: Any) -> dict[str, str]:
        return {k: str(v) for k, v in value.items()} if isinstance(value, dict) else {}

    return Settings(titles=texts(meta.get("title")), descriptions=texts(meta.get("description")),
                    category=str(meta.get("category", Category.LITERACY.value)),
                    icon=str(meta.get("icon", "book")), level=int(meta.get("level", 1) or 1),
                    pass_mark=int(meta.get("pass_mark", 60) or 0),
                    sequential=bool(meta.get("sequential", True)))


def _put_settings(meta: dict[str, Any], settings: Settings) -> dict[str, Any]:
    out: dict[str, Any] = {"slug": meta["slug"], "title": _texts(settings.titles)}
    descriptions = _texts(settings.descriptions)
    if descriptions:
        out["description"] = descriptions
    out.update(category=settings.category, icon=settings.icon, level=settings.level,
               pass_mark=settings.pass_mark, sequential=settings.sequential,
               modules=modules(meta))
    return out


def _texts(texts: dict[str, str]) -> dict[str, str]:
    return {lang: " ".join(texts[lang].split()) for lang in LANGS if texts.get(lang, "").strip()}


def draft_meta(course: Course, revisions: dict[str, Revision]) -> dict[str, Any]:
    revision = revisions.get(COURSE_YML)
    return read(revision.text) if revision else {}


def _write(course: Course, meta: dict[str, Any], author: User, note: str,
           revisions: dict[str, Revision]) -> Revision | None:
    return drafts.save(course, COURSE_YML, dump(meta), author, note, revisions)


# ---- courses ------------------------------------------------------------------------------

def create_course(slug: str, settings: Settings, author: User) -> Course:
    """A new course (not on any kiosk until a reviewer publishes it); its author owns it."""
    slug = (slug or "").strip()
    if not is_valid_id(slug):
        raise StudioError(_("The course id may only use lowercase latin letters, digits and "
                            "dashes."))
    if db.session.scalar(select(Course.id).where(Course.slug == slug)) is not None:
        raise StudioError(_("A course with the id %(slug)s exists already.", slug=slug))
    if not _texts(settings.titles):
        raise StudioError(_("Give the course a title."))
    course = Course(slug=slug, titles=_texts(settings.titles),
                    descriptions=_texts(settings.descriptions),
                    category=Category(settings.category), icon=settings.icon,
                    level=settings.level, pass_mark=settings.pass_mark,
                    sequential=settings.sequential, languages=[], source="", published_at=None)
    db.session.add(course)
    db.session.flush()
    db.session.add(CourseStaff(course_id=course.id, user_id=author.id, role=OWNER))
    meta = _put_settings({"slug": slug, "modules": []}, settings)
    drafts.save(course, COURSE_YML, dump(meta), author, _("course created"), {})
    audit(author, "course.create", course=slug)
    return course


def update_settings(course: Course, settings: Settings, author: User) -> Revision | None:
    if not _texts(settings.titles):
        raise StudioError(_("Give the course a title."))
    revisions = drafts.sync(course)
    meta = draft_meta(course, revisions)
    meta.setdefault("slug", course.slug)
    if course.published_at is None:  # not on kiosks: the list shows the new names at once
        course.titles = _texts(settings.titles)
        course.descriptions = _texts(settings.descriptions)
    return _write(course, _put_settings(meta, settings), author, _("settings changed"),
                  revisions)


# ---- modules ------------------------------------------------------------------------------

def _module(meta: dict[str, Any], key: str) -> dict[str, Any]:
    found = next((m for m in modules(meta) if m.get("id") == key), None)
    if found is None:
        raise StudioError(_("There is no module %(id)s.", id=key))
    return found


def add_module(course: Course, key: str, titles: dict[str, str], author: User) -> None:
    revisions = drafts.sync(course)
    meta = draft_meta(course, revisions)
    key = (key or "").strip()
    if not is_valid_id(key):
        raise StudioError(_("The module id may only use lowercase latin letters, digits and "
                            "dashes."))
    if any(m.get("id") == key for m in modules(meta)):
        raise StudioError(_("The module id %(id)s is used already.", id=key))
    if not _texts(titles):
        raise StudioError(_("Give the module a title."))
    meta["modules"] = [*modules(meta), {"id": key, "title": _texts(titles), "lessons": []}]
    _write(course, meta, author, _("module %(id)s added", id=key), revisions)


def move_module(course: Course, key: str, step: int, author: User) -> None:
    revisions = drafts.sync(course)
    meta = draft_meta(course, revisions)
    items = modules(meta)
    index = items.index(_module(meta, key))
    target = index + step
    if 0 <= target < len(items):
        items[index], items[target] = items[target], items[index]
        meta["modules"] = items
        _write(course, meta, author, _("module %(id)s moved", id=key), revisions)


def retitle_module(course: Course, key: str, titles: dict[str, str], author: User) -> None:
    """New titles for a module: Tajik is required, Russian optional (left out when empty)."""
    revisions = drafts.sync(course)
    meta = draft_meta(course, revisions)
    module = _module(meta, key)
    titles = _texts(titles)
    if "tg" not in titles:
        raise StudioError(_("Give the module a title in Tajik."))
    if module.get("title") == titles:
        return
    module["title"] = titles
    _write(course, meta, author, _("module %(id)s renamed", id=key), revisions)


def retire_module(course: Course, key: str, author: User) -> None:
    revisions = drafts.sync(course)
    meta = draft_meta(course, revisions)
    module = _module(meta, key)
    if module.get("lessons"):
        raise StudioError(_("Move or retire the module's lessons first."))
    meta["modules"] = [m for m in modules(meta) if m is not module]
    _write(course, meta, author, _("module %(id)s retired", id=key), revisions)


# ---- lessons ------------------------------------------------------------------------------

def lesson_template(key: str, title: str) -> str:
    return (f"---\nid: {key}\ntitle: {yaml_text(title)}\nminutes: 10\n---\n\n# {title}\n\n"
            + _("Write the first page here.") + "\n")


def yaml_text(text: str) -> str:
    """A one-line YAML scalar (quoted only when it needs to be)."""
    return yaml.safe_dump(text, allow_unicode=True, width=1000).strip().removesuffix("\n...")


def known_lessons(course: Course, revisions: dict[str, Revision]) -> set[str]:
    """Lesson ids ever used in the course (published, retired or drafted)."""
    keys = {lesson.key for lesson in course.lessons}
    return keys | {parsed[0] for path in revisions if (parsed := lesson_file_name(path))}


def add_lesson(course: Course, module_key: str, key: str, titles: dict[str, str],
               author: User) -> None:
    """A new lesson at the end of a module, with a file for every language given a title."""
    revisions = drafts.sync(course)
    meta = draft_meta(course, revisions)
    module = _module(meta, module_key)
    key = (key or "").strip()
    if not is_valid_id(key):
        raise StudioError(_("The lesson id may only use lowercase latin letters, digits and "
                            "dashes."))
    if key in known_lessons(course, revisions):
        raise StudioError(_("The lesson id %(id)s is used already (perhaps by a retired lesson: "
                            "bring it back instead).", id=key))
    titles = _texts(titles)
    if not titles:
        raise StudioError(_("Give the lesson a title."))
    module["lessons"] = [*(module.get("lessons") or []), key]
    _write(course, meta, author, _("lesson %(id)s added", id=key), revisions)
    for lang, title in titles.items():
        drafts.save(course, drafts.lesson_path(key, lang), lesson_template(key, title), author,
                    _("lesson created"), revisions)


def _lesson_place(meta: dict[str, Any], key: str) -> tuple[int, int]:
    for m_index, module in enumerate(modules(meta)):
        lessons = module.get("lessons") or []
        if key in lessons:
            return m_index, lessons.index(key)
    raise StudioError(_("There is no lesson %(id)s in the course.", id=key))


def move_lesson(course: Course, key: str, step: int, author: User) -> None:
    """One place up or down; past the first or last place, into the module before or after."""
    revisions = drafts.sync(course)
    meta = draft_meta(course, revisions)
    items = modules(meta)
    m_index, index = _lesson_place(meta, key)
    lessons = items[m_index]["lessons"]
    target = index + step
    if 0 <= target < len(lessons):
        lessons[index], lessons[target] = lessons[target], lessons[index]
    elif 0 <= m_index + step < len(items):
        lessons.pop(index)
        neighbour = items[m_index + step]
        neighbour["lessons"] = neighbour.get("lessons") or []
        if step < 0:
            neighbour["lessons"].append(key)
        else:
            neighbour["lessons"].insert(0, key)
    else:
        return
    meta["modules"] = items
    _write(course, meta, author, _("lesson %(id)s moved", id=key), revisions)


def retire_lesson(course: Course, key: str, author: User) -> None:
    """Take a lesson out of the course (learners keep their history; it can come back)."""
    revisions = drafts.sync(course)
    meta = draft_meta(course, revisions)
    m_index, index = _lesson_place(meta, key)
    modules(meta)[m_index]["lessons"].pop(index)
    _write(course, meta, author, _("lesson %(id)s retired", id=key), revisions)


def restore_lesson(course: Course, key: str, module_key: str, author: User) -> None:
    revisions = drafts.sync(course)
    meta = draft_meta(course, revisions)
    if key in listed_lessons(meta):
        return
    if key not in known_lessons(course, revisions):
        raise StudioError(_("There is no lesson %(id)s in the course.", id=key))
    module = _module(meta, module_key)
    module["lessons"] = [*(module.get("lessons") or []), key]
    _write(course, meta, author, _("lesson %(id)s brought back", id=key), revisions)
