"""The audit log: reading, changing and exporting a student's record in the bot writes one
row each (ids only), refused taps write none, and `python -m bot audit` shows a person only
what they may see."""

from __future__ import annotations

import asyncio
import io

import pytest
from aiogram.methods import SendDocument
from aiogram.types import PhotoSize, Update
from openpyxl import load_workbook
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from db.models import AuditEntry, Person
from handlers.ledger import LedgerCallback
from services import audit, student_status
from services.access import load_actor
from services.clock import FakeClock
from tests.support.chat import ChatDriver
from tests.support.factory import Factory
from tests.test_ledger import ADMIN, BUREAU, HEAD, OTHER_ADMIN, OTHER_BUREAU, Scene, build_scene


async def _log(session_pool: async_sessionmaker[AsyncSession]) -> list[AuditEntry]:
    async with session_pool() as s:
        return list(await s.scalars(select(AuditEntry).order_by(AuditEntry.id)))


async def _person_id(session: AsyncSession, telegram_user_id: int) -> int:
    found = await session.scalar(select(Person.id).where(Person.telegram_user_id == telegram_user_id))
    assert found is not None
    return found


async def test_reading_a_ledger_writes_one_read_row_however_much_is_paged(
    tg: ChatDriver, factory: Factory, session: AsyncSession, session_pool
) -> None:
    scene = await build_scene(factory, session)
    head = tg.user(HEAD)
    await tg.send(head, "/student")
    await tg.tap(head, "3年级1班")
    card = await tg.tap(head, "小明")
    assert "📒 小明" in card.text
    await tg.send(head, "你好")  # the card is drawn again (a hint); still the same reading
    [row] = await _log(session_pool)
    assert (row.action, row.what, row.student_id) == ("read", "ledger", scene.xiaoming.id)
    assert row.actor_person_id == scene.head.id
    assert (row.school_id, row.class_id) == (scene.school.id, scene.class1.id)
    assert row.at == tg.dp["clock"].now()

    # Another student is another reading.
    await tg.tap(head, "⬅️ 名单")
    await tg.tap(head, "小红")
    rows = await _log(session_pool)
    assert [(r.action, r.student_id) for r in rows] == [("read", scene.xiaoming.id), ("read", scene.xiaohong.id)]


async def test_refused_reads_write_nothing(
    tg: ChatDriver, factory: Factory, session: AsyncSession, session_pool
) -> None:
    """A refusal showed nothing of the record, so it is not a reading (the choice made:
    no "refused" rows; forged buttons are what the access tests are about)."""
    scene = await build_scene(factory, session)
    head = tg.user(HEAD)
    await tg.send(head, "/student")
    await tg.tap(head, "3年级1班")
    message, data = tg.last_bot_message_with(head, "小明")
    forged = data.rpartition(":")[0] + f":{scene.xiaogang.id}"  # class 2: not theirs
    assert "您不能查看" in (await tg.press(head, forged, message)).text
    other = await tg.press(tg.user(OTHER_ADMIN, language="en"), LedgerCallback(student_id=scene.xiaoming.id).pack())
    assert "cannot open" in other.text
    assert await _log(session_pool) == []


async def test_status_change_in_the_bot_writes_a_change_row(
    tg: ChatDriver, factory: Factory, session: AsyncSession, session_pool, clock: FakeClock
) -> None:
    scene = await build_scene(factory, session)
    admin = tg.user(ADMIN)
    await tg.send(admin, "/status")
    await tg.tap(admin, "⏸️ 休学")
    await tg.tap(admin, "3年级1班")
    await tg.tap(admin, "小明")
    await tg.send(admin, "肺炎住院")
    photo = tg._message(admin, photo=[PhotoSize(file_id="CERT", file_unique_id="u", width=90, height=90)])
    await tg.feed(Update(update_id=9001, message=photo))
    await tg.tap(admin, "✅ 保存")
    admin_id = await _person_id(session, ADMIN)
    changes = [r for r in await _log(session_pool) if r.action == "change"]
    assert [(r.what, r.student_id, r.actor_person_id) for r in changes] == [("status", scene.xiaoming.id, admin_id)]

    # A whole class graduating: one change row per student.
    await student_status.graduate_class(session, clock, await load_actor(session, ADMIN), scene.class1.id)
    await session.commit()
    graduated = [r.student_id for r in await _log(session_pool) if r.what == "status"][1:]
    assert sorted(graduated) == sorted([scene.xiaoming.id, scene.xiaohong.id])


