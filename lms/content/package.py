"""Signed course packages: a zip of course folders, a manifest and an Ed25519 signature.

Layout of a package::

    manifest.json    {"format": "umed-course-package", "version": 1,
                      "public_key": "<base64 raw Ed25519 key>",
                      "files": {"<slug>/course.yml": {"sha256": "…", "size": 123}, …}}
    manifest.sig     base64 Ed25519 signature of the exact bytes of manifest.json
    <slug>/…         the course folders

Importing a package verifies the signature against ``TRUSTED_KEYS`` (each entry a base64 raw
public key, or the path of a file holding one — as written by ``keygen`` — or a PEM public key)
and the hash of every file, and refuses a package with a changed, added or missing file, or one
that is unsigned or signed by a key that is not trusted. Extraction refuses absolute paths,
``..``, backslashes, links, duplicate names and anything bigger than the limits below.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import json
import os
import stat
import tempfile
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from flask_babel import gettext as _

from .loader import course_folders

FORMAT = "umed-course-package"
MANIFEST = "manifest.json"
SIGNATURE = "manifest.sig"
MAX_FILES = 20_000
MAX_FILE_BYTES = 64 * 1024 * 1024
MAX_TOTAL_BYTES = 1024 * 1024 * 1024
MAX_MANIFEST_BYTES = 8 * 1024 * 1024
_EPOCH = (1980, 1, 1, 0, 0, 0)


class PackageError(Exception):
    """A package that must not be imported; the message says why."""


# -- keys ----------------------------------------------------------------------------------

def public_key_text(key: Ed25519PublicKey) -> str:
    raw = key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
    return base64.b64encode(raw).decode("ascii")


def keygen(out: Path) -> str:
    """Write a new private key to ``out`` (mode 600) and its public key to ``out.pub``;
    return the public key (base64)."""
    key = Ed25519PrivateKey.generate()
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption())
    fd = os.open(out, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(pem)
    public = public_key_text(key.public_key())
    Path(f"{out}.pub").write_text(public + "\n", encoding="ascii")
    return public


def load_private_key(path: Path) -> Ed25519PrivateKey:
    try:
        key = serialization.load_pem_private_key(path.read_bytes(), password=None)
    except (ValueError, TypeError) as exc:
        raise PackageError(_("%(path)s is not a private key written by keygen",
                             path=str(path))) from exc
    if not isinstance(key, Ed25519PrivateKey):
        raise PackageError(_("%(path)s is not an Ed25519 key", path=str(path)))
    return key


def parse_public_key(entry: str) -> Ed25519PublicKey:
    """A trusted key from config: base64 raw key, or a file holding one (or a PEM key)."""
    text = entry.strip()
    if not text.startswith("-----") and len(text) < 100:
        try:
            raw = base64.b64decode(text, validate=True)
            if len(raw) == 32:
                return Ed25519PublicKey.from_public_bytes(raw)
        except (binascii.Error, ValueError):
            pass
    if not text.startswith("-----"):
        path = Path(text)
        if not path.is_file():
            raise PackageError(_("trusted key %(key)s is neither a key nor a key file",
                                 key=text[:60]))
        text = path.read_text(encoding="ascii", errors="replace").strip()
        if not text.startswith("-----"):
            return parse_public_key(text)
    try:
        key = serialization.load_pem_public_key(text.encode("ascii", errors="replace"))
    except (ValueError, TypeError) as exc:
        raise PackageError(_("trusted key %(key)s is not a public key", key=entry[:60])) from exc
    if not isinstance(key, Ed25519PublicKey):
        raise PackageError(_("a trusted key is not an Ed25519 key"))
    return key


# -- packing -------------------------------------------------------------------------------

def _package_files(folder: Path) -> dict[str, Path]:
    files: dict[str, Path] = {}
    for course in course_folders(folder):
        for path in sorted(course.rglob("*")):
            rel = path.relative_to(course)
            if any(p.startswith(".") for p in rel.parts) or path.is_symlink():
                continue
            if path.is_file():
                files[f"{course.name}/{rel.as_posix()}"] = path
    return files


def pack(folder: Path, out: Path, key: Ed25519PrivateKey) -> int:
    """Write a signed package of the course(s) in ``folder``; return the number of files."""
    files = _package_files(folder)
    contents = {name: path.read_bytes() for name, path in files.items()}
    manifest = {
        "format": FORMAT,
        "version": 1,
        "public_key": public_key_text(key.public_key()),
        "files": {name: {"sha256": hashlib.sha256(data).hexdigest(), "size": len(data)}
                  for name, data in sorted(contents.items())},
    }
    manifest_bytes = json.dumps(manifest, indent=1, sort_keys=True, ensure_ascii=False
                                ).encode("utf-8")
    signature = base64.b64encode(key.sign(manifest_bytes))
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for name, data in [(MANIFEST, manifest_bytes), (SIGNATURE, signature),
                           *sorted(contents.items())]:
            info = zipfile.ZipInfo(name, date_time=_EPOCH)
            info.external_attr = (stat.S_IFREG | 0o644) << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            zf.writestr(info, data)
    return len(contents)


# -- verifying and extracting --------------------------------------------------------------

def _safe_name(info: zipfile.ZipInfo) -> str:
    name = info.filename
    mode = info.external_attr >> 16
    if stat.S_ISLNK(mode):
        raise PackageError(_("the package holds a link (%(name)s)", name=name))
    parts = name.split("/")
    if (not name or "\\" in name or "\x00" in name or name.startswith("/")
            or any(p in ("..", ".", "") for p in parts) or ":" in parts[0]):
        raise PackageError(_("the package holds an unsafe file name (%(name)s)", name=name))
    return name


def _read(zf: zipfile.ZipFile, info: zipfile.ZipInfo, limit: int) -> bytes:
    """Read an entry without trusting its declared size (zip bombs)."""
    if info.file_size > limit:
        raise PackageError(_("%(name)s is too big", name=info.filename))
    chunks, total = [], 0
    with zf.open(info) as fh:
        while chunk := fh.read(1024 * 1024):
            total += len(chunk)
            if total > min(limit, info.file_size):
                raise PackageError(_("%(name)s is bigger than it says", name=info.filename))
            chunks.append(chunk)
    return b"".join(chunks)


def _verify_signature(manifest_bytes: bytes, signature_b64: bytes,
                      trusted: list[Ed25519PublicKey]) -> None:
    try:
        signature = base64.b64decode(signature_b64.strip(), validate=True)
    except (binascii.Error, ValueError) as exc:
        raise PackageError(_("the package signature is unreadable")) from exc
    if not trusted:
        raise PackageError(_("no trusted keys are configured (TRUSTED_KEYS): packages cannot "
                             "be verified"))
    for key in trusted:
        try:
            key.verify(signature, manifest_bytes)
            return
        except InvalidSignature:
            continue
    raise PackageError(_("the package is not signed by a trusted key, or it was changed "
                         "after signing"))


def verify(zf: zipfile.ZipFile, trusted: list[Ed25519PublicKey]) -> dict[str, bytes]:
    """Check a package completely; return its course files (name -> bytes)."""
    infos = [i for i in zf.infolist() if not i.is_dir()]
    if len(infos) > MAX_FILES + 2:
        raise PackageError(_("the package holds too many files"))
    by_name: dict[str, zipfile.ZipInfo] = {}
    for info in infos:
        name = _safe_name(info)
        if name in by_name:
            raise PackageError(_("the package holds %(name)s twice", name=name))
        by_name[name] = info
    if MANIFEST not in by_name or SIGNATURE not in by_name:
        raise PackageError(_("the package is not signed (no manifest.json and manifest.sig)"))
    manifest_bytes = _read(zf, by_name.pop(MANIFEST), MAX_MANIFEST_BYTES)
    _verify_signature(manifest_bytes, _read(zf, by_name.pop(SIGNATURE), 1024), trusted)
    try:
        manifest = json.loads(manifest_bytes)
        listed = manifest["files"]
        assert manifest["format"] == FORMAT and isinstance(listed, dict)
    except (ValueError, KeyError, TypeError, AssertionError) as exc:
        raise PackageError(_("the package manifest is not readable")) from exc
    for name in sorted(set(by_name) - set(listed)):
        raise PackageError(_("%(name)s was added to the package after signing", name=name))
    for name in sorted(set(listed) - set(by_name)):
        raise PackageError(_("%(name)s is missing from the package", name=name))
    files: dict[str, bytes] = {}
    total = 0
    for name, info in sorted(by_name.items()):
        data = _read(zf, info, MAX_FILE_BYTES)
        total += len(data)
        if total > MAX_TOTAL_BYTES:
            raise PackageError(_("the package is too big"))
        if hashlib.sha256(data).hexdigest() != str(listed[name].get("sha256")):
            raise PackageError(_("%(name)s was changed after signing", name=name))
        files[name] = data
    return files


@contextmanager
def open_package(path: Path, trusted_keys: list[str]) -> Iterator[Path]:
    """Verify a package and yield a temporary folder holding its courses (removed after)."""
    trusted = [parse_public_key(k) for k in trusted_keys]
    try:
        with zipfile.ZipFile(path) as zf:
            files = verify(zf, trusted)
    except (zipfile.BadZipFile, OSError, EOFError) as exc:
        raise PackageError(_("%(path)s is not a readable zip file", path=str(path))) from exc
    with tempfile.TemporaryDirectory(prefix="umed-package-") as tmp:
        root = Path(tmp)
        for name, data in files.items():
            target = root / name
            if not target.resolve().is_relative_to(root.resolve()):
                raise PackageError(_("the package holds an unsafe file name (%(name)s)",
                                     name=name))
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(data)
        yield root
