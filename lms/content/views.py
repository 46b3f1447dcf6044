"""Serving stored media files and sound clips by their content hash; the template helpers
that put speakers beside texts."""

from __future__ import annotations

import re

from flask import abort, send_file
from sqlalchemy import select

from ..extensions import db
from ..speech import sounds
from ..speech.clips import Clip
from . import bp
from .media import path_for
from .models import MediaFile

_NAME_RE = re.compile(r"^([0-9a-f]{64})(?:\.[a-z0-9]{2,4})?$")
SVG_CSP = "default-src 'none'; style-src 'unsafe-inline'"


@bp.get("/media/<name>")
def media(name: str):
    """A media file; its URL names its content, so it may be cached forever."""
    match = _NAME_RE.match(name)
    if match is None:
        abort(404)
    sha = match.group(1)
    mime = db.session.scalar(select(MediaFile.mime).where(MediaFile.sha256 == sha).limit(1))
    path = path_for(sha)
    if mime is None or not path.is_file():
        abort(404)
    response = send_file(path, mimetype=mime, etag=sha, conditional=True, max_age=31536000)
    response.headers["Cache-Control"] = "public, max-age=31536000, immutable"
    response.headers["X-Content-Type-Options"] = "nosniff"
    if mime == "image/svg+xml":
        response.headers["Content-Security-Policy"] = SVG_CSP
    return response


@bp.get("/clips/<name>")
def clip(name: str):
    """A clip; its URL names its content, so it may be cached forever."""
    sha, _dot, _ext = name.partition(".")
    if len(sha) != 64 or any(ch not in "0123456789abcdef" for ch in sha):
        abort(404)
    mime = db.session.scalar(select(Clip.mime).where(Clip.sha256 == sha).limit(1))
    path = path_for(sha)
    if mime is None or not path.is_file():
        abort(404)
    response = send_file(path, mimetype=mime, etag=sha, conditional=True, max_age=31536000)
    response.headers["Cache-Control"] = "public, max-age=31536000, immutable"
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


# The speakers the kiosk's and the studio's templates put beside texts.
for _helper in (sounds.page_sounds, sounds.exercise_sounds, sounds.say, sounds.preload_sounds):
    bp.add_app_template_global(_helper)
