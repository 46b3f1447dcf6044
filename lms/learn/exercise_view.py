"""What the kiosk shows of an exercise: the public view (no answers) plus the learner's state."""

from __future__ import annotations

import uuid
from typing import Any

from flask import render_template
from flask_babel import gettext as _

from ..accounts.models import User
from ..content import grading
from ..content.course_settings import kiosk_of
from ..content.models import Course, Exercise
from ..content.reading import LessonReading
from . import responses
from .answers import Outcome
from .tries import Tries, shuffle_seed, tries_left


def _feedback_html(exercise: Exercise, read: LessonReading, lang: str,
                   result: grading.Result | None, finished: bool) -> dict[str, Any]:
    """The feedback on the latest answer. The question's general feedback only once the
    question is finished (right, or no try left), as in Moodle's interactive mode: never
    beside "not yet right"."""
    if result is None:
        return {}
    render = read.renderer(exercise, lang)
    return {
        "graded": result.graded,
        "correct": result.correct,
        "fraction": result.fraction,
        "feedback": [render(text, "markdown") for text in result.feedback if text],
        "general": render(result.general_feedback, "markdown")
        if result.general_feedback and finished else "",
    }


def build(user: User, exercise: Exercise, read: LessonReading, lang: str, tries: Tries,
          draft: str | None = None) -> dict[str, Any]:
    """Everything the exercise template needs (``read``: the lesson as the learner reads it);
    correct answers only once no try is left."""
    question = read.question(exercise, lang)
    view = grading.public_view(question, render=read.renderer(exercise, lang),
                               shuffle_seed=shuffle_seed(user, exercise))
    last = tries.last
    result = None
    if last is not None:
        result = grading.grade(question, last.response,
                               shuffle_seed=shuffle_seed(user, exercise))
    left = tries_left(exercise.lesson, tries.count)
    finished = last is not None and (last.correct or not last.graded or left == 0)
    return {
        "exercise": exercise,
        "view": view,
        "lang": lang,
        "last": last,
        "result": _feedback_html(exercise, read, lang, result, finished),
        "tries_left": left,
        "finished": finished,
        "correct_answer": result.correct_answer if (result and left == 0 and not last.correct
                                                    and last.graded) else "",
        "draft": draft if draft is not None else (
            last.response if last is not None and isinstance(last.response, str) else ""),
        "chosen": last.response if last is not None else None,
        # A ```quiz read``` exercise: its picture answers say nothing (the learner reads).
        "reading": bool(read.data(exercise).get(lang, {}).get("reading")),
    }


def keyboard(course: Course, lang: str) -> list[str]:
    """The letter rows of the on-screen keyboard in this course (its kiosk setting)."""
    return responses.keyboard_rows(lang, kiosk_of(course).keyboard)


def outcome_json(user: User, exercise: Exercise, read: LessonReading, lang: str,
                 outcome: Outcome) -> dict:
    """The JSON answer to a JavaScript submission: feedback HTML and the updated exercise."""
    state = build(user, exercise, read, lang, outcome.tries)
    html = render_template("learn/_exercise.html", s=state,
                           keyboard=keyboard(exercise.lesson.course, lang),
                           number_keys=responses.NUMBER_KEYS,
                           new_client_id=lambda: uuid.uuid4().hex)
    return {
        "correct": outcome.attempt.correct,
        "graded": outcome.attempt.graded,
        "repeated": outcome.repeated,
        "tries_left": outcome.tries_left,
        "lesson_done": outcome.lesson_done,
        "certificate": outcome.certificate.code if outcome.certificate else None,
        "message": _("You finished the course! Your certificate is ready.")
        if outcome.certificate else "",
        "html": html,
    }
