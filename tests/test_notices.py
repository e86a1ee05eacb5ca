"""Notices with "I have read it" (敦促家长送子女入学通知, 放假前的安全教育, 家长会通知), through
the production dispatcher, the real outbox sender and the reminder job: the type gives the
title line, each guardian gets one message with one button however many children they
have, the first tap counts (double, foreign and forged taps change nothing), the unread are
reminded exactly once 24 hours later, and /notices shows the sender (and the school's
admins, nobody else) the read / unread counts and who has not read."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from aiogram.methods import EditMessageText, SendMessage
from aiogram.types import InlineKeyboardMarkup, Message
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.sender import OutboxSender
from bot.settings import Settings
from db.models import Notice, NoticeRecipient, OutboxMessage, Student
from locales import get_translator
from scheduler import JobContext, default_jobs
from services.clock import FakeClock
from tests.support.chat import ChatDriver
from tests.support.factory import Factory
from tests.support.mocked_bot import MockedBot
from tests.test_announce import (
    ADMIN,
    AUNT,
    GRANDPA,
    GRANNY,
    HEAD,
    OTHER_ADMIN,
    OTHER_GUARDIAN,
    SUBJECT,
    Scene,
    build_scene,
)

OTHER_HEAD = 320  # head teacher of class 2
TEXT = "下周一开学，请按时送孩子到校报到。"


async def scene_with_other_head(factory: Factory, session: AsyncSession) -> Scene:
    scene = await build_scene(factory, session)
    other_head = await factory.person("陈老师", telegram_user_id=OTHER_HEAD)
    post = await factory.staff(other_head, scene.school, is_head_teacher=True)
    scene.class2.head_teacher_id = post.id
    await session.commit()
    return scene


async def send_notice(
    tg: ChatDriver, user_id: int, kind: str, audience: str, text: str = TEXT, language: str = "zh-hans"
):
    user = tg.user(user_id, language=language)
    await tg.send(user, "/announce")
    await tg.tap(user, kind)
    await tg.tap(user, audience)
    confirm = await tg.send(user, text)
    started = await tg.tap(user, "✅ Send" if language == "en" else "✅ 发送")
    return confirm, started


async def deliver(bot: MockedBot, session_pool, settings: Settings, clock: FakeClock) -> list[SendMessage]:
    before = len(bot.requests)
    await OutboxSender(bot, session_pool, settings.outbox, clock, get_translator()).run_until_idle()
    return [m for m in bot.requests[before:] if isinstance(m, SendMessage)]


async def remind(session_pool, clock: FakeClock, settings: Settings) -> int:
    job = default_jobs()["notice-reminders"]
    return await job.func(JobContext(session_pool, clock, settings, get_translator()))


def notice_message(bot: MockedBot, user_id: int, words: str, label: str) -> tuple[Message, str]:
    """The newest bot message in the user's chat containing `words` with a `label` button."""
    for (chat_id, _), message in sorted(bot.session.messages.items(), key=lambda kv: -kv[0][1]):
        if chat_id != user_id or words not in (message.text or ""):
            continue
        if isinstance(message.reply_markup, InlineKeyboardMarkup):
            for row in message.reply_markup.inline_keyboard:
                for button in row:
                    if label in button.text:
                        return message, button.callback_data or ""
    raise AssertionError(f"no {label!r} under {words!r} in {user_id}'s chat")


async def recipients(session_pool: async_sessionmaker[AsyncSession]) -> dict[int, NoticeRecipient]:
    async with session_pool() as s:
        return {r.person_id: r for r in (await s.scalars(select(NoticeRecipient))).all()}


def buttons_of(m: SendMessage) -> list[str]:
    markup = m.reply_markup
    assert isinstance(markup, InlineKeyboardMarkup)
    return [b.text for row in markup.inline_keyboard for b in row]


# ---------------------------------------------------------------- send and acknowledge


