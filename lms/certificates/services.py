"""Finding a certificate by its short code, and the QR code that points to its check."""

from __future__ import annotations

import segno
from markupsafe import Markup
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from ..accounts.models import Facility
from ..codes import normalize_code
from ..extensions import db
from ..learn.models import Certificate

LANGUAGES = ("tg", "ru")


def find(raw_code: str) -> Certificate | None:
    """The certificate a code names, however it was typed ("k7m2q9xr", "K7M2 Q9XR"...)."""
    code = normalize_code(raw_code or "")
    if len(code) != 8:
        return None
    return db.session.scalar(
        select(Certificate).where(Certificate.code == f"{code[:4]}-{code[4:]}")
        .options(joinedload(Certificate.course)))


def facility_name(certificate: Certificate) -> str:
    """The facility where it was earned (the learner may have moved since)."""
    facility = db.session.get(Facility, certificate.facility_id) if certificate.facility_id else None
    return facility.name if facility else ""


def course_title(certificate: Certificate, lang: str) -> str:
    titles = certificate.course_titles or {}
    return titles.get(lang) or certificate.course.title(lang)


def qr_svg(url: str) -> Markup:
    """A QR code of ``url`` as inline SVG (a path with presentation attributes only)."""
    return Markup(segno.make(url, error="m").svg_inline(
        scale=4, border=2, dark="#000", omitsize=True, svgclass="qr", lineclass=None))
