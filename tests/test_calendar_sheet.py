"""The school calendar as a spreadsheet: export → import changes nothing, an edited file
changes exactly the edited rows, malformed files are refused with sheet/row/column
messages and nothing written; the same through the bot's calendar dialog (download, send
back, both languages, other schools) and through `python -m bot calendar export|import`."""

from __future__ import annotations

import io
import sqlite3
from datetime import date, datetime, time
from pathlib import Path

import pytest
from aiogram.methods import SendDocument, SendMessage
from openpyxl import Workbook, load_workbook
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.cli import main
from db.models import CalendarDay, SchoolRelease, Term
from locales import get_translator
from services import calendar_sheet as sheets
from services.access import Actor, StaffPost
from services.calendar_admin import CalendarInputError
from services.clock import FakeClock
from tests.support.chat import ChatDriver, Replies
from tests.support.factory import Factory

ZH, EN = "zh_Hans", "en"
T = get_translator()
DEFAULTS = {"weekend": time(16, 30), "holiday": time(15, 30)}
ADMIN, ADMIN_EN, OTHER_ADMIN, HEAD = 100, 101, 110, 300
SHEET_BUTTON = T.get("calendar-sheet-button", ZH)
DOWNLOAD = T.get("calendar-sheet-download", ZH)


async def seed(factory: Factory, session: AsyncSession) -> tuple[int, int]:
    """阳光小学 with two terms, holidays, a make-up Saturday and its own weekend time;
    二小 with a term of its own (must never change)."""
    school = await factory.school("阳光小学")
    second = await factory.school("二小")
    now = factory.clock.now()
    session.add_all([
        Term(school_id=school.id, name="2026秋季学期", starts_on=date(2026, 9, 1), ends_on=date(2027, 1, 22), created_at=now),
        Term(school_id=school.id, name="2027春季学期", starts_on=date(2027, 2, 22), ends_on=date(2027, 7, 9), created_at=now),
        Term(school_id=second.id, name="二小秋季", starts_on=date(2026, 9, 1), ends_on=date(2027, 1, 22), created_at=now),
        SchoolRelease(school_id=school.id, weekend_time=time(17, 0), created_at=now),
    ])
    for day in range(1, 8):
        session.add(CalendarDay(school_id=school.id, day=date(2026, 10, day), is_school_day=False, note="国庆节",
                                created_at=now))
    session.add(CalendarDay(school_id=school.id, day=date(2026, 10, 10), is_school_day=True, note="调休", created_at=now))
    session.add(CalendarDay(school_id=school.id, day=date(2026, 11, 27), is_school_day=False, note=None, created_at=now))
    session.add(CalendarDay(school_id=second.id, day=date(2026, 11, 27), is_school_day=True, note="二小", created_at=now))
    admin = await factory.person("李校长", telegram_user_id=ADMIN)
    await factory.staff(admin, school, is_school_admin=True)
    admin_en = await factory.person("Ms Li", telegram_user_id=ADMIN_EN, language=EN)
    await factory.staff(admin_en, school, is_school_admin=True)
    other = await factory.person("赵校长", telegram_user_id=OTHER_ADMIN)
    await factory.staff(other, second, is_school_admin=True)
    head = await factory.person("王老师", telegram_user_id=HEAD)
    await factory.staff(head, school, is_head_teacher=True)
    await session.commit()
    return school.id, second.id


def _admin_of(school_id: int) -> Actor:
    return Actor(telegram_user_id=ADMIN, person_id=1, posts=(StaffPost(1, school_id, None, is_school_admin=True),))


async def snapshot(pool: async_sessionmaker[AsyncSession]) -> dict[str, list[tuple]]:
    """Every calendar row with its timestamps: an import that changes nothing leaves this equal."""
    async with pool() as s:
        return {
            "terms": sorted((t.id, t.school_id, t.name, t.starts_on, t.ends_on, t.updated_at)
                            for t in await s.scalars(select(Term))),
            "days": sorted((d.id, d.school_id, d.day, d.is_school_day, d.note, d.updated_at)
                           for d in await s.scalars(select(CalendarDay))),
            "release": sorted((r.school_id, r.weekend_time, r.holiday_time, r.updated_at)
                              for r in await s.scalars(select(SchoolRelease))),
        }


async def export(pool, school_id: int, language: str = ZH) -> bytes:
    async with pool() as s:
        return await sheets.export_calendar(s, school_id, language, DEFAULTS)


