"""What the load and durability benchmarks share: a database ready for kiosks, gunicorn on a
free local port, kiosk sign-ins over plain http.client, worker memory from /proc.

Every server listens on 127.0.0.1 only, and every load loop is bounded in time.
"""

from __future__ import annotations

import http.client
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
BIN = Path(sys.executable).parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

FIRST_NUMBER = 100001  # bench/seed.py numbers its learners from here
PIN = "1234"
BENCH_COURSE = "bench-answers"
CSRF_RE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')

COURSE_YML = """slug: bench-answers
title:
  tg: Санҷиши бор
description:
  tg: Курси хурд барои санҷиши бор — ҷавобҳо бе маҳдудият.
category: literacy
icon: star
level: 1
pass_mark: 60
sequential: false
modules:
  - id: only
    title:
      tg: Ягона
    lessons:
      - answers
"""

LESSON_MD = """---
id: answers
title: Ҷавобҳо
minutes: 5
attempts: 0
---

# Ҷавоб диҳед

```quiz
::word:: Калимаи «нон»-ро нависед. {=нон}
```
"""


@dataclass
class Target:
    """What the kiosks use: a lesson page to read and an exercise to answer (unlimited tries)."""

    read_path: str
    answer_path: str


def prepare_database(url: str, learners: int, events: int, media_dir: Path) -> Target:
    """Seed the database with bench/seed.py when it has no bench learners; add the bench
    course (one exercise, unlimited tries) when missing."""
    from sqlalchemy import create_engine, select, text
    from sqlalchemy.pool import NullPool

    os.environ["LMS_MEDIA_DIR"] = str(media_dir)
    engine = create_engine(url, poolclass=NullPool)
    try:
        with engine.connect() as conn:
            seeded = conn.execute(text(
                "SELECT count(*) FROM users WHERE learner_number = :n"),
                {"n": str(FIRST_NUMBER)}).scalar()
    except Exception:  # no schema yet
        seeded = 0
    if not seeded:
        import seed

        seed.main(["--database-url", url, "--learners", str(learners), "--events", str(events)])
    from lms import create_app, demo
    from lms.content.models import Course, Exercise, Lesson
    from lms.extensions import db

    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": secrets.token_urlsafe(32)})
    with app.app_context():
        if db.session.scalar(select(Course).where(Course.slug == BENCH_COURSE)) is None:
            with tempfile.TemporaryDirectory() as tmp:
                folder = Path(tmp) / BENCH_COURSE
                folder.mkdir()
                (folder / "course.yml").write_text(COURSE_YML, encoding="utf-8")
                (folder / "answers.tg.md").write_text(LESSON_MD, encoding="utf-8")
                demo.load_courses(Path(tmp))
            db.session.commit()
        read = db.session.scalar(select(Lesson.id).join(Course).where(
            Course.slug == "farming", Lesson.key == "l01-soil"))
        exercise = db.session.scalar(select(Exercise.id).join(Lesson).join(Course).where(
            Course.slug == BENCH_COURSE))
        db.engine.dispose()
    engine.dispose()
    return Target(read_path=f"/learn/lessons/{read}?page=1",
                  answer_path=f"/learn/exercises/{exercise}")