async def test_enrolment_notice_arrives_once_per_guardian_with_a_read_button(
    tg: ChatDriver, bot: MockedBot, factory: Factory, session: AsyncSession,
    session_pool, settings: Settings, clock: FakeClock,
) -> None:
    scene = await build_scene(factory, session)
    admin = tg.user(ADMIN)
    kinds = await tg.send(admin, "/announce")
    assert "发什么通知？" in kinds.text
    assert kinds.buttons()[:4] == ["📚 开学入学通知", "🛡️ 放假前安全教育", "👪 家长会通知", "📢 其他通知"]
    # Typing at the type step gets a hint, not a notice.
    assert "没看懂这条消息" in (await tg.send(admin, "开学通知")).text
    # A forged type is refused and the dialog stays at the type step.
    message, data = tg.last_bot_message_with(admin, "开学入学通知")
    assert "enrolment" in data
    forged = await tg.press(admin, data.replace("enrolment", "holiday"), message)
    assert "没有这种通知类型，请重新选择。" in forged.text
    audiences = await tg.tap(admin, "开学入学通知")
    assert "全校留守、寄宿学生的家长（阳光小学）" in audiences.buttons()
    prompt = await tg.tap(admin, "全校家长")
    assert "“【开学入学通知】”的标题和“✅ 我已阅读”按钮" in prompt.text
    confirm = await tg.send(admin, TEXT)
    assert "【开学入学通知】阳光小学" in confirm.text
    assert "发送给 3 位家长吗？" in confirm.text
    assert "“✅ 我已阅读”按钮；24 小时后还没点的家长会再收到一次提醒" in confirm.text
    started = await tg.tap(admin, "✅ 发送")
    assert "/notices" in started.text

    sent = [m for m in await deliver(bot, session_pool, settings, clock) if m.chat_id != ADMIN]
    # Granny has two children in the school: one message.
    assert sorted(m.chat_id for m in sent) == sorted([GRANNY, GRANDPA, AUNT])
    by_chat = {m.chat_id: m for m in sent}
    assert by_chat[GRANNY].text == f"【开学入学通知】阳光小学\n{TEXT}\n—— 李校长"
    assert buttons_of(by_chat[GRANNY]) == ["✅ 我已阅读"]
    assert by_chat[GRANDPA].text.startswith("[Start-of-term enrolment notice] 阳光小学\n")
    assert buttons_of(by_chat[GRANDPA]) == ["✅ I have read it"]

    async with session_pool() as s:
        [notice] = (await s.scalars(select(Notice))).all()
    assert (notice.kind, notice.school_id, notice.class_id, notice.only_care) == (
        "enrolment", scene.school.id, None, False,
    )
    rows = await recipients(session_pool)
    # The unjoined guardian is a recipient too (the sender must phone them), not messaged.
    assert len(rows) == 4 and sum(r.joined for r in rows.values()) == 3
    assert all(r.read_at is None for r in rows.values())


