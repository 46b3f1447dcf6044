"""A learner's tries at exercises: how many, the best, how many are left, the lesson's score.

Plain functions; they read, never write."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import bindparam, case, func, select

from ..accounts.models import User
from ..content.models import Exercise, Lesson, is_graded
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
