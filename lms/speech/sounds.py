"""Clips on the kiosk: the speakers templates put beside texts (the clips themselves are served
by ``content.views``).

- ``page_sounds(course, lang, parts, states)`` (a template global): every clip a lesson page
  can play, found in one query; ``.fill(html)`` puts a speaker where the renderer left a mark,
  ``.button(html)`` is the speaker of one exercise text (prompt, choice, item, feedback).
- ``say(text)``: the speaker of one of the kiosk's own words (Next, Check…) or of a course
  title, in the learner's language; all of them are looked up in one query per page.

A speaker is a plain ``<audio controls preload="none">`` (nothing is fetched before it is
played); the kiosk script puts a large button in its place. A course whose machine voice is off
for a language offers only its human recordings in that language.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from html import escape, unescape
from typing import Any

from flask_babel import get_locale
from flask_babel import gettext as _
from markupsafe import Markup

from ..content.speaker_marks import SAY_RE
from . import cache, clips
from .words import kiosk_words


@dataclass(frozen=True)
class Playable:
    url: str
    source: str  # "human" | "machine"


def lookup(keys, lang: str) -> dict[str, Playable]:
    """text key -> what to play, for the keys that have a clip (at most one query)."""
    now = time.monotonic()
    keys = set(keys)
    out: dict[str, Playable] = {}
    ask = []
    for key in keys:
        hit = cache._CACHE.get((lang, key))
        if hit is None or hit[1] < now:
            ask.append(key)
        elif hit[0] is not None:
            out[key] = hit[0]
    if ask:
        if len(cache._CACHE) > cache._CACHE_MAX:
            cache._CACHE.clear()
        found = clips.playable(ask, lang)
        for key in ask:
            clip = found.get(key)
            item = Playable(clip.url, clip.source) if clip is not None else None
            cache._CACHE[(lang, key)] = (item, now + cache.CACHE_SECONDS)
            if item is not None:
                out[key] = item
    return out


def speaker(clip: Playable | None, autoplay: bool = False) -> Markup:
    """The speaker of one clip (empty without a clip): a plain audio control, which fetches
    nothing before it is played and works without JavaScript; the kiosk script puts its large
    button in its place. Kept small: a page has dozens (the 60 KB page budget)."""
    if clip is None:
        return Markup("")
    extra = " data-autoplay" if autoplay else ""
    label = escape(_("Listen"))
    return Markup(
        f'<span class="speaker" data-source="{clip.source}"{extra}><audio controls '
        f'preload="none" src="{escape(clip.url)}" aria-label="{label}"></audio></span>')


class PageSounds:
    """The clips of one page of a lesson, in its language."""

    def __init__(self, found: dict[str, Playable], say_instruction: bool = False):
        self.found = found
        self.say_instruction = say_instruction

    def of(self, text: str) -> Markup:
        return speaker(self.found.get(clips.text_key(text)))

    def button(self, html: str, pictures: bool = True) -> Markup:
        return self.of(clips.spoken_text(html or "", pictures))

    def fill(self, html: str) -> Markup:
        """A page part's HTML with its speaker marks replaced by speakers (or removed); with
        ``say_instruction``, the first speaker of a ``::: say`` box plays once on opening."""
        first_say = html.find('<div class="say">') if self.say_instruction else -1
        out = []
        last = 0
        for match in SAY_RE.finditer(html or ""):
            text = clips.normalize(unescape(match.group(1) or match.group(2)))
            clip = self.found.get(clips.text_key(text))
            auto = clip is not None and first_say != -1 and match.start() > first_say
            out.append(html[last:match.start()])
            out.append(str(speaker(clip, autoplay=auto)))
            if auto:
                first_say = -1
            last = match.end()
        out.append(html[last:])
        return Markup("".join(out))


def _exercise_texts(state: dict[str, Any]) -> list[str]:
    view = state.get("view") or {}
    texts = [view.get("text_html", ""), view.get("tail_html", "")]
    texts += [o.get("html", "") for o in view.get("options", [])]
    texts += [o.get("html", "") for o in view.get("left", [])]
    texts += [o.get("html", "") for o in view.get("right", [])]
    result = state.get("result") or {}
    texts += list(result.get("feedback", [])) + [result.get("general", "")]
    return [clips.spoken_text(t) for t in texts if t]


def _kiosk_keys(lang: str) -> list[str]:
    return [clips.text_key(w) for w in kiosk_words(lang)]


def page_sounds(course, lang: str, parts=(), states: dict | None = None) -> PageSounds:
    """Every clip a page can play (its text parts' marks, its exercises, the kiosk's words)."""
    from ..content.course_settings import kiosk_of

    texts = []
    for part in parts:
        if getattr(part, "html", ""):
            texts += clips.say_markers(part.html)
    for state in (states or {}).values():
        if state:
            texts += _exercise_texts(state)
    keys = {clips.text_key(t) for t in texts}
    ui = str(get_locale() or lang)
    if ui == lang:
        found = lookup(keys | set(_kiosk_keys(lang)), lang)
    else:
        found = lookup(keys, lang)
    if not clips.machine_voice_on(course, lang):
        found = {k: v for k, v in found.items() if v.source == clips.HUMAN}
    return PageSounds(found, kiosk_of(course).say_instruction)


def exercise_sounds(state: dict[str, Any]) -> PageSounds:
    """The clips of one exercise (for its HTML sent back after an answer); none for a studio
    preview's exercise, which is not published."""
    lesson = getattr(state.get("exercise"), "lesson", None)
    if lesson is None:
        return PageSounds({})
    return page_sounds(lesson.course, state["lang"], (), {"one": state})


def say(text: str, course=None) -> Markup:
    """The speaker of one of the kiosk's own words or a course title, in the current
    language; the kiosk's words are looked up together, once a minute."""
    lang = str(get_locale() or "tg")
    key = clips.text_key(text or "")
    clip = lookup({key, *_kiosk_keys(lang)}, lang).get(key)
    if clip is not None and clip.source == clips.MACHINE and course is not None \
            and not clips.machine_voice_on(course, lang):
        clip = None
    return speaker(clip)


def preload_sounds(texts, lang: str | None = None) -> str:
    """Look up the clips of ``texts`` (a home page's course titles) in one query."""
    lang = lang or str(get_locale() or "tg")
    lookup({clips.text_key(t) for t in texts} | set(_kiosk_keys(lang)), lang)
    return ""
