from pathlib import Path

import pytest
from sqlalchemy import select

from lms.auth.models import User
from lms.content.importer import import_course
from lms.content.loader import load_tree
from lms.content.models import Course

SAMPLE = Path(__file__).resolve().parent.parent / "fixtures" / "sample-course"


@pytest.fixture
def sample_course(app, db, world):
    """The small two-lesson course with every exercise type, imported and published."""
    with app.app_context():
        sources, problems = load_tree(SAMPLE)
        assert not problems.errors, [str(p) for p in problems.errors]
        import_course(sources[0])
        db.session.commit()
    return db.session.scalar(select(Course).where(Course.slug == "sample"))


@pytest.fixture
def learner(db, world):
    return db.session.scalar(select(User).where(User.learner_number == "1001"))


@pytest.fixture
def kiosk(auth, client, world, terminal_cookie, sample_course):
    """A client signed in as learner 1001 on an enrolled kiosk of facility 1."""
    auth.learner("1001", terminal_cookie=terminal_cookie("F1"))
    return client
