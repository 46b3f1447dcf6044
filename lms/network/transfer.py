"""Moving a learner between facilities: a signed transfer package carried by hand.

``transfer_out`` (at the old facility, or at headquarters, which holds the same rows) writes the
learner's whole record — account, progress, answers, events, days of activity, plan and
certificates — into a zip signed with the facility's Ed25519 key, and marks the learner inactive
there: the old facility keeps its rows as a read-only record of the time spent there.
``transfer_in`` (at the new facility) checks the signature against ``TRUSTED_KEYS`` and adds
the rows with the ids they have, in one transaction.

Nothing is counted twice: a row keeps its id wherever it goes, and each facility publishes only
the ids of its own range, so headquarters holds each row once, from the facility that made it;
bringing the same package in again adds nothing. What the learner does at the new facility is
made there, in its range, and reaches headquarters from there.
"""

from __future__ import annotations

import base64
import hashlib
import json
import zipfile
from dataclasses import dataclass
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import text
from sqlalchemy.engine import Connection

from ..content.package import parse_public_key, public_key_text

FORMAT = "umed-transfer-package"
BODY = "transfer.json"
SIGNATURE = "transfer.sig"
MAX_BYTES = 256 * 1024 * 1024

# What goes with the learner, and the columns that point at things of the old facility that
# the new one does not have (its staff and kiosks): they arrive empty.
HISTORY: dict[str, tuple[str, ...]] = {
    "lesson_progress": (),
    "attempts": ("terminal_id",),
    "events": ("terminal_id",),
    "activity_days": (),
    "plan_items": ("assigned_by_id",),
    "module_openings": ("opened_by_id",),
    "certificates": (),
}
KEYS = {"activity_days": "user_id, day, course_id"}


class TransferError(Exception):
    pass


@dataclass
class Arrived:
    learner_number: str
    counts: dict[str, int]  # rows added per table (0 for rows already here)


def _rows(conn: Connection, table: str, where: str, **params) -> list[dict]:
    return [r[0] for r in conn.execute(text(
        f"SELECT row_to_json(t) FROM {table} t WHERE {where}"), params)]  # noqa: S608


