"""Course and question analysis for officers and the course's lecturers.

Per lesson, how many learners started and completed it; per exercise, the share right at the
first try, the wrong answers chosen most, and the discrimination index (the share right at the
first try among the best 27% by lesson score, minus that share among the weakest 27%).
Reflections (private answers) are never read here."""

from __future__ import annotations

import json
from collections import Counter
from dataclasses import dataclass, field

from sqlalchemy import Text, and_, case, cast, func, select
from sqlalchemy.orm import selectinload

from ..accounts.models import User
from ..content import reading
from ..content.models import Course, Exercise, Lesson
from ..extensions import db
from ..learn.models import Attempt, LessonProgress, Status
from ..staff.answers import describe, question_text
from ..staff.filters import Filters, scoped

GROUP_SHARE = 27  # percent in the upper and the lower group
MIN_LEARNERS = 4  # fewer than this and the index is not shown
WRONG_SHOWN = 3


@dataclass
class LessonFunnel:
    lesson: Lesson
    title: str
    started: int = 0
    done: int = 0
    average_score: float | None = None


@dataclass
class ExerciseStats:
    exercise: Exercise
    question: str
    answered: int = 0  # learners with a first try
    first_right: int = 0
    wrong: list[tuple[str, int]] = field(default_factory=list)
    discrimination: float | None = None
    group_size: int = 0

    @property
    def share_right(self) -> float | None:
        return self.first_right / self.answered if self.answered else None


@dataclass
class Analysis:
    course: Course
    funnel: list[LessonFunnel]
    exercises: list[tuple[LessonFunnel, list[ExerciseStats]]]


def _first_try():
    return and_(Attempt.round == 1, Attempt.try_number == 1, Attempt.private.is_(False),
                Attempt.graded.is_(True))


def analyse(viewer: User, course: Course, filters: Filters, lang: str) -> Analysis:
    lessons = list(db.session.scalars(
        select(Lesson).where(Lesson.course_id == course.id, Lesson.retired_at.is_(None))
        .options(selectinload(Lesson.exercises), selectinload(Lesson.contents))
        .order_by(Lesson.position)))
    funnel = {}
    for lesson in lessons:
        content = reading.read(lesson).content(lang)
        funnel[lesson.id] = LessonFunnel(lesson, content.title if content else lesson.key)
    stmt = scoped(
        select(LessonProgress.lesson_id, func.count(LessonProgress.id),
               func.count(case((LessonProgress.status == Status.DONE, 1))),
               func.avg(case((LessonProgress.status == Status.DONE, LessonProgress.score))))
        .join(User, User.id == LessonProgress.user_id)
        .where(LessonProgress.course_id == course.id)
        .group_by(LessonProgress.lesson_id), viewer, filters)
    for lesson_id, started, done, average in db.session.execute(stmt):
        if lesson_id in funnel:
            row = funnel[lesson_id]
            row.started, row.done = int(started), int(done)
            row.average_score = float(average) if average is not None else None
    stats = {e.id: ExerciseStats(e, question_text(e, lang)) for lesson in lessons
             for e in lesson.exercises if e.active and e.graded}
    in_course = Attempt.lesson_id.in_([lesson.id for lesson in lessons])
    _first_tries(viewer, filters, in_course, stats)
    _wrong_answers(viewer, filters, in_course, stats, lang)
    _discrimination(viewer, filters, course, stats)
    grouped = [(funnel[lesson.id], [stats[e.id] for e in lesson.exercises if e.id in stats])
               for lesson in lessons]
    return Analysis(course, list(funnel.values()), [g for g in grouped if g[1]])


def _first_tries(viewer, filters, in_course, stats) -> None:
    stmt = scoped(
        select(Attempt.exercise_id, func.count(Attempt.id),
               func.count(case((Attempt.correct.is_(True), 1))))
        .join(User, User.id == Attempt.user_id)
        .where(in_course, _first_try()).group_by(Attempt.exercise_id), viewer, filters)
    for exercise_id, answered, right in db.session.execute(stmt):
        if exercise_id in stats:
            stats[exercise_id].answered, stats[exercise_id].first_right = int(answered), int(right)


def _wrong_answers(viewer, filters, in_course, stats, lang) -> None:
    """The wrong answers given most often (any try). A matching answer names the right-hand
    items by their place in the learner's own shuffled order, so it is read per learner."""
    exercise = select(Exercise.type).where(Exercise.id == Attempt.exercise_id).scalar_subquery()
    per_learner = case((exercise == "matching", Attempt.user_id), else_=0)
    stmt = scoped(
        select(Attempt.exercise_id, cast(Attempt.response, Text), per_learner,
               func.count(Attempt.id))
        .join(User, User.id == Attempt.user_id)
        .where(in_course, Attempt.correct.is_(False), Attempt.graded.is_(True),
               Attempt.private.is_(False))
        .group_by(Attempt.exercise_id, cast(Attempt.response, Text), per_learner),
        viewer, filters)
    counts: dict[int, Counter] = {}
    for exercise_id, raw, user_id, n in db.session.execute(stmt):
        row = stats.get(exercise_id)
        if row is None:
            continue
        try:
            response = json.loads(raw)
        except (TypeError, ValueError):
            response = raw
        text = describe(row.exercise, response, int(user_id or 0), lang)
        counts.setdefault(exercise_id, Counter())[text] += int(n)
    for exercise_id, counter in counts.items():
        stats[exercise_id].wrong = counter.most_common(WRONG_SHOWN)


def _discrimination(viewer, filters, course: Course, stats) -> None:
    ranked = scoped(
        select(LessonProgress.user_id, LessonProgress.lesson_id,
               func.row_number().over(partition_by=LessonProgress.lesson_id,
                                      order_by=(LessonProgress.score.desc(),
                                                LessonProgress.user_id)).label("high"),
               func.row_number().over(partition_by=LessonProgress.lesson_id,
                                      order_by=(LessonProgress.score,
                                                LessonProgress.user_id.desc())).label("low"),
               func.count().over(partition_by=LessonProgress.lesson_id).label("n"))
        .join(User, User.id == LessonProgress.user_id)
        .where(LessonProgress.course_id == course.id), viewer, filters).subquery("ranked")
    size = (ranked.c.n * GROUP_SHARE + 50) / 100  # integer division on every engine
    upper, lower = ranked.c.high <= size, ranked.c.low <= size
    right = Attempt.correct.is_(True)
    stmt = (
        select(Attempt.exercise_id, func.max(ranked.c.n),
               func.sum(case((and_(upper, right), 1), else_=0)),
               func.sum(case((upper, 1), else_=0)),
               func.sum(case((and_(lower, right), 1), else_=0)),
               func.sum(case((lower, 1), else_=0)))
        .join(ranked, and_(ranked.c.user_id == Attempt.user_id,
                           ranked.c.lesson_id == Attempt.lesson_id))
        .where(_first_try()).group_by(Attempt.exercise_id))
    for exercise_id, n, upper_right, upper_n, lower_right, lower_n in db.session.execute(stmt):
        row = stats.get(exercise_id)
        if row is None or (n or 0) < MIN_LEARNERS or not upper_n or not lower_n:
            continue
        row.group_size = int(upper_n)
        row.discrimination = upper_right / upper_n - lower_right / lower_n
