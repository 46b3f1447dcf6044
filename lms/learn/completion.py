"""Completing: a lesson once its pages, essays and pass mark are done; a course once all its
counted lessons are, with its certificate.

A learner placed past some modules (``ModuleOpening``) completes the course by doing the rest:
an opened module's lessons count as done for completion, but not as work done. The certificate's
hours are the minutes of the counted lessons the learner did themselves, and the course score in
the learning record is the mean over those lessons; a course whose every lesson was opened, with
none done, is not completed (the placement test alone earns no certificate).

Plain functions; they add and flush, never commit."""

from __future__ import annotations

import math

from sqlalchemy import select

from .. import clock
from ..accounts.models import User
from ..content.models import Course, Lesson
from ..extensions import db
from . import certificates, events, placement
from .models import Attempt, Certificate, LessonProgress, Status
from .visibility import counted_lessons, counts_done, progress_by_lesson, reading_of


def complete_if_ready(user: User, lesson: Lesson, mine: LessonProgress, lang: str,
                       terminal_id: int | None) -> Certificate | None:
    if mine.status is Status.DONE:
        # A placement test is done once its pages are seen, perhaps before its last answers:
        # each later answer may master one more part (openings are only ever added).
        if lesson.placement and placement.place(user, lesson, mine):
            return _complete_course_if_ready(user, lesson.course, lang, terminal_id)
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
    if lesson.placement:
        placement.place(user, lesson, mine)
    db.session.flush()
    return _complete_course_if_ready(user, lesson.course, lang, terminal_id)


def _complete_course_if_ready(user: User, course: Course, lang: str,
                              terminal_id: int | None) -> Certificate | None:
    """Every counted lesson done or opened, one at least done by the learner: the course is
    complete and its certificate issued, once."""
    needed = counted_lessons(course)
    progress = progress_by_lesson(user, [course.id])
    if not needed or not all(counts_done(lesson, progress) for lesson in needed):
        return None
    did = [lesson for lesson in needed
           if lesson.id in progress and progress[lesson.id].status is Status.DONE]
    if not did:
        return None
    existing = db.session.scalar(select(Certificate).where(
        Certificate.user_id == user.id, Certificate.course_id == course.id))
    if existing is not None:
        return None
    scores = [progress[lesson.id].score for lesson in did]
    average = sum(scores) / len(scores)
    certificate = Certificate(
        code=certificates.new_code_for_certificate(), user_id=user.id, course_id=course.id,
        facility_id=user.facility_id, learner_name=user.full_name,
        course_titles=dict(course.titles),
        hours=math.ceil(sum(lesson.minutes for lesson in did) / 30) / 2,
    )
    db.session.add(certificate)
    events.record(user, "completed", "course", course.id, course_id=course.id,
                  result={"score": round(average, 4), "success": True,
                          "certificate": certificate.code,
                          "lessons_opened": len(needed) - len(did)},
                  lang=lang, terminal_id=terminal_id)
    db.session.flush()
    return certificate
