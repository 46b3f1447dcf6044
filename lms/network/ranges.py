"""Ids unique across the country: facility N numbers its rows from N × 10^12.

Headquarters is number 0 (ids 1 … 10^12 − 1, where a database that never joined a network
already is). Facility N's sequences run from N × 10^12 + 1 to (N + 1) × 10^12 − 1, a trillion
rows each, and numbers go up to 9,223,371 in a 64-bit id. An id therefore says where the row
was made, which is what each facility's publication filters on.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import text
from sqlalchemy.engine import Connection

from ..extensions import db

SPAN = 10**12
MAX_NUMBER = (2**63 - 1) // SPAN - 1

# The rows a facility makes and headquarters must see, with the column whose id says where
# each row was made. Content (courses and what is in them) is made at headquarters.
FACILITY_TABLES: dict[str, str] = {
    "facilities": "id",
    "units": "id",
    "users": "id",
    "terminals": "id",
    "lesson_progress": "id",
    "attempts": "id",
    "events": "id",
    "activity_days": "user_id",
    "plan_items": "id",
    "module_openings": "id",
    "certificates": "id",
    "audit_entries": "id",
}
# Made only where they are used, never replicated: sign-in sessions and enrollment codes.
LOCAL_TABLES = ("kiosk_sessions", "enrollment_codes")
# Headquarters → facilities: a course and everything a kiosk needs to show it.
COURSE_TABLES = ("courses", "modules", "lessons", "lesson_contents", "lesson_snapshots",
                 "exercises", "media_files")
# What ``renumber`` moves into a facility's range: every table with its own id that a facility
# writes (its course tables stay: they come from headquarters).
RENUMBERED = tuple(t for t, c in FACILITY_TABLES.items() if c == "id") + LOCAL_TABLES


class RangeError(Exception):
    pass


@dataclass(frozen=True)
class Range:
    number: int

    @property
    def low(self) -> int:
        return max(1, self.number * SPAN)

    @property
    def high(self) -> int:
        return (self.number + 1) * SPAN - 1

    def sql(self, column: str) -> str:
        """The publication's row filter (constants only, as PostgreSQL requires)."""
        return f"({column} >= {self.low} AND {column} <= {self.high})"


def check_number(number: int) -> Range:
    if not 0 <= number <= MAX_NUMBER:
        raise RangeError(f"a facility number is between 1 and {MAX_NUMBER} (0 is headquarters)")
    return Range(number)


def sequences(conn: Connection) -> dict[str, str]:
    """table → the sequence behind its ``id`` column."""
    found = {}
    for table in db.metadata.sorted_tables:  # every model is loaded once the app is made
        if "id" not in table.c:
            continue
        seq = conn.scalar(text("SELECT pg_get_serial_sequence(:t, 'id')"), {"t": table.name})
        if seq:
            found[table.name] = seq
    return found


def current_number(conn: Connection) -> int | None:
    """The facility number this database numbers its rows with (None: never set)."""
    row = conn.execute(text(
        "SELECT min_value, max_value FROM pg_sequences WHERE schemaname = current_schema() "
        "AND sequencename = 'users_id_seq'")).first()
    if row is None or row.max_value > 2**62:
        return None
    return row.max_value // SPAN


def number_sequences(conn: Connection, rng: Range) -> None:
    """Make every sequence hand out ids from the range (after the rows already in it)."""
    for table, seq in sequences(conn).items():
        top = conn.scalar(text(
            f"SELECT max(id) FROM {table} WHERE id BETWEEN :lo AND :hi"),  # noqa: S608
            {"lo": rng.low, "hi": rng.high})
        start = (top or rng.low - 1) + 1
        conn.execute(text(
            f"ALTER SEQUENCE {seq} MINVALUE {rng.low} MAXVALUE {rng.high} NO CYCLE START WITH {start} "
            f"RESTART WITH {start}"))


def _references(table_names: tuple[str, ...]):
    """Every (table, column) that holds an id of one of ``table_names``, with its FK."""
    for table in db.metadata.sorted_tables:  # every model is loaded once the app is made
        for fk in table.foreign_keys:
            if fk.column.table.name in table_names and fk.column.name == "id":
                yield table.name, fk.parent.name, fk.constraint


def renumber(conn: Connection, rng: Range) -> dict[str, int]:
    """Move every row a facility made into its range, with every reference to it, in the
    caller's transaction; return the number of rows moved per table.

    A row is moved when its id is outside every facility's range (below 10^12: made before the
    network); ids already in a range are left alone, so running it twice changes nothing.
    Foreign keys are dropped and made again (checked) around the update, and the audit log's
    append-only trigger is paused for it: the entries' ids change, never their content.
    """
    if rng.number == 0:
        return {}
    offset = rng.number * SPAN
    refs = list(_references(RENUMBERED))
    constraints = {(t, fk.name): fk for t, _c, fk in refs}
    for (table, name), _fk in constraints.items():
        conn.execute(text(f'ALTER TABLE {table} DROP CONSTRAINT "{name}"'))
    conn.execute(text("ALTER TABLE audit_entries DISABLE TRIGGER audit_entries_no_change"))
    moved = {}
    for table in RENUMBERED:
        moved[table] = conn.execute(text(
            f"UPDATE {table} SET id = id + {offset} WHERE id < {SPAN}")).rowcount  # noqa: S608
    for table, column, _fk in refs:
        conn.execute(text(
            f"UPDATE {table} SET {column} = {column} + {offset} "  # noqa: S608
            f"WHERE {column} < {SPAN}"))
    conn.execute(text("ALTER TABLE audit_entries ENABLE TRIGGER audit_entries_no_change"))
    for (table, name), fk in constraints.items():
        cols = ", ".join(c.name for c in fk.columns)
        target = fk.referred_table.name
        refcols = ", ".join(e.column.name for e in fk.elements)
        on_delete = f" ON DELETE {fk.ondelete}" if fk.ondelete else ""
        conn.execute(text(
            f'ALTER TABLE {table} ADD CONSTRAINT "{name}" FOREIGN KEY ({cols}) '
            f"REFERENCES {target} ({refcols}){on_delete}"))
    return moved
