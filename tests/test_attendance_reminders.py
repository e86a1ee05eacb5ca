"""Missing sheets: the head teacher is reminded at 09:00 school time, each school admin gets
one list at 10:00; only on school days, never twice, and a late run catches up."""

from __future__ import annotations

from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from aiogram.methods import SendMessage
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.sender import OutboxSender
from bot.settings import Settings
from db.models import CalendarDay, OutboxMessage, Priority
from locales import get_translator
from scheduler import JobContext, default_jobs
from scheduler.attendance import remind_missing_sheets
from services.clock import FakeClock
from tests.support.chat import ChatDriver
from tests.support.factory import Factory
from tests.support.mocked_bot import MockedBot
from tests.test_attendance import ADMIN, ALL_PRESENT, HEAD, HEAD2, build_scene

SHANGHAI = ZoneInfo("Asia/Shanghai")


def _at(hour: int, minute: int = 0, day: int = 23) -> datetime:
    """A moment at the school (Asia/Shanghai) in November 2026."""
    return datetime(2026, 11, day, hour, minute, tzinfo=SHANGHAI)


def _ctx(session_pool, clock: FakeClock, settings: Settings) -> JobContext:
    return JobContext(session_pool, clock, settings, get_translator())


async def _rows(pool: async_sessionmaker[AsyncSession]) -> list[OutboxMessage]:
    async with pool() as session:
        return list(await session.scalars(select(OutboxMessage).order_by(OutboxMessage.id)))


async def test_reminders_at_nine_and_ten_once_each(
    tg: ChatDriver, bot: MockedBot, factory: Factory, session: AsyncSession, session_pool,
    clock: FakeClock, settings: Settings,
) -> None:
    scene = await build_scene(factory, session)
    ctx = _ctx(session_pool, clock, settings)
    # Class 1 takes attendance at 08:10; class 2 forgets.
    clock.set(_at(8, 10))
    await tg.send(tg.user(HEAD), "/attendance")
    await tg.tap(tg.user(HEAD), ALL_PRESENT)

    clock.set(_at(8, 55))
    assert await remind_missing_sheets(ctx) == 0

    clock.set(_at(9, 0))
    assert await remind_missing_sheets(ctx) == 1
    [row] = await _rows(session_pool)
    assert row.dedup_key == f"attendance-missing:{scene.class2.id}:2026-11-23"
    assert row.chat_id == HEAD2 and row.priority == Priority.NORMAL and row.kind == "attendance-missing"
    assert "4年级2班 今天（11月23日）还没有点名" in row.payload["text"]
    assert row.payload["buttons"][0][0]["callback_data"] == f"ato:{scene.class2.id}"
    clock.set(_at(9, 5))
    assert await remind_missing_sheets(ctx) == 0  # re-run: nothing new

    clock.set(_at(10, 0))
    assert await remind_missing_sheets(ctx) == 1
    admin_row = (await _rows(session_pool))[-1]
    assert admin_row.dedup_key == f"attendance-missing-admin:{scene.school.id}:2026-11-23:to:{admin_row.person_id}"
    assert admin_row.chat_id == ADMIN
    assert "阳光小学 今天（11月23日）还有 1 个班没有点名" in admin_row.payload["text"]
    assert "• 4年级2班（班主任：周老师）" in admin_row.payload["text"]
    assert "3年级1班" not in admin_row.payload["text"]
    clock.set(_at(10, 5))
    assert await remind_missing_sheets(ctx) == 0
    assert len(await _rows(session_pool)) == 2

    # Delivered through the outbox, the reminder's button opens class 2's sheet.
    bot.session.requests.clear()
    await OutboxSender(bot, session_pool, settings.outbox, clock, get_translator()).run_until_idle()
    assert {m.chat_id for m in bot.requests if isinstance(m, SendMessage)} == {HEAD2, ADMIN}
    opened = await tg.tap(tg.user(HEAD2), "📝 现在点名")
    assert "4年级2班 · 11月23日 点名" in opened.text


async def test_a_late_run_catches_up_and_respects_settings(
    factory: Factory, session: AsyncSession, session_pool, clock: FakeClock, settings: Settings
) -> None:
    await build_scene(factory, session)
    # The bot was down all morning: at 11:30 both reminders are due at once.
    clock.set(_at(11, 30))
    assert await remind_missing_sheets(_ctx(session_pool, clock, settings)) == 3  # 2 heads + admin
    kinds = sorted(r.kind for r in await _rows(session_pool))
    assert kinds == ["attendance-missing", "attendance-missing", "attendance-missing-admin"]

    later = settings.model_copy(update={"attendance": settings.attendance.model_copy(
        update={"first_reminder": time(12, 0), "admin_reminder": time(13, 0)}
    )})
    clock.set(_at(11, 30, day=24))
    assert await remind_missing_sheets(_ctx(session_pool, clock, later)) == 0
    clock.set(_at(12, 0, day=24))
    assert await remind_missing_sheets(_ctx(session_pool, clock, later)) == 2


async def test_no_reminders_after_the_school_day(
    factory: Factory, session: AsyncSession, session_pool, clock: FakeClock, settings: Settings
) -> None:
    """A bot started in the evening does not queue this morning's reminders: they would
    wait out the quiet hours and reach the teacher tomorrow about the wrong day."""
    await build_scene(factory, session)
    clock.set(_at(17, 0))
    assert await remind_missing_sheets(_ctx(session_pool, clock, settings)) == 0
    clock.set(_at(21, 3))
    assert await remind_missing_sheets(_ctx(session_pool, clock, settings)) == 0
    assert await _rows(session_pool) == []
    clock.set(_at(16, 59, day=24))  # the next day, still in the school day: caught up
    assert await remind_missing_sheets(_ctx(session_pool, clock, settings)) == 3


async def test_no_reminders_on_weekends_and_holidays(
    factory: Factory, session: AsyncSession, session_pool, clock: FakeClock, settings: Settings
) -> None:
    scene = await build_scene(factory, session)
    ctx = _ctx(session_pool, clock, settings)
    clock.set(_at(10, 30, day=28))  # Saturday
    assert await remind_missing_sheets(ctx) == 0
    session.add(CalendarDay(school_id=scene.school.id, day=date(2026, 11, 30), is_school_day=False,
                            created_at=clock.now()))
    await session.commit()
    clock.set(_at(10, 30, day=30))  # Monday, a holiday
    assert await remind_missing_sheets(ctx) == 0
    assert await _rows(session_pool) == []


def test_the_job_is_registered_every_five_minutes() -> None:
    job = default_jobs()["attendance-missing-sheets"]
    assert job.trigger == "cron" and job.trigger_args == {"minute": "*/5"}
