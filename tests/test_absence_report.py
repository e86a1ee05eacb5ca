"""A guardian reports before school that a child will be absent today: one child or
several, the menu button and /absent, non-school days, reporting twice, the head teacher
told, and taps on children not theirs."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest
from aiogram.methods import SendMessage
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.sender import OutboxSender
from bot.settings import Settings
from db.models import (
    AttendanceChange,
    AttendanceMark,
    AttendanceSheet,
    CalendarDay,
    OutboxMessage,
    Person,
    Priority,
    School,
    Student,
    StudentStatus,
)
from locales import get_translator
from scheduler import JobContext
from scheduler.absence import escalate_no_answer
from services.clock import FakeClock
from tests.support.chat import ChatDriver
from tests.support.factory import Factory
from tests.support.mocked_bot import MockedBot

ADMIN = 100
HEAD = 300  # head teacher of 3年级1班
GRANNY = 201  # 小明 (class 1) and 小红 (class 2, no head teacher), zh
GRANDPA = 202  # 小刚 only, en
AUNT = 203  # 小丽 only; 小丽 also has a transferred-out sibling
TODAY = datetime(2026, 11, 23).date()


@dataclass
class Scene:
    school: School
    xiaoming: Student
    xiaohong: Student
    xiaogang: Student
    xiaoli: Student
    head: Person
    admin: Person
    granny: Person
    grandpa: Person


async def build_scene(factory: Factory, session: AsyncSession) -> Scene:
    school = await factory.school("阳光小学")
    admin = await factory.person("李校长", telegram_user_id=ADMIN, language="en")
    await factory.staff(admin, school, is_school_admin=True)
    head = await factory.person("王老师", telegram_user_id=HEAD, language="zh_Hans")
    head_post = await factory.staff(head, school, is_head_teacher=True)
    class1 = await factory.school_class(school, grade=3, name="1班", head_teacher=head_post)
    class2 = await factory.school_class(school, grade=4, name="2班")

    granny = await factory.person("王奶奶", telegram_user_id=GRANNY, language="zh_Hans")
    grandpa = await factory.person("张爷爷", telegram_user_id=GRANDPA, language="en")
    aunt = await factory.person("刘阿姨", telegram_user_id=AUNT)
    xiaoming = await factory.student(school, class1, "小明")
    xiaohong = await factory.student(school, class2, "小红")
    await factory.guardian_of(xiaoming, granny, "grandmother")
    await factory.guardian_of(xiaohong, granny, "grandmother")
    xiaogang = await factory.student(school, class1, "小刚")
    await factory.guardian_of(xiaogang, grandpa, "grandfather")
    xiaoli = await factory.student(school, class1, "小丽")
    await factory.guardian_of(xiaoli, aunt, "aunt")
    gone = await factory.student(school, class1, "小芳", status=StudentStatus.TRANSFERRED_OUT)
    await factory.guardian_of(gone, aunt, "aunt")
    await session.commit()
    return Scene(school, xiaoming, xiaohong, xiaogang, xiaoli, head, admin, granny, grandpa)


async def marks(session_pool: async_sessionmaker[AsyncSession]) -> list[AttendanceMark]:
    async with session_pool() as s:
        return list((await s.scalars(select(AttendanceMark).order_by(AttendanceMark.id))).all())


async def changes(session_pool: async_sessionmaker[AsyncSession]) -> list[AttendanceChange]:
    async with session_pool() as s:
        return list((await s.scalars(select(AttendanceChange).order_by(AttendanceChange.id))).all())


async def outbox(session_pool: async_sessionmaker[AsyncSession]) -> list[OutboxMessage]:
    async with session_pool() as s:
        return list((await s.scalars(select(OutboxMessage).order_by(OutboxMessage.id))).all())


async def deliver(bot: MockedBot, session_pool, settings: Settings, clock: FakeClock) -> dict[int, str]:
    before = len(bot.requests)
    await OutboxSender(bot, session_pool, settings.outbox, clock, get_translator()).run_until_idle()
    return {m.chat_id: m.text for m in bot.requests[before:] if isinstance(m, SendMessage)}


async def report(tg: ChatDriver, user_id: int, reason_label: str, child: str | None = None, language="zh-hans"):
    user = tg.user(user_id, language=language)
    await tg.send(user, "/absent")
    if child is not None:
        await tg.tap(user, child)
    await tg.tap(user, reason_label)
    return user, await tg.tap(user, "✅")


# ---------------------------------------------------------------- the happy paths


async def test_one_child_three_taps_and_the_head_teacher_is_told(
    tg: ChatDriver, bot: MockedBot, factory: Factory, session: AsyncSession, session_pool,
    settings: Settings, clock: FakeClock,
) -> None:
    scene = await build_scene(factory, session)
    grandpa = tg.user(GRANDPA, language="en")

    opened = await tg.send(grandpa, "/absent")  # one child: straight to the reason
    assert "小刚 is absent today. Why?" in opened.text
    assert opened.buttons()[:3] == ["🤒 Sick", "📝 Personal leave", "🏠 Family matters"]
    confirm = await tg.tap(grandpa, "Sick")
    assert "小刚 is absent today, reason: sick.\nIs that right?" in confirm.text
    done = await tg.tap(grandpa, "✅ Yes, report it")
    assert "The school has been told: 小刚 is absent today, reason: sick." in done.text
    assert "🏠 Back to the menu" in done.buttons()

    [mark] = await marks(session_pool)
    assert (mark.student_id, mark.day, mark.status, mark.reason) == (scene.xiaogang.id, TODAY, "absent", "sick")
    assert (mark.source, mark.recorded_by_id, mark.recorded_at) == ("guardian", scene.grandpa.id, clock.now())
    # Source "guardian" is what keeps the teacher's sheet from sending a "why" notice.
    assert mark.notice_sent_at is None and mark.guardian_answer is None
    assert mark.class_id == scene.xiaogang.class_id and mark.school_id == scene.school.id
    [change] = await changes(session_pool)
    assert (change.from_status, change.from_reason, change.to_status, change.to_reason) == (
        None, None, "absent", "sick",
    )
    assert (change.source, change.changed_by_id, change.day) == ("guardian", scene.grandpa.id, TODAY)

    [told] = await outbox(session_pool)
    assert told.dedup_key == f"absence-report:{mark.id}"
    assert (told.person_id, told.kind, told.priority) == (scene.head.id, "absence-report", Priority.NORMAL)
    sent = await deliver(bot, session_pool, settings, clock)
    assert sent == {HEAD: "📋 张爷爷（爷爷） 给 小刚（3年级1班）请假：今天不来上学，原因：生病。"}


async def test_from_the_menu_button_with_two_children(
    tg: ChatDriver, bot: MockedBot, factory: Factory, session: AsyncSession, session_pool,
    settings: Settings, clock: FakeClock,
) -> None:
    scene = await build_scene(factory, session)
    granny = tg.user(GRANNY)
    menu = await tg.send(granny, "/start")
    assert "🤒 给孩子请假" in menu.buttons()

    choose = await tg.tap(granny, "给孩子请假")
    assert "给哪个孩子请假？" in choose.text
    children = [b for b in choose.buttons() if b in {"小明", "小红", "小刚", "小丽"}]
    assert sorted(children) == ["小明", "小红"]  # her own, nobody else's

    reason = await tg.tap(granny, "小红")
    assert "今天给 小红 请假。是什么原因？" in reason.text
    assert "⬅️ 换个孩子" in reason.buttons()
    await tg.tap(granny, "事假")
    done = await tg.tap(granny, "✅ 确定")
    assert "已告诉老师：小红 今天请假，原因：事假。" in done.text

    [mark] = await marks(session_pool)
    assert (mark.student_id, mark.reason, mark.source) == (scene.xiaohong.id, "personal", "guardian")
    # 2班 has no head teacher: the school's admin is told instead, in their language.
    [told] = await outbox(session_pool)
    assert told.dedup_key == f"absence-report:{mark.id}:to:{scene.admin.id}"
    sent = await deliver(bot, session_pool, settings, clock)
    assert sent == {ADMIN: "📋 王奶奶 (grandmother) reported 小红 (Grade 4 2班) absent today, reason: personal leave."}

    back = await tg.tap(granny, "回到菜单")
    assert "请选择要做的事" in back.text


async def test_reporting_twice_the_same_day_updates_the_one_mark(
    tg: ChatDriver, bot: MockedBot, factory: Factory, session: AsyncSession, session_pool,
    settings: Settings, clock: FakeClock,
) -> None:
    scene = await build_scene(factory, session)
    await report(tg, GRANNY, "生病", child="小明")
    clock.advance(minutes=10)
    _, done = await report(tg, GRANNY, "家里有事", child="小明")
    assert "原因：家里有事" in done.text

    [mark] = await marks(session_pool)
    assert (mark.reason, mark.source) == ("family", "guardian")
    first, second = await changes(session_pool)
    assert (second.from_status, second.from_reason, second.to_reason) == ("absent", "sick", "family")
    messages = await outbox(session_pool)
    assert [m.dedup_key for m in messages] == [
        f"absence-report:{mark.id}", f"absence-report:{mark.id}:change:{second.id}",
    ]
    sent = await deliver(bot, session_pool, settings, clock)
    assert sent[HEAD] == "📋 王奶奶（奶奶） 更改了 小明（3年级1班）今天的请假原因：家里有事。"

    # The same report a third time is nothing new: no row, no message.
    await report(tg, GRANNY, "家里有事", child="小明")
    assert len(await changes(session_pool)) == 2
    assert len(await outbox(session_pool)) == 2
    assert len(await marks(session_pool)) == 1
    assert first.to_reason == "sick" and scene.xiaoming.id == mark.student_id


async def test_double_tap_on_confirm_records_once(
    tg: ChatDriver, factory: Factory, session: AsyncSession, session_pool,
) -> None:
    await build_scene(factory, session)
    grandpa = tg.user(GRANDPA, language="en")
    await tg.send(grandpa, "/absent")
    await tg.tap(grandpa, "Sick")
    message, data = tg.last_bot_message_with(grandpa, "✅ Yes, report it")
    await tg.press(grandpa, data, message)
    again = await tg.press(grandpa, data, message)
    assert "Something went wrong" not in again.text
    assert len(await marks(session_pool)) == 1
    assert len(await changes(session_pool)) == 1
    assert len(await outbox(session_pool)) == 1


async def test_child_already_marked_present_on_the_sheet_is_still_recorded(
    tg: ChatDriver, bot: MockedBot, factory: Factory, session: AsyncSession, session_pool,
    settings: Settings, clock: FakeClock,
) -> None:
    scene = await build_scene(factory, session)
    session.add(AttendanceSheet(
        class_id=scene.xiaogang.class_id, school_id=scene.school.id, day=TODAY,
        submitted_by_id=scene.head.id, submitted_at=clock.now(),
    ))
    await session.commit()
    await report(tg, GRANDPA, "Sick", language="en")
    [mark] = await marks(session_pool)
    assert (mark.status, mark.reason, mark.source) == ("absent", "sick", "guardian")
    sent = await deliver(bot, session_pool, settings, clock)
    assert sent[HEAD].endswith("原因：生病。\n注意：今天的点名表上记的是到校，请核对。")


async def test_a_teacher_mark_keeps_its_source_and_is_not_escalated(
    tg: ChatDriver, factory: Factory, session: AsyncSession, session_pool, settings: Settings, clock: FakeClock,
) -> None:
    """The teacher marked the child absent and the notice went out; the guardian reports
    through /absent instead of the buttons: the reason is filled in, no alert follows."""
    scene = await build_scene(factory, session)
    session.add(AttendanceMark(
        student_id=scene.xiaogang.id, class_id=scene.xiaogang.class_id, school_id=scene.school.id,
        day=TODAY, status="absent", reason="unknown", source="teacher", recorded_by_id=scene.head.id,
        recorded_at=clock.now(), notice_sent_at=clock.now(),
    ))
    await session.commit()
    await report(tg, GRANDPA, "Sick", language="en")
    [mark] = await marks(session_pool)
    assert (mark.source, mark.reason, mark.recorded_by_id) == ("teacher", "sick", scene.head.id)
    [change] = await changes(session_pool)
    assert (change.from_reason, change.to_reason, change.source) == ("unknown", "sick", "guardian")
    clock.advance(minutes=61)
    assert await escalate_no_answer(JobContext(session_pool, clock, settings, get_translator())) == 0
    assert [m.kind for m in await outbox(session_pool)] == ["absence-report"]


# ---------------------------------------------------------------- no school today


@pytest.mark.parametrize("how", ["holiday", "saturday"])
async def test_non_school_day_says_so_and_writes_nothing(
    tg: ChatDriver, factory: Factory, session: AsyncSession, session_pool, clock: FakeClock, how: str,
) -> None:
    scene = await build_scene(factory, session)
    if how == "holiday":
        session.add(CalendarDay(
            school_id=scene.school.id, day=TODAY, is_school_day=False, created_at=clock.now(),
        ))
        await session.commit()
    else:
        clock.set(datetime(2026, 11, 28, 0, 30, tzinfo=UTC))  # Saturday 08:30 in Shanghai
    replies = await tg.send(tg.user(GRANDPA, language="en"), "/absent")
    assert "There is no school today, so no need to report an absence." in replies.text
    assert "🏠 Back to the menu" in replies.buttons()
    assert await marks(session_pool) == []
    assert await outbox(session_pool) == []


async def test_day_turns_into_a_holiday_before_confirm(
    tg: ChatDriver, factory: Factory, session: AsyncSession, session_pool, clock: FakeClock,
) -> None:
    """Late evening: the dialog opened on a school day, confirm pressed after midnight on
    Saturday. Today is decided at the confirm, in the school's timezone."""
    await build_scene(factory, session)
    clock.set(datetime(2026, 11, 27, 15, 59, tzinfo=UTC))  # Friday 23:59 in Shanghai
    granny = tg.user(GRANNY)
    await tg.send(granny, "/absent")
    await tg.tap(granny, "小明")
    await tg.tap(granny, "生病")
    clock.advance(timedelta(minutes=2))
    done = await tg.tap(granny, "✅ 确定")
    assert "今天不上学，不用请假。" in done.text
    assert await marks(session_pool) == []


