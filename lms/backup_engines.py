"""The database side of backups: SQLite and PostgreSQL copied, dumped, restored, counted.

SQLite is copied with the online backup API inside one read transaction of the source, so
writers go on (WAL) and the copy is the database as it was when the copy started. PostgreSQL
is dumped with ``pg_dump --format=custom`` on a snapshot exported by the transaction that counts
the rows, and restored with ``pg_restore`` in one transaction. The PostgreSQL client tools get
the connection string without the password, which they find in ``PGPASSWORD``.
"""

from __future__ import annotations

import contextlib
import os
import sqlite3
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Protocol

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import create_engine, exists, func, inspect, select, table, text
from sqlalchemy.engine import URL, Connection
from sqlalchemy.pool import NullPool

STEP_PAGES = 1024  # SQLite pages per step of the online backup (4 MiB with 4 KiB pages)
NOT_DATA = {"alembic_version"}  # a migrated but empty database is still "empty"


class BackupError(RuntimeError):
    """Why a backup or a restore stopped; ``str()`` gives the translated reason."""


class Bar(Protocol):
    def update(self, n_steps: int) -> None: ...


Progress = Callable[[str, int], contextlib.AbstractContextManager[Bar]]


class _Quiet:
    def update(self, n_steps: int) -> None:
        pass


@contextlib.contextmanager
def no_progress(label: str, length: int) -> Iterator[Bar]:
    yield _Quiet()


def sqlite_copy(source_path: Path, target_path: Path, progress: Progress, label: str,
                standalone: bool = False) -> None:
    """Copy a SQLite database page by page inside one read transaction of the source;
    ``standalone`` leaves the copy in rollback-journal mode: one file, no -wal beside it."""
    source = sqlite3.connect(source_path, isolation_level=None, timeout=30)
    target = sqlite3.connect(target_path, isolation_level=None, timeout=30)
    try:
        source.execute("BEGIN")
        pages = source.execute("PRAGMA page_count").fetchone()[0]  # the snapshot starts here
        with progress(label, pages) as bar:
            done = [0]

            def step(_status: int, remaining: int, total: int) -> None:
                bar.update(total - remaining - done[0])
                done[0] = total - remaining

            source.backup(target, pages=STEP_PAGES, progress=step)
        source.execute("ROLLBACK")
        if standalone:
            target.execute("PRAGMA journal_mode=DELETE")
        result = target.execute("PRAGMA integrity_check").fetchone()[0]
        if result != "ok":
            raise BackupError(_l("The copied database is damaged: %(error)s", error=result))
    finally:
        source.close()
        target.close()


def sqlite_facts(path: Path) -> tuple[dict[str, int], str | None]:
    """Rows per table and the schema revision of a SQLite file."""
    conn = sqlite3.connect(path)
    try:
        names = [row[0] for row in conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")]
        quoted = {name: '"' + name.replace('"', '""') + '"' for name in names}
        counts = {name: conn.execute(f"SELECT count(*) FROM {quoted[name]}").fetchone()[0]
                  for name in sorted(names)}
        revision = None
        if "alembic_version" in counts:
            row = conn.execute("SELECT version_num FROM alembic_version").fetchone()
            revision = row[0] if row else None
        return counts, revision
    finally:
        conn.close()


def _pg_facts(conn: Connection) -> tuple[dict[str, int], str | None]:
    names = sorted(inspect(conn).get_table_names())
    counts = {name: int(conn.scalar(select(func.count()).select_from(table(name))) or 0)
              for name in names}
    revision = None
    if "alembic_version" in counts:
        revision = conn.scalar(text("SELECT version_num FROM alembic_version"))
    return counts, revision


def has_rows(url: URL) -> bool:
    if url.get_backend_name() == "sqlite":
        path = Path(url.database or "")
        if not path.exists():
            return False
        counts, _revision = sqlite_facts(path)
        return any(n for name, n in counts.items() if name not in NOT_DATA)
    engine = create_engine(url, poolclass=NullPool)
    try:
        with engine.connect() as conn:
            return any(conn.scalar(select(exists().select_from(table(name))))
                       for name in inspect(conn).get_table_names() if name not in NOT_DATA)
    finally:
        engine.dispose()


def _libpq(url: URL) -> tuple[str, dict[str, str]]:
    """A libpq connection string without the password, which goes in the environment."""
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    dsn = url.set(drivername="postgresql", password=None).render_as_string(hide_password=False)
    return dsn, env


def _pg_tool(args: list[str], env: dict[str, str], progress: Progress, label: str,
             tables: int, marker: str) -> None:
    """Run pg_dump or pg_restore --verbose, moving the bar one step per table of data."""
    try:
        proc = subprocess.Popen(args, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                stderr=subprocess.PIPE, text=True, env=env)
    except FileNotFoundError as exc:
        raise BackupError(_l("%(tool)s is not installed (Debian package postgresql-client).",
                             tool=args[0])) from exc
    problems: list[str] = []
    with proc, progress(label, tables) as bar:
        assert proc.stderr is not None
        for line in proc.stderr:
            if marker in line:
                bar.update(1)
            elif "error" in line.lower() or "fatal" in line.lower():
                problems.append(line.strip())
    if proc.returncode != 0:
        raise BackupError(_l("%(tool)s failed: %(error)s", tool=args[0],
                             error=" ".join(problems[-5:]) or proc.returncode))


def pg_dump(url: URL, out: Path, progress: Progress) -> tuple[dict[str, int], str | None]:
    engine = create_engine(url, poolclass=NullPool)
    dsn, env = _libpq(url)
    try:
        with engine.connect().execution_options(isolation_level="REPEATABLE READ") as conn:
            conn.execute(text("SET TRANSACTION READ ONLY"))
            snapshot = conn.scalar(text("SELECT pg_export_snapshot()"))
            counts, revision = _pg_facts(conn)
            _pg_tool(["pg_dump", "--format=custom", "--verbose", f"--snapshot={snapshot}",
                      f"--file={out}", dsn], env, progress, _("Dumping the database"),
                     len(counts), "dumping contents of table")
            conn.rollback()
    finally:
        engine.dispose()
    return counts, revision


def pg_counts(url: URL) -> dict[str, int]:
    engine = create_engine(url, poolclass=NullPool)
    try:
        with engine.connect() as conn:
            return _pg_facts(conn)[0]
    finally:
        engine.dispose()


def pg_restore(dump: Path, url: URL, progress: Progress, tables: int) -> None:
    """Replace the objects of the dump in the database, all in one transaction."""
    dsn, env = _libpq(url)
    _pg_tool(["pg_restore", "--clean", "--if-exists", "--no-owner", "--no-privileges",
              "--single-transaction", "--exit-on-error", "--verbose", "-d", dsn, str(dump)],
             env, progress, _("Restoring the database"), tables, "processing data for table")
