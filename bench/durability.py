"""Durability: kill -9 gunicorn (master and workers) in the middle of an answer load, restart it,
and check that every answer that got a success response is in the database exactly once.

    .venv/bin/python bench/durability.py                   # SQLite, a new file
    .venv/bin/python bench/durability.py \
        --database-url postgresql+psycopg://postgres@127.0.0.1/umed_durability

The database is seeded small by bench/seed.py when it has no bench learners (a PostgreSQL one
must exist). Kiosks — threads with plain http.client — submit answers with new client ids, one
at a time, as the kiosk's JavaScript does: an answer without a success response (the server died
under it) is sent again with the same client id until it is acknowledged. Load runs for
``--before`` seconds, every gunicorn process gets SIGKILL, gunicorn is started again, load runs
``--after`` seconds more, then pending answers are retried for at most 30 s, and it all stops.

Checks: every acknowledged client id has exactly one row in ``attempts`` and one "answered"
event; no row exists that no kiosk sent; SQLite passes ``PRAGMA integrity_check``.
"""

from __future__ import annotations

import argparse
import http.client
import json
import secrets
import sqlite3
import tempfile
import threading
import time
import uuid
from pathlib import Path

import common

RETRY_SECONDS = 30


class KioskThread(threading.Thread):
    """Answers one at a time; resends the same client id until it is acknowledged."""

    def __init__(self, kiosk: common.Kiosk, port: int, path: str, stop: threading.Event,
                 give_up: threading.Event):
        super().__init__(daemon=True)
        self.kiosk, self.port, self.path = kiosk, port, path
        self.stop, self.give_up = stop, give_up
        self.sent: list[str] = []
        self.acked: list[str] = []
        self.retried: set[str] = set()
        self.repeated: list[str] = []  # a retry answered "already saved": the first one counted
        self.failures = 0

    def run(self) -> None:
        while not self.stop.is_set():
            client_id = uuid.uuid4().hex
            self.sent.append(client_id)
            while not self.give_up.is_set():
                if self._send(client_id):
                    break
                self.failures += 1
                self.retried.add(client_id)
                time.sleep(0.2)
            else:
                return

    def _send(self, client_id: str) -> bool:
        try:
            status, _headers, body = common.request(
                self.port, "POST", self.path, common.answer_form(self.kiosk, client_id),
                cookie=self.kiosk.cookie, accept="application/json", timeout=10)
        except (OSError, http.client.HTTPException):  # killed mid-response: send it again
            return False
        if status != 200:
            return False
        if json.loads(body).get("repeated"):
            self.repeated.append(client_id)
        self.acked.append(client_id)
        return True


