"""Course and question analysis: funnel, right first time, wrong answers, discrimination."""

import re

import pytest
from sqlalchemy import select

from lms.accounts.models import User
from lms.learn import answers, viewing
from lms.review import analysis
from lms.staff.filters import Filters
from lms.staff.models import CourseStaff
from tests.review.conftest import TEXTS, learner_by_number, option, work_through


@pytest.fixture
def answered(app, db, world, sample_course):
    """Four learners on lesson one: two strong, two who never find the answer to "mc"."""
    one = sample_course.lessons[0]
    mc = next(e for e in one.exercises if e.key == "mc")
    with app.test_request_context():
        for number in ("1001", "1002"):
            work_through(learner_by_number(db, number), one)
        for number in ("1003", "1004"):
            weak = learner_by_number(db, number)
            viewing.view_page(weak, one, 0, "tg", None)
            for n, text in enumerate(("Б", "Д")):
                answers.submit_answer(weak, mc, option(mc, text), f"mc-{weak.id}-{n}", "tg", None)
            answers.submit_answer(weak, next(e for e in one.exercises if e.key == "essay"),
                                TEXTS["essay"], f"essay-{weak.id}", "tg", None)
        db.session.commit()
    return mc


def test_question_statistics(app, db, answered, sample_course):
    officer = db.session.scalar(select(User).where(User.username == "officer"))
    with app.test_request_context():
        result = analysis.analyse(officer, sample_course, Filters(officer.facility_id), "tg")
    funnel = {row.lesson.key: row for row in result.funnel}
    assert (funnel["one"].started, funnel["one"].done) == (4, 2)
    assert (funnel["two"].started, funnel["two"].done) == (0, 0)
    stats = {s.exercise.key: s for _lesson, rows in result.exercises for s in rows}
    mc = stats["mc"]
    assert (mc.answered, mc.first_right, mc.share_right) == (4, 2, 0.5)
    assert sorted(mc.wrong) == [("Б", 2), ("Д", 2)]
    assert mc.discrimination == 1.0 and mc.group_size == 1
    assert stats["tf"].discrimination is None  # only the strong ones answered it
    assert "essay" not in stats  # reflections never appear


def test_analysis_page_hides_reflections(staff, client, answered, sample_course):
    staff("officer")
    page = client.get(f"/review/courses/{sample_course.id}").text
    assert "Кадом ҳарф садонок аст?" in page and "+1.00" in page
    assert TEXTS["essay"] not in page and "Чаро шумо хондан мехоҳед" not in page
    assert re.search(r"<li>Б — 2</li>", page)


def test_lecturers_see_only_their_courses(staff, client, db, answered, sample_course):
    staff("lecturer")
    assert client.get(f"/review/courses/{sample_course.id}").status_code == 404
    lecturer = db.session.scalar(select(User).where(User.username == "lecturer"))
    db.session.add(CourseStaff(course_id=sample_course.id, user_id=lecturer.id, role="owner"))
    db.session.commit()
    assert "Курси намуна" in client.get("/review/courses").text
    page = client.get(f"/review/courses/{sample_course.id}").text
    assert "Кадом ҳарф садонок аст?" in page and TEXTS["essay"] not in page
    assert client.get("/review/learners/1").status_code == 403
