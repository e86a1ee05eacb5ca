"""Reading and checking roster files without a database: the template, both languages'
headers, CSV encodings, and the cell forms rural admins actually type.

Also home of the small builders the other roster tests use."""

from __future__ import annotations

import csv
import io
from datetime import date
from typing import Any

import pytest
from openpyxl import Workbook, load_workbook

from locales import get_translator
from services.roster import MAX_ROWS, RosterInvalid, build_template, describe
from services.roster.columns import BY_KEY, COLUMNS
from services.roster.reader import read_sheet
from services.roster.validate import CellError, parse_cell, parse_rows

TODAY = date(2026, 11, 23)

# Two children of one grandmother, a third child with two guardians and both parents away.
ROWS: list[dict[str, Any]] = [
    {
        "grade": 3, "class_name": "1班", "student_number": "G110101201501011234", "name": "王小明",
        "gender": "男", "birth_date": "2015-01-01", "home_address": "清水村3组",
        "boarding": "否", "head_teacher_name": "李老师", "head_teacher_phone": "13700137000",
        "guardian1_name": "王奶奶", "guardian1_relation": "奶奶", "guardian1_phone": "138 0013 8000",
        "guardian1_proxy": "否", "father_away": "是", "father_name": "王大力",
        "father_phone": "13900139000", "father_work_place": "广东东莞",
    },
    {
        "grade": 3, "class_name": "1班", "student_number": "G110101201603051111", "name": "王小红",
        "gender": "女", "birth_date": "2016/3/5", "head_teacher_name": "李老师",
        "head_teacher_phone": "13700137000", "guardian1_name": "王奶奶",
        "guardian1_relation": "奶奶", "guardian1_phone": "+86 138-0013-8000",
    },
    {
        "grade": "四年级", "class_name": "2班", "student_number": "G110101201407072222",
        "name": "张三", "gender": "男", "hardship": "是", "boarding": "是",
        "head_teacher_name": "赵老师", "head_teacher_phone": "13600136000",
        "guardian1_name": "张爷爷", "guardian1_relation": "爷爷", "guardian1_phone": "13500135000",
        "guardian1_proxy": "是", "guardian2_name": "张姑姑", "guardian2_relation": "姑姑",
        "guardian2_phone": "13400134000", "father_away": "是", "mother_away": "是",
        "mother_phone": "13300133000", "mother_work_place": "浙江义乌",
    },
]


def xlsx(rows: list[dict[str, Any]], language: str = "zh_Hans", template: bytes | None = None) -> bytes:
    """The blank template, filled in the way an admin would: one row per student."""
    workbook = load_workbook(io.BytesIO(template or build_template(language)))
    sheet = workbook.worksheets[0]
    for number, row in enumerate(rows, start=2):
        for index, column in enumerate(COLUMNS, start=1):
            if column.key in row:
                sheet.cell(row=number, column=index, value=row[column.key])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def headers(language: str, keys: list[str] | None = None) -> list[str]:
    translator = get_translator()
    return [translator.get(BY_KEY[k].locale_key, language) for k in keys or [c.key for c in COLUMNS]]


def csv_bytes(
    rows: list[dict[str, Any]], encoding: str = "utf-8", language: str = "zh_Hans",
    keys: list[str] | None = None,
) -> bytes:
    keys = keys or [c.key for c in COLUMNS]
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(headers(language, keys))
    for row in rows:
        writer.writerow(["" if row.get(k) is None else row.get(k) for k in keys])
    return out.getvalue().encode(encoding)


def problems_of(file_name: str, content: bytes, language: str = "zh_Hans") -> list[str]:
    t = get_translator().bind(language)
    try:
        rows, problems = parse_rows(read_sheet(file_name, content), TODAY)
    except RosterInvalid as exc:
        problems = exc.problems
    return [describe(p, t) for p in problems]


