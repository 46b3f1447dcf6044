"""Server-side grading and the public view of GIFT questions."""

from __future__ import annotations

import json
import unicodedata

import pytest

from lms.content.gift import Question, parse
from lms.content.grading import (
    ResponseError,
    Result,
    grade,
    public_view,
    right_choices,
)


def q_of(text: str) -> Question:
    (question,) = parse(text)
    return question


MC = q_of("::mc:: 2 + 2 = ? {=four#Yes, four ~three#Count again ~%50%IV#Roman, half "
          "~%-50%five#Too many####Add the fingers}")
MR = q_of("::mr:: Vowels? {~%50%А#vowel ~%50%О#vowel too ~%-100%Б#consonant ~В}")
THIRDS = q_of("::t:: {~%33.33333%a ~%33.33333%b ~%33.33333%c ~%-100%d}")
TF = q_of("::tf:: Water is wet {TRUE#It is wet, look#Right####Ask a scientist}")
TF_FALSE = q_of("::tf2:: Sky is green {F}")
SA = q_of("::sa:: Bread? {=нон =%50%нан#Almost: нон =%0%*хлеб*#In Tajik please}")
NUM = q_of("::n:: Grant's year? {# =1822:0#Exact =%50%1822:2#Close ~#Not close}")
PI = q_of("::pi:: Pi? {#3.14:0.01}")
RANGE = q_of("::r:: Between? {#1..5}")
MATCH = q_of("::m:: Match {=Canada -> Ottawa =Italy -> Rome =Japan -> Tokyo = -> Paris}")
ESSAY = q_of("::e:: Tell us {####Thank you}")
DESC = q_of("::d:: Just read.")


# --- multiple choice and multiple answers -----------------------------------------------

@pytest.mark.parametrize("response,fraction,feedback", [
    (0, 1.0, ["Yes, four"]), ("1", 0.0, ["Count again"]), (" 2 ", 0.5, ["Roman, half"]),
    (3, 0.0, ["Too many"]),
])
def test_multichoice(response, fraction, feedback):
    result = grade(MC, response)
    assert result.fraction == fraction
    assert result.correct is (fraction == 1.0)
    assert result.feedback == feedback
    assert result.general_feedback == "Add the fingers"
    assert result.graded and result.correct_answer == "four"


@pytest.mark.parametrize("response", [4, -1, "x", "", None, True, 1.0, [0], "0x1", "٣",
                                      "9" * 50])
def test_multichoice_malformed(response):
    with pytest.raises(ResponseError):
        grade(MC, response)


@pytest.mark.parametrize("response,fraction", [
    ([0, 1], 1.0), (["0"], 0.5), ([0, 1, 2], 0.0), ([2], 0.0), ([], 0.0), ([0, 0, 1], 1.0),
    ([0, 3], 0.5), ((1,), 0.5),
])
def test_multiresponse_sums_and_clamps(response, fraction):
    assert grade(MR, response).fraction == fraction


def test_multiresponse_feedback_and_answer():
    result = grade(MR, [1, 0, 2])
    assert result.feedback == ["vowel", "vowel too", "consonant"]
    assert result.correct_answer == "А; О"


def test_multiresponse_thirds_are_correct():
    result = grade(THIRDS, [0, 1, 2])
    assert result.fraction == 1.0 and result.correct


@pytest.mark.parametrize("response", [0, "0", None, {"a": 1}, [0, 9], [None]])
def test_multiresponse_malformed(response):
    with pytest.raises(ResponseError):
        grade(MR, response)


# --- true/false ----------------------------------------------------------------------------

def test_truefalse():
    assert grade(TF, True).correct and grade(TF, "true").feedback == ["Right"]
    wrong = grade(TF, " FALSE ")
    assert (wrong.fraction, wrong.feedback) == (0.0, ["It is wet, look"])
    assert wrong.general_feedback == "Ask a scientist" and wrong.correct_answer == "true"
    assert grade(TF_FALSE, False).correct and grade(TF_FALSE, "false").fraction == 1.0
    assert grade(TF_FALSE, True).fraction == 0.0
    assert grade(TF_FALSE, True).correct_answer == "false"


