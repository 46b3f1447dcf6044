from tests.review.conftest import complete_course, staff  # noqa: F401  (fixtures)
