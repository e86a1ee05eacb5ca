"""A school admin sends the roster to the bot: template, import, re-import, bad files,
and everyone else being turned away."""

from __future__ import annotations

from typing import Any

import pytest
from aiogram.methods import SendDocument
from sqlalchemy import select, text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from db.models import (
    AwayParent,
    Person,
    School,
    SchoolClass,
    Staff,
    Student,
    StudentGuardian,
)
from services.roster import MAX_SHOWN
from tests.support.chat import ChatDriver
from tests.support.factory import Factory
from tests.test_roster_files import ROWS, csv_bytes, xlsx

ADMIN_ID = 5001
TABLES = ("people", "staff", "classes", "students", "student_guardians", "away_parents")


@pytest.fixture
async def school(factory: Factory, session: AsyncSession) -> School:
    school = await factory.school("阳光小学")
    admin = await factory.person("校长", telegram_user_id=ADMIN_ID, language="zh_Hans")
    await factory.staff(admin, school, is_school_admin=True)
    await session.commit()
    return school


async def snapshot(pool: async_sessionmaker[AsyncSession]) -> dict[str, list[tuple[Any, ...]]]:
    async with pool() as fresh:
        return {
            table: sorted(tuple(row) for row in (await fresh.execute(text(f"select * from {table}"))).all())
            for table in TABLES
        }


def _document(replies: Any) -> bytes:
    sent = replies.of(SendDocument)
    assert len(sent) == 1
    return sent[0].document.data


async def test_template_from_the_dialog_filled_and_sent_back_imports_everything(
    tg: ChatDriver, school: School, session_pool: async_sessionmaker[AsyncSession]
) -> None:
    admin = tg.user(ADMIN_ID)
    replies = await tg.send(admin, "/roster")
    assert "上传花名册" in replies.text and "下载模板" in replies.buttons()

    replies = await tg.tap(admin, "下载模板")
    sent = replies.of(SendDocument)[0]
    assert sent.document.filename == "花名册模板.xlsx"
    template = _document(replies)

    # Sent inside the open dialog: its own input takes the file.
    replies = await tg.send_document(admin, "花名册.xlsx", xlsx(ROWS, template=template))
    assert "导入完成：新增 3 名学生，更新 0 名，未变 0 名；新建 2 个班级，新登记家长和老师 5 人。" in replies.text
    assert "下载模板" in replies.buttons()  # the window comes back below the summary

    async with session_pool() as s:
        students = {st.student_number: st for st in (await s.scalars(select(Student))).all()}
        assert set(students) == {r["student_number"] for r in ROWS}
        xiaoming = students[ROWS[0]["student_number"]]
        assert (xiaoming.name, xiaoming.gender, str(xiaoming.birth_date)) == ("王小明", "male", "2015-01-01")
        assert xiaoming.school_id == school.id and xiaoming.is_left_behind and not xiaoming.is_boarding
        zhang = students[ROWS[2]["student_number"]]
        assert zhang.has_hardship and zhang.is_boarding and zhang.is_left_behind
        assert not students[ROWS[1]["student_number"]].is_left_behind

        classes = {(c.grade, c.name): c for c in (await s.scalars(select(SchoolClass))).all()}
        assert set(classes) == {(3, "1班"), (4, "2班")}
        assert xiaoming.class_id == classes[(3, "1班")].id

        # The grandmother of two is one person with two links.
        granny = await s.scalar(select(Person).where(Person.phone == "+8613800138000"))
        links = (await s.scalars(select(StudentGuardian).where(StudentGuardian.person_id == granny.id))).all()
        assert {link.student_id for link in links} == {xiaoming.id, students[ROWS[1]["student_number"]].id}
        assert all(link.relation == "grandmother" and link.ended_at is None for link in links)
        zhang_links = (await s.scalars(select(StudentGuardian).where(StudentGuardian.student_id == zhang.id))).all()
        assert sorted((link.relation, link.is_proxy) for link in zhang_links) == [("aunt", False), ("grandfather", True)]

        away = {(a.student_id, a.relation): a for a in (await s.scalars(select(AwayParent))).all()}
        assert set(away) == {(xiaoming.id, "father"), (zhang.id, "father"), (zhang.id, "mother")}
        father = away[(xiaoming.id, "father")]
        assert (father.name, father.phone, father.work_place) == ("王大力", "+8613900139000", "广东东莞")

        teacher = await s.scalar(select(Person).where(Person.phone == "+8613700137000"))
        post = await s.scalar(select(Staff).where(Staff.person_id == teacher.id))
        assert post.school_id == school.id and post.is_head_teacher and not post.is_school_admin
        assert classes[(3, "1班")].head_teacher_id == post.id


