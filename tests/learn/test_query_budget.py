"""How many SQL statements a kiosk request costs: the pages every learner hits all day must not
creep back to reading what they already hold (counts, not timings: see bench/load.py)."""

import uuid

from sqlalchemy import select

from lms.content.models import Exercise, Lesson
from tests.conftest import count_queries, csrf_from

# Statements per request once the published lesson version is in the process's cache.
# A page: kiosk session with learner and terminal, lesson with course and the learner's progress
# in it, the event, the progress update; a lesson with tries left to lose also reads the tries
# (its exercises are known from the version).
READING_PAGE = 5
# A wrong answer: kiosk session, exercise with lesson, course and progress, the tries and best
# answers of the round, then the answer, its event and the progress (savepoints not counted).
ANSWER = 6


def _real(statements: list[str]) -> list[str]:
    """Leave out the savepoints the test's own transaction adds around each request."""
    return [s for s in statements
            if not s.lstrip().upper().startswith(("SAVEPOINT", "RELEASE", "ROLLBACK"))]


def test_a_reading_page_and_an_answer_stay_within_their_budget(kiosk, db):
    one = db.session.scalar(select(Lesson.id).where(Lesson.key == "one"))
    exercise = db.session.scalar(select(Exercise).where(Exercise.key == "short"))
    exercise_id, lesson_id = exercise.id, exercise.lesson_id
    page = exercise.data["tg"]["page"] + 1
    kiosk.get(f"/learn/lessons/{one}?page=1")  # warm: the version is read once
    db.session.expunge_all()  # as in production, each request starts with an empty session
    with count_queries(db.session.get_bind()) as statements:
        assert kiosk.get(f"/learn/lessons/{one}?page=1").status_code == 200
    statements = _real(statements)
    assert len(statements) <= READING_PAGE, "\n".join(statements)

    token = kiosk.get(f"/learn/lessons/{lesson_id}?page={page}").text
    form = {"csrf_token": csrf_from(token), "client_id": uuid.uuid4().hex, "text": "об",
            "lang": "tg", "key": "check"}
    db.session.expunge_all()
    with count_queries(db.session.get_bind()) as statements:
        response = kiosk.post(f"/learn/exercises/{exercise_id}", data=form,
                              headers={"Accept": "application/json"})
    assert response.status_code == 200, response.text
    statements = _real(statements)
    assert len(statements) <= ANSWER, "\n".join(statements)
