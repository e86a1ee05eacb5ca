"""Menus, the command menu, languages, and the wrong things people tap or type."""

from __future__ import annotations

import pytest
from aiogram.methods import SetMyCommands
from aiogram.types import BotCommandScopeChat, BotCommandScopeDefault
from sqlalchemy.ext.asyncio import AsyncSession

from bot.commands import NEWCOMER_COMMANDS, ROLE_COMMANDS, commands_for, set_default_commands
from db.models import Person
from locales import get_translator
from services import invites
from services.clock import FakeClock
from tests.support.chat import ChatDriver
from tests.support.factory import Factory
from tests.support.mocked_bot import MockedBot


async def _guardian(session: AsyncSession, factory: Factory, tid: int = 4001) -> Person:
    school = await factory.school()
    granny = await factory.person("王奶奶", telegram_user_id=tid, language="zh_Hans")
    await factory.guardian_of(await factory.student(school, name="小明"), granny)
    await session.commit()
    return granny


async def test_default_commands_per_language(bot: MockedBot) -> None:
    await set_default_commands(bot, get_translator())
    calls = [c for c in bot.requests if isinstance(c, SetMyCommands)]
    by_language = {c.language_code: c for c in calls}
    assert set(by_language) == {"zh", "en", None}
    assert all(isinstance(c.scope, BotCommandScopeDefault) for c in calls)
    assert [c.command for c in by_language["en"].commands] == ["start", "help", "language"]
    assert by_language["en"].commands[0].description == "Open the menu"
    assert by_language["zh"].commands[0].description == "打开菜单"
    assert by_language[None].commands[0].description == "打开菜单"


def test_commands_per_role() -> None:
    newcomer = ["start", "help", "language"]
    assert commands_for(set()) == newcomer
    assert commands_for({"guardian"}) == [*newcomer, "absent", "home", "contact"]
    teacher = ["class", "student", "visit", "parentcontact", "returns", "mentor", "incident", "checkin"]
    assert commands_for({"teacher"}) == [*newcomer, *teacher]
    assert commands_for({"teacher", "head_teacher"}) == [
        *newcomer, *teacher, "attendance", "announce", "notices", "census", "dropout", "reports", "digest",
    ]
    assert commands_for({"teacher", "counsellor"}) == [*newcomer, *teacher, "counsel"]
    assert commands_for({"bureau_officer"}) == [
        *newcomer, "schools", "dropout", "student", "incident", "reports", "audit",
    ]
    admin = commands_for({"school_admin"})
    assert admin[:6] == [*newcomer, "attendance", "announce", "notices"]
    assert {"roster", "calendar", "holidays", "status", "counsel", "incident", "checkin", "census", "reports",
            "audit"} <= set(admin)
    # Several roles: each command once, in the first role's place.
    both = commands_for({"teacher", "school_admin", "guardian"})
    assert len(both) == len(set(both))
    assert both[:6] == [*newcomer, "absent", "home", "contact"]


def test_every_menu_command_has_a_handler_and_a_description() -> None:
    """A command in the menu that nothing answers, or with no words, would confuse people."""
    import re
    from pathlib import Path

    handled = set()
    for path in Path("handlers").glob("*.py"):
        for args in re.findall(r"Command\(([^)]*)\)", path.read_text(encoding="utf-8")):
            handled.update(re.findall(r'"(\w+)"', args))
        if "CommandStart(" in path.read_text(encoding="utf-8"):
            handled.add("start")
    translator = get_translator()
    for commands in (NEWCOMER_COMMANDS, *ROLE_COMMANDS.values()):
        for name in commands:
            assert name in handled, name
            for language in ("zh_Hans", "en"):
                assert translator.get(f"command-{name}", language) != f"command-{name}"


async def test_joining_sets_that_chats_commands_for_each_role(
    tg: ChatDriver, session: AsyncSession, clock: FakeClock, factory: Factory
) -> None:
    county = await factory.county("甲县")
    school = await factory.school("一小", county)
    cases = [
        (4101, await invites.create_invite(session, clock, "teacher", school_id=school.id), list(ROLE_COMMANDS["teacher"])),
        (4102, await invites.create_invite(session, clock, "school_admin", school_id=school.id), list(ROLE_COMMANDS["school_admin"])),
        (4103, await invites.create_invite(session, clock, "bureau_officer", county_id=county.id), list(ROLE_COMMANDS["bureau_officer"])),
    ]
    await session.commit()
    for user_id, issued, extra in cases:
        replies = await tg.send(tg.user(user_id, language="en"), f"/start {issued.token}")
        [call] = replies.of(SetMyCommands)
        assert call.scope == BotCommandScopeChat(chat_id=user_id)
        assert [c.command for c in call.commands] == ["start", "help", "language", *extra]
        assert call.commands[0].description == "Open the menu"


