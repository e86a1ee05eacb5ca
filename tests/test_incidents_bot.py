"""安全应急预案 through the production dispatcher: a head teacher opens an incident in a
few taps, the guardian and the bureau acknowledge with a button, the head teacher records
a phone call from the escalation message, an admin picks by class or typed name with a
typed time, notes and closing, the export as a document; foreign, forged and stale taps
are refused and change nothing."""

from __future__ import annotations

import io
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from aiogram.methods import EditMessageText, SendDocument
from openpyxl import load_workbook
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.sender import OutboxSender
from bot.settings import Settings
from db.models import AuditEntry, Incident, OutboxMessage
from locales import get_translator
from scheduler import JobContext
from scheduler.incidents import incident_deadlines
from services.clock import FakeClock
from tests.support.chat import ChatDriver
from tests.support.factory import Factory
from tests.support.mocked_bot import MockedBot
from tests.test_incidents import (
    ADMIN,
    AUNT,
    BUREAU,
    GRANDPA,
    GRANNY,
    HEAD,
    OTHER_ADMIN,
    OTHER_BUREAU,
    T0,
    at,
    build_scene,
    open_incident,
)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(T0)


async def deliver(bot: MockedBot, session_pool, settings: Settings, clock: FakeClock) -> None:
    await OutboxSender(bot, session_pool, settings.outbox, clock, get_translator()).run_until_idle()


async def stored(session_pool, incident_id: int) -> Incident:
    async with session_pool() as s:
        incident = await s.get(Incident, incident_id)
        assert incident is not None
        return incident


async def test_head_teacher_opens_and_guardian_and_bureau_acknowledge(
    tg: ChatDriver, factory: Factory, session: AsyncSession, session_pool, bot: MockedBot,
    settings: Settings, clock: FakeClock,
) -> None:
    await build_scene(factory, session)
    head = tg.user(HEAD)
    menu = await tg.send(head, "/start")
    assert "🚨 突发事件" in menu.buttons()
    listed = await tg.tap(head, "🚨 突发事件")
    assert "现在没有未结束的突发事件" in listed.text
    assert "📊 导出表格" not in listed.buttons()  # a head teacher does not export

    picked = await tg.tap(head, "➕ 登记突发事件")  # one class: straight to its students
    assert "3年级1班：请选学生" in picked.text and {"小明", "小刚"} <= set(picked.buttons())
    asked = await tg.tap(head, "小明")
    assert "发生了什么" in asked.text
    assert asked.buttons()[:5] == ["🩹 受伤", "🤒 急病", "❓ 走失", "🚑 意外事故", "📝 其他"]
    hint = await tg.send(head, "摔倒了")  # typed where a tap is expected
    assert "请点下面的按钮" in hint.text and "🩹 受伤" in hint.buttons()
    asked = await tg.tap(head, "🩹 受伤")
    assert "请用一句话说明情况" in asked.text and "跳过" in asked.buttons()
    asked = await tg.send(head, "操场摔倒，左臂疼")
    assert "什么时候发生的" in asked.text and {"刚刚", "30分钟前"} <= set(asked.buttons())
    confirm = await tg.tap(head, "刚刚")
    assert "学生：小明" in confirm.text and "情况：🩹 受伤：操场摔倒，左臂疼" in confirm.text
    assert "发生时间：10:15" in confirm.text
    card = await tg.tap(head, "🚨 登记并通知")
    assert "🚨 事件 #1：小明（阳光小学 3年级1班）" in card.text
    assert "👪 监护人：尚未知情 — 还剩 30 分钟（10:45 前）" in card.text
    assert "🏛 教育局：尚未确认 — 还剩 60 分钟（11:15 前）" in card.text
    assert "📞 记录电话告知" in card.buttons()
    clock.set(at(10, 18))
    refreshed = await tg.tap(head, "🔄 刷新")
    assert "👪 监护人：尚未知情 — 还剩 27 分钟（10:45 前）" in refreshed.text

    await deliver(bot, session_pool, settings, clock)
    granny = tg.user(GRANNY)
    message, data = tg.last_bot_message_with(granny, "✅ 收到")
    assert "🚨 紧急通知：小明" in (message.text or "")
    clock.set(at(10, 20))
    thanks = await tg.press(granny, data, message)
    assert "谢谢，学校已知道您 10:20 收到通知。" in thanks.text
    [edit] = thanks.of(EditMessageText)
    assert edit.reply_markup is None and edit.text.endswith("谢谢，学校已知道您 10:20 收到通知。")
    # A double tap (or the other guardian's tap) finds it done and records nothing.
    again = await tg.press(granny, data, message)
    assert "已于 10:20 确认过了（王奶奶）" in again.text
    grandpa = tg.user(GRANDPA, language="en")
    other_message, other_data = tg.last_bot_message_with(grandpa, "Received")
    late = await tg.press(grandpa, other_data, other_message)
    assert "Already acknowledged at 10:20 (王奶奶)." in late.text

    officer = tg.user(BUREAU)
    report, report_data = tg.last_bot_message_with(officer, "✅ 确认收到")
    assert "🚨 突发事件报告" in (report.text or "") and "学校：阳光小学" in (report.text or "")
    clock.set(at(10, 35))
    acked = await tg.press(officer, report_data, report)
    assert "已确认收到（10:35）" in acked.text
    incident = await stored(session_pool, 1)
    assert (incident.guardian_informed_at, incident.guardian_informed_how) == (at(10, 20), "button")
    assert incident.bureau_acknowledged_at == at(10, 35)

    # The card, opened again, shows both deadlines met.
    await tg.send(head, "/incident")
    card = await tg.tap(head, "小明")
    assert "👪 监护人 10:20 知情（监护人点了“收到”，王奶奶）— 5 分钟，按时" in card.text
    assert "🏛 教育局 10:35 确认（陈科长）— 20 分钟，按时" in card.text
    assert "📞 记录电话告知" not in card.buttons()


