"""Weekend returns through the production dispatcher and the real outbox sender: the
Friday round reaches each guardian once per child, answers flow back (first answer
counts, double and foreign taps refused), "not yet" is asked again once, the deadline
list reaches only that class's head teacher with phones (a guardian who blocked the bot
included), "confirmed by phone" in one tap, set off / stale taps, and /returns privacy."""

from __future__ import annotations

from datetime import timedelta

from aiogram.methods import EditMessageReplyMarkup, EditMessageText, SendMessage
from aiogram.types import InlineKeyboardMarkup, Message
from sqlalchemy import select

from bot.sender import OutboxSender
from bot.settings import Settings
from db.models import HomeReturn, OutboxMessage, OutboxStatus
from locales import get_translator
from scheduler import JobContext, default_jobs
from services.clock import FakeClock
from tests.support.chat import ChatDriver
from tests.support.mocked_bot import MockedBot
from tests.test_returns import (
    AUNT,
    BLOCKED,
    FRIDAY_1630,
    GRANDPA,
    GRANNY,
    HEAD,
    OTHER_HEAD,
    build_scene,
    sh,
)


async def tick(session_pool, clock: FakeClock, settings: Settings, bot: MockedBot) -> list[SendMessage]:
    """One run of the returns job, then the sender delivers what is due."""
    await default_jobs()["returns-rounds"].func(JobContext(session_pool, clock, settings, get_translator()))
    before = len(bot.requests)
    await OutboxSender(bot, session_pool, settings.outbox, clock, get_translator()).run_until_idle()
    return [m for m in bot.requests[before:] if isinstance(m, SendMessage)]


def question(bot: MockedBot, user_id: int, words: str, label: str) -> tuple[Message, str]:
    """The newest bot message in the user's chat containing `words`, and the callback
    data of its button labelled `label`."""
    for (chat_id, _), message in sorted(bot.session.messages.items(), key=lambda kv: -kv[0][1]):
        if chat_id != user_id or words not in (message.text or ""):
            continue
        if isinstance(message.reply_markup, InlineKeyboardMarkup):
            for row in message.reply_markup.inline_keyboard:
                for button in row:
                    if label in button.text:
                        return message, button.callback_data or ""
    raise AssertionError(f"no {label!r} under {words!r} in {user_id}'s chat")


async def tap(tg: ChatDriver, bot: MockedBot, user_id: int, words: str, label: str, language: str = "zh-hans"):
    message, data = question(bot, user_id, words, label)
    return await tg.press(tg.user(user_id, language=language), data, message)


