"""Speaker marks: where, in a page's safe HTML, each block's text starts, and what it says.

When a lesson's pages are stored, ``mark_page`` puts ``<span class="speak" data-say="TEXT">
</span>`` at the start of every paragraph, heading, list item, table cell and caption that has
words; the kiosk replaces each mark with the clip of TEXT (``lms.speech.sounds``) or with
nothing. A text is known by ``text_key`` (the SHA-256 of its ``normalize``-d form)."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Callable
from html import escape, unescape
from html.parser import HTMLParser

_BUTTON = re.compile(r"<button\b[^>]*>.*?</button>", re.S)
_TAG = re.compile(r"<[^>]+>")
_SPACE = re.compile(r"\s+")
SAY_RE = re.compile(
    r'<span (?:class="speak" data-say="([^"]*)"|data-say="([^"]*)" class="speak")></span>')


def normalize(text: str) -> str:
    return _SPACE.sub(" ", unicodedata.normalize("NFC", text or "")).strip()


def text_key(text: str) -> str:
    return hashlib.sha256(normalize(text).encode("utf-8")).hexdigest()


_ALT = re.compile(r'<img\b[^>]*\balt="([^"]*)"')


def spoken_text(html: str, pictures: bool = True) -> str:
    """What a learner hears of a piece of safe HTML: its text, without the tags (a sound
    button's label once, not twice); a picture with no words says its label (``pictures``:
    not where the learner is to read the word and find its picture)."""
    text = normalize(unescape(_TAG.sub(" ", _BUTTON.sub(" ", html or ""))))
    if text or not pictures:
        return text
    return normalize(unescape(" ".join(_ALT.findall(html or ""))))


def say_markers(html: str) -> list[str]:
    """The texts of the speaker marks ``mark_page`` put in a page."""
    return [normalize(unescape(a or b)) for a, b in SAY_RE.findall(html or "")]


def replace_markers(html: str, replace: Callable[[str], str]) -> str:
    return SAY_RE.sub(lambda m: replace(normalize(unescape(m.group(1) or m.group(2)))), html)


_SPOKEN = {"p", "h1", "h2", "h3", "h4", "h5", "h6", "li", "th", "td", "figcaption"}
_BLOCKS = _SPOKEN | {"ul", "ol", "table", "div", "figure", "blockquote", "pre", "tr", "thead",
                     "tbody"}


class _Marker(HTMLParser):
    """Finds, in a page's safe HTML, where each spoken block's text starts and what it says."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.lines = [0]
        for line in html.splitlines(keepends=True):
            self.lines.append(self.lines[-1] + len(line))
        self.stack: list[list] = []  # [tag, offset after its start tag, words, sound labels]
        self.marks: list[tuple[int, str]] = []
        self.skip = 0  # inside a sound button (its label is also written beside the player)
        self.feed(html)
        self.close()

    def _offset(self) -> int:
        line, col = self.getpos()
        return self.lines[line - 1] + col

    def handle_starttag(self, tag, attrs):
        if tag == "button":
            self.skip += 1
            if self.stack:
                self.stack[-1][3].append("")
        if tag in _BLOCKS:
            end = self._offset() + len(self.get_starttag_text() or "")
            self.stack.append([tag, end, [], []])

    def handle_endtag(self, tag):
        if tag == "button":
            self.skip = max(0, self.skip - 1)
        if tag in _BLOCKS and self.stack and self.stack[-1][0] == tag:
            name, offset, words, sounds = self.stack.pop()
            text = normalize("".join(words))
            if normalize(" ".join(sounds)) == text:
                return  # a sound with its label: its player already says it
            if name in _SPOKEN and text and any(ch.isalnum() for ch in text):
                self.marks.append((offset, text))

    def handle_data(self, data):
        if self.stack and self.skip and self.stack[-1][3]:
            self.stack[-1][3][-1] += data
        elif self.stack and not self.skip:
            self.stack[-1][2].append(data)


def mark_page(html: str) -> str:
    """``html`` with a speaker mark (``<span class="speak" data-say="TEXT"></span>``) at the
    start of every paragraph, heading, list item, table cell and caption that has words: the
    kiosk puts the clip of TEXT there. Done at import time; marking twice changes nothing."""
    if 'class="speak"' in html:
        return html
    marks = _Marker(html).marks
    for offset, text in sorted(marks, reverse=True):
        html = (html[:offset] + f'<span class="speak" data-say="{escape(text, quote=True)}">'
                "</span>" + html[offset:])
    return html
