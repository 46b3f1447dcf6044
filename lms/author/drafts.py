"""A course's files in the studio: the newest revision of each is the draft.

Files are named as in a course folder: ``course.yml`` and ``<lesson>.<lang>.md``. A file that
was published before the studio first touched the course gets a first revision holding the
published text (no author), so history, comparisons and "changed" all start from what kiosks
show. Services add and flush, never commit.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from itertools import zip_longest

from flask_babel import gettext as _
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from .. import clock
from ..accounts.models import User
from ..content.check import check_lesson_text
from ..content.decodability import taught_for
from ..content.lesson import LANGS, lesson_file_name
from ..content.markdown import normalize_newlines
from ..content.models import Course, Lesson, LessonContent
from ..content.problems import Problems
from ..content.yamlio import YamlError
from ..content.yamlio import load as load_yaml
from ..extensions import db
from .models import COURSE_YML, Revision, Submission, SubmissionStatus

MAX_TEXT = 200_000  # characters in one file


class StudioError(ValueError):
    """A change the studio refuses; the message says why, in the user's language."""


def lesson_path(key: str, lang: str) -> str:
    return f"{key}.{lang}.md"


def other_lang(lang: str) -> str:
    return next(code for code in LANGS if code != lang)


def file_label(course: Course, path: str) -> str:
    """How problems name a file (as ``content check`` names it in a folder)."""
    return f"{course.slug}/{path}"


# ---- reading ------------------------------------------------------------------------------

def latest(course: Course) -> dict[str, Revision]:
    """The newest revision of every file of the course, in one query."""
    newest = (select(Revision.path, func.max(Revision.number).label("number"))
              .where(Revision.course_id == course.id).group_by(Revision.path).subquery())
    rows = db.session.scalars(
        select(Revision).join(newest, (Revision.path == newest.c.path)
                              & (Revision.number == newest.c.number))
        .where(Revision.course_id == course.id))
    return {r.path: r for r in rows}


def published_texts(course: Course) -> dict[str, str]:
    """What the kiosks read now, file by file (retired lessons included)."""
    texts = {COURSE_YML: course.source} if course.source else {}
    rows = db.session.execute(
        select(Lesson.key, LessonContent.lang, LessonContent.source)
        .join(LessonContent, LessonContent.lesson_id == Lesson.id)
        .where(Lesson.course_id == course.id))
    for key, lang, source in rows:
        texts[lesson_path(key, lang)] = source
    return texts


def history(course: Course, path: str) -> list[Revision]:
    return list(db.session.scalars(
        select(Revision).where(Revision.course_id == course.id, Revision.path == path)
        .options(selectinload(Revision.author)).order_by(Revision.number.desc())))


def waiting_submission(course: Course) -> Submission | None:
    return db.session.scalar(select(Submission).where(
        Submission.course_id == course.id, Submission.status == SubmissionStatus.SUBMITTED))


def ensure_editable(course: Course) -> None:
    if waiting_submission(course) is not None:
        raise StudioError(_("This course is waiting for review. Take it back to change it."))


def is_behind(path: str, revisions: dict[str, Revision]) -> bool:
    """True when the other language of this lesson file changed after this one was written."""
    parsed = lesson_file_name(path)
    mine = revisions.get(path)
    if parsed is None or mine is None:
        return False
    other = revisions.get(lesson_path(parsed[0], other_lang(parsed[1])))
    return other is not None and other.leads and mine.basis != other.number


# ---- checking -----------------------------------------------------------------------------

def media_urls(course: Course) -> dict[str, str]:
    return {m.name: m.url for m in course.media}


def check_text(course: Course, path: str, text: str, urls: dict[str, str] | None = None,
               revisions: dict[str, Revision] | None = None):
    """Check one file on its own; returns (the built lesson or None, problems). With the
    course's ``revisions``, a literacy course's lesson also gets the decodability check
    against the draft course.yml."""
    parsed = lesson_file_name(path)
    if parsed is None:
        problems = Problems()
        try:
            load_yaml(text)
        except YamlError as exc:
            problems.error(file_label(course, path), exc.line,
                           _("bad YAML: %(error)s", error=exc.message))
        return None, problems
    urls = media_urls(course) if urls is None else urls
    meta = (revisions or {}).get(COURSE_YML)
    taught = taught_for(meta.text, parsed[0], parsed[1]) if meta is not None else None
    return check_lesson_text(text, key=parsed[0], lang=parsed[1],
                             path=file_label(course, path), media=set(urls), resolve=urls.get,
                             taught=taught)


def _revision(course: Course, path: str, text: str, number: int, author: User | None,
              note: str, urls: dict[str, str], revisions: dict[str, Revision]) -> Revision:
    version, problems = check_text(course, path, text, urls, revisions)
    revision = Revision(course_id=course.id, path=path, number=number, text=text,
                        note=note[:200], author_id=author.id if author else None,
                        errors=len(problems.errors), warnings=len(problems.warnings))
    if version is not None:
        revision.title = version.title[:200]
        revision.questions = [q.to_dict() for q in version.questions]
        revision.refs = [[r.kind, r.target, r.label, r.line] for r in version.refs]
    return revision