async def import_(pool, clock: FakeClock, school_id: int, content: bytes, name: str = "校历.xlsx",
                  actor: Actor | None = None) -> sheets.ImportResult:
    async with pool() as s:
        result = await sheets.import_calendar(s, clock, school_id, name, content, actor=actor)
        await s.commit()
        return result


def rows(content: bytes) -> dict[str, list[tuple]]:
    book = load_workbook(io.BytesIO(content))
    return {ws.title: [tuple(r) for r in ws.iter_rows(values_only=True)] for ws in book.worksheets}


def edit(content: bytes, changes: dict[str, dict[str, object]], delete_rows: dict[str, list[int]] | None = None,
         drop_sheets: tuple[str, ...] = ()) -> bytes:
    """Cells by sheet title and coordinate ("B3"); rows deleted bottom up; sheets dropped."""
    book = load_workbook(io.BytesIO(content))
    for title, cells in changes.items():
        for coordinate, value in cells.items():
            book[title][coordinate] = value
    for title, numbers in (delete_rows or {}).items():
        for number in sorted(numbers, reverse=True):
            book[title].delete_rows(number)
    for title in drop_sheets:
        del book[title]
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def problems_of(exc: pytest.ExceptionInfo[sheets.CalendarSheetInvalid], language: str = ZH) -> list[str]:
    return [sheets.describe(p, T.bind(language)) for p in exc.value.problems]


# ------------------------------------------------------------------ export and round trip


async def test_export_holds_the_whole_calendar_in_the_admins_language(
    factory: Factory, session: AsyncSession, session_pool
) -> None:
    school_id, _ = await seed(factory, session)
    zh = rows(await export(session_pool, school_id))
    assert list(zh) == ["学期", "放假和调休", "放学时间", "填写说明"]
    assert zh["学期"][0] == ("学期名称", "开始日期 *", "结束日期 *")
    assert zh["学期"][1] == ("2026秋季学期", datetime(2026, 9, 1), datetime(2027, 1, 22))
    assert len(zh["学期"]) == 3  # 二小's term is not in it
    assert zh["放假和调休"][0] == ("日期 *", "是否上课 *", "说明")
    assert zh["放假和调休"][1] == (datetime(2026, 10, 1), "否", "国庆节")
    assert (datetime(2026, 10, 10), "是", "调休") in zh["放假和调休"]
    assert (datetime(2026, 11, 27), "否", None) in zh["放假和调休"]
    assert len(zh["放假和调休"]) == 1 + 9
    assert zh["放学时间"] == [
        ("放学类型 *", "时间 *", "默认时间"), ("周末放学", "17:00", "16:30"), ("节假日放学", None, "15:30"),
    ]
    en = rows(await export(session_pool, school_id, EN))
    assert list(en) == ["Terms", "Days", "Release times", "Instructions"]
    assert en["Days"][1] == (datetime(2026, 10, 1), "no", "国庆节")
    assert en["Release times"][1] == ("Weekend release", "17:00", "16:30")


@pytest.mark.parametrize("language", [ZH, EN])
async def test_export_then_import_changes_nothing(
    factory: Factory, session: AsyncSession, session_pool, clock: FakeClock, language: str
) -> None:
    school_id, _ = await seed(factory, session)
    before = await snapshot(session_pool)
    content = await export(session_pool, school_id, language)
    clock.advance(minutes=5)
    result = await import_(session_pool, clock, school_id, content, actor=_admin_of(school_id))
    assert not result.changed and result.parts == ["terms", "days", "release"]
    assert sheets.render_result(result, T.bind(ZH)) == T.get("calendar-sheet-unchanged", ZH)
    assert await snapshot(session_pool) == before
    # And again: still nothing.
    assert not (await import_(session_pool, clock, school_id, content)).changed
    assert await snapshot(session_pool) == before