async def test_the_same_file_twice_changes_nothing(
    tg: ChatDriver, school: School, session_pool: async_sessionmaker[AsyncSession], clock: Any
) -> None:
    admin = tg.user(ADMIN_ID)
    content = xlsx(ROWS)
    replies = await tg.send_document(admin, "花名册.xlsx", content)
    assert "新增 3 名学生" in replies.text
    before = await snapshot(session_pool)
    clock.advance(days=1)

    replies = await tg.send_document(admin, "花名册.xlsx", content)
    assert "导入完成：新增 0 名学生，更新 0 名，未变 3 名；新建 0 个班级，新登记家长和老师 0 人。" in replies.text
    assert await snapshot(session_pool) == before


async def test_a_file_sent_while_writing_a_notice_is_not_taken_as_a_roster(
    tg: ChatDriver, school: School, session_pool: async_sessionmaker[AsyncSession]
) -> None:
    admin = tg.user(ADMIN_ID)
    await tg.send(admin, "/start")
    menu_import = await tg.send_document(admin, "花名册.xlsx", xlsx(ROWS))
    assert "新增 3 名学生" in menu_import.text  # from the menu, a file is a roster
    before = await snapshot(session_pool)

    await tg.send(admin, "/announce")
    await tg.tap(admin, "其他通知")  # the notice type comes first
    await tg.tap(admin, "全校家长")
    replies = await tg.send_document(admin, "花名册.xlsx", xlsx(ROWS[:1]))
    assert "请直接输入文字" in replies.text
    assert "导入" not in replies.text
    assert await snapshot(session_pool) == before


async def test_an_edited_file_updates_by_student_number_and_keeps_guardian_history(
    tg: ChatDriver, school: School, session_pool: async_sessionmaker[AsyncSession], clock: Any
) -> None:
    admin = tg.user(ADMIN_ID)
    await tg.send_document(admin, "花名册.xlsx", xlsx(ROWS))
    clock.advance(days=30)
    edited = [
        {**ROWS[0], "name": "王晓明", "class_name": "2班", "boarding": "是",
         "guardian1_name": "王爷爷", "guardian1_relation": "爷爷", "guardian1_phone": "13200132000",
         "father_away": "否", "father_name": None, "father_phone": None, "father_work_place": None},
        ROWS[1],
        ROWS[2],
    ]
    replies = await tg.send_document(admin, "花名册.xlsx", xlsx(edited))
    assert "新增 0 名学生，更新 1 名，未变 2 名；新建 1 个班级，新登记家长和老师 1 人。" in replies.text
    assert "有 1 位监护人被表中的新监护人替换" in replies.text

    async with session_pool() as s:
        student = await s.scalar(select(Student).where(Student.student_number == ROWS[0]["student_number"]))
        school_class = await s.get(SchoolClass, student.class_id)
        assert (student.name, school_class.grade, school_class.name) == ("王晓明", 3, "2班")
        assert student.is_boarding and not student.is_left_behind
        assert await s.scalar(select(AwayParent).where(AwayParent.student_id == student.id)) is None
        links = (await s.scalars(
            select(StudentGuardian).where(StudentGuardian.student_id == student.id).order_by(StudentGuardian.id)
        )).all()
        old, new = links
        granny = await s.get(Person, old.person_id)
        assert granny.phone == "+8613800138000" and old.ended_at == clock.now()
        assert (await s.get(Person, new.person_id)).name == "王爷爷" and new.ended_at is None
        # The grandmother still looks after the sister.
        sister = await s.scalar(select(Student).where(Student.student_number == ROWS[1]["student_number"]))
        assert await s.scalar(
            select(StudentGuardian).where(StudentGuardian.student_id == sister.id, StudentGuardian.ended_at.is_(None))
        ) is not None


