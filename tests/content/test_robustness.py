"""The checker never crashes: any lesson text, front matter or course.yml gives a result or a
clear list of problems. Also SVG and media type detection."""

from __future__ import annotations

import shutil

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lms.content.check import check_lesson_text, check_path
from lms.content.media import MediaError, detect_mime, identify
from lms.content.svg import check_svg

from .conftest import SVG

MARKDOWN_BITS = st.sampled_from([
    "---", "\n", "\n\n", "# ", "- ", "1. ", "> ", "```", "```quiz\n", "::q1::", "{", "}", "=", "~",
    "#", "%50%", "->", "![a](media/x.png)", "![](record:r)", "[l](http://x)", ":::", "::: note",
    "| a |", "|---|", "<b>", "\\", "*", "_", "`", "id: x", "title: t", "minutes: 3", "\t", " ",
    "Ҳарфи А", "{T}", "{#1..5}", "{}", "$CATEGORY: a", "// c", "&amp;", "\x00", "\r\n",
])
TEXTS = st.one_of(st.text(max_size=400), st.lists(MARKDOWN_BITS, max_size=60).map("".join))

YAML_VALUES = st.recursive(
    st.one_of(st.none(), st.booleans(), st.integers(), st.floats(allow_nan=False),
              st.text(max_size=20)),
    lambda children: st.one_of(st.lists(children, max_size=4),
                               st.dictionaries(st.text(max_size=10), children, max_size=4)),
    max_leaves=12,
)
FRONT_MATTER = st.one_of(
    st.text(max_size=200),
    st.dictionaries(st.sampled_from(["id", "title", "minutes", "attempts", "pass_mark",
                                     "placement", "other"]), YAML_VALUES, max_size=7)
    .map(lambda d: yaml.safe_dump(d, allow_unicode=True)),
)


@settings(max_examples=300, deadline=None)
@given(front=FRONT_MATTER, body=TEXTS)
def test_checker_never_crashes_on_lesson_text(front, body):
    text = f"---\n{front}\n---\n{body}"
    version, problems = check_lesson_text(text, media={"media/x.png"})
    assert isinstance(version.pages, list) and all(isinstance(p, str) for p in version.pages)
    for problem in problems:
        assert problem.line >= 1 and problem.message


@settings(max_examples=150, deadline=None)
@given(text=TEXTS)
def test_checker_never_crashes_on_any_text(text):
    check_lesson_text(text)


@settings(max_examples=100, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(course=st.one_of(st.text(max_size=300),
                        st.dictionaries(st.sampled_from(["slug", "title", "category", "icon",
                                                         "level", "modules", "sequential",
                                                         "pass_mark", "x"]),
                                        YAML_VALUES, max_size=8)
                        .map(lambda d: yaml.safe_dump(d, allow_unicode=True))))
def test_checker_never_crashes_on_course_yml(tmp_path_factory, course, course_dir_template):
    folder = tmp_path_factory.mktemp("c") / "demo"
    shutil.copytree(course_dir_template, folder)
    (folder / "course.yml").write_text(course, encoding="utf-8")
    report = check_path(folder)
    assert isinstance(report.lines(), list)
    assert report.summary()


@pytest.fixture(scope="module")
def course_dir_template(tmp_path_factory):
    from .conftest import write_course

    return write_course(tmp_path_factory.mktemp("template"))


def test_yaml_bombs_and_odd_yaml_are_problems_not_crashes():
    bomb = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{chr(98 + i)}: &{chr(98 + i)} [*{chr(97 + i)}, *{chr(97 + i)}, *{chr(97 + i)}]\n"
        for i in range(8))
    for front in [bomb, "!!python/object:os.system x", "? [a, b]\n: c", "- a\n- b", "a: b: c",
                  "id: [unclosed", "'", "title: &x\n  - *x"]:
        _version, problems = check_lesson_text(f"---\n{front}\n---\n\ntext\n")
        assert problems.errors


