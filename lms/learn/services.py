"""The learner's rules: what is open, where to continue, answering, completing, certificates.

Plain functions; they add and flush, never commit."""

from __future__ import annotations

import math
import secrets
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from typing import Any

from sqlalchemy import and_, bindparam, case, func, select
from sqlalchemy.orm import defaultload, defer, joinedload, make_transient_to_detached

from .. import clock
from ..auth.models import User
from ..content import grading, pins
from ..content.models import Course, Exercise, Lesson, is_graded
from ..extensions import db
from ..terminals.services import CODE_ALPHABET
from . import events
from .models import Attempt, Certificate, LessonProgress, PlanItem, Status


class LearnError(ValueError):
    """A learner's request that the rules refuse ("locked", "no_tries", "done", "bad_answer")."""

    def __init__(self, code: str, detail: str = ""):
        super().__init__(code)
        self.code = code
        self.detail = detail


# ---- what a learner may see ---------------------------------------------------------------

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


def progress_by_lesson(user: User, course_ids: list[int] | None = None,
                       lesson_ids: list[int] | None = None) -> dict[int, LessonProgress]:
    """The learner's progress by lesson (in these courses, or these lessons); pins each lesson
    they are in the middle of to the version they started (see ``content.pins``)."""
    stmt = select(LessonProgress).where(LessonProgress.user_id == user.id)
    if course_ids is not None:
        stmt = stmt.where(LessonProgress.course_id.in_(course_ids))
    if lesson_ids is not None:
        stmt = stmt.where(LessonProgress.lesson_id.in_(lesson_ids))
    rows = {p.lesson_id: p for p in db.session.scalars(stmt)}
    _pin(rows)
    return rows


def _pin(rows: dict[int, LessonProgress]) -> None:
    pins.pin_only({row.lesson_id: row.lesson_version for row in rows.values()
                   if row.status is not Status.DONE})


def course_totals(user: User) -> dict[int, tuple[int, int]]:
    """For every published course: (lessons done, lessons counted), in one query."""
    done = (
        select(LessonProgress.lesson_id)
        .where(LessonProgress.user_id == user.id, LessonProgress.status == Status.DONE)
        .subquery()
    )
    stmt = (
        select(Lesson.course_id, func.count(Lesson.id),
               func.count(done.c.lesson_id))
        .outerjoin(done, done.c.lesson_id == Lesson.id)
        .where(Lesson.retired_at.is_(None), Lesson.placement.is_(False))
        .group_by(Lesson.course_id)
    )
    return {course_id: (int(n_done), int(total)) for course_id, total, n_done in db.session.execute(stmt)}


def is_locked(lesson: Lesson, progress: dict[int, LessonProgress]) -> bool:
    """In a sequential course a lesson opens when the one before it is done."""
    if not lesson.course.sequential or lesson.placement:
        return False
    previous = None
    for other in counted_lessons(lesson.course):
        if other.id == lesson.id:
            break
        previous = other
    if previous is None:
        return False
    before = progress.get(previous.id)
    return before is None or before.status is not Status.DONE


def lesson_status(lesson: Lesson, progress: dict[int, LessonProgress]) -> str:
    """"done", "in_progress", "not_started" or "locked"."""
    mine = progress.get(lesson.id)
    if mine is not None:
        return mine.status.value
    return "locked" if is_locked(lesson, progress) else Status.NOT_STARTED.value


def continue_target(user: User) -> tuple[Lesson, int] | None:
    """The lesson and page where the learner stopped (the latest one not done)."""
    row = db.session.scalar(
        select(LessonProgress)
        .join(Lesson, Lesson.id == LessonProgress.lesson_id)
        .join(Course, Course.id == Lesson.course_id)
        .where(LessonProgress.user_id == user.id, LessonProgress.status != Status.DONE,
               Lesson.retired_at.is_(None), Course.published_at.is_not(None))
        .order_by(LessonProgress.updated_at.desc(), LessonProgress.id.desc())
        .limit(1)
    )
    if row is None:
        return None
    return row.lesson, row.current_page