async def test_counselling_notes_read_and_written(
    tg: ChatDriver, factory: Factory, session: AsyncSession, session_pool
) -> None:
    scene = await build_scene(factory, session)
    admin = tg.user(ADMIN)
    await tg.send(admin, "/counsel")
    await tg.send(admin, "小明")
    await tg.tap(admin, "小明")
    await tg.tap(admin, "✏️ 写记录")
    saved = await tg.send(admin, "想念妈妈")
    assert "记录已保存" in saved.text
    rows = await _log(session_pool)
    assert [(r.action, r.what, r.student_id) for r in rows] == [
        ("read", "counselling-note", scene.xiaoming.id), ("change", "counselling-note", scene.xiaoming.id),
    ]


async def test_ledger_export_records_the_scope_and_count_not_each_child(
    tg: ChatDriver, factory: Factory, session: AsyncSession, session_pool
) -> None:
    scene = await build_scene(factory, session)
    head = tg.user(HEAD)
    await tg.send(head, "/student")
    await tg.tap(head, "📥 台帐表格")
    sent = await tg.tap(head, "留守学生台帐-阳光小学-3年级1班")
    assert sent.of(SendDocument)
    [row] = await _log(session_pool)
    assert (row.action, row.what, row.student_id) == ("export", "ledger-export", None)
    assert (row.school_id, row.class_id, row.count) == (scene.school.id, scene.class1.id, 2)


async def _scene_with_log(factory: Factory, session: AsyncSession, clock: FakeClock) -> Scene:
    """Rows in two schools of one county: 阳光小学 (xiaoming read, suspended) and 河西小学."""
    scene = await build_scene(factory, session)
    admin = await load_actor(session, ADMIN)
    other = await load_actor(session, OTHER_ADMIN)
    await audit.record(session, clock, admin, audit.Action.READ, audit.LEDGER, student_id=scene.xiaoming.id)
    await student_status.suspend(session, clock, admin, scene.xiaoming.id, reason="病")
    clock.advance(days=1)
    await audit.record(session, clock, other, audit.Action.READ, audit.LEDGER, student_id=scene.xiaojun.id)
    await session.commit()
    return scene


async def _cli(monkeypatch, capsys, settings, tmp_path, *argv: str) -> tuple[int, str, str]:  # type: ignore[no-untyped-def]
    from bot.cli import main

    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATABASE_URL", settings.database_url)
    monkeypatch.setenv("DEFAULT_LANGUAGE", "en")
    monkeypatch.delenv("BOT_TOKEN", raising=False)
    code = await asyncio.to_thread(main, list(argv))
    out = capsys.readouterr()
    return code, out.out, out.err


async def test_cli_prints_the_log_with_ids_only(
    factory: Factory, session: AsyncSession, clock: FakeClock, settings, monkeypatch, capsys, tmp_path
) -> None:
    scene = await _scene_with_log(factory, session, clock)
    code, out, _ = await _cli(monkeypatch, capsys, settings, tmp_path, "audit", "--student", str(scene.xiaoming.id))
    assert code == 0
    lines = out.strip().splitlines()
    assert lines[0].split()[:2] == ["when", "(UTC)"]
    admin_id = str(await _person_id(session, ADMIN))
    assert lines[1].split()[2:6] == [admin_id, "read", "ledger", str(scene.xiaoming.id)]
    assert lines[2].split()[2:6] == [admin_id, "change", "status", str(scene.xiaoming.id)]
    assert len(lines) == 3
    assert "小明" not in out and "李校长" not in out  # never a name

    # --since leaves out older rows; the school filter keeps to one school.
    code, out, _ = await _cli(monkeypatch, capsys, settings, tmp_path, "audit", "--school", str(scene.other_school.id),
                              "--since", "2026-11-24")
    assert code == 0 and len(out.strip().splitlines()) == 2 and str(scene.xiaojun.id) in out
    code, out, _ = await _cli(monkeypatch, capsys, settings, tmp_path, "audit", "--school", str(scene.school.id),
                              "--since", "2026-11-24")
    assert code == 0 and out.strip() == "No entries."


