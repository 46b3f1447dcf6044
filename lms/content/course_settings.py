"""The optional parts of ``course.yml``: a literacy course's alphabet and letter order, the
placement test's parts and the modules they open, and how the kiosk presents the course.

Read and checked here, with every problem on its line, so the loader stays about the course's
shape (slug, titles, modules, lessons)."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass, field
from typing import Any

from flask_babel import gettext as _

from .lesson import LANGS, is_valid_id
from .problems import Problems
from .yamlio import LineDict, LineList

LITERACY_KEYS = ("language", "alphabet", "letters")
PLACEMENT_KEYS = ("lesson", "parts")
PART_KEYS = ("id", "exercises", "modules")
KIOSK_KEYS = ("say_instruction", "keyboard", "machine_voice")
KEYBOARDS = ("standard", "alphabet")


@dataclass(frozen=True)
class Literacy:
    """A literacy course: the letters of the language it teaches and the lessons that
    introduce them (the decodability check reads these)."""

    language: str
    alphabet: tuple[str, ...]  # lowercase, in the order the course.yml gives them
    letters: dict[str, tuple[str, ...]] = field(default_factory=dict)  # lesson id -> letters
    lines: dict[str, int] = field(default_factory=dict)  # lesson id -> line in course.yml

    def to_dict(self) -> dict[str, Any]:
        return {"language": self.language, "alphabet": list(self.alphabet),
                "letters": {k: list(v) for k, v in self.letters.items()}}


@dataclass(frozen=True)
class PlacementPart:
    """Exercises of the placement test that, all right at the first try, let a learner skip
    ``modules``."""

    key: str
    exercises: tuple[str, ...]
    modules: tuple[str, ...]
    line: int = 1

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.key, "exercises": list(self.exercises),
                "modules": list(self.modules)}


@dataclass(frozen=True)
class Placement:
    lesson: str
    parts: tuple[PlacementPart, ...]
    line: int = 1

    def to_dict(self) -> dict[str, Any]:
        return {"lesson": self.lesson, "parts": [p.to_dict() for p in self.parts]}


@dataclass(frozen=True)
class KioskSettings:
    """How the kiosk presents the course. ``say_instruction``: a page's ``::: say`` box is
    said once when the page opens (default: on for literacy courses); ``keyboard``: the
    on-screen keyboard's order; ``machine_voice``: per language, whether texts without a
    human recording are read by the machine voice."""

    say_instruction: bool = False
    keyboard: str = "standard"
    machine_voice: dict[str, bool] = field(default_factory=lambda: dict.fromkeys(LANGS, True))

    def to_dict(self) -> dict[str, Any]:
        return {"say_instruction": self.say_instruction, "keyboard": self.keyboard,
                "machine_voice": dict(self.machine_voice)}

    @classmethod
    def from_dict(cls, data: dict[str, Any] | None, literacy: bool = False) -> KioskSettings:
        data = data or {}
        voice = dict.fromkeys(LANGS, True) | dict(data.get("machine_voice") or {})
        return cls(bool(data.get("say_instruction", literacy)),
                   str(data.get("keyboard", "standard")), voice)


def letters_of(text: Any) -> tuple[str, ...] | None:
    """Letters written as "а б в" (or "абв"), lowercased; None when not text."""
    if not isinstance(text, str):
        return None
    text = unicodedata.normalize("NFC", text).lower()
    return tuple(ch for ch in text if ch.isalpha())


def check_keys(mapping: LineDict, allowed: tuple[str, ...], required: tuple[str, ...],
               where: str, problems: Problems, what: str) -> None:
    """Keys written twice, unknown keys and missing ones, each an error on its line."""
    for key, line in mapping.duplicates:
        problems.error(where, line, _("%(key)s is written twice", key=key))
    for key in mapping:
        if key not in allowed:
            problems.error(where, mapping.line_of(key),
                           _("unknown key %(key)s in %(what)s (allowed: %(allowed)s)",
                             key=key, what=what, allowed=", ".join(allowed)))
    for key in required:
        if key not in mapping:
            problems.error(where, mapping.line, _("%(what)s: missing key %(key)s",
                                                  what=what, key=key))


def read_literacy(value: Any, line: int, listed: dict[str, Any], where: str,
                  problems: Problems) -> Literacy | None:
    """``literacy:`` — the language taught, its alphabet, and the letters each lesson adds."""
    if not isinstance(value, LineDict):
        problems.error(where, line, _("literacy must have language:, alphabet: and letters:"))
        return None
    check_keys(value, LITERACY_KEYS, ("language", "alphabet"), where, problems, "literacy")
    language = value.get("language")
    if language not in LANGS:
        problems.error(where, value.line_of("language"),
                       _("literacy: language must be one of %(allowed)s",
                         allowed=", ".join(LANGS)))
        language = LANGS[0]
    alphabet = letters_of(value.get("alphabet"))
    if not alphabet:
        problems.error(where, value.line_of("alphabet"),
                       _("literacy: the alphabet is its letters, written with spaces"))
        return None
    for letter in sorted({ch for ch in alphabet if alphabet.count(ch) > 1}):
        problems.error(where, value.line_of("alphabet"),
                       _("literacy: the letter %(letter)s is in the alphabet twice",
                         letter=letter))
    letters: dict[str, tuple[str, ...]] = {}
    lines: dict[str, int] = {}
    given = value.get("letters", LineDict())
    if not isinstance(given, LineDict):
        problems.error(where, value.line_of("letters"),
                       _("literacy: letters must list lesson ids with the letters they teach"))
        given = LineDict()
    taught_in: dict[str, str] = {}
    for key, text in given.items():
        row = given.line_of(key)
        if key not in listed:
            problems.error(where, row, _("literacy: lesson %(id)s is not listed in any module",
                                         id=key))
            continue
        found = letters_of(text)
        if found is None:
            problems.error(where, row, _("literacy: write the letters of lesson %(id)s as "
                                         "text, like «а б»", id=key))
            continue
        for letter in found:
            if letter not in alphabet:
                problems.error(where, row, _("literacy: %(letter)s is not in the alphabet",
                                             letter=letter))
            elif letter in taught_in:
                problems.error(where, row, _("literacy: %(letter)s is taught already in "
                                             "%(lesson)s", letter=letter,
                                             lesson=taught_in[letter]))
            else:
                taught_in[letter] = str(key)
        letters[str(key)], lines[str(key)] = found, row
    return Literacy(str(language), alphabet, letters, lines)


def read_placement(value: Any, line: int, listed: dict[str, Any], modules: set[str],
                   where: str, problems: Problems) -> Placement | None:
    """``placement:`` — the placement lesson and its parts, each tied to the modules it lets a
    learner skip. Exercise ids are checked once the lessons are read (``check_placement``)."""
    if not isinstance(value, LineDict):
        problems.error(where, line, _("placement must have lesson: and parts:"))
        return None
    check_keys(value, PLACEMENT_KEYS, PLACEMENT_KEYS, where, problems, "placement")
    lesson = value.get("lesson")
    if lesson not in listed:
        problems.error(where, value.line_of("lesson"),
                       _("placement: lesson %(id)s is not listed in any module", id=lesson))
    parts_value = value.get("parts")
    if not isinstance(parts_value, LineList):
        problems.error(where, value.line_of("parts"), _("placement: parts must be a list"))
        return None
    parts: list[PlacementPart] = []
    for index, item in enumerate(parts_value):
        row = parts_value.line_of(index)
        if not isinstance(item, LineDict):
            problems.error(where, row, _("a placement part needs id:, exercises: and modules:"))
            continue
        check_keys(item, PART_KEYS, PART_KEYS, where, problems, _("a placement part"))
        key = item.get("id")
        if not is_valid_id(key):
            problems.error(where, item.line_of("id"), _("placement part id: use lowercase "
                                                        "latin letters, digits and dashes"))
            continue
        if any(p.key == key for p in parts):
            problems.error(where, item.line_of("id"),
                           _("placement part %(id)s is written twice", id=key))
        exercises = _ids(item.get("exercises"), item.line_of("exercises"), where, problems)
        skipped = _ids(item.get("modules"), item.line_of("modules"), where, problems)
        for module in skipped:
            if module not in modules:
                problems.error(where, item.line_of("modules"),
                               _("placement part %(part)s: there is no module %(id)s",
                                 part=key, id=module))
        if len(exercises) < 2:
            problems.warn(where, item.line_of("exercises"), _(
                "placement part %(part)s has fewer than two exercises: a lucky guess would "
                "place a learner", part=key))
        parts.append(PlacementPart(str(key), exercises, skipped, item.line))
    return Placement(str(lesson), tuple(parts), value.line)


def _ids(value: Any, line: int, where: str, problems: Problems) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        problems.error(where, line, _("write a list of ids, like [a, b]"))
        return ()
    return tuple(value)


def check_placement(placement: Placement, exercise_ids: set[str], where: str,
                    problems: Problems) -> None:
    """Every exercise a part names exists in the placement lesson, in one part only."""
    seen: dict[str, str] = {}
    for part in placement.parts:
        for key in part.exercises:
            if key not in exercise_ids:
                problems.error(where, part.line, _(
                    "placement part %(part)s: lesson %(lesson)s has no exercise %(id)s",
                    part=part.key, lesson=placement.lesson, id=key))
            elif key in seen:
                problems.error(where, part.line, _(
                    "placement: exercise %(id)s is in parts %(first)s and %(second)s",
                    id=key, first=seen[key], second=part.key))
            else:
                seen[key] = part.key


def read_kiosk(value: Any, line: int, literacy: bool, where: str,
               problems: Problems) -> KioskSettings:
    """``kiosk:`` — say_instruction, keyboard, machine_voice."""
    if not isinstance(value, LineDict):
        problems.error(where, line, _("kiosk must list its settings (say_instruction:, "
                                      "keyboard:, machine_voice:)"))
        return KioskSettings.from_dict({}, literacy)
    check_keys(value, KIOSK_KEYS, (), where, problems, "kiosk")
    data: dict[str, Any] = {}
    if "say_instruction" in value:
        if isinstance(value["say_instruction"], bool):
            data["say_instruction"] = value["say_instruction"]
        else:
            problems.error(where, value.line_of("say_instruction"),
                           _("say_instruction must be true or false"))
    if "keyboard" in value:
        if value["keyboard"] in KEYBOARDS:
            data["keyboard"] = value["keyboard"]
        else:
            problems.error(where, value.line_of("keyboard"), _(
                "keyboard must be one of: %(allowed)s", allowed=", ".join(KEYBOARDS)))
    voice = value.get("machine_voice")
    if "machine_voice" in value:
        if isinstance(voice, dict) and all(k in LANGS and isinstance(v, bool)
                                           for k, v in voice.items()):
            data["machine_voice"] = dict(voice)
        else:
            problems.error(where, value.line_of("machine_voice"), _(
                "machine_voice lists languages with true or false (tg: true, ru: false)"))
    return KioskSettings.from_dict(data, literacy)


def kiosk_of(course: Any) -> KioskSettings:
    """How the kiosk presents a stored course (``Course.settings``)."""
    from .models import Category

    return KioskSettings.from_dict((course.settings or {}).get("kiosk"),
                                   course.category is Category.LITERACY)


def placement_of(course: Any) -> Placement | None:
    """A stored course's placement parts, or None when it has no placement test."""
    data = (course.settings or {}).get("placement")
    if not data:
        return None
    return Placement(data["lesson"], tuple(
        PlacementPart(p["id"], tuple(p["exercises"]), tuple(p["modules"])) for p in data["parts"]))
