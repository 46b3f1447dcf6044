import pytest

from tests import factories


@pytest.fixture
def learner(db):
    """A learner of a test facility (no demo world needed)."""
    made = factories.learner()
    db.session.commit()
    return made


@pytest.fixture
def kiosk(app, auth, client, learner, sample_course):
    """A client signed in as the learner on an enrolled kiosk of their facility."""
    auth.learner(learner.learner_number, terminal_cookie=factories.terminal_cookie(app, learner.facility))
    return client
