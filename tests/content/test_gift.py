"""The GIFT parser and writer: every question type, escapes, formats, errors and round trips."""

from __future__ import annotations

import json
import pickle

import pytest

from lms.content.gift import (
    QUESTION_TYPES,
    Answer,
    GiftError,
    Question,
    dump,
    parse,
    parse_all,
)


def one(text: str, **kwargs) -> Question:
    questions = parse(text, **kwargs)
    assert len(questions) == 1, questions
    return questions[0]


def error_of(text: str, **kwargs) -> GiftError:
    with pytest.raises(GiftError) as caught:
        parse(text, **kwargs)
    return caught.value


def texts(q: Question) -> list[str]:
    return [a.text for a in q.answers]


def fractions(q: Question) -> list[float]:
    return [a.fraction for a in q.answers]


# --- types ----------------------------------------------------------------------------------

def test_multiple_choice_with_feedback():
    q = one("::q1:: 2 + 2 = ? {=4#Yes ~3#No ~5}")
    assert (q.id, q.type, q.text) == ("q1", "multichoice", "2 + 2 = ?")
    assert texts(q) == ["4", "3", "5"]
    assert fractions(q) == [1.0, 0.0, 0.0]
    assert [a.feedback for a in q.answers] == ["Yes", "No", ""]
    assert not q.missing_word


def test_multiple_choice_partial_and_negative_weights_with_single_right_answer():
    q = one("Pick {=right ~%50%half ~%-25%bad ~wrong}")
    assert q.type == "multichoice"
    assert fractions(q) == [1.0, 0.5, -0.25, 0.0]


def test_multiple_answers_with_weights():
    q = one("::q2:: Pick the vowels {~%50%А ~%50%О ~%-100%Б}")
    assert q.type == "multiresponse"
    assert texts(q) == ["А", "О", "Б"]
    assert fractions(q) == [0.5, 0.5, -1.0]


def test_multiple_answers_decimal_weights():
    q = one("{~%33.33333%a ~%33.33333%b ~%33.33333%c ~%-100%d}")
    assert q.type == "multiresponse"
    assert q.answers[0].fraction == pytest.approx(0.3333333)
    assert q.answers[3].fraction == -1.0


def test_multiple_answers_weight_100():
    q = one("{~%100%only ~%-50%no ~never}")
    assert q.type == "multiresponse"
    assert fractions(q) == [1.0, -0.5, 0.0]


@pytest.mark.parametrize("word,truth", [("T", True), ("TRUE", True), ("F", False),
                                        ("FALSE", False)])
def test_true_false(word, truth):
    q = one(f"::q3:: Water boils at 100 °C. {{{word}}}")
    assert q.type == "truefalse"
    assert texts(q) == ["true", "false"]
    assert fractions(q) == ([1.0, 0.0] if truth else [0.0, 1.0])


def test_true_false_feedbacks_go_to_the_answer_chosen():
    q = one("Sky is green {FALSE#No, it is blue#Right, it is not green}")
    true, false = q.answers
    assert (true.fraction, true.feedback) == (0.0, "No, it is blue")
    assert (false.fraction, false.feedback) == (1.0, "Right, it is not green")
    q = one("Water is wet {TRUE#You are wrong#Well done}")
    assert q.answers[0].feedback == "Well done"
    assert q.answers[1].feedback == "You are wrong"


def test_true_false_with_only_wrong_feedback_and_general_feedback():
    q = one("Q {T#wrong####everyone}")
    assert q.answers[1].feedback == "wrong"
    assert q.answers[0].feedback == ""
    assert q.general_feedback == "everyone"


@pytest.mark.parametrize("word", ["true", "True", "t", "false"])
def test_lower_case_true_is_a_short_answer(word):
    q = one(f"Q {{{word}}}")
    assert q.type == "shortanswer"
    assert texts(q) == [word]
    assert fractions(q) == [1.0]


def test_short_answer_several_and_weighted():
    q = one("::q4:: Write the word: {=нон =Нон =%50%нан#close}")
    assert q.type == "shortanswer"
    assert texts(q) == ["нон", "Нон", "нан"]
    assert fractions(q) == [1.0, 1.0, 0.5]
    assert q.answers[2].feedback == "close"


