"""放学时间: an admin sets the school's weekend and holiday release times in the calendar
dialog (through the production dispatcher), and the returns job then starts the Friday
round at the new time, not the default. Bad times, resets, other schools' admins,
teachers, an admin who lost the post, both languages."""

from __future__ import annotations

from datetime import UTC, date, datetime, time

import pytest
from aiogram.methods import SendMessage
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.settings import Settings
from db.models import OutboxMessage, Person, ReturnRound, School, SchoolRelease, Staff, Term
from locales import get_translator
from scheduler import JobContext, default_jobs
from services import calendar_admin as svc
from services.access import Actor, StaffPost
from services.calendar_admin import CalendarInputError
from services.clock import FakeClock
from tests.support.chat import ChatDriver, Replies
from tests.support.factory import Factory

ADMIN, ADMIN_EN, OTHER_ADMIN, HEAD, GRANNY = 100, 101, 110, 300, 201
ZH, EN = "zh_Hans", "en"
T = get_translator()
RELEASE = T.get("calendar-release-button", ZH)
CHANGE_WEEKEND = T.get("calendar-release-change", ZH, kind="周末放学")
CHANGE_HOLIDAY = T.get("calendar-release-change", ZH, kind="节假日放学")


def sh(day: int, hh: int, mm: int = 0) -> datetime:
    """November 2026, a Shanghai wall-clock time, as UTC."""
    return datetime(2026, 11, day, hh - 8, mm, tzinfo=UTC)


async def build_scene(factory: Factory, session: AsyncSession) -> tuple[School, School]:
    school = await factory.school("阳光小学")
    second = await factory.school("二小")
    admin = await factory.person("李校长", telegram_user_id=ADMIN)
    await factory.staff(admin, school, is_school_admin=True)
    admin_en = await factory.person("Ms Li", telegram_user_id=ADMIN_EN, language=EN)
    await factory.staff(admin_en, school, is_school_admin=True)
    other = await factory.person("赵校长", telegram_user_id=OTHER_ADMIN)
    await factory.staff(other, second, is_school_admin=True)
    head = await factory.person("王老师", telegram_user_id=HEAD)
    head_post = await factory.staff(head, school, is_head_teacher=True)
    class1 = await factory.school_class(school, grade=3, name="1班", head_teacher=head_post)
    pupil = await factory.student(school, class1, "小明", is_boarding=True)
    granny = await factory.person("王奶奶", telegram_user_id=GRANNY, language=ZH)
    await factory.guardian_of(pupil, granny, "grandmother")
    for s in (school, second):
        session.add(Term(school_id=s.id, name="秋季", starts_on=date(2026, 9, 1), ends_on=date(2027, 1, 22),
                         created_at=factory.clock.now()))
    await session.commit()
    return school, second


async def _release_row(pool: async_sessionmaker[AsyncSession], school_id: int) -> tuple[time | None, time | None] | None:
    async with pool() as s:
        row = await s.scalar(select(SchoolRelease).where(SchoolRelease.school_id == school_id))
        return (row.weekend_time, row.holiday_time) if row else None


def _sent(replies: Replies) -> list[str]:
    return [c.text for c in replies.of(SendMessage)]


async def _open_release(tg: ChatDriver, user_id: int) -> Replies:
    await tg.send(tg.user(user_id), "/calendar")
    return await tg.tap(tg.user(user_id), RELEASE)


# ------------------------------------------------------------------ the screen


