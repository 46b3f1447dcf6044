"""The learner's rules, called directly: answering once, scoring, completing, certificates."""

import pytest
from sqlalchemy import func, select

from lms.content import reading
from lms.content.models import Exercise, Lesson
from lms.learn import answers, viewing, visibility
from lms.learn import tries as learn_tries
from lms.learn.models import Attempt, Certificate, Event, Status


def _exercise(db, course, key):
    return db.session.scalar(select(Exercise).join(Lesson).where(
        Lesson.course_id == course.id, Exercise.key == key))


def _lesson(course, key):
    return next(lesson for lesson in course.lessons if lesson.key == key)


def _option(exercise, text, lang="tg"):
    answers = exercise.data[lang]["question"]["answers"]
    return str(next(i for i, a in enumerate(answers) if a["text"] == text))


def test_double_submission_counts_once(app, db, learner, sample_course):
    with app.test_request_context():
        mc = _exercise(db, sample_course, "mc")
        first = answers.submit_answer(learner, mc, _option(mc, "Б"), "client-1", "tg", None)
        again = answers.submit_answer(learner, mc, _option(mc, "Б"), "client-1", "tg", None)
        db.session.commit()
    assert not first.repeated and again.repeated
    assert again.attempt.id == first.attempt.id
    count = db.session.scalar(select(func.count()).select_from(Attempt).where(
        Attempt.user_id == learner.id))
    answered = db.session.scalar(select(func.count()).select_from(Event).where(
        Event.user_id == learner.id, Event.verb == "answered"))
    assert count == 1 and answered == 1


def test_a_repeated_answer_is_replayed_even_when_a_new_one_would_be_refused(
        app, db, learner, sample_course):
    """The right answer (or the last try) sent again, say after a lost response, gets its
    first outcome back, not "done" or "no tries"."""
    with app.test_request_context():
        mc = _exercise(db, sample_course, "mc")
        right = answers.submit_answer(learner, mc, _option(mc, "А"), "right", "tg", None)
        again = answers.submit_answer(learner, mc, _option(mc, "А"), "right", "tg", None)
        assert again.repeated and again.attempt.id == right.attempt.id
        assert again.result.correct and again.tries.count == 1

        short = _exercise(db, sample_course, "short")  # two tries in this lesson
        tries = [answers.submit_answer(learner, short, "об", f"s{i}", "tg", None) for i in range(2)]
        assert tries[-1].tries_left == 0
        last = answers.submit_answer(learner, short, "об", "s1", "tg", None)
        assert last.repeated and last.attempt.id == tries[-1].attempt.id and last.tries_left == 0


def test_the_lesson_score_is_the_mean_of_the_best_answers(app, db, learner, sample_course):
    with app.test_request_context():
        mc = _exercise(db, sample_course, "mc")
        lesson = mc.lesson
        answers.submit_answer(learner, mc, _option(mc, "Б"), "w", "tg", None)
        answers.submit_answer(learner, mc, _option(mc, "А"), "r", "tg", None)
        mine = visibility.progress_for(learner, lesson)[lesson.id]
        graded = [e for e in reading.read(lesson).exercises() if e.graded]
        assert len(graded) > 1  # the other graded exercises count as 0 until answered
        ids = learn_tries.graded_ids(reading.read(lesson).exercise_kinds())
        best = learn_tries.score(ids, learn_tries.tries(learner, ids, 1, with_last=False))
        assert mine.score == best == 1 / len(graded)


def test_tries_are_limited_by_the_lesson(app, db, learner, sample_course):
    with app.test_request_context():
        mc = _exercise(db, sample_course, "mc")
        wrong = _option(mc, "Б")
        assert answers.submit_answer(learner, mc, wrong, "a", "tg", None).tries_left == 1
        assert answers.submit_answer(learner, mc, wrong, "b", "tg", None).tries_left == 0
        try:
            answers.submit_answer(learner, mc, _option(mc, "А"), "c", "tg", None)
        except visibility.LearnError as error:
            assert error.code == "no_tries"
        else:
            raise AssertionError("a third try was accepted")


def test_tries_sum_up_the_round_without_loading_every_answer(app, db, learner, sample_course):
    with app.test_request_context():
        mc = _exercise(db, sample_course, "mc")
        mc.lesson.attempts = 0  # unlimited: answers pile up
        wrong = _option(mc, "Б")
        outcomes = [answers.submit_answer(learner, mc, wrong, f"c{i}", "tg", None)
                    for i in range(6)]
        assert [o.tries.count for o in outcomes] == [1, 2, 3, 4, 5, 6]
        summary = learn_tries.tries(learner, [mc.id], 1)[mc.id]
        assert summary.count == 6 and not summary.correct
        assert summary.last.id == outcomes[-1].attempt.id
        replay = answers.submit_answer(learner, mc, wrong, "c2", "tg", None)
        assert replay.repeated and replay.tries.count == 3
        assert replay.tries.last.id == outcomes[2].attempt.id
        right = answers.submit_answer(learner, mc, _option(mc, "А"), "c7", "tg", None)
        assert right.tries.correct and learn_tries.tries(learner, [mc.id], 1)[mc.id].correct
        assert learn_tries.tries(learner, [mc.id], 2) == {}