@pytest.mark.parametrize("response", [1, 0, "yes", "", None, [True]])
def test_truefalse_malformed(response):
    with pytest.raises(ResponseError):
        grade(TF, response)


# --- short answer --------------------------------------------------------------------------

@pytest.mark.parametrize("response,fraction", [
    ("нон", 1.0), ("  НОН ", 1.0), ("Нон", 1.0), ("нан", 0.5), ("non", 0.0), ("", 0.0),
    ("мой хлеб тут", 0.0), ("хлеб", 0.0),
])
def test_shortanswer(response, fraction):
    assert grade(SA, response).fraction == fraction


def test_shortanswer_feedback_and_best_match():
    assert grade(SA, "нан").feedback == ["Almost: нон"]
    assert grade(SA, "Свежий ХЛЕБ!").feedback == ["In Tajik please"]
    assert grade(SA, "нон").correct_answer == "нон"


def test_shortanswer_whitespace_and_unicode():
    q = q_of("{=нони   гарм}")
    assert grade(q, "  Нони\tГАРМ\n").correct
    tajik = q_of("{=ҳӯҷа ғӣқ}")
    decomposed = unicodedata.normalize("NFD", "ҲӮҶА ҒӢҚ")
    assert decomposed != "ҲӮҶА ҒӢҚ"
    assert grade(tajik, decomposed).correct


def test_shortanswer_wildcards():
    q = q_of(r"{=*ab*c =x\*y =%50%*}")
    assert grade(q, "zzabqqc").fraction == 1.0
    assert grade(q, "abc").fraction == 1.0
    assert grade(q, "x*y").fraction == 1.0
    assert grade(q, "xzy").fraction == 0.5
    assert grade(q, "anything").fraction == 0.5


def test_shortanswer_wildcards_are_fast():
    q = q_of("{=" + "*a" * 30 + "*b}")
    assert grade(q, "a" * 4000).fraction == 0.0


@pytest.mark.parametrize("response", [None, 5, ["нон"], b"non"])
def test_shortanswer_malformed(response):
    with pytest.raises(ResponseError):
        grade(SA, response)


# --- numerical -----------------------------------------------------------------------------

@pytest.mark.parametrize("response,fraction,feedback", [
    ("1822", 1.0, ["Exact"]), (1822, 1.0, ["Exact"]), ("1823", 0.5, ["Close"]),
    ("1820", 0.5, ["Close"]), (1819.5, 0.0, ["Not close"]), (" 1 822 ", 1.0, ["Exact"]),
    ("1822,0", 1.0, ["Exact"]), ("+1822", 1.0, ["Exact"]), ("1.822e3", 1.0, ["Exact"]),
])
def test_numerical(response, fraction, feedback):
    result = grade(NUM, response)
    assert (result.fraction, result.feedback) == (fraction, feedback)


def test_numerical_tolerance_and_comma():
    assert grade(PI, "3,14").correct
    assert grade(PI, "3,15").correct  # exactly at the tolerance
    assert grade(PI, "3.13").correct
    assert not grade(PI, "3.151").correct
    assert grade(PI, 3.14).correct_answer == "3.14 ± 0.01"


def test_numerical_range_and_negative():
    assert [grade(RANGE, x).correct for x in ("0.99", "1", "3", "5", "5.01")] == [
        False, True, True, True, False]
    assert grade(RANGE, 1).correct_answer == "1–5"
    neg = q_of("{#-2.5:0.5}")
    assert grade(neg, "-2,1").correct and grade(neg, "\u22122.9").correct
    assert not grade(neg, "2.5").correct


@pytest.mark.parametrize("response", ["", "abc", "1,2,3", "1.2,3", "inf", "nan", "1e999",
                                      float("nan"), float("inf"), 10 ** 400, None, True,
                                      ["1"], "0x10"])
def test_numerical_malformed(response):
    with pytest.raises(ResponseError):
        grade(NUM, response)