def counts(url: str, client_ids: list[str]) -> tuple[dict[str, int], dict[str, int], set[str]]:
    """Rows per client id in attempts and in answered events; bench client ids in attempts."""
    from sqlalchemy import bindparam, create_engine, text
    from sqlalchemy.pool import NullPool

    engine = create_engine(url, poolclass=NullPool)
    try:
        with engine.connect() as conn:
            def per_id(sql: str) -> dict[str, int]:
                stmt = text(sql).bindparams(bindparam("ids", expanding=True))
                found: dict[str, int] = {}
                for i in range(0, len(client_ids), 500):
                    found.update(conn.execute(stmt, {"ids": client_ids[i:i + 500]}).all())
                return found

            attempts = per_id("SELECT client_id, count(*) FROM attempts WHERE client_id IN "
                              ":ids GROUP BY client_id")
            events = per_id("SELECT client_id, count(*) FROM events WHERE verb = 'answered' "
                            "AND client_id IN :ids GROUP BY client_id")
            ours = set(conn.execute(text(
                "SELECT a.client_id FROM attempts a JOIN exercises e ON e.id = a.exercise_id "
                "JOIN lessons l ON l.id = e.lesson_id JOIN courses c ON c.id = l.course_id "
                "WHERE c.slug = :slug"), {"slug": common.BENCH_COURSE}).scalars())
    finally:
        engine.dispose()
    return attempts, events, ours


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--kiosks", type=int, default=20)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--before", type=float, default=5.0)
    parser.add_argument("--after", type=float, default=5.0)
    args = parser.parse_args(argv)

    tmp = Path(tempfile.mkdtemp(prefix="umed-durability-"))
    url = args.database_url or f"sqlite:///{tmp / 'umed.sqlite3'}"
    media = tmp / "media"
    print(f"database {url.split('@')[-1]}; logs in {tmp}")
    target = common.prepare_database(url, learners=max(args.kiosks, 50), events=5000,
                                     media_dir=media)
    _before, _events, existing = counts(url, [])
    env = common.server_env(url, media, secrets.token_urlsafe(32))
    server = common.Server("wsgi:app", common.free_port(), env, workers=args.workers,
                           threads=args.threads, log=tmp / "gunicorn.log")
    stop, give_up = threading.Event(), threading.Event()
    threads: list[KioskThread] = []
    try:
        server.start()
        kiosks = [common.sign_in(server.port, str(common.FIRST_NUMBER + i), target)
                  for i in range(args.kiosks)]
        threads = [KioskThread(k, server.port, target.answer_path, stop, give_up)
                   for k in kiosks]
        for thread in threads:
            thread.start()
        time.sleep(args.before)
        acked_before = sum(len(t.acked) for t in threads)
        killed_at = time.monotonic()
        pids = server.kill()
        time.sleep(1.0)
        server.start()
        down = time.monotonic() - killed_at
        acked_at_restart = sum(len(t.acked) for t in threads)
        time.sleep(args.after)
        stop.set()
        deadline = time.monotonic() + RETRY_SECONDS
        for thread in threads:
            thread.join(max(deadline - time.monotonic(), 0.1))
        give_up.set()
        for thread in threads:
            thread.join(5)
    finally:
        stop.set()
        give_up.set()
        server.stop()

    sent = [c for t in threads for c in t.sent]
    acked = [c for t in threads for c in t.acked]
    retried = set().union(*(t.retried for t in threads))
    repeated = [c for t in threads for c in t.repeated]
    attempts, events, ours = counts(url, sent)
    ours -= existing
    missing = [c for c in acked if attempts.get(c, 0) != 1 or events.get(c, 0) != 1]
    unknown = ours - set(sent)
    pending = [c for c in sent if c not in set(acked)]
    print(f"\nkilled {len(pids)} gunicorn processes (master and {len(pids) - 1} workers) with "
          f"SIGKILL after {args.before:.0f} s of load; serving again {down:.1f} s later")
    print(f"answers acknowledged: {len(acked)} ({acked_before} before the kill, "
          f"{len(acked) - acked_at_restart} after the restart) from {args.kiosks} kiosks")
    print(f"answers sent again after a failed request: {len(retried)}; of these the server "
          f"had already saved {len(repeated)} (answered \"repeated\", counted once)")
    print(f"answers never acknowledged (given up): {len(pending)}")
    print(f"acknowledged answers not in the database exactly once: {len(missing)}")
    print(f"duplicated attempts: {sum(1 for n in attempts.values() if n > 1)}; duplicated "
          f"answered events: {sum(1 for n in events.values() if n > 1)}; rows nobody sent: "
          f"{len(unknown)}")
    if url.startswith("sqlite:///"):
        conn = sqlite3.connect(url[len("sqlite:///"):])
        print(f"PRAGMA integrity_check: {conn.execute('PRAGMA integrity_check').fetchone()[0]}")
        conn.close()
    ok = not missing and not unknown and not pending and all(
        n == 1 for n in [*attempts.values(), *events.values()])
    print("RESULT: every acknowledged answer is in the database exactly once" if ok
          else "RESULT: FAILED")
    raise SystemExit(0 if ok else 1)


if __name__ == "__main__":
    main()
