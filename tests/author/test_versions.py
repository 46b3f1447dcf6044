"""A learner in the middle of a lesson keeps the version they started while a new one is
published; they move to the newest when they finish or start again."""

from __future__ import annotations

from sqlalchemy import select

from lms.author import drafts, publishing
from lms.content import reading
from lms.content.models import Lesson, LessonSnapshot
from lms.learn.models import LessonProgress, Status
from lms.staff.models import CourseStaff
from tests.conftest import Auth, csrf_from

EXTRA = "\n\n::extra:: Оё? {T}\n```"


def _new_version(app, db, course, lecturer, admin) -> None:
    """Page 2 reworded, a true/false exercise added to it, a third page, pass mark 0."""
    with app.test_request_context():
        db.session.add(CourseStaff(course_id=course.id, user_id=lecturer.id, role="owner"))
        texts = drafts.sync(course)
        for lang, page in (("tg", "Саҳифаи дуюм."), ("ru", "Вторая страница.")):
            text = texts[f"one.{lang}.md"].text
            assert page in text
            text = text.replace(page, page.replace(".", "!"), 1).replace("attempts: 2",
                                                                         "attempts: 2\npass_mark: 0")
            head, quiz, rest = text.partition("```quiz")
            block, fence, tail = rest.partition("\n```")
            text = head + quiz + block + EXTRA + tail.rstrip("\n") + "\n\n---\n\nПоён.\n"
            drafts.save(course, f"one.{lang}.md", text, lecturer)
        publishing.publish(publishing.submit(course, lecturer), admin)
        db.session.commit()


def test_learner_keeps_the_version_they_started(app, db, kiosk, client, sample_course,
                                                lecturer, admin, learner, terminal_cookie):
    lesson = sample_course.lessons[0]
    assert lesson.key == "one" and lesson.version == 1
    first = client.get(f"/learn/lessons/{lesson.id}?page=1")
    assert first.status_code == 200
    _new_version(app, db, sample_course, lecturer, admin)
    db.session.refresh(lesson)
    assert lesson.version == 2
    assert db.session.scalar(select(LessonSnapshot.id).where(
        LessonSnapshot.lesson_id == lesson.id, LessonSnapshot.version == 1))

    # The learner who started reads version 1: the old words, no new exercise, three pages.
    page = client.get(f"/learn/lessons/{lesson.id}?page=2").text
    assert "Саҳифаи дуюм." in page and "Саҳифаи дуюм!" not in page
    assert page.count('class="exercise-box') == 3
    assert 'aria-valuemax="3"' in page

    # Someone starting now reads version 2.
    other = Auth(app.test_client(), app)
    other.learner("1002", terminal_cookie=terminal_cookie("F1", "Second kiosk"))
    fresh = other.client.get(f"/learn/lessons/{lesson.id}?page=2").text
    assert "Саҳифаи дуюм!" in fresh and fresh.count('class="exercise-box') == 4
    assert 'aria-valuemax="4"' in fresh

    # Having written the reflection and seen every page of version 1 (the pass mark is now 0),
    # the first learner is done: from then on they read the newest version.
    last = client.get(f"/learn/lessons/{lesson.id}?page=3").text
    essay = next(e for e in lesson.exercises if e.key == "essay")
    client.post(f"/learn/exercises/{essay.id}", data={
        "text": "Барои хондани китоб.", "client_id": "essay-1", "lang": "tg", "key": "check",
        "csrf_token": csrf_from(last)})
    mine = db.session.scalar(select(LessonProgress).where(
        LessonProgress.user_id == learner.id, LessonProgress.lesson_id == lesson.id))
    assert mine.status is Status.DONE and mine.lesson_version == 2
    again = client.get(f"/learn/lessons/{lesson.id}?page=2").text
    assert "Саҳифаи дуюм!" in again and 'aria-valuemax="4"' in again


def test_starting_again_moves_to_the_newest_version(app, db, kiosk, client, sample_course,
                                                    lecturer, admin, learner):
    lesson = sample_course.lessons[0]
    page = client.get(f"/learn/lessons/{lesson.id}?page=1").text
    _new_version(app, db, sample_course, lecturer, admin)
    assert "Саҳифаи дуюм." in client.get(f"/learn/lessons/{lesson.id}?page=2").text
    client.post(f"/learn/lessons/{lesson.id}/retake", data={"csrf_token": csrf_from(page)})
    mine = db.session.scalar(select(LessonProgress).where(
        LessonProgress.user_id == learner.id, LessonProgress.lesson_id == lesson.id))
    assert mine.lesson_version == 2 and mine.pages_seen == [] or mine.pages_seen == [0]
    assert "Саҳифаи дуюм!" in client.get(f"/learn/lessons/{lesson.id}?page=2").text


def test_score_counts_only_the_started_versions_exercises(app, db, kiosk, client,
                                                           sample_course, lecturer, admin,
                                                           learner):
    from lms.learn import visibility

    lesson = sample_course.lessons[0]
    client.get(f"/learn/lessons/{lesson.id}?page=1")
    _new_version(app, db, sample_course, lecturer, admin)
    lesson = db.session.get(Lesson, lesson.id)
    progress = visibility.progress_by_lesson(learner, [lesson.course_id])
    started = visibility.reading_of(lesson, progress[lesson.id])  # version 1, as the kiosk reads
    keys = [e.key for e in started.exercises()]
    assert len(keys) == 8 and "extra" not in keys
    assert len(started.content("tg").pages) == 3
    assert started.question(lesson.exercises[0], "tg").text == "Кадом ҳарф садонок аст?"
    newest = reading.read(lesson)
    assert "extra" in [e.key for e in newest.exercises()]
    assert len(newest.content("tg").pages) == 4


def test_an_exercise_removed_later_stays_for_who_started(app, db, kiosk, client, sample_course,
                                                         lecturer, admin):
    """Version 2 drops the true/false question; a learner on version 1 still sees and answers
    it, and is sent back to the right page of their version."""
    lesson = sample_course.lessons[0]
    assert client.get(f"/learn/lessons/{lesson.id}?page=1").status_code == 200
    with app.test_request_context():
        db.session.add(CourseStaff(course_id=sample_course.id, user_id=lecturer.id, role="owner"))
        texts = drafts.sync(sample_course)
        for lang in ("tg", "ru"):
            text = texts[f"one.{lang}.md"].text
            start = text.index("::tf::")
            end = text.index("\n\n", start)
            drafts.save(sample_course, f"one.{lang}.md", text[:start] + text[end + 2:], lecturer)
        publishing.publish(publishing.submit(sample_course, lecturer), admin)
        db.session.commit()
    tf = next(e for e in lesson.exercises if e.key == "tf")
    assert tf.retired_at is not None  # gone for everyone who starts now
    page = client.get(f"/learn/lessons/{lesson.id}?page=2&lang=tg").text
    assert f'id="ex-{tf.id}"' in page
    response = client.post(f"/learn/exercises/{tf.id}", data={
        "csrf_token": csrf_from(page), "client_id": "v1-tf", "choice": "true", "lang": "tg"})
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"page=2#ex-{tf.id}")