# --- matching ------------------------------------------------------------------------------

def _right_id(q: Question, text: str, seed: int | None) -> int:
    view = public_view(q, shuffle_seed=seed)
    return next(r["id"] for r in view["right"] if r["html"] == text)


@pytest.mark.parametrize("seed", [None, 0, 1, 12345, -7])
def test_matching_with_the_same_seed_maps_back(seed):
    answer = {str(i): _right_id(MATCH, MATCH.answers[i].match, seed) for i in range(3)}
    result = grade(MATCH, answer, shuffle_seed=seed)
    assert result.fraction == 1.0 and result.correct


def test_matching_partial_credit():
    seed = 42
    ids = {text: _right_id(MATCH, text, seed) for text in ("Ottawa", "Rome", "Tokyo",
                                                          "Paris")}
    assert grade(MATCH, {0: ids["Ottawa"], 1: ids["Tokyo"], 2: ids["Rome"]},
                 shuffle_seed=seed).fraction == pytest.approx(1 / 3, abs=1e-6)
    assert grade(MATCH, {0: ids["Ottawa"], 1: ids["Rome"]}, shuffle_seed=seed).fraction == (
        pytest.approx(2 / 3, abs=1e-6))
    assert grade(MATCH, {"0": str(ids["Paris"]), "1": None, "2": ""},
                 shuffle_seed=seed).fraction == 0.0
    assert grade(MATCH, {}, shuffle_seed=seed).correct_answer == (
        "Canada → Ottawa; Italy → Rome; Japan → Tokyo")


def test_matching_same_right_side_twice():
    q = q_of("{=cat -> animal =dog -> animal =rose -> plant}")
    assert len(right_choices(q, 3)) == 2
    animal, plant = (_right_id(q, t, 3) for t in ("animal", "plant"))
    assert grade(q, {0: animal, 1: animal, 2: plant}, shuffle_seed=3).correct


@pytest.mark.parametrize("response", [[0, 1], "0", None, {"9": 0}, {"3": 0}, {"0": 99},
                                      {"x": 0}, {0: True}, {0: [1]}])
def test_matching_malformed(response):
    with pytest.raises(ResponseError):
        grade(MATCH, response, shuffle_seed=1)


# --- essay, description, missing word ----------------------------------------------------

def test_essay_and_description_are_not_graded():
    result = grade(ESSAY, "I would say: keep going.")
    assert result == Result(0.0, False, [], "Thank you", graded=False, correct_answer="")
    with pytest.raises(ResponseError):
        grade(ESSAY, 5)
    assert not grade(DESC, None).graded


def test_missing_word_grades_like_its_type():
    q = q_of("The cat sat on the {=mat#Yes ~hat#No} today.")
    assert q.missing_word and grade(q, 0).correct and grade(q, 1).feedback == ["No"]
    q = q_of("Two and two make {=four =4} apples.")
    assert grade(q, "Four").correct


def test_unknown_type():
    with pytest.raises(ResponseError):
        grade(Question(id="x", type="cloze", text="?"), "a")


# --- the public view ------------------------------------------------------------------------

def _view_json(q: Question, seed: int | None = None) -> str:
    return json.dumps(public_view(q, shuffle_seed=seed), ensure_ascii=False)


def test_public_view_shape():
    view = public_view(MC)
    assert set(view) == {"id", "type", "text_html", "tail_html", "missing_word", "options",
                         "left", "right"}
    assert view["id"] == "mc" and view["type"] == "multichoice"
    assert view["options"] == [{"id": 0, "html": "four"}, {"id": 1, "html": "three"},
                               {"id": 2, "html": "IV"}, {"id": 3, "html": "five"}]
    assert view["text_html"] == "2 + 2 = ?" and view["missing_word"] is False


