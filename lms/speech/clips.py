"""Clips: the sound of every text a learner sees, made once, stored like other media.

A ``Clip`` is one text (by the SHA-256 of its normalized form) in one language, from one
source: ``human`` (a sound file the course puts on the text, the studio's recorder) or
``machine`` (:func:`lms.speech.speak`, stamped with ``VOICE_VERSION``). The bytes are stored by
their content hash in the media folder (:mod:`lms.content.media`); a machine clip that could not
be made keeps its row with no hash and the reason.

:func:`make_for_course` runs after an import or a publication (never while a learner waits):
it finds every text of the course (:func:`course_texts`), records the human recordings, and
makes the machine clips that are missing or were made by another ``VOICE_VERSION``. A text that
did not change keeps its clip; a changed text is a new text, so it gets a new clip. Services
here add and flush, never commit.
"""

from __future__ import annotations

import io
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from html import unescape

from flask import current_app
from flask_babel import gettext as _
from sqlalchemy import Float, String, Text, UniqueConstraint, select, tuple_
from sqlalchemy.orm import Mapped, mapped_column

from .. import clock
from ..content.speaker_marks import mark_page, normalize, say_markers, spoken_text, text_key
from ..extensions import db

__all__ = ["HUMAN", "MACHINE", "Clip", "mark_page", "normalize", "say_markers", "spoken_text",
           "text_key"]

HUMAN, MACHINE = "human", "machine"
MAX_TEXT = 5000

_AUDIO = re.compile(r'<button type="button" class="audio-btn" data-src="/media/([0-9a-f]{64})'
                    r'\.[a-z0-9]{2,4}" hidden(?:="")?>(.*?)</button>', re.S)


