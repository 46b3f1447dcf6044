"""Signed packages: keygen, pack, verify; tampered, unsigned and untrusted packages refused."""

from __future__ import annotations

import json
import os
import stat
import zipfile
from pathlib import Path

import pytest
from sqlalchemy import func, select

from lms.content import package
from lms.content.cli import content_cli
from lms.content.models import Course

from .conftest import invoke


@pytest.fixture
def keys(tmp_path):
    key = tmp_path / "keys" / "signing.key"
    key.parent.mkdir()
    public = package.keygen(key)
    other = tmp_path / "keys" / "other.key"
    package.keygen(other)
    return key, public, other


@pytest.fixture
def signed(course_dir, keys, tmp_path) -> Path:
    out = tmp_path / "demo.zip"
    package.pack(course_dir, out, package.load_private_key(keys[0]))
    return out


def _rewrite(src: Path, dst: Path, change) -> Path:
    """Copy a zip, letting ``change(name, data)`` return new data, or None to drop the entry."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w") as zout:
        for info in zin.infolist():
            data = change(info.filename, zin.read(info))
            if data is not None:
                zout.writestr(info, data)
    return dst


def _import(app, path: Path, trusted: list[str]):
    app.config["TRUSTED_KEYS"] = trusted
    try:
        return invoke(app, content_cli, ["import", str(path)])
    finally:
        app.config["TRUSTED_KEYS"] = []


def _courses(db) -> int:
    return db.session.scalar(select(func.count()).select_from(Course))


def test_keygen_writes_a_private_key_only_the_owner_reads(keys):
    key, public, _other = keys
    assert stat.S_IMODE(os.stat(key).st_mode) == 0o600
    assert Path(f"{key}.pub").read_text().strip() == public
    assert package.parse_public_key(public) is not None
    assert package.parse_public_key(f"{key}.pub") is not None


def test_signed_package_imports(app, db, signed, keys):
    result = _import(app, signed, [keys[1]])
    assert result.exit_code == 0, result.output
    assert _courses(db) == 1


def test_trusted_key_as_a_file(app, db, signed, keys):
    result = _import(app, signed, [str(keys[2]) + ".pub", f"{keys[0]}.pub"])
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize("case, reason", [
    ("changed", "was changed after signing"),
    ("added", "was added to the package after signing"),
    ("removed", "is missing from the package"),
    ("manifest", "not signed by a trusted key"),
    ("unsigned", "is not signed"),
])
def test_tampered_packages_are_refused(app, db, signed, keys, tmp_path, case, reason):
    bad = tmp_path / "bad.zip"
    if case == "changed":
        _rewrite(signed, bad, lambda n, d: d.replace(b"literacy", b"vocational")
                 if n.endswith("course.yml") else d)
    elif case == "added":
        _rewrite(signed, bad, lambda n, d: d)
        with zipfile.ZipFile(bad, "a") as zf:
            zf.writestr("demo/extra.tg.md", "x")
    elif case == "removed":
        _rewrite(signed, bad, lambda n, d: None if n == "demo/l2.ru.md" else d)
    elif case == "manifest":
        def forge(name, data):
            if name != package.MANIFEST:
                return data
            manifest = json.loads(data)
            manifest["files"]["demo/course.yml"]["size"] += 1
            return json.dumps(manifest).encode()
        _rewrite(signed, bad, forge)
    else:
        _rewrite(signed, bad, lambda n, d: None if n == package.SIGNATURE else d)
    result = _import(app, bad, [keys[1]])
    assert result.exit_code == 1
    assert reason in result.output
    assert _courses(db) == 0


def test_wrong_key_is_refused(app, db, signed, keys):
    other_public = Path(f"{keys[2]}.pub").read_text().strip()
    result = _import(app, signed, [other_public])
    assert result.exit_code == 1 and "not signed by a trusted key" in result.output
    assert _courses(db) == 0


def test_no_trusted_keys_refuses_every_package(app, db, signed):
    result = _import(app, signed, [])
    assert result.exit_code == 1 and "no trusted keys" in result.output


def test_not_a_zip(app, db, tmp_path, keys):
    fake = tmp_path / "fake.zip"
    fake.write_text("hello")
    result = _import(app, fake, [keys[1]])
    assert result.exit_code == 1 and "not a readable zip file" in result.output


def _signed_zip(path: Path, key_file: Path, entries: list[tuple[zipfile.ZipInfo | str, bytes]],
                listed: dict[str, bytes] | None = None) -> Path:
    """A package whose manifest is validly signed, holding arbitrary (hostile) entries."""
    import base64
    import hashlib

    key = package.load_private_key(key_file)
    listed = listed if listed is not None else {
        (e.filename if isinstance(e, zipfile.ZipInfo) else e): d for e, d in entries}
    manifest = json.dumps({"format": package.FORMAT, "version": 1, "files": {
        n: {"sha256": hashlib.sha256(d).hexdigest(), "size": len(d)} for n, d in listed.items()
    }}).encode()
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr(package.MANIFEST, manifest)
        zf.writestr(package.SIGNATURE, base64.b64encode(key.sign(manifest)))
        for entry, data in entries:
            zf.writestr(entry, data)
    return path


@pytest.mark.parametrize("name", ["../evil.txt", "/etc/evil", "demo/../../evil", "a\\..\\b",
                                  "C:/evil", "demo//x"])
def test_path_traversal_is_refused(keys, tmp_path, name):
    bad = _signed_zip(tmp_path / "bad.zip", keys[0], [(name, b"x")])
    with pytest.raises(package.PackageError, match="unsafe file name"):
        with package.open_package(bad, [keys[1]]):
            pass
    assert not (tmp_path / "evil.txt").exists()


def test_links_are_refused(keys, tmp_path):
    info = zipfile.ZipInfo("demo/link")
    info.external_attr = (stat.S_IFLNK | 0o777) << 16
    bad = _signed_zip(tmp_path / "bad.zip", keys[0], [(info, b"/etc/passwd")])
    with pytest.raises(package.PackageError, match="link"):
        with package.open_package(bad, [keys[1]]):
            pass


def test_zip_bombs_are_refused(keys, tmp_path, monkeypatch):
    monkeypatch.setattr(package, "MAX_FILE_BYTES", 1024 * 1024)
    bomb = b"\0" * (5 * 1024 * 1024)  # compresses to a few kilobytes
    bad = _signed_zip(tmp_path / "bomb.zip", keys[0], [("demo/media/big.wav", bomb)])
    assert bad.stat().st_size < 64 * 1024
    with pytest.raises(package.PackageError, match="too big"):
        with package.open_package(bad, [keys[1]]):
            pass


def test_lying_sizes_are_refused(keys, tmp_path):
    bad = _signed_zip(tmp_path / "lie.zip", keys[0], [("demo/a.txt", b"x" * 5000)])
    raw = bytearray(bad.read_bytes())
    # make the central directory claim the entry is tiny (the local data stays 5000 bytes)
    with zipfile.ZipFile(bad) as zf:
        info = zf.getinfo("demo/a.txt")
    size = (5000).to_bytes(4, "little")
    index = raw.rfind(size)
    raw[index:index + 4] = (10).to_bytes(4, "little")
    bad.write_bytes(bytes(raw))
    with pytest.raises(package.PackageError):
        with package.open_package(bad, [keys[1]]):
            pass
    assert info.file_size == 5000


def test_pack_refuses_a_course_with_errors(app, course_dir, keys, tmp_path, edit):
    edit(course_dir / "l1.tg.md", "{T}", "{T")
    out = tmp_path / "x.zip"
    result = invoke(app, content_cli, ["pack", str(course_dir), str(out),
                                                        "--key", str(keys[0])])
    assert result.exit_code == 1 and not out.exists()


def test_keygen_and_pack_commands(app, db, course_dir, tmp_path):
    key = tmp_path / "k.key"
    result = invoke(app, content_cli, ["keygen", str(key)])
    assert result.exit_code == 0
    public = Path(f"{key}.pub").read_text().strip()
    assert public in result.output
    out = tmp_path / "demo.zip"
    result = invoke(app, content_cli, ["pack", str(course_dir), str(out), "--key", str(key)])
    assert result.exit_code == 0, result.output
    assert _import(app, out, [public]).exit_code == 0
    assert invoke(app, content_cli, ["keygen", str(key)]).exit_code == 1  # never overwrite


def test_a_private_key_is_not_a_trusted_key(keys):
    with pytest.raises(package.PackageError, match="not a public key"):
        package.parse_public_key(str(keys[0]))
    with pytest.raises(package.PackageError, match="neither a key nor a key file"):
        package.parse_public_key("no-such-file")
