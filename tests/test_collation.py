from lms.collation import ALPHABET, sort_key


def test_tajik_letters_sort_beside_their_look_alikes():
    words = ["Ҷамшед", "Қодир", "Ғафур", "Яҳё", "Чаман", "Каримов", "Гулов", "Хуршед", "Ҳаким"]
    assert sorted(words, key=sort_key) == [
        "Гулов", "Ғафур", "Каримов", "Қодир", "Хуршед", "Ҳаким", "Чаман", "Ҷамшед", "Яҳё"]


def test_russian_order_is_kept_and_case_is_ignored():
    words = ["щука", "Цветков", "ёж", "Ежов", "Эмиль", "ыхх"]
    assert sorted(words, key=sort_key) == ["Ежов", "ёж", "Цветков", "щука", "ыхх", "Эмиль"]


def test_both_alphabets_are_covered():
    tajik = "абвгғдеёжзиӣйкқлмнопрстуӯфхҳчҷшъэюя"
    russian = "абвгдеёжзийклмнопрстуфхцчшщъыьэюя"
    assert len(tajik) == 35 and set(tajik) <= set(ALPHABET) and set(russian) <= set(ALPHABET)
    for alphabet in (tajik, russian):
        assert sorted(alphabet, key=sort_key) == list(alphabet)


def test_learner_list_sorts_names_alphabetically(auth, client, db, world):
    """Ғ comes before Д in the alphabet, though after it in code points."""
    from sqlalchemy import select

    from lms.accounts.models import Facility
    from lms.accounts.services import create_learner

    facility = db.session.scalar(select(Facility).where(Facility.code == "F1"))
    create_learner("1901", "Дилшод Умаров", facility, None, "1234")
    create_learner("1902", "Ғанӣ Раҳимов", facility, None, "1234")
    db.session.commit()
    auth.staff("officer")
    page = client.get("/review/?sort=name").text
    wanted = ["Бахтиёр Ҳакимов", "Ғанӣ Раҳимов", "Дилшод Умаров", "Умед Мирзоев"]
    assert all(n in page for n in wanted)
    assert sorted(wanted, key=page.index) == wanted
