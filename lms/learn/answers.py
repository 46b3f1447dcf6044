"""Answering an exercise: graded and saved exactly once, whatever the network does.

Plain functions; they add and flush, never commit."""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import make_transient_to_detached

from .. import clock
from ..accounts.models import User
from ..content import grading, reading
from ..content.models import Exercise, is_graded
from ..content.reading import LessonReading
from ..extensions import db
from . import events
from .completion import complete_if_ready
from .models import Attempt, Certificate, LessonProgress, Status
from .tries import Tries, graded_ids, score, shuffle_seed, tries, tries_left
from .viewing import view_page
from .visibility import LearnError, ensure_open, reading_of


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
    mine = progress.get(lesson.id)
    read = reading_of(lesson, mine)  # the version the learner reads decides the exercises
    kinds = read.exercise_kinds()
    if exercise.id not in kinds:
        raise LearnError("missing")
    kind = kinds[exercise.id]
    round_ = mine.round if mine else 1
    # One query for this exercise's tries and the best answer to every graded one (the score).
    graded = graded_ids(kinds)
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
            return _replay(user, earlier, read)
        raise LearnError(refusal)
    question = read.question(exercise, lang)
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
    lesson_score = score(graded, {**summary, exercise.id: tried})
    # Everything is worked out above, so the writes follow each other closely (SQLite's write
    # lock is held from the first to the commit). A repeated submission stops at the first.
    attempt = _insert_once(answer)
    if attempt is None:  # the same submission again, already counted
        earlier = _earlier(user, client_id)
        if earlier is None:  # pragma: no cover - the conflicting row is committed by then
            raise LearnError("bad_answer")
        return _replay(user, earlier, read)
    events.record(user, "answered", "exercise", exercise.id, course_id=lesson.course_id,
                  lesson_id=lesson.id, result=outcome_result, lang=lang,
                  terminal_id=terminal_id, client_id=client_id)
    if mine is None:
        mine = view_page(user, lesson, read.page_of(exercise, lang), lang, terminal_id,
                         progress)
    mine.updated_at = clock.now()
    mine.score = lesson_score
    db.session.flush()
    certificate = complete_if_ready(user, lesson, mine, lang, terminal_id)
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


def _replay(user: User, attempt: Attempt, read: LessonReading) -> Outcome:
    """The outcome of an answer already counted, as it was (``read``: the lesson as the learner
    reads it)."""
    exercise = attempt.exercise
    if exercise.lesson_id != read.lesson.id:  # the client id of an answer elsewhere
        read = reading.read(exercise.lesson)
    result = grading.grade(read.question(exercise, attempt.lang), attempt.response,
                           shuffle_seed=shuffle_seed(user, exercise))
    so_far = tries(user, [exercise.id], attempt.round, up_to=attempt.id)[exercise.id]
    return Outcome(attempt, result, tries_left(exercise.lesson, so_far.count), so_far,
                   repeated=True)
