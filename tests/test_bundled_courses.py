"""The bundled curricula: clean, in both languages, with matching exercises, all 35 letters."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import pytest

from lms.content.check import check_path

CONTENT = Path(__file__).resolve().parent.parent / "content"
TAJIK_ALPHABET = "АБВГҒДЕЁЖЗИӢЙКҚЛМНОПРСТУӮФХҲЧҶШЪЭЮЯ"
HEADING = re.compile(r"^#{1,2}\s+(.+)$", re.M)


@cache
def report():
    return check_path(CONTENT)


def _course(slug):
    return next(c for c in report().courses if c.slug == slug)


def test_alphabet_has_35_letters():
    assert len(TAJIK_ALPHABET) == 35


def test_bundled_content_is_clean():
    problems = [str(line) for line in report().lines()]
    assert report().ok, problems
    assert not problems, problems  # not even a warning


@pytest.mark.parametrize("slug, category, minimum", [
    ("tajik-literacy", "literacy", 24), ("farming", "vocational", 12),
    ("life-skills", "disengagement", 12)])
def test_course_size_and_languages(slug, category, minimum):
    course = _course(slug)
    assert course.category.value == category
    counted = [lesson for lesson in course.lessons if not lesson.first.placement]
    assert len(counted) >= minimum
    for lesson in course.lessons:
        assert set(lesson.versions) == {"tg", "ru"}, lesson.key
        tg, ru = lesson.versions["tg"], lesson.versions["ru"]
        assert len(tg.questions) >= 2, lesson.key
        assert [q.signature() for q in tg.questions] == [q.signature() for q in ru.questions]


@pytest.mark.parametrize("slug", ["tajik-literacy", "farming", "life-skills"])
def test_several_exercise_types(slug):
    kinds = {q.type for lesson in _course(slug).lessons for q in lesson.first.questions}
    assert len(kinds) >= 5, kinds


def test_life_skills_has_reflections():
    lessons = _course("life-skills").lessons
    with_essay = [le for le in lessons if any(q.type == "essay" for q in le.first.questions)]
    assert len(with_essay) >= len(lessons) // 2


def test_literacy_covers_every_letter_in_both_cases():
    course = _course("tajik-literacy")
    headings = " ".join(h for lesson in course.lessons
                        for h in HEADING.findall(lesson.versions["tg"].text))
    missing = [letter for letter in TAJIK_ALPHABET
               if not re.search(rf"{letter}\s*{letter.lower()}", headings)]
    assert not missing, f"letters without a heading lesson: {missing}"


def test_literacy_has_a_placement_test():
    assert any(lesson.first.placement for lesson in _course("tajik-literacy").lessons)


def test_literacy_marks_tajik_recordings():
    text = " ".join(lesson.versions["tg"].text for lesson in _course("tajik-literacy").lessons)
    assert len(set(re.findall(r"\]\(record:([a-z0-9-]+)\)", text))) >= 35