def transfer_out(conn: Connection, learner_number: str, key: Ed25519PrivateKey,
                 out: Path) -> dict[str, int]:
    """Write the package and mark the learner inactive here (in the caller's transaction)."""
    user = conn.execute(text(
        "SELECT row_to_json(u), u.id, u.facility_id FROM users u WHERE learner_number = :n"),
        {"n": learner_number}).first()
    if user is None:
        raise TransferError(f"no learner {learner_number} here")
    record, user_id, facility_id = user
    rows: dict[str, list[dict]] = {"users": [record]}
    rows["facilities"] = _rows(conn, "facilities", "id = :f", f=facility_id)
    for table in HISTORY:
        rows[table] = _rows(conn, table, "user_id = :u", u=user_id)
    body = json.dumps({
        "format": FORMAT, "version": 1, "learner_number": learner_number,
        "public_key": public_key_text(key.public_key()), "rows": rows,
    }, ensure_ascii=False, sort_keys=True).encode()
    signature = base64.b64encode(key.sign(body))
    with zipfile.ZipFile(out, "x", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(BODY, body)
        zf.writestr(SIGNATURE, signature)
    conn.execute(text("UPDATE users SET active = false, session_version = session_version + 1 "
                      "WHERE id = :u"), {"u": user_id})
    conn.execute(text("UPDATE kiosk_sessions SET ended_at = now(), end_reason = 'transfer' "
                      "WHERE user_id = :u AND ended_at IS NULL"), {"u": user_id})
    _audit(conn, "network.transfer_out", user_id, facility_id, {
        "learner_number": learner_number, "sha256": hashlib.sha256(body).hexdigest()})
    return {table: len(items) for table, items in rows.items()}


def read_package(path: Path, trusted_keys: list[str]) -> dict:
    trusted = [parse_public_key(k) for k in trusted_keys]
    if not trusted:
        raise TransferError("no trusted keys are configured (LMS_TRUSTED_KEYS): add the public "
                            "key of the facility that wrote the package")
    try:
        with zipfile.ZipFile(path) as zf:
            if sorted(zf.namelist()) != sorted([BODY, SIGNATURE]):
                raise TransferError("this is not a transfer package")
            if zf.getinfo(BODY).file_size > MAX_BYTES:
                raise TransferError("the transfer package is too large")
            body, signature = zf.read(BODY), zf.read(SIGNATURE)
    except (zipfile.BadZipFile, OSError) as exc:
        raise TransferError(f"the transfer package cannot be read: {exc}") from exc
    try:
        raw = base64.b64decode(signature.strip(), validate=True)
    except ValueError as exc:
        raise TransferError("the transfer package's signature is unreadable") from exc
    for key in trusted:
        try:
            key.verify(raw, body)
            break
        except InvalidSignature:
            continue
    else:
        raise TransferError("the transfer package is not signed by a trusted key")
    package = json.loads(body)
    if package.get("format") != FORMAT or package.get("version") != 1:
        raise TransferError("this is not a transfer package this version understands")
    return package


def transfer_in(conn: Connection, package: dict, facility_code: str,
                unit_name: str | None = None) -> Arrived:
    """Add the learner's record here, at ``facility_code`` (in the caller's transaction)."""
    facility_id = conn.scalar(text("SELECT id FROM facilities WHERE code = :c"),
                              {"c": facility_code})
    if facility_id is None:
        raise TransferError(f"no facility {facility_code} here")
    unit_id = None
    if unit_name:
        unit_id = conn.scalar(text("SELECT id FROM units WHERE facility_id = :f AND name = :n"),
                              {"f": facility_id, "n": unit_name})
        if unit_id is None:
            raise TransferError(f"no unit {unit_name} at {facility_code}")
    rows = package["rows"]
    (user,) = rows["users"]
    other = conn.execute(text("SELECT id FROM users WHERE learner_number = :n"),
                         {"n": user["learner_number"]}).scalar()
    if other is not None and other != user["id"]:
        raise TransferError(f"another account here already has the number "
                            f"{user['learner_number']}")
    counts = {"facilities": _insert(conn, "facilities", rows["facilities"])}
    user.update(facility_id=facility_id, unit_id=unit_id, active=True, failed_attempts=0,
                locked_until=None)
    conn.execute(text(
        "INSERT INTO users SELECT * FROM json_populate_record(NULL::users, CAST(:r AS json)) "
        "ON CONFLICT (id) DO UPDATE SET facility_id = EXCLUDED.facility_id, "
        "unit_id = EXCLUDED.unit_id, active = true, failed_attempts = 0, locked_until = NULL"),
        {"r": json.dumps(user)})
    counts["users"] = 0 if other is not None else 1
    for table, emptied in HISTORY.items():
        items = [dict(r, **{c: None for c in emptied}) for r in rows.get(table, [])]
        counts[table] = _insert(conn, table, items)
    _audit(conn, "network.transfer_in", user["id"], facility_id, {
        "learner_number": user["learner_number"], "rows": sum(counts.values())})
    return Arrived(user["learner_number"], counts)


def _insert(conn: Connection, table: str, items: list[dict]) -> int:
    if not items:
        return 0
    conflict = f"({KEYS.get(table, 'id')})"
    result = conn.execute(text(
        f"INSERT INTO {table} SELECT * FROM json_populate_recordset("  # noqa: S608
        f"NULL::{table}, CAST(:rows AS json)) ON CONFLICT {conflict} DO NOTHING"),
        {"rows": json.dumps(items)})
    return result.rowcount


def _audit(conn: Connection, action: str, subject_id: int, facility_id: int | None,
           details: dict) -> None:
    conn.execute(text(
        "INSERT INTO audit_entries (at, actor_id, action, subject_id, facility_id, details) "
        "VALUES (now(), NULL, :a, :s, :f, CAST(:d AS json))"),
        {"a": action, "s": subject_id, "f": facility_id, "d": json.dumps(details)})
