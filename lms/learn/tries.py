"""A learner's tries at exercises: how many, the best, how many are left, the lesson's score.

Plain functions; they read, never write."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import bindparam, case, func, select

from ..accounts.models import User
from ..content.models import Exercise, Lesson, is_graded
from ..content.reading import LessonReading
from ..extensions import db
from .models import Attempt, LessonProgress, Status
from .visibility import reading_of


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


def score(graded: list[int], summary: dict[int, Tries]) -> float:
    """Mean over the lesson's graded exercises (ids) of the best answer in the round."""
    if not graded:
        return 1.0
    return sum(summary.get(i, Tries()).best for i in graded) / len(graded)


def graded_ids(kinds: dict[int, str]) -> list[int]:
    """The ids of the graded ones among ``LessonReading.exercise_kinds``."""
    return [i for i, kind in kinds.items() if is_graded(kind)]


def exhausted(user: User, lesson: Lesson, mine: LessonProgress | None) -> bool:
    """True when every try is used and the pass mark can no longer be reached."""
    if mine is None or mine.status is Status.DONE or lesson.attempts == 0:
        return False
    if mine.score * 100 >= lesson.effective_pass_mark:
        return False  # passed already: whatever is left, nothing is lost
    graded = graded_ids(reading_of(lesson, mine).exercise_kinds())
    summary = tries(user, graded, mine.round, with_last=False)
    return not any(
        not summary.get(i, Tries()).correct
        and summary.get(i, Tries()).count < lesson.attempts for i in graded)


@dataclass(frozen=True)
class LessonResult:
    """What the last page of a lesson tells: the score against the pass mark, whether the
    lesson is passed, and, when not yet, what to do (``again``: graded exercises not right
    with tries left; ``unwritten``: reflections not written; ``unseen``: pages not seen,
    0-based; ``exhausted``: no try can reach the pass mark any more, take the lesson again)."""

    score: int  # percent
    pass_mark: int  # percent; 0 for a placement test
    passed: bool
    again: tuple[Exercise, ...] = ()
    unwritten: tuple[Exercise, ...] = ()
    unseen: tuple[int, ...] = ()
    exhausted: bool = False


def lesson_result(user: User, lesson: Lesson, mine: LessonProgress, read: LessonReading,
                  lang: str) -> LessonResult:
    """The result of the learner's round in the lesson. Costs one query (the tries of the
    round, as ``exhausted`` reads them) unless the lesson is done, and none then."""
    score_ = round(mine.score * 100)
    mark = 0 if lesson.placement else lesson.effective_pass_mark
    if mine.status is Status.DONE:
        return LessonResult(score_, mark, True)
    kinds = read.exercise_kinds()
    summary = tries(user, kinds, mine.round, with_last=False)
    exercises = read.in_page_order(lang)
    below = score_ < mark
    again = tuple(e for e in exercises if is_graded(kinds[e.id]) and below
                  and not summary.get(e.id, Tries()).correct
                  and (lesson.attempts == 0 or summary.get(e.id, Tries()).count < lesson.attempts))
    unwritten = tuple(e for e in exercises if kinds[e.id] == "essay"
                      and not summary.get(e.id, Tries()).count)
    seen = set(mine.pages_seen or [])
    unseen = tuple(p for p in range(mine.page_count) if p not in seen)
    return LessonResult(score_, mark, False, again, unwritten, unseen,
                        exhausted=below and lesson.attempts != 0 and not again)