async def test_first_tap_counts_double_and_foreign_taps_change_nothing(
    tg: ChatDriver, bot: MockedBot, factory: Factory, session: AsyncSession,
    session_pool, settings: Settings, clock: FakeClock,
) -> None:
    scene = await build_scene(factory, session)
    await send_notice(tg, ADMIN, "家长会通知", "全校家长", "周五下午三点开家长会。")
    await deliver(bot, session_pool, settings, clock)

    clock.advance(minutes=5)
    message, data = notice_message(bot, GRANNY, "【家长会通知】", "我已阅读")
    assert data.startswith("nr:")
    replies = await tg.press(tg.user(GRANNY), data, message)
    assert "谢谢，收到了！" in replies.text
    [edit] = replies.of(EditMessageText)
    assert edit.text.endswith("✅ 已阅（11月23日 09:05），谢谢！")
    assert "周五下午三点开家长会。" in edit.text and edit.reply_markup is None
    read_at = (await recipients(session_pool))[scene.granny.id].read_at
    assert read_at == datetime(2026, 11, 23, 1, 5, tzinfo=UTC)

    # A double tap (racing the edit) is told it is already noted; the time stays the first.
    clock.advance(minutes=3)
    again = await tg.press(tg.user(GRANNY), data)
    assert "您已经确认读过这条通知了（11月23日 09:05）" in again.text
    assert (await recipients(session_pool))[scene.granny.id].read_at == read_at

    # Not a recipient (another school's guardian, a teacher, a stranger), or a forged id.
    before = {p: r.read_at for p, r in (await recipients(session_pool)).items()}
    for user_id in (OTHER_GUARDIAN, HEAD, 999):
        refused = await tg.press(tg.user(user_id), data)
        assert "这条通知不是发给您的" in refused.text
        assert not refused.of(EditMessageText)
    forged = await tg.press(tg.user(GRANDPA, language="en"), "nr:99999")
    assert "This notice was not sent to you." in forged.text
    assert {p: r.read_at for p, r in (await recipients(session_pool)).items()} == before

    # Grandpa taps in English.
    message, data = notice_message(bot, GRANDPA, "[Parent meeting notice]", "I have read it")
    replies = await tg.press(tg.user(GRANDPA, language="en"), data, message)
    assert "Thank you, noted!" in replies.text
    assert replies.of(EditMessageText)[0].text.endswith("✅ Read (11/23 09:08). Thank you!")


async def test_a_guardian_of_two_children_gets_one_notice_and_acknowledges_once(
    tg: ChatDriver, bot: MockedBot, factory: Factory, session: AsyncSession,
    session_pool, settings: Settings, clock: FakeClock,
) -> None:
    scene = await build_scene(factory, session)
    await send_notice(tg, ADMIN, "放假前安全教育", "全校家长", "放假期间注意防溺水。")
    sent = await deliver(bot, session_pool, settings, clock)
    assert [m.chat_id for m in sent].count(GRANNY) == 1
    message, data = notice_message(bot, GRANNY, "【放假前安全教育】", "我已阅读")
    await tg.press(tg.user(GRANNY), data, message)
    rows = [r for r in (await recipients(session_pool)).values() if r.person_id == scene.granny.id]
    assert len(rows) == 1 and rows[0].read_at is not None

    # The admin's detail counts her once and names no child of hers among the unread.
    admin = tg.user(ADMIN)
    await tg.send(admin, "/notices")
    detail = await tg.tap(admin, "放假前安全教育")
    assert "已读 1 / 3 位家长，未读 2 位。" in detail.text
    assert "王奶奶" not in detail.text


async def test_text_typed_instead_of_a_tap_gets_a_hint_and_records_nothing(
    tg: ChatDriver, bot: MockedBot, factory: Factory, session: AsyncSession,
    session_pool, settings: Settings, clock: FakeClock,
) -> None:
    scene = await build_scene(factory, session)
    await send_notice(tg, ADMIN, "开学入学通知", "全校家长")
    await deliver(bot, session_pool, settings, clock)

    granny = tg.user(GRANNY)
    hint = await tg.send(granny, "收到。")
    assert hint.text == "请点通知下面的“✅ 我已阅读”按钮，学校就知道您看过了。"
    grandpa = await tg.send(tg.user(GRANDPA, language="en"), "OK")
    assert "Please tap the \"✅ I have read it\" button" in grandpa.text
    assert (await recipients(session_pool))[scene.granny.id].read_at is None

    # Other words are not taken for an answer; once read, "收到" is not about a notice.
    assert "没看懂这条消息" in (await tg.send(granny, "明天几点？")).text
    message, data = notice_message(bot, GRANNY, "【开学入学通知】", "我已阅读")
    await tg.press(granny, data, message)
    after = await tg.send(granny, "收到")
    assert "我已阅读" not in after.text and "没看懂这条消息" in after.text


