"""The printable certificate and the check of its code."""

from pathlib import Path

from sqlalchemy import select

from lms.audit.models import AuditEntry
from lms.learn.models import Certificate

STATIC = Path(__file__).resolve().parents[2] / "static"


def _certificate(db, learner):
    return db.session.scalar(select(Certificate).where(Certificate.user_id == learner.id))


def test_printable_certificate_in_tajik_and_russian(staff, client, db, world, complete_course):
    cert = _certificate(db, complete_course("1001"))
    staff("officer")
    tajik = client.get(f"/review/certificates/{cert.id}?language=tg").text
    assert "Фарҳод Раҳимов" in tajik and "Курси намуна" in tajik and cert.code in tajik
    assert 'lang="tg"' in tajik and "Муассисаи ислоҳии №1" in tajik
    assert '<svg viewBox="0 0' in tajik and 'class="qr"' in tajik and " style=" not in tajik
    russian = client.get(f"/review/certificates/{cert.id}?language=ru").text
    assert "Пробный курс" in russian and 'lang="ru"' in russian
    assert "certificate.css" in russian
    css = (STATIC / "certificate.css").read_text()
    assert "@page { size: A4" in css
    # The staff member's own language did not change.
    assert "Check a certificate" in client.get("/review/certificates/verify").text
    assert len(db.session.scalars(select(AuditEntry).where(
        AuditEntry.action == "certificate.print")).all()) == 2


def test_any_staff_member_checks_a_code(staff, client, db, world, complete_course):
    cert = _certificate(db, complete_course("1001"))
    staff("officer2")  # another facility: may check, sees only the four facts
    loose = cert.code.lower().replace("-", " ")
    page = client.get(f"/review/certificates/verify?code={loose}").text
    assert "This certificate is genuine." in page
    assert "Фарҳод Раҳимов" in page and "Курси намуна" in page
    assert "Муассисаи ислоҳии №1" in page
    assert "1001" not in page and f"/review/learners/{cert.user_id}" not in page
    entry = db.session.scalar(select(AuditEntry).where(AuditEntry.action == "certificate.verify"))
    assert entry.details["found"] is True


def test_an_unknown_code_is_refused(staff, client, world):
    staff("lecturer")
    page = client.get("/review/certificates/verify?code=AAAA-BBBB").text
    assert "No certificate has this code." in page


def test_learners_cannot_check_codes(auth, client, world, terminal_cookie):
    auth.learner("1001", terminal_cookie=terminal_cookie("F1"))
    assert client.get("/review/certificates/verify?code=AAAA-BBBB").status_code == 404