def test_short_answer_needs_a_full_mark_answer():
    err = error_of("Q {=%50%half}")
    assert "100%" in err.message


def test_numerical_forms():
    q = one("{#35}")
    assert q.type == "numerical"
    assert (q.answers[0].value, q.answers[0].tolerance) == (35.0, 0.0)
    a = one("{#3.14:0.01}").answers[0]
    assert (a.value, a.tolerance, a.low, a.high) == (3.14, 0.01, None, None)
    a = one("{#1..5}").answers[0]
    assert (a.value, a.low, a.high) == (None, 1.0, 5.0)
    a = one("{#-5.5..-1}").answers[0]
    assert (a.low, a.high) == (-5.5, -1.0)
    a = one("{#-273.15:0.5#cold}").answers[0]
    assert (a.value, a.tolerance, a.feedback) == (-273.15, 0.5, "cold")
    assert one("{#.5}").answers[0].value == 0.5


def test_numerical_multiple_answers_and_other_feedback():
    q = one("When was Grant born? {# =1822:0 =%50%1822:2 ~#Not even close}")
    first, second, other = q.answers
    assert (first.value, first.tolerance, first.fraction) == (1822.0, 0.0, 1.0)
    assert (second.value, second.tolerance, second.fraction) == (1822.0, 2.0, 0.5)
    assert other.catch_all and other.feedback == "Not even close" and other.fraction == 0.0


def test_numerical_multi_line_with_feedback():
    q = one("Pi? {#\n  =3.14159:0.00001#Exact\n  =%50%3.1:0.05#Close\n}")
    assert [a.feedback for a in q.answers] == ["Exact", "Close"]
    assert q.answers[0].tolerance == 0.00001


@pytest.mark.parametrize("text", ["{#abc}", "{#3,14}", "{#1..x}", "{#}", "{#inf}", "{#nan}",
                                  "{#1e999}", "{#5..1}", "{#3:-1}", "{#=}"])
def test_numerical_errors(text):
    error_of(f"Q {text}")


def test_matching():
    q = one("::q6:: Match {=А -> анор =Б -> бобо =В -> вақт}")
    assert q.type == "matching"
    assert [(a.text, a.match) for a in q.answers] == [("А", "анор"), ("Б", "бобо"),
                                                      ("В", "вақт")]


def test_matching_arrow_inside_right_side_and_without_spaces():
    q = one("{=a->b -> c =d->e}")
    assert [(a.text, a.match) for a in q.answers] == [("a", "b -> c"), ("d", "e")]


def test_matching_empty_left_side_is_an_extra_choice():
    q = one("{=a -> 1 =b -> 2 = -> 3}")
    assert [(a.text, a.match) for a in q.answers] == [("a", "1"), ("b", "2"), ("", "3")]


def test_arrow_inside_multiple_choice_is_text():
    q = one("{=a -> b ~c}")
    assert q.type == "multichoice"
    assert texts(q) == ["a -> b", "c"]


def test_matching_errors():
    assert "at least two pairs" in error_of("{=a -> b}").message
    assert "at least two pairs" in error_of("{=a -> b = -> c}").message
    assert "'->'" in error_of("{=a -> b =c}").message
    assert "feedback" in error_of("{=a -> b#fb =c -> d}").message
    assert "empty" in error_of("{=a -> =c -> d}").message
    assert "before the first pair" in error_of("{x =a -> b =c -> d}").message


def test_missing_word():
    q = one("::q7:: The cat sat on the {=mat ~hat} today.")
    assert q.missing_word
    assert (q.text, q.tail, q.type) == ("The cat sat on the", "today.", "multichoice")
    q = one("{=Мы ~Вы} пошли домой.")
    assert (q.text, q.tail) == ("", "пошли домой.")


def test_missing_word_tail_over_lines():
    q = one("Сегодня {=хорошая ~плохая}\nпогода.")
    assert q.tail == "погода." and q.missing_word