# ---------------------------------------------------------------- not theirs


async def test_a_forged_child_is_refused(
    tg: ChatDriver, factory: Factory, session: AsyncSession, session_pool,
) -> None:
    scene = await build_scene(factory, session)
    granny = tg.user(GRANNY)
    await tg.send(granny, "/absent")
    message, data = tg.last_bot_message_with(granny, "小明")
    assert data.endswith(f":{scene.xiaoming.id}")
    forged = data[: -len(str(scene.xiaoming.id))] + str(scene.xiaogang.id)
    refused = await tg.press(granny, forged, message)
    assert "您不能给这个孩子请假。" in refused.text
    rubbish = await tg.press(granny, data[: -len(str(scene.xiaoming.id))] + "x", message)
    assert "您不能给这个孩子请假。" in rubbish.text
    assert await marks(session_pool) == []
    # She can still go on with her own child.
    reason = await tg.tap(granny, "小明")
    assert "今天给 小明 请假" in reason.text


async def test_guardian_link_ended_mid_dialog_is_refused_at_confirm(
    tg: ChatDriver, factory: Factory, session: AsyncSession, session_pool, clock: FakeClock,
) -> None:
    from db.models import StudentGuardian

    scene = await build_scene(factory, session)
    grandpa = tg.user(GRANDPA, language="en")
    await tg.send(grandpa, "/absent")
    await tg.tap(grandpa, "Sick")
    link = await session.scalar(select(StudentGuardian).where(StudentGuardian.person_id == scene.grandpa.id))
    assert link is not None
    link.ended_at = clock.now()
    await session.commit()
    refused = await tg.tap(grandpa, "✅ Yes, report it")
    assert "You cannot report this child absent." in refused.text
    assert await marks(session_pool) == []


