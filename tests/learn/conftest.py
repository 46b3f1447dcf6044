import pytest
from sqlalchemy import select

from lms.auth.models import User


@pytest.fixture
def learner(db, world):
    return db.session.scalar(select(User).where(User.learner_number == "1001"))


@pytest.fixture
def kiosk(auth, client, world, terminal_cookie, sample_course):
    """A client signed in as learner 1001 on an enrolled kiosk of facility 1."""
    auth.learner("1001", terminal_cookie=terminal_cookie("F1"))
    return client
