"""What the learner is told on the kiosk: the end of a lesson (score, passed or not yet, what
next), the lock's reason, general feedback only once a question is finished, the on-screen
keyboard from the start (in alphabet order when the course asks), one sign-out."""

import re
import uuid

from sqlalchemy import select

from lms.content.models import Course, Exercise, Lesson
from lms.learn import answers, viewing
from tests.conftest import count_queries, csrf_from
from tests.learn.test_query_budget import READING_PAGE, _real
from tests.learn.test_services import _finish_lesson_one, _option


def _lesson(db, key):
    return db.session.scalar(select(Lesson).where(Lesson.key == key))


def _exercise(db, key):
    return db.session.scalar(select(Exercise).where(Exercise.key == key))


def _post(kiosk, exercise, page_html, **form):
    data = {"csrf_token": csrf_from(page_html), "client_id": uuid.uuid4().hex, "lang": "tg",
            "key": "check", **form}
    return kiosk.post(f"/learn/exercises/{exercise.id}", data=data,
                      headers={"Accept": "application/json"})


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]*>", " ", html))


# ---- general feedback -------------------------------------------------------------------

def test_general_feedback_waits_until_the_question_is_finished(kiosk, db):
    one = _lesson(db, "one")
    html = kiosk.get(f"/learn/lessons/{one.id}?page=2&lang=tg").text
    mc = _exercise(db, "mc")
    general = "А, О, У, И садонокҳоянд."
    wrong = _post(kiosk, mc, html, choice=_option(mc, "Б")).get_json()
    assert wrong["correct"] is False and wrong["tries_left"] == 1
    assert "Не, Б ҳамсадо аст." in wrong["html"] and general not in wrong["html"]
    page = kiosk.get(f"/learn/lessons/{one.id}?page=2&lang=tg").text
    assert "Не, Б ҳамсадо аст." in page and general not in page
    # The last try, wrong again: the question is finished, its general feedback comes.
    last = _post(kiosk, mc, html, choice=_option(mc, "Д")).get_json()
    assert last["tries_left"] == 0 and general in last["html"]
    assert general in kiosk.get(f"/learn/lessons/{one.id}?page=2&lang=tg").text


def test_general_feedback_comes_with_the_right_answer(kiosk, db):
    one = _lesson(db, "one")
    html = kiosk.get(f"/learn/lessons/{one.id}?page=2&lang=tg").text
    mc = _exercise(db, "mc")
    right = _post(kiosk, mc, html, choice=_option(mc, "А")).get_json()
    assert right["correct"] is True and "А, О, У, И садонокҳоянд." in right["html"]


# ---- the end of a lesson ----------------------------------------------------------------

def test_the_last_page_says_not_yet_and_which_exercises_to_try_again(kiosk, db):
    one = _lesson(db, "one")
    kiosk.get(f"/learn/lessons/{one.id}?page=1")
    html = kiosk.get(f"/learn/lessons/{one.id}?page=2&lang=tg").text
    assert 'id="lesson-result"' not in html  # not before the last page
    mc = _exercise(db, "mc")
    _post(kiosk, mc, html, choice=_option(mc, "Б"))
    last = kiosk.get(f"/learn/lessons/{one.id}?page=3&lang=tg").text
    result = last[last.index('id="lesson-result"'):]
    result = result[:result.index("</section>")]
    words = _text(result)
    assert "is-not-yet" in last
    assert "60%" in words  # the pass mark
    # Every graded exercise not right yet is a link to its place, mc on page 2 among them.
    assert f'page=2#ex-{mc.id}' in result
    assert "Кадом ҳарф садонок аст?" in words
    assert f'page=3#ex-{_exercise(db, "short").id}' in result
    essay = _exercise(db, "essay")
    assert f'#ex-{essay.id}' in result  # the reflection still to write
    # The course page agrees: not passed yet, with the score, and the next lesson locked.
    course = kiosk.get(f"/learn/courses/{one.course_id}?lang=en").text
    assert "Not passed yet: 0% of 60%" in course
    assert "status-locked" in course and "Opens when you finish «Дарси якум»." in course


def test_the_last_page_of_a_passed_lesson_leads_to_the_next_one(app, kiosk, db, learner,
                                                                sample_course):
    with app.test_request_context():
        _finish_lesson_one(db, learner, sample_course)
        db.session.commit()
    one, two = _lesson(db, "one"), _lesson(db, "two")
    page = kiosk.get(f"/learn/lessons/{one.id}?page=3&lang=tg").text
    assert "is-passed" in page
    assert f'class="btn btn-primary btn-huge next-lesson" href="/learn/lessons/{two.id}"' in page
    assert "Дарси дуюм" in _text(page[page.index('id="lesson-result"'):])
    assert "100%" in _text(page)
    # The course page says the same: lesson one done with its score, lesson two next and open.
    course = kiosk.get(f"/learn/courses/{one.course_id}?lang=tg").text
    assert f'href="/learn/lessons/{two.id}"' in course and "status-locked" not in course
    assert "100%" in _text(course)


