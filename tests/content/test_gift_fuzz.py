"""Property tests: the GIFT parser only ever raises GiftError, what it reads it writes back
unchanged, and grading only ever raises ResponseError."""

from __future__ import annotations

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lms.content.gift import FORMATS, Answer, GiftError, Question, dump, parse, parse_all
from lms.content.gift_answers import number_text
from lms.content.grading import ResponseError, grade, public_view

FAST = settings(max_examples=250, deadline=None,
                suppress_health_check=[HealthCheck.too_slow])
GENERATED = settings(FAST, max_examples=200)

CORPUS = [
    "::q1:: 2 + 2 = ? {=4#Yes ~3#No ~5}",
    "::q2:: Pick the vowels {~%50%А ~%50%О ~%-100%Б}",
    "::q3:: Water boils {TRUE#wrong#right####general}",
    "::q4:: Write the word: {=нон =Нон =%50%нан#close}",
    "::q5:: How many? {#35}\n\n::q5b:: Pi {#3.14:0.01}\n\n::q5c:: {#1..5}",
    "::q5d:: Grant {# =1822:0 =%50%1822:2 ~#other}",
    "::q6:: Match {=А -> анор =Б -> бобо =В -> вақт}",
    "::q7:: The cat sat on the {=mat ~hat} today.",
    "::q8:: What would you tell your younger self? {}",
    "// comment\n$CATEGORY: a/b\n\n::q9:: Description with a\\: colon",
    "::q10:: [html]<b>Multi</b>\nline {\n  =one\n  ~[plain]two#[html]<i>fb</i>\n  ####gf\n}",
    "::q11:: {true}",
    "::q12:: {~%33.33333%a ~%33.33333%b ~%33.33333%c ~%-100%ғ}",
    r"::q13:: Escapes \= \# \{ \} \~ \: \\ \n {=a\=b#c\#d ~e\~f}",
    "::q14:: {=*хлеб* =%50%нон#қариб}",
    "::q15:: {=a -> b -> c =d -> e = -> f####общий}",
]
GIFTISH = st.text(alphabet=st.sampled_from(list("{}~=#:\\%->[] \n\tTFRUEabcйқӯ*.0159/$")),
                  max_size=80)
RESPONSES = st.recursive(
    st.none() | st.booleans() | st.integers(min_value=-(10 ** 30), max_value=10 ** 30)
    | st.floats(allow_nan=True, allow_infinity=True) | st.text(max_size=20)
    | st.sampled_from(["0", "1", " 2 ", "true", "FALSE", "3,14", "1822", "", "1e999", "-0"]),
    lambda inner: st.lists(inner, max_size=4)
    | st.dictionaries(st.text(max_size=3) | st.integers(-2, 5), inner, max_size=4),
    max_leaves=8,
)


@st.composite
def mutated(draw) -> str:
    """A corpus sample with a few characters inserted, deleted or replaced."""
    text = draw(st.sampled_from(CORPUS))
    for _ in range(draw(st.integers(1, 6))):
        pos = draw(st.integers(0, len(text)))
        char = draw(st.sampled_from(list("{}~=#:\\%-> \n\n\nTабв1")) | st.characters())
        op = draw(st.sampled_from(["insert", "delete", "replace"]))
        if op == "insert":
            text = text[:pos] + char + text[pos:]
        elif op == "delete":
            text = text[:pos] + text[pos + 1:]
        else:
            text = text[:pos] + char + text[pos + 1:]
    return text


def _check_parse(text: str) -> list[Question]:
    questions, errors = parse_all(text, first_line=7)
    assert all(isinstance(e, GiftError) and e.line >= 7 for e in errors)
    try:
        parse(text)
    except GiftError:
        pass
    return questions


@FAST
@given(st.text(max_size=200))
def test_arbitrary_text_raises_only_gift_error(text):
    _check_parse(text)


@FAST
@given(GIFTISH)
def test_giftish_text_round_trips(text):
    questions = _check_parse(text)
    assert parse(dump(questions)) == questions


@FAST
@given(mutated())
def test_mutated_gift_round_trips(text):
    questions = _check_parse(text)
    again = parse(dump(questions))
    assert again == questions
    for question in questions:
        json.dumps(public_view(question, shuffle_seed=1))


PARSED = [q for sample in CORPUS for q in parse(sample)]


@FAST
@given(st.sampled_from(PARSED), RESPONSES, st.none() | st.integers())
def test_grade_raises_only_response_error(question, response, seed):
    try:
        result = grade(question, response, shuffle_seed=seed)
    except ResponseError:
        return
    assert 0.0 <= result.fraction <= 1.0
    assert result.correct == (result.fraction >= 0.999)


@FAST
@given(mutated(), RESPONSES)
def test_grade_mutated_questions(text, response):
    for question in parse_all(text)[0]:
        try:
            grade(question, response)
        except ResponseError:
            pass


# --- generated questions round-trip through dump and parse --------------------------------

