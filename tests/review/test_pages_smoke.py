from tests.review.conftest import learner_by_number


def test_every_page_renders(auth, client, db, world, complete_course, sample_course):
    learner = complete_course("1001", wrong_first=("mc",))
    auth.staff("officer")
    for path in ["/reports/", "/review/", "/review/?sort=progress", "/review/?sort=activity",
                 f"/review/learners/{learner.id}", "/review/plans/", "/review/terminals",
                 "/review/courses", f"/review/courses/{sample_course.id}",
                 "/reports/exports", f"/reports/learners/{learner.id}/summary",
                 "/review/learners/new", "/review/learners/import", "/review/certificates/verify",
                 "/reports/exports/progress.csv", "/reports/exports/xapi.json"]:
        response = client.get(path)
        assert response.status_code == 200, path
    assert learner_by_number(db, "1001")
