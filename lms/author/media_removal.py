"""Taking a picture or sound out of a course's media library.

The library writes ``MediaFile`` rows directly (uploads are not part of a submission), so
deleting one removes its row at once. It is refused while any lesson still uses the file,
in its draft or as the kiosks show it (retired lessons included: they can come back), or in an
older published version that a learner (still held) is part-way through, so no page ever
loses a picture. The stored bytes go only when no course has a file with the same
content any more, and only after the deletion is committed.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy import and_, func, select

from ..accounts.models import User
from ..accounts.models import User as Account
from ..audit.services import record as audit
from ..content import media
from ..content.lesson import lesson_file_name
from ..content.models import Course, Lesson, LessonSnapshot, MediaFile
from ..extensions import db
from ..learn.models import LessonProgress, Status
from . import drafts, structure
from .drafts import StudioError
from .models import Revision


@dataclass(frozen=True)
class Place:
    """One line of one lesson file that uses a media file."""

    lesson: str
    lang: str
    line: int
    published: bool = False  # found in the text the kiosks show, not in the draft
    retired: bool = False
    version: int = 0  # an older published version that learners are still reading
    readers: int = 0

    def __str__(self) -> str:
        if self.readers:
            return ngettext(
                "lesson %(lesson)s as published before (version %(version)s), which "
                "%(num)d learner is still reading",
                "lesson %(lesson)s as published before (version %(version)s), which "
                "%(num)d learners are still reading",
                self.readers, lesson=self.lesson, version=self.version)
        if self.published:
            return _("lesson %(lesson)s as published (%(lang)s, line %(line)s)",
                     lesson=self.lesson, lang=self.lang, line=self.line)
        if self.retired:
            return _("retired lesson %(lesson)s (%(lang)s, line %(line)s)",
                     lesson=self.lesson, lang=self.lang, line=self.line)
        return _("lesson %(lesson)s (%(lang)s, line %(line)s)",
                 lesson=self.lesson, lang=self.lang, line=self.line)


def _lines(refs, name: str) -> list[int]:
    return sorted({int(line) for kind, target, _label, line in refs
                   if kind == "media" and target == name})


def places_using(course: Course, name: str, revisions: dict[str, Revision]) -> list[Place]:
    """Every draft or published lesson line that uses ``name`` ("media/apple.png")."""
    listed = set(structure.listed_lessons(structure.draft_meta(course, revisions)))
    found: list[Place] = []
    for path, revision in sorted(revisions.items()):
        parsed = lesson_file_name(path)
        if parsed is not None:
            found += [Place(parsed[0], parsed[1], line, retired=parsed[0] not in listed)
                      for line in _lines(revision.refs or [], name)]
    urls = drafts.media_urls(course)
    for path, text in sorted(drafts.published_texts(course).items()):
        parsed = lesson_file_name(path)
        draft = revisions.get(path)
        if parsed is None or (draft is not None and draft.text == text) or name not in text:
            continue
        version, _problems = drafts.check_text(course, path, text, urls)
        refs = [(r.kind, r.target, r.label, r.line) for r in version.refs] if version else []
        found += [Place(parsed[0], parsed[1], line, published=True)
                  for line in _lines(refs, name)]
    return found


def versions_being_read(course: Course, sha: str) -> list[Place]:
    """The older published versions that learners part-way through a lesson still read (they
    keep the version they started, see ``content.reading``) and that show the file with content
    ``sha``. Learners no longer held (released: their account is closed) are not counted."""
    rows = db.session.execute(
        select(Lesson.key, LessonSnapshot.version, LessonSnapshot.contents,
               LessonSnapshot.exercises, func.count(LessonProgress.id))
        .join(LessonProgress, and_(LessonProgress.lesson_id == LessonSnapshot.lesson_id,
                                   LessonProgress.lesson_version == LessonSnapshot.version))
        .join(Lesson, Lesson.id == LessonSnapshot.lesson_id)
        .join(Account, Account.id == LessonProgress.user_id)
        .where(Lesson.course_id == course.id, LessonSnapshot.version != Lesson.version,
               LessonProgress.status != Status.DONE, Account.active.is_(True))
        .group_by(Lesson.key, LessonSnapshot.version, LessonSnapshot.id)
        .order_by(Lesson.key, LessonSnapshot.version)
    ).all()
    # A page or an exercise shows a file by its URL, which names its content.
    return [Place(key, "", 0, version=version, readers=readers)
            for key, version, contents, exercises, readers in rows
            if sha in json.dumps(contents) or sha in json.dumps(exercises)]


def delete_media(course: Course, item: MediaFile, author: User) -> str | None:
    """Delete one media file of the course, or refuse naming where it is still used.

    Returns the content hash whose stored bytes no course uses any more (pass it to
    ``discard_stored`` once committed), else None. Adds and flushes, never commits."""
    if item.course_id != course.id:
        raise StudioError(_("There is no file %(name)s in this course.", name=item.name))
    places = places_using(course, item.name, drafts.sync(course))
    places += versions_being_read(course, item.sha256)
    if places:
        raise StudioError(_("%(name)s is still used in %(places)s: take it out of these "
                            "lessons first.", name=item.name,
                            places="; ".join(str(p) for p in places)))
    sha, name = item.sha256, item.name
    course.media.remove(item)  # an orphan: the row is deleted
    db.session.flush()
    audit(author, "course.media_delete", course=course.slug, name=name, sha256=sha)
    return None if _still_stored(sha) else sha


def _still_stored(sha: str) -> bool:
    return db.session.scalar(select(MediaFile.id).where(MediaFile.sha256 == sha).limit(1)) \
        is not None


def discard_stored(sha: str | None) -> bool:
    """Remove the stored bytes of a committed deletion, unless a file with the same content
    was added meanwhile; True when they were removed."""
    if sha is None or _still_stored(sha):
        return False
    path = media.path_for(sha)
    if not path.is_file():
        return False
    path.unlink()
    return True