def test_essay_and_description():
    q = one("::q8:: What would you tell your younger self? {}")
    assert (q.type, q.answers) == ("essay", [])
    q = one("::e:: Write {####Thank you}")
    assert (q.type, q.general_feedback) == ("essay", "Thank you")
    q = one("::intro:: Read this first.")
    assert (q.type, q.text, q.answers) == ("description", "Read this first.", [])


def test_general_feedback_and_hash_in_feedback():
    q = one("Q {=a#good # really ~b#no####General #1}")
    assert q.answers[0].feedback == "good # really"
    assert q.general_feedback == "General #1"


def test_all_types_are_known():
    samples = ["{=a ~b}", "{~%100%a ~b}", "{T}", "{=a}", "{#1}", "{=a->b =c->d}", "{}", "x"]
    assert [one("Q " + s).type for s in samples] == list(QUESTION_TYPES)


# --- titles, comments, categories, lines -----------------------------------------------------

def test_titles():
    assert one("::my-id:: Q {T}").id == "my-id"
    assert one("Q {T}").id is None
    assert one(":::: Q {T}").id is None
    assert one(":: :: Q {T}").id is None
    assert one("::a\\:b:: Q {T}").id == "a:b"
    assert "title is not closed" in error_of("::q1 Q {T}").message


def test_comments_and_categories():
    text = ("// a comment\n$CATEGORY: tajik/letters\n\n::a:: A {T}\n\n  // indented comment\n"
            "$CATEGORY: other\n::b:: B\n// inside\nmore {F}\n\n$CATEGORY:\n\n::c:: C {T}\n")
    a, b, c = parse(text)
    assert (a.category, b.category, c.category) == ("tajik/letters", "other", None)
    assert b.text == "B\nmore"


def test_comment_lines_inside_a_block_and_slashes_inside_text():
    q = one("::q:: See https://example.org {\n  =a // not a comment\n  // a comment\n  ~b\n}",
            first_line=3)
    assert q.text == "See https://example.org"
    assert texts(q) == ["a // not a comment", "b"]
    assert q.line == 3


def test_category_and_question_in_one_group():
    (q,) = parse("$CATEGORY: курс/дарс\n::q:: Савол {T}", first_line=4)
    assert (q.category, q.id, q.line) == ("курс/дарс", "q", 5)


def test_only_comments_gives_nothing():
    assert parse("// one\n\n   // two\n") == []
    assert parse("") == []
    assert parse_all("\n\n\n") == ([], [])


def test_lines_count_from_first_line():
    text = "// comment\n\n::a:: A {T}\n\n\n::b::\nB {\n=x\n~y\n}\n"
    a, b = parse(text, first_line=20)
    assert (a.line, b.line) == (22, 25)


def test_blank_line_ends_a_question_and_crlf():
    a, b = parse("::a:: A {T}\r\n\r\n::b:: B {F}\r\n")
    assert (a.id, b.id) == ("a", "b")


# --- escapes and formats -------------------------------------------------------------------

def test_escapes():
    q = one(r"::q:: 1 \= 1\: \{yes\} {=a \= b#c \# d ~\~tilde ~back\\slash ~x\ny}")
    assert q.text == "1 = 1: {yes}"
    assert texts(q) == ["a = b", "~tilde", "back\\slash", "x\ny"]
    assert q.answers[0].feedback == "c # d"


def test_escaped_equals_inside_multiple_choice_answer_is_text():
    q = one(r"{=x\=1 ~x\=2}")
    assert texts(q) == ["x=1", "x=2"]
    assert q.type == "multichoice"


def test_escaped_hash_in_feedback_and_true_false():
    q = one(r"{TRUE#wrong \#1#right \#2}")
    assert q.answers[0].feedback == "right #2"
    assert q.answers[1].feedback == "wrong #1"


def test_unknown_backslash_stays():
    assert one(r"Path C\temp {T}").text == r"Path C\temp"
    assert texts(one(r"{=a\*b}")) == [r"a\*b"]