async def test_escalation_phone_record_and_the_missed_guardian_deadline(
    tg: ChatDriver, factory: Factory, session: AsyncSession, session_pool, bot: MockedBot,
    settings: Settings, clock: FakeClock,
) -> None:
    scene = await build_scene(factory, session)
    incident = await open_incident(session, clock, scene)
    context = JobContext(session_pool, clock, settings, get_translator())
    clock.set(at(10, 25))
    assert await incident_deadlines(context) == 1
    assert await incident_deadlines(context) == 0
    await deliver(bot, session_pool, settings, clock)

    head = tg.user(HEAD)
    message, _ = tg.last_bot_message_with(head, "📞 记录电话告知")
    assert "监护人还没有回应" in (message.text or "") and "+8613800000001" in (message.text or "")
    asked = await tg.tap(head, "📞 记录电话告知")
    assert "几点打电话告知了监护人" in asked.text
    bad = await tg.send(head, "刚才")
    assert "时间请这样写：10:45" in bad.text
    clock.set(at(10, 48))
    early = await tg.send(head, "10:50")
    assert "10:50 还没到" in early.text
    card = await tg.send(head, "10:47")
    assert "👪 监护人 10:47 知情（电话告知，王老师）— 32 分钟，超时（期限 10:45）" in card.text
    assert "10:47 电话告知监护人（王老师 记录于 10:48）" in card.text
    incident = await stored(session_pool, incident.id)
    assert (incident.guardian_informed_at, incident.guardian_informed_how, incident.guardian_recorded_at) == (
        at(10, 47), "phone", at(10, 48)
    )
    # The escalation message's button again: the call is recorded already.
    again = await tg.press(head, f"incp:{incident.id}")
    assert "已记录监护人于 10:47 知情（电话告知），不用再记" in again.text
    assert "👪 监护人 10:47 知情" in again.text and "📞 记录电话告知" not in again.buttons()


