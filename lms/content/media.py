"""Media files: type detection by magic bytes and storage by SHA-256 content hash.

Files live in ``current_app.config["MEDIA_DIR"]`` as ``<sha[:2]>/<sha>``; the same picture used
by two courses is stored once. Nothing is ever overwritten (a hash names one content), so
writing a file outside a transaction is harmless: an import that fails leaves at worst an
unreferenced file behind.
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from pathlib import Path, PurePosixPath

from flask import current_app
from flask_babel import gettext as _

MAX_MEDIA_BYTES = 64 * 1024 * 1024

IMAGE_TYPES = {
    "image/png": "png",
    "image/jpeg": "jpg",
    "image/webp": "webp",
    "image/svg+xml": "svg",
}
AUDIO_TYPES = {
    "audio/ogg": "ogg",
    "audio/mpeg": "mp3",
    "audio/mp4": "m4a",
    "audio/webm": "webm",
    "audio/wav": "wav",
}
MEDIA_TYPES = {**IMAGE_TYPES, **AUDIO_TYPES}

# What each file name extension promises.
EXTENSIONS = {
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".webp": "image/webp",
    ".svg": "image/svg+xml",
    ".ogg": "audio/ogg",
    ".oga": "audio/ogg",
    ".opus": "audio/ogg",
    ".mp3": "audio/mpeg",
    ".m4a": "audio/mp4",
    ".webm": "audio/webm",
    ".wav": "audio/wav",
}

SHA256_RE = re.compile(r"^[0-9a-f]{64}$")
_MP4_BRANDS = {b"M4A ", b"M4B ", b"mp41", b"mp42", b"isom", b"iso2", b"dash"}
_SVG_START = re.compile(rb"^(\s|<\?xml[^>]*\?>|<!--.*?-->)*<svg[\s>]", re.S)


class MediaError(ValueError):
    """A media file that cannot be used (unknown type, wrong extension, too big)."""


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def detect_mime(data: bytes) -> str | None:
    """The media type the bytes really are, from their first bytes; None if not one we serve."""
    head = data[:64]
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "image/webp"
    if head[:4] == b"RIFF" and head[8:12] == b"WAVE":
        return "audio/wav"
    if head.startswith(b"OggS"):
        return "audio/ogg"
    if head.startswith(b"ID3") or (len(head) > 2 and head[0] == 0xFF and head[1] & 0xE0 == 0xE0
                                   and head[1] & 0x06 != 0):
        return "audio/mpeg"
    if head[4:8] == b"ftyp" and head[8:12] in _MP4_BRANDS:
        return "audio/mp4"
    if head.startswith(b"\x1a\x45\xdf\xa3"):
        return "audio/webm"
    text = data[:4096].lstrip(b"\xef\xbb\xbf")
    if _SVG_START.match(text):
        return "image/svg+xml"
    return None


def expected_mime(name: str) -> str | None:
    """The type a file name promises by its extension (None for an unknown extension)."""
    return EXTENSIONS.get(PurePosixPath(name).suffix.lower())


def is_audio_name(name: str) -> bool:
    return (expected_mime(name) or "").startswith("audio/")


def identify(name: str, data: bytes) -> str:
    """Check that ``data`` really is what ``name`` says; return its media type or raise."""
    wanted = expected_mime(name)
    if wanted is None:
        raise MediaError(_("%(name)s: unknown kind of file (use PNG, JPEG, WebP or SVG pictures, "
                           "Ogg, MP3, M4A, WebM or WAV sound)", name=name))
    if len(data) > MAX_MEDIA_BYTES:
        raise MediaError(_("%(name)s is too big (%(mb)s MB at most)",
                           name=name, mb=MAX_MEDIA_BYTES // (1024 * 1024)))
    actual = detect_mime(data)
    if actual is None:
        raise MediaError(_("%(name)s is not a real %(kind)s file (its content is of an unknown "
                           "kind)", name=name, kind=MEDIA_TYPES[wanted].upper()))
    if actual != wanted:
        raise MediaError(_("%(name)s is named like a %(kind)s file but is really %(actual)s",
                           name=name, kind=MEDIA_TYPES[wanted].upper(),
                           actual=MEDIA_TYPES[actual].upper()))
    return actual


def url_for_media(sha: str, mime: str) -> str:
    """The URL a stored file is served at (see ``views.media``)."""
    return f"/media/{sha}.{MEDIA_TYPES[mime]}"


def media_dir() -> Path:
    return Path(current_app.config["MEDIA_DIR"])


def path_for(sha: str, root: Path | None = None) -> Path:
    if not SHA256_RE.match(sha):
        raise ValueError("not a SHA-256 hex digest")
    return (root or media_dir()) / sha[:2] / sha


def store(data: bytes, root: Path | None = None) -> str:
    """Store bytes under their hash (atomically, once); return the hash."""
    digest = sha256(data)
    target = path_for(digest, root)
    if target.exists():
        return digest
    target.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".tmp-")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.chmod(tmp, 0o644)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return digest


def read(sha: str, root: Path | None = None) -> bytes:
    return path_for(sha, root).read_bytes()