def test_template_has_headers_frozen_row_lists_and_instructions() -> None:
    workbook = load_workbook(io.BytesIO(build_template("zh_Hans")))
    assert workbook.sheetnames == ["花名册", "说明"]
    sheet = workbook["花名册"]
    assert [c.value for c in sheet[1]][:4] == ["年级 *", "班级 *", "学籍号 *", "学生姓名 *"]
    assert sheet.freeze_panes == "A2"
    assert sheet.column_dimensions["C"].width >= 20
    lists = {dv.formula1 for dv in sheet.data_validations.dataValidation}
    assert '"是,否"' in lists and '"男,女"' in lists
    help_text = "\n".join(str(c.value) for row in workbook["说明"].iter_rows() for c in row if c.value)
    assert "学籍号" in help_text and "代理" in help_text

    english = load_workbook(io.BytesIO(build_template("en")))
    assert english.sheetnames == ["Roster", "Instructions"]
    assert english["Roster"]["C1"].value == "Student number *"


def test_filled_template_reads_back_in_both_languages() -> None:
    for language in ("zh_Hans", "en"):
        rows, problems = parse_rows(read_sheet("r.xlsx", xlsx(ROWS, language)), TODAY)
        assert problems == []
        assert [r.student_number for r in rows] == [r["student_number"] for r in ROWS]
        assert rows[2].grade == 4
        assert rows[0].guardians[0].phone == rows[1].guardians[0].phone == "+8613800138000"
        assert rows[2].guardians[0].is_proxy and rows[2].guardians[1].relation == "aunt"
        assert rows[0].values["birth_date"] == date(2015, 1, 1)
        assert rows[0].away["father"].away and rows[0].away["father"].details["work_place"] == "广东东莞"


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
def test_csv_in_every_encoding_chinese_excel_saves(encoding: str) -> None:
    rows, problems = parse_rows(read_sheet("名单.csv", csv_bytes(ROWS, encoding)), TODAY)
    assert problems == []
    assert [r.name for r in rows] == ["王小明", "王小红", "张三"]


def test_english_headers_and_words_are_accepted_in_a_chinese_file() -> None:
    row = {**ROWS[0], "gender": "M", "guardian1_relation": "granny", "father_away": "Y"}
    rows, problems = parse_rows(read_sheet("r.csv", csv_bytes([row], language="en")), TODAY)
    assert problems == []
    assert rows[0].values["gender"] == "male" and rows[0].guardians[0].relation == "grandmother"


def test_a_title_row_above_the_header_is_fine() -> None:
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["阳光小学2026年秋季花名册"])
    sheet.append(headers("zh_Hans", ["grade", "class_name", "student_number", "name"]))
    sheet.append([3, "1班", "G1", "小明"])
    out = io.BytesIO()
    workbook.save(out)
    rows, problems = parse_rows(read_sheet("r.xlsx", out.getvalue()), TODAY)
    assert problems == [] and rows[0].row == 3


@pytest.mark.parametrize(
    ("key", "raw", "expected"),
    [
        ("grade", "3", 3), ("grade", 3.0, 3), ("grade", "三年级", 3), ("grade", "十二", 12),
        ("grade", "Grade 5", 5),
        ("birth_date", "2015年3月1日", date(2015, 3, 1)), ("birth_date", "20150301", date(2015, 3, 1)),
        ("birth_date", "2015.3.1", date(2015, 3, 1)), ("birth_date", 42064, date(2015, 3, 1)),
        ("guardian1_phone", 13800138000.0, "+8613800138000"),
        ("guardian1_phone", "0086 138 0013 8000", "+8613800138000"),
        ("student_number", "g 1234", "G1234"), ("left_behind", "√", True), ("left_behind", "N", False),
        ("gender", "女", "female"), ("left_behind", None, None),
    ],
)
def test_cells_as_admins_type_them(key: str, raw: Any, expected: Any) -> None:
    assert parse_cell(BY_KEY[key], raw, TODAY) == expected


@pytest.mark.parametrize(
    ("key", "raw", "code"),
    [
        ("grade", "初一", "bad-grade"), ("grade", "13", "bad-grade"),
        ("birth_date", "2015-02-30", "bad-date"), ("birth_date", "2030-01-01", "bad-date"),
        ("birth_date", "last spring", "bad-date"), ("guardian1_phone", "12345", "bad-phone"),
        ("gender", "?", "bad-gender"), ("guardian1_relation", "boss", "bad-relation"),
        ("boarding", "maybe", "bad-yes-no"), ("student_number", "G-1/2", "bad-student-number"),
        ("name", "名" * 101, "too-long"),
    ],
)
def test_bad_cells_are_named(key: str, raw: Any, code: str) -> None:
    with pytest.raises(CellError) as caught:
        parse_cell(BY_KEY[key], raw, TODAY)
    assert caught.value.code == code