async def test_students_missing_from_a_reimport_are_kept_and_counted(
    tg: ChatDriver, school: School, session_pool: async_sessionmaker[AsyncSession]
) -> None:
    admin = tg.user(ADMIN_ID)
    await tg.send_document(admin, "花名册.xlsx", xlsx(ROWS))
    replies = await tg.send_document(admin, "花名册.xlsx", xlsx(ROWS[:1]))
    assert "本校另有 2 名在读学生不在这个表里，他们没有被删除。" in replies.text
    async with session_pool() as s:
        assert len((await s.scalars(select(Student))).all()) == 3


@pytest.mark.parametrize(
    ("file_name", "content", "expected"),
    [
        ("r.csv", "姓名,电话\n小明,13800138000\n".encode(), "没有找到表头"),
        ("r.csv", csv_bytes(ROWS, keys=["grade", "class_name", "name"]), "缺少这些列：学籍号"),
        ("r.xlsx", xlsx([ROWS[0], {**ROWS[1], "student_number": ROWS[0]["student_number"]}]),
         "第3行，“学籍号”列：学籍号与第2行重复"),
        ("r.xlsx", xlsx([{**ROWS[0], "guardian1_phone": "1380013"}]), "第2行，“监护人1电话”列：号码无效"),
        ("r.xlsx", xlsx([{**ROWS[0], "birth_date": "2015-13-01"}]), "第2行，“出生日期”列：日期无效"),
        ("r.xlsx", xlsx([{**ROWS[0], "gender": "未知"}]), "第2行，“性别”列：请填“男”或“女”"),
        ("r.xlsx", xlsx([{**ROWS[0], "guardian1_relation": "老板"}]), "第2行，“监护人1关系”列：看不懂这个关系"),
        ("r.xlsx", xlsx([{**ROWS[0], "boarding": "有时"}]), "第2行，“住校”列：请填“是”或“否”"),
        ("r.xlsx", b"", "文件是空的"),
        ("r.xlsx", xlsx([]), "表格里没有学生"),
        ("r.xlsx", b"PK\x03\x04 this zip is broken", "这不是表格文件"),
        ("r.csv", bytes(range(256)) * 8, "这不是表格文件"),
        ("photo.jpg", b"\xff\xd8\xff\xe0 JFIF", "这不是表格文件"),
        ("r.csv", csv_bytes([{"grade": 1, "class_name": "1班", "student_number": f"G{i}", "name": "x"}
                             for i in range(5001)], keys=["grade", "class_name", "student_number", "name"]),
         "行数太多"),
    ],
    ids=["wrong-columns", "missing-column", "duplicate-number", "bad-phone", "bad-date", "bad-gender",
         "bad-relation", "bad-yes-no", "empty-file", "no-rows", "corrupt-xlsx", "garbage-csv",
         "wrong-extension", "too-many-rows"],
)
async def test_bad_files_are_answered_and_nothing_is_written(
    tg: ChatDriver, school: School, session_pool: async_sessionmaker[AsyncSession],
    file_name: str, content: bytes, expected: str,
) -> None:
    before = await snapshot(session_pool)
    replies = await tg.send_document(tg.user(ADMIN_ID), file_name, content)
    assert "花名册没有导入，什么都没有改动" in replies.text
    assert expected in replies.text, replies.text
    assert await snapshot(session_pool) == before