async def test_an_edited_file_changes_exactly_the_edited_rows(
    factory: Factory, session: AsyncSession, session_pool, clock: FakeClock
) -> None:
    school_id, second_id = await seed(factory, session)
    before = await snapshot(session_pool)
    content = await export(session_pool, school_id)
    # Rows 2-8 are 2026-10-01..07, row 9 is 2026-10-10 (make-up), row 10 is 2026-11-27.
    edited = edit(content, {
        "放假和调休": {"C3": "国庆节（补）", "B10": "是", "A11": "2026/12/31", "B11": "放假", "C11": "元旦"},
        "学期": {"C3": "2027-07-10"},
        "放学时间": {"B2": None, "B3": "14点30"},
    }, delete_rows={"放假和调休": [9]})
    clock.advance(minutes=5)
    result = await import_(session_pool, clock, school_id, edited, actor=_admin_of(school_id))
    assert (result.terms_added, result.terms_changed, result.terms_removed) == (0, 1, 0)
    assert (result.days_added, result.days_changed, result.days_removed) == (1, 2, 1)
    assert result.release_changed == 2
    text = sheets.render_result(result, T.bind(ZH))
    assert "放假和调休：新增 1 天，修改 2 天，删除 1 天。" in text and "学期：新增 0 个，修改 1 个，删除 0 个。" in text

    after = await snapshot(session_pool)
    old_days = {row[2]: row for row in before["days"] if row[1] == school_id}
    new_days = {row[2]: row for row in after["days"] if row[1] == school_id}
    changed = {day for day in old_days.keys() | new_days.keys() if old_days.get(day) != new_days.get(day)}
    assert changed == {date(2026, 10, 2), date(2026, 10, 10), date(2026, 11, 27), date(2026, 12, 31)}
    assert date(2026, 10, 10) not in new_days
    assert new_days[date(2026, 10, 2)][3:] == (False, "国庆节(补)", clock.now())  # NFKC: full-width brackets
    assert new_days[date(2026, 11, 27)][3:] == (True, None, clock.now())
    assert new_days[date(2026, 12, 31)][3:5] == (False, "元旦")
    spring = next(t for t in after["terms"] if t[2] == "2027春季学期")
    assert spring[4:] == (date(2027, 7, 10), clock.now())
    assert [t for t in after["terms"] if t[2] != "2027春季学期"] == [t for t in before["terms"] if t[2] != "2027春季学期"]
    assert [r[:3] for r in after["release"]] == [(school_id, None, time(14, 30))]
    # 二小 untouched.
    assert [r for r in after["days"] if r[1] == second_id] == [r for r in before["days"] if r[1] == second_id]

    # The edited file once more: nothing further.
    assert not (await import_(session_pool, clock, school_id, edited)).changed
    assert await snapshot(session_pool) == after


async def test_a_left_out_sheet_leaves_that_part_alone_and_an_empty_one_clears_it(
    factory: Factory, session: AsyncSession, session_pool, clock: FakeClock
) -> None:
    school_id, _ = await seed(factory, session)
    before = await snapshot(session_pool)
    content = await export(session_pool, school_id)
    only_terms = edit(content, {}, delete_rows={"学期": [2]}, drop_sheets=("放假和调休", "放学时间"))
    result = await import_(session_pool, clock, school_id, only_terms)
    assert result.parts == ["terms"] and result.terms_removed == 1
    after = await snapshot(session_pool)
    assert after["days"] == before["days"] and after["release"] == before["release"]
    assert [t[2] for t in after["terms"] if t[1] == school_id] == ["2027春季学期"]

    no_days = edit(content, {}, delete_rows={"放假和调休": list(range(2, 11))}, drop_sheets=("学期",))
    result = await import_(session_pool, clock, school_id, no_days)
    assert result.days_removed == 9
    assert [d for d in (await snapshot(session_pool))["days"] if d[1] == school_id] == []


async def test_a_hand_made_sheet_with_excel_dates_and_times_reads(
    factory: Factory, session: AsyncSession, session_pool, clock: FakeClock
) -> None:
    """Typed by hand in Excel: real date cells, a time cell, a number 16.3, a title row
    above the header, other column order, English words in a Chinese file."""
    school_id, _ = await seed(factory, session)
    book = Workbook()
    days = book.active
    days.title = "我的校历"
    days.append(["2026学年放假安排"])
    days.append(["说明", "日期", "是否上课"])
    days.append(["元旦", datetime(2027, 1, 1), "no"])
    days.append([None, "20270102", "休息"])
    days.append(["调休", 46390, "补课"])  # an Excel serial number: 2027-01-03
    release = book.create_sheet("times")
    release.append(["Release", "Time"])
    release.append(["weekend", time(17, 15)])
    release.append(["节假日", 16.3])
    buffer = io.BytesIO()
    book.save(buffer)
    result = await import_(session_pool, clock, school_id, buffer.getvalue())
    assert result.parts == ["days", "release"] and result.days_added == 3 and result.days_removed == 9
    after = await snapshot(session_pool)
    assert [(d[2], d[3], d[4]) for d in after["days"] if d[1] == school_id] == [
        (date(2027, 1, 1), False, "元旦"), (date(2027, 1, 2), False, None), (date(2027, 1, 3), True, "调休"),
    ]
    assert [r[:3] for r in after["release"]] == [(school_id, time(17, 15), time(16, 30))]