async def test_language_switch_changes_every_later_reply(
    tg: ChatDriver, session: AsyncSession, factory: Factory
) -> None:
    granny_row = await _guardian(session, factory)
    granny = tg.user(4001, language="zh-hans")
    await tg.send(granny, "/start")
    await tg.tap(granny, "中文 / English")
    replies = await tg.tap(granny, "English")
    assert "in English from now on" in replies.text
    assert "👧 My children" in replies.buttons()
    [call] = replies.of(SetMyCommands)
    assert call.commands[0].description == "Open the menu"
    assert "Guardians can see" in (await tg.send(granny, "/help")).text
    assert "did not understand" in (await tg.send(granny, "hello")).text
    await session.refresh(granny_row)
    assert granny_row.language == "en"
    # …and back.
    await tg.send(granny, "/language")
    replies = await tg.tap(granny, "中文")
    assert "以后用中文" in replies.text
    assert "家长可以" in (await tg.send(granny, "/help")).text


async def test_text_where_a_tap_is_expected_gets_a_hint_and_the_buttons_again(
    tg: ChatDriver, session: AsyncSession, factory: Factory
) -> None:
    await _guardian(session, factory)
    granny = tg.user(4001)
    await tg.send(granny, "/start")
    replies = await tg.send(granny, "我孙子今天回家了吗")
    assert "没看懂" in replies.text
    assert "👧 我的孩子" in replies.buttons()


async def test_a_stale_button_from_an_old_menu(
    tg: ChatDriver, session: AsyncSession, factory: Factory
) -> None:
    await _guardian(session, factory)
    granny = tg.user(4001)
    await tg.send(granny, "/start")
    old_message, old_data = tg.last_bot_message_with(granny, "我的孩子")
    await tg.send(granny, "/start")  # resets the dialog stack: the old menu is dead
    replies = await tg.press(granny, old_data, old_message)
    assert "这个按钮已经过期了" in replies.text
    replies = await tg.press(granny, "forged\x1dchildren")  # an intent that never existed
    assert "这个按钮已经过期了" in replies.text
    replies = await tg.press(tg.user(4998), "no-such-button")  # no dialog open at all
    assert "这个按钮已经过期了" in replies.text


@pytest.mark.parametrize("widget", ["counselling", "roster", "census", "dropout", "calendar"])
async def test_a_hidden_menu_button_cannot_be_pressed_with_forged_data(
    tg: ChatDriver, session: AsyncSession, factory: Factory, widget: str
) -> None:
    """aiogram-dialog runs a hidden button if its id arrives; the menu refuses it. A
    guardian who forges the staff buttons' data on their live menu gets the stale answer
    and stays on the menu."""
    await _guardian(session, factory)
    granny = tg.user(4001)
    await tg.send(granny, "/start")
    menu, language_data = tg.last_bot_message_with(granny, "中文 / English")
    intent = language_data.rsplit("\x1d", 1)[0]
    replies = await tg.press(granny, f"{intent}\x1d{widget}", menu)
    assert "这个按钮已经过期了" in replies.text
    # The visible buttons still work, from the same message.
    replies = await tg.press(granny, language_data, menu)
    assert "这个按钮已经过期了" not in replies.text and "English" in " ".join(replies.buttons())


async def test_help_lists_every_role_a_person_has(
    tg: ChatDriver, session: AsyncSession, factory: Factory
) -> None:
    granny_row = await _guardian(session, factory)
    school = await factory.school("二小")
    await factory.staff(granny_row, school, is_subject_teacher=True)
    await session.commit()
    text = (await tg.send(tg.user(4001), "/help")).text
    assert "老师可以" in text and "家长可以" in text
    assert "家长：点“分享我的手机号”" in (await tg.send(tg.user(4999), "/help")).text


async def test_invite_command_opens_the_dialog_and_back_returns_to_the_menu(
    tg: ChatDriver, session: AsyncSession, factory: Factory
) -> None:
    school = await factory.school()
    principal = await factory.person("校长", telegram_user_id=4201)
    await factory.staff(principal, school, is_school_admin=True)
    await session.commit()
    user = tg.user(4201, language="en")
    replies = await tg.send(user, "/invite")
    assert "Which kind of teacher" in replies.text
    assert {"head teacher", "mentor teacher", "counselling teacher"} <= set(replies.buttons())
    replies = await tg.tap(user, "Back")
    assert "➕ Invite a teacher" in replies.buttons()


async def test_guardian_sees_no_class_command(
    tg: ChatDriver, session: AsyncSession, factory: Factory
) -> None:
    await _guardian(session, factory)
    assert "不适用于您" in (await tg.send(tg.user(4001), "/class")).text