# ---- writing ------------------------------------------------------------------------------

def current(course: Course) -> dict[str, Revision]:
    """The newest revision of every file, as ``sync`` would leave them, without writing: a file
    published outside the studio and not recorded yet stands as a revision not saved (its
    ``id`` is None). For pages that only show the drafts."""
    revisions = latest(course)
    return revisions | _as_published(course, revisions)


def sync(course: Course) -> dict[str, Revision]:
    """Give every published file a first revision, and follow a publication made outside the
    studio (``content import``) when nobody has changed the file since; return the newest
    revisions. Run by the services that change a course, before they change it."""
    revisions = latest(course)
    added = _as_published(course, revisions)
    for revision in added.values():
        db.session.add(revision)
    if added:
        db.session.flush()
    return revisions | added


def _as_published(course: Course, revisions: dict[str, Revision]) -> dict[str, Revision]:
    """The revisions the published files lack (made, not added to the session)."""
    now = clock.now()
    urls: dict[str, str] | None = None
    added: dict[str, Revision] = {}
    for path, text in published_texts(course).items():
        mine = revisions.get(path)
        if mine is not None and (mine.published_at is None or mine.text == text):
            continue
        urls = media_urls(course) if urls is None else urls
        added[path] = _revision(course, path, text, mine.number + 1 if mine else 1, None,
                                _("as published"), urls, revisions)
        added[path].published_at = now
    for path, revision in added.items():
        parsed = lesson_file_name(path)
        if parsed is not None:
            other = lesson_path(parsed[0], other_lang(parsed[1]))
            partner = added.get(other) or revisions.get(other)
            revision.basis = partner.number if partner else None
    return added


def save(course: Course, path: str, text: str, author: User, note: str = "",
         revisions: dict[str, Revision] | None = None) -> Revision | None:
    """Save a file's new text as its next revision; None when the text did not change."""
    ensure_editable(course)
    if path != COURSE_YML and lesson_file_name(path) is None:
        raise StudioError(_("unknown file %(name)s", name=path))
    text = normalize_newlines(text)
    if text and not text.endswith("\n"):
        text += "\n"
    if len(text) > MAX_TEXT:
        raise StudioError(_("The text is too long (%(n)s characters at most).", n=MAX_TEXT))
    revisions = latest(course) if revisions is None else revisions
    mine = revisions.get(path)
    if mine is not None and mine.text == text:
        return None
    revision = _revision(course, path, text, mine.number + 1 if mine else 1, author, note,
                         media_urls(course), revisions)
    parsed = lesson_file_name(path)
    if parsed is not None:
        other = revisions.get(lesson_path(parsed[0], other_lang(parsed[1])))
        revision.basis = other.number if other else None
        # A save that catches up with the other language does not make it out of date.
        revision.leads = mine is not None and not is_behind(path, revisions)
    db.session.add(revision)
    db.session.flush()
    revisions[path] = revision
    return revision


def restore(course: Course, old: Revision, author: User) -> Revision | None:
    """Make an old text the newest again (a new revision; history is never rewritten)."""
    return save(course, old.path, old.text, author,
                _("restored revision %(number)s", number=old.number))


# ---- comparing ----------------------------------------------------------------------------

@dataclass
class DiffRow:
    kind: str  # "same", "changed", "removed", "added", "skipped"
    left_number: int | None = None
    left: str = ""
    right_number: int | None = None
    right: str = ""


def diff_rows(old: str, new: str, context: int = 3) -> list[DiffRow]:
    """A side-by-side comparison of two texts; long unchanged stretches are folded."""
    a, b = old.split("\n"), new.split("\n")
    rows: list[DiffRow] = []
    matcher = difflib.SequenceMatcher(None, a, b, autojunk=False)
    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            span = list(range(i2 - i1))
            if len(span) > 2 * context + 1:
                keep = span[:context] + [None] + span[-context:]
            else:
                keep = span
            for k in keep:
                if k is None:
                    rows.append(DiffRow("skipped", left=str(i2 - i1 - 2 * context)))
                else:
                    rows.append(DiffRow("same", i1 + k + 1, a[i1 + k], j1 + k + 1, b[j1 + k]))
            continue
        for i, j in zip_longest(range(i1, i2), range(j1, j2)):
            kind = "changed" if i is not None and j is not None else (
                "removed" if i is not None else "added")
            rows.append(DiffRow(kind, i + 1 if i is not None else None,
                                a[i] if i is not None else "",
                                j + 1 if j is not None else None,
                                b[j] if j is not None else ""))
    return rows