def next_lesson(course: Course, progress: dict[int, LessonProgress]) -> Lesson | None:
    """The first counted lesson not done yet, or None when the course is complete."""
    for lesson in counted_lessons(course):
        mine = progress.get(lesson.id)
        if mine is None or mine.status is not Status.DONE:
            return lesson
    return None


def plan(user: User) -> list[PlanItem]:
    return list(db.session.scalars(
        select(PlanItem).join(Course, Course.id == PlanItem.course_id)
        .where(PlanItem.user_id == user.id, PlanItem.removed_at.is_(None),
               Course.published_at.is_not(None), Course.retired_at.is_(None))
        .order_by(PlanItem.due_date.is_(None), PlanItem.due_date, PlanItem.id)
    ))


def certificates(user: User) -> list[Certificate]:
    return list(db.session.scalars(
        select(Certificate).where(Certificate.user_id == user.id).order_by(Certificate.issued_at)
    ))


# ---- reading ---------------------------------------------------------------------------------

_UNREAD = object()


def progress_for(user: User, lesson: Lesson, own: Any = _UNREAD) -> dict[int, LessonProgress]:
    """What a lesson page needs of the learner's progress: the lesson's own row, or, before
    they start it, the course's rows (to tell whether it is still locked). ``own``: the row,
    or None, when the caller has read it."""
    if own is _UNREAD:
        progress = progress_by_lesson(user, lesson_ids=[lesson.id])
    else:
        progress = {lesson.id: own} if own is not None else {}
        _pin(progress)
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


def view_page(user: User, lesson: Lesson, page: int, lang: str, terminal_id: int | None,
              progress: dict[int, LessonProgress] | None = None) -> LessonProgress:
    """Record that the learner is looking at ``page`` (0-based) of ``lesson`` (``progress``:
    as ``progress_for`` gives it, when the caller has read it)."""
    progress = ensure_open(user, lesson, progress)
    content = lesson.content(lang)
    count = max(len(content.pages) if content else 1, 1)
    page = min(max(page, 0), count - 1)
    mine = progress.get(lesson.id)
    now = clock.now()
    if mine is None:
        mine = LessonProgress(user_id=user.id, lesson_id=lesson.id, course_id=lesson.course_id,
                              status=Status.IN_PROGRESS, started_at=now,
                              lesson_version=lesson.version)
        db.session.add(mine)
        events.record(user, "launched", "lesson", lesson.id, course_id=lesson.course_id,
                      lesson_id=lesson.id, lang=lang, terminal_id=terminal_id)
    mine.page_count = count
    mine.current_page = page
    if page not in (mine.pages_seen or []):
        mine.pages_seen = sorted({*(mine.pages_seen or []), page})
    mine.updated_at = now
    events.record(user, "experienced", "page", lesson.id, course_id=lesson.course_id,
                  lesson_id=lesson.id, result={"page": page + 1, "of": count}, lang=lang,
                  terminal_id=terminal_id)
    db.session.flush()
    _complete_if_ready(user, lesson, mine, lang, terminal_id)
    return mine


# ---- answering -------------------------------------------------------------------------------

def shuffle_seed(user: User, exercise: Exercise) -> int:
    return user.id * 100_003 + exercise.id


@dataclass(frozen=True)
class Tries:
    """A learner's answers to one exercise in one round: how many, whether one was right, the
    best score among them, and the latest (what the kiosk shows back)."""

    count: int = 0
    correct: bool = False
    last: Attempt | None = None
    best: float = 0.0

    def after(self, correct: bool, fraction: float | None) -> Tries:
        """These tries and one more answer (its row, ``last``, is set once it is saved)."""
        return Tries(self.count + 1, self.correct or correct, None,
                     max(self.best, float(fraction or 0.0)))