def test_formats():
    q = one("::q:: [html]<b>Hi</b> {=[plain]one#[markdown]*fb* ~two####[moodle]gf}")
    assert (q.fmt, q.text) == ("html", "<b>Hi</b>")
    a, b = q.answers
    assert (a.fmt, a.text, a.feedback_fmt, a.feedback) == ("plain", "one", "markdown", "*fb*")
    assert (b.fmt, b.feedback_fmt) == ("html", "html")  # answers default to the text's format
    assert (q.general_feedback_fmt, q.general_feedback) == ("moodle", "gf")


def test_default_format_argument():
    q = one("Q {=a ~b}", default_format="plain")
    assert q.fmt == "plain" and q.answers[0].fmt == "plain"
    with pytest.raises(ValueError):
        parse("Q {T}", default_format="rtf")


def test_markdown_links_are_not_formats():
    q = one("[Read](page) then answer {=[link](x) ~![img](media/a.svg)}")
    assert q.text == "[Read](page) then answer"
    assert texts(q) == ["[link](x)", "![img](media/a.svg)"]


def test_unknown_format_is_an_error():
    err = error_of("::q:: Q {=[rtf]a ~b}")
    assert err.line == 1 and "unknown format [rtf]" in err.message
    assert "[markdown]" in err.message
    assert one("[markdown][x] Q {T}").text == "[x] Q"


# --- multi-line and Cyrillic ---------------------------------------------------------------

def test_multi_line_question_as_lecturers_write_it():
    text = """::pick-a:: Кадом расм бо ҳарфи **А** сар мешавад?
Интихоб кунед. {
  =![Анор](media/anor.svg)#Ҳа: «анор» бо А сар мешавад.
  ~![Китоб](media/kitob.svg)#Не: «китоб» бо К сар мешавад.
  ~Ғӯза
   (пахта)#Не.
  ####Ҳарфҳои ғ ӣ қ ӯ ҳ ҷ
}"""
    q = one(text)
    assert q.text == "Кадом расм бо ҳарфи **А** сар мешавад?\nИнтихоб кунед."
    assert texts(q) == ["![Анор](media/anor.svg)", "![Китоб](media/kitob.svg)",
                        "Ғӯза\n   (пахта)"]
    assert q.answers[0].feedback == "Ҳа: «анор» бо А сар мешавад."
    assert q.general_feedback == "Ҳарфҳои ғ ӣ қ ӯ ҳ ҷ"


# --- errors --------------------------------------------------------------------------------

def test_block_never_closed_reports_the_opening_line():
    text = "::a:: A {T}\n\n::b:: Question\ntext {\n=a\n~b\n\n::c:: C {T}"
    err = error_of(text, first_line=10)
    assert err.line == 13
    assert "never closed" in err.message
    questions, errors = parse_all(text, first_line=10)
    assert [q.id for q in questions] == ["a", "c"]
    assert [e.line for e in errors] == [13]


@pytest.mark.parametrize("text,line,words", [
    ("Q } {T}", 1, "without an opening"),
    ("Q {T} then }", 1, "without an opening"),
    ("Q {=a {x} ~b}", 1, "inside an answer block"),
    ("Q {T}\nand {F}", 2, "second answer block"),
    ("Q\n\n{=a\n~b", 3, "never closed"),
    ("::a::", 1, "empty"),
])
def test_brace_errors(text, line, words):
    err = error_of(text)
    assert err.line == line and words in err.message


def test_multiple_choice_errors():
    assert "at least two answers" in error_of("{~only}").message
    assert "empty" in error_of("{=a ~}").message
    assert "empty" in error_of("{= ~b}").message
    assert "before the first answer" in error_of("{oops =a ~b}").message
    assert "~%50%answer" in error_of("{=%50%a ~b}").message


@pytest.mark.parametrize("block", ["{=a ~%101%b}", "{=a ~%-150%b}", "{=%150%a}",
                                   "{=a =%-10%b}", "{#=%200%1}"])
def test_weights_out_of_range(block):
    err = error_of("Q " + block)
    assert "out of range" in err.message


def test_malformed_weight():
    assert "malformed weight" in error_of("{=a ~%abc%b}").message