# ------------------------------------------------------------------ refused files


def _book(*sheets_rows: tuple[str, list[list[object]]]) -> bytes:
    book = Workbook()
    book.remove(book.active)
    for title, sheet_rows in sheets_rows:
        sheet = book.create_sheet(title)
        for row in sheet_rows:
            sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


TERMS_HEADER = ["学期名称", "开始日期", "结束日期"]
DAYS_HEADER = ["日期", "是否上课", "说明"]


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("empty.xlsx", b"", ["文件是空的。"]),
        ("notes.txt", b"hello, this is text", [T.get("calendar-sheet-problem-not-spreadsheet", ZH)]),
        ("fake.xlsx", b"PK\x03\x04 broken zip", [T.get("calendar-sheet-problem-not-spreadsheet", ZH)]),
        ("old.xls", b"\xd0\xcf\x11\xe0 old excel", [T.get("calendar-sheet-problem-old-excel", ZH)]),
        ("blank.xlsx", _book(("Sheet", [])), ["文件是空的。"]),
        ("wrong.xlsx", _book(("名单", [["姓名", "电话"], ["小明", "138"]])), [T.get("calendar-sheet-problem-no-header", ZH)]),
        (
            "columns.xlsx",
            _book(("放假", [["日期", "说明"], ["2026-10-01", "国庆"]]), ("学期", [["学期名称", "开始日期"]])),
            ["“放假”表：缺少这几列：是否上课", "“学期”表：缺少这几列：结束日期"],
        ),
        (
            "twice.xlsx",
            _book(("甲", [DAYS_HEADER]), ("乙", [DAYS_HEADER])),
            ["“乙”表：和“甲”表是同一种表，只能留一张。"],
        ),
        (
            "bad.xlsx",
            _book(
                ("学期", [TERMS_HEADER, ["秋", "2026-09-01", "2027-01-20"], ["春", "2027-01-10", "2027-07-01"],
                          ["乱", "2027-02-30", None], ["倒", "2028-07-01", "2028-02-01"],
                          ["长", "2029-01-01", "2030-06-01"]]),
                ("放假和调休", [DAYS_HEADER, ["2026-10-01", "否", "国庆"], ["2026-10-01", "是", None],
                                ["十月二日", "否", None], ["2026-10-03", "也许", "x" * 101], [None, "否", "无日期"]]),
                ("放学时间", [["放学类型", "时间"], ["周末放学", "下午"], ["午饭", "12:00"], ["节假日", "4:30"],
                              ["周末", "17:00"]]),
            ),
            [
                "“学期”表第3行，“开始日期”列：和第2行的学期“秋”重叠了",
                "“学期”表第4行，“开始日期”列：日期无效（请写成 2026-10-01 这样）",
                "“学期”表第4行，“结束日期”列：必须填写",
                "“学期”表第5行，“结束日期”列：结束日期在开始日期前面了",
                "“学期”表第6行，“结束日期”列：一个学期最多 366 天",
                "“放假和调休”表第3行，“日期”列：这一天在第2行已经写过了",
                "“放假和调休”表第4行，“日期”列：日期无效（请写成 2026-10-01 这样）",
                "“放假和调休”表第5行，“是否上课”列：请写“是”（上课）或“否”（放假）",
                "“放假和调休”表第5行，“说明”列：太长了（最多 100 个字）",
                "“放假和调休”表第6行，“日期”列：必须填写",
                "“放学时间”表第2行，“时间”列：时间无效（请写成 16:30 这样）",
                "“放学时间”表第3行，“放学类型”列：请写“周末放学”或“节假日放学”",
                "“放学时间”表第4行，“时间”列：放学时间要在 06:00 到 22:00 之间",
                "“放学时间”表第5行，“放学类型”列：第2行已经写过了",
            ],
        ),
    ],
    # The file name is the id: built .xlsx bytes differ from process to process (zip
    # timestamps), and pytest-xdist needs every worker to collect the same ids.
    ids=lambda value: value if isinstance(value, str) else "",
)
async def test_malformed_files_are_refused_with_row_and_column_and_nothing_written(
    factory: Factory, session: AsyncSession, session_pool, clock: FakeClock,
    name: str, content: bytes, expected: list[str],
) -> None:
    school_id, _ = await seed(factory, session)
    before = await snapshot(session_pool)
    with pytest.raises(sheets.CalendarSheetInvalid) as info:
        await import_(session_pool, clock, school_id, content, name=name)
    assert problems_of(info) == expected
    assert await snapshot(session_pool) == before


