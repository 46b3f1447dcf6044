"""Two facilities and headquarters on PostgreSQL logical replication, on one machine.

Headquarters is a database of one cluster, the two facilities are databases of another (a
subscription between databases of one cluster would need its slots made by hand). Each
facility numbers its rows in its range and publishes them; headquarters subscribes to both and
publishes the courses, to which both subscribe. The test writes learners and answers at both,
finds every row at headquarters exactly once, pauses one facility's link while it keeps
writing, resumes it and finds every row once again, then transfers a learner between the
facilities with a signed package and finds their history at the new one, nothing twice.

Runs when LMS_TEST_DATABASE_URL is set and both clusters (LMS_TEST_NETWORK_HQ_URL,
LMS_TEST_NETWORK_SITES_URL; `.ci/run` makes them) answer with ``wal_level = logical``.
"""

from __future__ import annotations

import os
import time
import uuid

import pytest
from sqlalchemy import create_engine, select, text
from sqlalchemy.engine import make_url
from sqlalchemy.pool import NullPool

from tests.conftest import PG_URL, SAMPLE_COURSE

HQ_URL = os.environ.get("LMS_TEST_NETWORK_HQ_URL",
                        "postgresql+psycopg://postgres@127.0.0.1:5433/postgres")
SITES_URL = os.environ.get("LMS_TEST_NETWORK_SITES_URL",
                           "postgresql+psycopg://postgres@127.0.0.1:5434/postgres")
DATABASES = {"hq": (HQ_URL, "umed_net_hq"), "F1": (SITES_URL, "umed_net_f1"),
             "F2": (SITES_URL, "umed_net_f2")}
WAIT = 90


def _logical(url: str) -> str | None:
    """Why the cluster at ``url`` cannot be used, or None."""
    try:
        engine = create_engine(url, poolclass=NullPool, connect_args={"connect_timeout": 3})
        with engine.connect() as conn:
            level = conn.scalar(text("SHOW wal_level"))
        engine.dispose()
    except Exception as exc:  # noqa: BLE001 - any failure means: skip, saying why
        return f"{make_url(url).render_as_string(hide_password=True)} does not answer ({exc})"
    return None if level == "logical" else f"{url}: wal_level is {level}, not logical"


def _why_skip() -> str | None:
    if not PG_URL:
        return "LMS_TEST_DATABASE_URL is not set"
    return _logical(HQ_URL) or _logical(SITES_URL)


REASON = _why_skip()
pytestmark = pytest.mark.skipif(REASON is not None, reason=f"no national network: {REASON}")


def _url(server: str, name: str) -> str:
    return make_url(server).set(database=name).render_as_string(hide_password=False)


def _dsn(server: str, name: str) -> str:
    url = make_url(server)
    return f"host={url.host} port={url.port} dbname={name} user={url.username}"


