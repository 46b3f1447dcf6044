"""Publications and subscriptions: what each database sends, and to whom.

A facility (number N ≥ 1) publishes ``umed_facility``: the tables of ``ranges.FACILITY_TABLES``,
each filtered to the ids of its own range, so that a learner's history brought in from another
facility (a transfer) is never sent a second time. Headquarters (number 0) publishes
``umed_courses`` and subscribes to every facility as ``umed_from_<code>``; each facility
subscribes to the courses as ``umed_courses_for_<number>`` (the name of its slot at
headquarters). ``CREATE SUBSCRIPTION`` needs a superuser on PostgreSQL 15.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import text
from sqlalchemy.engine import Connection, Engine

from .ranges import COURSE_TABLES, FACILITY_TABLES, Range, RangeError, current_number

FACILITY_PUBLICATION = "umed_facility"
COURSE_PUBLICATION = "umed_courses"
FROM_PREFIX = "umed_from_"
COURSES_PREFIX = "umed_courses_for_"


class NetworkError(Exception):
    pass


def subscription_name(facility_code: str) -> str:
    slug = re.sub(r"[^a-z0-9_]+", "_", facility_code.lower()).strip("_")
    if not slug:
        raise NetworkError(f"{facility_code!r} cannot name a subscription")
    return FROM_PREFIX + slug


def _number(conn: Connection) -> int:
    number = current_number(conn)
    if number is None:
        raise RangeError("this database has no facility number yet: run "
                         "`lms network facility-init --number N` first (0 for headquarters)")
    return number


def _exists(conn: Connection, catalog: str, column: str, name: str) -> bool:
    where = f"{column} = :n"
    if catalog == "pg_subscription":  # shared by every database of the cluster
        where += " AND subdbid = (SELECT oid FROM pg_database WHERE datname = current_database())"
    return bool(conn.scalar(text(f"SELECT 1 FROM {catalog} WHERE {where}"),  # noqa: S608
                            {"n": name}))


def publication_tables(number: int) -> str:
    if number == 0:
        return ", ".join(COURSE_TABLES)
    rng = Range(number)
    return ", ".join(f"{table} WHERE {rng.sql(column)}" for table, column in
                     FACILITY_TABLES.items())


def publish(conn: Connection) -> str:
    """Create (or bring up to date) this database's publication; return its name."""
    if conn.scalar(text("SHOW wal_level")) != "logical":
        raise NetworkError("wal_level is not logical: set `wal_level = logical` in "
                           "postgresql.conf and restart PostgreSQL")
    number = _number(conn)
    name = COURSE_PUBLICATION if number == 0 else FACILITY_PUBLICATION
    tables = publication_tables(number)
    if _exists(conn, "pg_publication", "pubname", name):
        conn.execute(text(f"ALTER PUBLICATION {name} SET TABLE {tables}"))
    else:
        conn.execute(text(f"CREATE PUBLICATION {name} FOR TABLE {tables}"))
    return name


def subscribe(engine: Engine, dsn: str, facility_code: str | None) -> str:
    """Headquarters: subscribe to a facility (``facility_code``). A facility: subscribe to
    headquarters' courses (``facility_code`` None). Copies the rows already there, then
    streams. Runs outside a transaction, as PostgreSQL requires."""
    with engine.connect() as conn:
        number = _number(conn)
        conn.rollback()
    if facility_code is not None:
        if number != 0:
            raise NetworkError("only headquarters (number 0) subscribes to facilities")
        name, publication = subscription_name(facility_code), FACILITY_PUBLICATION
    else:
        if number == 0:
            raise NetworkError("headquarters subscribes to facilities: give --facility")
        name, publication = f"{COURSES_PREFIX}{number}", COURSE_PUBLICATION
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        if _exists(conn, "pg_subscription", "subname", name):
            conn.execute(text(f"ALTER SUBSCRIPTION {name} CONNECTION {_literal(conn, dsn)}"))
            conn.execute(text(f"ALTER SUBSCRIPTION {name} ENABLE"))
            conn.execute(text(f"ALTER SUBSCRIPTION {name} REFRESH PUBLICATION"))
        else:
            conn.execute(text(
                f"CREATE SUBSCRIPTION {name} CONNECTION {_literal(conn, dsn)} "
                f"PUBLICATION {publication} WITH (copy_data = true)"))
    return name


def _literal(conn: Connection, value: str) -> str:
    return conn.scalar(text("SELECT quote_literal(:v)"), {"v": value})