TEXT = st.text(alphabet=st.sampled_from(list("{}~=#:\\%->[]()*/$ \n\tabTқӯғ1.!")),
               min_size=1, max_size=12).map(str.strip).filter(bool)
MAYBE_TEXT = st.just("") | TEXT
NO_ARROW = TEXT.filter(lambda t: "->" not in t)
FMT = st.sampled_from(FORMATS)


@st.composite
def answers(draw, qfmt: str, weights: list[float], text=TEXT) -> list[Answer]:
    return [Answer(text=draw(text), fmt=draw(FMT), fraction=weight,
                   feedback=draw(st.just("") | text), feedback_fmt=draw(FMT))
            for weight in weights]


@st.composite
def numbers(draw, qfmt: str) -> list[Answer]:
    count = draw(st.integers(1, 3))
    out = []
    finite = st.floats(allow_nan=False, allow_infinity=False, min_value=-1e12, max_value=1e12)
    for index in range(count):
        fraction = 1.0 if index == 0 else draw(st.sampled_from([0.0, 0.5, 1.0]))
        fb_fmt, feedback = draw(FMT), draw(MAYBE_TEXT)
        if draw(st.booleans()):
            low, high = sorted([draw(finite), draw(finite)])
            answer = Answer(text=number_text(low) + ".." + number_text(high), low=low, high=high)
        else:
            value, tol = draw(finite), draw(st.sampled_from([0.0, 0.01, 2.0, 1e-5]))
            label = number_text(value) + (":" + number_text(tol) if tol else "")
            answer = Answer(text=label, value=value, tolerance=tol)
        answer.fmt, answer.fraction = qfmt, fraction
        answer.feedback, answer.feedback_fmt = feedback, fb_fmt
        out.append(answer)
    if draw(st.booleans()):
        out.append(Answer(text="*", fmt=qfmt, feedback=draw(MAYBE_TEXT), feedback_fmt=draw(FMT)))
    return out


@st.composite
def questions(draw) -> Question:
    qtype = draw(st.sampled_from(["multichoice", "multiresponse", "truefalse", "shortanswer",
                                  "numerical", "matching", "essay", "description"]))
    qfmt = draw(FMT)
    q = Question(id=draw(st.none() | TEXT), type=qtype, fmt=qfmt,
                 text=draw(TEXT if qtype == "description" else MAYBE_TEXT),
                 tail="" if qtype == "description" else draw(MAYBE_TEXT),
                 category=draw(st.none() | TEXT))
    if qtype != "description":
        q.general_feedback, q.general_feedback_fmt = draw(MAYBE_TEXT), draw(FMT)
    else:
        q.general_feedback_fmt = qfmt
    if qtype == "multichoice":
        rest = draw(st.lists(st.sampled_from([0.0, 0.5, -0.5, 1.0, -1.0, 0.1]), min_size=1,
                             max_size=4))
        q.answers = draw(answers(qfmt, draw(st.permutations([1.0, *rest]))))
    elif qtype == "multiresponse":
        plan = draw(st.sampled_from([[0.5, 0.5], [1.0], [0.3333333] * 3, [0.25, 0.75]]))
        extra = draw(st.lists(st.sampled_from([0.0, -1.0, -0.5]), max_size=2))
        q.answers = draw(answers(qfmt, draw(st.permutations(plan + extra))))
        if len(q.answers) < 2:
            q.answers += draw(answers(qfmt, [0.0]))
    elif qtype == "shortanswer":  # '->' would make it a matching question
        rest = draw(st.lists(st.sampled_from([0.0, 0.5, 1.0]), max_size=3))
        q.answers = draw(answers(qfmt, [1.0, *rest], text=NO_ARROW))
    elif qtype == "truefalse":
        truth = draw(st.booleans())
        q.answers = [Answer("true", qfmt, 1.0 if truth else 0.0, draw(MAYBE_TEXT),
                            feedback_fmt=draw(FMT)),
                     Answer("false", qfmt, 0.0 if truth else 1.0, draw(MAYBE_TEXT),
                            feedback_fmt=draw(FMT))]
    elif qtype == "numerical":
        q.answers = draw(numbers(qfmt))
    elif qtype == "matching":
        lefts = draw(st.lists(NO_ARROW, min_size=2, max_size=4))
        lefts += draw(st.lists(st.just(""), max_size=1))
        q.answers = [Answer(text=left, fmt=draw(FMT), match=draw(TEXT), feedback_fmt=qfmt)
                     for left in lefts]
    return q


@GENERATED
@given(st.lists(questions(), min_size=1, max_size=3))
def test_generated_questions_round_trip(qs):
    text = dump(qs)
    assert parse(text) == qs
    assert dump(parse(text)) == text


@GENERATED
@given(questions(), RESPONSES, st.none() | st.integers())
def test_generated_questions_grade_and_view(question, response, seed):
    json.dumps(public_view(question, shuffle_seed=seed))
    try:
        grade(question, response, shuffle_seed=seed)
    except ResponseError:
        pass