def test_public_view_uses_render_and_escapes_by_default():
    q = q_of("::x:: <b>Bold</b> {=[html]<i>a</i> ~b} & more")
    assert public_view(q)["text_html"] == "&lt;b&gt;Bold&lt;/b&gt;"
    assert public_view(q)["tail_html"] == "&amp; more"
    calls = []
    view = public_view(q, render=lambda text, fmt: calls.append((text, fmt)) or f"<{fmt}>")
    assert ("<i>a</i>", "html") in calls and view["options"][0]["html"] == "<html>"


ALLOWED_KEYS = {"id", "type", "text_html", "tail_html", "missing_word", "options", "left",
                "right", "html"}


def _keys(data) -> set[str]:
    if isinstance(data, dict):
        return set(data).union(*(_keys(v) for v in data.values()))
    if isinstance(data, list):
        return set().union(*(_keys(v) for v in data))
    return set()


@pytest.mark.parametrize("q", [MC, MR, TF, SA, NUM, PI, RANGE, MATCH, ESSAY, THIRDS])
def test_public_view_never_leaks(q):
    for seed in (None, 7):
        text = _view_json(q, seed)
        assert _keys(json.loads(text)) <= ALLOWED_KEYS
        for word in ("fraction", "feedback", "correct", "weight", "value", "tolerance",
                     "general", "1.0", "0.5", "100", "50"):
            assert word not in text
        for answer in q.answers:
            if answer.feedback:
                assert answer.feedback not in text
            for number in (answer.value, answer.low, answer.high):
                if number is not None:
                    assert str(int(number)) not in text
        if q.general_feedback:
            assert q.general_feedback not in text


def test_public_view_hides_answers_of_typed_questions():
    for q in (SA, NUM, PI, RANGE, TF):
        view = public_view(q)
        assert view["options"] == view["left"] == view["right"] == []
    assert "нон" not in _view_json(SA) and "хлеб" not in _view_json(SA)
    assert "true" not in _view_json(TF).replace('"type": "truefalse"', "")


def test_options_are_shuffled_with_a_seed_but_keep_their_ids():
    orders = {tuple(o["id"] for o in public_view(MC, shuffle_seed=s)["options"])
              for s in range(10)}
    assert len(orders) > 1
    assert all(sorted(order) == [0, 1, 2, 3] for order in orders)
    view = public_view(MC, shuffle_seed=3)
    assert {o["id"]: o["html"] for o in view["options"]} == {
        0: "four", 1: "three", 2: "IV", 3: "five"}


def test_matching_view_does_not_reveal_the_pairing():
    view = public_view(MATCH)
    assert view["left"] == [{"id": 0, "html": "Canada"}, {"id": 1, "html": "Italy"},
                            {"id": 2, "html": "Japan"}]
    assert [r["id"] for r in view["right"]] == [0, 1, 2, 3]
    # without a seed the right side is alphabetical: independent of the pairing
    assert [r["html"] for r in view["right"]] == ["Ottawa", "Paris", "Rome", "Tokyo"]
    swapped = q_of("::m:: Match {=Canada -> Rome =Italy -> Tokyo =Japan -> Ottawa "
                   "= -> Paris}")
    for seed in (None, 1, 2, 99):
        assert public_view(swapped, shuffle_seed=seed)["right"] == public_view(
            MATCH, shuffle_seed=seed)["right"]


def test_matching_view_permutations_differ_by_seed():
    orders = {tuple(r["html"] for r in public_view(MATCH, shuffle_seed=s)["right"])
              for s in range(12)}
    assert len(orders) > 2
    for seed in range(12):
        view = public_view(MATCH, shuffle_seed=seed)
        assert [r["id"] for r in view["right"]] == [0, 1, 2, 3]
        pairing = [_right_id(MATCH, a.match, seed) for a in MATCH.answers[:3]]
        assert pairing != [0, 1, 2] or seed is not None
        assert grade(MATCH, dict(enumerate(pairing)), shuffle_seed=seed).correct


def test_response_error_shape():
    with pytest.raises(ResponseError) as caught:
        grade(MC, 9)
    err = caught.value
    assert isinstance(err, ValueError)
    assert err.message == "there is no option number 9"
    assert err.template % err.params == err.message