@pytest.mark.parametrize("block", ["{~%50%a ~%40%b ~c}", "{~%60%a ~%60%b}", "{~a ~b}",
                                   "{~%-50%a ~%-50%b}"])
def test_multiple_answer_weights_must_add_up_to_100(block):
    err = error_of("Q " + block)
    assert "add up to" in err.message and "100%" in err.message


def test_error_on_later_line_of_multi_line_question():
    err = error_of("::q:: Q {\n  =a\n  ~%300%b\n}", first_line=5)
    assert err.line == 7


def test_parse_all_reports_every_bad_question():
    text = "{~one}\n\n::ok:: Q {T}\n\n{=a -> b}\n\n::x:: [zz]Q {T}"
    questions, errors = parse_all(text)
    assert [q.id for q in questions] == ["ok"]
    assert [e.line for e in errors] == [1, 5, 7]


def test_gift_error_shape():
    err = GiftError(3, "weight %(weight)s%% is wrong", {"weight": "150"})
    assert (err.line, err.message) == (3, "weight 150% is wrong")
    assert str(err) == "line 3: weight 150% is wrong"
    assert err.template == "weight %(weight)s%% is wrong" and err.params == {"weight": "150"}
    assert isinstance(err, ValueError)
    copy = pickle.loads(pickle.dumps(err))
    assert (copy.line, copy.message) == (3, err.message)
    assert GiftError(1, "plain 50% text").message == "plain 50% text"


# --- model ---------------------------------------------------------------------------------

def test_to_dict_is_json_and_reads_back():
    questions = parse(ALL_TYPES)
    for q in questions:
        data = json.loads(json.dumps(q.to_dict()))
        back = Question.from_dict(data)
        assert back == q and back.line == q.line


def test_from_dict_ignores_unknown_keys():
    q = Question.from_dict({"id": "a", "type": "essay", "text": "x", "extra": 1,
                            "answers": [{"text": "y", "other": 2}]})
    assert q.answers == [Answer(text="y")]


def test_signature():
    tg = parse("::q:: Савол {=ҳа ~не ~шояд}\n\n::n:: {#1..5}")
    ru = parse("::q:: Вопрос {=да ~нет ~может}\n\n::n:: {#1..5}")
    assert [q.signature() for q in tg] == [q.signature() for q in ru]
    assert tg[0].signature() == ("q", "multichoice", 3, (0,), ())
    other = one("::q:: Вопрос {~нет =да ~может}")
    assert other.signature() != tg[0].signature()
    assert one("::n:: {#1..6}").signature() != tg[1].signature()
    assert one("::m:: {=a->1 =b->2 =->3}").signature()[3] == (0, 1)


# --- dump ----------------------------------------------------------------------------------

ALL_TYPES = r"""$CATEGORY: tajik/letters

::mc:: 2 \+ 2 \= ? {=4#Дуруст ~3#Не \# нест ~%50%4.0#қариб ~%-100%5}

::mr:: Pick the vowels {~%50%А ~%50%О ~%-100%Б####Ҳарфҳо}

::mr3:: Thirds {~%33.33333%a ~%33.33333%b ~%33.33334%c ~d}

$CATEGORY: other

::tf:: Water boils {TRUE#wrong#right####general}

::tf2:: Sky is green {F}

::tf3:: Only right feedback {T##right}

::sa:: Write the word: {=нон =Нон =%50%нан#close =a\*b =*#anything}

::num:: Pi {#3.14:0.01#Good}

::num2:: Grant {# =1822:0 =%50%1822:2 ~#other}

::num3:: Range {#-1..5.5}

$CATEGORY:

::match:: Match {=А -> анор =Б -> бобо =[plain]В -> вақт -> x = -> extra####gf}

::mw:: The cat sat on the {=mat ~hat} today \{really\}.

::essay:: What would you tell your younger self? {####Thanks}

::desc:: [html]<p>Read: a\:b, c\:\:d, \{braces\}\</p>

::fmt:: [plain]Plain {=[html]<b>a</b>#[moodle]fb ~[markdown]b####[html]gf}

::ml:: Line one
line two\n\nafter blank\n// not a comment {
  =answer one
    continued
  ~[markdown][x] two
  ~%0%%50% off
}

::links:: [Read](x) {=[a](b) ~(c) ~\:colon}

Untitled {T}
"""