def test_a_lesson_out_of_tries_offers_to_take_it_again(app, kiosk, db, learner, sample_course):
    one = _lesson(db, "one")
    with app.test_request_context():
        for page in range(3):
            viewing.view_page(learner, one, page, "tg", None)
        for key in ("mc", "tf", "multi", "short", "num", "match", "gap"):
            exercise = _exercise(db, key)
            wrong = {"mc": lambda e: _option(e, "Б"), "tf": lambda e: "false",
                     "multi": lambda e: [_option(e, "Б")], "short": lambda e: "об",
                     "num": lambda e: "7", "gap": lambda e: _option(e, "об"),
                     # matching: every left item with the same right one
                     "match": lambda e: {str(i): "0" for i in range(3)}}[key](exercise)
            for n in range(2):
                answers.submit_answer(learner, exercise, wrong, f"{key}-{n}", "tg", None)
        db.session.commit()
    page = kiosk.get(f"/learn/lessons/{one.id}?page=3&lang=tg").text
    result = page[page.index('id="lesson-result"'):]
    assert f'/learn/lessons/{one.id}/retake' in result
    assert "#ex-" not in result.split("</section>")[0].split("retake")[0].replace(
        f'#ex-{_exercise(db, "essay").id}', "")  # no graded exercise left to try


def test_the_result_alone_for_the_kiosk_script(kiosk, db):
    one = _lesson(db, "one")
    assert kiosk.get(f"/learn/lessons/{one.id}?part=result").status_code == 404  # not started
    kiosk.get(f"/learn/lessons/{one.id}?page=1")
    fragment = kiosk.get(f"/learn/lessons/{one.id}?part=result&lang=tg")
    assert fragment.status_code == 200 and 'id="lesson-result"' in fragment.text
    assert "<html" not in fragment.text


# ---- the lock ---------------------------------------------------------------------------

def test_a_locked_lesson_says_which_lesson_opens_it(kiosk, db):
    two = _lesson(db, "two")
    response = kiosk.get(f"/learn/lessons/{two.id}?lang=tg")
    assert response.status_code == 302
    page = kiosk.get(response.headers["Location"]).text
    assert "«Дарси якум»" in page and page.count("«Дарси якум»") >= 2  # the flash and the list


# ---- the on-screen keyboard -------------------------------------------------------------

def _keys(html: str, exercise_id: int) -> list[str]:
    box = html[html.index(f'id="ex-{exercise_id}"'):]
    box = box[:box.index("</section>")]
    return re.findall(r'<button name="key" value="([^"]+)" data-key', box)


def test_the_keyboard_is_on_the_page_from_the_start_with_names_in_the_language(kiosk, db):
    one = _lesson(db, "one")
    short, num = _exercise(db, "short"), _exercise(db, "num")
    html = kiosk.get(f"/learn/lessons/{one.id}?page=3&lang=tg").text
    keys = _keys(html, short.id)
    assert keys[:3] == ["ё", "й", "қ"] and "space" in keys and "back" in keys
    assert _keys(html, num.id)[:10] == list("1234567890")
    assert 'aria-label="Пок кардани ҳарфи охирин"' in html and ">фосила<" in html
    ru = kiosk.get(f"/learn/lessons/{one.id}?page=3&lang=ru").text
    assert 'aria-label="Стереть последнюю букву"' in ru and ">пробел<" in ru
    assert "backspace" not in ru and 'aria-label="space"' not in ru
    assert "hidden" not in ru[ru.index('class="keys"') - 5:ru.index('class="keys"') + 60]


def test_alphabet_order_when_the_course_asks_for_it(kiosk, db, sample_course):
    course = db.session.get(Course, sample_course.id)
    course.settings = {**(course.settings or {}), "kiosk": {"keyboard": "alphabet"}}
    db.session.commit()
    one, short = _lesson(db, "one"), _exercise(db, "short")
    html = kiosk.get(f"/learn/lessons/{one.id}?page=3&lang=tg").text
    letters = [k for k in _keys(html, short.id) if len(k) == 1]
    assert " ".join(letters) == ("а б в г ғ д е ё ж з и ӣ й к қ л м н о п р с т у ӯ ф х ҳ ч ҷ ш"
                                 " ъ э ю я")
    # After an answer sent by the script, the new box keeps the same keyboard.
    body = _post(kiosk, short, html, text="об").get_json()
    assert [k for k in _keys(body["html"], short.id) if len(k) == 1] == letters


# ---- one sign-out -----------------------------------------------------------------------

def test_one_sign_out_with_one_word(kiosk, db):
    for lang, word in (("tg", "Баромадан"), ("ru", "Выйти")):
        home = kiosk.get(f"/learn/?lang={lang}").text
        assert home.count('action="/auth/signout"') == 1 or home.count("signout") >= 1
        assert home.count(word) == 1, lang
    assert "Ман тамом кардам" not in kiosk.get("/learn/?lang=tg").text


# ---- what it costs ----------------------------------------------------------------------

def test_the_result_page_stays_within_its_budget(app, kiosk, db, learner, sample_course):
    """A passed lesson's last page reads the course's lessons with the learner's progress in
    one more statement (the next lesson); a lesson not passed reads the tries it read
    before (to offer a retake), so nothing more."""
    with app.test_request_context():
        _finish_lesson_one(db, learner, sample_course)
        db.session.commit()
    one = _lesson(db, "one").id
    kiosk.get(f"/learn/lessons/{one}?page=3")  # warm: the versions are read once
    db.session.expunge_all()
    with count_queries(db.session.get_bind()) as statements:
        assert "next-lesson" in kiosk.get(f"/learn/lessons/{one}?page=3").text
    statements = _real(statements)
    # The page's exercises cost what they cost before (their rows, tries and latest answers).
    exercises = 3
    nexts = [s for s in statements if re.search(r"lessons\.course_id = (\?|%\(\w+\)s)", s)]
    assert len(nexts) == 1
    assert len(statements) <= READING_PAGE + exercises + 1, "\n".join(statements)
