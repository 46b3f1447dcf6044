"""Placement moves the learner on: the parts they master open the modules those parts cover,
opened modules count as done for the lock, Continue, the totals and the certificate."""

from __future__ import annotations

import textwrap

import pytest
from sqlalchemy import select

from lms.content.models import Course, Exercise, Lesson, Module
from lms.learn import answers, placement, viewing, visibility
from lms.learn.models import Certificate, ModuleOpening, OpenedBy, Status
from tests import factories

COURSE_YML = """\
slug: placed
title:
  tg: Курси ҷойгиркунӣ
  ru: Курс с распределением
category: literacy
icon: letters
level: 1
pass_mark: 60
sequential: true
placement:
  lesson: p
  parts:
    - id: letters
      exercises: [q1, q2]
      modules: [m1]
    - id: words
      exercises: [q3, q4]
      modules: [m2]
modules:
  - id: placement
    title: {tg: Санҷиш, ru: Тест}
    lessons: [p]
  - id: m1
    title: {tg: Ҳарфҳо, ru: Буквы}
    lessons: [a1, a2]
  - id: m2
    title: {tg: Калимаҳо, ru: Слова}
    lessons: [b1]
  - id: m3
    title: {tg: Хондан, ru: Чтение}
    lessons: [c1]
"""

PLACEMENT_TEST = """\
---
id: p
title: Санҷиш
minutes: 10
attempts: 2
pass_mark: 0
placement: true
---

# Санҷиш

```quiz
::q1:: Калимаи «нон» бо кадом ҳарф сар мешавад? {=Н ~А ~О}

::q2:: Калимаи «об» бо кадом ҳарф сар мешавад? {=О ~Н ~А}

::q3:: Калимаи «нон»-ро интихоб кунед. {=нон ~об ~бом}

::q4:: Калимаи «об»-ро интихоб кунед. {=об ~нон ~бом}
```
"""


def _lesson(key: str, minutes: int) -> str:
    return textwrap.dedent(f"""\
        ---
        id: {key}
        title: Дарси {key}
        minutes: {minutes}
        ---

        # Дарси {key}

        Нон ва об.

        ```quiz
        ::x-{key}:: Калимаи «нон» бо кадом ҳарф сар мешавад? {{=Н ~А ~О}}
        ```
        """)


MINUTES = {"a1": 30, "a2": 30, "b1": 60, "c1": 45}


@pytest.fixture
def placed_course(app, db, tmp_path):
    from lms.content.importer import import_course
    from lms.content.loader import load_tree

    root = tmp_path / "placed"
    root.mkdir()
    (root / "course.yml").write_text(COURSE_YML, encoding="utf-8")
    (root / "p.tg.md").write_text(PLACEMENT_TEST, encoding="utf-8")
    for key, minutes in MINUTES.items():
        (root / f"{key}.tg.md").write_text(_lesson(key, minutes), encoding="utf-8")
    with app.test_request_context():
        sources, problems = load_tree(root)
        assert not problems.errors, [str(p) for p in problems.errors]
        import_course(sources[0])
        db.session.commit()
    return db.session.scalar(select(Course).where(Course.slug == "placed"))


def _lesson_of(db, key: str) -> Lesson:
    return db.session.scalar(select(Lesson).where(Lesson.key == key))


def _module(db, key: str) -> Module:
    return db.session.scalar(select(Module).where(Module.key == key))


def _answer(learner, key: str, text: str, n: int = 1):
    exercise = db_exercise(key)
    lesson = exercise.lesson
    answers_ = exercise.data["tg"]["question"]["answers"]
    choice = str(next(i for i, a in enumerate(answers_) if a["text"] == text))
    return answers.submit_answer(learner, exercise, choice, f"{learner.id}-{key}-{n}", "tg",
                                 None, visibility.progress_for(learner, lesson))


def db_exercise(key: str) -> Exercise:
    from lms.extensions import db

    return db.session.scalar(select(Exercise).where(Exercise.key == key))


