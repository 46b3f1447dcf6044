"""The wheel runs outside a checkout (issue 13).

Built from this checkout and installed in a fresh virtual environment, the package migrates a
new SQLite file, imports a bundled course and serves the kiosk in Tajik with its static files,
all from a folder that is not the checkout. Nothing is downloaded when this environment has the
setuptools that pyproject.toml asks for (the dev extra brings it): the wheel builds without
build isolation, and the new environment sees this one's dependencies through a .pth file
instead of installing them again. About 15-35 s; deselect with ``-m "not packaging"``.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
import tomllib
import zipfile
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from lms import resources

ROOT = Path(__file__).resolve().parent.parent
COURSE = ROOT / "content" / "farming"

pytestmark = pytest.mark.packaging

# Left out of the copy the wheel is built from: the build never needs them, and a stale build/
# folder in the checkout could otherwise carry a deleted module into the wheel.
_TOP_SKIPPED = {"build", "dist", "instance", "content", "tests", "bench", "test-results"}


def _skip(directory: str, names: list[str]) -> set[str]:
    top = Path(directory) == ROOT
    return {name for name in names
            if (top and (name in _TOP_SKIPPED or name.startswith(".")))
            or name == "__pycache__" or name.endswith((".pyc", ".mo", ".egg-info"))}


def _can_build_offline() -> bool:
    """Whether this environment has the build backend pyproject.toml asks for, so the wheel
    builds with --no-build-isolation and no index (a venv made by ``make install`` has it)."""
    from importlib.metadata import PackageNotFoundError, version

    try:
        from packaging.requirements import Requirement
    except ImportError:  # pragma: no cover
        return False
    requires = tomllib.loads((ROOT / "pyproject.toml").read_text())["build-system"]["requires"]
    for line in requires:
        requirement = Requirement(line)
        try:
            if version(requirement.name) not in requirement.specifier:
                return False
        except PackageNotFoundError:
            return False
    return True


def _run(*cmd: str | Path, cwd: Path, env: dict[str, str] | None = None,
         ) -> subprocess.CompletedProcess:
    result = subprocess.run([str(part) for part in cmd], cwd=cwd, env=env, capture_output=True,
                            text=True, timeout=120, check=False)
    assert result.returncode == 0, f"{cmd}\n{result.stdout}\n{result.stderr}"
    return result


def _tajik(msgid: str) -> str:
    with open(ROOT / "translations" / "tg" / "LC_MESSAGES" / "messages.po", "rb") as fh:
        message = read_po(fh, locale="tg")[msgid]
    assert message is not None and message.string, msgid
    return message.string


def _dependency_paths() -> list[str]:
    """Where this interpreter finds its packages, for the new environment to see after its
    own: never the checkout or another folder holding a copy of lms (a venv inside the
    checkout is fine: it holds no lms, an editable install only points at it)."""
    stdlib = {Path(sysconfig.get_path(key)).resolve() for key in ("stdlib", "platstdlib")}
    paths = {}
    for entry in sys.path:
        path = Path(entry or ".").resolve()
        if path.is_dir() and path not in stdlib and not (path / "lms").exists():
            paths[str(path)] = None
    return list(paths)


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    tmp = tmp_path_factory.mktemp("wheel")
    source = tmp / "source"
    shutil.copytree(ROOT, source, ignore=_skip)
    offline = ["--no-build-isolation", "--no-index"] if _can_build_offline() else []
    _run(sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", *offline,
         "--wheel-dir", tmp / "dist", source, cwd=tmp)
    (built,) = (tmp / "dist").glob("umed_lms-*.whl")
    return built


@pytest.fixture(scope="module")
def installed(wheel, tmp_path_factory) -> dict:
    """A fresh virtual environment holding the wheel, and a working folder outside the
    checkout; the environment's variables without this checkout's path or any LMS_* setting."""
    tmp = tmp_path_factory.mktemp("installed")
    venv = tmp / "venv"
    _run(sys.executable, "-m", "venv", "--without-pip", venv, cwd=tmp)
    python = venv / "bin" / "python"
    site = Path(_run(python, "-c", "import sysconfig; print(sysconfig.get_path('purelib'))",
                     cwd=tmp).stdout.strip())
    (site / "umed-test-dependencies.pth").write_text("\n".join(_dependency_paths()) + "\n")
    # --target installs beside whatever this environment holds, never touching it.
    _run(sys.executable, "-m", "pip", "install", "--no-deps", "--no-index", "--quiet",
         "--target", site, wheel, cwd=tmp)
    env = {key: value for key, value in os.environ.items()
           if not key.startswith(("LMS_", "FLASK_", "PYTHONPATH", "PYTHONHOME"))}
    elsewhere = tmp / "elsewhere"
    elsewhere.mkdir()
    return {"python": python, "venv": venv, "env": env, "cwd": elsewhere}


def test_the_wheel_holds_the_package_and_its_folders(wheel):
    names = set(zipfile.ZipFile(wheel).namelist())
    checkout = {path.relative_to(ROOT).as_posix() for path in (ROOT / "lms").rglob("*")
                if path.is_file() and "__pycache__" not in path.parts}
    assert not checkout - names, "left out of the wheel: list the package in pyproject.toml"
    for folder in ("static", "migrations"):
        files = {path.relative_to(ROOT / folder).as_posix()
                 for path in (ROOT / folder).rglob("*")
                 if path.is_file() and "__pycache__" not in path.parts}
        assert {f"lms/{folder}/{name}" for name in files} <= names, folder
    assert {"lms/translations/tg/LC_MESSAGES/messages.po",
            "lms/translations/ru/LC_MESSAGES/messages.po"} <= names
    assert not [name for name in names if name.endswith(".mo")], "catalogs are built at start"


def test_the_installed_wheel_migrates_imports_and_serves(installed):
    python, env, cwd = installed["python"], installed["env"], installed["cwd"]
    instance = installed["venv"] / "var" / "lms-instance"  # Flask's default when installed

    upgraded = _run(python, "-m", "flask", "--app", "lms:create_app", "db", "upgrade",
                    cwd=cwd, env=env)
    assert "Running upgrade  -> " in upgraded.stderr
    assert (instance / "lms.sqlite3").is_file()

    # --no-clips: the machine voice is tested elsewhere; voicing a whole course takes minutes.
    imported = _run(python, "-m", "flask", "--app", "lms:create_app", "lms", "content",
                    "import", "--no-clips", COURSE, cwd=cwd, env=env)
    # Commands speak Tajik: the catalog was compiled from the wheel's .po at start.
    assert _tajik("Imported: %(summary)s").split("%(")[0] in imported.stdout

    served = _run(python, "-c", _SERVE, cwd=cwd, env=env)
    seen = json.loads(served.stdout)
    assert Path(seen["package"]).is_relative_to(installed["venv"])
    assert Path(seen["static_folder"]).is_relative_to(installed["venv"])
    assert seen["courses"] == [COURSE.name]
    assert seen["page"] == 200
    assert _tajik("Sign in") in seen["html"] and '<html lang="tg">' in seen["html"]
    assert seen["stylesheet"], "the page links no stylesheet"
    assert seen["static"] == [200, "text/css"]
    assert (instance / "translations" / "tg" / "LC_MESSAGES" / "messages.mo").is_file()


# Run by the installed environment's python, outside the checkout.
_SERVE = """
import json, re
import lms
from lms import create_app
from lms.content.models import Course
from lms.extensions import db
from sqlalchemy import select

