"""Reading a GIFT answer block ``{…}``: its type, its answers and its general feedback."""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, field
from decimal import Decimal

from .gift_model import N_, Answer, GiftError
from .gift_source import Span, read_formatted, split_feedback

WEIGHT_RE = re.compile(r"%(-?\d+(?:\.\d*)?)%")
BAD_WEIGHT_RE = re.compile(r"%[^%\s]{0,12}%")
NUMBER_RE = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")
TRUE_FALSE = {"T": True, "TRUE": True, "F": False, "FALSE": False}
SUM_TOLERANCE = 0.005


@dataclass
class Block:
    """What an answer block holds."""

    type: str
    answers: list[Answer] = field(default_factory=list)
    general_feedback: str = ""
    general_feedback_fmt: str = "markdown"


def read_block(body: Span, qfmt: str) -> Block:
    """Parse the inside of ``{…}`` for a question whose text has format ``qfmt``."""
    gf_fmt, gf = qfmt, ""
    cut = body.rfind("####")
    if cut >= 0:
        gf_fmt, gf = read_formatted(body.sub(cut + 4), qfmt)
        body = body.sub(0, cut)
    body = body.strip()
    kind = detect_type(body.mask)
    answers = READERS[kind](body, qfmt) if kind in READERS else []
    if kind == "multichoice" and "=" not in body.mask:
        kind = "multiresponse"
        check_weights_sum(body, answers)
    return Block(kind, answers, gf, gf_fmt)


def detect_type(mask: str) -> str:
    """The question type, decided in Moodle's order from the block's mask."""
    if not mask:
        return "essay"
    if mask.startswith("#"):
        return "numerical"
    if "~" in mask:
        return "multichoice"
    if "=" in mask and "->" in mask:
        return "matching"
    if mask.split("#", 1)[0].strip() in TRUE_FALSE:
        return "truefalse"
    return "shortanswer"


def read_weight(span: Span, low: float) -> tuple[float | None, Span]:
    """A leading ``%50%`` weight as a fraction (None if absent) and the rest of the answer."""
    span = span.strip()
    found = WEIGHT_RE.match(span.mask)
    if not found:
        bad = BAD_WEIGHT_RE.match(span.mask)
        if bad:
            raise GiftError(span.line, N_(
                "malformed weight %(weight)s: expected a percentage like %%50%% or %%-33.3%%"),
                {"weight": bad.group()})
        return None, span
    weight = Decimal(found.group(1))
    if not low <= weight <= 100:
        raise GiftError(span.line, N_(
            "weight %(weight)s%% is out of range: expected a percentage from %(low)s to 100"),
            {"weight": found.group(1), "low": f"{low:g}"})
    return float(weight / 100), span.sub(found.end())


def read_text_and_feedback(span: Span, qfmt: str) -> tuple[str, str, str, str]:
    """``(fmt, text, feedback_fmt, feedback)`` of ``text#feedback``."""
    text_span, fb_span = split_feedback(span)
    fmt, text = read_formatted(text_span, qfmt)
    fb_fmt, feedback = read_formatted(fb_span, qfmt) if fb_span is not None else (qfmt, "")
    return fmt, text, fb_fmt, feedback


def require_text(text: str, piece: Span, marker: str) -> None:
    if not text:
        raise GiftError(piece.line, N_("an answer is empty: expected text after '%(marker)s'"),
                        {"marker": marker})


def read_multichoice(body: Span, qfmt: str) -> list[Answer]:
    """``=right#fb ~wrong#fb ~%50%partly#fb``: at least two answers."""
    lead, *pieces = body.split_before("~=")
    if lead.strip():
        raise GiftError(lead.line, N_(
            "text before the first answer: each answer starts with '=' (right) or '~' "
            "(wrong); write \\= or \\~ for the characters themselves"))
    answers = [read_choice(piece, qfmt) for piece in pieces]
    if len(answers) < 2:
        raise GiftError(body.line, N_("multiple choice needs at least two answers"))
    return answers


