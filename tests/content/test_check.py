"""Every problem the checker reports, with its file and line."""

from __future__ import annotations

from pathlib import Path

import pytest

from lms.content.check import check_lesson_text, check_path

from .conftest import SVG


def _add(path: Path, text: str) -> None:
    with path.open("a", encoding="utf-8") as fh:
        fh.write(text)


def _sub(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {path.name}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


# (name, change(folder), file, line, part of the message)
CASES = [
    ("bad course yaml", lambda d: _sub(d / "course.yml", "  ru: Демо-курс\n",
                                       "  ru: [Демо-курс\n"),
     "course.yml", 5, "bad YAML"),
    ("unknown course key", lambda d: _add(d / "course.yml", "colour: red\n"),
     "course.yml", 14, "unknown key colour"),
    ("missing course key", lambda d: _sub(d / "course.yml", "category: literacy\n", ""),
     "course.yml", 1, "missing key category"),
    ("bad category", lambda d: _sub(d / "course.yml", "literacy", "cooking"),
     "course.yml", 5, "category must be one of"),
    ("duplicate yaml key", lambda d: _sub(d / "course.yml", "category: literacy\n",
                                          "category: literacy\ncategory: vocational\n"),
     "course.yml", 6, "category is written twice"),
    ("lesson listed twice", lambda d: _sub(d / "course.yml", "      - l2\n", "      - l1\n"),
     "course.yml", 13, "lesson l1 is listed twice"),
    ("duplicate module id", lambda d: _add(d / "course.yml", "  - id: m1\n    title:\n"
                                           "      tg: Боз\n      ru: Ещё\n    lessons: []\n"),
     "course.yml", 14, "module id m1 is used twice"),
    ("listed lesson without file", lambda d: _add(d / "course.yml", "      - l3\n"),
     "course.yml", 14, "lesson l3 has no file"),
    ("lesson file not listed", lambda d: (d / "l9.tg.md").write_text("x", encoding="utf-8"),
     "l9.tg.md", 1, "lesson l9 is not listed"),
    ("missing language file", lambda d: (d / "l2.ru.md").unlink(),
     "course.yml", 13, "lesson l2 has no Russian file l2.ru.md"),
    ("course title without a language", lambda d: _sub(d / "course.yml", "  ru: Демо-курс\n",
                                                       ""),
     "course.yml", 2, "title has no Russian text"),
    ("unknown front-matter key", lambda d: _sub(d / "l1.tg.md", "minutes: 5\n",
                                                "minutes: 5\nauthor: me\n"),
     "l1.tg.md", 5, "unknown front-matter key author"),
    ("missing front-matter key", lambda d: _sub(d / "l1.tg.md", "minutes: 5\n", ""),
     "l1.tg.md", 2, "missing front-matter key minutes"),
    ("bad front-matter yaml", lambda d: _sub(d / "l1.tg.md", "minutes: 5\n", "minutes: [5\n"),
     "l1.tg.md", 4, "bad front matter"),
    ("front-matter value out of range", lambda d: _sub(d / "l1.tg.md", "minutes: 5",
                                                       "minutes: 0"),
     "l1.tg.md", 4, "minutes must be a whole number from 1 to 600"),
    ("id differs from the file name", lambda d: _sub(d / "l1.tg.md", "id: l1", "id: other"),
     "l1.tg.md", 2, "does not match the file name"),
    ("no front matter", lambda d: (d / "l1.tg.md").write_text("# Hi\n", encoding="utf-8"),
     "l1.tg.md", 1, "must start with front matter"),
    ("settings differ between languages", lambda d: _sub(d / "l1.ru.md", "minutes: 5",
                                                         "minutes: 6"),
     "l1.ru.md", 4, "minutes differs from the Tajik file"),
    ("broken media reference", lambda d: _sub(d / "l1.tg.md", "media/pic.svg",
                                              "media/nope.svg"),
     "l1.tg.md", 9, "media/nope.svg does not exist"),
    ("picture without alt text", lambda d: _sub(d / "l1.tg.md", "![Доира]", "![]"),
     "l1.tg.md", 9, "picture without alt text"),
    ("sound without label", lambda d: _sub(d / "l1.tg.md", "![Гӯш кунед]", "![ ]"),
     "l1.tg.md", 11, "sound without a label"),
    ("picture from outside", lambda d: _sub(d / "l1.tg.md", "media/pic.svg",
                                            "http://example.com/p.png"),
     "l1.tg.md", 9, "must be files in the course's media/ folder"),
    ("bad recording name", lambda d: _sub(d / "l1.tg.md", "# Дарси 1\n",
                                          "# Дарси 1\n![Ҷ](record:Bad_Name)\n"),
     "l1.tg.md", 8, "recording name Bad_Name"),
    ("gift error", lambda d: _sub(d / "l1.tg.md", "Об тар аст. {T}", "Об тар аст. {T"),
     "l1.tg.md", 18, "never closed"),
    ("question without id", lambda d: _sub(d / "l1.tg.md", "::q2:: ", ""),
     "l1.tg.md", 18, "question without ::id::"),
    ("bad question id", lambda d: _sub(d / "l1.tg.md", "::q2::", "::q 2::"),
     "l1.tg.md", 18, "question id q 2"),
    ("duplicate exercise id", lambda d: _sub(d / "l1.tg.md", "::q2::", "::q1::"),
     "l1.tg.md", 18, "exercise id q1 is used twice"),
    ("quiz block not closed", lambda d: _sub(d / "l1.tg.md", "{T}\n```\n", "{T}\n"),
     "l1.tg.md", 15, "quiz block is not closed"),
    ("page break inside a quiz", lambda d: _sub(d / "l1.tg.md", "\n::q2::", "\n---\n\n::q2::"),
     "l1.tg.md", 18, "page break (---) cannot be inside a quiz block"),
    ("empty page", lambda d: _add(d / "l1.tg.md", "\n---\n"),
     "l1.tg.md", 21, "page 3 is empty"),
    ("exercise answers differ", lambda d: _sub(d / "l1.ru.md", "~5}", "~5 ~6}"),
     "l1.ru.md", 16, "exercise q1 does not match the Tajik file: the number of answers differs"),
    ("correct answers differ", lambda d: _sub(d / "l1.ru.md", "=4#Верно ~3#Нет",
                                              "~4#Верно =3#Нет"),
     "l1.ru.md", 16, "the correct answers differ"),
    ("exercise types differ", lambda d: _sub(d / "l1.ru.md", "{T}", "{=да}"),
     "l1.ru.md", 18, "its type differs"),
    ("numbers differ", lambda d: (_sub(d / "l1.tg.md", "{T}", "{#4}"),
                                  _sub(d / "l1.ru.md", "{T}", "{#5}")),
     "l1.ru.md", 18, "its numbers differ"),
    ("weights differ", lambda d: (_sub(d / "l1.tg.md", "{T}", "{~%50%а ~%50%б ~%-100%в}"),
                                  _sub(d / "l1.ru.md", "{T}", "{~%60%а ~%40%б ~%-100%в}")),
     "l1.ru.md", 18, "the weights of the answers differ"),
    ("exercise missing in one language", lambda d: _sub(d / "l1.ru.md",
                                                        "\n::q2:: Вода мокрая. {T}\n", "\n"),
     "l1.ru.md", 1, "exercise q2 of the Tajik file is missing here"),
    ("exercise only in one language", lambda d: _sub(d / "l1.ru.md", "{T}\n```",
                                                     "{T}\n\n::q3:: Да? {T}\n```"),
     "l1.ru.md", 20, "exercise q3 is not in the Tajik file"),
    ("exercises in another order", lambda d: _sub(
        d / "l1.ru.md", "::q1:: 2 + 2 = ? {=4#Верно ~3#Нет ~5}\n\n::q2:: Вода мокрая. {T}",
        "::q2:: Вода мокрая. {T}\n\n::q1:: 2 + 2 = ? {=4#Верно ~3#Нет ~5}"),
     "l1.ru.md", 16, "different order"),
    ("bad svg", lambda d: (d / "media" / "pic.svg").write_bytes(
        SVG.replace(b"</svg>", b'<script>alert(1)</script>\n</svg>')),
     "media/pic.svg", 4, "element <script> is not allowed"),
    ("svg event attribute", lambda d: (d / "media" / "pic.svg").write_bytes(
        SVG.replace(b"<circle", b'<circle onclick="x()"')),
     "media/pic.svg", 3, "attribute onclick on <circle> is not allowed"),
    ("renamed file", lambda d: (d / "media" / "pic.svg").write_bytes(b"just text\n"),
     "media/pic.svg", 1, "is not a real SVG file"),
]


@pytest.mark.parametrize("change, file, line, message", [c[1:] for c in CASES],
                         ids=[c[0] for c in CASES])
def test_every_error_is_reported_with_its_line(course_dir, change, file, line, message):
    change(course_dir)
    report = check_path(course_dir)
    wanted = f"{course_dir}/{file}:{line}: "
    found = [text for text in report.lines() if text.startswith(wanted) and message in text]
    assert found, "\n".join(report.lines())
    assert not report.ok


def test_clean_course_has_no_problem(course_dir):
    report = check_path(course_dir)
    assert report.lines() == []
    assert report.ok
    assert report.summary() == ("Courses: 1, lessons: 2, exercises: 4; errors: 0, "
                                "warnings: 0")


@pytest.mark.parametrize("change, file, line, message", [
    (lambda d: (d / "media" / "extra.svg").write_bytes(SVG), "media/extra.svg", 1,
     "warning: this file is not used by any lesson"),
    (lambda d: _add(d / "l1.tg.md", "\n[Google](https://google.com)\n"), "l1.tg.md", 21,
     "warning: link https://google.com leaves the platform"),
    (lambda d: _add(d / "l1.tg.md", "\n<b>bold</b>\n"), "l1.tg.md", 21,
     "warning: HTML is not allowed"),
    (lambda d: _add(d / "l1.tg.md", "\n::: danger\nx\n:::\n"), "l1.tg.md", 21,
     "warning: unknown box danger"),
    (lambda d: (d / "notes.txt").write_text("x", encoding="utf-8"), "notes.txt", 1,
     "warning: unexpected file"),
], ids=["unused media", "outside link", "html", "unknown box", "stray file"])
def test_warnings_do_not_fail(course_dir, change, file, line, message):
    change(course_dir)
    report = check_path(course_dir)
    assert f"{course_dir}/{file}:{line}: {message}" in "\n".join(report.lines())
    assert report.ok


def test_a_folder_of_courses(tmp_path, course_dir):
    from .conftest import write_course

    write_course(tmp_path / "src", "second")
    report = check_path(tmp_path / "src")
    assert [c.slug for c in report.courses] == ["demo", "second"]
    assert report.ok


def test_media_type_is_detected_by_content(course_dir):
    (course_dir / "media" / "photo.png").write_bytes(b"<html>not a picture</html>")
    _sub(course_dir / "l1.tg.md", "media/pic.svg", "media/photo.png")
    _sub(course_dir / "l1.ru.md", "media/pic.svg", "media/photo.png")
    lines = "\n".join(check_path(course_dir).lines())
    assert "media/photo.png:1: media/photo.png is not a real PNG file" in lines


def test_single_lesson_text_check():
    version, problems = check_lesson_text("---\nid: lesson\ntitle: T\nminutes: 3\n---\n\nHi\n")
    assert not problems.errors
    assert version.pages == ["<p>Hi</p>\n"]
