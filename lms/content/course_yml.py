"""Reading ``course.yml``: its keys, titles, settings and modules, and the optional parts
(literacy, placement, kiosk) checked against the lessons, every problem on its line."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _

from . import course_settings, decodability
from .course_settings import KioskSettings, check_keys
from .exercises import LANGUAGE_NAMES
from .lesson import LANGS, is_valid_id
from .models import ICONS, Category
from .problems import Problems
from .sources import DEFAULTS, MODULE_KEYS, CourseSource, ModuleSource
from .yamlio import LineDict, LineList


def lang_dict(value: Any, where: str, line: int, problems: Problems, what: str,
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


def settings(course: CourseSource, meta: LineDict, where: str, problems: Problems) -> None:
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


def modules(course: CourseSource, meta: LineDict, where: str, problems: Problems,
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
        check_keys(item, MODULE_KEYS, MODULE_KEYS, where, problems, _("a module"))
        key = item.get("id")
        if "id" in item and not is_valid_id(key):
            problems.error(where, item.line_of("id"), _("module id: use lowercase latin "
                                                        "letters, digits and dashes"))
            continue
        if any(m.key == key for m in course.modules):
            problems.error(where, item.line_of("id"), _("module id %(id)s is used twice",
                                                        id=key))
            continue
        titles = lang_dict(item.get("title", {}), where, item.line_of("title"), problems,
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


def optional_settings(course: CourseSource, meta: LineDict, listed: dict[str, Any],
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