async def test_one_bad_row_among_good_ones_writes_nothing_in_english(
    tg: ChatDriver, school: School, session_pool: async_sessionmaker[AsyncSession], factory: Factory,
    session: AsyncSession,
) -> None:
    admin = await factory.person("Admin", telegram_user_id=5002, language="en")
    await factory.staff(admin, school, is_school_admin=True)
    await session.commit()
    before = await snapshot(session_pool)
    rows = [ROWS[0], ROWS[1], {**ROWS[2], "guardian2_phone": "555-0199"}]
    replies = await tg.send_document(tg.user(5002, language="en"), "roster.xlsx", xlsx(rows, "en"))
    assert "The roster was not imported and nothing was changed. Please fix this problem" in replies.text
    assert "row 4, column 'Guardian 2 phone': not a valid phone number" in replies.text
    assert await snapshot(session_pool) == before


async def test_many_problems_are_cut_after_thirty_lines(tg: ChatDriver, school: School) -> None:
    rows = [{**ROWS[0], "student_number": f"G{i}", "guardian1_phone": "123"} for i in range(40)]
    replies = await tg.send_document(tg.user(ADMIN_ID), "r.xlsx", xlsx(rows))
    assert "请改正以下 40 处问题" in replies.text
    assert len([line for line in replies.text.splitlines() if line.startswith("第")]) == MAX_SHOWN
    assert replies.text.endswith("……还有 10 处问题")


async def test_a_gb18030_csv_from_chinese_excel_imports(
    tg: ChatDriver, school: School, session_pool: async_sessionmaker[AsyncSession]
) -> None:
    replies = await tg.send_document(tg.user(ADMIN_ID), "花名册.csv", csv_bytes(ROWS, "gb18030"))
    assert "新增 3 名学生" in replies.text
    async with session_pool() as s:
        names = set((await s.scalars(select(Student.name))).all())
    assert names == {"王小明", "王小红", "张三"}


async def test_a_student_number_of_another_school_is_refused(
    tg: ChatDriver, school: School, factory: Factory, session: AsyncSession,
    session_pool: async_sessionmaker[AsyncSession],
) -> None:
    other = await factory.school("红旗小学")
    await factory.student(other, name="别校学生", number=ROWS[1]["student_number"])
    await session.commit()
    before = await snapshot(session_pool)
    replies = await tg.send_document(tg.user(ADMIN_ID), "r.xlsx", xlsx(ROWS))
    assert "第3行，“学籍号”列：这个学籍号已经登记在别的学校" in replies.text
    assert "红旗小学" not in replies.text and "别校学生" not in replies.text
    assert await snapshot(session_pool) == before


@pytest.mark.parametrize("who", ["teacher", "guardian", "stranger"])
async def test_only_a_school_admin_can_import(
    tg: ChatDriver, school: School, factory: Factory, session: AsyncSession,
    session_pool: async_sessionmaker[AsyncSession], who: str,
) -> None:
    if who == "teacher":
        person = await factory.person("李老师", telegram_user_id=6001)
        await factory.staff(person, school, is_head_teacher=True)
    elif who == "guardian":
        person = await factory.person("王奶奶", phone="+8613800138000", telegram_user_id=6001)
        await factory.guardian_of(await factory.student(school), person)
    await session.commit()
    before = await snapshot(session_pool)
    user = tg.user(6001)
    replies = await tg.send_document(user, "花名册.xlsx", xlsx(ROWS))
    assert "这里不需要发送文件" in replies.text and "导入" not in replies.text
    assert await snapshot(session_pool) == before
    replies = await tg.send(user, "/roster")
    assert "上传花名册" not in replies.text


async def test_english_admin_gets_the_english_template(
    tg: ChatDriver, school: School, factory: Factory, session: AsyncSession
) -> None:
    admin = await factory.person("Admin", telegram_user_id=5003, language="en")
    await factory.staff(admin, school, is_school_admin=True)
    await session.commit()
    user = tg.user(5003, language="en")
    await tg.send(user, "/roster")
    replies = await tg.tap(user, "Download template")
    assert replies.of(SendDocument)[0].document.filename == "roster-template.xlsx"
    import io

    from openpyxl import load_workbook

    assert load_workbook(io.BytesIO(_document(replies))).sheetnames == ["Roster", "Instructions"]
    replies = await tg.send(user, "hello")
    assert "did not understand" in replies.text
