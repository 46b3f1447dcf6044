"""Lesson Markdown to safe HTML, once, at import or save time (never while serving).

CommonMark with tables, ``::: note|tip|warning`` boxes and YAML front matter; raw HTML is off
(shown as text). Our own image syntax:

- ``![alt](media/x.png "caption")`` alone in a paragraph: ``<figure><img …><figcaption>``;
  inside text: a plain ``<img>``.
- ``![label](media/x.ogg)`` (any sound file): a large play button that the kiosk script
  reveals, plus a native ``<audio controls>`` player and the label that work without any script.
  The script only has to do ``button.hidden = false; plain.hidden = true`` for each
  ``.audio`` and play ``button.dataset.src``. No inline script, no event attribute::

      <span class="audio"><button type="button" class="audio-btn" data-src="URL" hidden>LABEL
      </button><span class="audio-plain"><audio controls preload="none" src="URL"></audio>
      LABEL</span></span>

- ``![label](record:name)``: ``<span class="recording-wanted" data-record="name">label</span>``.
- A ``quiz`` fence: one ``<div class="exercise" data-exercise="KEY"></div>`` per question.

Links may only point inside the platform (relative or same-site paths); any other link keeps its
text and loses the link. Everything then goes through nh3 with a strict allow-list, and URLs in
``src`` may only be our own ``/media/<sha256>.<ext>``.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from html import escape
from typing import Any
from urllib.parse import unquote

import nh3
from markdown_it import MarkdownIt
from markdown_it.token import Token
from mdit_py_plugins.container import container_plugin
from mdit_py_plugins.front_matter import front_matter_plugin

from .media import is_audio_name
from .pages import slot

BOXES = ("note", "tip", "warning", "say", "read")
Resolver = Callable[[str], "str | None"]  # "media/x.png" -> "/media/<sha>.png" or None

KEY_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9-]{0,63}$")
MEDIA_URL_RE = re.compile(r"^/media/[0-9a-f]{64}\.[a-z0-9]{2,4}$")
_SCHEME_RE = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:")
_URL_FORBIDDEN = re.compile(r"[\x00-\x20\x7f\\\"'<>`]")
_INLINE_SPECIAL = re.compile(r"[\\`*_\[\]<>&!\n]|^\s|\s$")


# -- links and sanitizing ------------------------------------------------------------------

def safe_href(url: str | None) -> str | None:
    """The URL if it stays inside the platform (relative or same-site path), else None."""
    if not url:
        return None
    url = url.strip()
    if not url or len(url) > 2000 or _URL_FORBIDDEN.search(url):
        return None
    if url.startswith("//") or _SCHEME_RE.match(url):
        return None
    return url


def _attribute_filter(tag: str, attr: str, value: str) -> str | None:
    if attr == "href":
        return safe_href(value)
    if attr in ("src", "data-src"):
        return value if MEDIA_URL_RE.match(value) else None
    if attr in ("data-exercise", "data-record"):
        return value if KEY_RE.match(value) else None
    return value


_ALIGN = {"align-left", "align-center", "align-right"}
_CLEANER = nh3.Cleaner(
    tags={
        "p", "br", "hr", "h1", "h2", "h3", "h4", "h5", "h6", "strong", "em", "ul", "ol", "li",
        "blockquote", "code", "pre", "table", "thead", "tbody", "tr", "th", "td", "a", "img",
        "figure", "figcaption", "div", "span", "button", "audio",
    },
    clean_content_tags={"script", "style"},
    attributes={
        "a": {"href", "title"},
        "img": {"src", "alt", "title", "loading"},
        "ol": {"start"},
        "div": {"data-exercise"},
        "span": {"data-record"},
        "button": {"type", "data-src", "hidden"},
        "audio": {"src", "controls", "preload"},
    },
    allowed_classes={
        "div": set(BOXES) | {"exercise"},
        "span": {"audio", "audio-plain", "recording-wanted"},
        "button": {"audio-btn"},
        "th": _ALIGN,
        "td": _ALIGN,
    },
    attribute_filter=_attribute_filter,
    url_schemes=set(),
    link_rel=None,
    strip_comments=True,
)


def sanitize(html: str) -> str:
    """Keep only our allow-listed tags, classes and attributes; drop every foreign URL."""
    return _CLEANER.clean(html)


# -- rendering rules -----------------------------------------------------------------------

def _resolver(env: dict) -> Resolver:
    return env.get("resolve") or (lambda name: None)


def audio_html(url: str, label: str) -> str:
    url, label = escape(url), escape(label)
    return (f'<span class="audio"><button type="button" class="audio-btn" data-src="{url}" '
            f'hidden>{label}</button><span class="audio-plain"><audio controls preload="none" '
            f'src="{url}"></audio> {label}</span></span>')


def image_target(token: Token) -> str:
    return unquote(token.attrGet("src") or "").strip()


def _image(self, tokens: Sequence[Token], idx: int, options, env: dict) -> str:
    token = tokens[idx]
    label = self.renderInlineAsText(token.children, options, env).strip()
    src = image_target(token)
    if src.startswith("record:"):
        name = src[len("record:"):]
        return (f'<span class="recording-wanted" data-record="{escape(name)}">'
                f"{escape(label)}</span>")
    url = _resolver(env)(src) if src.startswith("media/") else None
    if url is None:  # a broken or foreign reference (the checker reports it)
        return escape(label)
    if is_audio_name(src):
        return audio_html(url, label)
    caption = str(token.attrGet("title") or "")
    img = f'<img src="{escape(url)}" alt="{escape(label)}" loading="lazy"'
    if token.meta.get("figure"):
        cap = f"<figcaption>{escape(caption)}</figcaption>" if caption else ""
        return f"<figure>{img}>{cap}</figure>\n"
    return img + (f' title="{escape(caption)}">' if caption else ">")


def _link_open(self, tokens: Sequence[Token], idx: int, options, env: dict) -> str:
    token = tokens[idx]
    href = safe_href(str(token.attrGet("href") or ""))
    env.setdefault("_links", []).append(href is not None)
    if href is None:
        return ""
    token.attrSet("href", href)
    return self.renderToken(tokens, idx, options, env)


def _link_close(self, tokens: Sequence[Token], idx: int, options, env: dict) -> str:
    kept = env.get("_links", [True]).pop() if env.get("_links") else True
    return self.renderToken(tokens, idx, options, env) if kept else ""


def _fence(self, tokens: Sequence[Token], idx: int, options, env: dict) -> str:
    token = tokens[idx]
    if is_quiz(token):
        return "".join(slot(key) for key in token.meta.get("exercises", ()))
    return f"<pre><code>{escape(token.content)}</code></pre>\n"


def is_quiz(token: Token) -> bool:
    return token.type == "fence" and token.info.strip().split(" ", 1)[0] == "quiz"


def _cell_open(self, tokens: Sequence[Token], idx: int, options, env: dict) -> str:
    token = tokens[idx]
    style = str(token.attrGet("style") or "")
    if style:
        token.attrs.pop("style", None)
        token.attrSet("class", "align-" + style.rsplit(":", 1)[-1].strip())
    return self.renderToken(tokens, idx, options, env)


def _box(self, tokens: Sequence[Token], idx: int, options, env: dict) -> str:
    token = tokens[idx]
    if token.nesting == 1:
        token.attrSet("class", token.info.strip().split(" ", 1)[0])
    return self.renderToken(tokens, idx, options, env)


def _is_picture(token: Token) -> bool:
    src = image_target(token)
    return token.type == "image" and src.startswith("media/") and not is_audio_name(src)


def _mark_figures(state: Any) -> None:
    """A paragraph holding only pictures becomes figures (no <p> around them)."""
    tokens = state.tokens
    for i, token in enumerate(tokens):
        if token.type != "inline" or i == 0 or tokens[i - 1].type != "paragraph_open":
            continue
        kids = [c for c in token.children or []
                if c.type != "softbreak" and not (c.type == "text" and not c.content.strip())]
        if kids and all(_is_picture(k) for k in kids):
            for kid in kids:
                kid.meta["figure"] = True
            tokens[i - 1].hidden = tokens[i + 1].hidden = True


def make_markdown(breaks: bool = False) -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "breaks": breaks, "typographer": False})
    md.use(front_matter_plugin).enable("table")
    for name in BOXES:
        md.use(container_plugin, name=name, render=_box)
    md.validateLink = lambda url: True  # type: ignore[method-assign]  # decided in _link_open
    md.core.ruler.push("umed_figures", _mark_figures)
    md.add_render_rule("image", _image)
    md.add_render_rule("link_open", _link_open)
    md.add_render_rule("link_close", _link_close)
    md.add_render_rule("fence", _fence)
    md.add_render_rule("th_open", _cell_open)
    md.add_render_rule("td_open", _cell_open)
    return md


MD = make_markdown()
MD_INLINE = make_markdown(breaks=True)


# -- public API ----------------------------------------------------------------------------

def normalize_newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def parse(text: str) -> list[Token]:
    """Block tokens of a whole lesson file (front matter included as its first token)."""
    return MD.parse(text, {})


def render_tokens(tokens: Sequence[Token], resolve: Resolver | None = None) -> str:
    """Render a slice of block tokens (a page) and sanitize it."""
    env: dict[str, Any] = {"resolve": resolve}
    return sanitize(MD.renderer.render(tokens, MD.options, env))


def render_markdown(text: str, resolve: Resolver | None = None) -> str:
    """Render a Markdown text (a course description, say) to safe HTML."""
    return render_tokens(MD.parse(text, {}), resolve)


def render_inline(text: str, fmt: str = "markdown", resolve: Resolver | None = None) -> str:
    """A GIFT text (question, answer, feedback) as safe HTML, by its format.

    ``markdown``: inline Markdown (line breaks kept; a text with an empty line in it is rendered
    as blocks); ``plain``: escaped, line breaks kept; ``html`` and ``moodle``: sanitized with the
    same allow-list as lesson pages.
    """
    if not text:
        return ""
    if fmt == "plain":
        return escape(text).replace("\n", "<br>\n")
    if fmt in ("html", "moodle"):
        return sanitize(text)
    if not _INLINE_SPECIAL.search(text):
        return escape(text)
    env: dict[str, Any] = {"resolve": resolve}
    if "\n\n" in text.strip():
        return sanitize(MD.render(text, env))
    return sanitize(MD_INLINE.renderInline(text, env))


@dataclass
class Ref:
    """A picture, sound, recording mark or link found in Markdown, with its line (1-based)."""

    kind: str  # "media" | "record" | "foreign" (any other image target) | "link"
    target: str
    label: str
    line: int


def _inline_refs(children: Sequence[Token], first_line: int) -> list[Ref]:
    refs = []
    line = first_line
    for child in children:
        if child.type in ("softbreak", "hardbreak"):
            line += 1
        elif child.type == "image":
            target = image_target(child)
            label = "".join(c.content for c in child.children or []).strip()
            kind = ("record" if target.startswith("record:")
                    else "media" if target.startswith("media/") else "foreign")
            refs.append(Ref(kind, target, label, line))
        elif child.type == "link_open" and safe_href(str(child.attrGet("href") or "")) is None:
            refs.append(Ref("link", str(child.attrGet("href") or ""), "", line))
    return refs


def references(tokens: Sequence[Token]) -> list[Ref]:
    """Every picture, sound, recording mark and foreign link in block tokens."""
    refs: list[Ref] = []
    for token in tokens:
        if token.type == "inline" and token.children:
            refs.extend(_inline_refs(token.children, (token.map or [0])[0] + 1))
    return refs


def inline_references(text: str, line: int) -> list[Ref]:
    """References in a GIFT text (all reported on the question's line)."""
    if "](" not in text and "<" not in text:
        return []
    refs = []
    for token in MD.parse(text, {}):
        if token.type == "inline" and token.children:
            refs.extend(_inline_refs(token.children, line))
    for ref in refs:
        ref.line = line
    return refs