@pytest.mark.parametrize("data, mime", [
    (b"\x89PNG\r\n\x1a\n" + bytes(20), "image/png"),
    (b"\xff\xd8\xff\xe0" + bytes(20), "image/jpeg"),
    (b"RIFF\0\0\0\0WEBPVP8 ", "image/webp"),
    (b"RIFF\0\0\0\0WAVEfmt ", "audio/wav"),
    (b"OggS" + bytes(20), "audio/ogg"),
    (b"ID3\x04" + bytes(20), "audio/mpeg"),
    (b"\xff\xfb\x90\x00" + bytes(20), "audio/mpeg"),
    (b"\0\0\0\x20ftypM4A " + bytes(20), "audio/mp4"),
    (b"\x1a\x45\xdf\xa3" + bytes(20), "audio/webm"),
    (SVG, "image/svg+xml"),
    (b'<?xml version="1.0"?>\n<!-- x -->\n<svg xmlns="http://www.w3.org/2000/svg"/>',
     "image/svg+xml"),
    (b"hello, I am text", None),
    (b"<html><svg></svg></html>", None),
    (b"", None),
])
def test_media_type_detection(data, mime):
    assert detect_mime(data) == mime


def test_a_renamed_file_is_refused():
    with pytest.raises(MediaError, match="is not a real PNG file"):
        identify("media/photo.png", b"just some text, renamed")
    with pytest.raises(MediaError, match="named like a PNG file but is really JPG"):
        identify("media/photo.png", b"\xff\xd8\xff\xe0" + bytes(20))
    with pytest.raises(MediaError, match="unknown kind of file"):
        identify("media/tool.exe", b"MZ")
    assert identify("media/a.OGG", b"OggS" + bytes(10)) == "audio/ogg"


@pytest.mark.parametrize("svg, line, message", [
    (b'<svg xmlns="http://www.w3.org/2000/svg">\n<script>alert(1)</script>\n</svg>', 2,
     "element <script>"),
    (b'<svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)"/>', 1, "attribute onload"),
    (b'<svg xmlns="http://www.w3.org/2000/svg">\n\n<rect style="fill:red"/></svg>', 3,
     "attribute style"),
    (b'<svg xmlns="http://www.w3.org/2000/svg" xmlns:xlink="http://www.w3.org/1999/xlink">'
     b'<image xlink:href="http://evil.example/x.png"/></svg>', 1, "element <image>"),
    (b'<svg xmlns="http://www.w3.org/2000/svg"><rect fill="url(http://evil/x)"/></svg>', 1,
     "may only refer to this picture"),
    (b'<!DOCTYPE svg [<!ENTITY x "y">]>\n<svg xmlns="http://www.w3.org/2000/svg"/>', 1,
     "<!DOCTYPE> is not allowed"),
    (b'<?xml-stylesheet href="x.css"?>\n<svg xmlns="http://www.w3.org/2000/svg"/>', 1,
     "processing instruction"),
    (b'<svg xmlns="http://www.w3.org/2000/svg"><text>Hi</text></svg>', 1, "element <text>"),
    (b'<svg xmlns="http://www.w3.org/2000/svg"><a href="javascript:x"/></svg>', 1,
     "element <a>"),
    (b'<svg xmlns="http://www.w3.org/2000/svg"><foreignObject/></svg>', 1,
     "element <foreignObject>"),
    (b'<svg xmlns="http://www.w3.org/2000/svg"><rect>\n</svg>', 2, "not a well-formed"),
    (b'<svg><rect/></svg>', 1, "needs xmlns"),
    (b'<html xmlns="http://www.w3.org/2000/svg"/>', 1, "must start with <svg>"),
])
def test_svg_allow_list(svg, line, message):
    problems = check_svg(svg)
    assert any(ln == line and message in text for ln, text in problems), problems


def test_good_svg_with_gradient_is_accepted():
    svg = (b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 200 200">'
           b'<defs><linearGradient id="g" x1="0" y1="0" x2="1" y2="1">'
           b'<stop offset="0" stop-color="#fff"/><stop offset="1" stop-color="#000"/>'
           b'</linearGradient></defs><title>Sun</title><desc>A sun</desc>'
           b'<g transform="translate(10 10)"><circle cx="90" cy="90" r="50" fill="url(#g)"'
           b' stroke="#333" stroke-width="4"/></g></svg>')
    assert check_svg(svg) == []