app = create_app()
with app.app_context():
    courses = sorted(db.session.scalars(select(Course.slug)))
client = app.test_client()
page = client.get("/")
html = page.get_data(as_text=True)
link = re.search(r'href="(/static/[^"]+[.]css[^"]*)"', html)
static = client.get(link.group(1)) if link else None
print(json.dumps({
    "package": lms.__file__, "static_folder": app.static_folder, "courses": courses,
    "page": page.status_code, "html": html, "stylesheet": link.group(1) if link else None,
    "static": [static.status_code, static.mimetype] if static else None,
}))
"""


def test_resources_are_found_in_the_package_before_the_checkout(tmp_path, monkeypatch):
    assert resources.folder("migrations") == ROOT / "migrations"  # this checkout
    (tmp_path / "lms" / "migrations").mkdir(parents=True)
    monkeypatch.setattr(resources, "PACKAGE", tmp_path / "lms")
    assert resources.folder("migrations") == tmp_path / "lms" / "migrations"
    with pytest.raises(RuntimeError, match="nowhere/"):
        resources.folder("nowhere")


def test_the_instance_folder(tmp_path, monkeypatch):
    monkeypatch.delenv("LMS_INSTANCE_DIR", raising=False)
    assert resources.instance_folder() == str(ROOT / "instance")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("LMS_INSTANCE_DIR", "data")
    assert resources.instance_folder() == str(tmp_path / "data")


def test_catalogs_are_compiled_once_when_stale(tmp_path, monkeypatch):
    source = tmp_path / "translations"
    po = source / "tg" / "LC_MESSAGES" / "messages.po"
    po.parent.mkdir(parents=True)
    po.write_text('msgid ""\nmsgstr "Content-Type: text/plain; charset=UTF-8\\n"\n\n'
                  'msgid "Sign in"\nmsgstr "Даромадан"\n', encoding="utf-8")
    monkeypatch.setattr(resources, "folder", lambda name: tmp_path / name)
    instance = tmp_path / "instance"

    used = resources.translations(instance)
    assert used == instance / "translations"
    mo = used / "tg" / "LC_MESSAGES" / "messages.mo"
    from babel.support import Translations

    assert Translations.load(used, ["tg"]).gettext("Sign in") == "Даромадан"
    built = mo.stat().st_mtime_ns
    assert resources.translations(instance) == used and mo.stat().st_mtime_ns == built

    shutil.copy(mo, po.with_suffix(".mo"))  # compiled beside the .po, as in a checkout
    assert resources.translations(instance) == source
