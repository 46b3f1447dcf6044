"""The bundled Tajik literacy course teaches decoding: clean under the decodability check,
reading from lesson 5 on, and a placement test whose parts cover the hard letters."""

from __future__ import annotations

from functools import cache
from pathlib import Path

from lms.content.check import check_path
from lms.content.decodability import all_words, exercise_words

COURSE = Path(__file__).resolve().parents[2] / "content" / "tajik-literacy"


@cache
def report():
    return check_path(COURSE, "tajik-literacy")


def course():
    return report().courses[0]


def test_loads_with_no_problem_and_no_decodability_warning():
    assert report().ok, report().lines()
    assert report().lines() == []


def test_every_letter_lesson_declares_its_letters_and_all_35_are_taught():
    literacy = course().literacy
    assert literacy is not None and literacy.language == "tg"
    taught = [letter for letters in literacy.letters.values() for letter in letters]
    assert sorted(taught) == sorted(literacy.alphabet) and len(taught) == 35


def test_every_lesson_from_the_fifth_on_has_a_reading_exercise():
    lessons = [lesson for lesson in course().lessons if not lesson.first.placement]
    assert len(lessons) >= 24
    for lesson in lessons[4:]:
        assert lesson.versions["tg"].reading, lesson.key
        assert lesson.versions["tg"].reading == lesson.versions["ru"].reading, lesson.key


def test_placement_parts_cover_the_hard_letters_with_two_exercises_each():
    found = course()
    placement = found.placement
    lesson = next(le for le in found.lessons if le.key == placement.lesson)
    questions = {q.id: q for q in lesson.versions["tg"].questions}
    teacher = {letter: key for key, letters in found.literacy.letters.items()
               for letter in letters}
    module_of = {key: module.key for module in found.modules for key in module.lessons}
    for letter in "ҳҷӣӯей":
        module = module_of[teacher[letter]]
        part = next(p for p in placement.parts if module in p.modules)
        assert len(part.exercises) >= 2, (letter, part.key)
        words = " ".join(w.text for key in part.exercises
                         for w in exercise_words(questions[key], True, heard=True))
        assert letter in words, (letter, part.key)
    assert all(len(part.exercises) >= 2 for part in placement.parts)
    reading = next(p for p in placement.parts if "reading" in p.modules)
    assert set(reading.exercises) <= lesson.versions["tg"].reading


def test_readable_share_never_drops_below_every_word_from_lesson_two_on():
    shares = {row.key: row for row in course().decodability.lessons}
    assert all(row.share == 1.0 for row in shares.values()), {
        k: round(r.share, 2) for k, r in shares.items()}
    # Lessons 1–4 already have words to read, not only letters.
    for key in ("l02-n", "l03-o", "l04-r"):
        assert shares[key].words >= 10, key


def test_the_kiosk_says_instructions_and_shows_the_alphabet_keyboard():
    kiosk = course().kiosk
    assert kiosk.say_instruction is True and kiosk.keyboard == "alphabet"


def test_the_review_s_language_fixes_stay_fixed():
    text = " ".join(w.text for lesson in course().lessons
                    for version in lesson.versions.values() for w in all_words(version))
    for wrong in ("паҳлуи", "парандагон", "занаш"):
        assert wrong not in text, wrong
