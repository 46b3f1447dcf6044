"""Exercises: GIFT quiz blocks read, checked, compared across languages and pre-rendered."""

from __future__ import annotations

from collections.abc import Callable
from html import escape
from typing import Any

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from . import gift
from .gift import GiftError, Question
from .markdown import KEY_RE, Ref, Resolver, inline_references, render_inline
from .problems import Problems

LANGUAGE_NAMES = {"tg": _l("Tajik"), "ru": _l("Russian")}


def gift_message(error: GiftError) -> str:
    """A GIFT error in the current language (the parser marks its messages with N_)."""
    try:
        return _(error.template, **error.params) if error.params else _(error.template)
    except (KeyError, ValueError, TypeError):
        return error.message


def parse_quiz(text: str, first_line: int, path: str, problems: Problems) -> list[Question]:
    """The questions of one quiz block; every GIFT error and missing id goes to ``problems``."""
    try:
        questions, errors = gift.parse_all(text, first_line=first_line)
    except Exception as exc:  # noqa: BLE001 - a parser bug must not take the checker down
        problems.error(path, first_line,
                       _("the quiz block could not be read: %(error)s", error=str(exc)))
        return []
    for error in errors:
        problems.error(path, error.line, gift_message(error))
    good = []
    for question in questions:
        if not question.id:
            problems.error(path, question.line,
                           _("question without ::id:: (every question needs a stable id)"))
        elif not KEY_RE.match(question.id):
            problems.error(path, question.line,
                           _("question id %(id)s: use only latin letters, digits and dashes "
                             "(at most 64)", id=question.id))
        else:
            good.append(question)
    return good


def _texts(question: Question) -> list[tuple[str, str]]:
    """Every (text, format) pair of a question that is shown to someone."""
    pairs = [(question.text, question.fmt), (question.tail, question.fmt),
             (question.general_feedback, question.general_feedback_fmt)]
    for answer in question.answers:
        pairs += [(answer.text, answer.fmt), (answer.feedback, answer.feedback_fmt),
                  (answer.match or "", answer.fmt)]
    return pairs


def exercise_html(question: Question, resolve: Resolver | None = None) -> dict[str, Any]:
    """The question's texts rendered to safe HTML once, for serving without Markdown."""
    pairs = [render_inline(text, fmt, resolve) for text, fmt in _texts(question)]
    return {
        "text": pairs[0],
        "tail": pairs[1],
        "general_feedback": pairs[2],
        "answers": [{"text": pairs[i], "feedback": pairs[i + 1], "match": pairs[i + 2]}
                    for i in range(3, len(pairs), 3)],
    }


def exercise_entry(question: Question, page: int, resolve: Resolver | None,
                   reading: bool = False) -> dict[str, Any]:
    """What ``Exercise.data[lang]`` holds (``reading``: a prompt the learner reads, with no
    sound, from a ```quiz read``` block)."""
    entry = {"question": question.to_dict(), "page": page,
             "html": exercise_html(question, resolve)}
    if reading:
        entry["reading"] = True
    return entry


def exercise_refs(question: Question) -> list[Ref]:
    refs: list[Ref] = []
    for text, fmt in _texts(question):
        if text and fmt == "markdown":
            refs += inline_references(text, question.line)
    return refs


def stored_renderer(entry: dict[str, Any]) -> Callable[[str, str], str]:
    """``render(text, fmt)`` answering from an exercise's stored HTML (escaping anything else)."""
    question = Question.from_dict(entry["question"])
    html = entry.get("html") or {}
    rendered = [html.get("text", ""), html.get("tail", ""), html.get("general_feedback", "")]
    for answer in html.get("answers", []):
        rendered += [answer.get("text", ""), answer.get("feedback", ""), answer.get("match", "")]
    table = {pair: out for pair, out in zip(_texts(question), rendered, strict=False)}

    def render(text: str, fmt: str = "markdown") -> str:
        found = table.get((text, fmt))
        if found is None:
            found = next((v for (t, _f), v in table.items() if t == text), None)
        return found if found is not None else escape(text)

    return render


def _describe(index: int) -> str:
    return {
        1: _("its type differs"),
        2: _("the number of answers differs"),
        3: _("the correct answers differ"),
    }.get(index, _("its numbers differ"))


def compare_versions(first, other, problems: Problems) -> None:
    """Report on ``other``'s file every way its exercises differ from ``first``'s."""
    lang = str(LANGUAGE_NAMES.get(first.lang, first.lang))
    mine = {q.id: q for q in first.questions}
    theirs = {q.id: q for q in other.questions}
    for question in other.questions:
        if question.id not in mine:
            problems.error(other.path, question.line,
                           _("exercise %(id)s is not in the %(lang)s file",
                             id=question.id, lang=lang))
    for question in first.questions:
        if question.id not in theirs:
            problems.error(other.path, 1, _("exercise %(id)s of the %(lang)s file is missing "
                                            "here", id=question.id, lang=lang))
    order_a = [q.id for q in first.questions if q.id in theirs]
    order_b = [q.id for q in other.questions if q.id in mine]
    if order_a != order_b:
        line = next((theirs[b].line for a, b in zip(order_a, order_b, strict=False) if a != b), 1)
        problems.error(other.path, line, _("exercises are in a different order than in the "
                                           "%(lang)s file", lang=lang))
    for key, question in theirs.items():
        if key not in mine:
            continue
        a, b = mine[key].signature(), question.signature()
        if a == b:
            if [x.fraction for x in mine[key].answers] != [x.fraction for x in question.answers]:
                problems.error(other.path, question.line, _(
                    "exercise %(id)s does not match the %(lang)s file: %(what)s", id=key,
                    lang=lang, what=_("the weights of the answers differ")))
            continue
        index = next((i for i, (x, y) in enumerate(zip(a, b, strict=False)) if x != y), 4)
        problems.error(other.path, question.line,
                       _("exercise %(id)s does not match the %(lang)s file: %(what)s",
                         id=key, lang=lang, what=_describe(index)))
