"""``lms gift import`` into a stored lesson and ``lms gift export`` of a course."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from lms.content import reading
from lms.content.check import check_path
from lms.content.cli import content_cli, gift_cli
from lms.content.gift import parse
from lms.content.importer import import_course
from lms.content.models import Exercise, Lesson

from .conftest import invoke


@pytest.fixture
def stored(app, db, course_dir):
    with app.app_context():
        for source in check_path(course_dir).courses:
            import_course(source)
        db.session.commit()
    return course_dir


def _lesson(db, key: str = "l1") -> Lesson:
    return db.session.scalar(select(Lesson).where(Lesson.key == key))


def _gift(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "in.gift"
    path.write_text(text, encoding="utf-8")
    return path


def _run(app, *args: str):
    return invoke(app, gift_cli, list(args))


def test_gift_import_appends_a_quiz_block(app, db, stored, tmp_path):
    path = _gift(tmp_path, "$CATEGORY: Moodle/Stuff\n\n// from Moodle\n"
                           "::new1:: Пойтахти Тоҷикистон? {=Душанбе ~Хуҷанд}\n\n"
                           "::new2:: Чанд? {#3}\n")
    result = _run(app, "import", str(path), "--course", "demo", "--lesson", "l1")
    assert result.exit_code == 0, result.output
    assert "2 questions added to l1 (tg)" in result.output
    assert "warning: $CATEGORY Moodle/Stuff is not used" in result.output
    assert "warning: exercise new1 is not in the Tajik file" not in result.output
    assert "exercise new1 of the Tajik file is missing here" in result.output  # ru, a warning
    with app.app_context():
        lesson = _lesson(db)
        source = next(c for c in lesson.contents if c.lang == "tg").source
        assert source.endswith("```quiz\n::new1:: Пойтахти Тоҷикистон? {\n  =Душанбе\n"
                               "  ~Хуҷанд\n}\n\n::new2:: Чанд? {#3}\n```\n")
        keys = [(e.key, e.type, sorted(e.data)) for e in lesson.exercises]
        assert keys == [("q1", "multichoice", ["ru", "tg"]), ("q2", "truefalse", ["ru", "tg"]),
                        ("new1", "multichoice", ["tg"]), ("new2", "numerical", ["tg"])]
        page = reading.read(lesson).content("tg").pages[-1]
        assert page.endswith('<div class="exercise" data-exercise="new2"></div>\n')


def test_gift_import_refuses_bad_files(app, db, stored, tmp_path):
    with app.app_context():
        before = next(c for c in _lesson(db).contents if c.lang == "tg").source
    for text, message in [
        ("::q1:: Again? {T}", "exercise id q1 is already used in this lesson"),
        ("No id here {T}", "question without ::id::"),
        ("::ok:: Fine {T}\n\n::bad:: Broken {=a ~b", "in.gift:3: "),
        ("// nothing\n", "the file holds no question"),
    ]:
        result = _run(app, "import", str(_gift(tmp_path, text)), "--course", "demo",
                      "--lesson", "l1")
        assert result.exit_code == 1, text
        assert message in result.output, result.output
        assert "nothing was imported" in result.output
    with app.app_context():
        assert next(c for c in _lesson(db).contents if c.lang == "tg").source == before
        assert len(_lesson(db).exercises) == 2
    result = _run(app, "import", str(_gift(tmp_path, "::x:: y {T}")), "--course", "demo",
                  "--lesson", "nope")
    assert result.exit_code == 1 and "no lesson nope in course demo" in result.output


def test_gift_export(app, db, stored, tmp_path):
    out = tmp_path / "out.gift"
    result = _run(app, "export", "demo", str(out), "--lang", "ru")
    assert result.exit_code == 0, result.output
    text = out.read_text(encoding="utf-8")
    assert text.startswith("$CATEGORY: demo/m1\n\n// l1: Урок 1\n\n")
    assert "// l2: Урок 2" in text
    questions = parse(text)
    assert [q.id for q in questions] == ["q1", "q2", "q1", "q2"]
    assert questions[0].answers[0].feedback == "Верно"
    single = tmp_path / "one.gift"
    assert _run(app, "export", "demo", str(single), "--lesson", "l2").exit_code == 0
    assert "// l1:" not in single.read_text(encoding="utf-8")


def test_gift_round_trip_keeps_the_lesson_checkable(app, db, stored, tmp_path):
    """Questions exported from l1 and imported into l2 under new ids give a valid lesson."""
    out = tmp_path / "l1.gift"
    _run(app, "export", "demo", str(out), "--lesson", "l1")
    text = out.read_text(encoding="utf-8").replace("::q1::", "::c1::").replace("::q2::", "::c2::")
    for lang in ("tg", "ru"):
        path = _gift(tmp_path, text)
        result = _run(app, "import", str(path), "--course", "demo", "--lesson", "l2",
                      "--lang", lang)
        assert result.exit_code == 0, result.output
    with app.app_context():
        lesson = _lesson(db, "l2")
        assert [e.key for e in lesson.exercises] == ["q1", "q2", "c1", "c2"]
        assert all(sorted(e.data) == ["ru", "tg"] for e in lesson.exercises)
        assert db.session.scalar(select(Exercise).where(Exercise.key == "c1")).type == \
            "multichoice"
    export = tmp_path / "export"
    assert invoke(app, content_cli, ["export", "demo", str(export)]).exit_code \
        == 0
    assert check_path(export / "demo").ok
