"""Backups and restores: a live SQLite database under writes, damaged archives, refusing to
overwrite, and a PostgreSQL round trip on scratch databases of its own."""

from __future__ import annotations

import contextlib
import io
import json
import os
import sqlite3
import tarfile
import threading
from pathlib import Path

import pytest
from sqlalchemy import create_engine, insert, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

from lms import backup, backup_engines, clock, create_app
from lms.extensions import db
from tests.conftest import PG_URL, _pg_url, make_config


def new_app(tmp: Path, url: str | None = None, *, migrate: bool = True):
    config = make_config(tmp, "sqlite")
    if url is not None:
        config["SQLALCHEMY_DATABASE_URI"] = url
    app = create_app(config)
    if migrate:
        from lms.migrate import upgrade

        with app.app_context():
            upgrade()
            db.engine.dispose()
    return app


def fill(app, prefilled: int = 2000) -> dict[str, bytes]:
    """The demo people, ``prefilled`` events and two media files; returns the media by hash."""
    from lms import demo
    from lms.accounts.services import find_learner
    from lms.content import media
    from lms.learn.models import Event

    pictures = [b"<svg xmlns='http://www.w3.org/2000/svg'/>", os.urandom(5000)]
    with app.app_context():
        demo.seed()
        learner = find_learner("1001")
        db.session.execute(insert(Event), [
            {"user_id": learner.id, "facility_id": learner.facility_id, "verb": "experienced",
             "object_type": "page", "object_id": i, "client_id": f"p{i}", "at": clock.now()}
            for i in range(prefilled)])
        stored = {media.store(data): data for data in pictures}
        db.session.commit()
        db.engine.dispose()
    return stored


def sqlite_path(app) -> Path:
    return Path(make_url(app.config["SQLALCHEMY_DATABASE_URI"]).database or "")


def event_ids(path: Path) -> list[str]:
    conn = sqlite3.connect(path)
    try:
        return [row[0] for row in conn.execute("SELECT client_id FROM events")]
    finally:
        conn.close()


def cli(app, *args: str):
    return app.test_cli_runner().invoke(args=["lms", *args])


class Writer(threading.Thread):
    """Keeps committing events through the app's models until told to stop (or 20,000)."""

    def __init__(self, app):
        super().__init__(daemon=True)
        self.app = app
        self.committed: list[str] = []
        self.more = threading.Condition()
        self.stop = threading.Event()
        self.error: BaseException | None = None

    def run(self) -> None:
        from lms.accounts.services import find_learner
        from lms.learn import events

        try:
            with self.app.app_context():
                learner = find_learner("1002")
                for i in range(20_000):
                    if self.stop.is_set():
                        break
                    events.record(learner, "answered", "exercise", i, client_id=f"w{i}")
                    db.session.commit()
                    with self.more:
                        self.committed.append(f"w{i}")
                        self.more.notify_all()
        except BaseException as exc:  # reported by the test
            self.error = exc

    def wait_for(self, count: int) -> None:
        with self.more:
            assert self.more.wait_for(lambda: len(self.committed) >= count, timeout=10)


