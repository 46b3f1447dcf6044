"""Writing ``Question`` objects back as GIFT text that ``gift.parse`` reads to equal questions."""

from __future__ import annotations

import math
from decimal import Decimal

from .gift_answers import TRUE_FALSE, number_text
from .gift_model import Answer, Question

INDENT = "  "
PREFIX_STARTS = ("[", "%", "//", "$")


def dump(questions: list[Question], default_format: str = "markdown") -> str:
    """Write GIFT text back (escaping what needs escaping). parse(dump(qs)) == qs (ignoring
    line numbers).  Raises ValueError for what GIFT cannot express (``->`` in a matching left
    side or in a short answer's answers and feedback, a weight that is not finite)."""
    chunks: list[str] = []
    category: str | None = None
    for question in questions:
        if question.category != category:
            chunks.append("$CATEGORY: " + escape(question.category or "", real_newlines=False))
            category = question.category
        chunks.append(dump_question(question, default_format))
    return "\n\n".join(chunks) + "\n" if chunks else ""


def dump_question(q: Question, default_format: str = "markdown") -> str:
    """One question as GIFT."""
    head = "" if q.id is None else "::" + escape_all(q.id) + ":: "
    head = (head + write_text(q.text, q.fmt, default_format)).rstrip()
    if q.type == "description":
        return head
    block = "{" + BLOCK_WRITERS.get(q.type, _write_essay)(q) + "}"
    out = (head + " " + block) if head.strip() else block
    if q.tail:
        out += " " + escape(q.tail)
    return out


def _escape_chars(text: str, chars: str) -> str:
    out = text.replace("\\", "\\\\")
    for ch in chars:
        out = out.replace(ch, "\\" + ch)
    return out


def escape(text: str, *, real_newlines: bool = True) -> str:
    """Escape ``\\ ~ = # { } :`` as Moodle's own exporter does (a single ``:`` too, which
    strict parsers read as a title or a tolerance); newlines stay real where that is safe."""
    return _newlines(_escape_chars(text, "~=#{}:"), real_newlines)


def escape_all(text: str) -> str:
    """Escape every special character, every ``:`` and every newline (for titles)."""
    return _escape_chars(text, "~=#{}:").replace("\n", "\\n")


def _newlines(text: str, real: bool) -> str:
    """A real newline unless the next line would be blank or a ``//`` comment."""
    lines = text.split("\n")
    out = [lines[0]]
    for line in lines[1:]:
        safe = real and line.strip() and not line.lstrip().startswith("//")
        out.append(("\n" if safe else "\\n") + line)
    return "".join(out)


def write_text(text: str, fmt: str, inherited: str) -> str:
    """A text with a ``[format]`` prefix when its format differs or it could be misread."""
    if fmt == inherited and not text.startswith(PREFIX_STARTS):
        return escape(text)
    space = " " if text[:1] in ("(", "[", ":") else ""
    return f"[{fmt}]{space}{escape(text)}"


def weight_text(fraction: float) -> str:
    """The percentage for ``fraction``, without exponent, that reads back as exactly
    ``fraction`` (the parser computes ``Decimal(weight) / 100``)."""
    if not math.isfinite(fraction):
        raise ValueError(f"weight {fraction!r} is not a finite number")
    text = format(Decimal(repr(float(fraction))) * 100, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def _feedback(answer: Answer, qfmt: str) -> str:
    if not answer.feedback and answer.feedback_fmt == qfmt:
        return ""
    return "#" + write_text(answer.feedback, answer.feedback_fmt, qfmt)


def _general(q: Question) -> str:
    if not q.general_feedback and q.general_feedback_fmt == q.fmt:
        return ""
    return "####" + write_text(q.general_feedback, q.general_feedback_fmt, q.fmt)


def _lines(q: Question, items: list[str], opener: str = "") -> str:
    """Answers one per line (or on one line for a missing-word question)."""
    general = _general(q)
    if q.tail:
        return opener + " ".join([*items, general]).strip()
    body = "".join(f"\n{INDENT}{item}" for item in [*items, general] if item)
    return opener + body + "\n"


def _write_choices(q: Question) -> str:
    items = []
    all_right = all(a.fraction == 1.0 for a in q.answers)
    for index, a in enumerate(q.answers):
        if q.type == "multichoice" and a.fraction == 1.0 and not (all_right and index > 0):
            mark = "="
        elif a.fraction == 0:
            mark = "~"
        else:
            mark = f"~%{weight_text(a.fraction)}%"
        items.append(mark + write_text(a.text, a.fmt, q.fmt) + _feedback(a, q.fmt))
    return _lines(q, items)


def _write_shortanswer(q: Question) -> str:
    items = []
    arrow = any("->" in a.text or "->" in a.feedback for a in q.answers)
    for a in q.answers:
        weight = "" if a.fraction == 1.0 else f"%{weight_text(a.fraction)}%"
        items.append("=" + weight + write_text(a.text, a.fmt, q.fmt) + _feedback(a, q.fmt))
    if not arrow:
        return _lines(q, items)
    # '=' and '->' together read as matching: a single answer can go without its '='
    if len(items) != 1 or q.answers[0].text in TRUE_FALSE:
        raise ValueError("GIFT cannot write '->' in a short answer (it reads as matching)")
    return items[0][1:] + _general(q)


def _write_numerical(q: Question) -> str:
    items = []
    for a in q.answers:
        if a.catch_all:
            items.append("~" + (_feedback(a, q.fmt) or ""))
            continue
        weight = "" if a.fraction == 1.0 else f"%{weight_text(a.fraction)}%"
        items.append("=" + weight + _number(a) + _feedback(a, q.fmt))
    only = q.answers[0] if len(q.answers) == 1 else None
    if only is not None and not only.catch_all and only.fraction == 1.0 and not only.feedback:
        return "#" + items[0][1:] + _general(q)  # {#4500}; with feedback {#=4500#…}
    return _lines(q, items, opener="#")


def _number(a: Answer) -> str:
    if a.low is not None and a.high is not None:
        return number_text(a.low) + ".." + number_text(a.high)
    if a.value is None:
        raise ValueError("a numerical answer without a value")
    if a.tolerance:
        return number_text(a.value) + ":" + number_text(a.tolerance)
    return number_text(a.value)


def _write_matching(q: Question) -> str:
    items = []
    for a in q.answers:
        if "->" in a.text:
            raise ValueError("GIFT cannot write '->' in the left side of a matching pair")
        left = write_text(a.text, a.fmt, q.fmt)
        items.append("=" + left + (" " if left else "") + "-> " + escape(a.match or ""))
    return _lines(q, items)


def _write_truefalse(q: Question) -> str:
    true = next((a for a in q.answers if a.text == "true"), Answer("true", fraction=1.0))
    false = next((a for a in q.answers if a.text == "false"), Answer("false"))
    truth = true.fraction >= false.fraction
    right, wrong = (true, false) if truth else (false, true)
    right_fb, wrong_fb = _feedback(right, q.fmt), _feedback(wrong, q.fmt)
    out = "TRUE" if truth else "FALSE"
    if wrong_fb or right_fb:
        out += wrong_fb or "#"
    return out + right_fb + _general(q)


def _write_essay(q: Question) -> str:
    return _general(q)


BLOCK_WRITERS = {
    "multichoice": _write_choices,
    "multiresponse": _write_choices,
    "shortanswer": _write_shortanswer,
    "numerical": _write_numerical,
    "matching": _write_matching,
    "truefalse": _write_truefalse,
    "essay": _write_essay,
}
