"""The bundled farming course, after the agronomist's review: what a machine can check.

Clean on check, the same exercises in both languages, feedback whatever the learner answers,
no absurd distractors, partial credit (with a hint) for a misspelt short answer, true/false
feedback worded by what the learner chose, spoken labels on record marks, and the household
plot and hired farm work covered.
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import pytest

from lms.content.check import check_path

FARMING = Path(__file__).resolve().parents[2] / "content" / "farming"
ABSURD = {"санг", "намак", "камни", "соль", "камень"}
# What a learner's choice is answered with: «Бале/Да» when the choice was right, «Не/Нет»
# when it was wrong.  Never the words on the buttons («Дуруст», «Нодуруст», «Верно»,
# «Неверно») nor «Ин дуруст аст…» / «Это верно/правда…», which read as the other button.
TF_OPENING = {"tg": ("Бале", "Не"), "ru": ("Да", "Нет")}
RECORD = re.compile(r"!\[([^\]]*)\]\(record:([a-z0-9-]+)\)")


@cache
def report():
    return check_path(FARMING)


def course():
    (only,) = report().courses
    return only


def versions():
    return [(lesson.key, lang, version) for lesson in course().lessons
            for lang, version in sorted(lesson.versions.items())]


def graded():
    return [(key, lang, q) for key, lang, version in versions()
            for q in version.questions if q.graded]


def test_check_finds_no_problem():
    assert report().ok
    assert [str(line) for line in report().lines()] == []


def test_both_languages_have_the_same_exercises():
    for lesson in course().lessons:
        assert set(lesson.versions) == {"tg", "ru"}, lesson.key
        tg, ru = lesson.versions["tg"], lesson.versions["ru"]
        assert [q.id for q in tg.questions] == [q.id for q in ru.questions], lesson.key
        assert [q.signature() for q in tg.questions] == [q.signature() for q in ru.questions]


def test_the_benchmark_lesson_keeps_its_id():
    assert "l01-soil" in [lesson.key for lesson in course().lessons]


def _silent_answers(q):
    """What a learner could answer and get no feedback at all."""
    general = bool(q.general_feedback.strip())
    if q.type in ("multichoice", "truefalse"):
        return [a.text for a in q.answers if not a.feedback.strip()]
    if q.type == "multiresponse":
        return [] if general else [a.text for a in q.answers if not a.feedback.strip()]
    if q.type == "numerical":
        silent = [] if general else [a.text for a in q.answers if not a.feedback.strip()]
        if not general and not any(a.catch_all for a in q.answers):
            silent.append("any other number")
        return silent
    if q.type == "shortanswer":
        silent = [a.text for a in q.answers if a.fraction < 1 and not a.feedback.strip()]
        return silent if general else [*silent, "any other text"]
    if q.type == "matching":
        return [] if general else ["the pairs"]
    return []


def test_every_graded_item_answers_every_answer():
    silent = {f"{key}.{lang}:{q.id}": _silent_answers(q) for key, lang, q in graded()}
    assert {k: v for k, v in silent.items() if v} == {}


def test_no_absurd_distractors():
    wrong = [(key, lang, q.id, a.text) for key, lang, q in graded()
             if q.type in ("multichoice", "multiresponse")
             for a in q.answers if a.fraction <= 0 and a.text.strip().lower() in ABSURD]
    assert wrong == []


def test_misspelt_short_answers_get_partial_credit_with_a_hint():
    short = [(key, lang, q) for key, lang, q in graded() if q.type == "shortanswer"]
    assert len(short) >= 7
    for key, lang, q in short:
        partial = [a for a in q.answers if 0 < a.fraction < 1]
        assert partial, f"{key}.{lang}:{q.id} gives full marks to every spelling"
        for a in partial:
            assert a.feedback.strip(), f"{key}.{lang}:{q.id}: {a.text} without a hint"


@pytest.mark.parametrize("wrong, right", [
    ("хуша", "хӯша"), ("сабзи", "сабзӣ"), ("зардолухо", "зардолуҳо"), ("хисорӣ", "ҳисорӣ"),
    ("ҳисори", "ҳисорӣ"), ("шаходатнома", "шаҳодатнома"), ("томорка", "томорқа")])
def test_tajik_letter_mistakes_are_half_right(wrong, right):
    answers = {a.text: a.fraction for _, lang, q in graded() if lang == "tg"
               and q.type == "shortanswer" for a in q.answers}
    assert answers.get(right) == 1.0
    assert answers.get(wrong) == 0.5


def test_true_false_feedback_says_what_the_learner_did():
    items = [(key, lang, q) for key, lang, q in graded() if q.type == "truefalse"]
    assert len(items) >= 15
    for key, lang, q in items:
        yes, no = TF_OPENING[lang]
        for a in q.answers:
            first = re.split(r"[\s,.!:\\]+", a.feedback.strip(), maxsplit=1)[0]
            expected = yes if a.fraction == 1 else no
            assert first == expected, f"{key}.{lang}:{q.id} ({a.text}): {a.feedback!r}"
            assert not re.match(r"(Ин )?(Но)?дуруст|(Это )?(не)?верно|Это правда|Правильно",
                                a.feedback.strip(), re.I), f"{key}.{lang}:{q.id}"


def test_record_labels_are_only_the_words_to_say():
    marks = [(key, lang, label, name) for key, lang, version in versions()
             for label, name in RECORD.findall(version.text)]
    assert len(marks) >= 16
    for key, lang, label, _name in marks:
        assert label.strip() and not re.search(r"[:«»—()]", label), (key, lang, label)
        assert not re.search(r"калима|слово|слова", label, re.I), (key, lang, label)
        assert re.fullmatch(r"[А-Яа-яЁёҒғӢӣҚқӮӯҲҳҶҷ ,-]+", label), (key, lang, label)
    by_name = {}
    for key, _lang, label, name in marks:
        by_name.setdefault((key, name), set()).add(label)
    assert all(len(labels) == 1 for labels in by_name.values()), by_name


def _text(lang):
    return "\n".join(v.text for _, la, v in versions() if la == lang).lower()


def test_household_plot_and_hired_work_are_covered():
    keys = [lesson.key for lesson in course().lessons]
    assert "l15-household-plot" in keys and "l16-farm-work" in keys
    tg, ru = _text("tg"), _text("ru")
    assert "томорқа" in tg and "мардикор" in tg and "кори мавсимӣ" in tg
    assert "приусадебный участок" in ru and "сезонная работа" in ru


def test_the_accounts_example_counts_labour_market_fees_and_tax():
    lesson = next(le for le in course().lessons if le.key == "l12-accounts")
    for lang, words in {"tg": ("мардикор", "ҳаққи ҷой дар бозор", "андоз"),
                        "ru": ("наёмных работников", "место на базаре", "налог")}.items():
        text = lesson.versions[lang].text
        table = "\n".join(line for line in text.splitlines() if line.startswith("|"))
        for word in words:
            assert word in table, (lang, word)
        rows = re.findall(r"^\| [^|*]+ \| (\d+) \|$", table, re.M)
        total = re.search(r"\| \*\*[^|]+\*\* \| \*\*(\d+)\*\* \|", table)
        assert total and sum(map(int, rows)) == int(total.group(1)), lang


def test_known_language_errors_are_gone():
    tg, ru = _text("tg"), _text("ru")
    for wrong in ("кӯред", "кобед", "ҷӯҷа", "он чи "):
        assert wrong not in tg, wrong
    for wrong in ("горох", "посейте рассаду", "посейте в теплице рассаду", "полите сорняки"):
        assert wrong not in ru, wrong
    assert "нут" in ru
