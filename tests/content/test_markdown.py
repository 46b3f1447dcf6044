"""Rendering lessons to HTML, and the sanitizer's allow-list against hostile input."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest

from lms.content.check import check_lesson_text
from lms.content.exercises import exercise_html
from lms.content.gift import parse_all
from lms.content.markdown import render_inline, render_markdown, safe_href, sanitize

SHA = "ab" * 32
URLS = {"media/pic.png": f"/media/{SHA}.png", "media/a.ogg": f"/media/{SHA}.ogg"}


def resolve(name: str) -> str | None:
    return URLS.get(name)


def lesson(body: str) -> str:
    return f"---\nid: lesson\ntitle: T\nminutes: 3\n---\n\n{body}"


def pages(body: str) -> list[str]:
    version, _problems = check_lesson_text(lesson(body), resolve=resolve)
    return version.pages


class _Markup(HTMLParser):
    """Collects tags and attributes (the markup, not the text)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, attrs))

    handle_startendtag = handle_starttag


ALLOWED_TAGS = {"p", "br", "hr", "h1", "h2", "h3", "h4", "h5", "h6", "strong", "em", "ul", "ol",
                "li", "blockquote", "code", "pre", "table", "thead", "tbody", "tr", "th", "td",
                "a", "img", "figure", "figcaption", "div", "span", "button", "audio"}


def assert_harmless(html: str) -> None:
    """No executable markup: only allow-listed tags, no event attributes, no script URLs."""
    parser = _Markup()
    parser.feed(html)
    parser.close()
    assert "<script" not in html.lower()
    for tag, attrs in parser.tags:
        for name, value in attrs:
            assert not name.lower().startswith("on"), (tag, name)
            for scheme in ("javascript:", "data:", "vbscript:"):
                assert scheme not in (value or "").lower().replace(" ", ""), (tag, name, value)
    for tag, attrs in parser.tags:
        assert tag in ALLOWED_TAGS, tag
        for name, value in attrs:
            assert name in {"href", "title", "src", "alt", "loading", "start", "class",
                            "data-exercise", "data-record", "data-src", "type", "hidden",
                            "controls", "preload"}, name
            if name in ("src", "data-src"):
                assert re.fullmatch(r"/media/[0-9a-f]{64}\.[a-z0-9]+", value or ""), value
            if name == "href":
                assert not re.match(r"^\s*([a-z][a-z0-9+.-]*:|//)", value or "", re.I), value


def test_pictures_sound_and_recordings():
    html = pages('![An apple](media/pic.png "A red apple")\n\n'
                 "Say ![А as in анор](media/a.ogg) and ![Ҷ](record:letter-jj).\n")[0]
    assert (f'<figure><img src="/media/{SHA}.png" alt="An apple" loading="lazy">'
            "<figcaption>A red apple</figcaption></figure>") in html
    assert f'<button type="button" class="audio-btn" data-src="/media/{SHA}.ogg" hidden' in html
    assert f'<audio controls="" preload="none" src="/media/{SHA}.ogg"></audio>' in html
    assert '<span class="recording-wanted" data-record="letter-jj">Ҷ</span>' in html
    assert "<p><figure>" not in html
    assert_harmless(html)


def test_pages_boxes_tables_and_placeholders():
    result = pages("# One\n\n::: warning\nCareful\n:::\n\n---\n\n| a | b |\n|--:|:-|\n| 1 | 2 |\n"
                   "\n```quiz\n::q1:: Yes? {T}\n\n::q2:: No? {F}\n```\n")
    assert len(result) == 2
    assert '<div class="warning">\n<p>Careful</p>\n</div>' in result[0]
    assert '<th class="align-right">a</th>' in result[1]
    assert ('<div class="exercise" data-exercise="q1"></div>\n'
            '<div class="exercise" data-exercise="q2"></div>') in result[1]
    assert "style" not in result[1]


def test_a_line_of_dashes_without_an_empty_line_is_a_heading():
    result = pages("Title\n---\n\ntext\n")
    assert result == ["<h2>Title</h2>\n<p>text</p>\n"]


def test_links_stay_inside_the_platform():
    html = render_markdown("[ok](/learn/courses/1) [rel](next) [out](https://evil.example) "
                           "<https://evil.example> [js](javascript:alert(1)) [p](//evil.example)")
    assert '<a href="/learn/courses/1">ok</a>' in html
    assert '<a href="next">rel</a>' in html
    assert html.count("<a ") == 2
    assert_harmless(html)


@pytest.mark.parametrize("url", [
    "javascript:alert(1)", "JaVaScRiPt:alert(1)", " javascript:alert(1)", "java\tscript:x",
    "java\nscript:x", "data:text/html,<script>", "vbscript:x", "//evil.example", "/\\evil.example",
    "https://evil.example", "mailto:a@b.c", "\x01javascript:x",
])
def test_unsafe_hrefs(url):
    assert safe_href(url) is None


