"""Moodle GIFT files in and out of lessons stored in the database.

Import: the questions of a GIFT file become one quiz block appended to the end of a lesson's
Markdown (in one language), and the lesson is rebuilt exactly as at import. ``$CATEGORY`` lines
are not used to place questions (the target lesson is given): they are reported as a warning.
Every question needs a ``::id::`` not yet used in the lesson. Differences from the lesson's other
language are warnings here (a lecturer adds one language at a time); ``content check`` of an
export still reports them as errors.

Texts without a format prefix are read as Markdown (as in lessons).

Export: plain GIFT, one ``$CATEGORY: <course>/<module>`` per module and a ``// <lesson>: title``
comment before each lesson's questions; every text carries its format (``[markdown]``…) since
Moodle's own default is its "moodle" format.
"""

from __future__ import annotations

from dataclasses import replace

from flask_babel import gettext as _

from . import gift, reading
from .exercises import compare_versions, gift_message
from .gift import Question
from .importer import update_lesson
from .lesson import build_lesson
from .markdown import KEY_RE
from .models import Course, Lesson
from .problems import ContentError, Problems
from .sources import LessonSource


def parse_gift_file(text: str, label: str, problems: Problems) -> list[Question]:
    try:
        questions, errors = gift.parse_all(text)
    except Exception as exc:  # noqa: BLE001 - report, never crash
        problems.error(label, 1, _("the file could not be read: %(error)s", error=str(exc)))
        return []
    for error in errors:
        problems.error(label, error.line, gift_message(error))
    return questions


def rebuild_lesson(lesson: Lesson, texts: dict[str, str], problems: Problems) -> LessonSource:
    """Rebuild a stored lesson from new texts for some languages (others as stored)."""
    course = lesson.course
    urls = {m.name: m.url for m in course.media}
    item = LessonSource(key=lesson.key, module=lesson.module.key)
    sources = {c.lang: c.source for c in lesson.contents} | texts
    for lang in sorted(sources, key=lambda code: (code != "tg", code)):
        item.versions[lang] = build_lesson(
            sources[lang], key=lesson.key, lang=lang, path=f"{course.slug}/{lesson.key}."
            f"{lang}.md", resolve=urls.get, media=set(urls), problems=problems)
    return item


def add_questions(lesson: Lesson, lang: str, text: str, label: str) -> tuple[int, Problems]:
    """Append a GIFT file's questions to a lesson; return (count, warnings).

    Raises ``ContentError`` (nothing changed) if anything is wrong."""
    problems = Problems()
    questions = parse_gift_file(text, label, problems)
    content = next((c for c in lesson.contents if c.lang == lang), None)
    if content is None:
        problems.error(label, 1, _("lesson %(id)s has no %(lang)s text", id=lesson.key,
                                   lang=lang))
    existing = {e.key for e in lesson.exercises if lang in e.data and e.retired_at is None}
    seen: set[str] = set()
    for question in questions:
        if question.category:
            problems.warn(label, question.line, _(
                "$CATEGORY %(category)s is not used: the questions go into lesson %(id)s",
                category=question.category, id=lesson.key))
            question.category = None
        if not question.id:
            problems.error(label, question.line, _("question without ::id:: (every question "
                                                   "needs a stable id)"))
        elif not KEY_RE.match(question.id):
            problems.error(label, question.line, _("question id %(id)s: use only latin letters, "
                                                   "digits and dashes (at most 64)",
                                                   id=question.id))
        elif question.id in existing or question.id in seen:
            problems.error(label, question.line, _("exercise id %(id)s is already used in this "
                                                   "lesson", id=question.id))
        seen.add(question.id or "")
    if not questions and not problems.errors:
        problems.error(label, 1, _("the file holds no question"))
    if problems.errors or content is None:
        raise ContentError(problems.errors)
    source = content.source
    if source and not source.endswith("\n"):
        source += "\n"
    block = "```quiz\n" + gift.dump(questions).strip("\n") + "\n```\n"
    built = Problems()
    item = rebuild_lesson(lesson, {lang: f"{source}\n{block}"}, built)
    wanted = [q.id for q in item.versions[lang].questions][-len(questions):]
    if built.errors or wanted != [q.id for q in questions]:
        raise ContentError(built.errors or [problems_line(label, _(
            "the questions could not be added as written"))])
    differences = Problems()
    first = item.first
    for version in item.versions.values():
        if version is not first:
            compare_versions(first, version, differences)
    for problem in differences:
        problems.warn(problem.path, problem.line, problem.message)
    update_lesson(lesson, item)
    return len(questions), problems


def problems_line(label: str, message: str):
    found = Problems()
    found.error(label, 1, message)
    return found[0]


def export_gift(course: Course, lesson_key: str | None = None, lang: str | None = None,
                ) -> str:
    """The course's (or one lesson's) questions as a GIFT file."""
    lang = lang or (course.languages[0] if course.languages else "tg")
    parts: list[str] = []
    for module in course.modules:
        lessons = [le for le in module.lessons if le.active
                   and (lesson_key is None or le.key == lesson_key)]
        blocks = []
        for lesson in lessons:
            # Copies: a published question is shared by every request of the process.
            read = reading.read(lesson)
            questions = [replace(read.question(e, lang), category=None) for e in lesson.exercises
                         if e.active and lang in e.data]
            if not questions:
                continue
            content = read.content(lang)
            title = " ".join((content.title if content else lesson.key).split())
            text = gift.dump(questions, default_format="moodle").strip()
            blocks.append(f"// {lesson.key}: {title}\n\n{text}\n")
        if blocks:
            parts.append(f"$CATEGORY: {course.slug}/{module.key}\n\n" + "\n".join(blocks))
    return "\n".join(parts)
