"""A school admin or head teacher sends a notice to guardians: confirm with the recipient
count, queue once however often Send is tapped, deliver through the outbox sender in each
guardian's language, and edit one progress message for the sender."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

import pytest
from aiogram.methods import AnswerCallbackQuery, EditMessageText, SendMessage
from aiogram.types import Location, Update
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.sender import OutboxSender
from bot.settings import Settings
from db.models import Campaign, OutboxMessage, Person, School, SchoolClass, StudentStatus
from locales import get_translator
from services import announcements
from services.access import load_actor
from services.clock import FakeClock
from tests.support.chat import ChatDriver
from tests.support.factory import Factory
from tests.support.mocked_bot import MockedBot

ADMIN = 100
HEAD = 300
SUBJECT = 310
OTHER_ADMIN = 400
GRANNY = 201  # two children in the school, zh_Hans
GRANDPA = 202  # one child in class 1, en
AUNT = 207  # one child in class 2, default language
OTHER_GUARDIAN = 206  # school B

NOTICE = "明天上午十点开家长会，请准时参加。"


@dataclass
class Scene:
    school: School
    other_school: School
    class1: SchoolClass
    class2: SchoolClass
    granny: Person
    grandpa: Person
    aunt: Person
    other_guardian: Person


async def build_scene(factory: Factory, session: AsyncSession) -> Scene:
    school = await factory.school("阳光小学")
    other_school = await factory.school("河西小学")
    admin = await factory.person("李校长", telegram_user_id=ADMIN)
    await factory.staff(admin, school, is_school_admin=True)
    head = await factory.person("王老师", telegram_user_id=HEAD)
    head_post = await factory.staff(head, school, is_head_teacher=True, is_subject_teacher=True)
    subject = await factory.person("赵老师", telegram_user_id=SUBJECT)
    await factory.staff(subject, school, is_subject_teacher=True)
    other_admin = await factory.person("周校长", telegram_user_id=OTHER_ADMIN, language="en")
    await factory.staff(other_admin, other_school, is_school_admin=True)

    class1 = await factory.school_class(school, grade=3, name="1班", head_teacher=head_post)
    class2 = await factory.school_class(school, grade=4, name="2班")

    granny = await factory.person("王奶奶", telegram_user_id=GRANNY, language="zh_Hans")
    grandpa = await factory.person("张爷爷", telegram_user_id=GRANDPA, language="en")
    aunt = await factory.person("刘阿姨", telegram_user_id=AUNT)
    not_joined = await factory.person("陈奶奶", phone="+8613800000001")
    former = await factory.person("孙爷爷", telegram_user_id=208)
    transferred_guardian = await factory.person("吴奶奶", telegram_user_id=209)
    other_guardian = await factory.person("郑爷爷", telegram_user_id=OTHER_GUARDIAN)

    # Granny has a child in each class: she must be counted and messaged once.
    await factory.guardian_of(await factory.student(school, class1, "小明"), granny)
    await factory.guardian_of(await factory.student(school, class2, "小红"), granny)
    await factory.guardian_of(await factory.student(school, class1, "小刚"), grandpa, "grandfather")
    not_joined_child = await factory.student(school, class2, "小丽")
    await factory.guardian_of(not_joined_child, not_joined)
    await factory.guardian_of(not_joined_child, aunt, "aunt")
    # A guardian link that ended, and a child who left: neither counts.
    ended = await factory.guardian_of(await factory.student(school, class1, "小强"), former)
    ended.ended_at = factory.clock.now()
    await factory.guardian_of(
        await factory.student(school, class2, "小芳", status=StudentStatus.TRANSFERRED_OUT),
        transferred_guardian,
    )
    await factory.guardian_of(await factory.student(other_school, None, "小军"), other_guardian)
    await session.commit()
    return Scene(school, other_school, class1, class2, granny, grandpa, aunt, other_guardian)


async def _count(session_pool: async_sessionmaker[AsyncSession], model: type) -> int:
    async with session_pool() as session:
        return await session.scalar(select(func.count()).select_from(model)) or 0


async def _outbox(session_pool: async_sessionmaker[AsyncSession]) -> list[OutboxMessage]:
    async with session_pool() as session:
        return list((await session.scalars(select(OutboxMessage).order_by(OutboxMessage.id))).all())


async def _open(tg: ChatDriver, user, kind: str = "其他通知"):
    """/announce, then the notice type (the first step); returns the audience screen."""
    replies = await tg.send(user, "/announce")
    assert kind in " ".join(replies.buttons()), replies.buttons()
    return await tg.tap(user, kind)


async def _to_confirm(tg: ChatDriver, user_id: int, audience: str, text: str = NOTICE, language: str = "zh-hans"):
    user = tg.user(user_id, language=language)
    replies = await _open(tg, user, "Other notice" if language == "en" else "其他通知")
    assert audience in " ".join(replies.buttons()), replies.buttons()
    await tg.tap(user, audience)
    return user, await tg.send(user, text)


def _sender(bot: MockedBot, session_pool, settings: Settings, clock: FakeClock) -> OutboxSender:
    return OutboxSender(bot, session_pool, settings.outbox, clock, get_translator())


# ----------------------------------------------------------------- the whole flow


async def test_admin_sends_a_school_notice_and_guardians_get_it_in_their_language(
    tg: ChatDriver, bot: MockedBot, factory: Factory, session: AsyncSession,
    session_pool, settings: Settings, clock: FakeClock,
) -> None:
    scene = await build_scene(factory, session)
    admin, confirm = await _to_confirm(tg, ADMIN, "全校家长（阳光小学）")

    # Granny counts once with two children; the unjoined guardian is mentioned, not counted;
    # the ended link, the transferred child's guardian and school B are not there at all.
    assert "发送给 3 位家长吗？" in confirm.text
    assert "还有 1 位家长没有加入机器人" in confirm.text
    assert "【学校通知】阳光小学" in confirm.text and NOTICE in confirm.text
    assert "✅ 发送" in confirm.buttons() and "取消" in confirm.buttons()
    assert await _count(session_pool, OutboxMessage) == 0

    started = await tg.tap(admin, "✅ 发送")
    assert "开始发送给 3 位家长" in started.text
    rows = await _outbox(session_pool)
    assert sorted(r.person_id for r in rows) == sorted(
        [scene.granny.id, scene.grandpa.id, scene.aunt.id]
    )
    assert await _count(session_pool, Campaign) == 1
    assert all(r.kind == "announcement" and r.school_id == scene.school.id for r in rows)
    assert len({r.dedup_key for r in rows}) == 3
    assert all(r.dedup_key.startswith("announce:") for r in rows)

    bot.session.requests.clear()
    await _sender(bot, session_pool, settings, clock).run_until_idle()

    sent = {m.chat_id: m.text for m in bot.requests if isinstance(m, SendMessage) and m.chat_id != ADMIN}
    assert set(sent) == {GRANNY, GRANDPA, AUNT}
    assert sent[GRANNY].startswith("【学校通知】阳光小学") and NOTICE in sent[GRANNY]
    assert sent[GRANNY].endswith("—— 李校长")
    assert sent[GRANDPA].startswith("[School notice] 阳光小学") and NOTICE in sent[GRANDPA]
    assert sent[AUNT].startswith("【学校通知】")  # no language chosen: the default

    progress = [m for m in bot.requests if getattr(m, "chat_id", None) == ADMIN]
    first = progress[0]
    assert isinstance(first, SendMessage) and "/ 3" in first.text
    edits = [m for m in progress if isinstance(m, EditMessageText)]
    assert edits, "the progress message was never edited"
    final = edits[-1]
    assert "发送完毕：已发送 3 / 3" in final.text
    shown = bot.session.messages[(ADMIN, final.message_id)]
    assert shown.text == final.text
    # One progress message, edited in place.
    assert len([m for m in progress if isinstance(m, SendMessage)]) == 1


async def test_cancel_writes_nothing(
    tg: ChatDriver, factory: Factory, session: AsyncSession, session_pool
) -> None:
    await build_scene(factory, session)
    admin, confirm = await _to_confirm(tg, ADMIN, "全校家长")
    replies = await tg.tap(admin, "取消")
    assert "已取消，没有发送任何消息" in replies.text
    assert await _count(session_pool, OutboxMessage) == 0
    assert await _count(session_pool, Campaign) == 0


async def test_double_tap_on_send_queues_once(
    tg: ChatDriver, factory: Factory, session: AsyncSession, session_pool
) -> None:
    await build_scene(factory, session)
    admin, _ = await _to_confirm(tg, ADMIN, "全校家长")
    message, data = tg.last_bot_message_with(admin, "✅ 发送")
    await tg.press(admin, data, message)
    again = await tg.press(admin, data, message)
    assert "出了点问题" not in again.text
    assert await _count(session_pool, Campaign) == 1
    assert await _count(session_pool, OutboxMessage) == 3


async def test_two_racing_taps_on_send_queue_once(
    tg: ChatDriver, factory: Factory, session: AsyncSession, session_pool
) -> None:
    """Telegram may deliver two taps at once; polling handles updates concurrently, and the
    chat's event isolation must keep the second from sending again."""
    await build_scene(factory, session)
    admin, _ = await _to_confirm(tg, ADMIN, "全校家长")
    message, data = tg.last_bot_message_with(admin, "✅ 发送")
    await asyncio.gather(tg.press(admin, data, message), tg.press(admin, data, message))
    assert await _count(session_pool, Campaign) == 1
    assert await _count(session_pool, OutboxMessage) == 3