# --------------------------------------------------------------------------- reminders


async def test_unread_are_reminded_exactly_once_after_24_hours(
    tg: ChatDriver, bot: MockedBot, factory: Factory, session: AsyncSession,
    session_pool, settings: Settings, clock: FakeClock,
) -> None:
    scene = await build_scene(factory, session)
    await send_notice(tg, ADMIN, "开学入学通知", "全校家长")
    await deliver(bot, session_pool, settings, clock)
    message, data = notice_message(bot, GRANNY, "【开学入学通知】", "我已阅读")
    await tg.press(tg.user(GRANNY), data, message)

    sent_at = datetime(2026, 11, 23, 1, 0, tzinfo=UTC)
    clock.set(sent_at + timedelta(hours=23, minutes=59))
    assert await remind(session_pool, clock, settings) == 0
    assert await deliver(bot, session_pool, settings, clock) == []

    clock.set(sent_at + timedelta(hours=24))
    assert await remind(session_pool, clock, settings) == 2
    reminders = await deliver(bot, session_pool, settings, clock)
    # Not granny (she read it), not the guardian who never joined.
    assert sorted(m.chat_id for m in reminders) == sorted([GRANDPA, AUNT])
    aunt = next(m for m in reminders if m.chat_id == AUNT)
    assert aunt.text.startswith("⏰ 提醒：这条通知您还没有点“我已阅读”。")
    assert f"【开学入学通知】阳光小学\n{TEXT}\n—— 李校长" in aunt.text
    assert buttons_of(aunt) == ["✅ 我已阅读"]
    grandpa = next(m for m in reminders if m.chat_id == GRANDPA)
    assert grandpa.text.startswith("⏰ Reminder:")

    # Never again: the next runs, a day later, nothing.
    for hours in (24.25, 30, 48, 72):
        clock.set(sent_at + timedelta(hours=hours))
        assert await remind(session_pool, clock, settings) == 0
    assert await deliver(bot, session_pool, settings, clock) == []
    async with session_pool() as s:
        kinds = [r.kind for r in (await s.scalars(select(OutboxMessage))).all()]
    assert kinds.count("notice-reminder") == 2

    # The reminder's own button records the read.
    message, data = notice_message(bot, AUNT, "⏰ 提醒", "我已阅读")
    replies = await tg.press(tg.user(AUNT), data, message)
    assert "谢谢，收到了！" in replies.text
    assert (await recipients(session_pool))[scene.aunt.id].read_at is not None


async def test_reminder_delay_is_a_setting_and_waits_out_quiet_hours(
    tg: ChatDriver, bot: MockedBot, factory: Factory, session: AsyncSession,
    session_pool, settings: Settings, clock: FakeClock,
) -> None:
    await build_scene(factory, session)
    settings = settings.model_copy(update={"notices": settings.notices.model_copy(update={"remind_after_hours": 12})})
    # Sent Monday 10:00; due Monday 22:00, in the quiet hours (21:00-07:00).
    clock.set(datetime(2026, 11, 23, 2, 0, tzinfo=UTC))
    await send_notice(tg, ADMIN, "家长会通知", "全校家长", "周三开家长会。")
    await deliver(bot, session_pool, settings, clock)
    clock.set(datetime(2026, 11, 23, 13, 59, tzinfo=UTC))  # 21:59
    assert await remind(session_pool, clock, settings) == 0
    clock.set(datetime(2026, 11, 23, 14, 0, tzinfo=UTC))  # 22:00
    assert await remind(session_pool, clock, settings) == 3
    assert await deliver(bot, session_pool, settings, clock) == []
    clock.set(datetime(2026, 11, 23, 23, 0, tzinfo=UTC))  # Tuesday 07:00
    assert sorted(m.chat_id for m in await deliver(bot, session_pool, settings, clock)) == sorted(
        [GRANNY, GRANDPA, AUNT]
    )


