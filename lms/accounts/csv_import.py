"""Bulk import of learners from CSV: all rows or none."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from flask_babel import gettext as _
from sqlalchemy import select

from ..extensions import db
from . import services as accounts
from .messages import account_error
from .models import Facility, Unit

COLUMNS = ("learner_number", "full_name", "facility", "unit", "pin")
# The csv module's own limit on one field; a longer field is a bad row like any other.
FIELD_LIMIT = 131_072


@dataclass
class RowError:
    line: int
    message: str

    def __str__(self) -> str:
        return _("line %(line)d: %(message)s", line=self.line, message=self.message)


class ImportFailed(ValueError):
    def __init__(self, errors: list[RowError]):
        super().__init__("; ".join(str(e) for e in errors))
        self.errors = errors


def import_learners(data: bytes | str, progress=None) -> int:
    """Create every learner in the CSV, or raise ImportFailed listing every bad row.

    The CSV has a header row with the columns learner_number, full_name, facility (code or
    name), unit (name, may be empty) and pin. Nothing is flushed unless every row is good."""
    text = data.decode("utf-8-sig") if isinstance(data, bytes) else data.lstrip("\ufeff")
    reader = csv.DictReader(io.StringIO(text))
    try:
        fieldnames = reader.fieldnames or []
    except csv.Error as exc:
        raise ImportFailed([_unreadable(1, exc)]) from exc
    missing = [c for c in COLUMNS if c not in fieldnames]
    if missing:
        raise ImportFailed([RowError(1, _("missing columns: %(columns)s",
                                            columns=", ".join(missing)))])
    facilities = {f.code: f for f in db.session.scalars(select(Facility))}
    facilities.update({f.name: f for f in list(facilities.values())})
    rows: list[tuple[int, dict[str, str]]] = []
    errors: list[RowError] = []
    previous = reader.line_num
    try:
        for row in reader:
            rows.append((previous + 1, row))  # the line where the row starts
            previous = reader.line_num
    except csv.Error as exc:  # the rest of the file cannot be read: report where it stopped
        errors.append(_unreadable(previous + 1, exc))
    seen: set[str] = set()
    savepoint = db.session.begin_nested()
    for line, row in progress(rows) if progress else rows:
        number = (row.get("learner_number") or "").strip()
        facility = facilities.get((row.get("facility") or "").strip())
        if facility is None:
            errors.append(RowError(line, _("unknown facility “%(name)s”",
                                           name=row.get("facility") or "")))
            continue
        unit = _unit(facility, (row.get("unit") or "").strip())
        if unit is False:
            errors.append(RowError(line, _("unknown unit “%(name)s”", name=row.get("unit") or "")))
            continue
        if number in seen:
            errors.append(RowError(line, _("learner number %(number)s appears twice",
                                           number=number)))
            continue
        seen.add(number)
        try:
            accounts.create_learner(number, row.get("full_name") or "", facility,
                                    unit or None, (row.get("pin") or "").strip())
        except accounts.AccountError as exc:
            errors.append(RowError(line, account_error(exc)))
    if errors:
        savepoint.rollback()
        raise ImportFailed(errors)
    savepoint.commit()
    return len(rows)


def _unreadable(line: int, error: csv.Error) -> RowError:
    if "field limit" in str(error):
        return RowError(line, _("a field is longer than %(limit)d characters",
                                limit=FIELD_LIMIT))
    return RowError(line, _("this line cannot be read as CSV"))


def _unit(facility: Facility, name: str) -> Unit | None | bool:
    if not name:
        return None
    for unit in facility.units:
        if unit.name == name:
            return unit
    return False