async def test_admin_picks_by_class_or_typed_name_and_types_the_time(
    tg: ChatDriver, factory: Factory, session: AsyncSession, session_pool, clock: FakeClock,
) -> None:
    await build_scene(factory, session)
    admin = tg.user(ADMIN)
    await tg.send(admin, "/incident")
    classes = await tg.tap(admin, "➕ 登记突发事件")
    assert "请选班级，或直接打出学生姓名" in classes.text
    assert {"3年级1班", "4年级2班"} <= set(classes.buttons())
    none = await tg.send(admin, "小红")  # another school's child
    assert "没有找到姓名含“小红”的学生" in none.text
    found = await tg.send(admin, "刚")
    assert "姓名含“刚”的学生" in found.text and "小刚" in found.buttons() and "小明" not in found.buttons()
    await tg.tap(admin, "小刚")
    await tg.tap(admin, "📝 其他")
    asked = await tg.send(admin, "   ")
    assert "请写一句话" in asked.text
    await tg.send(admin, "午饭后不见了")
    future = await tg.send(admin, "10:50")
    assert "10:50 还没到" in future.text
    confirm = await tg.send(admin, "10：05")
    assert "发生时间：10:05" in confirm.text and "情况：📝 其他：午饭后不见了" in confirm.text
    confirm_message, open_data = tg.last_bot_message_with(admin, "🚨 登记并通知")
    card = await tg.press(admin, open_data, confirm_message)
    assert "👪 监护人：尚未知情 — 还剩 20 分钟（10:35 前）" in card.text
    incident = await stored(session_pool, 1)
    assert (incident.happened_at, incident.category, incident.description) == (at(10, 5), "other", "午饭后不见了")

    # A second tap on the old "Open" button opens nothing twice.
    await tg.press(admin, open_data, confirm_message)
    async with session_pool() as s:
        assert await s.scalar(select(func.count(Incident.id))) == 1
        assert await s.scalar(select(func.count(OutboxMessage.id)).where(OutboxMessage.kind == "incident-notice")) == 1


async def test_notes_closing_and_the_export(
    tg: ChatDriver, factory: Factory, session: AsyncSession, session_pool, bot: MockedBot, clock: FakeClock,
) -> None:
    scene = await build_scene(factory, session)
    incident = await open_incident(session, clock, scene)
    head = tg.user(HEAD)
    await tg.send(head, "/incident")
    await tg.tap(head, "小明")
    await tg.tap(head, "📝 添加备注")
    card = await tg.send(head, "已送镇卫生院")
    assert "10:15 备注（王老师）：已送镇卫生院" in card.text
    clock.set(at(10, 30))
    await tg.tap(head, "🔒 结束事件")
    card = await tg.send(head, "家长接回")
    assert "🔒 已于 2026-11-23 10:30 结束" in card.text and "10:30 事件结束（王老师）：家长接回" in card.text
    assert "🔒 结束事件" not in card.buttons() and "📝 添加备注" not in card.buttons()
    listed = await tg.send(head, "/incident")
    assert "现在没有未结束的突发事件" in listed.text

    admin = tg.user(ADMIN)
    await tg.send(admin, "/incident")
    periods = await tg.tap(admin, "📊 导出表格")
    assert not periods.of(SendDocument) and "导出哪段时间的事件？" in periods.text
    assert ["📅 本月", "📅 上月", "📚 本学期", "🗂 全部"] == [b for b in periods.buttons() if b[0] in "📅📚🗂"]
    replies = await tg.tap(admin, "📅 本月")
    [document] = replies.of(SendDocument)
    assert document.document.filename == "突发事件_阳光小学_2026-11-23.xlsx"
    assert document.caption == "阳光小学 突发事件登记表（2026-11-01 至 2026-11-23）"
    rows = list(load_workbook(io.BytesIO(document.document.data))["事件"].iter_rows(min_row=3, values_only=True))
    assert [(r[0], r[3], r[14], r[19], r[21]) for r in rows] == [(incident.id, "小明", "进行中", "进行中", "家长接回")]

    officer = tg.user(BUREAU)
    await tg.send(officer, "/incident")
    await tg.tap(officer, "📊 导出表格")
    replies = await tg.tap(officer, "📅 上月")
    [document] = replies.of(SendDocument)
    assert document.document.filename == "突发事件_清水县_2026-11-23.xlsx"
    sheet = load_workbook(io.BytesIO(document.document.data))["事件"]
    assert sheet.cell(row=1, column=1).value == "清水县 突发事件登记表（2026-10-01 至 2026-10-31）"
    assert list(sheet.iter_rows(min_row=3, values_only=True)) == []  # November's incident is not October's

    # Both exports are in the audit log (ids only): the school's and the county's.
    async with session_pool() as s:
        rows = (await s.execute(select(AuditEntry.what, AuditEntry.school_id, AuditEntry.county_id)
                                .where(AuditEntry.action == "export").order_by(AuditEntry.id))).all()
    assert [tuple(r) for r in rows] == [
        ("incident-export", scene.school.id, None), ("incident-export", None, scene.school.county_id),
    ]


