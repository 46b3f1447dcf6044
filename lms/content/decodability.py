"""Can a learner read this yet? The decodability check of a literacy course.

A literacy course declares its alphabet and, per lesson, the letters the lesson introduces
(``course.yml``: ``literacy:``). Every word a learner is meant to read in a lesson written in
the taught language must then use only letters taught by that lesson or before it. Meant to
be read: the text of the pages (headings, paragraphs, lists, tables, picture captions, boxes)
and the answers shown to choose from (choices, matching items); also an exercise's prompt when
its block is ```` ```quiz read ````. Heard, not read, and so not checked: ``::: say`` boxes,
the lesson's title, pictures' alt texts, ordinary exercise prompts and every feedback (the kiosk
says them). Placement tests are not checked (they test every letter).

Each word that uses a letter not yet taught is a warning on its line, so the studio shows it
beside the line and ``content check`` lists it. The check also counts, per lesson, the share
of the words the learner can read, and the letters' frequency in the course's own texts, so an
author sees what the order of the letters costs.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from html import unescape

from flask_babel import gettext as _
from markdown_it.token import Token

from .course_settings import Literacy, read_literacy
from .gift import Question
from .lesson import LessonVersion
from .markdown import MD_INLINE, parse
from .problems import Problems
from .yamlio import LineDict, YamlError
from .yamlio import load as load_yaml

WORD_RE = re.compile(r"[^\W\d_]+")
_TAG_RE = re.compile(r"<[^>]*>")
SHOWN_ANSWERS = ("multichoice", "multiresponse", "matching")


@dataclass(frozen=True)
class Word:
    text: str  # lowercase, NFC
    line: int


def words_in(text: str, line: int) -> list[Word]:
    text = unicodedata.normalize("NFC", text)
    return [Word(m.group(0).lower(), line) for m in WORD_RE.finditer(text)]


def _inline(children: Sequence[Token], line: int, captions: bool = True) -> list[Word]:
    """Words of an inline token's children: text and code, and picture captions (not their
    alt texts, which are not shown)."""
    found: list[Word] = []
    for child in children:
        if child.type in ("softbreak", "hardbreak"):
            line += 1
        elif child.type in ("text", "code_inline"):
            found += words_in(child.content, line)
        elif child.type == "image" and captions:
            found += words_in(str(child.attrGet("title") or ""), line)
    return found


def page_words(text: str, *, heard: bool = False) -> list[Word]:
    """The words of a lesson file's pages meant to be read (``heard=True``: every word,
    ``::: say`` boxes included). Quiz blocks are left to ``exercise_words``."""
    found: list[Word] = []
    inside_say = 0
    for token in parse(text):
        if token.type == "container_say_open":
            inside_say += 1
        elif token.type == "container_say_close":
            inside_say -= 1
        elif token.type == "inline" and token.children and (heard or not inside_say):
            found += _inline(token.children, (token.map or [0])[0] + 1)
    return found


def _gift_words(text: str, fmt: str, line: int) -> list[Word]:
    if not text:
        return []
    if fmt == "markdown":
        found: list[Word] = []
        for token in MD_INLINE.parseInline(text, {}):
            found += _inline(token.children or [], line, captions=False)
        return [Word(word.text, line) for word in found]  # GIFT problems name the question
    return words_in(unescape(_TAG_RE.sub(" ", text)), line)


def exercise_words(question: Question, reading: bool, *, heard: bool = False) -> list[Word]:
    """Words of one exercise a learner reads: the answers they choose from, and the prompt of
    a reading exercise (``heard=True``: every text, feedback included)."""
    found: list[Word] = []
    if reading or heard:
        found += _gift_words(question.text, question.fmt, question.line)
        found += _gift_words(question.tail, question.fmt, question.line)
    if question.type in SHOWN_ANSWERS or heard:
        for answer in question.answers:
            found += _gift_words(answer.text, answer.fmt, question.line)
            found += _gift_words(answer.match or "", answer.fmt, question.line)
    if heard:
        for answer in question.answers:
            found += _gift_words(answer.feedback, answer.feedback_fmt, question.line)
        found += _gift_words(question.general_feedback, question.general_feedback_fmt,
                             question.line)
    return found


def reading_words(version: LessonVersion) -> list[Word]:
    words = page_words(version.text)
    for question in version.questions:
        words += exercise_words(question, question.id in version.reading)
    return words


def all_words(version: LessonVersion) -> list[Word]:
    """Every word of the file a learner sees or hears (for the letters' frequency)."""
    words = page_words(version.text, heard=True)
    for question in version.questions:
        words += exercise_words(question, True, heard=True)
    return words


@dataclass(frozen=True)
class Taught:
    """What a learner of one lesson has been taught: the letters, and where each letter of the
    alphabet is taught (lesson id, or None when no lesson teaches it)."""

    letters: frozenset[str]
    alphabet: frozenset[str]
    teacher: dict[str, str]

    @classmethod
    def up_to(cls, literacy: Literacy, order: Sequence[str], key: str) -> Taught:
        """Letters of the lessons in ``order`` up to and including ``key``."""
        letters: set[str] = set()
        teacher: dict[str, str] = {}
        reached = False
        for lesson in order:
            for letter in literacy.letters.get(lesson, ()):
                teacher.setdefault(letter, lesson)
                if not reached:
                    letters.add(letter)
            if lesson == key:
                reached = True
        return cls(frozenset(letters), frozenset(literacy.alphabet), teacher)


@dataclass
class LessonShare:
    key: str
    letters: tuple[str, ...]
    words: int = 0
    readable: int = 0

    @property
    def share(self) -> float:
        return self.readable / self.words if self.words else 1.0


def check_version(version: LessonVersion, taught: Taught, problems: Problems,
                  letters: tuple[str, ...] = ()) -> LessonShare:
    """Warn about every word ``version`` asks the learner to read with a letter not yet
    taught; count the words they can read."""
    result = LessonShare(version.key, letters)
    warned: set[tuple[str, int]] = set()
    for word in reading_words(version):
        result.words += 1
        unknown = [ch for ch in dict.fromkeys(word.text) if ch not in taught.letters]
        if not unknown:
            result.readable += 1
            continue
        if (word.text, word.line) in warned:
            continue
        warned.add((word.text, word.line))
        problems.warn(version.path, word.line, _describe(word.text, unknown, taught))
    return result


def _describe(word: str, unknown: list[str], taught: Taught) -> str:
    outside = [ch for ch in unknown if ch not in taught.alphabet]
    if outside:
        return _("«%(word)s» is not for reading yet: %(letters)s is not a letter of the "
                 "course's alphabet", word=word, letters=", ".join(outside))
    later = ", ".join(f"{ch} ({taught.teacher[ch]})" for ch in unknown if ch in taught.teacher)
    never = ", ".join(ch for ch in unknown if ch not in taught.teacher)
    if never and not later:
        return _("«%(word)s» is not for reading yet: no lesson teaches %(letters)s",
                 word=word, letters=never)
    if never:
        return _("«%(word)s» is not for reading yet: %(later)s taught later, no lesson "
                 "teaches %(never)s", word=word, later=later, never=never)
    return _("«%(word)s» is not for reading yet: %(letters)s taught later",
             word=word, letters=later)


@dataclass
class Report:
    """What the check found in one course: the lessons' shares and the letters' frequency."""

    slug: str
    lessons: list[LessonShare] = field(default_factory=list)
    frequency: list[tuple[str, int]] = field(default_factory=list)  # most frequent first
    order: dict[str, int] = field(default_factory=dict)  # letter -> 1-based place taught

    def lines(self) -> Iterator[str]:
        yield _("%(course)s: words a learner can read, lesson by lesson", course=self.slug)
        for row in self.lessons:
            yield _("  %(lesson)s  %(readable)s of %(words)s (%(percent)s%%)  new letters: "
                    "%(letters)s", lesson=row.key, readable=row.readable, words=row.words,
                    percent=round(row.share * 100), letters=" ".join(row.letters) or "—")
        yield _("%(course)s: letters by frequency in the course's texts", course=self.slug)
        total = sum(n for _letter, n in self.frequency) or 1
        for rank, (letter, count) in enumerate(self.frequency, 1):
            place = self.order.get(letter)
            yield _("  %(letter)s  %(percent)s%%  frequency %(rank)s, taught %(place)s",
                    letter=letter, percent=f"{100 * count / total:.1f}", rank=rank,
                    place=place if place else _("never"))


def check_lessons(slug: str, literacy: Literacy, lessons: Iterable[tuple[str, LessonVersion]],
                  problems: Problems) -> Report:
    """Check every lesson (in course order, as (id, version in the taught language))."""
    lessons = list(lessons)
    order = [key for key, _version in lessons]
    report = Report(slug)
    place = 0
    for key in order:
        for letter in literacy.letters.get(key, ()):
            place += 1
            report.order.setdefault(letter, place)
    counts: Counter[str] = Counter()
    for key, version in lessons:
        for word in all_words(version):
            counts.update(ch for ch in word.text if ch in literacy.alphabet)
        if version.placement:
            continue
        taught = Taught.up_to(literacy, order, key)
        report.lessons.append(check_version(version, taught, problems,
                                            literacy.letters.get(key, ())))
    report.frequency = sorted(counts.items(), key=lambda item: (-item[1], item[0]))
    return report


def taught_for(course_yml: str, key: str, lang: str) -> Taught | None:
    """What lesson ``key`` may ask a learner to read, from a (draft) course.yml's text; None
    when the course is not a literacy course, or the file is not in the taught language."""
    try:
        meta = load_yaml(course_yml)
    except YamlError:
        return None
    if not isinstance(meta, LineDict) or "literacy" not in meta:
        return None
    modules = meta.get("modules") if isinstance(meta.get("modules"), list) else []
    order = [str(lesson) for module in modules if isinstance(module, dict)
             for lesson in (module.get("lessons") or []) if isinstance(module.get("lessons"), list)]
    literacy = read_literacy(meta["literacy"], meta.line_of("literacy"), dict.fromkeys(order),
                             "course.yml", Problems())
    if literacy is None or literacy.language != lang or key not in order:
        return None
    return Taught.up_to(literacy, order, key)
