"""The learner's pages through the client: home, course, lesson, answering without JS."""

import json
import re

from sqlalchemy import select

from lms.content.models import Exercise, Lesson
from lms.learn.models import Attempt
from tests.conftest import Auth, csrf_from


def _lesson(db, key):
    return db.session.scalar(select(Lesson).where(Lesson.key == key))


def _exercise(db, key):
    return db.session.scalar(select(Exercise).where(Exercise.key == key))


def test_home_shows_courses_and_continue(kiosk, db):
    page = kiosk.get("/learn/?lang=ru").text
    assert "Пробный курс" in page
    one = _lesson(db, "one")
    kiosk.get(f"/learn/lessons/{one.id}?page=2")
    page = kiosk.get("/learn/").text
    assert "/learn/continue" in page
    response = kiosk.get("/learn/continue")
    assert response.headers["Location"].endswith(f"/learn/lessons/{one.id}?page=2")


def test_course_page_shows_statuses(kiosk, db, sample_course):
    page = kiosk.get(f"/learn/courses/{sample_course.id}?lang=tg").text
    assert "status-not_started" in page and "status-locked" in page


def test_locked_lesson_redirects(kiosk, db):
    two = _lesson(db, "two")
    response = kiosk.get(f"/learn/lessons/{two.id}")
    assert response.status_code == 302


def test_correct_answers_never_in_the_page(kiosk, db, sample_course):
    one = _lesson(db, "one")
    for page in (2, 3):
        html = kiosk.get(f"/learn/lessons/{one.id}?page={page}&lang=tg").text
        for secret in ("Бале, А садонок аст", "Дуруст!", "fraction", "%50%", "=нон",
                       "correct", "А, О, У, И садонокҳоянд"):
            assert secret not in html, secret
        # The number answer (35) is in no text and no value; ids in links may well be 35.
        assert not re.search(r"\b35\b", re.sub(r"<[^>]*>", " ", html))
        assert not re.search(r"""value=["']35["']""", html)
        assert 'name="client_id"' in html


def test_answer_without_javascript_shows_feedback(kiosk, db):
    one = _lesson(db, "one")
    html = kiosk.get(f"/learn/lessons/{one.id}?page=2&lang=tg").text
    mc = _exercise(db, "mc")
    form = re.search(rf'action="/learn/exercises/{mc.id}".*?</form>', html, re.S).group(0)
    client_id = re.search(r'name="client_id" value="([0-9a-f]+)"', form).group(1)
    wrong = str(next(i for i, a in enumerate(mc.data["tg"]["question"]["answers"])
                     if a["text"] == "Б"))
    data = {"csrf_token": csrf_from(html), "client_id": client_id, "choice": wrong,
            "lang": "tg", "key": "check"}
    response = kiosk.post(f"/learn/exercises/{mc.id}", data=data)
    assert response.status_code == 302
    kiosk.post(f"/learn/exercises/{mc.id}", data=data)  # a double tap
    page = kiosk.get(response.headers["Location"]).text
    assert "Не, Б ҳамсадо аст." in page  # the answer's feedback
    # Not yet right with a try left: the general feedback waits until the question is finished.
    assert "А, О, У, И садонокҳоянд." not in page
    assert db.session.scalar(select(Attempt).where(Attempt.exercise_id == mc.id)) is not None
    assert len(db.session.scalars(select(Attempt).where(Attempt.exercise_id == mc.id)).all()) == 1


def test_answer_with_javascript_gets_json(kiosk, db):
    one = _lesson(db, "one")
    html = kiosk.get(f"/learn/lessons/{one.id}?page=3&lang=ru").text
    num = _exercise(db, "num")
    response = kiosk.post(f"/learn/exercises/{num.id}", data={
        "csrf_token": csrf_from(html), "client_id": "js-1", "text": "35", "lang": "ru"},
        headers={"Accept": "application/json"})
    assert response.status_code == 200
    body = response.get_json()
    assert body["correct"] is True and "html" in body
    json.dumps(body)


def test_no_javascript_keyboard_types_letters(kiosk, db):
    one = _lesson(db, "one")
    html = kiosk.get(f"/learn/lessons/{one.id}?page=3&lang=tg").text
    short = _exercise(db, "short")
    assert 'value="ғ"' in html and 'value="ҷ"' in html  # the Tajik keyboard
    response = kiosk.post(f"/learn/exercises/{short.id}", data={
        "csrf_token": csrf_from(html), "client_id": "k", "text": "но", "key": "н", "lang": "tg"})
    assert response.status_code == 200
    assert 'value="нон"' in response.text
    assert not db.session.scalars(select(Attempt).where(Attempt.exercise_id == short.id)).all()


def test_learner_sees_only_own_answers(app, kiosk, db, terminal_cookie):
    one = _lesson(db, "one")
    html = kiosk.get(f"/learn/lessons/{one.id}?page=3&lang=tg").text
    essay = _exercise(db, "essay")
    kiosk.post(f"/learn/exercises/{essay.id}", data={
        "csrf_token": csrf_from(html), "client_id": "e1", "text": "Сирри ман", "lang": "tg",
        "key": "check"})
    assert "Сирри ман" in kiosk.get(f"/learn/lessons/{one.id}?page=3").text
    other = app.test_client()
    Auth(other, app).learner("1002", terminal_cookie=terminal_cookie("F1", "Other"))
    page = other.get(f"/learn/lessons/{one.id}?page=3").text
    assert "Сирри ман" not in page
    assert other.get("/learn/certificates").status_code == 200


def test_staff_cannot_use_learner_pages(auth, client, world, sample_course):
    auth.staff("officer")
    assert client.get("/learn/").status_code == 403
