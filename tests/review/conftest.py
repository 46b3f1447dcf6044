"""Fixtures for the officers' pages: the sample course and learners who work through it."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from lms.accounts.models import User
from lms.content import grading, reading
from lms.content.models import Exercise, Lesson
from lms.learn import answers, viewing
from lms.learn import tries as learn_tries

RIGHT = {"mc": "А", "gap": "нон", "b1": "Б"}
WRONG = {"mc": "Б", "b1": "В", "gap": "об", "tf": "false", "num": "7", "short": "об"}
TEXTS = {"tf": "true", "short": "нон", "num": "35", "essay": "Сирри ман: барои писарам."}


def learner_by_number(db, number: str) -> User:
    return db.session.scalar(select(User).where(User.learner_number == number))


def option(exercise: Exercise, text: str, lang: str = "tg") -> str:
    answers = exercise.data[lang]["question"]["answers"]
    return str(next(i for i, a in enumerate(answers) if a["text"] == text))


def right_answer(learner: User, exercise: Exercise):
    if exercise.key in RIGHT:
        return option(exercise, RIGHT[exercise.key])
    if exercise.key == "multi":
        return [option(exercise, "А"), option(exercise, "О")]
    if exercise.key == "match":
        view = grading.public_view(reading.read(exercise.lesson).question(exercise, "tg"),
                                   shuffle_seed=learn_tries.shuffle_seed(learner, exercise))
        rights = {r["html"]: r["id"] for r in view["right"]}
        return {str(left["id"]): str(rights[left["html"].lower()]) for left in view["left"]}
    return TEXTS[exercise.key]


def work_through(learner: User, lesson: Lesson, *, wrong_first: tuple[str, ...] = (),
                 terminal_id: int | None = None) -> None:
    """View every page of ``lesson`` and answer every exercise (right, or once wrong first)."""
    for page in range(3):
        viewing.view_page(learner, lesson, page, "tg", terminal_id)
    for exercise in lesson.exercises:
        if exercise.key in wrong_first:
            wrong = WRONG[exercise.key]
            if exercise.key in RIGHT:  # a choice: its number
                wrong = option(exercise, wrong)
            answers.submit_answer(learner, exercise, wrong, f"w-{learner.id}-{exercise.id}", "tg",
                                terminal_id)
        answers.submit_answer(learner, exercise, right_answer(learner, exercise),
                            f"r-{learner.id}-{exercise.id}", "tg", terminal_id)


@pytest.fixture
def complete_course(app, db, sample_course):
    """A factory: learner ``number`` works through the whole sample course."""

    def run(number: str, wrong_first: tuple[str, ...] = (), terminal_id: int | None = None):
        learner = learner_by_number(db, number)
        with app.test_request_context():
            for lesson in sample_course.lessons:
                work_through(learner, lesson, wrong_first=wrong_first, terminal_id=terminal_id)
            db.session.commit()
        return learner

    return run


@pytest.fixture
def staff(auth, client):
    """Sign in a staff member with pages in English (the wording the tests look for)."""

    def sign_in(username: str):
        auth.staff(username)
        client.get("/review/certificates/verify?lang=en")
        return client

    return sign_in