class Clip(db.Model):
    __tablename__ = "clips"
    __table_args__ = (UniqueConstraint("text_sha256", "lang", "source"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    text_sha256: Mapped[str] = mapped_column(String(64), index=True)
    lang: Mapped[str] = mapped_column(String(8))
    source: Mapped[str] = mapped_column(String(8))  # "human" | "machine"
    voice_version: Mapped[int] = mapped_column(default=0)  # machine clips only
    text: Mapped[str] = mapped_column(Text)
    sha256: Mapped[str | None] = mapped_column(String(64), index=True)  # None: not made
    mime: Mapped[str] = mapped_column(String(32), default="audio/ogg")
    size: Mapped[int] = mapped_column(default=0)
    duration: Mapped[float] = mapped_column(Float, default=0.0)  # seconds
    reason: Mapped[str] = mapped_column(String(300), default="")  # why it is missing
    created_at: Mapped[datetime] = mapped_column(default=clock.now)
    updated_at: Mapped[datetime] = mapped_column(default=clock.now, onupdate=clock.now)

    @property
    def url(self) -> str:
        from ..content.media import MEDIA_TYPES

        return f"/clips/{self.sha256}.{MEDIA_TYPES.get(self.mime, 'ogg')}"


# -- texts -----------------------------------------------------------------------------------

@dataclass
class Texts:
    """A course's texts in one language: text -> where it is ("lesson key" or "" for the
    course itself), in order; and the human recordings found on its pages."""

    lang: str
    places: dict[str, list[str]] = field(default_factory=dict)
    human: dict[str, str] = field(default_factory=dict)  # text -> media sha256

    def add(self, text: str, where: str) -> None:
        text = normalize(text)
        if text and len(text) <= MAX_TEXT and any(ch.isalnum() for ch in text):
            places = self.places.setdefault(text, [])
            if where not in places:
                places.append(where)


def exercise_texts(entry: dict) -> list[str]:
    """The texts of one exercise (``Exercise.data[lang]``) a learner hears; none for a
    ```quiz read``` prompt (the learner reads it), though its choices and feedback are heard."""
    html = entry.get("html") or {}
    reading = bool(entry.get("reading"))
    out = [] if reading else [html.get("text", ""), html.get("tail", "")]
    out.append(html.get("general_feedback", ""))
    texts = [spoken_text(t) for t in out if t]
    for answer in html.get("answers", []):
        # A picture answer says its name, unless the learner is to read the word and find it.
        texts += [spoken_text(answer.get("text", ""), pictures=not reading),
                  spoken_text(answer.get("feedback", "")),
                  spoken_text(answer.get("match", ""), pictures=not reading)]
    return [t for t in texts if t]


def course_texts(course) -> dict[str, Texts]:
    """lang -> every text of ``course`` a learner sees in that language."""
    from ..content.models import Exercise, Lesson, LessonContent

    found = {lang: Texts(lang) for lang in (course.languages or ["tg"])}
    for lang, texts in found.items():
        texts.add(course.title(lang), "")
        texts.add(course.description(lang), "")
        for module in course.modules:
            if module.retired_at is None:
                texts.add(module.title(lang), "")
    contents = db.session.execute(
        select(Lesson.key, LessonContent).join(LessonContent.lesson)
        .where(Lesson.course_id == course.id, Lesson.retired_at.is_(None))
        .order_by(Lesson.position)).all()
    for key, content in contents:
        texts = found.setdefault(content.lang, Texts(content.lang))
        texts.add(content.title, key)
        for page in content.pages:
            for text in say_markers(page):
                texts.add(text, key)
            for sha, label in _AUDIO.findall(page):
                label = normalize(unescape(label))
                if label:
                    texts.human.setdefault(label, sha)
    exercises = db.session.execute(
        select(Lesson.key, Exercise).join(Exercise.lesson)
        .where(Lesson.course_id == course.id, Lesson.retired_at.is_(None),
               Exercise.retired_at.is_(None))
        .order_by(Lesson.position, Exercise.position)).all()
    for key, exercise in exercises:
        for lang, entry in (exercise.data or {}).items():
            texts = found.setdefault(lang, Texts(lang))
            for text in exercise_texts(entry):
                texts.add(text, key)
    return found


# -- making clips ------------------------------------------------------------------------------

def duration_of(data: bytes) -> float:
    """Seconds of sound in ``data`` (0 when libsndfile cannot read it)."""
    try:
        import soundfile

        with soundfile.SoundFile(io.BytesIO(data)) as fh:
            return fh.frames / float(fh.samplerate) if fh.samplerate else 0.0
    except Exception:  # noqa: BLE001  (any unreadable file: unknown length, not an error)
        return 0.0


def machine_voice_on(course, lang: str) -> bool:
    from ..content.course_settings import kiosk_of

    return bool(kiosk_of(course).machine_voice.get(lang, True))


@dataclass
class Report:
    made: int = 0
    kept: int = 0
    human: int = 0
    missing: int = 0
    reasons: dict[str, int] = field(default_factory=dict)


def _existing(keys: Iterable[tuple[str, str]]) -> dict[tuple[str, str, str], Clip]:
    keys = list(keys)
    out: dict[tuple[str, str, str], Clip] = {}
    for start in range(0, len(keys), 500):
        chunk = keys[start:start + 500]
        for clip in db.session.scalars(
                select(Clip).where(tuple_(Clip.text_sha256, Clip.lang).in_(chunk))):
            out[(clip.text_sha256, clip.lang, clip.source)] = clip
    return out


def store_human(text: str, lang: str, sha: str, mime: str, data: bytes | None = None,
                existing: Clip | None = None) -> Clip:
    """Record ``sha`` (a stored sound file) as the human recording of ``text``."""
    key = text_key(text)
    clip = existing or db.session.scalar(select(Clip).where(
        Clip.text_sha256 == key, Clip.lang == lang, Clip.source == HUMAN))
    if clip is None:
        clip = Clip(text_sha256=key, lang=lang, source=HUMAN, text=normalize(text))
        db.session.add(clip)
    if clip.sha256 != sha:
        from ..content import media

        data = data if data is not None else media.read(sha)
        clip.sha256, clip.mime, clip.size = sha, mime, len(data)
        clip.duration, clip.reason = duration_of(data), ""
    return clip


def make_clip(text: str, lang: str, clip: Clip | None = None) -> Clip:
    """Make (or make again) the machine clip of ``text``; on failure the row keeps the reason."""
    from ..content import media
    from . import VOICE_VERSION, SpeechUnavailable, speak

    if clip is None:
        clip = Clip(text_sha256=text_key(text), lang=lang, source=MACHINE, text=normalize(text))
        db.session.add(clip)
    try:
        data = speak(clip.text, lang)
    except SpeechUnavailable as exc:
        clip.sha256, clip.size, clip.duration, clip.reason = None, 0, 0.0, str(exc)[:300]
    else:
        clip.sha256, clip.mime, clip.size = media.store(data), "audio/ogg", len(data)
        clip.duration, clip.reason = duration_of(data), ""
    clip.voice_version = VOICE_VERSION
    return clip


def _wanted(texts: Texts, existing: dict) -> list[str]:
    from . import VOICE_VERSION

    todo = []
    for text in texts.places:
        key = text_key(text)
        human = existing.get((key, texts.lang, HUMAN))
        if human is not None and human.sha256:
            continue
        machine = existing.get((key, texts.lang, MACHINE))
        if machine is None or machine.voice_version != VOICE_VERSION or not machine.sha256:
            todo.append(text)
    return todo


def make_for_course(course, progress: Callable | None = None,
                    only: Iterable[str] | None = None, machine: bool = True) -> Report:
    """Record the course's human recordings and make its missing machine clips (``only``:
    restrict to these texts, e.g. a published lesson's; ``machine=False``: the recordings
    only, which is quick). Flushes, never commits."""
    from ..content.models import MediaFile
    from . import available

    report = Report()
    found = course_texts(course)
    keep = {normalize(t) for t in only} if only is not None else None
    mimes = dict(db.session.execute(
        select(MediaFile.sha256, MediaFile.mime).where(MediaFile.course_id == course.id)).all())
    ok, why = available()
    jobs: list[tuple[str, str, Clip | None]] = []
    for lang, texts in found.items():
        if keep is not None:
            texts.places = {t: p for t, p in texts.places.items() if t in keep}
        existing = _existing({(text_key(t), lang) for t in [*texts.places, *texts.human]})
        for text, sha in texts.human.items():
            clip = store_human(text, lang, sha, mimes.get(sha, "audio/ogg"),
                               existing=existing.get((text_key(text), lang, HUMAN)))
            existing[(clip.text_sha256, lang, HUMAN)] = clip
            report.human += 1
        if not machine or not machine_voice_on(course, lang):
            continue
        todo = _wanted(texts, existing)
        report.kept += len(texts.places) - len(todo)
        jobs += [(text, lang, existing.get((text_key(text), lang, MACHINE))) for text in todo]
    items = progress(jobs) if progress else jobs
    for text, lang, clip in items:
        if not ok:
            clip = clip or Clip(text_sha256=text_key(text), lang=lang, source=MACHINE,
                                text=normalize(text))
            db.session.add(clip)
            clip.sha256, clip.reason = None, why[:300]
        else:
            clip = make_clip(text, lang, clip)
        if clip.sha256:
            report.made += 1
        else:
            report.missing += 1
            report.reasons[clip.reason] = report.reasons.get(clip.reason, 0) + 1
    db.session.flush()
    return report


def make_kiosk_words() -> Report:
    """The machine clips of the kiosk's own words (``words.KIOSK_WORDS``) in every language
    that have none; made once, then kept."""
    from . import LANGUAGES, available
    from .words import kiosk_words

    report = Report()
    ok, why = available()
    for lang in LANGUAGES:
        words = [normalize(w) for w in kiosk_words(lang)]
        existing = _existing({(text_key(w), lang) for w in words})
        todo = _wanted(Texts(lang, dict.fromkeys(words, [""])), existing)
        report.kept += len(words) - len(todo)
        for word in todo if ok else ():
            clip = make_clip(word, lang, existing.get((text_key(word), lang, MACHINE)))
            report.made += bool(clip.sha256)
            report.missing += not clip.sha256
        if not ok:
            report.missing += len(todo)
            report.reasons[why] = report.reasons.get(why, 0) + len(todo)
    db.session.flush()
    return report


def after_import(course, progress: Callable | None = None, only: Iterable[str] | None = None,
                 machine: bool = True) -> Report | None:
    """What the importer calls: make the course's clips unless the configuration says not to
    (``MACHINE_CLIPS``, off in tests unless a test turns it on); a failing engine never fails
    the import. ``machine=False`` (a studio publication, whose machine clips are made after
    it is committed: ``later``) records the human recordings only."""
    if not current_app.config.get("MACHINE_CLIPS", True):
        return None
    report = make_for_course(course, progress, only, machine=machine)
    if machine:
        make_kiosk_words()
    from .cache import forget

    forget()
    return report


# -- reading clips back --------------------------------------------------------------------

@dataclass
class Status:
    """One text of a course in one language and the clip a learner would hear."""

    text: str
    lang: str
    places: list[str]
    clip: Clip | None
    source: str  # "human" | "machine" | "" (missing)
    reason: str = ""


def status(course) -> list[Status]:
    """Every text of the course with the clip it gets, human first, then machine."""
    found = course_texts(course)
    rows: list[Status] = []
    for lang, texts in found.items():
        existing = _existing({(text_key(t), lang) for t in texts.places})
        voice = machine_voice_on(course, lang)
        for text, places in texts.places.items():
            key = text_key(text)
            human = existing.get((key, lang, HUMAN))
            machine = existing.get((key, lang, MACHINE))
            if human is not None and human.sha256:
                rows.append(Status(text, lang, places, human, HUMAN))
            elif not voice:
                rows.append(Status(text, lang, places, None, "",
                                   _("The machine voice is turned off for this language")))
            elif machine is not None and machine.sha256:
                rows.append(Status(text, lang, places, machine, MACHINE))
            else:
                reason = machine.reason if machine is not None and machine.reason else _(
                    "Not made yet (run: lms content clips --make)")
                rows.append(Status(text, lang, places, None, "", reason))
    return rows


def playable(keys: Iterable[str], lang: str, machine: bool = True) -> dict[str, Clip]:
    """text key -> the clip to play (a human recording before a machine clip), in one query."""
    keys = list(set(keys))
    if not keys:
        return {}
    sources = [HUMAN, MACHINE] if machine else [HUMAN]
    out: dict[str, Clip] = {}
    for clip in db.session.scalars(select(Clip).where(
            Clip.text_sha256.in_(keys), Clip.lang == lang, Clip.sha256.is_not(None),
            Clip.source.in_(sources))):
        if clip.text_sha256 not in out or clip.source == HUMAN:
            out[clip.text_sha256] = clip
    return out