def set_enabled(engine: Engine, name: str, enabled: bool) -> None:
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        if not _exists(conn, "pg_subscription", "subname", name):
            raise NetworkError(f"there is no subscription {name}")
        conn.execute(text(f"ALTER SUBSCRIPTION {name} {'ENABLE' if enabled else 'DISABLE'}"))


def remove(engine: Engine, name: str, reachable: bool = True) -> None:
    """Drop a subscription. The rows it brought stay. When the other side cannot be reached
    (``reachable`` False) its slot stays there: drop it there with
    ``SELECT pg_drop_replication_slot('<name>')``, or it keeps WAL without end."""
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        if not _exists(conn, "pg_subscription", "subname", name):
            raise NetworkError(f"there is no subscription {name}")
        if not reachable:
            conn.execute(text(f"ALTER SUBSCRIPTION {name} DISABLE"))
            conn.execute(text(f"ALTER SUBSCRIPTION {name} SET (slot_name = NONE)"))
        conn.execute(text(f"DROP SUBSCRIPTION {name}"))


def unpublish(conn: Connection) -> list[str]:
    dropped = []
    for name in (FACILITY_PUBLICATION, COURSE_PUBLICATION):
        if _exists(conn, "pg_publication", "pubname", name):
            conn.execute(text(f"DROP PUBLICATION {name}"))
            dropped.append(name)
    return dropped


@dataclass
class Link:
    """One subscription as this database sees it."""

    name: str
    enabled: bool
    streaming: bool
    copying: int            # tables still being copied
    received_lsn: str | None
    applied_lsn: str | None
    behind_bytes: int | None
    last_heard: datetime | None
    newest_row_at: datetime | None
    facility_code: str | None


@dataclass
class Slot:
    """One replication slot here: somebody subscribed to this database."""

    name: str
    active: bool
    behind_bytes: int | None
    wal_kept_bytes: int | None


LINKS = text("""
SELECT s.subname AS name, s.subenabled AS enabled, st.pid,
       st.received_lsn::text AS received_lsn, o.remote_lsn::text AS applied_lsn,
       greatest(pg_wal_lsn_diff(st.received_lsn, o.remote_lsn), 0)::bigint AS behind_bytes,
       st.last_msg_receipt_time AS last_heard,
       (SELECT count(*) FROM pg_subscription_rel r
         WHERE r.srsubid = s.oid AND r.srsubstate <> 'r') AS copying
  FROM pg_subscription s
  LEFT JOIN pg_stat_subscription st ON st.subid = s.oid AND st.relid IS NULL
  LEFT JOIN pg_replication_origin_status o ON o.external_id = 'pg_' || s.oid
 WHERE s.subdbid = (SELECT oid FROM pg_database WHERE datname = current_database())
 ORDER BY s.subname
""")

SLOTS = text("""
SELECT slot_name AS name, active,
       pg_wal_lsn_diff(pg_current_wal_lsn(), confirmed_flush_lsn)::bigint AS behind_bytes,
       pg_wal_lsn_diff(pg_current_wal_lsn(), restart_lsn)::bigint AS wal_kept_bytes
  FROM pg_replication_slots
 WHERE database = current_database() AND slot_type = 'logical'
 ORDER BY slot_name
""")


def links(conn: Connection) -> list[Link]:
    """Every subscription of this database: streaming, how far behind, last heard from, and
    (for a facility's) when the newest event it sent was made there."""
    codes = {FROM_PREFIX + re.sub(r"[^a-z0-9_]+", "_", code.lower()).strip("_"): (code, fid)
             for code, fid in conn.execute(text("SELECT code, id FROM facilities"))}
    found = []
    for row in conn.execute(LINKS).mappings():
        code, facility_id = codes.get(row["name"], (None, None))
        newest = None
        if facility_id is not None:
            rng = Range(facility_id // 10**12)
            newest = conn.scalar(text(
                "SELECT at FROM events WHERE id BETWEEN :lo AND :hi ORDER BY id DESC LIMIT 1"),
                {"lo": rng.low, "hi": rng.high})
        found.append(Link(
            name=row["name"], enabled=row["enabled"],
            streaming=bool(row["enabled"] and row["pid"] and not row["copying"]),
            copying=row["copying"], received_lsn=row["received_lsn"],
            applied_lsn=row["applied_lsn"], behind_bytes=row["behind_bytes"],
            last_heard=row["last_heard"], newest_row_at=newest, facility_code=code))
    return found


def slots(conn: Connection) -> list[Slot]:
    return [Slot(**row) for row in conn.execute(SLOTS).mappings()]