async def test_admin_sets_and_resets_the_weekend_release_time(
    tg: ChatDriver, factory: Factory, session: AsyncSession, session_pool
) -> None:
    school, _ = await build_scene(factory, session)
    admin = tg.user(ADMIN)
    opened = await tg.send(admin, "/calendar")
    assert RELEASE in opened.buttons() and T.get("calendar-sheet-button", ZH) in opened.buttons()

    screen = await tg.tap(admin, RELEASE)
    assert "⏰ 阳光小学 放学时间" in screen.text
    assert "周末放学（周五等）：16:30（默认）" in screen.text
    assert "节假日放学（放假前一天）：15:30（默认）" in screen.text
    assert {CHANGE_WEEKEND, CHANGE_HOLIDAY} <= set(screen.buttons())

    prompt = await tg.tap(admin, CHANGE_WEEKEND)
    assert "请发新的周末放学时间" in prompt.text and "现在是：16:30（默认）" in prompt.text
    assert not any("恢复默认" in b for b in prompt.buttons())  # nothing to reset yet

    saved = await tg.send(admin, "17点45")
    assert "✅ 周末放学时间改为 17:45。" in saved.text
    assert "周末放学（周五等）：17:45\n" in saved.text  # no "default" mark any more
    assert "节假日放学（放假前一天）：15:30（默认）" in saved.text
    assert await _release_row(session_pool, school.id) == (time(17, 45), None)

    # The other ways of writing a time, on the holiday one.
    for typed, expected in (("16:00", time(16, 0)), ("1500", time(15, 0)), ("１４：２０", time(14, 20))):
        await tg.tap(admin, CHANGE_HOLIDAY)
        assert f"改为 {expected.strftime('%H:%M')}" in (await tg.send(admin, typed)).text
        assert await _release_row(session_pool, school.id) == (time(17, 45), expected)

    prompt = await tg.tap(admin, CHANGE_WEEKEND)
    assert "现在是：17:45" in prompt.text
    reset = await tg.tap(admin, "↩️ 恢复默认（16:30）")
    assert "✅ 周末放学时间恢复默认：16:30。" in reset.text
    assert "周末放学（周五等）：16:30（默认）" in reset.text
    assert await _release_row(session_pool, school.id) == (None, time(14, 20))

    # Back leaves it as it is.
    await tg.tap(admin, CHANGE_HOLIDAY)
    await tg.tap(admin, "⬅️ 返回")
    back = await tg.tap(admin, "⬅️ 返回")
    assert "📅 阳光小学 校历" in back.text
    assert await _release_row(session_pool, school.id) == (None, time(14, 20))


@pytest.mark.parametrize(
    ("typed", "key", "params"),
    [
        ("下午放学", "calendar-release-bad-time", {}),
        ("25:00", "calendar-release-bad-time", {}),
        ("16:75", "calendar-release-bad-time", {}),
        ("2026-11-27", "calendar-release-bad-time", {}),
        ("4:30", "calendar-release-out-of-range", {"earliest": "06:00", "latest": "22:00"}),
        ("23点", "calendar-release-out-of-range", {"earliest": "06:00", "latest": "22:00"}),
    ],
)
async def test_a_bad_time_gets_a_clear_message_and_writes_nothing(
    tg: ChatDriver, factory: Factory, session: AsyncSession, session_pool,
    typed: str, key: str, params: dict[str, str],
) -> None:
    school, _ = await build_scene(factory, session)
    admin = tg.user(ADMIN)
    await _open_release(tg, ADMIN)
    await tg.tap(admin, CHANGE_WEEKEND)
    replies = await tg.send(admin, typed)
    assert _sent(replies)[0] == T.get(key, ZH, **params)
    assert "请发新的周末放学时间" in replies.text  # asked again below the message
    assert await _release_row(session_pool, school.id) is None
    assert "✅" in (await tg.send(admin, "17:00")).text
    assert await _release_row(session_pool, school.id) == (time(17, 0), None)


async def test_a_file_or_sticker_where_a_time_is_expected(
    tg: ChatDriver, factory: Factory, session: AsyncSession, session_pool
) -> None:
    school, _ = await build_scene(factory, session)
    admin = tg.user(ADMIN)
    await _open_release(tg, ADMIN)
    await tg.tap(admin, CHANGE_WEEKEND)
    filed = await tg.send_document(admin, "time.xlsx", b"PK not really")
    assert _sent(filed)[0] == T.get("calendar-release-text-only", ZH)
    assert await _release_row(session_pool, school.id) is None
    # Typed on the release screen itself (no button chosen): a hint, nothing saved.
    await tg.tap(admin, "⬅️ 返回")
    hinted = await tg.send(admin, "17:00")
    assert _sent(hinted)[0] == T.get("fallback-text", ZH)
    assert await _release_row(session_pool, school.id) is None


