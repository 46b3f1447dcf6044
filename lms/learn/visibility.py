"""What a learner may see: the published courses and lessons, the lock of a sequential course,
where to continue, and which version of a lesson they read.

A module opened for the learner (``ModuleOpening``: by the placement test or an officer) counts
as done: its lessons are unlocked, the lesson after it opens, course completion and the kiosk's
totals count its lessons, and Continue and the next lesson go past it. The learner may still take
its lessons; the certificate's hours count only the lessons they did (``completion``).

Plain functions; they read, never write."""

from __future__ import annotations

from typing import Any

from sqlalchemy import and_, bindparam, case, exists, func, or_, select
from sqlalchemy.orm import defaultload, defer, joinedload

from ..accounts.models import User
from ..content import reading
from ..content.models import Course, Exercise, Lesson
from ..content.reading import LessonReading
from ..extensions import db
from .models import LessonProgress, ModuleOpening, PlanItem, Status


class LearnError(ValueError):
    """A learner's request that the rules refuse ("locked", "no_tries", "done", "bad_answer")."""

    def __init__(self, code: str, detail: str = ""):
        super().__init__(code)
        self.code = code
        self.detail = detail


# What a kiosk request needs of a lesson: the lesson with its course in one query; its exercises
# when first needed, without their data (a published version's data comes from
# ``content.versions``). Built once: loader options cost more to build than to use.
LESSON_LOADING = (joinedload(Lesson.course).defer(Course.source),
                  defaultload(Lesson.exercises).defer(Exercise.data))
EXERCISE_LOADING = (defer(Exercise.data), joinedload(Exercise.lesson).options(*LESSON_LOADING))


def lesson_for_learner(lesson_id: int) -> Lesson | None:
    """A published, active lesson, or None."""
    lesson = db.session.get(Lesson, lesson_id, options=LESSON_LOADING)
    return lesson if _readable(lesson) else None


def _readable(lesson: Lesson | None) -> bool:
    return lesson is not None and lesson.active and lesson.course.published_at is not None


def _own_progress(entity, lesson_id):
    """``entity`` with the learner's progress row in its lesson (None before they start)."""
    return (select(entity, LessonProgress)
            .outerjoin(LessonProgress, and_(LessonProgress.lesson_id == lesson_id,
                                            LessonProgress.user_id == bindparam("user_id"))))


# Built once, like the loader options: a kiosk request's first query.
_LESSON_READING = (_own_progress(Lesson, Lesson.id).options(*LESSON_LOADING)
                   .where(Lesson.id == bindparam("lesson_id")))
_EXERCISE_READING = (_own_progress(Exercise, Exercise.lesson_id).options(*EXERCISE_LOADING)
                     .where(Exercise.id == bindparam("exercise_id")))


def open_lesson(user: User, lesson_id: int
                ) -> tuple[Lesson, dict[int, LessonProgress]] | None:
    """A published, active lesson with what ``progress_for`` tells of the learner's progress,
    the lesson and the learner's row in it read in one query; None when there is no such
    lesson."""
    row = db.session.execute(_LESSON_READING, {"lesson_id": lesson_id, "user_id": user.id}).first()
    if row is None or not _readable(row[0]):
        return None
    return row[0], progress_for(user, row[0], own=row[1])


def open_exercise(user: User, exercise_id: int
                  ) -> tuple[Exercise, dict[int, LessonProgress]] | None:
    """An exercise of a published, active lesson with the learner's progress (as
    ``open_lesson``), in one query; None when there is no such exercise."""
    row = db.session.execute(_EXERCISE_READING,
                             {"exercise_id": exercise_id, "user_id": user.id}).first()
    if row is None or not _readable(row[0].lesson):
        return None
    return row[0], progress_for(user, row[0].lesson, own=row[1])


def published_courses() -> list[Course]:
    return list(db.session.scalars(
        select(Course).where(Course.published_at.is_not(None), Course.retired_at.is_(None))
        .order_by(Course.category, Course.level, Course.id)
    ))


def active_lessons(course: Course) -> list[Lesson]:
    return [lesson for lesson in course.lessons if lesson.active]


def counted_lessons(course: Course) -> list[Lesson]:
    """The lessons a course completion needs (placement tests are not among them)."""
    return [lesson for lesson in active_lessons(course) if not lesson.placement]


