"""Server-side grading of GIFT questions, and the public view a learner's browser may see.

Pure Python (no Flask, no database).  ``public_view`` never contains fractions, feedback,
correct flags, numeric answers or the matching pairs' correspondence; ``grade`` scores a
response and raises ``ResponseError`` (and nothing else) for a malformed one.
"""

from __future__ import annotations

import hashlib
import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from html import escape as html_escape
from typing import Any

from .gift_answers import number_text
from .gift_model import N_, Answer, Question, format_message
from .grading_text import matches_pattern, normalize

CORRECT = 0.999
NUMBER_RE = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")
NUMBER_SPACES = str.maketrans("", "", " \u00a0\u2009\u202f\u2007'")
ID_RE = re.compile(r"[0-9]{1,9}")

Render = Callable[[str, str], str]


def _escape_render(text: str, fmt: str) -> str:
    return html_escape(text)


class ResponseError(ValueError):
    """A response that does not fit the question (wrong shape or unknown option).

    ``message`` is readable English; ``template`` and ``params`` allow translation:
    ``_(error.template) % error.params``.
    """

    def __init__(self, message: str, params: Mapping[str, Any] | None = None):
        self.template = message
        self.params: dict[str, Any] = dict(params or {})
        self.message = format_message(message, self.params)
        super().__init__(self.message)

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (self.template, self.params))


@dataclass
class Result:
    """The outcome of grading one response."""

    fraction: float
    correct: bool
    feedback: list[str] = field(default_factory=list)
    general_feedback: str = ""
    graded: bool = True
    correct_answer: str = ""


# --- the public view ------------------------------------------------------------------------

def public_view(q: Question, render: Render = _escape_render,
                shuffle_seed: int | None = None) -> dict[str, Any]:
    """What the learner's browser may see before answering.

    ``options`` (multichoice, multiresponse): ids are indices into ``q.answers``; shown in a
    shuffled order when ``shuffle_seed`` is given.  ``left`` (matching): ids are pair indices.
    ``right`` (matching): the distinct right-hand texts, ordered by ``shuffle_seed`` (or
    alphabetically without one), with ids that are positions in that order; ``grade`` with the
    same seed maps them back.
    """
    view: dict[str, Any] = {
        "id": q.id,
        "type": q.type,
        "text_html": render(q.text, q.fmt) if q.text else "",
        "tail_html": render(q.tail, q.fmt) if q.tail else "",
        "missing_word": q.missing_word,
        "options": [],
        "left": [],
        "right": [],
    }
    if q.type in ("multichoice", "multiresponse"):
        order = _shuffled(range(len(q.answers)), shuffle_seed, "option")
        view["options"] = [{"id": i, "html": render(q.answers[i].text, q.answers[i].fmt)}
                           for i in order]
    elif q.type == "matching":
        view["left"] = [{"id": i, "html": render(a.text, a.fmt)}
                        for i, a in enumerate(q.answers) if a.text]
        view["right"] = [{"id": pos, "html": render(a.match or "", a.fmt)}
                         for pos, a in enumerate(right_choices(q, shuffle_seed))]
    return view


def _shuffle_key(seed: int | None, salt: str, item: str) -> str:
    data = f"{seed}\0{salt}\0{item}".encode("utf-8", "surrogatepass")
    return hashlib.sha256(data).hexdigest()


def _shuffled(indices: range, seed: int | None, salt: str) -> list[int]:
    if seed is None:
        return list(indices)
    return sorted(indices, key=lambda i: _shuffle_key(seed, salt, str(i)))


def right_choices(q: Question, shuffle_seed: int | None = None) -> list[Answer]:
    """The matching question's distinct right-hand sides in the order the learner sees them.

    The order depends only on the set of texts and the seed, never on the pairing.
    """
    unique: dict[str, Answer] = {}
    for answer in q.answers:
        if answer.match and answer.match not in unique:
            unique[answer.match] = answer
    texts = sorted(unique, key=lambda t: (t.casefold(), t))
    if shuffle_seed is not None:
        texts.sort(key=lambda t: _shuffle_key(shuffle_seed, "right", t))
    return [unique[t] for t in texts]