def test_dump_round_trip_all_types():
    questions = parse(ALL_TYPES)
    assert {q.type for q in questions} == set(QUESTION_TYPES)
    text = dump(questions)
    assert parse(text) == questions
    assert dump(parse(text)) == text


def test_dump_is_readable():
    text = dump(parse("::q:: Savol? {=ҳа#Дуруст ~не}\n\n::t:: T {T}\n\n::n:: N {#3}"))
    assert text == ("::q:: Savol? {\n  =ҳа#Дуруст\n  ~не\n}\n\n::t:: T {TRUE}\n\n"
                    "::n:: N {#3}\n")


def test_dump_escapes():
    q = Question(id="a:b", type="shortanswer", text="x = {y} # ~z :: w\\n",
                 answers=[Answer(text="=#~{}", fraction=1.0)])
    text = dump([q])
    assert text.startswith(r"::a\:b:: x \= \{y\} \# \~z \:\: w\\n {")
    assert parse(text) == [q]


def test_dump_hand_built_questions():
    questions = [
        Question(id="tf", type="truefalse", text="Q", answers=[
            Answer("true", fraction=0.0, feedback="no"),
            Answer("false", fraction=1.0, feedback="yes")]),
        Question(id="n", type="numerical", text="N", answers=[
            Answer(text="1e+20", value=1e20, fraction=1.0), Answer(text="0.1:1e-05", value=0.1,
                                                     tolerance=1e-5, fraction=0.5)]),
        Question(id="w", type="multiresponse", text="W", answers=[
            Answer("a", fraction=0.1 + 0.2), Answer("b", fraction=1 - (0.1 + 0.2)),
            Answer("c", fraction=-0.25)]),
    ]
    assert parse(dump(questions)) == questions
    third = Question(id="t", type="multiresponse", text="T", answers=[
        Answer("a", fraction=1.0), Answer("c", fraction=-1 / 3)])
    (back,) = parse(dump([third]))
    assert back.answers[1].fraction == pytest.approx(-1 / 3, rel=1e-15)


def test_dump_refuses_what_gift_cannot_say():
    q = Question(id="m", type="matching", text="M",
                 answers=[Answer("a -> b", match="c"), Answer("d", match="e")])
    with pytest.raises(ValueError):
        dump([q])
    q = Question(id="s", type="shortanswer", text="S", answers=[
        Answer("a", fraction=1.0, feedback="x -> y"), Answer("b", fraction=1.0)])
    with pytest.raises(ValueError):
        dump([q])
    single = one("{a -> b#c -> d}")
    assert single.type == "shortanswer" and parse(dump([single])) == [single]
    assert dump([]) == ""


def test_export_escapes_every_special_character_as_moodle_does():
    """A single ':' too: strict parsers read it as a title or a numeric tolerance."""
    from lms.content.gift_dump import dump

    question = parse_all("::t:: Соат 8\\:30 аст. Ҷавоб\\: {=ҳа#Бале\\: дуруст ~не}")[0][0]
    text = dump([question])
    assert "8\\:30" in text and "Ҷавоб\\:" in text and "Бале\\: дуруст" in text
    assert ":30" not in text.replace("\\:", "")
    assert parse_all(text)[0][0].text == question.text


def test_export_writes_a_numeric_answer_with_feedback_in_full():
    from lms.content.gift_dump import dump

    with_feedback = parse_all("::n:: Чанд сомонӣ? {#4500#Бале, 4500 сомонӣ.}")[0][0]
    written = dump([with_feedback])
    assert "=4500#Бале, 4500 сомонӣ." in written and "{#4500#" not in written
    assert parse_all(written)[0][0].answers[0].feedback == "Бале, 4500 сомонӣ."
    plain = parse_all("::n:: Чанд сомонӣ? {#4500}")[0][0]
    assert "{#4500}" in dump([plain])