# ------------------------------------------------------------------ the sender's view


async def test_sender_sees_counts_and_who_has_not_read(
    tg: ChatDriver, bot: MockedBot, factory: Factory, session: AsyncSession,
    session_pool, settings: Settings, clock: FakeClock,
) -> None:
    await build_scene(factory, session)
    await send_notice(tg, ADMIN, "开学入学通知", "全校家长")
    await deliver(bot, session_pool, settings, clock)
    admin = tg.user(ADMIN)
    listing = await tg.send(admin, "/notices")
    assert "最近的通知" in listing.text
    assert listing.buttons() == ["11月23日 09:00 开学入学通知 · 全校家长（阳光小学） · 已读 0/3"]

    message, data = notice_message(bot, GRANNY, "【开学入学通知】", "我已阅读")
    await tg.press(tg.user(GRANNY), data, message)
    listing = await tg.send(admin, "/notices")
    assert listing.buttons() == ["11月23日 09:00 开学入学通知 · 全校家长（阳光小学） · 已读 1/3"]
    detail = await tg.tap(admin, "开学入学通知")
    text = detail.text
    assert "📋 开学入学通知 · 全校家长（阳光小学）" in text
    assert "发出时间：11月23日 09:00" in text and TEXT in text
    assert "已读 1 / 3 位家长，未读 2 位。" in text
    assert "还没有阅读的家长（2 位）：\n• 张爷爷（小刚 3年级1班）-\n• 刘阿姨（小丽 4年级2班）-" in text
    assert "没有加入机器人、收不到通知的家长（1 位），请打电话告诉他们：\n• 陈奶奶（小丽 4年级2班）+8613800000001" in text
    assert "王奶奶" not in text

    # After the reminder, the detail says so; when all have read, it says that.
    clock.advance(hours=24)
    await remind(session_pool, clock, settings)
    await deliver(bot, session_pool, settings, clock)
    for user_id, lang, label in ((GRANDPA, "en", "I have read it"), (AUNT, "zh-hans", "我已阅读")):
        message, data = notice_message(bot, user_id, "", label)
        await tg.press(tg.user(user_id, language=lang), data, message)
    await tg.send(admin, "/notices")
    detail = await tg.tap(admin, "已读 3/3")
    assert "已读 3 / 3 位家长，未读 0 位。" in detail.text
    assert "已在 11月24日 09:00 提醒过未读的家长。" in detail.text
    assert "✅ 收到通知的家长都已阅读。" in detail.text
    assert "陈奶奶" in detail.text  # still to be phoned


async def test_head_teacher_sees_own_class_notice_with_class_children_only(
    tg: ChatDriver, bot: MockedBot, factory: Factory, session: AsyncSession,
    session_pool, settings: Settings, clock: FakeClock,
) -> None:
    await scene_with_other_head(factory, session)
    await send_notice(tg, HEAD, "家长会通知", "本班家长", "周五开家长会。")
    await deliver(bot, session_pool, settings, clock)
    head = tg.user(HEAD)
    listing = await tg.send(head, "/notices")
    assert listing.buttons() == ["11月23日 09:00 家长会通知 · 3年级1班家长（阳光小学） · 已读 0/2"]
    detail = await tg.tap(head, "家长会通知")
    # Granny's child in class 2 is not named in a class 1 notice.
    assert "• 王奶奶（小明 3年级1班）-" in detail.text
    assert "小红" not in detail.text and "刘阿姨" not in detail.text
    # The school's admin follows the class's notice too.
    admin = tg.user(ADMIN)
    assert "家长会通知 · 3年级1班家长（阳光小学）" in " ".join((await tg.send(admin, "/notices")).buttons())