async def test_transferred_child_is_not_offered(
    tg: ChatDriver, factory: Factory, session: AsyncSession,
) -> None:
    await build_scene(factory, session)
    replies = await tg.send(tg.user(AUNT), "/absent")  # 小丽, and 小芳 who left
    assert "今天给 小丽 请假。是什么原因？" in replies.text


@pytest.mark.parametrize(("user_id", "language", "expected"), [
    (HEAD, "zh-hans", "只有家长可以给孩子请假。"),
    (999, "en", "Only guardians can report a child absent."),
])
async def test_only_guardians_may_report(
    tg: ChatDriver, factory: Factory, session: AsyncSession, session_pool,
    user_id: int, language: str, expected: str,
) -> None:
    await build_scene(factory, session)
    replies = await tg.send(tg.user(user_id, language=language), "/absent")
    assert expected in replies.text
    assert await marks(session_pool) == []
    menu = await tg.send(tg.user(HEAD), "/start")
    assert "🤒 给孩子请假" not in menu.buttons()


# ---------------------------------------------------------------- bad input


async def test_text_instead_of_a_tap_and_cancel(
    tg: ChatDriver, factory: Factory, session: AsyncSession, session_pool,
) -> None:
    await build_scene(factory, session)
    granny = tg.user(GRANNY)
    await tg.send(granny, "/absent")
    await tg.tap(granny, "小明")
    hint = await tg.send(granny, "孩子发烧了")
    assert "没看懂这条消息。请点下面的按钮操作" in hint.text
    assert "🤒 生病" in hint.buttons()  # the buttons shown again below the hint
    await tg.tap(granny, "生病")
    hint = await tg.send(granny, "好的")
    assert "请点下面的按钮" in hint.text
    cancelled = await tg.tap(granny, "取消")
    assert "已取消，没有请假。" in cancelled.text
    assert "请选择要做的事" in cancelled.text  # back in the menu
    assert await marks(session_pool) == []


