"""Review and publishing: draft → submitted → published, or sent back with a comment.

The draft course is checked exactly as ``content check`` checks a folder (the same loader, on
the drafts' texts), and publishing imports it with the same importer as ``content import``:
kiosks keep reading only what the importer writes. Two people are needed: the publisher is an
administrator or a reviewer who neither submitted the change nor wrote any revision in it.
Every step is in the audit log. Services add and flush, never commit.
"""

from __future__ import annotations

from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import select
from sqlalchemy.orm import selectinload

from .. import clock
from ..accounts.models import Role, User
from ..audit.services import record as audit
from ..content import media
from ..content.importer import import_course
from ..content.lesson import lesson_file_name
from ..content.loader import load_stored_course
from ..content.models import Course, Exercise, Lesson
from ..content.problems import Problems
from ..content.sources import CourseSource, MediaSource, StoredCourse
from ..extensions import db
from ..speech import clips
from . import drafts, structure
from .drafts import StudioError
from .models import COURSE_YML, Revision, Submission, SubmissionStatus


@dataclass
class CourseCheck:
    source: CourseSource | None
    problems: Problems

    @property
    def ok(self) -> bool:
        return self.source is not None and not self.problems.errors


def can_review(user: User) -> bool:
    return user.role is Role.ADMIN or (user.is_staff and bool(user.is_reviewer))


def draft_files(course: Course, revisions: dict[str, Revision]) -> dict[str, Revision]:
    """The files that make up the draft course: course.yml and the listed lessons' files."""
    listed = set(structure.listed_lessons(structure.draft_meta(course, revisions)))
    return {path: r for path, r in revisions.items()
            if path == COURSE_YML or ((p := lesson_file_name(path)) and p[0] in listed)}


def changed_files(course: Course, revisions: dict[str, Revision]) -> dict[str, Revision]:
    """The draft files whose text differs from what kiosks read."""
    published = drafts.published_texts(course)
    return {path: r for path, r in draft_files(course, revisions).items()
            if published.get(path) != r.text}


def check_course(course: Course, revisions: dict[str, Revision]) -> CourseCheck:
    """Every problem of the draft course, as ``content check`` would report it."""
    stored = StoredCourse(
        slug=course.slug,
        texts={path: r.text for path, r in draft_files(course, revisions).items()},
        media={m.name: MediaSource(m.name, media.path_for(m.sha256), m.sha256, m.mime, m.size)
               for m in course.media})
    problems = Problems()
    source = load_stored_course(stored, problems, course.slug)
    if source is not None:
        if source.slug != course.slug:
            problems.error(drafts.file_label(course, COURSE_YML), 1,
                           _("the course id cannot change (it is %(slug)s)", slug=course.slug))
        _check_types(course, source, problems)
    return CourseCheck(source, problems)


def _check_types(course: Course, source: CourseSource, problems: Problems) -> None:
    """An exercise keeps its type once published: learners' answers are kept with its id."""
    published = {(lesson, key): kind for lesson, key, kind in db.session.execute(
        select(Lesson.key, Exercise.key, Exercise.type)
        .join(Exercise, Exercise.lesson_id == Lesson.id).where(Lesson.course_id == course.id))}
    for lesson in source.lessons:
        for version in lesson.versions.values():
            for question in version.questions:
                was = published.get((lesson.key, question.id or ""))
                if was is not None and was != question.type:
                    problems.error(version.path, question.line, _(
                        "exercise %(id)s was published as another kind of exercise: give the "
                        "changed exercise a new id", id=question.id))


# ---- the lecturer's side ------------------------------------------------------------------

def submit(course: Course, user: User, note: str = "") -> Submission:
    revisions = drafts.sync(course)
    drafts.ensure_editable(course)
    changed = changed_files(course, revisions)
    if not changed:
        raise StudioError(_("Nothing has changed since the last publication."))
    if not check_course(course, revisions).ok:
        raise StudioError(_("Correct the errors first: the check lists them."))
    submission = Submission(course_id=course.id, files={p: r.id for p, r in changed.items()},
                            note=note.strip(), submitted_by_id=user.id)
    db.session.add(submission)
    db.session.flush()
    audit(user, "course.submit", course=course.slug, submission=submission.id,
          files=sorted(changed))
    return submission