async def test_cli_view_as_an_admin_is_limited_to_their_school(
    factory: Factory, session: AsyncSession, clock: FakeClock, settings, monkeypatch, capsys, tmp_path
) -> None:
    scene = await _scene_with_log(factory, session, clock)
    other_admin = str(await _person_id(session, OTHER_ADMIN))
    code, out, err = await _cli(monkeypatch, capsys, settings, tmp_path, "audit", "--school", str(scene.school.id),
                                "--as", other_admin)
    assert code == 1 and "may not see" in err and out == ""
    code, out, err = await _cli(monkeypatch, capsys, settings, tmp_path, "audit", "--student",
                                str(scene.xiaoming.id), "--as", other_admin)
    assert code == 1 and out == ""
    code, out, _ = await _cli(monkeypatch, capsys, settings, tmp_path, "audit", "--school",
                              str(scene.other_school.id), "--as", other_admin)
    assert code == 0 and len(out.strip().splitlines()) == 2
    # A bureau officer sees the county's schools; another county's officer sees nothing.
    county = str(scene.county.id)
    code, out, _ = await _cli(monkeypatch, capsys, settings, tmp_path, "audit", "--county", county,
                              "--as", str(await _person_id(session, BUREAU)))
    assert code == 0 and len(out.strip().splitlines()) == 4
    code, _, err = await _cli(monkeypatch, capsys, settings, tmp_path, "audit", "--county", county,
                              "--as", str(await _person_id(session, OTHER_BUREAU)))
    assert code == 1 and "may not see" in err


async def test_cli_writes_a_spreadsheet(
    factory: Factory, session: AsyncSession, clock: FakeClock, settings, monkeypatch, capsys, tmp_path
) -> None:
    scene = await _scene_with_log(factory, session, clock)
    path = tmp_path / "audit.xlsx"
    code, out, _ = await _cli(monkeypatch, capsys, settings, tmp_path, "audit", "--school", str(scene.school.id),
                              "--file", str(path))
    assert code == 0 and "2 rows" in out
    rows = list(load_workbook(io.BytesIO(path.read_bytes())).active.iter_rows(values_only=True))
    assert rows[0][:4] == ("When (UTC)", "Actor (person id)", "Action", "What")
    assert [(r[2], r[3], r[4]) for r in rows[1:]] == [
        ("read", "ledger", scene.xiaoming.id), ("change", "status", scene.xiaoming.id)
    ]


@pytest.mark.parametrize("bad", ["--since=yesterday"])
async def test_cli_bad_date(
    factory: Factory, session: AsyncSession, settings, monkeypatch, capsys, tmp_path, bad: str
) -> None:
    code, _, err = await _cli(monkeypatch, capsys, settings, tmp_path, "audit", "--school", "1", bad)
    assert code == 1 and "Not a date" in err


async def test_census_card_read_and_change(
    tg: ChatDriver, factory: Factory, session: AsyncSession, session_pool, clock: FakeClock
) -> None:
    from tests import test_census

    scene = await test_census.build_scene(factory, session)
    clock.set(test_census.at(3, 2, 10))
    head = tg.user(test_census.HEAD)
    await tg.send(head, "/census")
    await tg.tap(head, "⬜ 小红")
    await tg.tap(head, "✏️ 有变化")
    await tg.tap(head, "🏭 父母打工地点变了")
    saved = await tg.send(head, "福建厦门")
    assert "✏️ 已保存 小红 的变化" in saved.text
    rows = await _log(session_pool)
    head_id = await _person_id(session, test_census.HEAD)
    assert [(r.action, r.what, r.student_id, r.actor_person_id) for r in rows] == [
        ("read", "census-card", scene.xiaohong.id, head_id), ("change", "census", scene.xiaohong.id, head_id),
    ]


