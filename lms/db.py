"""SQLAlchemy base, naming convention and the shared session."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, DateTime, Integer, MetaData, TypeDecorator, event
from sqlalchemy.engine import Engine
from sqlalchemy.orm import DeclarativeBase, registry

from . import clock

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UTCDateTime(TypeDecorator[datetime]):
    """A timezone-aware datetime on every engine (SQLite stores naive UTC)."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):  # type: ignore[override]
        if value is not None and value.tzinfo is None:
            raise ValueError("naive datetime given to a timezone-aware column")
        return value

    def process_result_value(self, value, dialect):  # type: ignore[override]
        return clock.aware(value)


class Base(DeclarativeBase):
    registry = registry(
        metadata=MetaData(naming_convention=NAMING_CONVENTION),
        # 64-bit integers on PostgreSQL: each facility of a national network numbers its rows
        # in its own range (lms.network.ranges); SQLite keeps INTEGER (its rowid is 64-bit).
        type_annotation_map={datetime: UTCDateTime(),
                             int: BigInteger().with_variant(Integer(), "sqlite")},
    )


@event.listens_for(Engine, "connect")
def _sqlite_pragmas(dbapi_connection, connection_record):  # pragma: no cover - driver hook
    """WAL, foreign keys and a busy timeout on every SQLite connection."""
    module = type(dbapi_connection).__module__
    if not module.startswith("sqlite3"):
        return
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA foreign_keys=ON")
    cursor.execute("PRAGMA busy_timeout=5000")
    cursor.execute("PRAGMA journal_mode=WAL")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.close()
    # Let us, not the driver, open transactions (see below), so SAVEPOINTs work (SQLAlchemy's
    # documented recipe for pysqlite).
    dbapi_connection.isolation_level = None


READS = ("SELECT", "PRAGMA", "EXPLAIN")


@event.listens_for(Engine, "before_cursor_execute")
def _sqlite_write_begins(conn, cursor, statement, parameters, context, executemany):
    """On SQLite, reads run outside any transaction and the first write opens one with
    ``BEGIN IMMEDIATE``.

    SQLite allows one writer at a time. Opening the transaction at the first read would hold
    the write lock through the whole request (and block every other request's writes) while it
    only reads; a deferred transaction that reads and then writes fails at once with "database
    is locked" when another request wrote meanwhile, because the busy timeout cannot help it.
    So each read sees what is committed when it runs (as PostgreSQL's READ COMMITTED does),
    and a request holds the lock only from its first write to its commit, waiting for it
    within the busy timeout. Answers stay exactly once by their unique client id.
    """
    if conn.dialect.name != "sqlite":
        return
    dbapi = conn.connection.dbapi_connection
    if dbapi is None or dbapi.in_transaction:
        return
    if statement.lstrip()[:7].upper().startswith(READS):
        return
    dbapi.execute("BEGIN IMMEDIATE")