def test_no_answer_after_a_right_one(app, db, learner, sample_course):
    with app.test_request_context():
        mc = _exercise(db, sample_course, "mc")
        assert answers.submit_answer(learner, mc, _option(mc, "А"), "a", "tg", None).attempt.correct
        try:
            answers.submit_answer(learner, mc, _option(mc, "Б"), "b", "tg", None)
        except visibility.LearnError as error:
            assert error.code == "done"
        else:
            raise AssertionError("answered twice")


def test_sequential_course_locks_the_second_lesson(app, db, learner, sample_course):
    two = _lesson(sample_course, "two")
    try:
        viewing.view_page(learner, two, 0, "tg", None)
    except visibility.LearnError as error:
        assert error.code == "locked"
    else:
        raise AssertionError("a locked lesson opened")


def _finish_lesson_one(db, learner, course):
    one = _lesson(course, "one")
    for page in range(3):
        viewing.view_page(learner, one, page, "tg", None)
    makers = {
        "mc": lambda e: _option(e, "А"), "tf": lambda e: "true",
        "multi": lambda e: [_option(e, "А"), _option(e, "О")],
        "short": lambda e: "  НОН ", "num": lambda e: "35",
        "gap": lambda e: _option(e, "нон"), "essay": lambda e: "Барои писарам.",
    }
    for key, make in makers.items():
        exercise = _exercise(db, course, key)
        outcome = answers.submit_answer(learner, exercise, make(exercise), f"c-{key}", "tg", None)
        assert outcome.attempt.correct or key == "essay", key
    match = _exercise(db, course, "match")
    from lms.content import grading

    view = grading.public_view(reading.read(match.lesson).question(match, "tg"), shuffle_seed=learn_tries.shuffle_seed(learner, match))
    # Work out the right pairing the way a learner would: by the texts shown.
    rights = {r["html"]: r["id"] for r in view["right"]}
    pairs = {str(left["id"]): str(rights[left["html"].lower()]) for left in view["left"]}
    assert answers.submit_answer(learner, match, pairs, "c-match", "tg", None).attempt.correct
    return one


def test_lesson_then_course_completion_issues_a_certificate(app, db, learner, sample_course):
    with app.test_request_context():
        one = _finish_lesson_one(db, learner, sample_course)
        progress = visibility.progress_by_lesson(learner)
        assert progress[one.id].status is Status.DONE
        assert progress[one.id].score == 1.0
        two = _lesson(sample_course, "two")
        viewing.view_page(learner, two, 0, "ru", None)
        b1 = _exercise(db, sample_course, "b1")
        outcome = answers.submit_answer(learner, b1, _option(b1, "Б", "ru"), "c-b1", "ru", None)
        db.session.commit()
    assert outcome.certificate is not None
    cert = db.session.scalar(select(Certificate).where(Certificate.user_id == learner.id))
    assert cert.learner_name == learner.full_name and len(cert.code) == 9
    assert cert.hours == 0.5  # 15 minutes of lessons, to the half hour
    verbs = db.session.scalars(select(Event.verb).where(Event.user_id == learner.id)).all()
    assert verbs.count("completed") == 3  # two lessons and the course


def test_continue_resumes_the_exact_page(app, db, learner, sample_course):
    one = _lesson(sample_course, "one")
    viewing.view_page(learner, one, 1, "tg", None)
    assert visibility.continue_target(learner) == (one, 1)


def test_time_on_task_caps_idle_gaps(app, db, learner, sample_course):
    from datetime import timedelta

    from lms import clock
    from lms.learn.events import time_on_task

    one = _lesson(sample_course, "one")
    viewing.view_page(learner, one, 0, "tg", None)
    clock.advance(timedelta(minutes=2))
    viewing.view_page(learner, one, 1, "tg", None)
    clock.advance(timedelta(hours=3))  # went away
    viewing.view_page(learner, one, 2, "tg", None)
    db.session.flush()
    assert time_on_task(learner.id)[one.id] == pytest.approx(120 + 300, abs=1)


def test_continue_goes_to_the_next_lesson_once_one_is_passed(app, db, learner, sample_course):
    """Finishing a lesson leaves no unfinished one: Continue goes on to the next lesson of the
    course (not "choose a course"), and nowhere once the course is complete."""
    from lms.learn.models import LessonProgress

    one, two = (lesson for lesson in sample_course.lessons if lesson.active)
    with app.test_request_context():
        viewing.view_page(learner, one, 0, "tg", None)
        mine = visibility.progress_for(learner, one)[one.id]
        mine.status = Status.DONE
        db.session.flush()
        assert visibility.continue_target(learner) == (two, 0)
        db.session.add(LessonProgress(user_id=learner.id, lesson_id=two.id,
                                      course_id=two.course_id, status=Status.DONE))
        db.session.flush()
        assert visibility.continue_target(learner) is None
