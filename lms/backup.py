"""Backups: the database and the media folder in one archive, and restoring one.

``flask --app wsgi lms backup OUT`` writes a tar.gz holding

- ``database.sqlite3`` — SQLite, copied with the online backup API inside one read
  transaction: writers go on (WAL), and the copy is the database as it was when the backup
  started; or ``database.pgdump`` — PostgreSQL, ``pg_dump --format=custom`` run on a snapshot
  exported by the transaction that counts the rows, so counts and dump agree;
- ``media/<sha[:2]>/<sha>`` — the media folder (``LMS_MEDIA_DIR``);
- ``manifest.json``, last — format, when, engine, schema revision, rows per table, and the
  size and SHA-256 of every other member.

``flask --app wsgi lms restore IN`` unpacks to a temporary folder and checks every checksum
(and, for SQLite, the row counts of the unpacked copy) before it touches anything; it refuses a
database that has rows unless ``--force``, restores, and counts the rows again.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import shutil
import sys
import tarfile
import tempfile
import zlib
from collections.abc import Iterator
from io import BytesIO
from pathlib import Path, PurePosixPath
from typing import Any, BinaryIO

import click
from flask import current_app
from flask.cli import with_appcontext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from sqlalchemy.engine import URL, make_url

from . import clock
from .backup_engines import (
    BackupError,
    Bar,
    Progress,
    has_rows,
    no_progress,
    pg_counts,
    pg_dump,
    pg_restore,
    sqlite_copy,
    sqlite_facts,
)

__all__ = ["BackupError", "Progress", "create_backup", "restore_backup", "unpack"]

FORMAT = 1
MANIFEST = "manifest.json"
MEMBERS = {"sqlite": "database.sqlite3", "postgresql": "database.pgdump"}
MEDIA = "media"
CHUNK = 1 << 20
MANIFEST_MAX = 16 << 20


def _engine(url: URL) -> str:
    name = url.get_backend_name()
    if name not in MEMBERS:
        raise BackupError(_l("Backups support SQLite and PostgreSQL, not %(engine)s.",
                             engine=name))
    if name == "sqlite" and (not url.database or url.database == ":memory:"):
        raise BackupError(_l("An in-memory SQLite database has nothing to back up or restore."))
    return name


# ---- the archive ---------------------------------------------------------------------------

class _Reader:
    """Reads a file into the archive, hashing it and moving the bar."""

    def __init__(self, fh: BinaryIO, bar: Bar):
        self.fh, self.bar, self.sha, self.size = fh, bar, hashlib.sha256(), 0

    def read(self, n: int = -1) -> bytes:
        data = self.fh.read(n)
        self.sha.update(data)
        self.size += len(data)
        self.bar.update(len(data))
        return data


def _add(tar: tarfile.TarFile, name: str, path: Path, bar: Bar) -> dict[str, Any]:
    info = tarfile.TarInfo(name)
    stat = path.stat()
    info.size, info.mtime, info.mode = stat.st_size, int(stat.st_mtime), 0o600
    with path.open("rb") as fh:
        reader = _Reader(fh, bar)
        tar.addfile(info, reader)  # type: ignore[arg-type]
    return {"size": reader.size, "sha256": reader.sha.hexdigest()}


def _media_files(media_dir: Path) -> list[tuple[str, Path]]:
    if not media_dir.is_dir():
        return []
    return [(f"{MEDIA}/{path.relative_to(media_dir).as_posix()}", path)
            for path in sorted(media_dir.rglob("*"))
            if path.is_file() and not path.name.startswith(".")]  # not a file being written


def create_backup(out: Path, *, database_url: str, media_dir: Path,
                  progress: Progress = no_progress) -> dict[str, Any]:
    """Write the database and the media folder to the archive ``out``; return the manifest."""
    url = make_url(database_url)
    engine = _engine(url)
    member = MEMBERS[engine]
    manifest: dict[str, Any] = {"format": FORMAT, "application": "umed",
                                "created_at": clock.now().isoformat(), "engine": engine,
                                "database": member, "schema_revision": None, "tables": {},
                                "members": {}}
    partial = out.with_name(out.name + ".part")
    with tempfile.TemporaryDirectory(prefix="umed-backup-") as tmp:
        dump = Path(tmp) / member
        if engine == "sqlite":
            source = Path(url.database or "")
            if not source.is_file():
                raise BackupError(_l("There is no database at %(path)s.", path=str(source)))
            sqlite_copy(source, dump, progress, _("Copying the database"), standalone=True)
            counts, revision = sqlite_facts(dump)
        else:
            counts, revision = pg_dump(url, dump, progress)
        manifest.update(schema_revision=revision, tables=counts)
        files = [(member, dump), *_media_files(media_dir)]
        size = sum(path.stat().st_size for _name, path in files)
        try:
            with partial.open("wb") as raw:
                with tarfile.open(fileobj=raw, mode="w:gz", compresslevel=6) as tar, \
                        progress(_("Writing the archive"), size) as bar:
                    for name, path in files:
                        manifest["members"][name] = _add(tar, name, path, bar)
                    data = json.dumps(manifest, ensure_ascii=False, indent=2).encode()
                    info = tarfile.TarInfo(MANIFEST)
                    info.size, info.mode = len(data), 0o600
                    info.mtime = int(clock.now().timestamp())
                    tar.addfile(info, BytesIO(data))
                raw.flush()
                os.fsync(raw.fileno())
            os.replace(partial, out)
        finally:
            partial.unlink(missing_ok=True)
    return manifest


def _member_path(name: str) -> PurePosixPath | None:
    """The relative path of an archive member we accept, or None."""
    path = PurePosixPath(name)
    if name in MEMBERS.values():
        return path
    parts = path.parts
    if (len(parts) >= 2 and parts[0] == MEDIA and not path.is_absolute() and "\\" not in name
            and all(part not in ("", ".", "..") for part in parts)):
        return path
    return None


def unpack(archive: Path, dest: Path, progress: Progress = no_progress) -> dict[str, Any]:
    """Unpack ``archive`` into ``dest`` and check it against its manifest; return the manifest."""
    seen: dict[str, dict[str, Any]] = {}
    manifest_data: bytes | None = None
    try:
        with archive.open("rb") as raw, \
                progress(_("Checking the archive"), archive.stat().st_size) as bar, \
                tarfile.open(fileobj=raw, mode="r|gz") as tar:
            position = 0
            for member in tar:
                relative = _member_path(member.name)
                if (member.name == MANIFEST and manifest_data is None and member.isfile()
                        and member.size <= MANIFEST_MAX):
                    manifest_data = tar.extractfile(member).read()  # type: ignore[union-attr]
                elif relative is None or not member.isfile() or member.name in seen:
                    raise BackupError(_l("%(path)s has an unexpected entry %(name)s.",
                                         path=str(archive), name=member.name))
                else:
                    target = dest.joinpath(*relative.parts)
                    target.parent.mkdir(parents=True, exist_ok=True)
                    sha, size = hashlib.sha256(), 0
                    source = tar.extractfile(member)
                    assert source is not None
                    with target.open("wb") as out:
                        while chunk := source.read(CHUNK):
                            sha.update(chunk)
                            size += len(chunk)
                            out.write(chunk)
                    seen[member.name] = {"size": size, "sha256": sha.hexdigest()}
                bar.update(raw.tell() - position)
                position = raw.tell()
    except (tarfile.TarError, EOFError, zlib.error, OSError) as exc:
        raise BackupError(_l("%(path)s is damaged or is not a backup: %(error)s",
                             path=str(archive), error=str(exc) or type(exc).__name__)) from exc
    try:
        manifest = json.loads(manifest_data or b"")
        expected = dict(manifest["members"])
        engine, member = manifest["engine"], manifest["database"]
        manifest["tables"] = {str(k): int(v) for k, v in manifest["tables"].items()}
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise BackupError(_l("%(path)s has no valid manifest.", path=str(archive))) from exc
    if manifest.get("format") != FORMAT or MEMBERS.get(engine) != member:
        raise BackupError(_l("%(path)s is not a backup this version can read.",
                             path=str(archive)))
    for name in sorted(set(expected) | set(seen)):
        if expected.get(name) != seen.get(name):
            raise BackupError(_l("%(path)s is damaged: %(name)s does not match its checksum.",
                                 path=str(archive), name=name))
    if member not in seen:
        raise BackupError(_l("%(path)s holds no database.", path=str(archive)))
    return manifest


def _compare(expected: dict[str, int], actual: dict[str, int]) -> None:
    wrong = [f"{name}: {n} ≠ {actual.get(name)}" for name, n in sorted(expected.items())
             if actual.get(name) != n]
    if wrong:
        raise BackupError(_l("Row counts do not match the backup: %(tables)s",
                             tables="; ".join(wrong)))


def _check_revision(revision: str | None) -> None:
    from alembic.script import ScriptDirectory
    from alembic.util import CommandError

    from .migrate import alembic_config

    if revision is None:
        return
    try:
        ScriptDirectory.from_config(alembic_config()).get_revision(revision)
    except CommandError as exc:
        raise BackupError(_l("The backup's schema revision %(revision)s is unknown here: it "
                             "was made by a newer version of Umed.", revision=revision)) from exc


def restore_backup(archive: Path, *, database_url: str, media_dir: Path, force: bool = False,
                   progress: Progress = no_progress) -> dict[str, Any]:
    """Restore ``archive`` into the database and the media folder; return its manifest."""
    url = make_url(database_url)
    engine = _engine(url)
    if not force and has_rows(url):
        raise BackupError(_l("The database already has data; use --force to replace it."))
    with tempfile.TemporaryDirectory(prefix="umed-restore-") as tmp:
        manifest = unpack(archive, Path(tmp), progress)
        if manifest["engine"] != engine:
            raise BackupError(_l("This backup holds a %(archive)s database, not %(engine)s.",
                                 archive=manifest["engine"], engine=engine))
        _check_revision(manifest.get("schema_revision"))
        staged = Path(tmp) / manifest["database"]
        if engine == "sqlite":
            _compare(manifest["tables"], sqlite_facts(staged)[0])
            target = Path(url.database or "")
            target.parent.mkdir(parents=True, exist_ok=True)
            sqlite_copy(staged, target, progress, _("Restoring the database"))
            counts = sqlite_facts(target)[0]
        else:
            pg_restore(staged, url, progress, len(manifest["tables"]))
            counts = pg_counts(url)
        _compare(manifest["tables"], counts)
        media = sorted(p for p in (Path(tmp) / MEDIA).rglob("*") if p.is_file())
        with progress(_("Restoring media files"), len(media)) as bar:
            for path in media:
                target = media_dir / path.relative_to(Path(tmp) / MEDIA)
                target.parent.mkdir(parents=True, exist_ok=True)
                shutil.copyfile(path, target)
                bar.update(1)
    return manifest


# ---- commands ------------------------------------------------------------------------------

@contextlib.contextmanager
def _bar(label: str, length: int) -> Iterator[Bar]:
    with click.progressbar(length=max(length, 1), label=label, file=sys.stderr) as bar:
        yield bar


@click.command("backup")
@click.argument("out", type=click.Path(path_type=Path))
@with_appcontext
def backup_command(out: Path) -> None:
    """Write the database and the media folder to the archive OUT (.tar.gz); when OUT is a
    folder, to a file named after the date and time in it."""
    if out.is_dir():
        out = out / f"umed-{clock.now():%Y%m%d-%H%M%S}.tar.gz"
    if out.exists():
        raise click.ClickException(_("%(path)s already exists", path=str(out)))
    out.parent.mkdir(parents=True, exist_ok=True)
    try:
        manifest = create_backup(out, database_url=current_app.config["SQLALCHEMY_DATABASE_URI"],
                                 media_dir=Path(current_app.config["MEDIA_DIR"]), progress=_bar)
    except BackupError as exc:
        raise click.ClickException(str(exc)) from exc
    rows = sum(manifest["tables"].values())
    files = len(manifest["members"]) - 1
    click.echo(_("Backup written to %(path)s.", path=str(out)))
    click.echo(ngettext("%(num)d row in the database,", "%(num)d rows in the database,", rows)
               + " " + ngettext("%(num)d media file.", "%(num)d media files.", files))


@click.command("restore")
@click.argument("archive", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Replace a database that already has data.")
@with_appcontext
def restore_command(archive: Path, force: bool) -> None:
    """Restore the archive ARCHIVE written by `lms backup` (stop the app servers first)."""
    from alembic.script import ScriptDirectory

    from .extensions import db
    from .migrate import alembic_config

    db.engine.dispose()  # no pooled connection may hold the database
    try:
        manifest = restore_backup(
            archive, database_url=current_app.config["SQLALCHEMY_DATABASE_URI"],
            media_dir=Path(current_app.config["MEDIA_DIR"]), force=force, progress=_bar)
    except BackupError as exc:
        raise click.ClickException(str(exc)) from exc
    finally:
        db.engine.dispose()
    click.echo(_("Restored the backup made at %(when)s; the row counts match.",
                 when=manifest["created_at"]))
    head = ScriptDirectory.from_config(alembic_config()).get_current_head()
    if manifest.get("schema_revision") != head:
        click.echo(_("The schema is older than this version: run `flask --app wsgi db upgrade`."))