class Progress(dict[int, LessonProgress]):
    """The learner's progress rows by lesson id, and ``opened``: the ids of the modules opened
    for them (read with the rows of whole courses; empty otherwise)."""

    def __init__(self, rows: Any = (), opened: Any = ()):
        super().__init__(rows)
        self.opened = frozenset(opened)


def opened_modules(progress: dict[int, LessonProgress]) -> frozenset[int]:
    return getattr(progress, "opened", frozenset())


def counts_done(lesson: Lesson, progress: dict[int, LessonProgress]) -> bool:
    """Done by the learner, or in a module opened for them."""
    mine = progress.get(lesson.id)
    return ((mine is not None and mine.status is Status.DONE)
            or lesson.module_id in opened_modules(progress))


# A course's lessons with the learner's row in each and whether its module is opened for them,
# kept when either is there: the progress and the openings in one statement.
_COURSE_PROGRESS = (
    select(Lesson.module_id, LessonProgress, ModuleOpening.id)
    .select_from(Lesson)
    .outerjoin(LessonProgress, and_(LessonProgress.lesson_id == Lesson.id,
                                    LessonProgress.user_id == bindparam("user_id")))
    .outerjoin(ModuleOpening, and_(ModuleOpening.module_id == Lesson.module_id,
                                   ModuleOpening.user_id == bindparam("user_id")))
    .where(Lesson.course_id.in_(bindparam("course_ids", expanding=True)),
           or_(LessonProgress.id.is_not(None), ModuleOpening.id.is_not(None)))
)


def progress_by_lesson(user: User, course_ids: list[int] | None = None,
                       lesson_ids: list[int] | None = None) -> Progress:
    """The learner's progress by lesson (in these courses, or these lessons); for whole
    courses with the modules opened for the learner, in the same statement."""
    if course_ids is not None and lesson_ids is None:
        rows = Progress()
        opened = set()
        for module_id, mine, opening in db.session.execute(
                _COURSE_PROGRESS, {"user_id": user.id, "course_ids": list(course_ids)}):
            if mine is not None:
                rows[mine.lesson_id] = mine
            if opening is not None:
                opened.add(module_id)
        rows.opened = frozenset(opened)
        return rows
    stmt = select(LessonProgress).where(LessonProgress.user_id == user.id)
    if course_ids is not None:
        stmt = stmt.where(LessonProgress.course_id.in_(course_ids))
    if lesson_ids is not None:
        stmt = stmt.where(LessonProgress.lesson_id.in_(lesson_ids))
    return Progress((p.lesson_id, p) for p in db.session.scalars(stmt))


def course_totals(user: User) -> dict[int, tuple[int, int]]:
    """For every published course: (lessons done or opened, lessons counted), in one query."""
    done = (
        select(LessonProgress.lesson_id)
        .where(LessonProgress.user_id == user.id, LessonProgress.status == Status.DONE)
        .subquery()
    )
    opened = select(ModuleOpening.module_id).where(ModuleOpening.user_id == user.id).subquery()
    stmt = (
        select(Lesson.course_id, func.count(Lesson.id),
               func.count(case((or_(done.c.lesson_id.is_not(None),
                                    opened.c.module_id.is_not(None)), 1))))
        .outerjoin(done, done.c.lesson_id == Lesson.id)
        .outerjoin(opened, opened.c.module_id == Lesson.module_id)
        .where(Lesson.retired_at.is_(None), Lesson.placement.is_(False))
        .group_by(Lesson.course_id)
    )
    return {course_id: (int(n_done), int(total)) for course_id, total, n_done in db.session.execute(stmt)}


def is_locked(lesson: Lesson, progress: dict[int, LessonProgress]) -> bool:
    """In a sequential course a lesson opens when the one before it is done, or is in a module
    opened for the learner; a lesson of an opened module is open."""
    if not lesson.course.sequential or lesson.placement:
        return False
    if lesson.module_id in opened_modules(progress):
        return False
    previous = None
    for other in counted_lessons(lesson.course):
        if other.id == lesson.id:
            break
        previous = other
    if previous is None:
        return False
    return not counts_done(previous, progress)