def test_backup_of_a_live_sqlite_database(tmp_path, monkeypatch):
    source = new_app(tmp_path / "source")
    pictures = fill(source)
    monkeypatch.setattr(backup_engines, "STEP_PAGES", 8)  # many small steps, writes between them
    writer = Writer(source)
    writer.start()
    writer.wait_for(20)
    steps: list[int] = []

    @contextlib.contextmanager
    def progress(label: str, length: int):
        class Bar:
            def update(self, n: int) -> None:
                if not steps:  # the copy has begun: let the writer commit more rows
                    writer.wait_for(len(writer.committed) + 30)
                steps.append(n)

        yield Bar()

    archive = tmp_path / "umed.tar.gz"
    try:
        before = list(writer.committed)  # every row committed before the backup started
        manifest = backup.create_backup(
            archive, database_url=source.config["SQLALCHEMY_DATABASE_URI"],
            media_dir=Path(source.config["MEDIA_DIR"]), progress=progress)
        during = len(writer.committed) - len(before)
    finally:
        writer.stop.set()
        writer.join(10)
    assert writer.error is None
    assert during >= 30 and len(steps) > 3

    target = new_app(tmp_path / "restored", migrate=False)
    result = cli(target, "restore", str(archive))
    assert result.exit_code == 0, result.output

    restored = sqlite_path(target)
    conn = sqlite3.connect(restored)
    try:
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
        assert conn.execute("SELECT count(*) FROM events").fetchone()[0] == \
            manifest["tables"]["events"]
    finally:
        conn.close()
    ids = event_ids(restored)
    assert set(before) <= set(ids)
    assert {f"p{i}" for i in range(2000)} <= set(ids)
    # A consistent snapshot: the writer's rows are exactly its first k, without a gap.
    written = sorted(int(i[1:]) for i in ids if i.startswith("w"))
    assert written == list(range(len(written)))
    assert len(before) <= len(written) < len(writer.committed)
    media = Path(target.config["MEDIA_DIR"])
    assert {p.name: p.read_bytes() for p in media.rglob("*") if p.is_file()} == pictures
    assert manifest["schema_revision"] and manifest["tables"]["users"] > 0
    assert sorted(manifest["members"]) == sorted(
        ["database.sqlite3", *(f"media/{sha[:2]}/{sha}" for sha in pictures)])


@pytest.fixture
def archive(tmp_path):
    """A backup (through the command) of a small SQLite database."""
    source = new_app(tmp_path / "source")
    fill(source, prefilled=50)
    out = tmp_path / "backups"
    out.mkdir()
    result = cli(source, "backup", str(out))
    assert result.exit_code == 0, result.output
    (path,) = out.glob("umed-*.tar.gz")
    assert cli(source, "backup", str(path)).exit_code != 0  # never overwritten
    return path


def repack(original: Path, out: Path, change) -> Path:
    """Copy an archive, letting ``change(name, data)`` alter (or drop, with None) members."""
    with tarfile.open(original) as src, tarfile.open(out, "w:gz") as dst:
        for member in src.getmembers():
            data = change(member.name, src.extractfile(member).read())
            if data is not None:
                member.size = len(data)
                dst.addfile(member, io.BytesIO(data))
    return out


def restore(app, path: Path, force: bool = False) -> dict:
    return backup.restore_backup(path, database_url=app.config["SQLALCHEMY_DATABASE_URI"],
                                 media_dir=Path(app.config["MEDIA_DIR"]), force=force)