def _take_test(app, db, learner, *, wrong_first=(), unanswered=()):
    """Answer the placement test: right, or once wrong and then right."""
    right = {"q1": "Н", "q2": "О", "q3": "нон", "q4": "об"}
    with app.test_request_context():
        test = _lesson_of(db, "p")
        viewing.view_page(learner, test, 0, "tg", None)
        for key, text in right.items():
            if key in unanswered:
                continue
            if key in wrong_first:
                _answer(learner, key, "А" if key in ("q1", "q2") else "бом", 1)
            _answer(learner, key, text, 2)
        db.session.commit()


def _finish(app, db, learner, key: str):
    with app.test_request_context():
        viewing.view_page(learner, _lesson_of(db, key), 0, "tg", None)
        _answer(learner, f"x-{key}", "Н")
        db.session.commit()


def _opened(db, learner) -> dict[str, ModuleOpening]:
    return {o.module.key: o for o in db.session.scalars(
        select(ModuleOpening).where(ModuleOpening.user_id == learner.id))}


def test_a_mastered_part_opens_its_modules_and_a_missed_one_does_not(app, db, placed_course,
                                                                     learner):
    _take_test(app, db, learner, wrong_first=("q3",))
    opened = _opened(db, learner)
    assert set(opened) == {"m1"}
    assert opened["m1"].why is OpenedBy.PLACEMENT and opened["m1"].opened_by_id is None
    test = _lesson_of(db, "p")
    results = {r.key: r for r in placement.part_results(
        placed_course, test, placement.first_try_right(learner, test, 1))}
    assert results["letters"].mastered and (results["letters"].right_first,
                                            results["letters"].exercises) == (2, 2)
    assert not results["words"].mastered and results["words"].right_first == 1


def test_an_unanswered_exercise_is_not_mastered(app, db, placed_course, learner):
    _take_test(app, db, learner, unanswered=("q2",))
    assert set(_opened(db, learner)) == {"m2"}


def test_opened_modules_unlock_and_continue_goes_past_them(app, db, placed_course, learner):
    _take_test(app, db, learner)  # both parts mastered: m1 and m2 open
    progress = visibility.progress_by_lesson(learner, [placed_course.id])
    assert progress.opened == {_module(db, "m1").id, _module(db, "m2").id}
    for key in ("a1", "a2", "b1", "c1"):
        assert not visibility.is_locked(_lesson_of(db, key), progress), key
    assert visibility.lesson_status(_lesson_of(db, "a2"), progress) == "done"
    assert visibility.next_lesson(placed_course, progress).key == "c1"
    assert visibility.continue_target(learner) == (_lesson_of(db, "c1"), 0)
    assert visibility.course_totals(learner)[placed_course.id] == (3, 4)


def test_without_placement_the_lock_holds(app, db, placed_course, learner):
    _take_test(app, db, learner, wrong_first=("q1", "q3"))
    assert _opened(db, learner) == {}
    progress = visibility.progress_by_lesson(learner, [placed_course.id])
    assert not visibility.is_locked(_lesson_of(db, "a1"), progress)
    assert visibility.is_locked(_lesson_of(db, "a2"), progress)
    assert visibility.continue_target(learner) == (_lesson_of(db, "a1"), 0)


def test_a_placed_learner_finishes_the_course_with_the_hours_they_did(app, db, placed_course,
                                                                      learner):
    _take_test(app, db, learner, wrong_first=("q3",))  # m1 opened
    for key in ("b1", "c1"):
        _finish(app, db, learner, key)
    certificate = db.session.scalar(select(Certificate).where(Certificate.user_id == learner.id))
    assert certificate is not None
    assert certificate.hours == 2.0  # b1 and c1: 105 minutes, not the 165 of the whole course
    progress = visibility.progress_by_lesson(learner, [placed_course.id])
    assert progress[_lesson_of(db, "c1").id].status is Status.DONE
    assert _lesson_of(db, "a1").id not in progress  # opened, never taken: no invented progress
    assert visibility.continue_target(learner) is None


