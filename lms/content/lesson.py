"""One lesson file in one language: front matter, pages, exercises and references, checked and
rendered. This is the whole pipeline from Markdown to stored HTML; import and (later) the
studio both go through ``build_lesson``."""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from typing import Any

from flask_babel import gettext as _
from markdown_it.token import Token

from .exercises import exercise_entry, exercise_refs, parse_quiz
from .gift import Question
from .markdown import (
    BOXES,
    Ref,
    Resolver,
    is_quiz,
    normalize_newlines,
    parse,
    references,
    render_tokens,
)
from .media import expected_mime
from .problems import Problems
from .yamlio import LineDict, YamlError
from .yamlio import load as load_yaml

LANGS = ("tg", "ru")
FRONT_MATTER_KEYS = ("id", "title", "minutes", "attempts", "pass_mark", "placement")
REQUIRED_KEYS = ("id", "title", "minutes")
RANGES = {"minutes": (1, 600), "attempts": (0, 100), "pass_mark": (0, 100)}
QUIZ_OPTIONS = ("read",)
RECORD_RE = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
# Course slugs, module and lesson ids: lowercase latin letters, digits and dashes.
ID_RE = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")
_HTML_TAG_RE = re.compile(r"</?[A-Za-z][A-Za-z0-9-]*(\s[^<>]*)?/?>")


@dataclass
class LessonVersion:
    key: str
    lang: str
    path: str
    text: str
    title: str = ""
    minutes: int | None = None
    attempts: int | None = None
    pass_mark: int | None = None
    placement: bool | None = None
    lines: dict[str, int] = field(default_factory=dict)  # front-matter key -> line
    pages: list[str] = field(default_factory=list)
    questions: list[Question] = field(default_factory=list)
    exercises: list[dict[str, Any]] = field(default_factory=list)  # Exercise.data[lang]
    refs: list[Ref] = field(default_factory=list)
    # Exercises of ```quiz read``` blocks: their prompts are read by the learner, not heard.
    reading: set[str] = field(default_factory=set)

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.text.encode("utf-8")).hexdigest()

    def settings(self) -> dict[str, Any]:
        return {"minutes": self.minutes, "attempts": self.attempts,
                "pass_mark": self.pass_mark, "placement": self.placement}


def _front_matter(version: LessonVersion, token: Token, problems: Problems) -> None:
    path = version.path
    try:
        meta = load_yaml(token.content, first_line=2)
    except YamlError as exc:
        problems.error(path, exc.line, _("bad front matter: %(error)s", error=exc.message))
        return
    if not isinstance(meta, LineDict):
        problems.error(path, 1, _("the front matter must be keys and values (id:, title:, …)"))
        return
    for key, line in meta.duplicates:
        problems.error(path, line, _("%(key)s is written twice", key=key))
    for key in meta:
        if key not in FRONT_MATTER_KEYS:
            problems.error(path, meta.line_of(key),
                           _("unknown front-matter key %(key)s (allowed: %(allowed)s)",
                             key=key, allowed=", ".join(FRONT_MATTER_KEYS)))
    for key in REQUIRED_KEYS:
        if key not in meta:
            problems.error(path, meta.line, _("missing front-matter key %(key)s", key=key))
    version.lines = {str(k): meta.line_of(k) for k in meta}
    for key in ("id", "title"):
        if key in meta and (not isinstance(meta[key], str) or not meta[key].strip()):
            problems.error(path, meta.line_of(key), _("%(key)s must be text", key=key))
    if isinstance(meta.get("id"), str) and meta["id"] != version.key:
        problems.error(path, meta.line_of("id"),
                       _("id %(id)s does not match the file name (%(key)s)",
                         id=meta["id"], key=version.key))
    if isinstance(meta.get("title"), str):
        version.title = meta["title"].strip()
        if len(version.title) > 200:
            problems.error(path, meta.line_of("title"), _("the title is too long (200 at most)"))
    for key, (low, high) in RANGES.items():
        value = meta.get(key)
        if key not in meta:
            continue
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            problems.error(path, meta.line_of(key), _("%(key)s must be a whole number from "
                                                      "%(low)s to %(high)s",
                                                      key=key, low=low, high=high))
        else:
            setattr(version, key, value)
    if "placement" in meta:
        if isinstance(meta["placement"], bool):
            version.placement = meta["placement"]
        else:
            problems.error(path, meta.line_of("placement"), _("placement must be true or false"))


def _is_page_break(token: Token, lines: list[str]) -> bool:
    if token.type != "hr" or token.level != 0 or not token.map:
        return False
    row = token.map[0]
    return lines[row].rstrip() == "---" and row > 0 and not lines[row - 1].strip()


