"""The school calendar dialog (/calendar and the admin menu's button), through the
production dispatcher: an admin sets a term, holidays and make-up working days (调休) and
clears them; what is saved decides what services/calendar.SchoolCalendar calls a school
day and whether /attendance offers a sheet. Bad dates, other schools' admins, forged
buttons, teachers and guardians, admins of several schools, text where a tap is expected,
both languages. The parsing and the rules of services/calendar_admin.py are unit-tested
at the end."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

import pytest
from aiogram.methods import DeleteMessage, EditMessageText, SendMessage
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from db.models import AttendanceSheet, CalendarDay, Person, School, Staff, Term
from locales import get_translator
from services import calendar_admin as svc
from services.access import Actor, StaffPost
from services.calendar import load_calendar
from services.calendar_admin import CalendarInputError, DaysInput, TermInput
from services.clock import FakeClock
from tests.support.chat import ChatDriver, Replies
from tests.support.factory import Factory

ADMIN = 100  # admin of 阳光小学, Chinese
ADMIN_EN = 101  # admin of 阳光小学, English
OTHER_ADMIN = 110  # admin of 二小 only
MULTI_ADMIN = 120  # admin of 二小 and 三小
HEAD = 300  # head teacher of 阳光小学 3年级1班
GRANNY = 201  # guardian of a 阳光小学 pupil

MONDAY = date(2026, 11, 23)  # the clock fixture's today
SATURDAY = date(2026, 11, 28)
ZH, EN = "zh_Hans", "en"
T = get_translator()

ADD_TERM, ADD_HOLIDAY, ADD_MAKEUP, CLEAR = "➕ 添加学期", "🏖 添加放假日", "🔁 添加调休上课日", "↩️ 取消设置"
SHEET_TITLE = "3年级1班 · 11月23日 点名"
NO_SCHOOL = T.get("attendance-not-school-day", ZH)


@dataclass
class Scene:
    school: School
    second: School  # 二小
    third: School  # 三小


async def build_scene(factory: Factory, session: AsyncSession) -> Scene:
    school = await factory.school("阳光小学")
    second = await factory.school("二小")
    third = await factory.school("三小")
    admin = await factory.person("李校长", telegram_user_id=ADMIN)
    await factory.staff(admin, school, is_school_admin=True)
    admin_en = await factory.person("Ms Li", telegram_user_id=ADMIN_EN, language=EN)
    await factory.staff(admin_en, school, is_school_admin=True)
    other = await factory.person("赵校长", telegram_user_id=OTHER_ADMIN)
    await factory.staff(other, second, is_school_admin=True)
    multi = await factory.person("钱主任", telegram_user_id=MULTI_ADMIN)
    await factory.staff(multi, second, is_school_admin=True)
    await factory.staff(multi, third, is_school_admin=True)
    head = await factory.person("王老师", telegram_user_id=HEAD)
    head_post = await factory.staff(head, school, is_head_teacher=True)
    class1 = await factory.school_class(school, grade=3, name="1班", head_teacher=head_post)
    pupil = await factory.student(school, class1, "小明")
    granny = await factory.person("王奶奶", telegram_user_id=GRANNY)
    await factory.guardian_of(pupil, granny)
    await session.commit()
    return Scene(school, second, third)


# ------------------------------------------------------------------ helpers


async def _terms(pool: async_sessionmaker[AsyncSession], school_id: int | None = None) -> list[Term]:
    async with pool() as session:
        query = select(Term).order_by(Term.starts_on)
        if school_id is not None:
            query = query.where(Term.school_id == school_id)
        return list(await session.scalars(query))


async def _days(pool: async_sessionmaker[AsyncSession], school_id: int | None = None) -> dict[date, CalendarDay]:
    async with pool() as session:
        query = select(CalendarDay)
        if school_id is not None:
            query = query.where(CalendarDay.school_id == school_id)
        return {d.day: d for d in await session.scalars(query)}


async def _is_school_day(pool: async_sessionmaker[AsyncSession], school_id: int, day: date) -> bool:
    async with pool() as session:
        return (await load_calendar(session, school_id)).is_school_day(day)


async def _attendance_offered(tg: ChatDriver) -> bool:
    replies = await tg.send(tg.user(HEAD), "/attendance")
    if NO_SCHOOL in replies.text:
        assert replies.buttons() == []
        return False
    assert "点名" in replies.text, replies.text
    return True


def _sent(replies: Replies) -> list[str]:
    return [c.text for c in replies.of(SendMessage)]


async def _calendar(tg: ChatDriver, user_id: int, language: str = "zh-hans") -> Replies:
    return await tg.send(tg.user(user_id, language=language), "/calendar")


# ------------------------------------------------------------------ the happy paths


async def test_admin_sets_a_term_and_it_decides_the_school_days(
    tg: ChatDriver, factory: Factory, session: AsyncSession, session_pool
) -> None:
    scene = await build_scene(factory, session)
    admin = tg.user(ADMIN)
    opened = await tg.send(admin, "/calendar")
    assert "📅 阳光小学 校历" in opened.text
    assert T.get("calendar-no-terms", ZH) in opened.text
    assert "今天（2026-11-23）是上课日。" in opened.text
    assert [ADD_TERM, ADD_HOLIDAY, ADD_MAKEUP, CLEAR] == opened.buttons()[:4]

    prompt = await tg.tap(admin, ADD_TERM)
    assert "请发一行：学期名称 开始日期 结束日期" in prompt.text
    saved = await tg.send(admin, "2026秋季学期 2026-09-01 至 2027-01-20")
    assert "✅ 已保存学期：2026秋季学期，2026-09-01 至 2027-01-20。" in saved.text
    assert "• 2026秋季学期：2026-09-01 至 2027-01-20" in saved.text  # back on the main screen
    [term] = await _terms(session_pool)
    assert (term.school_id, term.name, term.starts_on, term.ends_on) == (
        scene.school.id, "2026秋季学期", date(2026, 9, 1), date(2027, 1, 20),
    )
    assert not await _is_school_day(session_pool, scene.school.id, date(2026, 8, 31))  # a Monday before it
    assert await _is_school_day(session_pool, scene.school.id, MONDAY)
    assert await _attendance_offered(tg)

    # The same first day replaces the term: it now ended last Friday, so no sheet today.
    await tg.tap(admin, ADD_TERM)
    replaced = await tg.send(admin, "秋季 2026/9/1 2026/11/20")
    assert "✅ 已保存学期：秋季，2026-09-01 至 2026-11-20。" in replaced.text
    assert "今天（2026-11-23）不上课。" in replaced.text
    [term] = await _terms(session_pool)
    assert (term.name, term.ends_on) == ("秋季", date(2026, 11, 20))
    assert not await _is_school_day(session_pool, scene.school.id, MONDAY)
    assert not await _attendance_offered(tg)


async def test_holidays_and_a_make_up_day_change_what_attendance_asks_for(
    tg: ChatDriver, factory: Factory, session: AsyncSession, session_pool, clock: FakeClock
) -> None:
    scene = await build_scene(factory, session)
    admin = tg.user(ADMIN)
    await tg.send(admin, "/calendar")
    assert await _attendance_offered(tg)

    await tg.tap(admin, ADD_HOLIDAY)
    saved = await tg.send(admin, "2026年11月23日到2026年11月24日 运动会")
    assert "✅ 已设置放假 2 天：2026-11-23 – 2026-11-24。" in saved.text
    assert "• 放假 2026-11-23 – 2026-11-24 运动会" in saved.text
    assert "今天（2026-11-23）不上课。" in saved.text
    days = await _days(session_pool)
    assert {d: (row.school_id, row.is_school_day, row.note) for d, row in days.items()} == {
        MONDAY: (scene.school.id, False, "运动会"),
        date(2026, 11, 24): (scene.school.id, False, "运动会"),
    }
    assert not await _is_school_day(session_pool, scene.school.id, MONDAY)
    assert not await _attendance_offered(tg)

    await tg.tap(admin, ADD_MAKEUP)
    made_up = await tg.send(admin, "2026-11-28 调休")
    assert "✅ 已设置调休上课 1 天：2026-11-28。" in made_up.text
    assert "• 调休上课 2026-11-28 调休" in made_up.text
    assert (await _days(session_pool))[SATURDAY].is_school_day
    assert await _is_school_day(session_pool, scene.school.id, SATURDAY)
    assert not await _is_school_day(session_pool, scene.school.id, date(2026, 11, 29))  # Sunday stays off

    clock.set(datetime(2026, 11, 28, 1, 0, tzinfo=UTC))  # Saturday 09:00 in Shanghai
    assert await _attendance_offered(tg)
    await tg.tap(tg.user(HEAD), "✅ 全部到校，提交")
    async with session_pool() as s:
        assert (await s.scalar(select(AttendanceSheet))).day == SATURDAY
    clock.set(datetime(2026, 11, 29, 1, 0, tzinfo=UTC))  # Sunday
    assert not await _attendance_offered(tg)


async def test_a_holiday_over_a_make_up_day_replaces_it(
    tg: ChatDriver, factory: Factory, session: AsyncSession, session_pool
) -> None:
    scene = await build_scene(factory, session)
    admin = tg.user(ADMIN)
    await tg.send(admin, "/calendar")
    await tg.tap(admin, ADD_MAKEUP)
    await tg.send(admin, "2026-11-28 调休")
    await tg.tap(admin, ADD_HOLIDAY)
    await tg.send(admin, "2026-11-27 2026-11-29 秋游")
    days = await _days(session_pool)
    assert len(days) == 3 and not any(row.is_school_day for row in days.values())
    assert days[SATURDAY].note == "秋游" and days[SATURDAY].updated_at is not None
    assert not await _is_school_day(session_pool, scene.school.id, SATURDAY)


async def test_clearing_days_and_deleting_a_term(
    tg: ChatDriver, factory: Factory, session: AsyncSession, session_pool
) -> None:
    scene = await build_scene(factory, session)
    admin = tg.user(ADMIN)
    await tg.send(admin, "/calendar")
    await tg.tap(admin, ADD_TERM)
    await tg.send(admin, "秋季 2026-09-01 2027-01-20")
    await tg.tap(admin, ADD_HOLIDAY)
    await tg.send(admin, "2026-11-23 2026-11-25 停电")
    assert not await _attendance_offered(tg)

    prompt = await tg.tap(admin, CLEAR)
    assert "🗑 删除学期：秋季" in prompt.buttons()
    cleared = await tg.send(admin, "2026-11-23")
    assert "✅ 已取消 1 天的设置" in cleared.text
    assert set(await _days(session_pool)) == {date(2026, 11, 24), date(2026, 11, 25)}
    assert await _is_school_day(session_pool, scene.school.id, MONDAY)
    assert await _attendance_offered(tg)

    await tg.tap(admin, CLEAR)
    assert "✅ 已取消 2 天的设置" in (await tg.send(admin, "2026-11-01 - 2026-11-30")).text
    assert await _days(session_pool) == {}

    await tg.tap(admin, CLEAR)
    removed = await tg.tap(admin, "🗑 删除学期：秋季")
    assert "✅ 已删除学期：秋季。" in removed.text
    assert await _terms(session_pool) == []
    assert T.get("calendar-no-terms", ZH) in removed.text

    # Back and Close leave everything as it is.
    await tg.tap(admin, ADD_HOLIDAY)
    back = await tg.tap(admin, "⬅️ 返回")
    assert "📅 阳光小学 校历" in back.text
    await tg.tap(admin, "关闭")
    assert await _days(session_pool) == {} and await _terms(session_pool) == []


async def test_the_admin_menu_button_opens_the_calendar(
    tg: ChatDriver, factory: Factory, session: AsyncSession
) -> None:
    await build_scene(factory, session)
    admin = tg.user(ADMIN)
    menu = await tg.send(admin, "/start")
    assert T.get("calendar-menu-button", ZH) in menu.buttons()
    opened = await tg.tap(admin, T.get("calendar-menu-button", ZH))
    assert "📅 阳光小学 校历" in opened.text and ADD_TERM in opened.buttons()
    head_menu = await tg.send(tg.user(HEAD), "/start")
    assert T.get("calendar-menu-button", ZH) not in head_menu.buttons()


# ------------------------------------------------------------------ bad input


@pytest.mark.parametrize(
    ("window", "typed", "key", "params"),
    [
        (ADD_HOLIDAY, "2026-02-30", "calendar-bad-date", {"text": "2026-02-30"}),
        (ADD_HOLIDAY, "2026-12-01 2026-11-30 放假", "calendar-end-before-start", {}),
        (ADD_HOLIDAY, "下周一放假", "calendar-days-format", {}),
        (ADD_HOLIDAY, "2026-10-01 2026-10-02 2026-10-03", "calendar-days-format", {}),
        (ADD_HOLIDAY, "2026-07-01 2026-09-30 暑假", "calendar-range-too-long", {"days": svc.MAX_RANGE_DAYS}),
        (ADD_MAKEUP, "11-28", "calendar-days-format", {}),
        (ADD_MAKEUP, "2026-13-01", "calendar-bad-date", {"text": "2026-13-01"}),
        (ADD_TERM, "秋季 2026-09-01", "calendar-term-format", {}),
        (ADD_TERM, "秋季 2027-01-20 2026-09-01", "calendar-end-before-start", {}),
        (ADD_TERM, "秋季 2026-09-01 2027-02-30", "calendar-bad-date", {"text": "2027-02-30"}),
        (ADD_TERM, "两年 2026-09-01 2028-07-01", "calendar-term-too-long", {"days": svc.MAX_TERM_DAYS}),
        (CLEAR, "全部", "calendar-days-format", {}),
    ],
)
async def test_bad_dates_get_a_clear_message_and_write_nothing(
    tg: ChatDriver, factory: Factory, session: AsyncSession, session_pool,
    window: str, typed: str, key: str, params: dict[str, object],
) -> None:
    await build_scene(factory, session)
    admin = tg.user(ADMIN)
    await tg.send(admin, "/calendar")
    prompt = await tg.tap(admin, window)
    replies = await tg.send(admin, typed)
    expected = T.get(key, ZH, **params)
    assert _sent(replies)[0] == expected
    # The prompt is shown again below the message, ready for a corrected line.
    assert _sent(replies)[1] == prompt.of(type(prompt.calls[0]))[0].text
    assert replies.of(DeleteMessage)
    assert await _terms(session_pool) == [] and await _days(session_pool) == {}

    corrected = {ADD_HOLIDAY: "2026-10-01 国庆节", ADD_MAKEUP: "2026-10-10", ADD_TERM: "秋 2026-09-01 2027-01-20",
                 CLEAR: "2026-10-01"}[window]
    assert "✅" in (await tg.send(admin, corrected)).text


async def test_overlapping_terms_are_refused(
    tg: ChatDriver, factory: Factory, session: AsyncSession, session_pool
) -> None:
    await build_scene(factory, session)
    admin = tg.user(ADMIN)
    await tg.send(admin, "/calendar")
    await tg.tap(admin, ADD_TERM)
    await tg.send(admin, "秋季 2026-09-01 2027-01-20")
    await tg.tap(admin, ADD_TERM)
    refused = await tg.send(admin, "春季 2027-01-10 2027-07-01")
    assert _sent(refused)[0] == T.get(
        "calendar-term-overlap", ZH, name="秋季", start="2026-09-01", end="2027-01-20",
    )
    assert "✅" not in refused.text
    assert [t.name for t in await _terms(session_pool)] == ["秋季"]
    assert "✅ 已保存学期：春季" in (await tg.send(admin, "春季 2027-02-20 2027-07-01")).text
    assert [t.name for t in await _terms(session_pool)] == ["秋季", "春季"]


async def test_text_where_a_tap_is_expected_gets_a_hint(
    tg: ChatDriver, factory: Factory, session: AsyncSession, session_pool
) -> None:
    await build_scene(factory, session)
    admin = tg.user(ADMIN)
    await tg.send(admin, "/calendar")
    hinted = await tg.send(admin, "2026-10-01 国庆节")  # typed on the main screen, no button chosen
    assert _sent(hinted)[0] == T.get("fallback-text", ZH)
    assert ADD_TERM in hinted.buttons()  # the screen again, below the hint
    assert await _days(session_pool) == {}

    multi = tg.user(MULTI_ADMIN)
    await tg.send(multi, "/calendar")
    assert _sent(await tg.send(multi, "三小"))[0] == T.get("fallback-text", ZH)

    # A file where a date line is expected: asked for text, nothing imported or saved.
    await tg.tap(admin, ADD_HOLIDAY)
    filed = await tg.send_document(admin, "dates.xlsx", b"not a workbook")
    assert T.get("calendar-text-only", ZH) in filed.text
    assert await _days(session_pool) == {}
    assert "✅" in (await tg.send(admin, "2026-10-01 国庆节")).text


# ------------------------------------------------------------------ who may do it


async def test_an_admin_of_another_school_cannot_touch_this_calendar(
    tg: ChatDriver, factory: Factory, session: AsyncSession, session_pool, clock: FakeClock
) -> None:
    scene = await build_scene(factory, session)
    session.add(Term(school_id=scene.school.id, name="阳光秋季", starts_on=date(2026, 9, 1),
                     ends_on=date(2027, 1, 20), created_at=clock.now()))
    session.add(Term(school_id=scene.second.id, name="二小秋季", starts_on=date(2026, 9, 1),
                     ends_on=date(2027, 1, 20), created_at=clock.now()))
    await session.commit()
    ours = next(t for t in await _terms(session_pool) if t.school_id == scene.school.id)

    other = tg.user(OTHER_ADMIN)
    opened = await tg.send(other, "/calendar")
    assert "📅 二小 校历" in opened.text and "阳光" not in opened.text

    # A forged delete button carrying 阳光小学's term id: refused, nothing deleted.
    await tg.tap(other, CLEAR)
    message, data = tg.last_bot_message_with(other, "🗑 删除学期：二小秋季")
    own_id = data.rsplit(":", 1)[1]
    assert int(own_id) != ours.id
    forged = await tg.press(other, data.removesuffix(own_id) + str(ours.id), message)
    assert T.get("calendar-not-allowed", ZH) in forged.text
    assert {t.name for t in await _terms(session_pool)} == {"阳光秋季", "二小秋季"}

    # What the other admin types is saved for their own school only.
    await tg.tap(other, "⬅️ 返回")
    await tg.tap(other, ADD_HOLIDAY)
    await tg.send(other, "2026-11-23 二小运动会")
    assert set(await _days(session_pool, scene.second.id)) == {MONDAY}
    assert await _days(session_pool, scene.school.id) == {}
    assert await _attendance_offered(tg)  # 阳光小学 still has school today

    # An admin of two schools forging 阳光小学's id into the school picker: refused.
    multi = tg.user(MULTI_ADMIN)
    picker = await tg.send(multi, "/calendar")
    assert set(picker.buttons()) >= {"三小", "二小"}
    message, data = tg.last_bot_message_with(multi, "三小")
    assert data.endswith(f":{scene.third.id}")
    forged = await tg.press(multi, data.removesuffix(str(scene.third.id)) + str(scene.school.id), message)
    assert T.get("calendar-not-allowed", ZH) in forged.text
    assert "阳光小学" not in forged.text
    # The picker stays as it was: no calendar opened, of any school.
    assert [e.text for e in forged.of(EditMessageText)] in ([], [T.get("calendar-choose-school", ZH)])
    assert not forged.of(SendMessage)


async def test_an_admin_who_lost_the_post_mid_dialog_saves_nothing(
    tg: ChatDriver, factory: Factory, session: AsyncSession, session_pool
) -> None:
    await build_scene(factory, session)
    admin = tg.user(ADMIN)
    await tg.send(admin, "/calendar")
    await tg.tap(admin, ADD_HOLIDAY)
    async with session_pool() as s:
        person = await s.scalar(select(Person).where(Person.telegram_user_id == ADMIN))
        staff = await s.scalar(select(Staff).where(Staff.person_id == person.id))
        staff.is_school_admin = False
        staff.is_head_teacher = True  # still staff, no longer admin
        await s.commit()
    replies = await tg.send(admin, "2026-11-23 放假")
    assert T.get("calendar-not-allowed", ZH) in replies.text
    assert await _days(session_pool) == {}


@pytest.mark.parametrize(("user_id", "language"), [(HEAD, ZH), (GRANNY, ZH), (HEAD, EN), (999, EN)])
async def test_teachers_guardians_and_strangers_are_refused(
    tg: ChatDriver, factory: Factory, session: AsyncSession, session_pool, user_id: int, language: str
) -> None:
    await build_scene(factory, session)
    if language == EN and user_id == HEAD:
        async with session_pool() as s:
            person = await s.scalar(select(Person).where(Person.telegram_user_id == HEAD))
            person.language = EN
            await s.commit()
    replies = await tg.send(tg.user(user_id, language="en" if language == EN else "zh-hans"), "/calendar")
    assert replies.text == T.get("calendar-not-allowed", language)
    assert replies.buttons() == []
    assert await _terms(session_pool) == [] and await _days(session_pool) == {}


async def test_an_admin_of_several_schools_picks_the_school(
    tg: ChatDriver, factory: Factory, session: AsyncSession, session_pool
) -> None:
    scene = await build_scene(factory, session)
    multi = tg.user(MULTI_ADMIN)
    picker = await tg.send(multi, "/calendar")
    assert T.get("calendar-choose-school", ZH) in picker.text
    assert set(picker.buttons()) >= {"二小", "三小"} and "阳光小学" not in picker.buttons()

    opened = await tg.tap(multi, "三小")
    assert "📅 三小 校历" in opened.text
    await tg.tap(multi, ADD_HOLIDAY)
    await tg.send(multi, "2026-11-23 三小放假")
    assert set(await _days(session_pool, scene.third.id)) == {MONDAY}
    assert await _days(session_pool, scene.second.id) == {}
    assert not await _is_school_day(session_pool, scene.third.id, MONDAY)
    assert await _is_school_day(session_pool, scene.second.id, MONDAY)

    # Closing from the picker saves nothing and leaves the calendar.
    await tg.send(multi, "/calendar")
    await tg.tap(multi, T.get("calendar-close", ZH))
    assert len(await _days(session_pool)) == 1


# ------------------------------------------------------------------ English


async def test_the_whole_dialog_in_english(
    tg: ChatDriver, factory: Factory, session: AsyncSession, session_pool
) -> None:
    scene = await build_scene(factory, session)
    admin = tg.user(ADMIN_EN, language="en")
    opened = await tg.send(admin, "/calendar")
    assert "📅 阳光小学 calendar" in opened.text
    assert "Today (2026-11-23) is a school day." in opened.text
    assert opened.buttons()[:4] == ["➕ Add a term", "🏖 Add holidays", "🔁 Add a make-up day", "↩️ Undo settings"]

    await tg.tap(admin, "➕ Add a term")
    assert _sent(await tg.send(admin, "Autumn 2026-09-01"))[0] == T.get("calendar-term-format", EN)
    saved = await tg.send(admin, "Autumn 2026 2026-09-01 to 2027-01-20")
    assert "✅ Term saved: Autumn 2026, 2026-09-01 to 2027-01-20." in saved.text

    await tg.tap(admin, "🏖 Add holidays")
    bad = await tg.send(admin, "2026-02-30")
    assert _sent(bad)[0] == "There is no such day: 2026-02-30. Please check the date."
    saved = await tg.send(admin, "2026-11-23 sports day")
    assert "✅ 1 holiday day set: 2026-11-23." in saved.text
    assert "Today (2026-11-23) is not a school day." in saved.text
    assert not await _is_school_day(session_pool, scene.school.id, MONDAY)

    await tg.tap(admin, "🔁 Add a make-up day")
    made_up = await tg.send(admin, "2026-11-28 make-up day")
    assert "✅ 1 make-up school day set: 2026-11-28." in made_up.text
    assert (await _days(session_pool))[SATURDAY].note == "make-up day"
    await tg.tap(admin, "↩️ Undo settings")
    assert "✅ 2 days undone; they follow" in (await tg.send(admin, "2026-11-23 to 2026-11-28")).text
    assert await _days(session_pool) == {}
    hint = await tg.send(admin, "hello")
    assert _sent(hint)[0] == T.get("fallback-text", EN)

    refused = await tg.send(tg.user(GRANNY, language="en"), "/calendar")
    assert refused.text == T.get("calendar-not-allowed", EN)  # no language chosen: Telegram's


# ------------------------------------------------------------------ the service itself


def _admin_of(*school_ids: int) -> Actor:
    return Actor(
        telegram_user_id=1, person_id=1,
        posts=tuple(StaffPost(staff_id=i, school_id=s, county_id=None, is_school_admin=True)
                    for i, s in enumerate(school_ids)),
    )


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-10-01 2026-10-07 国庆节", DaysInput(date(2026, 10, 1), date(2026, 10, 7), "国庆节")),
        ("2026/10/1 至 2026/10/7", DaysInput(date(2026, 10, 1), date(2026, 10, 7), None)),
        ("2026.10.01~2026.10.07 国庆", DaysInput(date(2026, 10, 1), date(2026, 10, 7), "国庆")),
        ("2026年10月1日到2026年10月7日", DaysInput(date(2026, 10, 1), date(2026, 10, 7), None)),
        ("  2026-10-10   调休  ", DaysInput(date(2026, 10, 10), date(2026, 10, 10), "调休")),
        ("2026-10-10 trip to the zoo", DaysInput(date(2026, 10, 10), date(2026, 10, 10), "trip to the zoo")),
        ("2026-10-01 - 2026-10-02 - 运动会", DaysInput(date(2026, 10, 1), date(2026, 10, 2), "运动会")),
        # Full-width digits and signs, as a Chinese keyboard in full-width mode types them.
        ("２０２６－１０－０１～２０２６－１０－０３，国庆", DaysInput(date(2026, 10, 1), date(2026, 10, 3), "国庆")),
        ("２０２６年１０月１日 国庆", DaysInput(date(2026, 10, 1), date(2026, 10, 1), "国庆")),
    ],
)
def test_parse_days_reads_the_usual_ways_of_writing_dates(text: str, expected: DaysInput) -> None:
    assert svc.parse_days(text) == expected


def test_parse_term_names_and_limits() -> None:
    assert svc.parse_term("2026秋季学期 2026-09-01 至 2027-01-20") == TermInput(
        "2026秋季学期", date(2026, 9, 1), date(2027, 1, 20),
    )
    unnamed = svc.parse_term("2026-09-01 2027-01-20")
    assert unnamed.name == "2026-09-01 ~ 2027-01-20"
    assert len(svc.parse_term("x" * 300 + " 2026-09-01 2027-01-20").name) == svc.NAME_MAX
    assert len(svc.parse_days("2026-10-01 " + "y" * 300).note or "") == svc.NOTE_MAX
    # A leap year's last day of February is a day; a common year's is not.
    assert svc.parse_days("2028-02-29").start == date(2028, 2, 29)
    for text, key in [
        (None, "calendar-term-format"), ("", "calendar-term-format"),
        ("2027-02-29 2027-03-01", "calendar-bad-date"),
        ("2026-09-01 2027-09-02", "calendar-term-too-long"),  # 367 days
    ]:
        with pytest.raises(CalendarInputError) as info:
            svc.parse_term(text)
        assert info.value.key == key
    assert svc.parse_term("2026-09-01 2027-09-01").ends_on == date(2027, 9, 1)  # 366 days: allowed
    with pytest.raises(CalendarInputError) as info:
        svc.parse_days(None)
    assert info.value.key == "calendar-days-format"
    with pytest.raises(CalendarInputError) as info:
        svc.parse_days("2026-0-01")
    assert (info.value.key, info.value.params) == ("calendar-bad-date", {"text": "2026-0-01"})
    with pytest.raises(CalendarInputError) as info:
        svc.parse_days("2026-02-30 放假")
    assert info.value.params == {"text": "2026-02-30"}  # the date alone, as typed


async def test_service_refuses_actors_who_do_not_run_the_school(
    session: AsyncSession, factory: Factory, clock: FakeClock
) -> None:
    one, two = await factory.school("一小"), await factory.school("二小")
    term = await svc.add_term(session, clock, _admin_of(one.id), one.id, svc.parse_term("秋 2026-09-01 2027-01-20"))
    days = svc.parse_days("2026-11-23")
    teacher = Actor(telegram_user_id=2, person_id=2, posts=(StaffPost(9, one.id, None, is_head_teacher=True),))
    for actor in (_admin_of(two.id), teacher, Actor(telegram_user_id=3)):
        for call in (
            svc.add_term(session, clock, actor, one.id, svc.parse_term("春 2027-02-20 2027-07-01")),
            svc.set_days(session, clock, actor, one.id, days, False),
            svc.clear_days(session, actor, one.id, days),
            svc.remove_term(session, actor, one.id, term.id),
        ):
            with pytest.raises(CalendarInputError) as info:
                await call
            assert info.value.key == "calendar-not-allowed"
    # An admin of both schools still cannot delete one school's term through the other.
    with pytest.raises(CalendarInputError):
        await svc.remove_term(session, _admin_of(one.id, two.id), two.id, term.id)
    with pytest.raises(CalendarInputError):
        await svc.remove_term(session, _admin_of(one.id), one.id, 10_000)
    assert [t.id for t in (await svc.overview(session, clock, one.id, "Asia/Shanghai")).terms] == [term.id]
    assert [s.name for s in await svc.schools_of(session, _admin_of(one.id, two.id))] == sorted(["一小", "二小"])
    assert await svc.schools_of(session, teacher) == []


async def test_service_days_counts_and_the_overview(
    session: AsyncSession, factory: Factory, clock: FakeClock
) -> None:
    school = await factory.school("一小")
    admin = _admin_of(school.id)
    assert await svc.set_days(session, clock, admin, school.id, svc.parse_days("2026-11-20 2026-11-21 旧"), False) == 2
    assert await svc.set_days(session, clock, admin, school.id, svc.parse_days("2026-11-24 2026-11-26 运动会"), False) == 3
    assert await svc.set_days(session, clock, admin, school.id, svc.parse_days("2026-11-27 秋游"), False) == 1
    assert await svc.set_days(session, clock, admin, school.id, svc.parse_days("2026-11-28 调休"), True) == 1
    view = await svc.overview(session, clock, school.id, school.timezone)
    assert view.today == MONDAY and view.today_is_school_day
    # From today on, runs with the same kind and note merged; yesterday's rows not shown.
    assert [(r.start, r.end, r.is_school_day, r.note) for r in view.ranges] == [
        (date(2026, 11, 24), date(2026, 11, 26), False, "运动会"),
        (date(2026, 11, 27), date(2026, 11, 27), False, "秋游"),
        (date(2026, 11, 28), date(2026, 11, 28), True, "调休"),
    ]
    assert view.calendar.is_school_day(SATURDAY) and not view.calendar.is_school_day(date(2026, 11, 25))
    # Clearing counts only the days that were set.
    assert await svc.clear_days(session, admin, school.id, svc.parse_days("2026-11-22 2026-11-25")) == 2
    assert await svc.clear_days(session, admin, school.id, svc.parse_days("2026-12-01")) == 0
    remaining = {d.day for d in await session.scalars(select(CalendarDay))}
    assert remaining == {date(2026, 11, 20), date(2026, 11, 21), date(2026, 11, 26), date(2026, 11, 27), SATURDAY}

    # "Today" is the school's today: Monday 07:30 in Shanghai is Sunday night in UTC.
    clock.set(datetime(2026, 11, 22, 23, 30, tzinfo=UTC))
    assert (await svc.overview(session, clock, school.id, school.timezone)).today == MONDAY
    assert (await svc.overview(session, clock, school.id, "UTC")).today == date(2026, 11, 22)


async def test_service_term_replace_and_overlap(
    session: AsyncSession, factory: Factory, clock: FakeClock
) -> None:
    school = await factory.school("一小")
    admin = _admin_of(school.id)
    autumn = await svc.add_term(session, clock, admin, school.id, svc.parse_term("秋 2026-09-01 2027-01-20"))
    assert autumn.created_at == clock.now() and autumn.updated_at is None
    clock.advance(minutes=5)
    again = await svc.add_term(session, clock, admin, school.id, svc.parse_term("秋季 2026-09-01 2027-01-25"))
    assert again.id == autumn.id and (again.name, again.ends_on, again.updated_at) == (
        "秋季", date(2027, 1, 25), clock.now(),
    )
    with pytest.raises(CalendarInputError) as info:
        await svc.add_term(session, clock, admin, school.id, svc.parse_term("短 2026-08-20 2026-09-01"))
    assert info.value.key == "calendar-term-overlap" and info.value.params["name"] == "秋季"
    # Touching days do not overlap: the next term may start the day after.
    spring = await svc.add_term(session, clock, admin, school.id, svc.parse_term("春 2027-01-26 2027-07-01"))
    assert [t.name for t in (await svc.overview(session, clock, school.id, "Asia/Shanghai")).terms] == ["秋季", "春"]
    removed = await svc.remove_term(session, admin, school.id, spring.id)
    assert removed.name == "春"
    assert len(list(await session.scalars(select(Term)))) == 1


async def test_a_button_of_a_closed_calendar_changes_nothing(
    tg: ChatDriver, factory: Factory, session: AsyncSession, session_pool
) -> None:
    await build_scene(factory, session)
    admin = tg.user(ADMIN)
    await tg.send(admin, "/calendar")
    await tg.tap(admin, CLEAR)
    await tg.tap(admin, "⬅️ 返回")
    message, data = tg.last_bot_message_with(admin, ADD_HOLIDAY)
    await tg.tap(admin, "关闭")
    stale = await tg.press(admin, data, message)
    assert T.get("calendar-holiday-prompt", ZH) not in stale.text
    assert "过期" in stale.text  # the short "this button has expired" answer
    # The date typed next is not taken as a holiday: the holiday window is not open.
    typed = await tg.send(admin, "2026-11-23 放假")
    assert _sent(typed)[0] == T.get("fallback-text", ZH)
    assert await _days(session_pool) == {}


async def test_a_teacher_pressing_the_admins_calendar_button_gets_nowhere(
    tg: ChatDriver, factory: Factory, session: AsyncSession, session_pool
) -> None:
    await build_scene(factory, session)
    admin, head = tg.user(ADMIN), tg.user(HEAD)
    await tg.send(admin, "/calendar")
    _message, data = tg.last_bot_message_with(admin, ADD_HOLIDAY)
    forged = await tg.press(head, data)  # the admin's button data, sent from the teacher's chat
    assert "过期" in forged.text and T.get("calendar-holiday-prompt", ZH) not in forged.text
    typed = await tg.send(head, "2026-11-23 放假")
    assert T.get("calendar-holiday-saved", ZH, count=1, start="2026-11-23", end="") not in typed.text
    assert await _days(session_pool) == {}
    # The admin's own dialog is untouched and still works.
    await tg.tap(admin, ADD_HOLIDAY)
    assert "✅" in (await tg.send(admin, "2026-11-23 放假")).text