async def test_bureau_sees_its_county_read_only(
    tg: ChatDriver, factory: Factory, session: AsyncSession, clock: FakeClock,
) -> None:
    scene = await build_scene(factory, session)
    await open_incident(session, clock, scene)
    officer = tg.user(BUREAU)
    listed = await tg.send(officer, "/incident")
    assert "未结束的突发事件" in listed.text and "➕ 登记突发事件" not in listed.buttons()
    card = await tg.tap(officer, "小明")
    assert "（只读）" in card.text
    assert not {"📞 记录电话告知", "📝 添加备注", "🔒 结束事件"} & set(card.buttons())


async def test_foreign_forged_and_stale_taps_change_nothing(
    tg: ChatDriver, factory: Factory, session: AsyncSession, session_pool, clock: FakeClock,
) -> None:
    scene = await build_scene(factory, session)
    incident = await open_incident(session, clock, scene)
    aunt, other_bureau, other_admin = tg.user(AUNT), tg.user(OTHER_BUREAU), tg.user(OTHER_ADMIN)
    assert "这条通知不是发给您的" in (await tg.press(aunt, f"incg:{incident.id}")).text
    assert "这条通知不是发给您的" in (await tg.press(aunt, "incg:999")).text
    assert "这个按钮已经过期了" in (await tg.press(aunt, "incg:abc")).text
    assert "这条通知不是发给您的" in (await tg.press(other_bureau, f"incb:{incident.id}")).text
    assert "这条通知不是发给您的" in (await tg.press(tg.user(ADMIN), f"incb:{incident.id}")).text
    assert "这个事件您无权查看或操作" in (await tg.press(other_admin, f"incc:{incident.id}")).text
    assert "这个事件您无权查看或操作" in (await tg.press(other_admin, f"incp:{incident.id}")).text
    assert "这个事件您无权查看或操作" in (await tg.press(tg.user(BUREAU), f"incp:{incident.id}")).text
    assert "现在没有未结束的突发事件" in (await tg.send(other_admin, "/incident")).text
    assert "只有老师、学校管理员和教育局" in (await tg.send(tg.user(GRANNY), "/incident")).text
    stored_incident = await stored(session_pool, incident.id)
    assert stored_incident.guardian_informed_at is None and stored_incident.bureau_acknowledged_at is None
    assert stored_incident.closed_at is None


# ------------------------------------------- the bureau's live view, typed times


async def test_bureau_opens_the_incident_as_it_stands_now_from_its_report(
    tg: ChatDriver, factory: Factory, session: AsyncSession, session_pool, bot: MockedBot,
    settings: Settings, clock: FakeClock,
) -> None:
    """The report is a snapshot; its "open" button shows the timeline as it is now, also
    after the acknowledgement, and only to the county's officers."""
    scene = await build_scene(factory, session)
    incident = await open_incident(session, clock, scene)
    await deliver(bot, session_pool, settings, clock)
    officer = tg.user(BUREAU)
    report, report_data = tg.last_bot_message_with(officer, "✅ 确认收到")
    clock.set(at(10, 30))
    acked = await tg.press(officer, report_data, report)
    [edit] = acked.of(EditMessageText)
    assert [b.text for row in edit.reply_markup.inline_keyboard for b in row] == ["🚨 打开事件"]

    # Later the school adds to the timeline; the officer's button shows it.
    from services import incidents as service
    from services.access import load_actor
    clock.set(at(10, 50))
    await service.add_note(session, clock, await load_actor(session, HEAD), incident.id, "已送镇卫生院，家长陪同")
    await session.commit()
    clock.set(at(11, 0))
    card = await tg.tap(officer, "🚨 打开事件")
    assert "🚨 事件 #1：小明" in card.text
    assert "10:50 备注（王老师）：已送镇卫生院，家长陪同" in card.text
    assert "🏛 教育局 10:30 确认（陈科长）— 15 分钟，按时" in card.text
    assert "（只读）" in card.text and "📝 添加备注" not in card.buttons()
    refreshed = await tg.tap(officer, "🔄 刷新")
    assert "已送镇卫生院" in refreshed.text

    # Another county's officer, or a forged id, sees nothing.
    denied = await tg.press(tg.user(OTHER_BUREAU), f"incc:{incident.id}")
    assert "这个事件您无权查看或操作" in denied.text and "已送镇卫生院" not in denied.text
    assert "这个事件您无权查看或操作" in (await tg.press(officer, "incc:999")).text


