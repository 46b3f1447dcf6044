"""Answers as text for staff: what the learner chose or wrote (never a private reflection)."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any

from flask_babel import gettext as _

from ..content import grading, reading
from ..content.models import Exercise
from ..learn.tries import shuffle_seed


def describe(exercise: Exercise, response: Any, user_id: int, lang: str | None = None) -> str:
    """The response in words, as the learner saw the options (matching uses their order)."""
    if exercise.type == "essay":
        return ""
    try:
        question = reading.read(exercise.lesson).question(exercise, lang)
        answers = question.answers
        kind = exercise.type
        if kind == "multichoice":
            return answers[int(response)].text
        if kind == "multiresponse":
            return "; ".join(answers[int(i)].text for i in sorted(response, key=int))
        if kind == "truefalse":
            return _("True") if str(response).lower() == "true" else _("False")
        if kind == "matching":
            rights = grading.right_choices(
                question, shuffle_seed(SimpleNamespace(id=user_id), exercise))
            return "; ".join(f"{answers[int(left)].text} → {rights[int(right)].match}"
                             for left, right in sorted(response.items(), key=lambda p: int(p[0])))
    except (IndexError, KeyError, TypeError, ValueError, AttributeError):
        pass
    return str(response)


def question_text(exercise: Exercise, lang: str | None = None) -> str:
    """The question's words (its Markdown source), for tables."""
    question = reading.read(exercise.lesson).question(exercise, lang)
    text = f"{question.text} ___ {question.tail}" if question.missing_word else question.text
    return text.strip() or exercise.key