async def test_in_english(tg: ChatDriver, factory: Factory, session: AsyncSession, session_pool) -> None:
    school, _ = await build_scene(factory, session)
    admin = tg.user(ADMIN_EN, language="en")
    await tg.send(admin, "/calendar")
    screen = await tg.tap(admin, "⏰ Release times")
    assert "Weekend (Friday and such): 16:30 (default)" in screen.text
    await tg.tap(admin, "✏️ Change Holiday release")
    bad = await tg.send(admin, "teatime")
    assert _sent(bad)[0] == T.get("calendar-release-bad-time", EN)
    saved = await tg.send(admin, "1400")
    assert "✅ Holiday release is now 14:00." in saved.text
    assert await _release_row(session_pool, school.id) == (None, time(14, 0))


# ------------------------------------------------------------------ who may do it


async def test_an_admin_of_another_school_sets_only_their_own(
    tg: ChatDriver, factory: Factory, session: AsyncSession, session_pool, clock: FakeClock
) -> None:
    school, second = await build_scene(factory, session)
    other = tg.user(OTHER_ADMIN)
    screen = await _open_release(tg, OTHER_ADMIN)
    assert "⏰ 二小 放学时间" in screen.text and "阳光" not in screen.text
    await tg.tap(other, CHANGE_WEEKEND)
    await tg.send(other, "12:00")
    assert await _release_row(session_pool, second.id) == (time(12, 0), None)
    assert await _release_row(session_pool, school.id) is None

    # The service refuses them (and teachers, and strangers) for 阳光小学 outright.
    teacher = Actor(telegram_user_id=HEAD, person_id=9, posts=(StaffPost(9, school.id, None, is_head_teacher=True),))
    other_admin = Actor(telegram_user_id=OTHER_ADMIN, person_id=8,
                        posts=(StaffPost(8, second.id, None, is_school_admin=True),))
    for actor in (other_admin, teacher, Actor(telegram_user_id=5)):
        with pytest.raises(CalendarInputError) as info:
            await svc.set_release_time(session, clock, actor, school.id, "weekend", time(12, 0))
        assert info.value.key == "calendar-not-allowed"
    assert await _release_row(session_pool, school.id) is None


async def test_a_teacher_gets_nowhere(
    tg: ChatDriver, factory: Factory, session: AsyncSession, session_pool
) -> None:
    school, _ = await build_scene(factory, session)
    head = tg.user(HEAD)
    refused = await tg.send(head, "/calendar")
    assert refused.text == T.get("calendar-not-allowed", ZH)

    # The admin's own "change weekend" button, pressed from the teacher's chat: stale.
    await _open_release(tg, ADMIN)
    _message, data = tg.last_bot_message_with(tg.user(ADMIN), CHANGE_WEEKEND)
    forged = await tg.press(head, data)
    assert "过期" in forged.text and "请发新的" not in forged.text
    typed = await tg.send(head, "12:00")
    assert "✅" not in typed.text
    assert await _release_row(session_pool, school.id) is None


async def test_an_admin_who_lost_the_post_mid_dialog_saves_nothing(
    tg: ChatDriver, factory: Factory, session: AsyncSession, session_pool
) -> None:
    school, _ = await build_scene(factory, session)
    admin = tg.user(ADMIN)
    await _open_release(tg, ADMIN)
    await tg.tap(admin, CHANGE_WEEKEND)
    async with session_pool() as s:
        person = await s.scalar(select(Person).where(Person.telegram_user_id == ADMIN))
        staff = await s.scalar(select(Staff).where(Staff.person_id == person.id))
        staff.is_school_admin, staff.is_head_teacher = False, True
        await s.commit()
    replies = await tg.send(admin, "17:00")
    assert T.get("calendar-not-allowed", ZH) in replies.text
    assert await _release_row(session_pool, school.id) is None


