"""Clips: made when a course is imported, kept while the text stays, replaced by people's
recordings, stopped by the course's switch, missing (never failing) without an engine, and
heard beside every text, prompt, choice and feedback on the kiosk."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from sqlalchemy import func, select

from lms.content.importer import import_course
from lms.content.loader import load_tree
from lms.content.models import Course, Lesson
from lms.speech import SpeechUnavailable, cache, clips
from tests import factories
from tests.conftest import SAMPLE_COURSE

_REAL: dict[str, bytes] = {}


def real_clip() -> bytes:
    """One real Ogg/Opus clip, made once, that the fake voice hands back for every text."""
    if "a" not in _REAL:
        from lms.speech.voice import speak

        try:
            _REAL["a"] = speak("Салом", "tg")
        except SpeechUnavailable as exc:  # pragma: no cover  (no engine here)
            pytest.skip(str(exc))
    return _REAL["a"]


@pytest.fixture
def voice(app, monkeypatch):
    """The machine voice on for imports, answering with a real clip; ``voice.said`` lists
    what it was asked to say."""
    data = real_clip()
    said: list[tuple[str, str]] = []

    def fake_speak(text: str, lang: str) -> bytes:
        said.append((text, lang))
        return data

    monkeypatch.setitem(app.config, "MACHINE_CLIPS", True)
    monkeypatch.setattr("lms.speech.speak", fake_speak)
    cache.forget()
    fake_speak.said = said
    yield fake_speak
    cache.forget()


def course_copy(tmp_path: Path) -> Path:
    target = tmp_path / "sample-course"
    shutil.copytree(SAMPLE_COURSE, target)
    return target


def import_from(app, folder: Path, db) -> Course:
    with app.app_context():
        sources, problems = load_tree(folder)
        assert not problems.errors, [str(p) for p in problems.errors]
        course = import_course(sources[0])
        clips.after_import(course)
        db.session.commit()
    return course


def run(app, fn, *args, **kwargs):
    """A service call in an app context of its own (requests push theirs: none stays)."""
    from lms.extensions import db

    with app.app_context():
        result = fn(*args, **kwargs)
        db.session.commit()
        return result


def machine_clips(db) -> int:
    return db.session.scalar(select(func.count()).select_from(clips.Clip).where(
        clips.Clip.source == clips.MACHINE, clips.Clip.sha256.is_not(None)))


# -- marks ---------------------------------------------------------------------------------

def test_every_block_of_a_page_gets_a_mark_once():
    from lms.content.markdown import render_markdown

    html = render_markdown("# Салом\n\nИн *китоб* аст.\n\n- як\n- ду\n\n| а |\n|---|\n| 1 |\n\n"
                           "::: say\nГӯш кунед.\n:::\n\n![Ҳарфи А](record:harf-a)\n")
    marked = clips.mark_page(html)
    assert clips.say_markers(marked) == ["Салом", "Ин китоб аст.", "як", "ду", "а", "1",
                                         "Гӯш кунед.", "Ҳарфи А"]
    assert clips.mark_page(marked) == marked
    assert clips.spoken_text(marked) == clips.spoken_text(html)


# -- making clips --------------------------------------------------------------------------

def test_import_makes_a_clip_of_every_text_and_not_again_when_unchanged(app, db, voice,
                                                                        tmp_path):
    folder = course_copy(tmp_path)
    course = import_from(app, folder, db)
    rows = run(app, clips.status, course)
    assert rows and all(row.source == clips.MACHINE for row in rows), [
        (r.text, r.reason) for r in rows if r.source != clips.MACHINE]
    texts = {(r.text, r.lang) for r in rows}
    # paragraphs, headings, prompts, choices, matching items, feedback, in both languages
    for wanted in ["Ин саҳифаи якум аст. Ҳарфи А", "Ҳарфи А а", "Кадом ҳарф садонок аст?",
                   "Бале, А садонок аст.", "А, О, У, И садонокҳоянд.", "Курси намуна"]:
        assert (wanted, "tg") in texts
    assert {lang for _t, lang in texts} == {"tg", "ru"}
    assert all(row.clip.duration > 0 for row in rows)
    made = len(voice.said)
    assert made >= len(rows)  # the course's texts and the kiosk's own words

    voice.said.clear()
    import_from(app, folder, db)
    assert voice.said == []


def test_a_changed_text_gets_a_new_clip(app, db, voice, tmp_path):
    folder = course_copy(tmp_path)
    import_from(app, folder, db)
    voice.said.clear()
    lesson = folder / "one.tg.md"
    lesson.write_text(lesson.read_text().replace("Саҳифаи дуюм.", "Саҳифаи дуюми нав."))
    import_from(app, folder, db)
    assert voice.said == [("Саҳифаи дуюми нав.", "tg")]


def test_a_new_voice_version_makes_the_clips_again(app, db, voice, tmp_path, monkeypatch):
    course = import_from(app, course_copy(tmp_path), db)
    texts = {(row.text, row.lang) for row in run(app, clips.status, course)}
    voice.said.clear()
    monkeypatch.setattr("lms.speech.VOICE_VERSION", 99)
    run(app, clips.make_for_course, course)
    assert sorted(voice.said) == sorted(texts)
    voice.said.clear()
    run(app, clips.make_for_course, course)
    assert voice.said == []


def test_a_human_recording_replaces_the_machine_clip(app, db, voice, tmp_path, client,
                                                     kiosk_learner):
    folder = course_copy(tmp_path)
    import_from(app, folder, db)
    (folder / "media" / "sahifa.ogg").write_bytes(real_clip() + b"")
    lesson = folder / "one.tg.md"
    lesson.write_text(lesson.read_text().replace(
        "Саҳифаи дуюм.", "Саҳифаи дуюм.\n\n![Саҳифаи дуюм.](media/sahifa.ogg)"))
    course = import_from(app, folder, db)
    row = next(r for r in run(app, clips.status, course) if r.text == "Саҳифаи дуюм." and r.lang == "tg")
    assert row.source == clips.HUMAN
    lesson_id = db.session.scalar(select(Lesson.id).where(Lesson.key == "one"))
    page = kiosk_learner().get(f"/learn/lessons/{lesson_id}?page=2").text
    assert f'src="{row.clip.url}"' in page and 'data-source="human"' in page


def test_the_course_switch_stops_the_machine_voice_at_once(app, db, voice, tmp_path,
                                                           kiosk_learner):
    course = import_from(app, course_copy(tmp_path), db)
    lesson_id = db.session.scalar(select(Lesson.id).where(Lesson.key == "one"))
    client = kiosk_learner()
    assert 'class="speaker"' in client.get(f"/learn/lessons/{lesson_id}").text
    course.settings = {**course.settings, "kiosk": {**course.settings["kiosk"],
                                                     "machine_voice": {"tg": False, "ru": True}}}
    db.session.commit()
    cache.forget()
    page = client.get(f"/learn/lessons/{lesson_id}").text
    body = page.split('class="page-body"', 1)[1].split("</article>", 1)[0]
    assert 'data-source="machine"' not in body
    rows = [r for r in run(app, clips.status, course) if r.lang == "tg"]
    assert rows and all(not r.source and "хомӯш" in r.reason for r in rows)  # "turned off"
    voice.said.clear()
    run(app, clips.make_for_course, course)
    assert not [lang for _t, lang in voice.said if lang == "tg"]


def test_without_an_engine_the_import_succeeds_and_the_check_lists_the_missing(
        app, db, voice, tmp_path, monkeypatch, runner):
    monkeypatch.setattr("lms.speech.available",
                        lambda: (False, "eSpeak NG is not installed (test)"))
    course = import_from(app, course_copy(tmp_path), db)
    assert course.id and voice.said == []
    rows = run(app, clips.status, course)
    assert rows and all(r.reason == "eSpeak NG is not installed (test)" for r in rows)
    result = runner.invoke(args=["lms", "content", "clips", "sample", "--missing"])
    assert result.exit_code == 1, result.output
    assert "eSpeak NG is not installed (test)" in result.output
    assert "0 аз одам, 0 аз мошин" in result.output  # "0 human, 0 machine"


def test_a_failing_voice_leaves_the_clip_missing_with_its_reason(app, db, voice, tmp_path,
                                                                 monkeypatch):
    def broken(text, lang):
        raise SpeechUnavailable("eSpeak NG crashed (test)")

    monkeypatch.setattr("lms.speech.speak", broken)
    course = import_from(app, course_copy(tmp_path), db)
    assert {r.reason for r in run(app, clips.status, course)} == {"eSpeak NG crashed (test)"}


# -- the kiosk -----------------------------------------------------------------------------

@pytest.fixture
def kiosk_learner(app, db, auth, client):
    def sign_in(lang: str = "tg"):
        learner = factories.learner()
        if lang != "tg":
            learner.locale = lang
        db.session.commit()
        auth.learner(learner.learner_number,
                     terminal_cookie=factories.terminal_cookie(app, learner.facility))
        return client

    return sign_in


SPEAKER = re.compile(r'<span class="speaker" data-source="(?:human|machine)"(?: data-autoplay)?>'
                     r'<audio controls preload="none" src="(/clips/[0-9a-f]{64}\.ogg)"')


def test_every_text_block_prompt_and_choice_has_a_sound(app, db, voice, tmp_path,
                                                        kiosk_learner):
    import_from(app, course_copy(tmp_path), db)
    client = kiosk_learner()
    lesson = db.session.scalar(select(Lesson).where(Lesson.key == "one"))
    urls = set()
    for number in range(1, len(lesson.contents[0].pages) + 1):
        page = client.get(f"/learn/lessons/{lesson.id}?page={number}").text
        body = page.split('class="page-body"', 1)[1].split("</article>", 1)[0]
        assert 'class="speak"' not in body  # every mark became a speaker
        for block in re.findall(r"<(?:p|h[1-6]|li|td|th|figcaption)>(.*?)</", body, re.S):
            if re.sub(r"<[^>]+>", "", block).strip():
                assert SPEAKER.search(block), block
        for question in re.findall(r'<div class="question"[^>]*>(.*?)</div>', body, re.S):
            assert SPEAKER.search(question), question
        for choice in re.findall(r'<label class="choice[^"]*">(.*?)</label>', body, re.S):
            assert SPEAKER.search(choice), choice
        for left in re.findall(r'class="left">.*?</label>(.*?)<select', body, re.S):
            assert SPEAKER.search(left), left
        urls |= set(SPEAKER.findall(page))
    assert urls
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200
        assert response.mimetype == "audio/ogg"
        assert "immutable" in response.headers["Cache-Control"]
        assert clips.duration_of(response.data) > 0


def test_feedback_is_heard_after_an_answer(app, db, voice, tmp_path, kiosk_learner):
    from lms.content.models import Exercise
    from tests.conftest import csrf_from

    import_from(app, course_copy(tmp_path), db)
    client = kiosk_learner()
    exercise = db.session.scalar(select(Exercise).where(Exercise.key == "mc"))
    page = client.get(f"/learn/lessons/{exercise.lesson_id}?page=2").text
    wrong = next(i for i, a in enumerate(exercise.data["tg"]["question"]["answers"])
                 if a["text"] == "Б")
    response = client.post(f"/learn/exercises/{exercise.id}", data={
        "csrf_token": csrf_from(page), "client_id": "c" * 32, "choice": str(wrong),
        "lang": "tg"}, follow_redirects=True)
    feedback = response.text.split('class="feedback"', 1)[1].split("</section>", 1)[0]
    assert SPEAKER.search(feedback.split("Не, Б ҳамсадо аст.", 1)[0])


def test_a_say_box_plays_once_when_the_course_says_so(app, db, voice, tmp_path, kiosk_learner):
    folder = course_copy(tmp_path)
    lesson = folder / "one.tg.md"
    lesson.write_text(lesson.read_text().replace(
        "# Ҳарфи А а\n", "# Ҳарфи А а\n\n::: say\nГӯш кунед ва такрор кунед.\n:::\n"))
    import_from(app, folder, db)
    lesson_id = db.session.scalar(select(Lesson.id).where(Lesson.key == "one"))
    page = kiosk_learner().get(f"/learn/lessons/{lesson_id}").text
    assert "data-say-instruction" in page  # a literacy course: on by default
    assert page.count("data-autoplay") == 1


def test_kiosk_words_are_heard_in_the_learners_language(app, db, voice, tmp_path,
                                                        kiosk_learner):
    import_from(app, course_copy(tmp_path), db)
    page = kiosk_learner("ru").get("/learn/").text
    said = {text for text, lang in voice.said if lang == "ru"}
    assert "Пробный курс" in said
    assert len(SPEAKER.findall(page)) >= 2  # the course's name and "I'm finished"


def test_the_course_page_speaks_its_modules_lessons_and_way_on(app, db, voice, tmp_path,
                                                                kiosk_learner):
    """A learner who cannot read picks a lesson by ear: the course's name and description,
    each module's and each lesson's title, Start and Home, all found in one query."""
    from tests.conftest import count_queries

    course = import_from(app, course_copy(tmp_path), db)
    client = kiosk_learner()
    said = {text for text, lang in voice.said if lang == "tg"}
    assert {"Қисми якум", "Курси хурд барои санҷиш."} <= said  # made at import
    cache.forget()
    with count_queries(db.session.get_bind()) as statements:
        page = client.get(f"/learn/courses/{course.id}").text
    clip_queries = [s for s in statements if "FROM clips" in s]
    assert len(clip_queries) == 1, clip_queries
    module = page.split('<section class="module">', 1)[1].split("</section>", 1)[0]
    assert SPEAKER.search(module.split("<h2>", 1)[1].split("</h2>", 1)[0])
    items = re.findall(r'<li class="lesson-item[^"]*">(.*?)</li>', module, re.S)
    assert len(items) == 2
    for item in items:
        speaker = SPEAKER.search(item)  # beside the link, not inside it
        assert speaker and speaker.start() > item.index('class="status"'), item
    assert SPEAKER.search(page.split('class="lead">', 1)[1].split("</p>", 1)[0])
    assert SPEAKER.search(page.split('class="crumbs">', 1)[1].split("</nav>", 1)[0])  # Home
    urls = SPEAKER.findall(page)  # the fake voice says every text with the same clip
    assert len(urls) >= 7  # name, description, Start, Home, module, two lessons
    assert all(client.get(url).status_code == 200 for url in set(urls))


def test_a_refusal_is_heard_too(app, db, voice, tmp_path, kiosk_learner):
    """"Choose an answer first" and the lock's message come with their sound, on the page
    (no JavaScript) and in the kiosk script's answer."""
    from lms.content.models import Exercise
    from tests.conftest import csrf_from

    import_from(app, course_copy(tmp_path), db)
    client = kiosk_learner()
    exercise = db.session.scalar(select(Exercise).where(Exercise.key == "mc"))
    page = client.get(f"/learn/lessons/{exercise.lesson_id}?page=2").text
    refused = client.post(f"/learn/exercises/{exercise.id}", data={
        "csrf_token": csrf_from(page), "client_id": "d" * 32, "lang": "tg"},
        headers={"Accept": "application/json"})
    assert refused.status_code == 400
    body = refused.get_json()
    assert body["error"] and SPEAKER.search(body["speaker"])
    two = db.session.scalar(select(Lesson).where(Lesson.key == "two"))
    shown = client.get(f"/learn/lessons/{two.id}", follow_redirects=True).text
    flash = shown.split('class="flashes"', 1)[1].split("</div>", 1)[0]
    assert "flash-error" in flash and SPEAKER.search(flash), flash


