"""Low-level reading of GIFT text: questions split on blank lines, escapes and spans.

A question's text is decoded once into ``Source.text`` (escapes resolved) and a ``Source.mask``
of the same length that holds every unescaped character as itself and every escaped one as
``MASKED``.  Structure (braces, ``=``, ``~``, ``#`` …) is searched for in the mask; texts are
cut from ``text``.  A ``Span`` is a slice of a source that knows its line in the file.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from .gift_model import FORMATS, N_, GiftError

ESCAPABLE = "~=#{}:\\"
MASKED = "\0"
FORMAT_RE = re.compile(r"\[([A-Za-z]+)\]")
LINK_AFTER = ("(", "[", ":")


@dataclass(frozen=True)
class Source:
    """One question's text with escapes resolved, its mask and its lines in the file."""

    text: str
    mask: str
    lines: tuple[int, ...]

    def line_at(self, pos: int) -> int:
        """The file line of position ``pos``."""
        index = self.mask.count("\n", 0, pos)
        return self.lines[min(index, len(self.lines) - 1)]


def decode(raw: str, lines: tuple[int, ...]) -> Source:
    """Resolve ``\\~ \\= \\# \\{ \\} \\: \\\\`` and ``\\n``; mark escaped characters in the mask."""
    text: list[str] = []
    mask: list[str] = []
    i, n = 0, len(raw)
    while i < n:
        ch = raw[i]
        nxt = raw[i + 1] if i + 1 < n else ""
        if ch == "\\" and nxt and (nxt in ESCAPABLE or nxt == "n"):
            text.append("\n" if nxt == "n" else nxt)
            mask.append(MASKED)
            i += 2
            continue
        text.append(ch)
        mask.append(ch)
        i += 1
    return Source("".join(text), "".join(mask), lines)


def _is_comment(line: str) -> bool:
    return line.lstrip().startswith("//")


def split_sources(text: str, first_line: int = 1) -> Iterator[Source]:
    """One ``Source`` per group of non-blank lines; ``//`` comment lines are dropped."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    group: list[str] = []
    numbers: list[int] = []
    for index, line in enumerate(lines):
        if not line.strip():
            if group:
                yield decode("\n".join(group), tuple(numbers))
                group, numbers = [], []
            continue
        if _is_comment(line):
            continue
        group.append(line)
        numbers.append(first_line + index)
    if group:
        yield decode("\n".join(group), tuple(numbers))


@dataclass(frozen=True)
class Span:
    """A slice ``[start, end)`` of a ``Source``."""

    src: Source
    start: int
    end: int

    @classmethod
    def whole(cls, src: Source) -> Span:
        return cls(src, 0, len(src.text))

    @property
    def text(self) -> str:
        return self.src.text[self.start:self.end]

    @property
    def mask(self) -> str:
        return self.src.mask[self.start:self.end]

    @property
    def line(self) -> int:
        """The file line of the span's first non-blank character."""
        return self.src.line_at(self.strip().start)

    def __len__(self) -> int:
        return self.end - self.start

    def __bool__(self) -> bool:
        return self.end > self.start

    def sub(self, begin: int, end: int | None = None) -> Span:
        """The part from relative ``begin`` to relative ``end`` (default: the end)."""
        stop = self.end if end is None else min(self.end, self.start + end)
        return Span(self.src, min(self.start + begin, stop), stop)

    def strip(self) -> Span:
        """Without leading and trailing whitespace."""
        text = self.src.text
        start, end = self.start, self.end
        while start < end and text[start].isspace():
            start += 1
        while end > start and text[end - 1].isspace():
            end -= 1
        return Span(self.src, start, end)

    def find(self, needle: str, begin: int = 0) -> int:
        """Relative position of the first unescaped ``needle`` at or after ``begin``, or -1."""
        pos = self.src.mask.find(needle, self.start + begin, self.end)
        return pos - self.start if pos >= 0 else -1

    def rfind(self, needle: str) -> int:
        """Relative position of the last unescaped ``needle``, or -1."""
        pos = self.src.mask.rfind(needle, self.start, self.end)
        return pos - self.start if pos >= 0 else -1

    def split_before(self, markers: str) -> list[Span]:
        """Cut before every unescaped marker character: ``[lead, piece, piece, …]``.

        ``lead`` is the part before the first marker (possibly empty); every other piece
        starts with its marker.
        """
        mask = self.mask
        cuts = [i for i, ch in enumerate(mask) if ch in markers]
        bounds = [0, *cuts, len(mask)]
        return [self.sub(a, b) for a, b in zip(bounds, bounds[1:], strict=False)]

    def split_max(self, sep: str, parts: int) -> list[Span]:
        """Split on unescaped ``sep`` into at most ``parts`` pieces."""
        out: list[Span] = []
        rest = self
        while len(out) < parts - 1:
            pos = rest.find(sep)
            if pos < 0:
                break
            out.append(rest.sub(0, pos))
            rest = rest.sub(pos + len(sep))
        out.append(rest)
        return out


def read_formatted(span: Span, default: str) -> tuple[str, str]:
    """``(format, text)`` of a text that may start with ``[markdown]``, ``[html]`` …"""
    span = span.strip()
    found = FORMAT_RE.match(span.mask)
    if not found:
        return default, span.text
    name = found.group(1).lower()
    if name not in FORMATS and span.mask[found.end():found.end() + 1] in LINK_AFTER:
        return default, span.text  # a Markdown link or reference, not a format
    if name not in FORMATS:
        raise GiftError(span.line, N_(
            "unknown format [%(name)s]: expected [markdown], [plain], [html] or [moodle] "
            "(to start a text with a word in brackets, put [markdown] before it)"),
            {"name": found.group(1)})
    return name, span.sub(found.end()).strip().text


def split_feedback(span: Span) -> tuple[Span, Span | None]:
    """The answer part and the feedback after the first unescaped ``#`` (None if absent)."""
    pos = span.find("#")
    if pos < 0:
        return span, None
    return span.sub(0, pos), span.sub(pos + 1)