# ------------------------------------------------------------------ it moves the round


async def _tick(session_pool, clock: FakeClock, settings: Settings) -> None:
    await default_jobs()["returns-rounds"].func(JobContext(session_pool, clock, settings, get_translator()))


async def _rounds(pool: async_sessionmaker[AsyncSession]) -> list[ReturnRound]:
    async with pool() as s:
        return list(await s.scalars(select(ReturnRound)))


async def _asks(pool: async_sessionmaker[AsyncSession]) -> list[OutboxMessage]:
    async with pool() as s:
        return list(await s.scalars(select(OutboxMessage).where(OutboxMessage.kind == "return-ask")))


async def test_a_release_time_set_in_the_dialog_moves_the_friday_round(
    tg: ChatDriver, factory: Factory, session: AsyncSession, session_pool, clock: FakeClock, settings: Settings,
) -> None:
    school, second = await build_scene(factory, session)
    assert settings.returns.weekend_release == time(16, 30)
    admin = tg.user(ADMIN)
    await _open_release(tg, ADMIN)
    await tg.tap(admin, CHANGE_WEEKEND)
    await tg.send(admin, "17:45")

    clock.set(sh(27, 16, 35))  # Friday, just after the default time
    await _tick(session_pool, clock, settings)
    # 二小 (no pupils to ask, default time) has its round; 阳光小学 is not released yet.
    assert [(r.school_id, r.release_day) for r in await _rounds(session_pool)] == [(second.id, date(2026, 11, 27))]
    assert await _asks(session_pool) == []

    clock.set(sh(27, 17, 40))
    await _tick(session_pool, clock, settings)
    assert await _asks(session_pool) == []

    clock.set(sh(27, 17, 46))
    await _tick(session_pool, clock, settings)
    ours = [r for r in await _rounds(session_pool) if r.school_id == school.id]
    assert len(ours) == 1 and ours[0].released_at.replace(tzinfo=UTC) == sh(27, 17, 45)
    asks = await _asks(session_pool)
    assert len(asks) == 1 and asks[0].chat_id == GRANNY and "17:45" in asks[0].payload["text"]


async def test_a_reset_brings_the_default_back_for_the_round(
    tg: ChatDriver, factory: Factory, session: AsyncSession, session_pool, clock: FakeClock, settings: Settings,
) -> None:
    school, _ = await build_scene(factory, session)
    admin = tg.user(ADMIN)
    await _open_release(tg, ADMIN)
    await tg.tap(admin, CHANGE_WEEKEND)
    await tg.send(admin, "18:00")
    await tg.tap(admin, CHANGE_WEEKEND)
    await tg.tap(admin, "↩️ 恢复默认（16:30）")
    clock.set(sh(27, 16, 35))
    await _tick(session_pool, clock, settings)
    ours = [r for r in await _rounds(session_pool) if r.school_id == school.id]
    assert len(ours) == 1 and ours[0].released_at.replace(tzinfo=UTC) == sh(27, 16, 30)
    assert len(await _asks(session_pool)) == 1


def test_parse_release_time_accepts_the_usual_ways() -> None:
    for text, expected in [
        ("16:30", time(16, 30)), ("16：30", time(16, 30)), ("1630", time(16, 30)), ("16点30", time(16, 30)),
        ("16点30分", time(16, 30)), ("16时30分", time(16, 30)), ("16点半", time(16, 30)), ("16点", time(16, 0)),
        ("16.30", time(16, 30)), (" 9:05 ", time(9, 5)), ("0930", time(9, 30)), ("１６３０", time(16, 30)),
    ]:
        assert svc.parse_release_time(text) == expected, text
    for text in (None, "", "163", "16:30:00", "16-30", "abc", "24:00", "12:60"):
        with pytest.raises(CalendarInputError) as info:
            svc.parse_release_time(text)
        assert info.value.key == "calendar-release-bad-time", text
