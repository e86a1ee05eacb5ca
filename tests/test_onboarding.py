"""Guardians join by sharing their own phone number; nothing else links an account."""

from __future__ import annotations

import pytest
from aiogram.methods import SendMessage, SetMyCommands
from aiogram.types import ReplyKeyboardMarkup, ReplyKeyboardRemove
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.commands import ROLE_COMMANDS
from db.models import Person
from tests.support.chat import ChatDriver
from tests.support.factory import Factory


async def _granny_with_two_grandchildren(session: AsyncSession, factory: Factory) -> Person:
    school = await factory.school("阳光小学")
    class_a = await factory.school_class(school, grade=3, name="1班")
    class_b = await factory.school_class(school, grade=5, name="2班")
    granny = await factory.person("王奶奶", phone="+8613800138000")
    await factory.guardian_of(await factory.student(school, class_a, name="小明"), granny)
    await factory.guardian_of(await factory.student(school, class_b, name="小红"), granny)
    other = await factory.person("李爷爷", phone="+8613900139000")
    await factory.guardian_of(await factory.student(school, class_a, name="小刚"), other)
    await session.commit()
    return granny


async def test_a_stranger_gets_the_big_share_my_number_button(tg: ChatDriver) -> None:
    replies = await tg.send(tg.user(2001, language="zh-hans"), "/start")
    [message] = replies.of(SendMessage)
    assert isinstance(message.reply_markup, ReplyKeyboardMarkup)
    button = message.reply_markup.keyboard[0][0]
    assert button.text == "分享我的手机号" and button.request_contact


@pytest.mark.parametrize(
    "shared", ["8613800138000", "+86 138 0013 8000", "138-0013-8000", "+86-138-0013-8000"]
)
async def test_guardian_shares_own_number_and_sees_both_children(
    tg: ChatDriver, session: AsyncSession, factory: Factory, shared: str
) -> None:
    granny_row = await _granny_with_two_grandchildren(session, factory)
    granny = tg.user(2002, language="zh-hans", first_name="奶奶")
    await tg.send(granny, "/start")
    replies = await tg.share_contact(granny, shared)
    assert "登记成功" in replies.text
    assert "小明" in replies.text and "小红" in replies.text
    assert "小刚" not in replies.text  # a classmate with another guardian
    assert any(isinstance(c.reply_markup, ReplyKeyboardRemove) for c in replies.of(SendMessage))
    assert "👧 我的孩子" in replies.buttons()
    commands = replies.of(SetMyCommands)
    assert commands and [c.command for c in commands[-1].commands] == ["start", "help", "language", *ROLE_COMMANDS["guardian"]]
    await session.refresh(granny_row)
    assert granny_row.telegram_user_id == 2002 and granny_row.chat_id == 2002

    replies = await tg.tap(granny, "我的孩子")
    assert "小明" in replies.text and "3年级1班" in replies.text
    assert "小红" in replies.text and "5年级2班" in replies.text
    assert "小刚" not in replies.text


async def test_someone_elses_contact_is_refused_and_links_nothing(
    tg: ChatDriver, session: AsyncSession, factory: Factory
) -> None:
    granny_row = await _granny_with_two_grandchildren(session, factory)
    spoofer = tg.user(2003, language="zh-hans")
    for owner in (9999, None):
        replies = await tg.share_contact(spoofer, "+8613800138000", contact_user_id=owner)
        assert "只能登记您自己的手机号" in replies.text
    await session.refresh(granny_row)
    assert granny_row.telegram_user_id is None
    assert await session.scalar(select(func.count()).select_from(Person).where(Person.telegram_user_id == 2003)) == 0


async def test_unknown_number_is_told_to_ask_the_head_teacher(
    tg: ChatDriver, session: AsyncSession, factory: Factory
) -> None:
    await _granny_with_two_grandchildren(session, factory)
    replies = await tg.share_contact(tg.user(2004, language="en"), "+8613700137000")
    assert "ask your child's head teacher" in replies.text
    assert "registration link" in replies.text
    replies = await tg.share_contact(tg.user(2005, language="zh-hans"), "12345")
    assert "班主任" in replies.text


async def test_number_already_on_another_account_is_not_taken_over(
    tg: ChatDriver, session: AsyncSession, factory: Factory
) -> None:
    granny_row = await _granny_with_two_grandchildren(session, factory)
    await tg.share_contact(tg.user(2006), "+8613800138000")
    replies = await tg.share_contact(tg.user(2007), "+8613800138000")
    assert "另一个 Telegram 账号" in replies.text
    await session.refresh(granny_row)
    assert granny_row.telegram_user_id == 2006


async def test_a_teacher_on_the_roster_can_join_by_contact_too(
    tg: ChatDriver, session: AsyncSession, factory: Factory
) -> None:
    school = await factory.school()
    teacher = await factory.person("赵老师", phone="+8613600136000")
    await factory.staff(teacher, school, is_subject_teacher=True)
    await session.commit()
    replies = await tg.share_contact(tg.user(2008, language="en"), "13600136000")
    assert "You are registered" in replies.text
    assert "📋 My class" in replies.buttons()


async def test_language_chosen_before_joining_sticks(
    tg: ChatDriver, session: AsyncSession, factory: Factory
) -> None:
    granny_row = await _granny_with_two_grandchildren(session, factory)
    user = tg.user(2009, language="zh-hans")
    await tg.send(user, "/start")
    replies = await tg.send(user, "🌐 中文 / English")  # the reply-keyboard button
    assert "English" in replies.buttons()
    replies = await tg.tap(user, "English")
    assert "in English from now on" in replies.text
    keyboards = [c.reply_markup for c in replies.of(SendMessage)]
    assert any(
        isinstance(k, ReplyKeyboardMarkup) and k.keyboard[0][0].text == "Share my phone number"
        for k in keyboards
    )
    replies = await tg.share_contact(user, "+8613800138000")
    assert "You are registered" in replies.text and "小明" in replies.text
    await session.refresh(granny_row)
    assert granny_row.language == "en" and granny_row.telegram_user_id == 2009
    # The bare record that held the choice was folded into the roster's one.
    assert await session.scalar(select(func.count()).select_from(Person)) == 2


async def test_a_guardian_who_writes_again_is_reachable_again(
    tg: ChatDriver, session: AsyncSession, factory: Factory, clock
) -> None:
    """The sender marks someone unreachable when Telegram says they blocked the bot; a
    message from them proves they unblocked it, so the head teacher stops being asked to
    phone them."""
    granny_row = await _granny_with_two_grandchildren(session, factory)
    granny = tg.user(2010, language="zh-hans")
    await tg.share_contact(granny, "+8613800138000")
    granny_row.unreachable_since = clock.now()
    await session.commit()

    await tg.send(granny, "/help")
    await session.refresh(granny_row)
    assert granny_row.unreachable_since is None