# Built once (every kiosk page with exercises and every answer runs it): a statement built
# anew costs more than running it.
_TRIES = (
    select(Attempt.exercise_id, func.count(Attempt.id), func.max(Attempt.id),
           func.max(case((Attempt.correct.is_(True), 1), else_=0)), func.max(Attempt.fraction))
    .where(Attempt.user_id == bindparam("user_id"), Attempt.round == bindparam("round"),
           Attempt.exercise_id.in_(bindparam("ids", expanding=True)))
    .group_by(Attempt.exercise_id)
)
_TRIES_UP_TO = _TRIES.where(Attempt.id <= bindparam("up_to"))


def tries(user: User, exercise_ids: Iterable[int], round_: int,
          up_to: int | None = None, with_last: bool = True) -> dict[int, Tries]:
    """``Tries`` by exercise id, in two small queries however many answers there are
    (``up_to``: only the answers with an id up to this one; ``with_last=False``: one query,
    without the latest answers)."""
    ids = sorted(set(exercise_ids))
    if not ids:
        return {}
    params = {"user_id": user.id, "round": round_, "ids": ids}
    if up_to is not None:
        params["up_to"] = up_to
    counts = db.session.execute(_TRIES if up_to is None else _TRIES_UP_TO, params).all()
    if not counts or not with_last:
        return {exercise_id: Tries(int(n), bool(right), None, float(best or 0.0))
                for exercise_id, n, _last, right, best in counts}
    last = {a.id: a for a in db.session.scalars(
        select(Attempt).where(Attempt.id.in_([row[2] for row in counts])))}
    return {exercise_id: Tries(int(n), bool(right), last.get(last_id), float(best or 0.0))
            for exercise_id, n, last_id, right, best in counts}


def tries_left(lesson: Lesson, count: int) -> int | None:
    """None means unlimited."""
    if lesson.attempts == 0:
        return None
    return max(lesson.attempts - count, 0)


@dataclass
class Outcome:
    attempt: Attempt
    result: grading.Result | None
    tries_left: int | None
    tries: Tries  # this exercise's tries in the round, this one included
    repeated: bool = False  # the same submission arrived again and was not counted
    lesson_done: bool = False
    certificate: Certificate | None = None
    extra: dict[str, Any] = field(default_factory=dict)


def submit_answer(user: User, exercise: Exercise, response: Any, client_id: str, lang: str,
                  terminal_id: int | None,
                  progress: dict[int, LessonProgress] | None = None) -> Outcome:
    """Grade and save one answer exactly once (a repeated ``client_id`` returns the first).
    ``progress``: the learner's progress in the course, when the caller has read it."""
    if not client_id or len(client_id) > 64:
        raise LearnError("bad_answer")
    lesson = exercise.lesson
    progress = ensure_open(user, lesson, progress)
    kinds = lesson.exercise_kinds()  # of the version the learner reads
    if exercise.id not in kinds:
        raise LearnError("missing")
    kind = kinds[exercise.id]
    mine = progress.get(lesson.id)
    round_ = mine.round if mine else 1
    # One query for this exercise's tries and the best answer to every graded one (the score).
    graded = _graded(kinds)
    summary = tries(user, [exercise.id, *graded], round_, with_last=False)
    previous = summary.get(exercise.id, Tries())
    left = tries_left(lesson, previous.count)
    refusal = ("done" if previous.correct or (not is_graded(kind) and previous.count)
               else "no_tries" if left == 0 else None)
    if refusal is not None:
        # Unless this is the same submission again, whose first arrival was counted: looked up
        # only here, since a new answer's client id is unique (the insert below would fail).
        earlier = _earlier(user, client_id)
        if earlier is not None:
            return _replay(user, earlier)
        raise LearnError(refusal)
    question = exercise.question(lang)
    try:
        result = grading.grade(question, response, shuffle_seed=shuffle_seed(user, exercise))
    except grading.ResponseError as exc:
        raise LearnError("bad_answer", str(exc)) from exc
    answer = dict(
        client_id=client_id, user_id=user.id, exercise_id=exercise.id, lesson_id=lesson.id,
        round=round_, try_number=previous.count + 1, response=response,
        fraction=result.fraction, correct=result.correct, graded=result.graded,
        private=kind == "essay", lang=lang, terminal_id=terminal_id,
    )
    outcome_result: dict[str, Any] = {"score": result.fraction, "success": result.correct,
                                      "try": answer["try_number"]}
    if kind != "essay":
        outcome_result["response"] = response
    tried = previous.after(result.correct, result.fraction)
    score = _score(graded, {**summary, exercise.id: tried})
    # Everything is worked out above, so the writes follow each other closely (SQLite's write
    # lock is held from the first to the commit). A repeated submission stops at the first.
    attempt = _insert_once(answer)
    if attempt is None:  # the same submission again, already counted
        earlier = _earlier(user, client_id)
        if earlier is None:  # pragma: no cover - the conflicting row is committed by then
            raise LearnError("bad_answer")
        return _replay(user, earlier)
    events.record(user, "answered", "exercise", exercise.id, course_id=lesson.course_id,
                  lesson_id=lesson.id, result=outcome_result, lang=lang,
                  terminal_id=terminal_id, client_id=client_id)
    if mine is None:
        mine = view_page(user, lesson, exercise.shown_data.get(lang, {}).get("page", 0), lang,
                         terminal_id, progress)
    mine.updated_at = clock.now()
    mine.score = score
    db.session.flush()
    certificate = _complete_if_ready(user, lesson, mine, lang, terminal_id)
    left = None if left is None else left - 1
    return Outcome(attempt, result, left, replace(tried, last=attempt),
                   lesson_done=mine.status is Status.DONE, certificate=certificate)


