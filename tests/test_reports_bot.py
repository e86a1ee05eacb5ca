"""/reports through the production dispatcher: pick a table and the days, a "Preparing…"
message comes at once, the file follows (built in the background, read back here); the
user can use the bot meanwhile; typed dates, bad input, forged taps and other roles."""

from __future__ import annotations

import asyncio
import io
import threading

from aiogram.methods import EditMessageText, SendDocument
from openpyxl import load_workbook
from sqlalchemy.ext.asyncio import AsyncSession

import services.reports as reports_service
from dialogs import reports as reports_dialog
from tests.support.chat import ChatDriver
from tests.support.factory import Factory
from tests.test_reports import ADMIN, BUREAU, GRANNY, HEAD, SUBJECT, build_scene


async def _documents(tg: ChatDriver) -> list[SendDocument]:
    await reports_dialog.drain()
    return [r for r in tg.bot.requests if isinstance(r, SendDocument)]


def _rows(document: SendDocument, sheet: str | None = None) -> list[tuple]:
    book = load_workbook(io.BytesIO(document.document.data))
    return list((book[sheet] if sheet else book.active).iter_rows(values_only=True))


async def test_admin_gets_the_count_table_in_the_background(
    tg: ChatDriver, factory: Factory, session: AsyncSession, clock
) -> None:
    await build_scene(factory, session, clock)
    admin = tg.user(ADMIN)
    opened = await tg.send(admin, "/reports")
    assert "要哪张表？" in opened.text
    assert opened.buttons()[:3] == ["学生人数统计表", "学生变动情况表", "学期达标情况"]
    asked = await tg.tap(admin, "学生人数统计表")
    assert "统计到哪一天？" in asked.text
    assert {"今天", "本学期", "上个月", "本月"} <= set(asked.buttons())
    started = await tg.tap(admin, "今天")
    assert "正在生成…（学生人数统计表，阳光小学）" in started.text
    [document] = await _documents(tg)
    assert document.chat_id == ADMIN
    assert document.document.filename == "学生人数统计表-阳光小学-2026-11-23.xlsx"
    assert document.caption == "学生人数统计表：阳光小学"
    rows = _rows(document)
    assert rows[0][0] == "阳光小学 学生人数统计表（截至 2026-11-23）" and rows[-1][3] == 7
    edits = [r for r in tg.bot.requests if isinstance(r, EditMessageText) and r.text.startswith("已生成")]
    assert [e.text for e in edits] == ["已生成：学生人数统计表-阳光小学-2026-11-23.xlsx"]


async def test_typed_dates_and_bad_input(tg: ChatDriver, factory: Factory, session: AsyncSession, clock) -> None:
    await build_scene(factory, session, clock)
    admin = tg.user(ADMIN)
    await tg.send(admin, "/reports")
    await tg.tap(admin, "学生变动情况表")
    bad = await tg.send(admin, "next week")
    assert "没看懂这个日期" in bad.text
    assert "没看懂这个日期" in (await tg.send(admin, "2026-12-01")).text  # after today
    started = await tg.send(admin, "2026-11-01 2026-11-23")
    assert "正在生成…（学生变动情况表，阳光小学）" in started.text
    [document] = await _documents(tg)
    assert document.document.filename == "学生变动情况表-阳光小学-2026-11-01_2026-11-23.xlsx"
    assert [r[3] for r in _rows(document, "学生变动情况表")[2:]] == ["小新", "小燕", "小军", "小华", "小刚"]
    # A day typed for the count table counts as of that day.
    await tg.send(admin, "/reports")
    await tg.tap(admin, "学生人数统计表")
    await tg.send(admin, "2026-10-01")
    [_, document] = await _documents(tg)
    assert _rows(document)[-1][3] == 8