async def test_friday_round_answers_reask_deadline_and_phone(
    tg: ChatDriver, bot: MockedBot, factory, session, session_pool, clock: FakeClock, settings: Settings,
) -> None:
    scene = await build_scene(factory, session)
    bot.session.blocked_chats.add(BLOCKED)
    clock.set(FRIDAY_1630)
    sent = await tick(session_pool, clock, settings, bot)
    asked = sorted((m.chat_id, m.text.splitlines()[-1]) for m in sent if "到家了吗" in m.text or "arrived home" in m.text)
    assert asked == [
        (GRANNY, "小明到家了吗？"), (GRANNY, "小红到家了吗？"), (GRANDPA, "Has 小明 arrived home?"),
        (AUNT, "小刚到家了吗？"), (BLOCKED, "小丽到家了吗？"),
    ]
    async with session_pool() as s:
        rows = {r.person_id: r for r in (await s.scalars(select(OutboxMessage))).all() if r.kind == "return-ask"}
    assert rows[scene.blocked.id].status == OutboxStatus.UNREACHABLE
    assert await tick(session_pool, clock, settings, bot) == []  # the next run: nothing again

    # Granny: 小明 is home. Grandpa's later tap is told she answered first.
    clock.advance(minutes=10)
    replies = await tap(tg, bot, GRANNY, "小明到家了吗", "已到家")
    assert "谢谢，收到了！" in replies.text
    [edit] = replies.of(EditMessageText)
    assert "✅ 好的：小明已到家。谢谢！" in edit.text and edit.reply_markup is None
    late = await tap(tg, bot, GRANDPA, "小明", "Arrived home", language="en")
    assert "Already noted: 小明 is home (王奶奶). Thank you!" in late.text

    # 小红 not yet: asked again once at 17:40; a double tap changes nothing.
    message, not_yet = question(bot, GRANNY, "小红到家了吗", "还没到")
    replies = await tg.press(tg.user(GRANNY), not_yet, message)
    assert "⏳ 记下了：小红还没到家。17:40 再问您一次。" in replies.of(EditMessageText)[0].text
    again = await tg.press(tg.user(GRANNY), not_yet)  # a double tap racing the edit
    assert "已经记下了：小红还没到家。17:40 再问您一次。" in again.text
    # Someone else's child: refused, nothing changes.
    foreign = await tg.press(tg.user(AUNT), not_yet)
    assert "这不是您孩子的消息" in foreign.text
    clock.set(sh(2026, 11, 27, 17, 35))
    assert [m.text for m in await tick(session_pool, clock, settings, bot)] == []
    clock.set(sh(2026, 11, 27, 17, 40))
    assert [(m.chat_id, m.text) for m in await tick(session_pool, clock, settings, bot)] == [
        (GRANNY, "⏰ 再问一下：小红到家了吗？"),
    ]
    clock.advance(minutes=30)
    assert await tick(session_pool, clock, settings, bot) == []

    # 20:30: each head teacher gets the list of their own class only.
    clock.set(FRIDAY_1630 + timedelta(hours=4))
    lists = {m.chat_id: m for m in await tick(session_pool, clock, settings, bot) if "还没有确认到家" in m.text}
    assert set(lists) == {HEAD, OTHER_HEAD}
    text = lists[HEAD].text
    assert "3年级1班：2 个孩子还没有确认到家（11月27日（周五）16:30放学）" in text
    assert "• 小红：⏳ 还没到家。王奶奶（奶奶）+8613800000001" in text
    assert "• 小丽：❔ 没有回答。孙奶奶（奶奶）+8613800000005；周爷爷（爷爷）+8613800000006" in text
    assert "小刚" not in text and "小刚" in lists[OTHER_HEAD].text

    # The head teacher phoned 小丽's family: one tap; the button goes, 小红's stays.
    replies = await tap(tg, bot, HEAD, "还没有确认到家", "小丽 已电话确认到家")
    assert "☎️ 记下了：小丽已电话确认到家。" in replies.text
    [markup] = replies.of(EditMessageReplyMarkup)
    assert [b.text for row in markup.reply_markup.inline_keyboard for b in row] == ["☎️ 小红 已电话确认到家"]
    # Another class's head teacher cannot record it for 小红 (a forged tap).
    async with session_pool() as s:
        xiaohong = await s.scalar(select(HomeReturn).where(HomeReturn.student_id == scene.xiaohong.id))
    forged = await tg.press(tg.user(OTHER_HEAD), f"rph:{xiaohong.id}")
    assert "这不是您班上的孩子" in forged.text

    # /returns: the class at a glance, and only the teacher's own class.
    view = await tg.send(tg.user(HEAD), "/returns")
    assert "3年级1班：2/3 已确认到家" in view.text
    assert "小红：⏳ 还没到家" in view.text and "小丽：☎️ 电话确认已到家" in view.text
    assert "小刚" not in view.text
    assert view.buttons() == ["☎️ 小红 已电话确认到家"]
    other = await tg.send(tg.user(OTHER_HEAD), "/returns")
    assert "4年级2班：0/1 已确认到家" in other.text and "小红" not in other.text
    refused = await tg.send(tg.user(GRANNY), "/returns")
    assert "只有老师可以查看放学回家情况" in refused.text

    # Granny, later: /home answers for 小红 without scrolling back.
    home = await tg.send(tg.user(GRANNY), "/home")
    assert "小红：⏳ 还没到家" in home.text and home.buttons() == ["✅ 小红 已到家"]
    done = await tg.tap(tg.user(GRANNY), "✅ 小红 已到家")
    assert "谢谢，收到了！" in done.text
    view = await tg.send(tg.user(HEAD), "/returns")
    assert "3年级1班：3/3 已确认到家" in view.text and view.buttons() == []


async def test_set_off_on_sunday_and_stale_taps_on_monday(
    tg: ChatDriver, bot: MockedBot, factory, session, session_pool, clock: FakeClock, settings: Settings,
) -> None:
    await build_scene(factory, session)
    clock.set(FRIDAY_1630)
    await tick(session_pool, clock, settings, bot)
    clock.set(sh(2026, 11, 29, 15))
    sent = await tick(session_pool, clock, settings, bot)
    assert sorted(m.chat_id for m in sent if "出发返校" in m.text) == [GRANNY, GRANNY, AUNT, BLOCKED]
    message, set_off = question(bot, GRANNY, "小红出发返校时", "小红 已出发返校")
    replies = await tg.press(tg.user(GRANNY), set_off, message)
    assert "🚌 好的：小红已出发返校。路上注意安全！" in replies.of(EditMessageText)[0].text
    again = await tg.press(tg.user(GRANNY), set_off)
    assert "已经记下了：小红已出发返校（王奶奶）。" in again.text
    view = await tg.send(tg.user(HEAD), "/returns")
    assert "小红：❔ 没有回答 🚌 已出发返校" in view.text
    # /home on Sunday offers "set off" for 小明 (小红's is recorded already).
    home = await tg.send(tg.user(GRANNY), "/home")
    assert home.buttons() == ["🚌 小明 已出发返校"]
    assert "小红：🚌 已出发返校" in home.text

    # Monday: the old "arrived home?" question is stale.
    clock.set(sh(2026, 11, 30, 8))
    stale = await tap(tg, bot, AUNT, "小刚到家了吗", "已到家")
    assert "这是以前的消息，不用再回答了。" in stale.text


async def test_menu_buttons_open_the_views(
    tg: ChatDriver, bot: MockedBot, factory, session, session_pool, clock: FakeClock, settings: Settings,
) -> None:
    await build_scene(factory, session)
    clock.set(FRIDAY_1630)
    await tick(session_pool, clock, settings, bot)
    head = tg.user(HEAD)
    await tg.send(head, "/start")
    shown = await tg.tap(head, "🏠 放学回家情况")
    assert "3年级1班：0/3 已确认到家" in shown.text
    granny = tg.user(GRANNY)
    await tg.send(granny, "/start")
    shown = await tg.tap(granny, "🏠 孩子到家 / 返校")
    assert "✅ 小明 已到家" in shown.buttons() and "✅ 小红 已到家" in shown.buttons()