async def test_stale_dialog_button_is_answered(
    tg: ChatDriver, factory: Factory, session: AsyncSession, session_pool,
) -> None:
    await build_scene(factory, session)
    grandpa = tg.user(GRANDPA, language="en")
    await tg.send(grandpa, "/absent")
    message, data = tg.last_bot_message_with(grandpa, "Sick")
    await tg.send(grandpa, "/start")  # the dialog is gone
    late = await tg.press(grandpa, data, message)
    assert "This button has expired" in late.text
    assert await marks(session_pool) == []
    async with session_pool() as s:
        assert await s.scalar(select(func.count()).select_from(OutboxMessage)) == 0


async def test_a_reported_absence_cannot_be_answered_as_a_notice(
    tg: ChatDriver, factory: Factory, session: AsyncSession, session_pool,
) -> None:
    """No notice went out for a guardian's own report, so a forged "I don't know" on it
    raises no alert."""
    await build_scene(factory, session)
    await report(tg, GRANDPA, "Sick", language="en")
    [mark] = await marks(session_pool)
    replies = await tg.press(tg.user(GRANDPA, language="en"), f"abs:{mark.id}:dont_know")
    assert "No answer needed" in replies.text
    [again] = await marks(session_pool)
    assert (again.guardian_answer, again.escalated_at, again.reason) == (None, None, "sick")
    assert [m.kind for m in await outbox(session_pool)] == ["absence-report"]