# --- grading --------------------------------------------------------------------------------

def grade(q: Question, response: Any, shuffle_seed: int | None = None) -> Result:
    """Score ``response`` for ``q``; see the module and ``GRADERS`` for the shapes.

    multichoice: option id (int or digit string); multiresponse: list of ids; truefalse:
    True/False or "true"/"false"; shortanswer: str; numerical: str or number ("3,14" works);
    matching: {left_id: right_id}; essay: str (not graded).  Raises ResponseError.
    """
    grader = GRADERS.get(q.type)
    if grader is None:
        if q.type == "description":
            return Result(0.0, False, [], q.general_feedback, graded=False)
        raise ResponseError(N_("this question cannot be answered"))
    fraction, feedback = grader(q, response, shuffle_seed)
    fraction = round(min(1.0, max(0.0, fraction)), 6)
    graded = q.type != "essay"
    return Result(fraction=fraction if graded else 0.0, correct=graded and fraction >= CORRECT,
                  feedback=[text for text in feedback if text],
                  general_feedback=q.general_feedback, graded=graded,
                  correct_answer=correct_answer(q))


Graded = tuple[float, list[str]]


def read_id(value: Any, count: int, what: str) -> int:
    """An index below ``count`` given as an int or a string of digits."""
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise ResponseError(N_("expected the number of %(what)s"), {"what": what})
    text = str(value).strip()
    if not ID_RE.fullmatch(text):
        raise ResponseError(N_("expected the number of %(what)s"), {"what": what})
    index = int(text)
    if index >= count:
        raise ResponseError(N_("there is no %(what)s number %(index)s"),
                            {"what": what, "index": index})
    return index


def _grade_multichoice(q: Question, response: Any, seed: int | None) -> Graded:
    answer = q.answers[read_id(response, len(q.answers), "option")]
    return answer.fraction, [answer.feedback]


def _grade_multiresponse(q: Question, response: Any, seed: int | None) -> Graded:
    if not isinstance(response, list | tuple):
        raise ResponseError(N_("expected a list of the chosen options"))
    chosen = sorted({read_id(item, len(q.answers), "option") for item in response})
    return (sum(q.answers[i].fraction for i in chosen),
            [q.answers[i].feedback for i in chosen])


def _grade_truefalse(q: Question, response: Any, seed: int | None) -> Graded:
    if isinstance(response, str) and response.strip().lower() in ("true", "false"):
        response = response.strip().lower() == "true"
    if not isinstance(response, bool):
        raise ResponseError(N_("expected true or false"))
    wanted = "true" if response else "false"
    answer = next((a for a in q.answers if a.text == wanted), None)
    if answer is None:
        return 0.0, []
    return answer.fraction, [answer.feedback]


def _best(q: Question, hits: list[Answer]) -> Graded:
    """The best-scoring matching answer (the first of equals)."""
    if not hits:
        return 0.0, []
    best = max(hits, key=lambda a: a.fraction)
    return best.fraction, [best.feedback]


def _grade_shortanswer(q: Question, response: Any, seed: int | None) -> Graded:
    if not isinstance(response, str):
        raise ResponseError(N_("expected a text answer"))
    given = normalize(response)
    if not given:
        return 0.0, []
    return _best(q, [a for a in q.answers if matches_pattern(a.text, given)])


def read_number(response: Any) -> float:
    """A finite number from a number or a text (comma or dot decimals, spaces ignored)."""
    value = math.nan
    if isinstance(response, int | float) and not isinstance(response, bool):
        try:
            value = float(response)
        except OverflowError:
            value = math.nan
    elif isinstance(response, str):
        text = response.strip().translate(NUMBER_SPACES).replace("\u2212", "-")
        if text.count(",") == 1 and "." not in text:
            text = text.replace(",", ".")
        if NUMBER_RE.fullmatch(text):
            value = float(text)
    if not math.isfinite(value):
        raise ResponseError(N_("expected a number, like 3.14 or 3,14"))
    return value


