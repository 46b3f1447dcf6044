"""The decodability check of literacy courses, and the course.yml settings it reads."""

from __future__ import annotations

from pathlib import Path

import pytest

from lms.content.check import check_lesson_text, check_path
from lms.content.decodability import exercise_words, page_words, taught_for
from lms.content.gift import parse_all

COURSE = """\
slug: abc
title:
  tg: Алифбо
category: literacy
literacy:
  language: tg
  alphabet: а б в г ғ д е ё ж з и ӣ й к қ л м н о п р с т у ӯ ф х ҳ ч ҷ ш ъ э ю я
  letters:
    l1: а н
    l2: о б
modules:
  - id: m1
    title:
      tg: Якум
    lessons:
      - l1
      - l2
"""

L1 = """\
---
id: l1
title: Ҳарфҳои А ва Н
minutes: 5
---

::: say
Гӯш кунед ва такрор кунед.
:::

# А а

нана — ана

Инро хонед: нон

```quiz
::q1:: Кадом калима «нана» аст? {=нана ~нон}
```

```quiz read
::q2:: нан {=ана ~бобо}
```
"""

L2 = """\
---
id: l2
title: Ҳарфҳои О ва Б
minutes: 5
---

# О о

бобо, нон, обона

Хатти Шарқ
"""


def _course(tmp_path: Path, l1: str = L1, l2: str = L2, course: str = COURSE) -> Path:
    folder = tmp_path / "abc"
    folder.mkdir(parents=True)
    (folder / "course.yml").write_text(course, encoding="utf-8")
    (folder / "l1.tg.md").write_text(l1, encoding="utf-8")
    (folder / "l2.tg.md").write_text(l2, encoding="utf-8")
    return folder


def _lines(report) -> list[str]:
    return [str(p) for p in report.problems.sorted()]


def test_words_with_letters_not_yet_taught_are_warnings_on_their_line(tmp_path):
    report = check_path(_course(tmp_path), "abc")
    lines = _lines(report)
    assert report.ok, lines
    # l1 teaches а н: «нон» (о comes in l2) on line 15; «бобо» in the reading quiz's answer.
    assert any(line.startswith("abc/l1.tg.md:15:") and "«нон»" in line and "о (l2)" in line
               for line in lines), lines
    assert any(line.startswith("abc/l1.tg.md:22:") and "«бобо»" in line for line in lines)
    assert any("«инро»" in line and "о (l2) taught later, no lesson teaches и, р" in line
               for line in lines), lines
    # «хонед» (line 15) use letters no lesson teaches yet: named as such.
    assert any("«хонед»" in line and "no lesson teaches" in line for line in lines), lines
    # Heard, not read: the say box, the title, an ordinary prompt and its feedback.
    for word in ("гӯш", "такрор", "ҳарфҳои", "кадом", "калима"):
        assert not any(f"«{word}»" in line for line in lines), word
    # In l2, о and б are taught: «бобо», «нон», «обона» are readable, «шарқ» is not.
    assert not any("l2.tg.md:9:" in line for line in lines), lines
    assert any("l2.tg.md:11:" in line and "«шарқ»" in line for line in lines), lines


def test_a_letter_outside_the_alphabet_is_named(tmp_path):
    report = check_path(_course(tmp_path, l2=L2.replace("обона", "бацо")), "abc")
    assert any("«бацо»" in line and "not a letter of the course's alphabet" in line
               for line in _lines(report))


def test_shares_and_letter_frequency(tmp_path):
    report = check_path(_course(tmp_path), "abc")
    found = report.courses[0].decodability
    l1, l2 = found.lessons
    assert (l1.key, l1.letters) == ("l1", ("а", "н"))
    # l1's reading words: а а нана ана инро хонед нон | нана нон (answers) | нан ана бобо
    assert (l1.words, l1.readable) == (12, 7)
    assert (l2.words, l2.readable) == (7, 5)
    assert found.order == {"а": 1, "н": 2, "о": 3, "б": 4}
    assert found.frequency[0][0] == "а"
    lines = list(found.lines())
    assert any("l1" in line and "7" in line and "12" in line and "58%" in line for line in lines)


def test_a_clean_course_has_no_warning(tmp_path):
    clean1 = (L1.replace("Инро хонед: нон", "нан").replace("~бобо", "~нана")
              .replace("~нон", "~нан"))
    clean2 = L2.replace("Хатти Шарқ", "бона")
    report = check_path(_course(tmp_path, clean1, clean2), "abc")
    assert _lines(report) == []
    assert [row.share for row in report.courses[0].decodability.lessons] == [1.0, 1.0]


