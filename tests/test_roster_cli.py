"""`python -m bot roster template|import`, run in-process through bot.cli.main."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from openpyxl import load_workbook

from bot.cli import main
from tests.test_roster_files import ROWS, csv_bytes, xlsx


@pytest.fixture
def db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "cli.sqlite3"
    monkeypatch.chdir(tmp_path)  # no .env from the developer's folder
    monkeypatch.setenv("DATABASE_URL", f"sqlite+aiosqlite:///{path}")
    monkeypatch.setenv("BOT_TOKEN", "42:TEST")
    monkeypatch.delenv("DEFAULT_LANGUAGE", raising=False)
    return path


def _rows(db: Path, sql: str) -> list[tuple]:
    with sqlite3.connect(db) as conn:
        return conn.execute(sql).fetchall()


def _tables(db: Path) -> dict[str, list[tuple]]:
    return {
        table: sorted(_rows(db, f"select * from {table}"))
        for table in ("counties", "schools", "people", "staff", "classes", "students",
                      "student_guardians", "away_parents")
    }


def test_template_then_import_twice(db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    template = tmp_path / "blank.xlsx"
    assert main(["roster", "template", str(template), "--language", "en"]) == 0
    assert "Template saved" in capsys.readouterr().out
    assert load_workbook(template).sheetnames == ["Roster", "Instructions"]

    filled = tmp_path / "roster.xlsx"
    filled.write_bytes(xlsx(ROWS, template=template.read_bytes()))
    args = ["roster", "import", str(filled), "--school", "阳光小学", "--county", "清水县"]
    assert main(args) == 0
    out = capsys.readouterr().out
    assert "导入完成：新增 3 名学生，更新 0 名，未变 0 名；新建 2 个班级" in out
    assert _rows(db, "select c.name, s.name from schools s join counties c on c.id = s.county_id") == [("清水县", "阳光小学")]
    assert len(_rows(db, "select id from students")) == 3
    before = _tables(db)

    # Without --county the one existing county is used and the school is found by name.
    assert main(["roster", "import", str(filled), "--school", "阳光小学"]) == 0
    assert "新增 0 名学生，更新 0 名，未变 3 名" in capsys.readouterr().out
    assert _tables(db) == before


def test_every_problem_is_printed_and_nothing_is_written(
    db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    rows = [{**ROWS[0], "student_number": f"G{i}", "guardian1_phone": "123"} for i in range(35)]
    bad = tmp_path / "bad.csv"
    bad.write_bytes(csv_bytes(rows, "gb18030"))
    assert main(["roster", "import", str(bad), "--school", "阳光小学", "--county", "清水县"]) == 1
    err = capsys.readouterr().err
    for row in range(2, 37):
        assert f"第{row}行，“监护人1电话”列：号码无效" in err
    assert "还有" not in err
    # Not even the school named on the command line was created.
    assert _rows(db, "select count(*) from schools") == [(0,)]
    assert _rows(db, "select count(*) from counties") == [(0,)]


def test_english_messages_with_default_language(
    db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("DEFAULT_LANGUAGE", "en")
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(xlsx([{**ROWS[0], "birth_date": "someday"}], "en"))
    assert main(["roster", "import", str(bad), "--school", "Sunshine", "--county", "Clearwater"]) == 1
    assert "row 2, column 'Birth date': not a valid date" in capsys.readouterr().err


def test_no_county_anywhere_asks_for_one(db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    filled = tmp_path / "roster.csv"
    filled.write_bytes(csv_bytes(ROWS))
    assert main(["roster", "import", str(filled), "--school", "阳光小学"]) == 1
    assert "--county" in capsys.readouterr().err
    assert _rows(db, "select count(*) from students") == [(0,)]


def test_missing_file(db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["roster", "import", str(tmp_path / "nope.xlsx"), "--school", "x"]) == 1
    assert "找不到文件" in capsys.readouterr().err


def test_help_is_in_the_default_language(db: Path, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["roster", "import", "--help"])
    out = capsys.readouterr().out
    assert "--school" in out and "学校名称" in out
