"""The data model of parsed GIFT questions: ``Answer``, ``Question`` and ``GiftError``.

Pure Python (no Flask, no database), shared by the parser, the writer and the grader.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

QUESTION_TYPES = ("multichoice", "multiresponse", "truefalse", "shortanswer",
                  "numerical", "matching", "essay", "description")
FORMATS = ("markdown", "plain", "html", "moodle")


def N_(message: str) -> str:
    """Mark ``message`` for translation extraction; returns it unchanged."""
    return message


def format_message(template: str, params: Mapping[str, Any]) -> str:
    """``template % params``, or the template itself if it does not format."""
    try:
        return template % dict(params)
    except (ValueError, TypeError, KeyError):
        return template


class GiftError(ValueError):
    """A GIFT syntax error at a 1-based line of the original file.

    ``message`` is the readable English text.  For translation, callers may instead use
    ``template`` (a literal sentence with ``%(name)s`` placeholders) and ``params``:
    ``_(error.template) % error.params``.
    """

    def __init__(self, line: int, message: str, params: Mapping[str, Any] | None = None):
        self.line = line
        self.template = message
        self.params: dict[str, Any] = dict(params or {})
        self.message = format_message(message, self.params)
        super().__init__(line, self.message)

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}"

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (self.line, self.template, self.params))


@dataclass
class Answer:
    """One answer of a question (or one pair of a matching question)."""

    text: str = ""
    fmt: str = "markdown"
    fraction: float = 0.0
    feedback: str = ""
    value: float | None = None
    tolerance: float = 0.0
    low: float | None = None
    high: float | None = None
    match: str | None = None
    feedback_fmt: str = "markdown"

    @property
    def is_range(self) -> bool:
        """True for a numerical answer written ``low..high``."""
        return self.low is not None and self.high is not None

    @property
    def catch_all(self) -> bool:
        """True for a numerical ``~#feedback`` answer (feedback for any other number)."""
        return self.text == "*" and self.value is None and not self.is_range

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> Answer:
        """An answer from ``asdict`` output; unknown keys are ignored."""
        known = {k: d[k] for k in cls.__dataclass_fields__ if k in d}
        return cls(**known)


@dataclass
class Question:
    """One GIFT question; see ``lms.content.gift`` for how each type fills ``answers``."""

    id: str | None
    type: str
    text: str
    fmt: str = "markdown"
    tail: str = ""
    answers: list[Answer] = field(default_factory=list)
    general_feedback: str = ""
    category: str | None = None
    line: int = field(default=1, compare=False)
    general_feedback_fmt: str = "markdown"

    @property
    def missing_word(self) -> bool:
        """True when text follows the answer block (the block is a gap in the sentence)."""
        return bool(self.tail)

    @property
    def graded(self) -> bool:
        """False for essays and descriptions, which are never graded automatically."""
        return self.type not in ("essay", "description")

    def to_dict(self) -> dict[str, Any]:
        """A JSON-safe dict; ``Question.from_dict`` reads it back."""
        return asdict(self)

    @classmethod
    def from_dict(cls, d: Mapping[str, Any]) -> Question:
        """A question from ``to_dict`` output; unknown keys are ignored."""
        known = {k: d[k] for k in cls.__dataclass_fields__ if k in d and k != "answers"}
        known.setdefault("id", None)
        known.setdefault("type", "description")
        known.setdefault("text", "")
        answers = [Answer.from_dict(a) for a in d.get("answers") or []]
        return cls(answers=answers, **known)

    def correct_indices(self) -> tuple[int, ...]:
        """Indices of the answers that earn credit (matching: the real pairs)."""
        if self.type == "matching":
            return tuple(i for i, a in enumerate(self.answers) if a.text)
        return tuple(i for i, a in enumerate(self.answers) if a.fraction > 0)

    def numbers(self) -> tuple[tuple[Any, ...], ...]:
        """The numerical answers as comparable tuples (empty for other types)."""
        if self.type != "numerical":
            return ()
        out: list[tuple[Any, ...]] = []
        for a in self.answers:
            if a.is_range:
                out.append(("..", a.low, a.high, a.fraction))
            elif a.value is not None:
                out.append(("=", a.value, a.tolerance, a.fraction))
        return tuple(out)

    def signature(self) -> tuple[Any, ...]:
        """(id, type, number of answers, indices of correct answers, numeric values/ranges).

        Equal for the Tajik and Russian versions of a lesson's question when they agree.
        """
        return (self.id, self.type, len(self.answers), self.correct_indices(), self.numbers())