def test_every_bad_cell_is_reported_with_row_and_column() -> None:
    bad = [
        {**ROWS[0], "guardian1_phone": "12345", "birth_date": "昨天"},
        {**ROWS[1], "student_number": ROWS[0]["student_number"], "gender": "x"},
        {**ROWS[2], "guardian2_phone": ROWS[2]["guardian1_phone"], "mother_away": "否"},
    ]
    lines = problems_of("r.xlsx", xlsx(bad))
    assert "第2行，“监护人1电话”列：号码无效" in lines
    assert any(line.startswith("第2行，“出生日期”列：日期无效") for line in lines)
    assert "第3行，“学籍号”列：学籍号与第2行重复" in lines
    assert "第3行，“性别”列：请填“男”或“女”" in lines
    assert "第4行，“监护人2电话”列：与监护人1的电话相同" in lines
    assert any(line.startswith("第4行，“母亲外出务工”列") for line in lines)
    assert len(lines) == 6

    english = problems_of("r.xlsx", xlsx(bad), language="en")
    assert "row 2, column 'Guardian 1 phone': not a valid phone number" in english


def test_guardian_name_without_phone_and_conflicting_names_for_one_phone() -> None:
    bad = [
        {**ROWS[0], "guardian1_phone": None},
        {**ROWS[1], "guardian1_name": "李奶奶"},
        {**ROWS[2], "head_teacher_phone": None},
    ]
    lines = problems_of("r.csv", csv_bytes(bad))
    assert "第2行，“监护人1电话”列：填写了“监护人1姓名”，这一列也要填写" in lines
    assert "第4行，“班主任电话”列：填写了“班主任姓名”，这一列也要填写" in lines
    bad[0]["guardian1_phone"] = ROWS[0]["guardian1_phone"]
    lines = problems_of("r.csv", csv_bytes(bad))
    assert "第3行，“监护人1姓名”列：这个电话在第2行对应的是另一个名字" in lines


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("roster.xlsx", b"", "文件是空的"),
        ("roster.xlsx", b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4, "这不是表格文件"),
        ("roster.csv", b"\x00\x01\x02garbage\xff\xfe" * 50, "这不是表格文件"),
        ("roster.pdf", b"%PDF-1.4 not a roster", "这不是表格文件"),
        ("roster.xls", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "旧版 Excel"),
        ("roster.csv", "姓名,电话\n小明,138\n".encode(), "没有找到表头"),
        ("roster.csv", "年级,班级,学生姓名\n3,1班,小明\n".encode(), "缺少这些列：学籍号"),
        ("roster.csv", "年级,班级,学籍号,学生姓名\n".encode(), "表格里没有学生"),
        ("roster.csv", "年级,班级,学籍号,学籍号,学生姓名\n3,1,G1,G1,x\n".encode(), "“学籍号”列：这一列出现了两次"),
    ],
)
def test_files_that_are_not_a_usable_roster(name: str, content: bytes, expected: str) -> None:
    lines = problems_of(name, content)
    assert len(lines) == 1 and expected in lines[0], lines


def test_corrupt_xlsx_is_not_a_spreadsheet() -> None:
    good = xlsx(ROWS)
    for broken in (good[: len(good) // 2], good[:200] + b"\x00" * 500 + good[700:]):
        lines = problems_of("roster.xlsx", broken)
        assert len(lines) == 1 and "这不是表格文件" in lines[0]


def test_too_many_rows() -> None:
    keys = ["grade", "class_name", "student_number", "name"]
    rows = [{"grade": 1, "class_name": "1班", "student_number": f"G{i}", "name": "x"} for i in range(MAX_ROWS + 1)]
    lines = problems_of("big.csv", csv_bytes(rows, keys=keys))
    assert lines == [f"行数太多：一次最多导入 {MAX_ROWS:,} 名学生，请分成几个文件。"]