async def test_report_export_records_its_scope(
    tg: ChatDriver, factory: Factory, session: AsyncSession, session_pool, clock: FakeClock
) -> None:
    from dialogs import reports as reports_dialog
    from tests import test_reports

    await test_reports.build_scene(factory, session, clock)
    admin = tg.user(test_reports.ADMIN)
    await tg.send(admin, "/reports")
    await tg.tap(admin, "学生变动情况表")
    await tg.tap(admin, "今天")
    await reports_dialog.drain()
    [row] = [r for r in await _log(session_pool) if r.action == "export"]  # the scene made status changes
    assert (row.action, row.what, row.student_id) == ("export", "report-export:changes", None)
    assert row.school_id is not None and row.actor_person_id == await _person_id(session, test_reports.ADMIN)


async def test_roster_import_is_one_change_row_for_the_file(
    factory: Factory, session: AsyncSession, session_pool, clock: FakeClock
) -> None:
    from services.roster import import_roster
    from tests.test_roster_files import ROWS, xlsx

    school = await factory.school()
    admin = await factory.person("校长", telegram_user_id=7001)
    await factory.staff(admin, school, is_school_admin=True)
    await session.commit()
    result = await import_roster(session, clock, school.id, "r.xlsx", xlsx(ROWS),
                                 actor=await load_actor(session, 7001))
    await import_roster(session, clock, school.id, "r.xlsx", xlsx(ROWS))  # the command line: no person
    await session.commit()
    rows = await _log(session_pool)
    assert [(r.action, r.what, r.student_id, r.school_id, r.actor_person_id) for r in rows] == [
        ("change", "roster-import", None, school.id, admin.id), ("change", "roster-import", None, school.id, None),
    ]
    assert [r.count for r in rows] == [result.students_created, 0]


async def test_exports_from_the_command_line_are_logged_without_a_person(
    factory: Factory, session: AsyncSession, session_pool, settings, monkeypatch, capsys, tmp_path
) -> None:
    scene = await build_scene(factory, session)
    code, _, err = await _cli(monkeypatch, capsys, settings, tmp_path, "ledger", "export", "--school", "阳光小学",
                              "--class", "3-1班", str(tmp_path / "class.xlsx"))
    assert code == 0, err
    [row] = await _log(session_pool)
    assert (row.actor_person_id, row.action, row.what) == (None, "export", "ledger-export")
    assert (row.school_id, row.class_id, row.count) == (scene.school.id, scene.class1.id, 2)


async def test_audit_command_sends_each_viewer_only_their_part_of_the_log(
    tg: ChatDriver, factory: Factory, session: AsyncSession, clock: FakeClock
) -> None:
    scene = await _scene_with_log(factory, session, clock)

    def rows_of(sent) -> list[tuple]:  # type: ignore[no-untyped-def]
        [call] = sent.of(SendDocument)
        book = load_workbook(io.BytesIO(call.document.data))
        return [r for r in book.active.iter_rows(min_row=2, values_only=True) if any(r)]

    # The admin of 阳光小学: the read and the suspension of xiaoming, not 河西小学's read.
    admin_rows = rows_of(await tg.send(tg.user(ADMIN), "/audit"))
    assert {(r[2], r[3], r[4]) for r in admin_rows} == {
        ("read", "ledger", scene.xiaoming.id), ("change", "status", scene.xiaoming.id),
    }
    # The county's bureau officer: both schools of the county.
    bureau_rows = rows_of(await tg.send(tg.user(BUREAU), "/audit"))
    assert {r[4] for r in bureau_rows} == {scene.xiaoming.id, scene.xiaojun.id}
    # Another county's officer: nothing to see; a head teacher: refused.
    other = await tg.send(tg.user(OTHER_BUREAU), "/audit")
    assert not other.of(SendDocument) and "最近 30 天没有人" in other.text
    head = await tg.send(tg.user(HEAD), "/audit")
    assert not head.of(SendDocument) and "访问记录只给学校管理员" in head.text
    # Older than 30 days drops out.
    clock.advance(days=40)
    assert not (await tg.send(tg.user(ADMIN), "/audit")).of(SendDocument)
