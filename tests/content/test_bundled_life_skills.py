"""The bundled life-skills course after the rehabilitation practitioner's review: what a
machine can check of it."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import pytest

from lms.content.check import check_path

COURSE_DIR = Path(__file__).resolve().parents[2] / "content" / "life-skills"

# The one honest wording of who can read a reflection, the same on every reflection's page.
PRIVACY = {
    "tg": ("Ҷавоби шуморо омӯзгоратон ва кормандони бахши таълими муассиса дида метавонанд; "
           "маҳбусони дигар онро намебинанд. Агар аз ҷавоб маълум шавад, ки ба худи шумо ё ба каси "
           "дигар хатари зарар ҳаст, омӯзгор вазифадор аст инро ба кормандони масъул хабар диҳад."),
    "ru": ("Ваш ответ могут видеть ваш преподаватель и сотрудники отдела образования учреждения; "
           "другие заключённые его не видят. Если из ответа видно, что вам или другому человеку "
           "грозит вред, преподаватель обязан сообщить об этом ответственным сотрудникам."),
}
# The old promise, too absolute beside prompts about the past.
OLD_PROMISE = re.compile(r"танҳо шумо ва омӯзгоратон|только вы и ваш преподаватель", re.I)
# How true/false feedback starts, by what the learner did: right or wrong, in each language.
TF_START = {"tg": {True: "Бале, ", False: "Не, "}, "ru": {True: "Да, ", False: "Нет, "}}
# "Дуруст"/"Верно" is both a button and the word for "right": feedback must not open with it.
AMBIGUOUS_START = re.compile(r"^\s*(ин\s+)?(дуруст|нодуруст)|^\s*(это\s+)?(верно|неверно)", re.I)
COMMITTEE = re.compile(r"кумита|комитет", re.I)
NEW_TOPICS = ("l15-supervision-and-travel", "l16-old-associates", "l17-complaints-and-legal-aid")
RECORD = re.compile(r"!\[([^\]]*)\]\(record:([a-z0-9-]+)\)")
PAGE_BREAK = re.compile(r"\n\s*\n---[ \t]*\n")


@cache
def report():
    return check_path(COURSE_DIR)


def course():
    (only,) = report().courses
    return only


def versions():
    return [(lesson.key, lang, version) for lesson in course().lessons
            for lang, version in sorted(lesson.versions.items())]


def test_the_course_checks_without_a_problem():
    problems = [str(line) for line in report().lines()]
    assert report().ok, problems
    assert not problems, problems


def test_both_languages_have_the_same_exercise_ids():
    for lesson in course().lessons:
        assert set(lesson.versions) == {"tg", "ru"}, lesson.key
        ids = {lang: [q.id for q in v.questions] for lang, v in lesson.versions.items()}
        assert ids["tg"] == ids["ru"], lesson.key


def test_the_topics_the_review_found_missing_are_lessons():
    keys = [lesson.key for lesson in course().lessons]
    assert set(NEW_TOPICS) <= set(keys)
    # The farewell stays the last lesson of the course.
    assert keys[-1] == "l14-asking-for-help"


def test_no_graded_item_makes_the_committee_the_only_right_answer():
    for key, lang, version in versions():
        for q in version.questions:
            if q.type in ("essay", "description"):
                continue
            right = [a for a in q.answers if a.fraction > 0]
            assert not (right and all(COMMITTEE.search(a.text) for a in right)), (key, lang, q.id)


def test_the_faith_item_accepts_several_sources():
    lesson = next(le for le in course().lessons if le.key == "l14-asking-for-help")
    for lang, version in lesson.versions.items():
        faith = next(q for q in version.questions if q.id == "faith-questions")
        assert sum(1 for a in faith.answers if a.fraction == 1.0) >= 2, lang


def test_the_committee_is_named_in_full():
    text = "\n".join(v.text for _, _, v in versions())
    assert ("Кумитаи оид ба корҳои дин, танзими анъана ва ҷашну маросимҳои миллии назди Ҳукумати "
            "Ҷумҳурии Тоҷикистон") in text
    assert ("Комитет по делам религии, упорядочению национальных традиций, торжеств и обрядов при "
            "Правительстве Республики Таджикистан") in text
    for name in re.findall(r"Кумитаи[^|.]*?Тоҷикистон", text):
        assert "миллии" in name, name


def test_every_reflection_says_honestly_who_reads_it():
    essays = 0
    for key, lang, version in versions():
        assert not OLD_PROMISE.search(version.text), (key, lang)
        essay_ids = [q.id for q in version.questions if q.type == "essay"]
        for page in PAGE_BREAK.split(version.text):
            for qid in essay_ids:
                if f"::{qid}::" in page:
                    essays += 1
                    assert PRIVACY[lang] in page, (key, lang, qid)
    assert essays >= 2 * len(course().lessons)


@pytest.mark.parametrize("lang", ["tg", "ru"])
def test_true_false_feedback_says_what_the_learner_did(lang):
    items = 0
    for key, _, version in (v for v in versions() if v[1] == lang):
        for q in version.questions:
            if q.type != "truefalse":
                continue
            items += 1
            for answer in q.answers:
                right = answer.fraction == 1.0
                where = (key, q.id, answer.text)
                assert not AMBIGUOUS_START.search(answer.feedback), where
                assert answer.feedback.startswith(TF_START[lang][right]), where
    assert items >= 8


def test_the_self_evident_true_false_items_are_scenarios_now():
    ids = {q.id: q.type for _, _, v in versions() for q in v.questions}
    for old in ("violence-tf", "equal-tf", "weak-tf"):
        assert old not in ids
    for new in ("violence-scenario", "equal-scenario", "help-scenario"):
        assert ids[new] == "multichoice"


def test_women_tell_stories_too():
    stories = "\n".join(v.text for key, lang, v in versions() if lang == "tg")
    for name in ("Зарина", "Шаҳло", "Гулнора", "Нигора", "Малика"):
        assert name in stories, name


def test_record_labels_are_the_words_to_say():
    for key, lang, version in versions():
        for label, name in RECORD.findall(version.text):
            where = (key, lang, name)
            assert not re.search(r"гӯш кунед|слушайте|послушайте", label, re.I), where
            assert len(label.split()) >= 20, where
            # The label is what the page says: its first sentence is in the text below it.
            first = label.split(". ")[0]
            assert version.text.replace("*", "").count(first) >= 2, where


def test_tajik_language_fixes():
    text = {key: v.text for key, lang, v in versions() if lang == "tg"}
    assert "пеш аз он ки ӯ моро идора кунад" not in text["l05-anger-body-signals"]
    assert "Бори аввал баъд аз муддати дароз" in text["l03-recruiter-tricks"]
    assert "он чӣ мумкин аст" not in text["l09-responsibility-and-amends"]
    assert "Байни он чи рӯй дод" in text["l06-pause-and-breathing"]
