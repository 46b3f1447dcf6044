from sqlalchemy import func, select

from lms.accounts.models import Role, User
from lms.terminals.models import Terminal


def test_demo_is_idempotent_and_sets_password(runner, db, auth):
    assert runner.invoke(args=["lms", "demo", "--no-courses"]).exit_code == 0
    result = runner.invoke(args=["lms", "demo", "--no-courses", "--password", "another-pass",
                                 "--pin", "5555"])
    assert result.exit_code == 0, result.output
    assert "officer2" in result.output and "2001–2005" in result.output
    count = db.session.scalar(select(func.count()).where(User.role == Role.LEARNER))
    assert count == 25
    assert db.session.scalar(select(func.count()).select_from(Terminal)) == 2
    assert auth.staff("officer", "another-pass").status_code == 302


def test_demo_with_bundled_courses_gives_plans_and_a_studio(runner, db):
    from lms.content.models import Course
    from lms.learn.models import PlanItem
    from lms.staff.models import CourseStaff

    result = runner.invoke(args=["lms", "demo"])
    assert result.exit_code == 0, result.output
    assert db.session.scalar(select(func.count()).select_from(Course)) == 3
    # every demo learner has a plan (two or three courses depending on the unit)
    planned = db.session.scalar(select(func.count(func.distinct(PlanItem.user_id))))
    assert planned == 25
    assert db.session.scalar(select(func.count()).select_from(CourseStaff)) == 3