HOSTILE_MARKDOWN = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "<svg onload=alert(1)>",
    '<a href="javascript:alert(1)">x</a>',
    "[x](javascript:alert(1))",
    "[x](JAVASCRIPT:alert(1))",
    "[x](java&#x09;script:alert(1))",
    "[x](&#106;avascript:alert(1))",
    "[x](javascript&colon;alert(1))",
    "[x](<javascript:alert(1)>)",
    "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    "![x](data:image/svg+xml;base64,PHN2ZyBvbmxvYWQ9YWxlcnQoMSk+)",
    "![x](javascript:alert(1))",
    '![x" onerror="alert(1)](media/pic.png)',
    '![x](media/pic.png "a\\" onload=\\"alert(1)")',
    "[x][r]\n\n[r]: javascript:alert(1)",
    "<div onclick=alert(1)>",
    "<<script>script>alert(1)<</script>/script>",
    "<p <b onmouseover=alert(1)>>",
    "```html\n<script>alert(1)</script>\n```",
    "`<script>`",
    "<iframe src=javascript:alert(1)>",
    "<math><mtext><table><mglyph><style><img src=x onerror=alert(1)>",
    "![a](record:x\" onload=\"alert(1))",
    "::: note\n<script>alert(1)</script>\n:::",
    "<!-- --><script>alert(1)</script>",
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    "[<img src=x onerror=alert(1)>](/x)",
    "| a |\n|---|\n| <script>alert(1)</script> |",
]


@pytest.mark.parametrize("text", HOSTILE_MARKDOWN)
def test_hostile_markdown_gives_no_executable_markup(text):
    for html in [*pages(text), render_markdown(text, resolve),
                 render_inline(text, "markdown", resolve), render_inline(text, "html"),
                 render_inline(text, "moodle"), render_inline(text, "plain")]:
        assert_harmless(html)


HOSTILE_GIFT = [
    "::q1:: <script>alert(1)</script> {=<img src=x onerror=alert(1)> ~b}",
    "::q2:: [html]<svg onload=alert(1)> {T#<a href=\"javascript:x\">fb</a>}",
    "::q3:: [markdown][x](javascript:alert(1)) {=a -> [y](data:text/html,x) =b -> c =d -> e}",
    "::q4:: [moodle]<iframe src=\"javascript:alert(1)\"></iframe> {=x}",
    "::q5:: x {=a ~b ####<script>alert(1)</script>}",
    "::q6:: [plain]<b onclick=x>y</b> {#3}",
]


@pytest.mark.parametrize("text", HOSTILE_GIFT)
def test_hostile_gift_gives_no_executable_markup(text):
    questions, errors = parse_all(text)
    assert questions and not errors
    pieces = exercise_html(questions[0], resolve)
    for html in [pieces["text"], pieces["tail"], pieces["general_feedback"],
                 *(v for a in pieces["answers"] for v in a.values())]:
        assert_harmless(html)
    version, _problems = check_lesson_text(lesson(f"```quiz\n{text}\n```\n"))
    for entry in version.exercises:
        for html in [entry["html"]["text"], *(a["text"] for a in entry["html"]["answers"])]:
            assert_harmless(html)


def test_broken_html_and_raw_sanitizer():
    assert sanitize('<div class="exercise" data-exercise="q1" onclick="x"></div>') == \
        '<div class="exercise" data-exercise="q1"></div>'
    assert sanitize('<div class="evil note">x</div>') == '<div class="note">x</div>'
    assert sanitize('<img src="https://evil.example/x.png" alt="a">') == '<img alt="a">'
    assert sanitize("<p><b>unclosed <i>tags") .startswith("<p>")
    assert_harmless(sanitize("<a href='javascript:alert(1)'>x</a><scr<script>ipt>alert(1)"))


def test_huge_input_and_deep_nesting():
    huge = ("Word **bold** [link](/x) <script>alert(1)</script>\n\n" * 20000)[:1_000_000]
    assert len(huge) >= 1_000_000
    assert_harmless(render_markdown(huge))
    nested = "".join("  " * i + "- item\n" for i in range(500))
    assert_harmless(render_markdown(nested))
    quotes = ">" * 5000 + " deep"
    assert_harmless(render_markdown(quotes))
    brackets = "[" * 20000 + "x" + "]" * 20000
    assert_harmless(render_markdown(brackets))
    assert_harmless(render_inline("*" * 50000 + "a", "markdown"))


def test_render_inline_formats():
    assert render_inline("a *b*", "markdown") == "a <em>b</em>"
    assert render_inline("a\nb", "markdown") == "a<br>\nb"
    assert render_inline("a *b*\nc", "plain") == "a *b*<br>\nc"
    assert render_inline("<b>x</b><script>y</script>", "html") == "<b>x</b>" or \
        render_inline("<b>x</b><script>y</script>", "html") == "x"
    assert render_inline("plain words", "markdown") == "plain words"
    assert render_inline("![pic](media/pic.png)", "markdown", resolve) == \
        f'<img src="/media/{SHA}.png" alt="pic" loading="lazy">'
