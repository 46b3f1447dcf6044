"""Renaming a module of a course in the studio."""

from __future__ import annotations

import pytest

from lms.author import drafts, structure
from lms.author.drafts import StudioError
from tests.conftest import csrf_from

from .conftest import sign_in


def _retitle(client, course, data, key="first"):
    page = client.get(f"/author/courses/{course.id}").text
    return client.post(f"/author/courses/{course.id}/modules/{key}/title",
                       data={"csrf_token": csrf_from(page), **data}, follow_redirects=True)


def _module(course) -> dict:
    return structure.modules(structure.draft_meta(course, drafts.latest(course)))[0]


def test_retitling_a_module_shows_on_the_course_page(client, auth, course):
    sign_in(auth, "lecturer")
    page = client.get(f"/author/courses/{course.id}").text
    assert f"/author/courses/{course.id}/modules/first/title" in page
    response = _retitle(client, course, {"title_tg": "  Ҳарфҳои  нав ", "title_ru": ""})
    assert response.status_code == 200
    assert "Ҳарфҳои нав" in response.text and "Қисми 1" not in response.text
    module = _module(course)
    assert module["title"] == {"tg": "Ҳарфҳои нав"} and module["lessons"] == ["hello"]
    assert drafts.latest(course)["course.yml"].note == "module first renamed"


def test_an_empty_tajik_title_is_refused(client, auth, course):
    sign_in(auth, "lecturer")
    before = drafts.latest(course)["course.yml"].number
    response = _retitle(client, course, {"title_tg": "  ", "title_ru": "Новое"})
    assert "Give the module a title in Tajik." in response.text
    assert _module(course)["title"] == {"tg": "Қисми 1", "ru": "Часть 1"}
    assert drafts.latest(course)["course.yml"].number == before


def test_retitling_is_a_draft_change(db, ctx, course, lecturer):
    """Like adding or moving a module: a new revision of course.yml, nothing on kiosks."""
    structure.retitle_module(course, "first", {"tg": "Аввал", "ru": "Начало"}, lecturer)
    assert _module(course)["title"] == {"tg": "Аввал", "ru": "Начало"}
    assert drafts.latest(course)["course.yml"].published_at is None
    with pytest.raises(StudioError, match="no module"):
        structure.retitle_module(course, "missing", {"tg": "Х"}, lecturer)


def test_others_may_not_retitle(client, auth, course, lecturer2):
    auth.staff("lecturer2")
    token = csrf_from(client.get("/author/").text)
    response = client.post(f"/author/courses/{course.id}/modules/first/title",
                           data={"csrf_token": token, "title_tg": "Бегона"})
    assert response.status_code == 404
    assert _module(course)["title"]["tg"] == "Қисми 1"


def test_a_too_long_title_is_refused(client, auth, course):
    sign_in(auth, "lecturer")
    response = _retitle(client, course, {"title_tg": "ж" * 201})
    assert "A title may have 200 characters at most." in response.text
    assert _module(course)["title"]["tg"] == "Қисми 1"