def _quiz(version: LessonVersion, token: Token, lines: list[str], problems: Problems,
          seen: dict[str, int]) -> list[Question]:
    start, end = token.map or (0, 0)
    closing = lines[end - 1].strip() if end - 1 > start else ""
    fence_char = (token.markup or "`")[0]
    if not closing or set(closing) != {fence_char} or len(closing) < len(token.markup):
        problems.error(version.path, start + 1, _("the quiz block is not closed (```)"))
    for row in range(start + 1, end):
        if lines[row].rstrip() == "---":
            problems.error(version.path, row + 1,
                           _("a page break (---) cannot be inside a quiz block"))
    questions = parse_quiz(token.content, start + 2, version.path, problems)
    options = token.info.split()[1:]
    for option in options:
        if option not in QUIZ_OPTIONS:
            problems.warn(version.path, start + 1, _("unknown quiz option %(name)s (use "
                                                     "“quiz read”)", name=option))
    kept = []
    for question in questions:
        if question.id in seen:
            problems.error(version.path, question.line,
                           _("exercise id %(id)s is used twice in this lesson (first on line "
                             "%(line)s)", id=question.id, line=seen[question.id]))
            continue
        seen[question.id] = question.line
        kept.append(question)
        if "read" in options:
            version.reading.add(question.id)
    token.meta["exercises"] = [q.id for q in kept]
    return kept


def _check_refs(version: LessonVersion, media: set[str] | None, problems: Problems) -> None:
    path = version.path
    for ref in version.refs:
        if ref.kind == "link":
            problems.warn(path, ref.line, _("link %(url)s leaves the platform: it is shown as "
                                            "plain text", url=ref.target))
        elif ref.kind == "foreign":
            problems.error(path, ref.line, _("%(target)s: pictures and sounds must be files in "
                                             "the course's media/ folder", target=ref.target))
        elif ref.kind == "record":
            name = ref.target[len("record:"):]
            if not RECORD_RE.match(name):
                problems.error(path, ref.line, _("recording name %(name)s: use lowercase latin "
                                                 "letters, digits and dashes", name=name))
            if not ref.label:
                problems.error(path, ref.line, _("a wanted recording needs a label: "
                                                 "![label](record:name)"))
        else:
            mime = expected_mime(ref.target) or ""
            if media is not None and ref.target not in media:
                problems.error(path, ref.line, _("%(name)s does not exist", name=ref.target))
            elif not mime:
                problems.error(path, ref.line, _("%(name)s is not a picture or a sound file",
                                                 name=ref.target))
            if not ref.label:
                problems.error(path, ref.line,
                               _("sound without a label: ![what it says](%(name)s)",
                                 name=ref.target) if mime.startswith("audio/") else
                               _("picture without alt text: ![what it shows](%(name)s)",
                                 name=ref.target))


def _hints(version: LessonVersion, tokens: list[Token], problems: Problems) -> None:
    """Warnings for things that are probably mistakes (raw HTML, unknown boxes)."""
    for token in tokens:
        if token.type != "inline" or not token.map:
            continue
        if token.content.startswith(":::"):
            name = token.content[3:].strip().split("\n", 1)[0].strip()
            if name.split(" ", 1)[0] not in BOXES:
                problems.warn(version.path, token.map[0] + 1,
                              _("unknown box %(name)s (use note, tip or warning)", name=name))
        if any(c.type == "text" and "<" in c.content and _HTML_TAG_RE.search(c.content)
               for c in token.children or []):
            problems.warn(version.path, token.map[0] + 1, _("HTML is not allowed: it is shown "
                                                            "as text"))


def build_lesson(text: str, *, key: str, lang: str, path: str, resolve: Resolver | None,
                 media: set[str] | None, problems: Problems) -> LessonVersion:
    """Check and render one lesson file. ``media`` is the set of existing ``media/…`` names
    (None: don't check), ``resolve`` turns a name into its URL."""
    version = LessonVersion(key=key, lang=lang, path=path, text=text)
    lines = normalize_newlines(text).split("\n")
    tokens = parse(text)
    if tokens and tokens[0].type == "front_matter":
        _front_matter(version, tokens[0], problems)
        tokens = tokens[1:]
    elif lines[0].rstrip() == "---":
        problems.error(path, 1, _("the front matter is not closed: end it with a line ---"))
    else:
        problems.error(path, 1, _("the lesson must start with front matter (---, id:, title:, "
                                  "minutes:, ---)"))
    pages: list[list[Token]] = [[]]
    breaks: list[int] = [1]
    seen: dict[str, int] = {}
    for token in tokens:
        if _is_page_break(token, lines):
            pages.append([])
            breaks.append(token.map[0] + 1 if token.map else 1)
            continue
        pages[-1].append(token)
        if is_quiz(token):
            for question in _quiz(version, token, lines, problems, seen):
                version.questions.append(question)
                version.exercises.append(exercise_entry(
                    question, len(pages) - 1, resolve, reading=question.id in version.reading))
    for index, page in enumerate(pages):
        if not page:
            problems.error(path, breaks[index],
                           _("page %(n)s is empty", n=index + 1) if index or len(pages) > 1
                           else _("the lesson has no text"))
    version.refs = references(tokens)
    for question in version.questions:
        version.refs += exercise_refs(question)
    _check_refs(version, media, problems)
    _hints(version, tokens, problems)
    version.pages = [render_tokens(page, resolve) for page in pages]
    return version


def lesson_file_name(name: str) -> tuple[str, str] | None:
    """``("letters-a", "tg")`` for ``letters-a.tg.md``; None for any other name."""
    parts = name.split(".")
    if len(parts) == 3 and parts[2] == "md" and parts[1] in LANGS:
        return parts[0], parts[1]
    return None


def is_valid_id(key: Any) -> bool:
    return isinstance(key, str) and bool(ID_RE.match(key))
