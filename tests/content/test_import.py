"""Import (all or nothing, in place, keeping ids), export (byte for byte) and media serving."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import func, select

from lms.content import media, reading
from lms.content.check import check_path
from lms.content.cli import content_cli
from lms.content.exporter import course_files, export_course, get_course
from lms.content.importer import import_course
from lms.content.loader import course_folders
from lms.content.models import Course, Exercise, Lesson, LessonContent, MediaFile, Module

from .conftest import SVG, invoke, lesson_text

BUNDLED = Path(__file__).resolve().parents[2] / "content"


def _import(app, db, folder: Path) -> Course:
    with app.app_context():
        report = check_path(folder)
        assert report.ok, report.lines()
        for source in report.courses:
            import_course(source)
        db.session.commit()
        return db.session.scalar(select(Course).where(Course.slug == report.courses[0].slug))


def _ids(db, course: Course) -> dict[str, int]:
    lessons = db.session.scalars(select(Lesson).where(Lesson.course_id == course.id)).all()
    ids = {f"lesson:{le.key}": le.id for le in lessons}
    for lesson in lessons:
        ids |= {f"exercise:{lesson.key}/{e.key}": e.id for e in lesson.exercises}
    return ids


def _count(db, model) -> int:
    return db.session.scalar(select(func.count()).select_from(model))


def test_import_stores_everything(app, db, course_dir):
    course = _import(app, db, course_dir)
    with app.app_context():
        course = get_course("demo")
        assert course.titles == {"tg": "Курси намунавӣ", "ru": "Демо-курс"}
        assert course.languages == ["tg", "ru"]
        assert course.published_at is not None
        assert [m.key for m in course.modules] == ["m1"]
        assert [(le.key, le.position, le.minutes, le.attempts) for le in course.lessons] == \
            [("l1", 0, 5, 3), ("l2", 1, 5, 3)]
        lesson = course.lessons[0]
        assert reading.read(lesson).content("ru").title == "Урок 1"
        assert next(c for c in lesson.contents if c.lang == "ru").source == lesson_text("l1", "ru", 1)
        assert len(reading.read(lesson).content("tg").pages) == 2
        assert '<div class="exercise" data-exercise="q1"></div>' in reading.read(lesson).content("tg").pages[1]
        assert [(e.key, e.type, e.page) for e in lesson.exercises] == \
            [("q1", "multichoice", 1), ("q2", "truefalse", 1)]
        q1 = lesson.exercises[0]
        assert reading.read(q1.lesson).question(q1, "ru").answers[0].feedback == "Верно"
        assert q1.data["tg"]["html"]["answers"][0]["feedback"] == "Дуруст"
        assert reading.read(q1.lesson).renderer(q1, "tg")("Дуруст", "markdown") == "Дуруст"
        pic = next(m for m in course.media if m.name == "media/pic.svg")
        assert pic.mime == "image/svg+xml" and pic.size == len(SVG)
        assert media.read(pic.sha256) == SVG
        assert pic.url in reading.read(lesson).content("tg").pages[0]


def test_reimport_updates_in_place_retires_and_revives(app, db, course_dir, edit):
    course = _import(app, db, course_dir)
    before = _ids(db, course)
    # change texts, drop lesson l2 and exercise q2 of l1, add a module
    edit(course_dir / "l1.tg.md", "# Дарси 1", "# Дарси якум")
    for lang, text in (("tg", "Об тар аст."), ("ru", "Вода мокрая.")):
        edit(course_dir / f"l1.{lang}.md", f"\n::q2:: {text} {{T}}\n", "\n")
        (course_dir / f"l2.{lang}.md").unlink()
    edit(course_dir / "course.yml", "      - l2\n", "")
    _import(app, db, course_dir)
    with app.app_context():
        after = _ids(db, db.session.get(Course, course.id))
        assert after == before  # same rows, same ids: progress keeps pointing at them
        l2 = db.session.scalar(select(Lesson).where(Lesson.key == "l2"))
        assert l2.retired_at is not None
        q2 = db.session.scalar(select(Exercise).join(Lesson).where(Lesson.key == "l1",
                                                                   Exercise.key == "q2"))
        assert q2.retired_at is not None
        l1 = db.session.scalar(select(Lesson).where(Lesson.key == "l1"))
        assert "Дарси якум" in reading.read(l1).content("tg").pages[0]
        assert l1.retired_at is None
    # bring everything back
    for n, key in ((1, "l1"), (2, "l2")):
        for lang in ("tg", "ru"):
            (course_dir / f"{key}.{lang}.md").write_text(lesson_text(key, lang, n), "utf-8")
    edit(course_dir / "course.yml", "      - l1\n", "      - l1\n      - l2\n")
    _import(app, db, course_dir)
    with app.app_context():
        assert _ids(db, db.session.get(Course, course.id)) == before
        assert db.session.scalar(select(func.count()).select_from(Lesson).where(
            Lesson.retired_at.is_not(None))) == 0
        assert db.session.scalar(select(func.count()).select_from(Exercise).where(
            Exercise.retired_at.is_not(None))) == 0


def test_a_row_referencing_a_lesson_survives_reimport(app, db, course_dir, edit):
    """Stand-in for learner progress: a foreign key to a lesson and an exercise."""
    course = _import(app, db, course_dir)
    with app.app_context():
        lesson = db.session.scalar(select(Lesson).where(Lesson.key == "l1"))
        exercise = lesson.exercises[0]
        ids = (lesson.id, exercise.id)
    edit(course_dir / "l1.ru.md", "Урок 1", "Урок первый")
    _import(app, db, course_dir)
    with app.app_context():
        assert reading.read(db.session.get(Lesson, ids[0])).content("ru").title == "Урок первый"
        assert db.session.get(Exercise, ids[1]).key == "q1"
        assert db.session.get(Course, course.id).slug == "demo"


def test_import_is_all_or_nothing(app, db, tmp_path):
    from .conftest import write_course

    root = tmp_path / "many"
    write_course(root, "aaa")
    bad = write_course(root, "bbb")
    write_course(root, "ccc")
    (bad / "l2.ru.md").write_text(lesson_text("l2", "ru").replace("{T}", "{T"), "utf-8")
    counts = {m: _count(db, m) for m in (Course, Module, Lesson, LessonContent, Exercise,
                                          MediaFile)}
    result = invoke(app, content_cli, ["import", str(root)])
    assert result.exit_code == 1
    assert f"{root}/bbb/l2.ru.md:18: " in result.output
    assert "nothing was imported" in result.output
    assert {m: _count(db, m) for m in counts} == counts


def test_failure_while_writing_rolls_back(app, db, tmp_path, monkeypatch):
    from lms.content import importer

    from .conftest import write_course

    root = tmp_path / "many"
    write_course(root, "aaa")
    write_course(root, "bbb")
    real = importer.update_lesson
    calls = []

    def explode(lesson, item, now=None):
        calls.append(item.key)
        if len(calls) == 3:  # the first lesson of the second course
            raise RuntimeError("disk full")
        return real(lesson, item, now)

    monkeypatch.setattr(importer, "update_lesson", explode)
    result = invoke(app, content_cli, ["import", str(root)])
    assert result.exit_code != 0
    assert _count(db, Course) == 0 and _count(db, Lesson) == 0


def test_export_gives_back_the_same_bytes(app, db, course_dir, tmp_path):
    _import(app, db, course_dir)
    out = tmp_path / "out"
    result = invoke(app, content_cli, ["export", "demo", str(out)])
    assert result.exit_code == 0, result.output
    assert _tree(out / "demo") == _tree(course_dir)
    again = invoke(app, content_cli, ["export", "demo", str(out)])
    assert again.exit_code == 1 and "not empty" in again.output


def _tree(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes()
            for p in sorted(folder.rglob("*")) if p.is_file()}


def _bundled() -> list[Path]:
    if not BUNDLED.is_dir():
        return []
    return [p for p in course_folders(BUNDLED) if (p / "course.yml").is_file()]


@pytest.mark.parametrize("folder", _bundled() or [None], ids=lambda p: p.name if p else "none")
def test_round_trip_of_the_bundled_content(app, db, folder, tmp_path):
    if folder is None:
        pytest.skip("no bundled course yet")
    report = check_path(folder)
    if not report.ok:
        pytest.skip("the course has check errors (tests/test_bundled_courses.py lists them)")
    with app.app_context():
        for source in report.courses:
            import_course(source)
        db.session.flush()
        course = get_course(report.courses[0].slug)
        files = course_files(course)
        target = export_course(course, tmp_path)
    expected = _tree(folder)
    assert sorted(files) == sorted(expected)
    assert _tree(target) == expected


def test_media_is_served_by_hash_with_safe_headers(app, db, client, course_dir):
    _import(app, db, course_dir)
    with app.app_context():
        pic = db.session.scalar(select(MediaFile).where(MediaFile.name == "media/pic.svg"))
        snd = db.session.scalar(select(MediaFile).where(MediaFile.name == "media/snd.ogg"))
        urls = (pic.url, snd.url)
    with client.get(urls[0]) as response:
        assert response.status_code == 200
        assert response.data == SVG
        assert response.headers["Content-Type"].startswith("image/svg+xml")
        assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable"
        assert response.headers["X-Content-Type-Options"] == "nosniff"
        assert response.headers["Content-Security-Policy"] == \
            "default-src 'none'; style-src 'unsafe-inline'"
    with client.get(urls[1]) as response:
        assert response.headers["Content-Type"] == "audio/ogg"
        assert "Content-Security-Policy" not in response.headers or \
            "default-src 'none'" not in response.headers["Content-Security-Policy"]
    assert client.get("/media/" + "0" * 64 + ".png").status_code == 404
    assert client.get("/media/../../etc/passwd").status_code == 404
    assert client.get("/media/not-a-hash").status_code == 404


def test_cli_check_prints_problems_and_exit_code(app, course_dir, edit):
    result = invoke(app, content_cli, ["check", str(course_dir)])
    assert result.exit_code == 0
    assert result.output.strip().splitlines()[-1].startswith("Courses: 1, lessons: 2")
    edit(course_dir / "l1.tg.md", "![Доира]", "![]")
    result = invoke(app, content_cli, ["check", str(course_dir)])
    assert result.exit_code == 1
    assert f"{course_dir}/l1.tg.md:9: picture without alt text" in result.output