async def test_the_bot_stays_usable_while_a_report_is_built(
    tg: ChatDriver, factory: Factory, session: AsyncSession, clock, monkeypatch
) -> None:
    await build_scene(factory, session, clock)
    # The table is built in a worker thread with its own event loop (dialogs/reports.py):
    # a threading event holds it there.
    release = threading.Event()
    real = reports_service.build_report

    async def slow(*args, **kwargs):  # type: ignore[no-untyped-def]
        await asyncio.to_thread(release.wait, 30)
        return await real(*args, **kwargs)

    monkeypatch.setattr(reports_service, "build_report", slow)
    admin = tg.user(ADMIN)
    await tg.send(admin, "/reports")
    await tg.tap(admin, "学期达标情况")
    started = await tg.tap(admin, "本学期")
    assert "正在生成…（学期达标情况，阳光小学）" in started.text
    await asyncio.sleep(0)
    # Meanwhile: the menu answers, and a second report is refused politely.
    menu = await tg.send(admin, "/start")
    assert menu.calls and not menu.of(SendDocument)
    await tg.send(admin, "/reports")
    await tg.tap(admin, "学生人数统计表")
    busy = await tg.tap(admin, "今天")
    assert "上一张表还在生成，请稍等。" in busy.text
    assert not [r for r in tg.bot.requests if isinstance(r, SendDocument)]
    release.set()
    [document] = await _documents(tg)
    book = load_workbook(io.BytesIO(document.document.data))
    assert book.sheetnames == ["学生", "班级", "学校"]


async def test_a_failure_is_told_not_hidden(
    tg: ChatDriver, factory: Factory, session: AsyncSession, clock, monkeypatch, caplog
) -> None:
    await build_scene(factory, session, clock)

    async def broken(*args, **kwargs):  # type: ignore[no-untyped-def]
        raise RuntimeError("disk full")

    monkeypatch.setattr(reports_service, "build_report", broken)
    admin = tg.user(ADMIN)
    await tg.send(admin, "/reports")
    await tg.tap(admin, "学生人数统计表")
    await tg.tap(admin, "今天")
    assert await _documents(tg) == []
    edits = [r.text for r in tg.bot.requests if isinstance(r, EditMessageText)]
    assert edits[-1] == "生成报表时出错了，请稍后再试。如果一直不行，请告诉学校管理员。"
    assert "阳光小学" not in caplog.text and "小明" not in caplog.text


async def test_bureau_and_head_teacher_get_their_own_tables(
    tg: ChatDriver, factory: Factory, session: AsyncSession, clock
) -> None:
    await build_scene(factory, session, clock)
    bureau = tg.user(BUREAU)
    await tg.send(bureau, "/reports")
    await tg.tap(bureau, "学生人数统计表")
    await tg.tap(bureau, "今天")
    [document] = await _documents(tg)
    rows = _rows(document)
    assert [r[0] for r in rows[2:]] == ["河西小学", "阳光小学", "合计"]
    head = tg.user(HEAD)
    await tg.send(head, "/reports")
    await tg.tap(head, "学期达标情况")
    await tg.tap(head, "今天")
    [_, document] = await _documents(tg)
    assert sorted(r[0] for r in _rows(document, "学生")[2:]) == sorted(["小明", "小红", "小刚"])


async def test_other_roles_and_forged_taps_are_refused(
    tg: ChatDriver, factory: Factory, session: AsyncSession, clock
) -> None:
    scene = await build_scene(factory, session, clock)
    for user in (GRANNY, SUBJECT, 999001):
        replies = await tg.send(tg.user(user), "/reports")
        assert "报表只给班主任、学校管理员和教育局。" in replies.text, user
        assert "要哪张表？" not in replies.text
    # An admin who is also a bureau officer picks the scope; a forged scope id is refused.
    from sqlalchemy import select

    from db.models import County, Staff

    county = await session.scalar(select(County).where(County.id == scene.school.county_id))
    admin_person = (await session.scalars(select(Staff).where(Staff.school_id == scene.school.id,
                                                               Staff.is_school_admin.is_(True)))).one().person_id
    session.add(Staff(person_id=admin_person, county_id=county.id, is_bureau_officer=True, created_at=clock.now()))
    await session.commit()
    admin = tg.user(ADMIN)
    await tg.send(admin, "/reports")
    picked = await tg.tap(admin, "学生人数统计表")
    assert "哪个范围？" in picked.text and {"阳光小学", "清水县"} <= set(picked.buttons())
    message, data = tg.last_bot_message_with(admin, "清水县")
    forged = data.rsplit(":", 1)[0] + f":s{scene.far.id}"
    refused = await tg.press(admin, forged, message)
    assert "报表只给班主任、学校管理员和教育局。" in refused.text
    await tg.tap(admin, "清水县")
    await tg.tap(admin, "今天")
    [document] = await _documents(tg)
    assert [r[0] for r in _rows(document)[2:]] == ["河西小学", "阳光小学", "合计"]