# -- the studio ----------------------------------------------------------------------------

def test_the_studio_says_which_sounds_are_human_machine_or_missing(app, db, voice, tmp_path,
                                                                   auth, client):
    from lms.accounts.models import Role
    from lms.author.library import is_letter_or_syllable

    folder = course_copy(tmp_path)
    (folder / "media" / "sahifa.ogg").write_bytes(real_clip())
    lesson = folder / "one.tg.md"
    lesson.write_text(lesson.read_text().replace(
        "Саҳифаи дуюм.", "Саҳифаи дуюм.\n\n![Саҳифаи дуюм.](media/sahifa.ogg)"))
    course = import_from(app, folder, db)
    factories.staff("boss", Role.ADMIN)
    db.session.commit()
    auth.staff("boss")
    page = client.get(f"/author/courses/{course.id}/recordings").text
    table = page.split('class="data clips"', 1)[1]
    rows = re.findall(r'<tr class="clip-(\w+)" lang="(\w+)">\s*<td>«(.*?)»', table)
    assert rows, table[:500]
    sources = [source for source, _lang, _text in rows]
    assert "human" in sources and "machine" in sources
    # a literacy course: its machine-voiced letters and syllables come first
    first = [text for source, _lang, text in rows if source == "machine"]
    assert is_letter_or_syllable(rows[0][2]) and rows[0][0] == "machine", rows[:3]
    assert sources.index("human") > len([t for t in first if is_letter_or_syllable(t)]) - 1
    assert "Одам сабт кардааст" in page and "Овози мошинӣ" in page  # person, machine
    lesson_page = client.get(f"/author/courses/{course.id}/lessons/one").text
    assert "Хонандагон чӣ мешунаванд" in lesson_page and 'class="clip-human"' in lesson_page


