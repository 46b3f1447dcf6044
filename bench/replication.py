"""Replication: lag under a kiosk load, and catch-up after a day written offline.

    .venv/bin/python bench/replication.py \
        --hq postgresql+psycopg://postgres@127.0.0.1:5433/postgres \
        --site postgresql+psycopg://postgres@127.0.0.1:5434/postgres

Two PostgreSQL clusters with ``wal_level = logical`` (``.ci/run`` makes them on 5433 and 5434):
headquarters' database in the first, one facility's in the second (scratch databases
``umed_bench_hq`` and ``umed_bench_f1``, made again each run). Both are migrated, numbered
(0 and 1) and linked with the ``lms network`` commands, the sample course travels to the
facility, and ``--learners`` learners are made there.

1. load    — ``--kiosks`` kiosks (200) each answer every ``1 / --rate`` seconds (an answer and
             its event in one transaction, as a kiosk's answer is), spread over ``--writers``
             connections, for ``--seconds``. Twice a second a probe event is written at the
             facility and timed until headquarters has it: the lag (p50, p95, max), with the
             bytes the facility's slot had not yet had confirmed;
2. offline — headquarters' subscription is paused, the facility writes ``--offline-events``
             events (a day's, 50,000) in kiosk-sized transactions, the subscription resumes:
             the time until headquarters holds every one of them.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import threading
import time
import uuid
from pathlib import Path

import psycopg
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
SAMPLE_COURSE = ROOT / "tests" / "fixtures" / "sample-course"


def _url(server: str, name: str) -> str:
    return make_url(server).set(database=name).render_as_string(hide_password=False)


def _libpq(server: str, name: str) -> str:
    url = make_url(server)
    return f"host={url.host} port={url.port or 5432} dbname={name} user={url.username}"


def _recreate(server: str, name: str, create: bool = True) -> None:
    admin = create_engine(server, poolclass=NullPool, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        if conn.scalar(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name}):
            db = create_engine(_url(server, name), poolclass=NullPool,
                               isolation_level="AUTOCOMMIT")
            with db.connect() as c:
                for (sub,) in c.execute(text("SELECT subname FROM pg_subscription")):
                    c.execute(text(f"ALTER SUBSCRIPTION {sub} DISABLE"))
                    c.execute(text(f"ALTER SUBSCRIPTION {sub} SET (slot_name = NONE)"))
                    c.execute(text(f"DROP SUBSCRIPTION {sub}"))
            db.dispose()
        for _ in range(50):
            slots = conn.execute(text("SELECT slot_name, active_pid FROM pg_replication_slots "
                                      "WHERE database = :n"), {"n": name}).all()
            for slot, pid in slots:
                conn.execute(text("SELECT pg_terminate_backend(:p)" if pid else
                                  "SELECT pg_drop_replication_slot(:s)"),
                             {"p": pid} if pid else {"s": slot})
            if not slots:
                break
            time.sleep(0.2)
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        if create:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
    admin.dispose()


def _app(url: str, tmp: Path):
    from lms import create_app
    from lms.migrate import upgrade

    app = create_app({"TESTING": True, "SQLALCHEMY_DATABASE_URI": url, "ARGON2_PROFILE": "fast",
                      "MEDIA_DIR": str(tmp), "RATELIMIT_ENABLED": False, "SECRET_KEY": "bench-replication-secret-key"})
    with app.app_context():
        upgrade()
    return app


def _cli(app, *args: str) -> None:
    result = app.test_cli_runner().invoke(args=["lms", "network", *args])
    if result.exit_code:
        raise SystemExit(result.output)


def _wait(check, seconds: float = 300) -> float:
    start = time.monotonic()
    while not check():
        if time.monotonic() - start > seconds:
            raise SystemExit("gave up waiting")
        time.sleep(0.05)
    return time.monotonic() - start


def setup(args):
    import tempfile

    from lms.accounts.services import create_learner
    from lms.admin.services import add_unit, create_facility
    from lms.content.importer import import_course
    from lms.content.loader import load_tree
    from lms.extensions import db
    from lms.network.ranges import COURSE_TABLES

    for server, name in ((args.hq, "umed_bench_hq"), (args.site, "umed_bench_f1")):
        _recreate(server, name)
    tmp = Path(tempfile.mkdtemp())
    hq, site = _app(_url(args.hq, "umed_bench_hq"), tmp), _app(_url(args.site, "umed_bench_f1"),
                                                                tmp)
    _cli(hq, "facility-init", "--number", "0")
    with hq.app_context():
        sources, _problems = load_tree(SAMPLE_COURSE)
        import_course(sources[0])
        db.session.commit()
    _cli(hq, "publish")
    _cli(site, "facility-init", "--number", "1")
    _cli(site, "publish")
    _cli(site, "subscribe", "--dsn", _libpq(args.hq, "umed_bench_hq"))
    hq_db, site_db = _libpq(args.hq, "umed_bench_hq"), _libpq(args.site, "umed_bench_f1")
    with psycopg.connect(hq_db) as h, psycopg.connect(site_db) as s:
        for table in COURSE_TABLES:
            want = h.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
            _wait(lambda: s.execute(f"SELECT count(*) FROM {table}").fetchone()[0] == want)  # noqa: B023
    with site.app_context():
        facility = create_facility("F1", "Facility 1")
        unit = add_unit(facility, "A")
        for i in range(args.learners):
            create_learner(f"1{i:05d}", f"Learner {i}", facility, unit, "1234")
        db.session.commit()
    _cli(hq, "subscribe", "--facility", "F1", "--dsn", site_db)
    with psycopg.connect(hq_db) as h:
        _wait(lambda: h.execute("SELECT count(*) FROM pg_subscription_rel WHERE "
                                "srsubstate <> 'r'").fetchone()[0] == 0 and
              h.execute("SELECT count(*) FROM users").fetchone()[0] >= args.learners)
    return hq, site, hq_db, site_db


def _targets(site_db: str):
    with psycopg.connect(site_db) as s:
        users = [r[0] for r in s.execute("SELECT id FROM users WHERE role = 'learner'")]
        facility = s.execute("SELECT id FROM facilities").fetchone()[0]
        exercises = s.execute("SELECT id, lesson_id FROM exercises").fetchall()
    return users, facility, exercises


ANSWER = ("INSERT INTO attempts (client_id, user_id, exercise_id, lesson_id, round, try_number, "
          "response, fraction, correct, graded, private, lang, at) VALUES "
          "(%s, %s, %s, %s, 1, 1, '{\"choice\": 0}', 1, true, true, false, 'tg', now())")
EVENT = ("INSERT INTO events (client_id, user_id, facility_id, verb, object_type, object_id, "
         "lesson_id, lang, at) VALUES (%s, %s, %s, 'answered', 'exercise', %s, %s, 'tg', now())")


def load(args, hq_db: str, site_db: str) -> None:
    users, facility, exercises = _targets(site_db)
    stop = threading.Event()
    written = [0] * args.writers
    interval = args.writers / (args.kiosks * args.rate)

    def writer(index: int) -> None:
        rnd = random.Random(index)
        with psycopg.connect(site_db, autocommit=False) as conn:
            due = time.monotonic()
            while not stop.is_set():
                user = rnd.choice(users)
                exercise, lesson = rnd.choice(exercises)
                with conn.transaction():
                    conn.execute(ANSWER, (uuid.uuid4().hex, user, exercise, lesson))
                    conn.execute(EVENT, (uuid.uuid4().hex, user, facility, exercise, lesson))
                written[index] += 1
                due += interval
                pause = due - time.monotonic()
                if pause > 0:
                    time.sleep(pause)

    threads = [threading.Thread(target=writer, args=(i,), daemon=True)
               for i in range(args.writers)]
    for t in threads:
        t.start()
    lags, behind = [], []
    time.sleep(2)
    start = time.monotonic()
    with psycopg.connect(site_db, autocommit=True) as s, \
            psycopg.connect(hq_db, autocommit=True) as h:
        while time.monotonic() - start < args.seconds:
            probe = uuid.uuid4().hex
            s.execute(EVENT, (probe, users[0], facility, exercises[0][0], exercises[0][1]))
            sent = time.monotonic()
            _wait(lambda p=probe: h.execute("SELECT 1 FROM events WHERE client_id = %s",
                                            (p,)).fetchone() is not None, 60)
            lags.append(time.monotonic() - sent)
            behind.append(s.execute(
                "SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), confirmed_flush_lsn) FROM "
                "pg_replication_slots WHERE slot_name = 'umed_from_f1'").fetchone()[0])
            time.sleep(max(0.0, 0.5 - (time.monotonic() - sent)))
    elapsed = time.monotonic() - start
    stop.set()
    for t in threads:
        t.join()
    lags.sort()
    rate = sum(written) / (elapsed + 2)
    print(f"load: {args.kiosks} kiosks, {rate:.0f} answers/s written at the facility "
          f"(each an answer and an event), {len(lags)} probes over {elapsed:.0f} s")
    print(f"  lag to headquarters: p50 {statistics.median(lags) * 1000:.0f} ms, "
          f"p95 {lags[int(len(lags) * 0.95) - 1] * 1000:.0f} ms, max {lags[-1] * 1000:.0f} ms")
    print(f"  slot not yet confirmed: median {statistics.median(behind):.0f} bytes, "
          f"max {max(behind):.0f} bytes")


def offline(args, hq, hq_db: str, site_db: str) -> None:
    users, facility, exercises = _targets(site_db)
    _cli(hq, "pause", "--facility", "F1")
    time.sleep(1)
    start = time.monotonic()
    per_tx = 2  # a kiosk's answer: its event and its page view, committed together
    with psycopg.connect(site_db, autocommit=False) as s:
        for i in range(0, args.offline_events, per_tx):
            with s.transaction():
                rows = [(uuid.uuid4().hex, random.choice(users), facility, *exercises[i % len(
                    exercises)]) for _ in range(min(per_tx, args.offline_events - i))]
                s.cursor().executemany(EVENT, rows)
        total = s.execute("SELECT count(*) FROM events").fetchone()[0]
        wal = s.execute("SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), confirmed_flush_lsn) "
                        "FROM pg_replication_slots WHERE slot_name = 'umed_from_f1'").fetchone()[0]
    wrote = time.monotonic() - start
    print(f"offline: {args.offline_events} events written at the facility in {wrote:.1f} s "
          f"({args.offline_events // per_tx} transactions), {float(wal) / 1e6:.1f} MB of WAL waiting")
    _cli(hq, "resume", "--facility", "F1")
    with psycopg.connect(hq_db, autocommit=True) as h:
        took = _wait(lambda: h.execute(
            "SELECT count(*) FROM events WHERE id >= 1000000000000").fetchone()[0] == total,
            1800)
    print(f"  headquarters caught up in {took:.1f} s "
          f"({args.offline_events / took:.0f} events/s)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--hq", default="postgresql+psycopg://postgres@127.0.0.1:5433/postgres")
    parser.add_argument("--site", default="postgresql+psycopg://postgres@127.0.0.1:5434/postgres")
    parser.add_argument("--kiosks", type=int, default=200)
    parser.add_argument("--rate", type=float, default=0.2, help="answers per kiosk per second")
    parser.add_argument("--writers", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=30)
    parser.add_argument("--learners", type=int, default=400)
    parser.add_argument("--offline-events", type=int, default=50_000)
    args = parser.parse_args()
    hq, _site, hq_db, site_db = setup(args)
    try:
        load(args, hq_db, site_db)
        offline(args, hq, hq_db, site_db)
    finally:  # slots are the cluster's: leave none behind to collide with the next run's
        from lms.extensions import db

        for app in (hq, _site):
            with app.app_context():
                db.engine.dispose()
        _recreate(args.site, "umed_bench_f1", create=False)
        _recreate(args.hq, "umed_bench_hq", create=False)


if __name__ == "__main__":
    main()
