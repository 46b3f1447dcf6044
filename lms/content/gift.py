"""Moodle GIFT quiz syntax: ``parse`` GIFT text into ``Question`` objects and ``dump`` them back.

Pure Python (no Flask, no database).  Questions are separated by blank lines; ``//`` lines are
comments; ``$CATEGORY: a/b`` sets the category of the questions that follow.  How each type
fills ``Question.answers``:

- multichoice / multiresponse: one ``Answer`` per choice, ``fraction`` = weight / 100
  (multiresponse: no ``=`` answer, the positive weights add up to 100%);
- truefalse: ``[Answer("true"), Answer("false")]``, the correct one with ``fraction`` 1.0, each
  with the feedback shown when it is chosen;
- shortanswer: the accepted answers (``*`` is a wildcard, ``\\*`` a literal star);
- numerical: ``value``/``tolerance`` or ``low``/``high``; a last ``Answer(text="*")`` holds the
  ``~#feedback`` for any other number;
- matching: ``text`` is the left side, ``match`` the right side (an empty left side adds a
  wrong right-hand choice);
- essay and description: no answers.

Errors raise ``GiftError(line, message)`` with the line in the original file.
"""

from __future__ import annotations

from dataclasses import dataclass

from .gift_answers import read_block
from .gift_dump import dump
from .gift_model import FORMATS, N_, QUESTION_TYPES, Answer, GiftError, Question
from .gift_source import Span, read_formatted, split_sources

__all__ = ["FORMATS", "QUESTION_TYPES", "Answer", "GiftError", "Question", "dump", "parse",
           "parse_all"]

CATEGORY = "$CATEGORY:"


@dataclass
class _Parts:
    """A question's text cut into its pieces around the answer block."""

    head: Span
    body: Span | None
    tail: Span | None


def parse(text: str, first_line: int = 1, default_format: str = "markdown") -> list[Question]:
    """Parse GIFT text. Raises GiftError (with the line number in the original file) on the
    first error."""
    questions, errors = parse_all(text, first_line, default_format)
    if errors:
        raise errors[0]
    return questions


def parse_all(text: str, first_line: int = 1,
              default_format: str = "markdown") -> tuple[list[Question], list[GiftError]]:
    """Like parse but collects every error (each bad question reported, good ones returned)."""
    if default_format not in FORMATS:
        raise ValueError(f"unknown default format {default_format!r}")
    questions: list[Question] = []
    errors: list[GiftError] = []
    category: str | None = None
    for src in split_sources(text, first_line):
        span, category = _read_category(Span.whole(src).strip(), category)
        if not span:
            continue
        try:
            questions.append(_read_question(span, category, default_format))
        except GiftError as error:
            errors.append(error)
    return questions, errors


def _read_category(span: Span, category: str | None) -> tuple[Span, str | None]:
    """Consume a leading ``$CATEGORY:`` line; an empty category resets it to None."""
    if not span.mask.startswith(CATEGORY):
        return span, category
    newline = span.find("\n")
    end = newline if newline >= 0 else len(span)
    value = span.sub(len(CATEGORY), end).strip().text
    return span.sub(end).strip(), value or None


def _read_question(span: Span, category: str | None, default_format: str) -> Question:
    """One question from its (stripped, non-empty) span."""
    line = span.line
    qid, span = _read_title(span)
    parts = _cut(span)
    fmt, text = read_formatted(parts.head, default_format)
    question = Question(id=qid, type="description", text=text, fmt=fmt, category=category,
                        line=line, general_feedback_fmt=fmt)
    if parts.body is None:
        if not text:
            raise GiftError(line, N_(
                "the question is empty: expected its text and an answer block in braces"))
        return question
    block = read_block(parts.body, fmt)
    question.type = block.type
    question.answers = block.answers
    question.general_feedback = block.general_feedback
    question.general_feedback_fmt = block.general_feedback_fmt
    question.tail = parts.tail.strip().text if parts.tail is not None else ""
    return question


def _read_title(span: Span) -> tuple[str | None, Span]:
    """``::title::`` at the start: the id (None if absent or empty) and the rest."""
    if not span.mask.startswith("::"):
        return None, span
    close = span.find("::", 2)
    if close < 0:
        raise GiftError(span.line, N_(
            "the title is not closed: expected '::' after the title, like ::q1::"))
    title = span.sub(2, close).strip().text
    return title or None, span.sub(close + 2).strip()


def _cut(span: Span) -> _Parts:
    """Find the answer block: the first unescaped ``{`` to the next ``}``."""
    opening, closing = span.find("{"), span.find("}")
    if opening < 0 and closing < 0:
        return _Parts(span, None, None)
    if closing >= 0 and (opening < 0 or closing < opening):
        raise GiftError(span.sub(closing).line, N_(
            "'}' without an opening '{': write \\} for the character }"))
    if closing < 0:
        raise GiftError(span.sub(opening).line, N_(
            "the answer block opened with '{' on this line is never closed: expected '}' "
            "(an empty line ends a question)"))
    nested = span.find("{", opening + 1)
    if 0 <= nested < closing:
        raise GiftError(span.sub(nested).line, N_(
            "'{' inside an answer block: close the block with '}' first, or write \\{ for "
            "the character {"))
    tail = span.sub(closing + 1)
    _check_tail(tail)
    return _Parts(span.sub(0, opening), span.sub(opening + 1, closing), tail)


def _check_tail(tail: Span) -> None:
    """No second answer block and no stray brace after the first block."""
    opening, closing = tail.find("{"), tail.find("}")
    if opening >= 0:
        raise GiftError(tail.sub(opening).line, N_(
            "a second answer block: a question has only one (separate questions with an "
            "empty line, or write \\{ for the character {)"))
    if closing >= 0:
        raise GiftError(tail.sub(closing).line, N_(
            "'}' without an opening '{': write \\} for the character }"))

