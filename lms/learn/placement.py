"""Placement: a learner who masters a part of a course's placement test starts past the modules
the part covers (``course.yml``'s ``placement:``); an officer may open a module for one learner,
or close it again.

A part is mastered when every one of its exercises was answered right at the first try in the
round the learner finished the placement test in. Opened modules count as done for the lock and
for completion (``visibility``, ``completion``).

Plain functions; they add and flush, never commit. The views audit what officers do."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import selectinload

from .. import clock
from ..accounts.models import User
from ..content.course_settings import placement_of
from ..content.models import Course, Exercise, Lesson, Module
from ..extensions import db
from .models import LessonProgress, ModuleOpening, OpenedBy
from .tries import tries


@dataclass(frozen=True)
class PartResult:
    """One part of the placement test for one learner: its exercises, how many were right at
    the first try, and the modules it lets them skip."""

    key: str
    exercises: int
    right_first: int
    modules: tuple[Module, ...]

    @property
    def mastered(self) -> bool:
        return self.exercises > 0 and self.right_first == self.exercises


def is_placement_test(course: Course, lesson: Lesson) -> bool:
    spec = placement_of(course)
    return spec is not None and lesson.placement and spec.lesson == lesson.key


def part_results(course: Course, lesson: Lesson, right_first: Iterable[int]
                 ) -> list[PartResult]:
    """The parts of ``course``'s placement test (``lesson``), given the ids of its exercises the
    learner got right at the first try; empty when ``lesson`` is not the course's test."""
    spec = placement_of(course)
    if spec is None or not is_placement_test(course, lesson):
        return []
    ids = {e.key: e.id for e in lesson.exercises}
    right = set(right_first)
    modules = {m.key: m for m in course.modules if m.retired_at is None}
    results = []
    for part in spec.parts:
        found = [ids[key] for key in part.exercises if key in ids]
        results.append(PartResult(
            part.key, len(found), sum(1 for i in found if i in right),
            tuple(modules[key] for key in part.modules if key in modules)))
    return results


@dataclass(frozen=True)
class Outcome:
    """What the placement test decided, as its last page tells the learner: the parts and the
    modules they let the learner skip, and the exercises not answered yet (each later answer
    may still master a part)."""

    parts: list[PartResult]
    unanswered: tuple[Exercise, ...]

    @property
    def skipped(self) -> list[Module]:
        seen: dict[int, Module] = {}
        for part in self.parts:
            if part.mastered:
                for module in part.modules:
                    seen.setdefault(module.id, module)
        return list(seen.values())


def outcome(user: User, lesson: Lesson, round_: int, exercises: Iterable[Exercise]
            ) -> Outcome | None:
    """The outcome of the learner's round in ``lesson`` if it is its course's placement test
    (None otherwise), over ``exercises``: those of the version the learner reads, in page
    order. One query, the round's tries."""
    if not is_placement_test(lesson.course, lesson):
        return None
    exercises = list(exercises)
    summary = tries(user, [e.id for e in exercises], round_, with_last=False)
    right = {i for i, t in summary.items() if t.correct and t.count == 1}
    return Outcome(part_results(lesson.course, lesson, right),
                   tuple(e for e in exercises if e.id not in summary or not summary[e.id].count))


def first_try_right(user: User, lesson: Lesson, round_: int) -> set[int]:
    """The lesson's exercises the learner answered right at their first try in ``round_`` (a
    right answer ends an exercise's tries, so: right, and tried once)."""
    summary = tries(user, [e.id for e in lesson.exercises], round_, with_last=False)
    return {i for i, t in summary.items() if t.correct and t.count == 1}


def place(user: User, lesson: Lesson, mine: LessonProgress) -> list[ModuleOpening]:
    """The learner finished the placement test: open the modules of the parts they mastered
    (those already opened stay as they are). The new openings."""
    course = lesson.course
    if not is_placement_test(course, lesson):
        return []
    results = part_results(course, lesson, first_try_right(user, lesson, mine.round))
    wanted = [m for r in results if r.mastered for m in r.modules]
    if not wanted:
        return []
    already = set(db.session.scalars(select(ModuleOpening.module_id).where(
        ModuleOpening.user_id == user.id, ModuleOpening.course_id == course.id)))
    added = []
    for module in wanted:
        if module.id in already:
            continue
        already.add(module.id)
        added.append(ModuleOpening(user_id=user.id, module_id=module.id, course_id=course.id,
                                   why=OpenedBy.PLACEMENT, at=clock.now()))
    db.session.add_all(added)
    db.session.flush()
    return added


def opening(learner: User, module: Module) -> ModuleOpening | None:
    return db.session.scalar(select(ModuleOpening).where(
        ModuleOpening.user_id == learner.id, ModuleOpening.module_id == module.id))


def open_module(officer: User, learner: User, module: Module) -> ModuleOpening | None:
    """An officer opens ``module`` for ``learner``; None when it is open already."""
    if opening(learner, module) is not None:
        return None
    made = ModuleOpening(user_id=learner.id, module_id=module.id, course_id=module.course_id,
                         why=OpenedBy.OFFICER, opened_by_id=officer.id, at=clock.now())
    db.session.add(made)
    db.session.flush()
    return made


def close_module(learner: User, module: Module) -> ModuleOpening | None:
    """Close a module opened for ``learner`` (by placement or by an officer): its lessons count
    again only when done. The opening removed, or None when it was not open. What the learner
    has done and a certificate already issued stay."""
    found = opening(learner, module)
    if found is not None:
        db.session.delete(found)
        db.session.flush()
    return found


def openings(learner: User, course_ids: Iterable[int]) -> dict[int, ModuleOpening]:
    """The modules opened for ``learner`` in these courses, by module id, with who opened them."""
    ids = list(course_ids)
    if not ids:
        return {}
    return {o.module_id: o for o in db.session.scalars(
        select(ModuleOpening).where(ModuleOpening.user_id == learner.id,
                                    ModuleOpening.course_id.in_(ids))
        .options(selectinload(ModuleOpening.opened_by)))}