def test_placement_lessons_are_not_checked(tmp_path):
    placed = L1.replace("minutes: 5\n", "minutes: 5\nplacement: true\n")
    report = check_path(_course(tmp_path, l1=placed), "abc")
    assert not any("l1.tg.md" in line for line in _lines(report))


@pytest.mark.parametrize("letters, message", [
    ("    l1: а ц\n", "ц is not in the alphabet"),
    ("    l1: а н\n    l2: а\n", "а is taught already in l1"),
    ("    l9: а\n", "lesson l9 is not listed"),
])
def test_bad_letters_are_errors(tmp_path, letters, message):
    course = COURSE.replace("    l1: а н\n    l2: о б\n", letters)
    lines = _lines(check_path(_course(tmp_path, course=course), "abc"))
    assert any("abc/course.yml:" in line and message in line for line in lines), lines


def test_the_studio_reads_what_a_lesson_may_ask_from_the_draft_course_yml():
    taught = taught_for(COURSE, "l1", "tg")
    assert taught.letters == {"а", "н"}
    assert taught_for(COURSE, "l2", "tg").letters == {"а", "н", "о", "б"}
    assert taught_for(COURSE, "l1", "ru") is None
    assert taught_for(COURSE.replace("literacy:\n", "literac:\n"), "l1", "tg") is None
    _version, problems = check_lesson_text(L1, key="l1", path="l1.tg.md", taught=taught)
    assert any(p.line == 15 and "«нон»" in p.message for p in problems.warnings)


def test_page_and_exercise_words():
    assert [w.text for w in page_words("::: say\nГӯш\n:::\n\nНон ва об\n")] == ["нон", "ва", "об"]
    assert [w.text for w in page_words("::: say\nГӯш\n:::\n", heard=True)] == ["гӯш"]
    # A picture caption is read; its alt text is not shown.
    assert [w.text for w in page_words('![Доира](media/x.svg "анор")\n')] == ["анор"]
    questions, _errors = parse_all("::m:: Ҷуфт кунед {=А -> анор =Б -> бобо}")
    assert [w.text for w in exercise_words(questions[0], False)] == ["а", "анор", "б", "бобо"]
    questions, _errors = parse_all("::s:: Нависед {=нон}")
    assert exercise_words(questions[0], False) == []  # typed answers are not shown


PLACEMENT = """\
placement:
  lesson: l1
  parts:
    - id: first
      exercises: [q1, q2]
      modules: [m1]
"""


def test_placement_parts_are_checked(tmp_path):
    report = check_path(_course(tmp_path, course=COURSE + PLACEMENT), "abc")
    course = report.courses[0]
    assert report.ok, _lines(report)
    assert course.placement.parts[0].exercises == ("q1", "q2")
    bad = PLACEMENT.replace("[q1, q2]", "[q1, q9]").replace("[m1]", "[m7]")
    lines = _lines(check_path(_course(tmp_path / "b", course=COURSE + bad), "abc"))
    assert any("no exercise q9" in line for line in lines), lines
    assert any("there is no module m7" in line for line in lines), lines
    one = PLACEMENT.replace("[q1, q2]", "[q1]")
    lines = _lines(check_path(_course(tmp_path / "c", course=COURSE + one), "abc"))
    assert any("warning" in line and "fewer than two exercises" in line for line in lines)


def test_kiosk_settings(tmp_path):
    course = check_path(_course(tmp_path), "abc").courses[0]
    assert course.kiosk.say_instruction is True  # a literacy course says its instructions
    assert course.kiosk.keyboard == "standard"
    settings = "kiosk:\n  say_instruction: false\n  keyboard: alphabet\n  machine_voice:\n" \
               "    tg: false\n"
    course = check_path(_course(tmp_path / "b", course=COURSE + settings), "abc").courses[0]
    assert (course.kiosk.say_instruction, course.kiosk.keyboard) == (False, "alphabet")
    assert course.kiosk.machine_voice == {"tg": False, "ru": True}
    wrong = "kiosk:\n  keyboard: qwerty\n  voice: true\n"
    lines = _lines(check_path(_course(tmp_path / "c", course=COURSE + wrong), "abc"))
    assert any("keyboard must be one of" in line for line in lines)
    assert any("unknown key voice in kiosk" in line for line in lines)