def test_the_studio_gives_the_reason_a_sound_is_missing(app, db, voice, tmp_path, auth, client,
                                                        monkeypatch):
    from lms.accounts.models import Role

    monkeypatch.setattr("lms.speech.available", lambda: (False, "eSpeak NG is not installed"))
    course = import_from(app, course_copy(tmp_path), db)
    factories.staff("boss", Role.ADMIN)
    db.session.commit()
    auth.staff("boss")
    page = client.get(f"/author/courses/{course.id}/recordings").text
    assert page.count("eSpeak NG is not installed") > 10
    assert 'class="clip-missing"' in page


def test_a_quiz_read_prompt_is_not_spoken_but_its_choices_are():
    entry = {"reading": True, "html": {"text": "<p>Хонед: нон</p>", "tail": "",
                                        "general_feedback": "Офарин!",
                                        "answers": [{"text": "нон", "feedback": "", "match": ""}]}}
    assert clips.exercise_texts(entry) == ["Офарин!", "нон"]
    assert clips.exercise_texts({**entry, "reading": False})[0] == "Хонед: нон"


def test_a_picture_answer_says_its_name_unless_the_word_is_to_be_read():
    """"Hear the word, tap its picture": each picture card says what it shows. "Read the word,
    tap its picture": the cards stay silent, or the learner could match by ear."""
    picture = '<img src="/media/x.svg" alt="анор">'
    entry = {"html": {"text": "Кадом расм бо ҳарфи А сар мешавад?",
                      "answers": [{"text": picture, "feedback": "Бале!"}]}}
    assert "анор" in clips.exercise_texts(entry)
    assert "анор" not in clips.exercise_texts({**entry, "reading": True})
    assert clips.spoken_text(picture) == "анор"
    assert clips.spoken_text(picture, pictures=False) == ""
    assert clips.spoken_text('<strong>нон</strong> ' + picture) == "нон"  # words come first
