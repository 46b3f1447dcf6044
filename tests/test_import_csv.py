from sqlalchemy import func, select

from lms.accounts.models import Role, User

GOOD = """learner_number,full_name,facility,unit,pin
3001,Ҷӯрабек Ғаниев,F1,Блоки А,1234
3002,Олег Петров,Муассисаи ислоҳии №1,,5678
"""

BAD = """learner_number,full_name,facility,unit,pin
3001,Ҷӯрабек Ғаниев,F1,Блоки А,1234
3002,Олег Петров,F1,Блоки А,12
3003,Қодир Ҳасанов,F9,,1234
"""


def _count(db):
    return db.session.scalar(select(func.count()).where(User.role == Role.LEARNER))


def test_import_good_csv(runner, db, world, tmp_path):
    path = tmp_path / "learners.csv"
    path.write_text(GOOD, encoding="utf-8")
    before = _count(db)
    result = runner.invoke(args=["lms", "learners", "import", str(path)])
    assert result.exit_code == 0, result.output
    assert _count(db) == before + 2
    user = db.session.scalar(select(User).where(User.learner_number == "3001"))
    assert user.full_name == "Ҷӯрабек Ғаниев" and user.unit.name == "Блоки А"


def test_import_with_bad_rows_imports_nothing(runner, db, world, tmp_path):
    path = tmp_path / "learners.csv"
    path.write_text(BAD, encoding="utf-8")
    before = _count(db)
    result = runner.invoke(args=["lms", "learners", "import", str(path)])
    assert result.exit_code != 0
    assert f"{path}:3:" in result.output  # the short PIN
    assert f"{path}:4:" in result.output  # the unknown facility
    assert _count(db) == before


def test_import_reports_missing_columns(runner, db, world, tmp_path):
    path = tmp_path / "learners.csv"
    path.write_text("number,name\n1,x\n", encoding="utf-8")
    result = runner.invoke(args=["lms", "learners", "import", str(path)])
    assert result.exit_code != 0 and ":1:" in result.output
