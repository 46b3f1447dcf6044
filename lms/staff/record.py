"""Everything a learner's record shows: plan, progress, answers, time, kiosk, certificates,
what the placement test decided and the modules opened for the learner.

Reflections (private attempts) appear only as "written": their text never leaves here."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from .. import clock
from ..accounts.models import User
from ..content import reading
from ..content.models import Course, Exercise, Lesson, Module
from ..extensions import db
from ..learn import placement
from ..learn.events import time_on_task
from ..learn.models import (
    Attempt,
    Certificate,
    Event,
    LessonProgress,
    ModuleOpening,
    PlanItem,
    Status,
)
from ..terminals.models import KioskSession, Terminal
from .answers import describe, question_text


@dataclass
class AnswerRow:
    exercise: Exercise
    question: str
    tries: list[Attempt]
    given: list[str]  # one text per try; empty for a private reflection

    @property
    def private(self) -> bool:
        return any(a.private for a in self.tries)

    @property
    def correct(self) -> bool:
        return any(a.correct for a in self.tries)

    @property
    def first_try_right(self) -> bool:
        return bool(self.tries) and self.tries[0].correct


@dataclass
class LessonRow:
    lesson: Lesson
    title: str
    progress: LessonProgress | None
    seconds: float
    answers: list[AnswerRow] = field(default_factory=list)

    @property
    def status(self) -> str:
        return self.progress.status.value if self.progress else Status.NOT_STARTED.value


@dataclass
class ModuleRow:
    module: Module
    opening: ModuleOpening | None  # opened for the learner: by placement, or by whom
    placement_only: bool = False  # the module holds only the placement test: nothing to open


@dataclass
class PlacementRow:
    """The course's placement test for this learner: finished or not, and each part's result
    (empty until they finish it)."""

    lesson: Lesson
    progress: LessonProgress | None
    parts: list[placement.PartResult]

    @property
    def finished(self) -> bool:
        return self.progress is not None and self.progress.status is Status.DONE


@dataclass
class CourseRow:
    course: Course
    plan: PlanItem | None
    certificate: Certificate | None
    lessons: list[LessonRow]
    modules: list[ModuleRow] = field(default_factory=list)
    placement: PlacementRow | None = None

    @property
    def counted(self) -> list[LessonRow]:
        return [r for r in self.lessons if not r.lesson.placement]

    @property
    def done(self) -> int:
        return sum(1 for r in self.counted if r.status == Status.DONE.value)

    @property
    def seconds(self) -> float:
        return sum(r.seconds for r in self.lessons)

    def status(self, today: date) -> str:
        if self.certificate is not None:
            return "done"
        if self.plan is not None and self.plan.due_date and self.plan.due_date < today:
            return "overdue"
        if any(r.progress for r in self.lessons):
            return "in_progress"
        return "not_started"


@dataclass
class Record:
    learner: User
    courses: list[CourseRow]
    removed: list[PlanItem]
    certificates: list[Certificate]
    last_event_at: datetime | None
    last_terminal: Terminal | None
    open_session: KioskSession | None
    total_seconds: float
    today: date


def build(learner: User, lang: str) -> Record:
    items = list(db.session.scalars(
        select(PlanItem).where(PlanItem.user_id == learner.id)
        .options(selectinload(PlanItem.course)).order_by(PlanItem.assigned_at)))
    plan = {i.course_id: i for i in items if i.removed_at is None}
    certificates = list(db.session.scalars(
        select(Certificate).where(Certificate.user_id == learner.id)
        .options(selectinload(Certificate.course)).order_by(Certificate.issued_at)))
    by_course_cert = {c.course_id: c for c in certificates}
    progress = {p.lesson_id: p for p in db.session.scalars(
        select(LessonProgress).where(LessonProgress.user_id == learner.id))}
    attempts = list(db.session.scalars(
        select(Attempt).where(Attempt.user_id == learner.id)
        .options(selectinload(Attempt.exercise))
        .order_by(Attempt.exercise_id, Attempt.round, Attempt.try_number, Attempt.id)))
    course_ids = set(plan) | {p.course_id for p in progress.values()} | set(by_course_cert)
    courses = list(db.session.scalars(
        select(Course).where(Course.id.in_(course_ids))
        .options(selectinload(Course.lessons).selectinload(Lesson.contents),
                 selectinload(Course.lessons).selectinload(Lesson.exercises),
                 selectinload(Course.modules))
        .order_by(Course.category, Course.level, Course.id))) if course_ids else []
    seconds = time_on_task(learner.id)
    opened = placement.openings(learner, [c.id for c in courses])
    by_exercise: dict[int, list[Attempt]] = defaultdict(list)
    for attempt in attempts:
        by_exercise[attempt.exercise_id].append(attempt)
    rows = []
    for course in courses:
        lessons = []
        for lesson in course.lessons:
            mine = progress.get(lesson.id)
            if not lesson.active and mine is None:
                continue
            content = reading.read(lesson).content(lang)
            row = LessonRow(lesson, content.title if content else lesson.key, mine,
                            seconds.get(lesson.id, 0.0))
            for exercise in lesson.exercises:
                tries = by_exercise.get(exercise.id)
                if not tries:
                    continue
                row.answers.append(AnswerRow(
                    exercise, question_text(exercise, lang), tries,
                    [] if any(a.private for a in tries) else
                    [describe(exercise, a.response, learner.id, a.lang) for a in tries]))
            lessons.append(row)
        counted = {lesson.module_id for lesson in course.lessons
                   if lesson.active and not lesson.placement}
        modules = [ModuleRow(m, opened.get(m.id), m.id not in counted) for m in course.modules
                   if m.retired_at is None or m.id in opened]
        rows.append(CourseRow(course, plan.get(course.id), by_course_cert.get(course.id), lessons,
                              modules, _placement(course, progress, by_exercise)))
    last = db.session.execute(
        select(Event.at, Event.terminal_id).where(Event.user_id == learner.id)
        .order_by(Event.at.desc(), Event.id.desc()).limit(1)).first()
    open_session = db.session.scalar(
        select(KioskSession).where(KioskSession.user_id == learner.id,
                                   KioskSession.ended_at.is_(None))
        .options(selectinload(KioskSession.terminal)))
    return Record(
        learner=learner, courses=rows,
        removed=[i for i in items if i.removed_at is not None],
        certificates=certificates,
        last_event_at=last[0] if last else None,
        last_terminal=db.session.get(Terminal, last[1]) if last and last[1] else None,
        open_session=open_session, total_seconds=sum(seconds.values()),
        today=clock.now().date(),
    )


def _placement(course: Course, progress: dict[int, LessonProgress],
               by_exercise: dict[int, list[Attempt]]) -> PlacementRow | None:
    """What the course's placement test decided, from the answers the record has read."""
    test = next((lesson for lesson in course.lessons
                 if lesson.active and placement.is_placement_test(course, lesson)), None)
    if test is None:
        return None
    mine = progress.get(test.id)
    if mine is None or mine.status is not Status.DONE:
        return PlacementRow(test, mine, [])
    right_first = set()
    for exercise in test.exercises:
        in_round = [a for a in by_exercise.get(exercise.id, []) if a.round == mine.round]
        if len(in_round) == 1 and in_round[0].correct:
            right_first.add(exercise.id)
    return PlacementRow(test, mine, placement.part_results(course, test, right_first))
