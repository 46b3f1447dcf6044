"""The schema comes only from migrations, and they match the models on every engine."""

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import select, text
from sqlalchemy.exc import DatabaseError

from lms.audit.models import AuditEntry
from lms.audit.services import record
from lms.models import metadata


def test_migrations_match_the_models(app, db):
    # The test's own connection: another one would wait for its write lock on SQLite.
    context = MigrationContext.configure(db.session.connection(), opts={"compare_type": True})
    diff = compare_metadata(context, metadata)
    assert diff == [], diff


def test_migrations_go_down_and_up(tmp_path):
    from lms import create_app
    from lms.migrate import alembic_config, upgrade
    from tests.conftest import make_config

    app = create_app(make_config(tmp_path, "sqlite"))
    with app.app_context():
        from alembic import command

        upgrade()
        command.downgrade(alembic_config(), "base")
        upgrade()
        from lms.extensions import db

        db.engine.dispose()


@pytest.mark.parametrize("statement", ["UPDATE audit_entries SET action = 'x'",
                                       "DELETE FROM audit_entries"])
def test_audit_log_cannot_be_changed(app, db, world, statement):
    record(None, "test.entry")
    db.session.commit()
    with pytest.raises(DatabaseError):
        with db.session.begin_nested():
            db.session.execute(text(statement))
    assert db.session.scalar(select(AuditEntry).where(AuditEntry.action == "test.entry"))