async def test_a_file_with_one_bad_row_among_good_edits_writes_nothing(
    factory: Factory, session: AsyncSession, session_pool, clock: FakeClock
) -> None:
    school_id, _ = await seed(factory, session)
    before = await snapshot(session_pool)
    content = await export(session_pool, school_id, EN)
    edited = edit(content, {"Days": {"C2": "changed", "A5": "2026-13-01"}, "Terms": {"A2": "renamed"}})
    with pytest.raises(sheets.CalendarSheetInvalid) as info:
        await import_(session_pool, clock, school_id, edited)
    assert problems_of(info, EN) == ["sheet 'Days', row 5, column 'Date': not a valid date (write it like 2026-10-01)"]
    rendered = sheets.render_problems(info.value.problems, T.bind(EN))
    assert rendered.startswith("The calendar spreadsheet was not imported and nothing was changed. Please fix this problem")
    assert await snapshot(session_pool) == before


async def test_overlapping_terms_in_the_file_are_refused_like_in_the_dialog(
    factory: Factory, session: AsyncSession, session_pool, clock: FakeClock
) -> None:
    school_id, _ = await seed(factory, session)
    before = await snapshot(session_pool)
    content = await export(session_pool, school_id)
    overlapping = edit(content, {"学期": {"B3": "2027-01-20"}})  # spring now starts before autumn ends
    with pytest.raises(sheets.CalendarSheetInvalid) as info:
        await import_(session_pool, clock, school_id, overlapping)
    assert problems_of(info) == ["“学期”表第3行，“开始日期”列：和第2行的学期“2026秋季学期”重叠了"]
    assert await snapshot(session_pool) == before


async def test_only_an_admin_of_the_school_may_import(
    factory: Factory, session: AsyncSession, session_pool, clock: FakeClock
) -> None:
    school_id, second_id = await seed(factory, session)
    before = await snapshot(session_pool)
    content = edit(await export(session_pool, school_id), {"学期": {"A2": "改名"}})
    teacher = Actor(telegram_user_id=HEAD, person_id=2, posts=(StaffPost(2, school_id, None, is_head_teacher=True),))
    for actor in (_admin_of(second_id), teacher, Actor(telegram_user_id=9)):
        with pytest.raises(CalendarInputError) as info:
            await import_(session_pool, clock, school_id, content, actor=actor)
        assert info.value.key == "calendar-not-allowed"
    assert await snapshot(session_pool) == before


# ------------------------------------------------------------------ through the bot


def _document(replies: Replies) -> tuple[str, bytes]:
    [sent] = replies.of(SendDocument)
    return sent.document.filename, sent.document.data


def _sent(replies: Replies) -> list[str]:
    return [c.text for c in replies.of(SendMessage)]