def _drop_everything(server: str, name: str) -> None:
    """Drop the database, its subscriptions first (they hold slots on the other side)."""
    admin = create_engine(server, poolclass=NullPool, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        exists = conn.scalar(text("SELECT 1 FROM pg_database WHERE datname = :n"), {"n": name})
    if exists:
        engine = create_engine(_url(server, name), poolclass=NullPool,
                               isolation_level="AUTOCOMMIT")
        with engine.connect() as conn:
            for (sub,) in conn.execute(text(
                    "SELECT subname FROM pg_subscription WHERE subdbid = "
                    "(SELECT oid FROM pg_database WHERE datname = current_database())")):
                conn.execute(text(f"ALTER SUBSCRIPTION {sub} DISABLE"))
                conn.execute(text(f"ALTER SUBSCRIPTION {sub} SET (slot_name = NONE)"))
                conn.execute(text(f"DROP SUBSCRIPTION {sub}"))
        engine.dispose()
    with admin.connect() as conn:
        for _ in range(50):
            slots = conn.execute(text(
                "SELECT slot_name, active_pid FROM pg_replication_slots WHERE database = :n"),
                {"n": name}).all()
            for slot, pid in slots:
                if pid:
                    conn.execute(text("SELECT pg_terminate_backend(:p)"), {"p": pid})
                else:
                    conn.execute(text("SELECT pg_drop_replication_slot(:s)"), {"s": slot})
            if not slots:
                break
            time.sleep(0.2)
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def _make_app(tmp_path, site: str, **extra):
    from lms import create_app
    from lms.migrate import upgrade
    from tests.conftest import make_config

    server, name = DATABASES[site]
    config = make_config(tmp_path / site, "postgresql")
    config.update(SQLALCHEMY_DATABASE_URI=_url(server, name), **extra)
    app = create_app(config)
    with app.app_context():
        upgrade()
    return app


def _cli(app, *args: str) -> str:
    result = app.test_cli_runner().invoke(args=["lms", "network", *args])
    assert result.exit_code == 0, result.output
    return result.output


def _ids(app, table: str, column: str, rng=None) -> list:
    from lms.extensions import db

    where = f" WHERE {rng.sql(column)}" if rng else ""
    with app.app_context(), db.engine.connect() as conn:
        return [r[0] for r in conn.execute(text(
            f"SELECT {column} FROM {table}{where} ORDER BY 1"))]  # noqa: S608


def _wait(check, what: str) -> None:
    deadline = time.monotonic() + WAIT
    while time.monotonic() < deadline:
        if check():
            return
        time.sleep(0.3)
    raise AssertionError(f"still waiting after {WAIT} s: {what}")


@pytest.fixture(scope="module")
def network(tmp_path_factory):
    tmp = tmp_path_factory.mktemp("network")
    for server, name in DATABASES.values():
        _drop_everything(server, name)
        admin = create_engine(server, poolclass=NullPool, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        admin.dispose()
    from lms.content.package import keygen

    keygen(tmp / "f1.key")
    apps = {"hq": _make_app(tmp, "hq"), "F1": _make_app(tmp, "F1"),
            "F2": _make_app(tmp, "F2", TRUSTED_KEYS=[str(tmp / "f1.key.pub")])}
    yield apps, tmp
    from lms.extensions import db

    for app in apps.values():
        with app.app_context():
            db.engine.dispose()
    for server, name in DATABASES.values():
        _drop_everything(server, name)


def _seed_facility(app, code: str, learners: int) -> None:
    from lms.accounts.services import create_learner
    from lms.admin.services import add_unit, create_facility
    from lms.extensions import db

    with app.app_context():
        facility = create_facility(code, f"Facility {code}")
        unit = add_unit(facility, "A")
        for i in range(learners):
            create_learner(f"{code[1:]}{i:04d}", f"Learner {code}-{i}", facility, unit, "1234")
        db.session.commit()


def _answer(app, code: str, per_learner: int = 3) -> None:
    """Every learner of the facility answers ``per_learner`` exercises (and an event each)."""
    from lms.accounts.models import Facility, Role, User
    from lms.content.models import Exercise
    from lms.extensions import db
    from lms.learn import events
    from lms.learn.models import Attempt

    with app.app_context():
        facility = db.session.scalar(select(Facility).where(Facility.code == code))
        exercises = db.session.scalars(select(Exercise).order_by(Exercise.id)).all()
        learners = db.session.scalars(select(User).where(
            User.facility_id == facility.id, User.role == Role.LEARNER,
            User.active.is_(True))).all()
        for user in learners:
            for exercise in exercises[:per_learner]:
                db.session.add(Attempt(
                    client_id=uuid.uuid4().hex, user_id=user.id, exercise_id=exercise.id,
                    lesson_id=exercise.lesson_id, response={"choice": 0}, lang="tg"))
                events.record(user, "answered", "exercise", exercise.id,
                              lesson_id=exercise.lesson_id, client_id=uuid.uuid4().hex)
        db.session.commit()


def _everything_once(apps) -> None:
    """Every row each facility made is at headquarters, exactly once."""
    from lms.network.ranges import FACILITY_TABLES, Range

    for table, column in FACILITY_TABLES.items():
        expected: list = []
        for number, site in ((1, "F1"), (2, "F2")):
            made = _ids(apps[site], table, column, Range(number))
            _wait(lambda: _ids(apps["hq"], table, column, Range(number)) == made,  # noqa: B023
                  f"{table} of {site} at headquarters")
            expected += made
        at_hq = [i for i in _ids(apps["hq"], table, column) if i >= 10**12]
        assert sorted(at_hq) == sorted(expected), table


def test_two_facilities_and_headquarters(network):
    apps, tmp = network
    from lms.content.importer import import_course
    from lms.content.loader import load_tree
    from lms.extensions import db
    from lms.network.ranges import Range

    hq, f1, f2 = apps["hq"], apps["F1"], apps["F2"]
    # Headquarters: number 0, a course, the course publication.
    _cli(hq, "facility-init", "--number", "0")
    with hq.app_context():
        sources, problems = load_tree(SAMPLE_COURSE)
        assert not problems.errors
        import_course(sources[0])
        db.session.commit()
    _cli(hq, "publish")
    hq_server, hq_name = DATABASES["hq"]
    # Facilities: one made its rows before joining (they move into its range), one after.
    _seed_facility(f1, "F1", 5)
    out = _cli(f1, "facility-init", "--number", "1")
    assert "users: 5 rows moved" in out
    _cli(f2, "facility-init", "--number", "2")
    _seed_facility(f2, "F2", 4)
    assert min(_ids(f1, "users", "id")) >= 10**12 and min(_ids(f2, "users", "id")) >= 2 * 10**12
    for site in ("F1", "F2"):
        _cli(apps[site], "publish")
        _cli(apps[site], "subscribe", "--dsn", _dsn(hq_server, hq_name))
    from lms.network.ranges import COURSE_TABLES

    for table in COURSE_TABLES:  # each table is copied on its own, then all stream together
        rows = _ids(hq, table, "id")
        for site in ("F1", "F2"):
            _wait(lambda: _ids(apps[site], table, "id") == rows,  # noqa: B023
                  f"{table} at {site}")
    for site in ("F1", "F2"):
        server, name = DATABASES[site]
        _cli(hq, "subscribe", "--facility", site, "--dsn", _dsn(server, name))

    _answer(f1, "F1")
    _answer(f2, "F2")
    _everything_once(apps)
    assert len(_ids(hq, "attempts", "id")) == (5 + 4) * 3

    # F1's link is cut; F1 keeps teaching; headquarters does not see it until it comes back.
    _cli(hq, "pause", "--facility", "F1")
    _answer(f1, "F1", per_learner=2)
    _answer(f2, "F2", per_learner=1)
    time.sleep(2)
    assert len(_ids(hq, "attempts", "id", Range(1))) == 5 * 3
    status = _cli(hq, "status")
    assert "umed_from_f1: paused" in status
    _cli(hq, "resume", "--facility", "F1")
    _everything_once(apps)
    assert len(_ids(hq, "attempts", "id")) == 5 * 5 + 4 * 4

    # A learner of F1 moves to F2, with a signed package carried by hand.
    with f1.app_context():
        learner_id = db.session.scalar(text("SELECT id FROM users WHERE learner_number = '10000'"))
    history = _ids(f1, f"attempts WHERE user_id = {learner_id} --", "id")
    package = tmp / "10000.zip"
    _cli(f1, "transfer-out", "10000", str(package), "--key", str(tmp / "f1.key"))
    out = _cli(f2, "transfer-in", str(package), "--facility", "F2")
    assert "attempts 5" in out
    assert "nothing new" in _cli(f2, "transfer-in", str(package), "--facility", "F2")
    assert _ids(f2, f"attempts WHERE user_id = {learner_id} --", "id") == history
    with f1.app_context():
        assert db.session.scalar(text(f"SELECT active FROM users WHERE id = {learner_id}")) \
            is False  # the old facility keeps a read-only record
    with f2.app_context():
        assert db.session.scalar(text(f"SELECT active FROM users WHERE id = {learner_id}"))
    _answer(f2, "F2", per_learner=1)  # the newcomer answers at F2, in F2's range
    _everything_once(apps)
    at_hq = _ids(hq, f"attempts WHERE user_id = {learner_id} --", "id")
    assert len(at_hq) == len(set(at_hq)) == len(history) + 1
    assert sorted(_ids(hq, "attempts", "id")) == sorted(
        set(_ids(f1, "attempts", "id")) | set(_ids(f2, "attempts", "id")))
    assert "umed_from_f2: streaming" in _cli(hq, "status")

    # Headquarters' page shows both facilities streaming.
    from lms.accounts.models import Role
    from lms.accounts.services import create_staff
    from tests.conftest import Auth

    with hq.app_context():
        create_staff("hqadmin", "HQ administrator", Role.ADMIN, "umed-demo-hq")
        db.session.commit()
    client = hq.test_client()
    Auth(client, hq).staff("hqadmin", "umed-demo-hq")
    page = client.get("/admin/network/").text
    # "Streaming", in Tajik
    assert page.count("Интиқол меравад") >= 2 + 2 and "F1" in page and "F2" in page