def read_choice(piece: Span, qfmt: str) -> Answer:
    """One multiple-choice answer, starting with its ``=`` or ``~``."""
    marker = piece.mask[0]
    rest = piece.sub(1).strip()
    if marker == "=":
        if WEIGHT_RE.match(rest.mask):
            raise GiftError(piece.line, N_(
                "in multiple choice a weighted answer is written ~%%50%%answer, "
                "not =%%50%%answer"))
        fraction: float | None = 1.0
    else:
        fraction, rest = read_weight(rest, -100)
    fmt, text, fb_fmt, feedback = read_text_and_feedback(rest, qfmt)
    require_text(text, piece, marker)
    return Answer(text=text, fmt=fmt, fraction=fraction or 0.0, feedback=feedback,
                  feedback_fmt=fb_fmt)


def check_weights_sum(body: Span, answers: list[Answer]) -> None:
    """Multiple answers (no ``=``): the positive weights must add up to 100%."""
    total = sum(a.fraction for a in answers if a.fraction > 0)
    if abs(total - 1.0) > SUM_TOLERANCE:
        raise GiftError(body.line, N_(
            "the weights of the right answers add up to %(total)s%%, expected 100%% "
            "(a question without an '=' answer has multiple answers)"),
            {"total": f"{total * 100:.6g}"})


def answer_items(body: Span) -> list[tuple[Span, str]]:
    """Pieces of a block split before ``=``, each with its marker; text before is an answer."""
    lead, *pieces = body.split_before("=")
    items = [(lead, "")] if lead.strip() else []
    return items + [(piece.sub(1), "=") for piece in pieces]


def require_full_marks(body: Span, answers: list[Answer]) -> None:
    if not any(a.fraction >= 1.0 for a in answers):
        raise GiftError(body.line, N_("at least one answer must be worth 100%%"))


def read_shortanswer(body: Span, qfmt: str) -> list[Answer]:
    """``=four =4 =%50%for#close``: several accepted answers, 100% unless weighted."""
    answers = []
    for rest, marker in answer_items(body):
        fraction, rest = read_weight(rest, 0)
        fmt, text, fb_fmt, feedback = read_text_and_feedback(rest, qfmt)
        require_text(text, rest, marker or "{")
        answers.append(Answer(text=text, fmt=fmt, fraction=1.0 if fraction is None else fraction,
                              feedback=feedback, feedback_fmt=fb_fmt))
    require_full_marks(body, answers)
    return answers


def read_truefalse(body: Span, qfmt: str) -> list[Answer]:
    """``TRUE#feedback if wrong#feedback if right``: answers ``true`` then ``false``."""
    parts = body.split_max("#", 3)
    truth = TRUE_FALSE[parts[0].strip().mask]
    wrong = read_formatted(parts[1], qfmt) if len(parts) > 1 else (qfmt, "")
    right = read_formatted(parts[2], qfmt) if len(parts) > 2 else (qfmt, "")
    on_true, on_false = (right, wrong) if truth else (wrong, right)
    return [
        Answer(text="true", fmt=qfmt, fraction=1.0 if truth else 0.0,
               feedback=on_true[1], feedback_fmt=on_true[0]),
        Answer(text="false", fmt=qfmt, fraction=0.0 if truth else 1.0,
               feedback=on_false[1], feedback_fmt=on_false[0]),
    ]


def read_matching(body: Span, qfmt: str) -> list[Answer]:
    """``=Canada -> Ottawa =Italy -> Rome``: at least two pairs; an empty left side adds a
    wrong right-hand choice."""
    lead, *pieces = body.split_before("=")
    if lead.strip():
        raise GiftError(lead.line, N_(
            "text before the first pair: each pair is written =left -> right"))
    answers = [read_pair(piece, qfmt) for piece in pieces]
    if sum(1 for a in answers if a.text) < 2:
        raise GiftError(body.line, N_("matching needs at least two pairs"))
    return answers


def read_pair(piece: Span, qfmt: str) -> Answer:
    rest = piece.sub(1)
    arrow = rest.find("->")
    if arrow < 0:
        raise GiftError(piece.line, N_(
            "a matching pair needs '->' between its sides: =left -> right"))
    if rest.find("#") >= 0:
        raise GiftError(piece.line, N_(
            "a matching pair cannot have feedback; write \\# for the character #"))
    fmt, left = read_formatted(rest.sub(0, arrow), qfmt)
    right = rest.sub(arrow + 2).strip().text
    if not right:
        raise GiftError(piece.line, N_("the right side of a matching pair is empty"))
    return Answer(text=left, fmt=fmt, match=right, feedback_fmt=qfmt)