def server_env(url: str, media_dir: Path, secret: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LMS_")}
    env.update(LMS_DATABASE_URL=url, LMS_SECRET_KEY=secret, LMS_MEDIA_DIR=str(media_dir),
               LMS_KIOSK_ANY_BROWSER="1",
               # Every simulated kiosk comes from 127.0.0.1 without a terminal cookie, so the
               # per-terminal limit (really per address here) would count them all together.
               LMS_SIGNIN_LIMIT_PER_TERMINAL="100000/minute")
    return env


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _gunicorn_options() -> list[str]:
    """gunicorn 24+ opens a control socket at one path per user: two servers would share it."""
    help_text = subprocess.run([str(BIN / "gunicorn"), "--help"], capture_output=True,
                               text=True, check=False).stdout
    return ["--no-control-socket"] if "--no-control-socket" in help_text else []


class Server:
    """gunicorn on 127.0.0.1 with the given settings; ``kill()`` is kill -9 of every process."""

    def __init__(self, app: str, port: int, env: dict[str, str], workers: int, threads: int,
                 log: Path, chdir: Path = ROOT):
        self.args = [str(BIN / "gunicorn"), "--bind", f"127.0.0.1:{port}",
                     "--workers", str(workers), "--threads", str(threads),
                     "--chdir", str(chdir), *_gunicorn_options(), app]
        self.port, self.env, self.log = port, env, log
        self.proc: subprocess.Popen | None = None

    def start(self, ready_path: str = "/healthz", timeout: float = 30) -> Server:
        with self.log.open("ab") as out:
            self.proc = subprocess.Popen(self.args, env=self.env, stdout=out,
                                         stderr=subprocess.STDOUT)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise RuntimeError(f"gunicorn stopped; see {self.log}")
            try:
                if request(self.port, "GET", ready_path)[0] == 200 and \
                        len(self.workers()) == int(self.args[self.args.index("--workers") + 1]):
                    return self
            except OSError:
                pass
            time.sleep(0.2)
        raise RuntimeError(f"gunicorn did not answer on {self.port}; see {self.log}")

    def workers(self) -> list[int]:
        if self.proc is None:
            return []
        children = []
        for entry in Path("/proc").iterdir():
            if entry.name.isdigit():
                try:
                    stat = (entry / "stat").read_text()
                except OSError:
                    continue
                if int(stat.rsplit(")", 1)[1].split()[1]) == self.proc.pid:
                    children.append(int(entry.name))
        return children

    def cpu_seconds(self) -> float:
        """CPU time (user + system) used so far by the workers, from /proc."""
        ticks = os.sysconf("SC_CLK_TCK")
        total = 0.0
        for pid in self.workers():
            try:
                fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            total += (int(fields[11]) + int(fields[12])) / ticks
        return total

    def rss_mb(self) -> list[float]:
        """Resident memory of each worker, in MB (VmRSS from /proc)."""
        sizes = []
        for pid in self.workers():
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    sizes.append(int(line.split()[1]) / 1024)
        return sizes

    def kill(self) -> list[int]:
        """kill -9 the master and every worker at once."""
        assert self.proc is not None
        pids = [self.proc.pid, *self.workers()]
        for pid in pids:
            try:
                os.kill(pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        self.proc.wait()
        return pids

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(15)
            except subprocess.TimeoutExpired:
                self.kill()


def request(port: int, method: str, path: str, form: dict | None = None,
            cookie: str = "", accept: str = "text/html", timeout: float = 30):
    """One request to 127.0.0.1:port; (status, headers, body)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    headers = {"Accept": accept}
    if cookie:
        headers["Cookie"] = cookie
    body = None
    if form is not None:
        body = urlencode(form)
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    try:
        conn.request(method, path, body, headers)
        response = conn.getresponse()
        return response.status, response.headers, response.read().decode()
    finally:
        conn.close()


@dataclass
class Kiosk:
    """A signed-in learner: the session cookie and a CSRF token for answers."""

    number: str
    cookie: str
    csrf: str


def _jar(headers, jar: dict[str, str]) -> None:
    for header in headers.get_all("Set-Cookie") or []:
        for name, morsel in SimpleCookie(header).items():
            jar[name] = morsel.value


def sign_in(port: int, number: str, target: Target, tries: int = 3) -> Kiosk:
    """Sign in on the keypad page, then open the lesson (which stores the CSRF token); a
    server error is tried again, as a learner would."""
    for _ in range(tries - 1):
        try:
            return _sign_in(port, number, target)
        except RuntimeError:
            time.sleep(0.5)
    return _sign_in(port, number, target)


def _sign_in(port: int, number: str, target: Target) -> Kiosk:
    jar: dict[str, str] = {}
    _status, headers, page = request(port, "GET", "/")
    _jar(headers, jar)
    cookie = "; ".join(f"{k}={v}" for k, v in jar.items())
    status, headers, _body = request(port, "POST", "/", {
        "learner_number": number, "pin": PIN, "key": "ok",
        "csrf_token": CSRF_RE.search(page).group(1)}, cookie=cookie)
    if status != 302:
        raise RuntimeError(f"learner {number} could not sign in: {status}")
    jar.clear()
    _jar(headers, jar)
    cookie = "; ".join(f"{k}={v}" for k, v in jar.items())
    status, headers, page = request(port, "GET", target.read_path, cookie=cookie)
    _jar(headers, jar)
    if status != 200:
        raise RuntimeError(f"learner {number} could not open the lesson: {status}")
    return Kiosk(number, "; ".join(f"{k}={v}" for k, v in jar.items()),
                 CSRF_RE.search(page).group(1))


def answer_form(kiosk: Kiosk, client_id: str) -> dict[str, str]:
    """A wrong answer (so the exercise stays open) with a fresh client id."""
    return {"csrf_token": kiosk.csrf, "client_id": client_id, "text": "об", "lang": "tg",
            "key": "check"}
