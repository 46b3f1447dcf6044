"""A course's pictures and sounds: uploads checked by their content, where each file is used,
the places that still want a recording, and which texts are heard in a human voice, which in
the machine voice, and which not at all (``course_sounds``, a template global)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from flask_babel import gettext as _

from ..accounts.models import User
from ..content import media
from ..content.lesson import RECORD_RE, lesson_file_name
from ..content.models import Course, MediaFile
from ..extensions import db
from . import bp, drafts
from .drafts import StudioError
from .models import Revision

# What the studio takes (SVG drawings still come with imported course folders).
UPLOAD_TYPES = ("image/png", "image/jpeg", "image/webp", "audio/ogg", "audio/mpeg",
                "audio/mp4", "audio/webm", "audio/wav")
MAX_IMAGE_BYTES = 5 * 1024 * 1024
MAX_AUDIO_BYTES = 15 * 1024 * 1024
NAME_RE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,63}\.[a-z0-9]{2,4}$")


@dataclass
class Use:
    path: str
    lesson: str
    lang: str
    line: int
    label: str


def clean_name(filename: str) -> str:
    """The media name for an uploaded file's name; folders and odd characters are refused."""
    name = (filename or "").strip()
    if "/" in name or "\\" in name or ".." in name or name.startswith(".") or "\x00" in name:
        raise StudioError(_("%(name)s: a file name may not contain folders or start with a dot.",
                            name=name))
    name = name.lower()
    if not NAME_RE.match(name):
        raise StudioError(_("%(name)s: name the file with latin letters, digits and dashes, "
                            "then its kind (for example apple.png).", name=name))
    return name


def upload(course: Course, filename: str, data: bytes) -> MediaFile:
    """Store an uploaded picture or sound under ``media/<name>``; refuse anything that is not
    really what its name says, too big, or a different file under a name in use."""
    name = clean_name(filename)
    try:
        mime = media.identify(name, data)
    except media.MediaError as exc:
        raise StudioError(str(exc)) from exc
    if mime not in UPLOAD_TYPES:
        raise StudioError(_("%(name)s: pictures must be PNG, JPEG or WebP, sounds Ogg, MP3, "
                            "M4A, WebM or WAV.", name=name))
    limit = MAX_AUDIO_BYTES if mime.startswith("audio/") else MAX_IMAGE_BYTES
    if len(data) > limit:
        raise StudioError(_("%(name)s is too big (%(mb)s MB at most).", name=name,
                            mb=limit // (1024 * 1024)))
    full = f"media/{name}"
    digest = media.sha256(data)
    existing = next((m for m in course.media if m.name == full), None)
    if existing is not None:
        if existing.sha256 == digest:
            return existing
        raise StudioError(_("There is already a different file named %(name)s: choose another "
                            "name.", name=name))
    media.store(data)
    row = MediaFile(course_id=course.id, name=full, sha256=digest, mime=mime, size=len(data))
    course.media.append(row)
    db.session.flush()
    return row


def free_name(course: Course, stem: str, extension: str) -> str:
    """``stem.ext``, or ``stem-2.ext``… when the course has that name already."""
    names = {m.name for m in course.media}
    candidate, n = f"{stem}.{extension}", 1
    while f"media/{candidate}" in names:
        n += 1
        candidate = f"{stem}-{n}.{extension}"
    return candidate


def _uses(revisions: dict[str, Revision], kind: str) -> list[tuple[str, Use]]:
    found = []
    for path, revision in sorted(revisions.items()):
        parsed = lesson_file_name(path)
        if parsed is None:
            continue
        for ref_kind, target, label, line in revision.refs or []:
            if ref_kind == kind:
                found.append((target, Use(path, parsed[0], parsed[1], int(line), label)))
    return found


def usage(revisions: dict[str, Revision], listed: set[str]) -> dict[str, list[Use]]:
    """media name -> where the drafts of the course's lessons use it."""
    out: dict[str, list[Use]] = {}
    for target, use in _uses(revisions, "media"):
        if use.lesson in listed:
            out.setdefault(target, []).append(use)
    return out


def wanted_recordings(revisions: dict[str, Revision], listed: set[str]) -> list[tuple[str, Use]]:
    """(recording name, place) for every ``![label](record:name)`` in the drafts."""
    return [(target.removeprefix("record:"), use)
            for target, use in _uses(revisions, "record") if use.lesson in listed]


def fill_recording(course: Course, record: str, media_file: MediaFile, author: User,
                   revisions: dict[str, Revision], listed: set[str]) -> list[Revision]:
    """Put a saved recording wherever the drafts want ``record:<name>`` (a new revision of
    each file concerned)."""
    if not RECORD_RE.match(record):
        raise StudioError(_("There is no recording %(name)s to make.", name=record))
    mark = re.compile(r"\]\(\s*record:" + re.escape(record) + r"(?=[\s)])")
    saved = []
    for target, use in wanted_recordings(revisions, listed):
        if target != record or use.path in {r.path for r in saved}:
            continue
        text = mark.sub("](" + media_file.name, revisions[use.path].text)
        revision = drafts.save(course, use.path, text, author,
                               _("recording %(name)s added", name=record), revisions)
        if revision is not None:
            saved.append(revision)
    if not saved:
        raise StudioError(_("There is no recording %(name)s to make.", name=record))
    return saved


# -- the sounds of a course's texts ------------------------------------------------------------

@dataclass
class SoundList:
    """The clips of the published course: counts per language and source, and the texts in the
    order to record them (a literacy course's machine-voiced letters and syllables first)."""

    counts: dict[str, dict[str, int]]
    rows: list
    available: tuple[bool, str]
    machine_voice: dict[str, bool]


def is_letter_or_syllable(text: str) -> bool:
    """A letter or syllable of a literacy lesson («А а», «ба», «б — б — б»): every word has at
    most three letters, and there are at most four words."""
    words = [w for w in re.split(r"[^\w]+", text) if w]
    return 0 < len(words) <= 4 and all(len(w) <= 3 and w.isalpha() for w in words)


def _order(course: Course, row) -> tuple:
    from ..content.models import Category
    from ..speech.clips import HUMAN, MACHINE

    first = (course.category is Category.LITERACY and row.source == MACHINE
             and is_letter_or_syllable(row.text))
    rank = 0 if first else {"": 1, MACHINE: 2, HUMAN: 3}[row.source]
    return (rank, row.lang)


@bp.app_template_global()
def course_sounds(course: Course, lesson: str | None = None) -> SoundList:
    """What the studio shows of the sounds: for the whole course, or one lesson (its key)."""
    from ..speech import available
    from ..speech.clips import HUMAN, MACHINE, machine_voice_on, status

    rows = status(course)
    if lesson is not None:
        rows = [row for row in rows if lesson in row.places]
    counts: dict[str, dict[str, int]] = {}
    for row in rows:
        counts.setdefault(row.lang, {HUMAN: 0, MACHINE: 0, "": 0})[row.source] += 1
    rows.sort(key=lambda row: _order(course, row))
    voice = {lang: machine_voice_on(course, lang) for lang in counts}
    return SoundList(counts, rows, available(), voice)