def read_numerical(body: Span, qfmt: str) -> list[Answer]:
    """``#3.14:0.01``, ``#1..5`` or ``# =1822:0 =%50%1822:2 ~#feedback for anything else``."""
    inner = body.sub(1)
    other: Answer | None = None
    tilde = inner.find("~")
    if tilde >= 0:
        other = read_other_number(inner.sub(tilde), qfmt)
        inner = inner.sub(0, tilde)
    answers = []
    for rest, _marker in answer_items(inner):
        fraction, rest = read_weight(rest, 0)
        number, fb_span = split_feedback(rest)
        fb_fmt, feedback = read_formatted(fb_span, qfmt) if fb_span is not None else (qfmt, "")
        answer = read_number_answer(number.strip())
        answer.fraction = 1.0 if fraction is None else fraction
        answer.fmt, answer.feedback, answer.feedback_fmt = qfmt, feedback, fb_fmt
        answers.append(answer)
    if not answers:
        raise GiftError(body.line, N_(
            "a numerical question needs at least one number, like {#3.14:0.01} or {#1..5}"))
    require_full_marks(body, answers)
    return answers + ([other] if other else [])


def read_other_number(span: Span, qfmt: str) -> Answer:
    """``~#feedback`` in a numerical block: the feedback for any other number."""
    rest = span.sub(1)
    if rest.find("~") >= 0 or rest.find("=") >= 0:
        raise GiftError(span.line, N_(
            "in a numerical question '~#feedback' (for any other number) must come last, "
            "once"))
    text_span, fb_span = split_feedback(rest)
    if text_span.strip().text not in ("", "*"):
        raise GiftError(span.line, N_(
            "in a numerical question '~' takes only a feedback: ~#feedback"))
    fb_fmt, feedback = read_formatted(fb_span, qfmt) if fb_span is not None else (qfmt, "")
    return Answer(text="*", fmt=qfmt, feedback=feedback, feedback_fmt=fb_fmt)


def read_number(span: Span, text: str) -> float:
    """A finite number written with a dot for decimals."""
    text = text.strip()
    if not text:
        raise GiftError(span.line, N_("a number is missing: expected a number like 3.14"))
    value = float(text) if NUMBER_RE.fullmatch(text) else math.nan
    if not math.isfinite(value):
        raise GiftError(span.line, N_(
            "'%(text)s' is not a number: expected a number like 3.14 (with a dot)"),
            {"text": text})
    return value


def read_number_answer(span: Span) -> Answer:
    """``value``, ``value:tolerance`` or ``low..high``."""
    text = span.text
    if ".." in text:
        low_text, high_text = text.split("..", 1)
        low, high = read_number(span, low_text), read_number(span, high_text)
        if low > high:
            raise GiftError(span.line, N_(
                "the range %(text)s is reversed: write the smaller number first"),
                {"text": text})
        return Answer(text=number_text(low) + ".." + number_text(high), low=low, high=high)
    colon = span.find(":")
    if colon >= 0:
        value = read_number(span, span.sub(0, colon).text)
        tolerance = read_number(span, span.sub(colon + 1).text)
        if tolerance < 0:
            raise GiftError(span.line, N_("the tolerance after ':' cannot be negative"))
    else:
        value, tolerance = read_number(span, text), 0.0
    label = number_text(value) + (":" + number_text(tolerance) if tolerance else "")
    return Answer(text=label, value=value, tolerance=tolerance)


def number_text(value: float) -> str:
    """The shortest text that reads back as ``value``: ``35``, ``3.14``, ``1e+20``."""
    value = float(value)
    if value.is_integer() and abs(value) < 1e16:
        return str(int(value))
    return repr(value)


READERS = {
    "multichoice": read_multichoice,
    "shortanswer": read_shortanswer,
    "truefalse": read_truefalse,
    "matching": read_matching,
    "numerical": read_numerical,
}