_INSERT_ONCE: dict[str, Any] = {}


def _insert_once(values: dict[str, Any]) -> Attempt | None:
    """Insert one answer unless the learner's client id is already there (``ON CONFLICT DO
    NOTHING``, on SQLite as on PostgreSQL): the new ``Attempt``, or None for a repeat.

    One plain statement, built once: a savepoint around an ORM insert costs two more, and the
    ORM's own upsert compiles its statement on every call."""
    dialect = db.session.get_bind().dialect.name
    stmt = _INSERT_ONCE.get(dialect)
    if stmt is None:
        if dialect == "postgresql":
            from sqlalchemy.dialects.postgresql import insert
        else:
            from sqlalchemy.dialects.sqlite import insert
        table = Attempt.__table__
        stmt = _INSERT_ONCE[dialect] = (
            insert(table).on_conflict_do_nothing(index_elements=[table.c.user_id,
                                                                 table.c.client_id])
            .returning(table.c.id))
    values = {**values, "at": clock.now()}
    new_id = db.session.execute(stmt, values).scalar()
    if new_id is None:
        return None
    # The row as the session would have it after a flush, without another statement.
    attempt = Attempt(id=new_id, **values)
    make_transient_to_detached(attempt)
    db.session.add(attempt)
    return attempt


def _earlier(user: User, client_id: str) -> Attempt | None:
    return db.session.scalar(
        select(Attempt).where(Attempt.user_id == user.id, Attempt.client_id == client_id))


def _score(graded: list[int], summary: dict[int, Tries]) -> float:
    """Mean over the lesson's graded exercises (ids) of the best answer in the round."""
    if not graded:
        return 1.0
    return sum(summary.get(i, Tries()).best for i in graded) / len(graded)


def _replay(user: User, attempt: Attempt) -> Outcome:
    exercise = attempt.exercise
    result = grading.grade(exercise.question(attempt.lang), attempt.response,
                           shuffle_seed=shuffle_seed(user, exercise))
    so_far = tries(user, [exercise.id], attempt.round, up_to=attempt.id)[exercise.id]
    return Outcome(attempt, result, tries_left(exercise.lesson, so_far.count), so_far,
                   repeated=True)


def lesson_score(user: User, lesson: Lesson, round_: int) -> float:
    """Mean over the lesson's graded exercises of the best answer in this round."""
    graded = _graded(lesson.exercise_kinds())
    return _score(graded, tries(user, graded, round_, with_last=False))


def _graded(kinds: dict[int, str]) -> list[int]:
    """The ids of the graded ones among ``Lesson.exercise_kinds``."""
    return [i for i, kind in kinds.items() if is_graded(kind)]


