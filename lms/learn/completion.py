"""Completing: a lesson once its pages, essays and pass mark are done; a course once all its
counted lessons are, with its certificate.

Plain functions; they add and flush, never commit."""

from __future__ import annotations

import math

from sqlalchemy import select

from .. import clock
from ..accounts.models import User
from ..content.models import Course, Lesson
from ..extensions import db
from . import certificates, events
from .models import Attempt, Certificate, LessonProgress, Status
from .visibility import counted_lessons, reading_of


def complete_if_ready(user: User, lesson: Lesson, mine: LessonProgress, lang: str,
                       terminal_id: int | None) -> Certificate | None:
    if mine.status is Status.DONE:
        return None
    if len(set(mine.pages_seen or [])) < mine.page_count:
        return None
    """Mark the lesson done once every page is seen, every essay written and the pass mark
    reached (a placement test needs no mark); then the course, with its certificate."""
    essays = [i for i, kind in reading_of(lesson, mine).exercise_kinds().items()
              if kind == "essay"]
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
    """Every counted lesson done: the course is complete and its certificate issued, once."""
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
        code=certificates.new_code_for_certificate(), user_id=user.id, course_id=course.id,
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
