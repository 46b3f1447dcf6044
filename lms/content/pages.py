"""A lesson page as the engine hands it over: its text and the slots where exercises stand.

The Markdown renderer writes one placeholder per exercise into a page's HTML (``slot``); this
is the one place that knows its form. Views lay out ``Page.parts`` and never parse HTML."""

from __future__ import annotations

import re
from dataclasses import dataclass
from html import escape

_SLOT = re.compile(r'<div class="exercise" data-exercise="([A-Za-z0-9_-]+)"></div>\n?')


def slot(key: str) -> str:
    """The placeholder of exercise ``key`` in a page's HTML."""
    return f'<div class="exercise" data-exercise="{escape(key)}"></div>\n'


@dataclass(frozen=True)
class Part:
    """A run of safe HTML (``html``), or the slot of one exercise (``exercise``: its key)."""

    html: str = ""
    exercise: str = ""


@dataclass(frozen=True)
class Page:
    parts: tuple[Part, ...]

    @property
    def exercise_keys(self) -> list[str]:
        return [part.exercise for part in self.parts if part.exercise]


def split_page(html: str) -> Page:
    """``html`` as text parts and exercise slots, in order."""
    pieces = _SLOT.split(html)  # text, key, text, key, …
    parts = [Part(exercise=piece) if i % 2 else Part(html=piece)
             for i, piece in enumerate(pieces) if i % 2 or piece.strip()]
    return Page(tuple(parts))