def retake(user: User, lesson: Lesson) -> LessonProgress:
    """Start a new round of tries on a lesson whose tries ran out below the pass mark."""
    progress = ensure_open(user, lesson)
    mine = progress.get(lesson.id)
    if mine is None or mine.status is Status.DONE:
        raise LearnError("done")
    mine.round += 1
    mine.score = 0.0
    mine.current_page = 0
    mine.updated_at = clock.now()
    if mine.lesson_version != lesson.version:  # starting again: the newest version
        mine.lesson_version = lesson.version
        mine.pages_seen = []
        pins.pin(lesson.id, None)
    return mine


def exhausted(user: User, lesson: Lesson, mine: LessonProgress | None) -> bool:
    """True when every try is used and the pass mark can no longer be reached."""
    if mine is None or mine.status is Status.DONE or lesson.attempts == 0:
        return False
    if mine.score * 100 >= lesson.effective_pass_mark:
        return False  # passed already: whatever is left, nothing is lost
    graded = _graded(lesson.exercise_kinds())
    summary = tries(user, graded, mine.round, with_last=False)
    return not any(
        not summary.get(i, Tries()).correct
        and summary.get(i, Tries()).count < lesson.attempts for i in graded)


# ---- completing ------------------------------------------------------------------------------

def _complete_if_ready(user: User, lesson: Lesson, mine: LessonProgress, lang: str,
                       terminal_id: int | None) -> Certificate | None:
    if mine.status is Status.DONE:
        return None
    if len(set(mine.pages_seen or [])) < mine.page_count:
        return None
    essays = [i for i, kind in lesson.exercise_kinds().items() if kind == "essay"]
    if essays:
        written = set(db.session.scalars(select(Attempt.exercise_id).where(
            Attempt.user_id == user.id, Attempt.exercise_id.in_(essays))))
        if set(essays) - written:
            return None
    if not lesson.placement and mine.score * 100 + 1e-9 < lesson.effective_pass_mark:
        return None
    mine.status = Status.DONE
    mine.completed_at = clock.now()
    mine.lesson_version = lesson.version  # done: from now on the newest version
    events.record(user, "completed", "lesson", lesson.id, course_id=lesson.course_id,
                  lesson_id=lesson.id, result={"score": round(mine.score, 4), "success": True},
                  lang=lang, terminal_id=terminal_id)
    db.session.flush()
    return _complete_course_if_ready(user, lesson.course, lang, terminal_id)


def _complete_course_if_ready(user: User, course: Course, lang: str,
                              terminal_id: int | None) -> Certificate | None:
    needed = {lesson.id for lesson in counted_lessons(course)}
    done = set(db.session.scalars(select(LessonProgress.lesson_id).where(
        LessonProgress.user_id == user.id, LessonProgress.course_id == course.id,
        LessonProgress.status == Status.DONE)))
    if not needed or needed - done:
        return None
    existing = db.session.scalar(select(Certificate).where(
        Certificate.user_id == user.id, Certificate.course_id == course.id))
    if existing is not None:
        return None
    scores = db.session.scalars(select(LessonProgress.score).where(
        LessonProgress.user_id == user.id, LessonProgress.lesson_id.in_(needed))).all()
    average = sum(scores) / len(scores) if scores else 0.0
    certificate = Certificate(
        code=new_certificate_code(), user_id=user.id, course_id=course.id,
        facility_id=user.facility_id, learner_name=user.full_name,
        course_titles=dict(course.titles),
        hours=math.ceil(sum(lesson.minutes for lesson in counted_lessons(course)) / 30) / 2,
    )
    db.session.add(certificate)
    events.record(user, "completed", "course", course.id, course_id=course.id,
                  result={"score": round(average, 4), "success": True,
                          "certificate": certificate.code},
                  lang=lang, terminal_id=terminal_id)
    db.session.flush()
    return certificate


def new_certificate_code() -> str:
    while True:
        raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(8))
        code = f"{raw[:4]}-{raw[4:]}"
        if db.session.scalar(select(Certificate.id).where(Certificate.code == code)) is None:
            return code