async def test_nobody_else_sees_a_notice(
    tg: ChatDriver, bot: MockedBot, factory: Factory, session: AsyncSession,
    session_pool, settings: Settings, clock: FakeClock,
) -> None:
    await scene_with_other_head(factory, session)
    await send_notice(tg, ADMIN, "开学入学通知", "全校家长")
    await send_notice(tg, HEAD, "家长会通知", "本班家长", "周五开家长会。")
    async with session_pool() as s:
        ids = {n.kind: n.id for n in (await s.scalars(select(Notice))).all()}

    # The head teacher of class 1 sees their own class's notice, not the school's.
    head = tg.user(HEAD)
    assert [b.split(" · ")[0] for b in (await tg.send(head, "/notices")).buttons()] == ["11月23日 09:00 家长会通知"]
    refused = await tg.press(head, f"nd:{ids['enrolment']}")
    assert "您不能查看这条通知的阅读情况" in refused.text

    # The head teacher of class 2: neither (not their class); the forged tap is refused.
    other_head = tg.user(OTHER_HEAD)
    assert "还没有发过通知" in (await tg.send(other_head, "/notices")).text
    for notice_id in ids.values():
        refused = await tg.press(other_head, f"nd:{notice_id}")
        assert "您不能查看这条通知的阅读情况" in refused.text
        assert "已读" not in refused.text

    # Another school's admin: nothing listed, forged taps refused.
    other_admin = tg.user(OTHER_ADMIN, language="en")
    assert "No notices have been sent yet" in (await tg.send(other_admin, "/notices")).text
    for notice_id in ids.values():
        refused = await tg.press(other_admin, f"nd:{notice_id}")
        assert refused.texts[0] == "You cannot see who has read this notice."

    # A subject teacher, a guardian, a stranger: not even the command.
    for user_id in (SUBJECT, GRANNY, 999):
        replies = await tg.send(tg.user(user_id), "/notices")
        assert replies.text == "只有学校管理员和班主任可以查看通知的阅读情况。"
        refused = await tg.press(tg.user(user_id), f"nd:{ids['meeting']}")
        assert refused.texts[0] == "您不能查看这条通知的阅读情况。"

    # The school's admin sees both.
    admin_list = (await tg.send(tg.user(ADMIN), "/notices")).buttons()
    assert len(admin_list) == 2


# ------------------------------------------------------------- left-behind and boarding


async def test_a_notice_limited_to_left_behind_and_boarding_students_guardians(
    tg: ChatDriver, bot: MockedBot, factory: Factory, session: AsyncSession,
    session_pool, settings: Settings, clock: FakeClock,
) -> None:
    scene = await build_scene(factory, session)
    await session.execute(update(Student).where(Student.name == "小刚").values(is_left_behind=True))
    await session.execute(update(Student).where(Student.name == "小丽").values(is_boarding=True))
    await session.commit()
    confirm, _ = await send_notice(tg, ADMIN, "放假前安全教育", "全校留守、寄宿学生的家长", "注意安全。")
    assert "发送给 2 位家长吗？" in confirm.text  # grandpa (小刚) and aunt (小丽); 陈奶奶 not joined
    assert "还有 1 位家长没有加入机器人" in confirm.text
    sent = [m for m in await deliver(bot, session_pool, settings, clock) if m.chat_id != ADMIN]
    assert sorted(m.chat_id for m in sent) == sorted([GRANDPA, AUNT])
    rows = await recipients(session_pool)
    # Granny's children are neither left-behind nor boarding; 陈奶奶 is listed, not messaged.
    assert len(rows) == 3 and scene.granny.id not in rows
    assert rows[scene.grandpa.id].joined and rows[scene.aunt.id].joined
    async with session_pool() as s:
        [notice] = (await s.scalars(select(Notice))).all()
    assert notice.only_care
    await tg.send(tg.user(ADMIN), "/notices")
    detail = await tg.tap(tg.user(ADMIN), "放假前安全教育")
    assert "全校留守、寄宿学生的家长（阳光小学）" in detail.text
    assert "小明" not in detail.text and "王奶奶" not in detail.text