def test_restore_refuses_a_damaged_archive(tmp_path, archive):
    target = new_app(tmp_path / "target", migrate=False)
    data = archive.read_bytes()
    truncated = tmp_path / "truncated.tar.gz"
    truncated.write_bytes(data[: len(data) // 2])
    flipped = tmp_path / "flipped.tar.gz"
    flipped.write_bytes(data[:200] + bytes([data[200] ^ 0xFF]) + data[201:])

    def flip_database(name, content):
        if name != "database.sqlite3":
            return content
        middle = len(content) // 2
        return content[:middle] + bytes([content[middle] ^ 1]) + content[middle + 1:]

    def miscount(name, content):
        if name != "manifest.json":
            return content
        manifest = json.loads(content)
        manifest["tables"]["events"] += 1
        return json.dumps(manifest).encode()

    damaged = [
        truncated,
        flipped,
        repack(archive, tmp_path / "member.tar.gz", flip_database),
        repack(archive, tmp_path / "nomanifest.tar.gz",
               lambda name, content: None if name == "manifest.json" else content),
        repack(archive, tmp_path / "counts.tar.gz", miscount),
    ]
    for path in damaged:
        with pytest.raises(backup.BackupError):
            restore(target, path)
        assert not sqlite_path(target).exists() or not event_ids(sqlite_path(target))
    result = cli(target, "restore", str(truncated))
    assert result.exit_code == 1


def test_restore_refuses_unexpected_entries(tmp_path, archive):
    evil = tmp_path / "evil.tar.gz"
    with tarfile.open(archive) as src, tarfile.open(evil, "w:gz") as dst:
        for member in src.getmembers():
            dst.addfile(member, src.extractfile(member))
        outside = tarfile.TarInfo("media/../../outside")
        outside.size = 1
        dst.addfile(outside, io.BytesIO(b"x"))
    target = new_app(tmp_path / "target", migrate=False)
    with pytest.raises(backup.BackupError):
        restore(target, evil)
    assert not (tmp_path / "outside").exists()


def test_restore_refuses_a_database_with_data_unless_forced(tmp_path, archive):
    target = new_app(tmp_path / "target")  # migrated, no rows: may be restored into
    restore(target, archive)
    count = len(event_ids(sqlite_path(target)))
    app_writes(target)
    with pytest.raises(backup.BackupError):
        restore(target, archive)
    assert cli(target, "restore", str(archive)).exit_code == 1
    result = cli(target, "restore", "--force", str(archive))
    assert result.exit_code == 0, result.output
    assert len(event_ids(sqlite_path(target))) == count


def app_writes(app) -> None:
    """Add a row through the app, as a running server would."""
    from lms.accounts.services import find_learner
    from lms.learn import events

    with app.app_context():
        events.record(find_learner("1001"), "launched", "course", 1, client_id="after")
        db.session.commit()
        db.engine.dispose()


# ---- PostgreSQL ------------------------------------------------------------------------------

@pytest.mark.skipif(not PG_URL, reason="LMS_TEST_DATABASE_URL is not set")
def test_postgresql_round_trip(tmp_path):
    base = make_url(_pg_url())
    names = [f"umed_backup_test_{os.getpid()}", f"umed_backup_test_{os.getpid()}_restored"]
    admin = create_engine(base.set(database="postgres"), isolation_level="AUTOCOMMIT",
                          poolclass=NullPool)
    with admin.connect() as conn:
        for name in names:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    apps = []
    try:
        urls = [base.set(database=name).render_as_string(hide_password=False) for name in names]
        source = new_app(tmp_path / "source", urls[0])
        target = new_app(tmp_path / "target", urls[1], migrate=False)
        apps += [source, target]
        pictures = fill(source, prefilled=300)
        archive = tmp_path / "pg.tar.gz"
        result = cli(source, "backup", str(archive))
        assert result.exit_code == 0, result.output + result.stderr

        result = cli(target, "restore", str(archive))
        assert result.exit_code == 0, result.output + result.stderr
        queries = {"events": "SELECT client_id FROM events ORDER BY id",
                   "users": "SELECT learner_number FROM users ORDER BY id"}
        rows = {}
        for app in (source, target):
            with app.app_context():
                rows[app] = {k: db.session.scalars(text(q)).all() for k, q in queries.items()}
                db.session.remove()
                db.engine.dispose()
        assert rows[source] == rows[target] and len(rows[target]["events"]) == 300
        media = Path(target.config["MEDIA_DIR"])
        assert {p.name: p.read_bytes() for p in media.rglob("*") if p.is_file()} == pictures

        assert cli(target, "restore", str(archive)).exit_code == 1  # has data now
        app_writes(target)
        result = cli(target, "restore", "--force", str(archive))
        assert result.exit_code == 0, result.output + result.stderr
        with target.app_context():
            assert db.session.scalar(select(text("count(*)")).select_from(text("events"))) == 300
            db.session.remove()
            db.engine.dispose()
    finally:
        for app in apps:
            with app.app_context():
                db.engine.dispose()
        with admin.connect() as conn:
            for name in names:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()