def lesson_status(lesson: Lesson, progress: dict[int, LessonProgress]) -> str:
    """"done" (also for a lesson of a module opened for the learner, not started),
    "in_progress", "not_started" or "locked"."""
    mine = progress.get(lesson.id)
    if mine is not None:
        return mine.status.value
    if lesson.module_id in opened_modules(progress):
        return Status.DONE.value
    return "locked" if is_locked(lesson, progress) else Status.NOT_STARTED.value


def continue_target(user: User) -> tuple[Lesson, int] | None:
    """Where the learner goes on: the page where they stopped in the lesson they worked on
    last; when they finished that lesson (a placement test too), the next lesson of its course
    that is neither done nor opened for them; when that course is complete, the latest lesson
    they left unfinished elsewhere (outside the modules opened for them)."""
    latest = _latest_progress(user)
    if latest is None:
        return None
    if latest.status is not Status.DONE:
        return latest.lesson, latest.current_page
    progress = progress_by_lesson(user, [latest.course_id])
    lesson = next_lesson(latest.lesson.course, progress)
    if lesson is not None:
        mine = progress.get(lesson.id)
        return lesson, mine.current_page if mine is not None else 0
    unfinished = _latest_progress(user, unfinished=True)
    return (unfinished.lesson, unfinished.current_page) if unfinished is not None else None


def _latest_progress(user: User, unfinished: bool = False) -> LessonProgress | None:
    stmt = (select(LessonProgress)
            .join(Lesson, Lesson.id == LessonProgress.lesson_id)
            .join(Course, Course.id == Lesson.course_id)
            .where(LessonProgress.user_id == user.id,
                   Lesson.retired_at.is_(None), Course.published_at.is_not(None),
                   ~exists().where(ModuleOpening.user_id == user.id,
                                   ModuleOpening.module_id == Lesson.module_id)))
    if unfinished:
        stmt = stmt.where(LessonProgress.status != Status.DONE)
    return db.session.scalar(
        stmt.order_by(LessonProgress.updated_at.desc(), LessonProgress.id.desc()).limit(1))


def next_lesson(course: Course, progress: dict[int, LessonProgress]) -> Lesson | None:
    """The first counted lesson neither done nor in an opened module, or None when there is
    none (``progress``: as ``progress_by_lesson`` reads a course)."""
    for lesson in counted_lessons(course):
        if not counts_done(lesson, progress):
            return lesson
    return None


def plan(user: User) -> list[PlanItem]:
    return list(db.session.scalars(
        select(PlanItem).join(Course, Course.id == PlanItem.course_id)
        .where(PlanItem.user_id == user.id, PlanItem.removed_at.is_(None),
               Course.published_at.is_not(None), Course.retired_at.is_(None))
        .order_by(PlanItem.due_date.is_(None), PlanItem.due_date, PlanItem.id)
    ))


_UNREAD = object()


def progress_for(user: User, lesson: Lesson, own: Any = _UNREAD) -> dict[int, LessonProgress]:
    """What a lesson page needs of the learner's progress: the lesson's own row, or, before
    they start it, the course's rows (to tell whether it is still locked). ``own``: the row,
    or None, when the caller has read it."""
    if own is _UNREAD:
        progress = progress_by_lesson(user, lesson_ids=[lesson.id])
    else:
        progress = Progress({lesson.id: own} if own is not None else {})
    if lesson.id in progress or not lesson.course.sequential or lesson.placement:
        return progress
    return progress_by_lesson(user, [lesson.course_id])


def ensure_open(user: User, lesson: Lesson,
                progress: dict[int, LessonProgress] | None = None) -> dict[int, LessonProgress]:
    """The learner's progress in the lesson's course (``progress`` when the caller has it)."""
    if not lesson.active or lesson.course.published_at is None or not lesson.course.active:
        raise LearnError("missing")
    if progress is None:
        progress = progress_for(user, lesson)
    if lesson.id not in progress and is_locked(lesson, progress):
        raise LearnError("locked")
    return progress


def reading_of(lesson: Lesson, mine: LessonProgress | None) -> LessonReading:
    """The lesson as this learner reads it: the version they started while they are in the
    middle of it, else the newest."""
    started = mine.lesson_version if mine is not None and mine.status is not Status.DONE else None
    return reading.read(lesson, started)