def _within(answer: Answer, x: float) -> bool:
    if answer.low is not None and answer.high is not None:
        slack = 1e-9 * max(1.0, abs(answer.low), abs(answer.high))
        return answer.low - slack <= x <= answer.high + slack
    if answer.value is None:
        return False
    slack = 1e-9 * max(1.0, abs(answer.value)) + 1e-12
    return abs(x - answer.value) <= abs(answer.tolerance) + slack


def _grade_numerical(q: Question, response: Any, seed: int | None) -> Graded:
    x = read_number(response)
    fraction, feedback = _best(q, [a for a in q.answers if _within(a, x)])
    if not feedback:
        feedback = [a.feedback for a in q.answers if a.catch_all][:1]
    return fraction, feedback


def _grade_matching(q: Question, response: Any, seed: int | None) -> Graded:
    if not isinstance(response, dict):
        raise ResponseError(N_("expected the chosen right-hand side for each left-hand side"))
    lefts = [i for i, a in enumerate(q.answers) if a.text]
    rights = right_choices(q, seed)
    chosen: dict[int, str] = {}
    for key, value in response.items():
        left = read_id(key, len(q.answers), "left-hand item")
        if left not in lefts:
            raise ResponseError(N_("there is no left-hand item number %(index)s"),
                                {"index": left})
        if value is None or value == "":
            continue
        chosen[left] = rights[read_id(value, len(rights), "right-hand item")].match or ""
    right = sum(1 for i in lefts if chosen.get(i) == q.answers[i].match)
    return (right / len(lefts) if lefts else 0.0), []


def _grade_essay(q: Question, response: Any, seed: int | None) -> Graded:
    if not isinstance(response, str):
        raise ResponseError(N_("expected a text answer"))
    return 0.0, []


GRADERS: dict[str, Callable[[Question, Any, int | None], Graded]] = {
    "multichoice": _grade_multichoice,
    "multiresponse": _grade_multiresponse,
    "truefalse": _grade_truefalse,
    "shortanswer": _grade_shortanswer,
    "numerical": _grade_numerical,
    "matching": _grade_matching,
    "essay": _grade_essay,
}


def correct_answer(q: Question) -> str:
    """The correct answer(s) as plain text, for showing after the last try.

    truefalse gives "true" or "false" (for the caller to translate); essay and description
    give "".
    """
    answers = q.answers
    if q.type in ("multichoice", "shortanswer", "truefalse"):
        top = max((a.fraction for a in answers), default=0.0)
        texts = [a.text for a in answers if top > 0 and a.fraction == top]
    elif q.type == "multiresponse":
        texts = [a.text for a in answers if a.fraction > 0]
    elif q.type == "numerical":
        top = max((a.fraction for a in answers), default=0.0)
        texts = [_number_label(a) for a in answers if not a.catch_all and a.fraction == top]
    elif q.type == "matching":
        texts = [f"{a.text} → {a.match}" for a in answers if a.text]
    else:
        texts = []
    return "; ".join(_distinct(texts))


def _number_label(a: Answer) -> str:
    if a.low is not None and a.high is not None:
        return f"{number_text(a.low)}–{number_text(a.high)}"
    if a.value is None:
        return ""
    if a.tolerance:
        return f"{number_text(a.value)} ± {number_text(abs(a.tolerance))}"
    return number_text(a.value)


def _distinct(texts: list[str]) -> list[str]:
    seen: set[str] = set()
    out = []
    for text in texts:
        key = normalize(text)
        if text and key not in seen:
            seen.add(key)
            out.append(text)
    return out