async def test_download_edit_and_send_back_in_the_dialog(
    tg: ChatDriver, factory: Factory, session: AsyncSession, session_pool
) -> None:
    school_id, _ = await seed(factory, session)
    before = await snapshot(session_pool)
    admin = tg.user(ADMIN)
    await tg.send(admin, "/calendar")
    screen = await tg.tap(admin, SHEET_BUTTON)
    assert "📊 阳光小学 校历表格" in screen.text and DOWNLOAD in screen.buttons()

    downloaded = await tg.tap(admin, DOWNLOAD)
    filename, content = _document(downloaded)
    assert filename == "阳光小学校历.xlsx"
    assert DOWNLOAD in downloaded.buttons()  # the window again, below the file
    assert list(rows(content)) == ["学期", "放假和调休", "放学时间", "填写说明"]

    same = await tg.send_document(admin, filename, content)
    assert _sent(same)[0] == T.get("calendar-sheet-unchanged", ZH)
    assert await snapshot(session_pool) == before

    bad = await tg.send_document(admin, filename, edit(content, {"放假和调休": {"A4": "2026-02-30"}}))
    assert _sent(bad)[0].startswith(T.get("calendar-sheet-failed", ZH, count=1))
    assert "“放假和调休”表第4行，“日期”列：日期无效" in _sent(bad)[0]
    assert DOWNLOAD in bad.buttons()
    assert await snapshot(session_pool) == before

    typed = await tg.send(admin, "2026-10-01")
    assert _sent(typed)[0] == T.get("calendar-sheet-send-file", ZH)

    good = await tg.send_document(admin, filename, edit(content, {"放假和调休": {"C2": "国庆"}}))
    assert _sent(good)[0].startswith(T.get("calendar-sheet-done", ZH))
    assert "修改 1 天" in _sent(good)[0]
    async with session_pool() as s:
        day = await s.scalar(select(CalendarDay).where(CalendarDay.school_id == school_id,
                                                       CalendarDay.day == date(2026, 10, 1)))
        assert day.note == "国庆"

    # Sent straight onto the calendar's main screen: imported too.
    await tg.tap(admin, "⬅️ 返回")
    main_screen = await tg.send_document(admin, filename, edit(content, {"学期": {"A2": "秋季"}}))
    assert "学期：新增 0 个，修改 1 个，删除 0 个。" in _sent(main_screen)[0]
    assert "• 秋季：2026-09-01 至 2027-01-22" in main_screen.text  # the calendar below shows it


async def test_in_english_and_not_a_spreadsheet(
    tg: ChatDriver, factory: Factory, session: AsyncSession, session_pool
) -> None:
    await seed(factory, session)
    before = await snapshot(session_pool)
    admin = tg.user(ADMIN_EN, language="en")
    await tg.send(admin, "/calendar")
    await tg.tap(admin, "📊 Import spreadsheet")
    filename, content = _document(await tg.tap(admin, "📥 Download calendar spreadsheet"))
    assert filename == "阳光小学 calendar.xlsx"
    assert list(rows(content))[:3] == ["Terms", "Days", "Release times"]
    refused = await tg.send_document(admin, "photo.jpg", b"\xff\xd8\xff\xe0 jpeg")
    assert T.get("calendar-sheet-problem-not-spreadsheet", EN) in _sent(refused)[0]
    assert "nothing was changed" in _sent(refused)[0]
    assert await snapshot(session_pool) == before


async def test_another_schools_admin_imports_only_into_their_own_school(
    tg: ChatDriver, factory: Factory, session: AsyncSession, session_pool
) -> None:
    school_id, second_id = await seed(factory, session)
    ours = await export(session_pool, school_id)
    before = await snapshot(session_pool)
    other = tg.user(OTHER_ADMIN)
    await tg.send(other, "/calendar")
    await tg.tap(other, SHEET_BUTTON)
    # 阳光小学's file sent by 二小's admin: it becomes 二小's calendar; 阳光小学 unchanged.
    await tg.send_document(other, "x.xlsx", ours)
    after = await snapshot(session_pool)
    assert [r for r in after["terms"] if r[1] == school_id] == [r for r in before["terms"] if r[1] == school_id]
    assert [r for r in after["days"] if r[1] == school_id] == [r for r in before["days"] if r[1] == school_id]
    assert sorted(r[2] for r in after["terms"] if r[1] == second_id) == ["2026秋季学期", "2027春季学期"]


# ------------------------------------------------------------------ command line