def test_placement_alone_earns_no_certificate(app, db, placed_course, learner):
    with app.test_request_context():
        placement.open_module(factories.staff("o1"), learner, _module(db, "m3"))
        db.session.commit()
    _take_test(app, db, learner)  # m1, m2 by placement, m3 by an officer: every lesson opened
    assert db.session.scalar(select(Certificate).where(Certificate.user_id == learner.id)) is None
    assert visibility.course_totals(learner)[placed_course.id] == (4, 4)
    _finish(app, db, learner, "c1")  # doing any lesson then completes the course
    certificate = db.session.scalar(select(Certificate).where(Certificate.user_id == learner.id))
    assert certificate is not None and certificate.hours == 1.0


def test_an_officer_opens_and_closes_a_module(app, db, placed_course, learner):
    officer = factories.staff("o1")
    m1 = _module(db, "m1")
    opened = placement.open_module(officer, learner, m1)
    assert opened.why is OpenedBy.OFFICER and opened.opened_by_id == officer.id
    assert placement.open_module(officer, learner, m1) is None  # open already
    progress = visibility.progress_by_lesson(learner, [placed_course.id])
    assert not visibility.is_locked(_lesson_of(db, "b1"), progress)
    assert placement.close_module(learner, m1) is opened
    progress = visibility.progress_by_lesson(learner, [placed_course.id])
    assert visibility.is_locked(_lesson_of(db, "a2"), progress)
    assert placement.close_module(learner, m1) is None


def test_the_kiosk_continues_and_shows_the_next_lesson_past_the_opened_modules(
        app, db, placed_course, learner, kiosk):
    _take_test(app, db, learner)
    c1 = _lesson_of(db, "c1")
    response = kiosk.get("/learn/continue")
    assert response.status_code == 302
    assert response.headers["Location"].endswith(f"/learn/lessons/{c1.id}?page=1")
    page = kiosk.get(f"/learn/courses/{placed_course.id}").text
    assert f'href="/learn/lessons/{c1.id}"' in page  # the course's next lesson
    a2 = _lesson_of(db, "a2")
    assert kiosk.get(f"/learn/lessons/{a2.id}").status_code == 200  # opened: not locked


def test_the_last_page_of_the_test_says_what_it_decided(app, db, placed_course, learner, kiosk):
    """Not «Lesson passed!» for a test with no pass mark: which modules the learner may skip,
    which questions are still unanswered, and the way on."""
    _take_test(app, db, learner, wrong_first=("q3",), unanswered=("q4",))
    test = _lesson_of(db, "p")
    page = kiosk.get(f"/learn/lessons/{test.id}?page=1").text
    result = page.split('id="lesson-result"', 1)[1].split("</section>", 1)[0]
    assert "Санҷиш тамом шуд" in result and "Дарсро гузаштед" not in result
    assert "Инҳоро аллакай медонед ва метавонед нахонда гузаред:" in result
    skipped = result.split("result-skipped", 1)[1].split("</ul>", 1)[0]
    assert "Ҳарфҳо" in skipped and "Калимаҳо" not in skipped  # m1 mastered, m2 not
    q4 = db_exercise("q4")
    assert "Ба инҳо ҳам ҷавоб диҳед" in result and f"#ex-{q4.id}" in result
    assert f"#ex-{db_exercise('q3').id}" not in result  # answered, though not at first
    b1 = _lesson_of(db, "b1")
    assert f'href="/learn/lessons/{b1.id}"' in result  # the first lesson not skipped


def test_a_test_with_nothing_mastered_says_start_at_the_beginning(app, db, placed_course,
                                                                  learner, kiosk):
    _take_test(app, db, learner, wrong_first=("q1", "q3"))
    test = _lesson_of(db, "p")
    result = kiosk.get(f"/learn/lessons/{test.id}?page=1").text.split(
        'id="lesson-result"', 1)[1].split("</section>", 1)[0]
    assert "Курсро аз аввал сар кунед" in result and "result-skipped" not in result
    assert "Ба инҳо ҳам ҷавоб диҳед" not in result
    a1 = _lesson_of(db, "a1")
    assert f'href="/learn/lessons/{a1.id}"' in result