def withdraw(submission: Submission, user: User) -> None:
    _ensure_waiting(submission)
    submission.status = SubmissionStatus.WITHDRAWN
    submission.decided_by_id, submission.decided_at = user.id, clock.now()
    audit(user, "course.withdraw", course=submission.course.slug, submission=submission.id)


def _ensure_waiting(submission: Submission) -> None:
    if not submission.waiting:
        raise StudioError(_("This submission was already decided."))


# ---- the reviewer's side ------------------------------------------------------------------

def submitted_revisions(submission: Submission) -> list[Revision]:
    """Every revision in the submission: for each file, those written since it was last
    published, up to the one submitted."""
    wanted = set(submission.files.values())
    rows = db.session.scalars(
        select(Revision).where(Revision.course_id == submission.course_id,
                               Revision.path.in_(list(submission.files)))
        .options(selectinload(Revision.author))
        .order_by(Revision.path, Revision.number.desc()))
    found: list[Revision] = []
    state: dict[str, str] = {}  # path -> "before" the submitted one, "in" it, or "done"
    for row in rows:
        step = state.get(row.path, "before")
        if step == "before" and row.id in wanted:
            step = "in"
        if step == "in":
            if row.published_at is not None:
                step = "done"
            else:
                found.append(row)
        state[row.path] = step
    return found


def authors(submission: Submission) -> set[int]:
    ids = {r.author_id for r in submitted_revisions(submission) if r.author_id is not None}
    return ids | {submission.submitted_by_id}


def refusal(user: User, submission: Submission) -> str | None:
    """Why ``user`` may not publish ``submission`` (None: they may)."""
    if not can_review(user):
        return _("Only an administrator or a reviewer publishes.")
    if user.id in authors(submission):
        return _("You worked on this change: another reviewer must publish it.")
    return None


def publish(submission: Submission, user: User) -> Course:
    """Import the submitted drafts (exactly as ``content import`` would) and mark them
    published. The human recordings are recorded now; the view has the machine clips made
    once it has committed (``speech.later``), never inside the request."""
    _ensure_waiting(submission)
    reason = refusal(user, submission)
    if reason:
        raise StudioError(reason)
    course = submission.course
    revisions = drafts.latest(course)
    if any(revisions[path].id != rid for path, rid in submission.files.items()
           if path in revisions):
        raise StudioError(_("The course changed after it was submitted."))
    check = check_course(course, revisions)
    if not check.ok or check.source is None:
        raise StudioError(_("The course has errors now: send it back."))
    now = clock.now()
    import_course(check.source)
    clips.after_import(course, machine=False)  # the machine voice: after the commit (later)
    for revision in submitted_revisions(submission):
        revision.published_at = now
    for path, revision in draft_files(course, revisions).items():
        if revision.published_at is None and path not in submission.files:
            revision.published_at = now  # the same text as published
    submission.status = SubmissionStatus.PUBLISHED
    submission.decided_by_id, submission.decided_at = user.id, now
    db.session.flush()
    audit(user, "course.publish", course=course.slug, submission=submission.id,
          files=sorted(submission.files))
    return course


def send_back(submission: Submission, user: User, comment: str) -> None:
    _ensure_waiting(submission)
    if not can_review(user):
        raise StudioError(_("Only an administrator or a reviewer publishes."))
    if not comment.strip():
        raise StudioError(_("Say what should change."))
    submission.status = SubmissionStatus.RETURNED
    submission.comment = comment.strip()
    submission.decided_by_id, submission.decided_at = user.id, clock.now()
    audit(user, "course.return", course=submission.course.slug, submission=submission.id)


def waiting_submissions() -> list[Submission]:
    return list(db.session.scalars(
        select(Submission).where(Submission.status == SubmissionStatus.SUBMITTED)
        .order_by(Submission.submitted_at)))


def last_decision(course: Course) -> Submission | None:
    return db.session.scalar(select(Submission).where(Submission.course_id == course.id)
                             .order_by(Submission.id.desc()).limit(1))