@pytest.fixture
def cli_db(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "cli.sqlite3"
    monkeypatch.chdir(tmp_path)  # no .env from the developer's folder
    monkeypatch.setenv("DATABASE_URL", f"sqlite+aiosqlite:///{path}")
    monkeypatch.setenv("BOT_TOKEN", "42:TEST")
    monkeypatch.delenv("DEFAULT_LANGUAGE", raising=False)
    assert main(["db", "upgrade"]) == 0
    with sqlite3.connect(path) as conn:
        now = "2026-11-23 01:00:00.000000"
        conn.execute("insert into counties (id, name, created_at) values (1, '清水县', ?)", (now,))
        conn.execute(
            "insert into schools (id, county_id, name, timezone, created_at) values (1, 1, '阳光小学', 'Asia/Shanghai', ?)",
            (now,),
        )
        conn.execute("insert into terms (school_id, name, starts_on, ends_on, created_at)"
                     " values (1, '秋季', '2026-09-01', '2027-01-22', ?)", (now,))
        conn.execute("insert into calendar_days (school_id, day, is_school_day, note, created_at)"
                     " values (1, '2026-10-01', 0, '国庆节', ?)", (now,))
    return path


def _db_rows(db: Path) -> dict[str, list[tuple]]:
    queries = {
        "terms": "select name, starts_on, ends_on, updated_at from terms",
        "calendar_days": "select day, is_school_day, note, updated_at from calendar_days",
        "school_releases": "select weekend_time, holiday_time, updated_at from school_releases",
    }
    with sqlite3.connect(db) as conn:
        return {table: sorted(conn.execute(sql).fetchall()) for table, sql in queries.items()}


def test_cli_export_then_import(cli_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    out = tmp_path / "校历.xlsx"
    assert main(["calendar", "export", "--school", "阳光小学", "--file", str(out)]) == 0
    assert f"阳光小学的校历已保存到 {out}" in capsys.readouterr().out
    exported = rows(out.read_bytes())
    assert exported["学期"][1] == ("秋季", datetime(2026, 9, 1), datetime(2027, 1, 22))
    assert exported["放假和调休"][1] == (datetime(2026, 10, 1), "否", "国庆节")
    before = _db_rows(cli_db)

    assert main(["calendar", "import", "--school", "阳光小学", "--county", "清水县", "--file", str(out)]) == 0
    assert T.get("calendar-sheet-unchanged", ZH) in capsys.readouterr().out
    assert _db_rows(cli_db) == before

    edited = tmp_path / "edited.xlsx"
    edited.write_bytes(edit(out.read_bytes(), {"放假和调休": {"A3": "2026-10-02", "B3": "否", "C3": "国庆节"},
                                               "放学时间": {"B2": "1700"}}))
    assert main(["calendar", "import", "--school", "阳光小学", "--file", str(edited)]) == 0
    printed = capsys.readouterr().out
    assert "放假和调休：新增 1 天，修改 0 天，删除 0 天。" in printed and "放学时间：改了 1 项。" in printed
    after = _db_rows(cli_db)
    assert after["terms"] == before["terms"]
    assert [r[:3] for r in after["calendar_days"]] == [("2026-10-01", 0, "国庆节"), ("2026-10-02", 0, "国庆节")]
    assert after["calendar_days"][0] == before["calendar_days"][0]  # untouched, updated_at and all
    assert [r[:2] for r in after["school_releases"]] == [("17:00:00.000000", None)]

    english = tmp_path / "en.xlsx"
    assert main(["calendar", "export", "--school", "阳光小学", "--file", str(english), "--language", "en"]) == 0
    assert rows(english.read_bytes())["Release times"][1] == ("Weekend release", "17:00", "16:30")


def test_cli_import_refuses_bad_files_and_unknown_schools(
    cli_db: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    before = _db_rows(cli_db)
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(_book(("学期", [TERMS_HEADER, ["秋", "2026-09-01", "2027-01-20"], ["冬", "2026-12-01", "2027-02-01"]]),
                          ("放假和调休", [DAYS_HEADER, ["2026/10/32", "否", None]])))
    assert main(["calendar", "import", "--school", "阳光小学", "--file", str(bad)]) == 1
    err = capsys.readouterr().err
    assert "校历表格没有导入，什么都没有改动。请改正以下 2 处问题后重新发送：" in err
    assert "“学期”表第3行，“开始日期”列：和第2行的学期“秋”重叠了" in err
    assert "“放假和调休”表第2行，“日期”列：日期无效" in err
    assert _db_rows(cli_db) == before

    empty = tmp_path / "empty.xlsx"
    empty.write_bytes(b"")
    assert main(["calendar", "import", "--school", "阳光小学", "--file", str(empty)]) == 1
    assert "文件是空的。" in capsys.readouterr().err
    assert main(["calendar", "import", "--school", "阳光小学", "--file", str(tmp_path / "missing.xlsx")]) == 1
    assert "找不到文件" in capsys.readouterr().err
    assert main(["calendar", "import", "--school", "没有这所学校", "--file", str(bad)]) == 1
    assert "找不到学校：没有这所学校" in capsys.readouterr().err
    assert main(["calendar", "export", "--school", "没有这所学校", "--file", str(tmp_path / "x.xlsx")]) == 1
    assert not (tmp_path / "x.xlsx").exists()
    assert _db_rows(cli_db) == before
