"""Published lesson versions are read once per process and never confused with another's."""

from datetime import timedelta

from lms.content import reading, versions
from lms.content.models import LessonSnapshot
from tests.conftest import count_queries


def test_a_version_is_read_once_then_served_from_memory(app, db, sample_course):
    versions.clear()
    lesson = sample_course.lessons[0]
    with count_queries(db.session.get_bind()) as seen:
        first = versions.get(db.session, lesson.id, lesson.version, lesson.created_at)
        second = versions.get(db.session, lesson.id, lesson.version, lesson.created_at)
    assert first is second
    assert len([s for s in seen if "lesson_snapshots" in s]) == 1
    assert first.contents["tg"].pages == next(c for c in lesson.contents if c.lang == "tg").pages
    key = next(iter(first.exercises))
    assert first.question(key, "tg") is first.question(key, "tg")


def test_a_lesson_row_made_again_with_the_same_id_is_not_served_the_old_pages(
        app, db, sample_course):
    versions.clear()
    lesson = sample_course.lessons[0]
    old = versions.get(db.session, lesson.id, lesson.version, lesson.created_at)
    snapshot = db.session.query(LessonSnapshot).filter_by(
        lesson_id=lesson.id, version=lesson.version).one()
    snapshot.contents = {"tg": {"title": "Нав", "pages": ["<p>нав</p>"]}}
    db.session.flush()
    # Same id and version, but another row (as after a restore): its own creation time.
    again = versions.get(db.session, lesson.id, lesson.version,
                         lesson.created_at + timedelta(seconds=1))
    assert again is not old and again.contents["tg"].pages == ["<p>нав</p>"]


def test_a_lesson_never_published_has_no_version(app, db, sample_course):
    lesson = sample_course.lessons[0]
    assert versions.get(db.session, lesson.id, lesson.version + 1, lesson.created_at) is None


def test_the_exercises_of_a_version_are_known_without_loading_them(app, db, sample_course):
    """What a kiosk request needs to know of a lesson's exercises (which count, of what type)
    comes from the version: their ids are read once per process, their rows not at all."""
    versions.clear()
    lesson = sample_course.lessons[0]
    expected = {e.id: e.type for e in reading.read(lesson).exercises()}
    db.session.expire(lesson, ["exercises"])
    with count_queries(db.session.get_bind()) as seen:
        first = reading.read(lesson, lesson.version).exercise_kinds()
        again = reading.read(lesson, lesson.version).exercise_kinds()
    assert first == expected and again is first
    assert len([s for s in seen if "FROM exercises" in s]) == 1  # the ids, once
    assert "exercises" not in lesson.__dict__  # the rows were not loaded