async def _to_when(tg: ChatDriver, user) -> None:  # type: ignore[no-untyped-def]
    await tg.send(user, "/incident")
    await tg.tap(user, "➕ 登记突发事件")
    await tg.tap(user, "小明")
    await tg.tap(user, "🩹 受伤")
    await tg.tap(user, "跳过")


async def test_incident_time_yesterday_or_a_date(
    tg: ChatDriver, factory: Factory, session: AsyncSession, session_pool, bot: MockedBot,
    settings: Settings, clock: FakeClock,
) -> None:
    await build_scene(factory, session)
    head = tg.user(HEAD)
    await _to_when(tg, head)
    for typed, answer in (
        ("11-10 08:00", "只能登记 7 天以内发生的时间。"),  # 13 days ago
        ("11-23 23:00", "还没到"),
        ("13-40 10:00", "时间请这样写：10:45（今天）、昨天 18:20，或 11-20 18:20。"),
        ("昨天", "时间请这样写"),
    ):
        replies = await tg.send(head, typed)
        assert answer in replies.text, typed
        assert "🚨 登记并通知" not in replies.buttons()
    confirm = await tg.send(head, "昨天 18:20")
    assert "发生时间：11-22 18:20" in confirm.text
    card = await tg.tap(head, "🚨 登记并通知")
    incident = await stored(session_pool, 1)
    assert incident.happened_at == datetime(2026, 11, 22, 10, 20, tzinfo=UTC)
    # Entered the next day: both deadlines were missed, and it says so at once.
    assert "超时" in card.text or "已过" in card.text
    assert incident.guardian_missed_at is not None and incident.bureau_missed_at is not None
    await deliver(bot, session_pool, settings, clock)
    notice, _data = tg.last_bot_message_with(tg.user(GRANNY), "✅ 收到")
    assert "11-22 18:20" in (notice.text or "")

    # English words and the month-day form; the limit is a setting.
    settings.incidents.max_days_back = 30
    await _to_when(tg, head)
    confirm = await tg.send(head, "11-10 08:00")
    assert "发生时间：11-10 08:00" in confirm.text
    await tg.tap(head, "✖️ 取消")
    await _to_when(tg, head)
    confirm = await tg.send(head, "Yesterday 07:05")
    assert "发生时间：11-22 07:05" in confirm.text


def test_parse_moment_forms() -> None:
    from services.incidents import IncidentError, parse_moment

    clock = FakeClock(at(10, 15))
    tz = "Asia/Shanghai"

    def local(text: str, days: int = 7) -> str:
        return parse_moment(clock, tz, text, days).astimezone(ZoneInfo(tz)).strftime("%Y-%m-%d %H:%M")

    assert local("10:15") == "2026-11-23 10:15"
    assert local("昨天 18:20") == local("yesterday 18:20") == local("昨晚18:20") == "2026-11-22 18:20"
    assert local("11-20 8:05") == local("11/20 08:05") == local("11月20日 08:05") == "2026-11-20 08:05"
    assert local("2026-11-20 08:05") == "2026-11-20 08:05"
    # A month-day still to come this year is last year's (and then usually too old).
    assert local("12-31 18:00", days=400) == "2025-12-31 18:00"
    for text, key in (("10:16", "incident-time-future"), ("11-16 08:00", "incident-time-too-old"),
                      ("02-30 10:00", "incident-time-bad"), ("昨天 25:00", "incident-time-bad"), ("", "incident-time-bad")):
        try:
            parse_moment(clock, tz, text, 6)
        except IncidentError as exc:
            assert exc.key == key, text
        else:  # pragma: no cover
            raise AssertionError(text)
