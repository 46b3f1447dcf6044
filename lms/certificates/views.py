"""The printable certificate (A4, Tajik or Russian) and the staff page that checks a code."""

from __future__ import annotations

from flask import abort, render_template, request, url_for
from flask_babel import force_locale
from flask_login import current_user

from ..accounts.access import ensure_facility, officer_required, staff_required
from ..audit.services import record as audit
from ..extensions import db
from ..i18n import current_language
from ..learn.models import Certificate
from . import bp, services


@bp.get("/<int:certificate_id>")
@officer_required
def print_page(certificate_id: int):
    certificate = db.session.get(Certificate, certificate_id) or abort(404)
    ensure_facility(current_user, certificate.user.facility_id)
    language = request.args.get("language")
    if language not in services.LANGUAGES:
        language = current_language() if current_language() in services.LANGUAGES else "tg"
    audit(current_user, "certificate.print", subject=certificate.user, ip=request.remote_addr,
          code=certificate.code, language=language)
    db.session.commit()
    verify_url = url_for("certificates.verify", code=certificate.code, _external=True)
    with force_locale(language):
        return render_template(
            "certificates/certificate.html", certificate=certificate, language=language,
            course_title=services.course_title(certificate, language),
            facility=services.facility_name(certificate), qr=services.qr_svg(verify_url),
            verify_url=verify_url)


@bp.get("/verify")
@staff_required
def verify():
    """Any staff member may check a code; they see only name, course, date and facility."""
    code = request.args.get("code", "").strip()
    certificate = services.find(code) if code else None
    if code:
        audit(current_user, "certificate.verify", subject=certificate.user if certificate else None,
              ip=request.remote_addr, code=code[:20], found=certificate is not None)
        db.session.commit()
    lang = current_language()
    return render_template(
        "certificates/verify.html", code=code, certificate=certificate,
        course_title=services.course_title(certificate, lang) if certificate else "",
        facility=services.facility_name(certificate) if certificate else "")