async def test_send_again_after_a_failed_update_queues_nothing_new(
    tg: ChatDriver, factory: Factory, session: AsyncSession, session_pool,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """The update fails after the rows were written but before the screen moves on (the
    admin sees an error and the confirm screen still offers Send): the whole update is
    rolled back, so nothing half-sent remains, and the second tap queues the notice once."""
    from aiogram_dialog.manager.manager import ManagerImpl

    from dialogs.states import Announce

    await build_scene(factory, session)
    admin, _ = await _to_confirm(tg, ADMIN, "全校家长")
    message, data = tg.last_bot_message_with(admin, "✅ 发送")

    real_switch = ManagerImpl.switch_to
    failures = [RuntimeError("connection reset")]

    async def flaky_switch(self, state, show_mode=None):
        if state == Announce.started and failures:
            raise failures.pop()
        return await real_switch(self, state, show_mode)

    monkeypatch.setattr(ManagerImpl, "switch_to", flaky_switch)
    failed = await tg.press(admin, data, message)
    assert "出了点问题" in failed.text
    assert await _count(session_pool, OutboxMessage) == 0
    assert await _count(session_pool, Campaign) == 0

    retried = await tg.press(admin, data, message)
    assert "开始发送给 3 位家长" in retried.text
    assert await _count(session_pool, Campaign) == 1
    assert await _count(session_pool, OutboxMessage) == 3


async def test_a_losing_race_leaves_no_second_campaign(
    factory: Factory, session: AsyncSession, clock: FakeClock, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The tap that queues nothing new (its rows were written by the other tap meanwhile)
    drops its own empty campaign and reports the first one."""
    scene = await build_scene(factory, session)
    translator = get_translator()
    actor = await load_actor(session, ADMIN)
    [audience] = [a for a in await announcements.audiences_for(session, actor) if not a.only_care]
    kwargs = dict(
        actor=actor, audience=audience, text=NOTICE, campaign_key="k1",
        progress_chat_id=ADMIN, language="zh_Hans",
    )
    first = await announcements.start_announcement(session, clock, translator, **kwargs)
    assert first.created and first.total == 3

    real = announcements.repo.campaign_with_dedup_prefix
    calls = 0

    async def not_yet_visible(s, prefix):  # the other tap had not committed when we looked
        nonlocal calls
        calls += 1
        return None if calls == 1 else await real(s, prefix)

    monkeypatch.setattr(announcements.repo, "campaign_with_dedup_prefix", not_yet_visible)
    second = await announcements.start_announcement(session, clock, translator, **kwargs)
    assert (second.campaign_id, second.created, second.total) == (first.campaign_id, False, 3)
    assert await session.scalar(select(func.count()).select_from(Campaign)) == 1
    assert await session.scalar(select(func.count()).select_from(OutboxMessage)) == 3
    assert scene.school.id == audience.school_id


# --------------------------------------------------------------------- who reaches whom


async def test_head_teacher_reaches_only_their_class(
    tg: ChatDriver, factory: Factory, session: AsyncSession, session_pool
) -> None:
    scene = await build_scene(factory, session)
    head = tg.user(HEAD)
    replies = await _open(tg, head)
    assert replies.buttons()[0] == "本班家长（阳光小学 3年级1班）"
    assert not any("全校" in b for b in replies.buttons())

    # A forged tap on the whole school (changing the item id in the callback) is refused.
    message, data = tg.last_bot_message_with(head, "本班家长")
    forged = data.replace(f"class-{scene.class1.id}", f"school-{scene.school.id}")
    assert forged != data
    refused = await tg.press(head, forged, message)
    assert "您已经不能给这些家长发通知了" in refused.text

    await tg.tap(head, "本班家长")
    confirm = await tg.send(head, "请带好作业本。")
    assert "发送给 2 位家长吗？" in confirm.text
    assert "没有加入" not in confirm.text
    assert "【班级通知】阳光小学 3年级1班" in confirm.text
    await tg.tap(head, "✅ 发送")
    rows = await _outbox(session_pool)
    assert sorted(r.person_id for r in rows) == sorted([scene.granny.id, scene.grandpa.id])
    en = next(r for r in rows if r.person_id == scene.grandpa.id)
    assert en.payload["text"].startswith("[Class notice] 阳光小学 Grade 3 1班")


async def test_admin_of_another_school_reaches_only_their_own(
    tg: ChatDriver, factory: Factory, session: AsyncSession, session_pool
) -> None:
    scene = await build_scene(factory, session)
    replies = await _open(tg, tg.user(OTHER_ADMIN, language="en"), "Other notice")
    assert replies.buttons()[0] == "Whole school (河西小学)"
    assert not any("阳光小学" in b for b in replies.buttons())
    admin, confirm = await _to_confirm(tg, OTHER_ADMIN, "Whole school", "Closed tomorrow.", "en")
    assert "Send to 1 guardian?" in confirm.text
    await tg.tap(admin, "✅ Send")
    rows = await _outbox(session_pool)
    assert [r.person_id for r in rows] == [scene.other_guardian.id]

    # And school A's admin cannot pick school B by a forged tap either.
    a_admin = tg.user(ADMIN)
    await _open(tg, a_admin)
    message, data = tg.last_bot_message_with(a_admin, "全校家长")
    forged = data.replace(f"school-{scene.school.id}", f"school-{scene.other_school.id}")
    refused = await tg.press(a_admin, forged, message)
    assert "不能给这些家长发通知" in refused.text
    assert len(await _outbox(session_pool)) == 1


@pytest.mark.parametrize(
    ("user_id", "language", "expected"),
    [
        (GRANNY, "zh-hans", "只有学校管理员和班主任可以给家长发通知"),
        (SUBJECT, "zh-hans", "只有学校管理员和班主任可以给家长发通知"),
        (999, "en", "Only school admins and head teachers can send notices"),
    ],
)
async def test_others_cannot_announce(
    tg: ChatDriver, factory: Factory, session: AsyncSession, session_pool,
    user_id: int, language: str, expected: str,
) -> None:
    await build_scene(factory, session)
    replies = await tg.send(tg.user(user_id, language=language), "/announce")
    assert expected in replies.text
    assert replies.buttons() == []
    assert await _count(session_pool, OutboxMessage) == 0


# ------------------------------------------------------------------------ bad input


async def test_text_rules_too_long_empty_and_not_text(
    tg: ChatDriver, factory: Factory, session: AsyncSession, session_pool
) -> None:
    await build_scene(factory, session)
    admin = tg.user(ADMIN)
    await _open(tg, admin)
    await tg.tap(admin, "全校家长")

    too_long = await tg.send(admin, "字" * 1001)
    assert "通知太长了：1,001 个字，最多 1,000 个字" in too_long.text
    # (A document would be taken as a roster upload by the roster router, before dialogs.)
    location = await tg.feed(
        Update(update_id=90001, message=tg._message(admin, location=Location(latitude=30.6, longitude=104.1)))
    )
    assert "请直接输入文字" in location.text
    blank = await tg.send(admin, "   ")
    assert "通知内容是空的" in blank.text

    exactly = await tg.send(admin, "字" * 1000)
    assert "发送给 3 位家长吗？" in exactly.text
    assert await _count(session_pool, OutboxMessage) == 0


async def test_nobody_joined_offers_no_send_button(
    tg: ChatDriver, factory: Factory, session: AsyncSession, session_pool
) -> None:
    school = await factory.school("山村小学")
    admin = await factory.person("钱校长", telegram_user_id=ADMIN)
    await factory.staff(admin, school, is_school_admin=True)
    await factory.guardian_of(await factory.student(school), await factory.person("未加入"))
    await session.commit()
    _, confirm = await _to_confirm(tg, ADMIN, "全校家长")
    assert "这些家长都还没有加入机器人" in confirm.text
    assert "还有 1 位家长没有加入机器人" in confirm.text
    assert not any("发送" in b for b in confirm.buttons())


async def test_head_teacher_without_a_class_is_told_so(
    tg: ChatDriver, factory: Factory, session: AsyncSession
) -> None:
    school = await factory.school()
    head = await factory.person("新老师", telegram_user_id=HEAD)
    await factory.staff(head, school, is_head_teacher=True)
    await session.commit()
    replies = await tg.send(tg.user(HEAD), "/announce")
    assert "您还不是任何班级的班主任" in replies.text


async def test_stale_send_after_start_is_answered_not_errored(
    tg: ChatDriver, bot: MockedBot, factory: Factory, session: AsyncSession, session_pool
) -> None:
    await build_scene(factory, session)
    admin, _ = await _to_confirm(tg, ADMIN, "全校家长")
    message, data = tg.last_bot_message_with(admin, "✅ 发送")
    await tg.press(admin, data, message)
    await tg.send(admin, "/start")
    late = await tg.press(admin, data, message)
    assert late.of(AnswerCallbackQuery)
    assert await _count(session_pool, Campaign) == 1
