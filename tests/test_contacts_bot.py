"""Contact with the away parents through the production dispatcher: guardians confirm with
taps (Chinese and English), from the menu, /contact and the reminder's button; teachers log
a contact and read term compliance; nobody reaches another family's child or class."""

from __future__ import annotations

from aiogram.methods import SendMessage
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.sender import OutboxSender
from bot.settings import Settings
from db.models import MonthlyParentContact, TeacherParentContact
from locales import get_translator
from scheduler.contacts import monthly_contacts
from services.clock import FakeClock
from tests.support.chat import ChatDriver
from tests.support.factory import Factory
from tests.support.mocked_bot import MockedBot
from tests.test_contacts import (
    ADMIN,
    AUNT,
    GRANDPA,
    GRANNY,
    HEAD,
    MENTOR,
    OTHER_HEAD,
    _ctx,
    at,
    build_scene,
)


async def _monthly(pool: async_sessionmaker[AsyncSession]) -> list[MonthlyParentContact]:
    async with pool() as session:
        return list(await session.scalars(select(MonthlyParentContact).order_by(MonthlyParentContact.id)))


async def _logged(pool: async_sessionmaker[AsyncSession]) -> list[TeacherParentContact]:
    async with pool() as session:
        return list(await session.scalars(select(TeacherParentContact).order_by(TeacherParentContact.id)))


# -------------------------------------------------------------- the guardians


async def test_a_guardian_with_two_children_confirms_each_with_taps(
    tg: ChatDriver, factory: Factory, session: AsyncSession, session_pool, clock: FakeClock
) -> None:
    scene = await build_scene(factory, session)
    clock.set(at(25, 19))  # Wednesday
    granny = tg.user(GRANNY)
    menu = await tg.send(granny, "/start")
    assert "📞 本月和爸妈联系了吗" in menu.buttons()
    pick = await tg.tap(granny, "📞 本月和爸妈联系了吗")
    assert "哪个孩子？" in pick.text and pick.buttons()[:2] == ["⬜ 小明", "⬜ 小红"]
    assert "小丽" not in " ".join(pick.buttons())  # not left-behind: nothing to confirm

    status = await tg.tap(granny, "⬜ 小明")
    assert "小明 11月还没有登记和爸妈联系。" in status.text
    how = await tg.tap(granny, "✅ 小明这个月和爸妈联系过了")
    assert "小明是怎么和爸妈联系的？" in how.text
    assert how.buttons()[:3] == ["📞 打电话", "📹 视频", "🏠 爸妈回家了"]
    when = await tg.tap(granny, "📹 视频")
    assert "什么时候？" in when.text and when.buttons()[:3] == ["今天", "这个星期", "这个月早些时候"]
    done = await tg.tap(granny, "这个星期")
    assert "谢谢！已登记：小明 11月和爸妈联系过了（📹 视频，这个星期）。" in done.text
    assert "还没登记的孩子：小红" in done.text

    pick = await tg.tap(granny, "👧 另一个孩子")
    assert pick.buttons()[:2] == ["✅ 小明", "⬜ 小红"]
    await tg.tap(granny, "⬜ 小红")
    await tg.tap(granny, "✅ 小红这个月和爸妈联系过了")
    await tg.tap(granny, "🏠 爸妈回家了")
    done = await tg.tap(granny, "今天")
    assert "小红 11月和爸妈联系过了（🏠 爸妈回家了，今天）" in done.text and "还没登记" not in done.text

    rows = await _monthly(session_pool)
    assert [(r.student_id, r.method, r.when_said, str(r.contacted_on)) for r in rows] == [
        (scene.xiaoming.id, "video", "this_week", "None"),
        (scene.xiaohong.id, "visit_home", "today", "2026-11-25"),
    ]
    # Back on 小明: already confirmed, no button to do it twice.
    await tg.tap(granny, "👧 另一个孩子")
    status = await tg.tap(granny, "✅ 小明")
    assert "✅ 小明 11月已经和爸妈联系过了（王奶奶登记：📹 视频，这个星期）。" in status.text
    assert not any("联系过了" in b for b in status.buttons())


async def test_the_second_guardian_sees_it_confirmed_in_english(
    tg: ChatDriver, factory: Factory, session: AsyncSession, session_pool, clock: FakeClock
) -> None:
    await build_scene(factory, session)
    clock.set(at(25, 19))
    granny = tg.user(GRANNY)
    await tg.send(granny, "/contact")
    await tg.tap(granny, "⬜ 小明")
    await tg.tap(granny, "✅ 小明这个月和爸妈联系过了")
    await tg.tap(granny, "📞 打电话")
    # The grandfather opened the same question before she finished; his tap comes second.
    grandpa = tg.user(GRANDPA, language="en")
    status = await tg.send(grandpa, "/contact")  # one child: straight to the status
    assert "小明 has no contact with the parents recorded for month 11 yet." in status.text
    how = await tg.tap(grandpa, "✅ 小明 talked with parents this month")
    assert how.buttons()[:3] == ["📞 Phone", "📹 Video", "🏠 Parents came home"]
    await tg.tap(granny, "今天")
    await tg.tap(grandpa, "📹 Video")
    late = await tg.tap(grandpa, "Earlier this month")
    assert "✅ 小明 talked with the parents in month 11 (recorded by 王奶奶: 📞 Phone, Today)." in late.text
    [row] = await _monthly(session_pool)
    assert (row.method, row.when_said) == ("phone", "today")
    again = await tg.send(grandpa, "/contact")
    assert "recorded by 王奶奶" in again.text and "✅ 小明 talked with parents this month" not in again.buttons()


async def test_an_english_guardian_confirms_from_the_menu(
    tg: ChatDriver, factory: Factory, session: AsyncSession, session_pool, clock: FakeClock
) -> None:
    scene = await build_scene(factory, session)
    clock.set(at(1, 9, month=12))  # the 1st: only "today" makes sense
    aunt = tg.user(AUNT, language="en")
    await tg.send(aunt, "/start")
    status = await tg.tap(aunt, "📞 Monthly contact")
    assert "小刚 has no contact with the parents recorded for month 12 yet." in status.text
    await tg.tap(aunt, "✅ 小刚 talked with parents this month")
    when = await tg.tap(aunt, "📞 Phone")
    assert when.buttons()[:2] == ["Today", "⬅️ Back"]
    done = await tg.tap(aunt, "Today")
    assert "Thank you! Recorded: 小刚 talked with the parents in month 12 (📞 Phone, Today)." in done.text
    [row] = await _monthly(session_pool)
    assert row.student_id == scene.xiaogang.id and str(row.month) == "2026-12-01"


async def test_the_reminders_button_opens_the_question_and_forged_ones_are_refused(
    tg: ChatDriver, bot: MockedBot, factory: Factory, session: AsyncSession, session_pool,
    clock: FakeClock, settings: Settings,
) -> None:
    scene = await build_scene(factory, session)
    clock.set(at(20, 10))
    assert await monthly_contacts(_ctx(session_pool, clock, settings)) == 4
    await OutboxSender(bot, session_pool, settings.outbox, clock, get_translator()).run_until_idle()
    assert sorted(m.chat_id for m in bot.requests if isinstance(m, SendMessage)) == [GRANNY, GRANNY, GRANDPA, AUNT]

    granny = tg.user(GRANNY)
    how = await tg.tap(granny, "✅ 小红这个月和爸妈联系过了")
    assert "小红是怎么和爸妈联系的？" in how.text
    await tg.tap(granny, "📞 打电话")
    done = await tg.tap(granny, "这个月早些时候")
    assert "已登记：小红 11月和爸妈联系过了（📞 打电话，这个月早些时候）" in done.text

    # Someone else's child by a forged button: refused, nothing written.
    forged = await tg.press(granny, f"mpc:{scene.xiaogang.id}")
    assert "这不是您家的孩子。" in forged.text
    teacher = await tg.press(tg.user(HEAD), f"mpc:{scene.xiaoming.id}")
    assert "这不是您家的孩子。" in teacher.text
    # A forged child id inside the dialog's own keyboard, too.
    await tg.send(granny, "/contact")
    message, data = tg.last_bot_message_with(granny, "小明")
    assert data.endswith(f":{scene.xiaoming.id}")
    refused = await tg.press(granny, data[: -len(str(scene.xiaoming.id))] + str(scene.xiaogang.id), message)
    assert "这不是您家的孩子。" in refused.text
    # An old reminder tapped after it was done shows the answer, not the question again
    # (the dialog took over the reminder's own message, so this is a second copy of it).
    again = await tg.press(granny, f"mpc:{scene.xiaohong.id}")
    assert "✅ 小红 11月已经和爸妈联系过了" in again.text
    assert [r.student_id for r in await _monthly(session_pool)] == [scene.xiaohong.id]


async def test_typing_instead_of_tapping_gets_a_hint_and_others_are_turned_away(
    tg: ChatDriver, factory: Factory, session: AsyncSession, clock: FakeClock
) -> None:
    await build_scene(factory, session)
    granny = tg.user(GRANNY)
    await tg.send(granny, "/contact")
    await tg.tap(granny, "⬜ 小明")
    await tg.tap(granny, "✅ 小明这个月和爸妈联系过了")
    hint = await tg.send(granny, "打过电话了")
    assert "没看懂这条消息。请点下面的按钮操作" in hint.text
    assert "📞 打电话" in hint.buttons()
    teacher = await tg.send(tg.user(HEAD), "/contact")
    assert "只有留守孩子的家长可以用这个" in teacher.text
    stranger = await tg.send(tg.user(9999), "/parentcontact")
    assert "只有老师和学校管理员可以用这个" in stranger.text
    guardian = await tg.send(granny, "/parentcontact")
    assert "只有老师和学校管理员可以用这个" in guardian.text


# ---------------------------------------------------------------- the teachers


async def test_a_teacher_logs_a_contact_in_a_few_taps(
    tg: ChatDriver, factory: Factory, session: AsyncSession, session_pool, clock: FakeClock
) -> None:
    scene = await build_scene(factory, session)
    clock.set(at(23, 16))
    head = tg.user(HEAD)
    menu = await tg.send(head, "/start")
    assert "☎️ 家长联系记录" in menu.buttons()
    grid = await tg.tap(head, "☎️ 家长联系记录")
    assert "点学生的名字" in grid.text
    assert grid.buttons()[:2] == ["小明 0/2", "小红 0/2"] and "📊 本学期情况" in grid.buttons()
    assert not any("小丽" in b or "小刚" in b for b in grid.buttons())

    how = await tg.tap(head, "小明 0/2")
    assert "怎么联系小明的家长的？" in how.text
    assert how.buttons()[:4] == ["📞 打电话", "📹 视频", "💬 微信", "🤝 当面"]
    await tg.tap(head, "📞 打电话")
    save = await tg.send(head, "谈了孩子的学习和身体情况")
    assert "与小明家长联系：📞 打电话" in save.text and "内容：谈了孩子的学习和身体情况" in save.text
    assert "日期：2026-11-23（今天）" in save.text
    saved = await tg.tap(head, "✅ 保存")
    assert "已保存" in saved.text
    assert "✅ 已保存：小明，📞 打电话，2026-11-23。本学期已联系 1/2 次。" in saved.text
    assert "小明 1/2" in saved.buttons()

    # A second one, yesterday, without a note: student, method, Skip, Yesterday, Save.
    await tg.tap(head, "小明 1/2")
    await tg.tap(head, "💬 微信")
    confirm = await tg.tap(head, "跳过")
    assert "内容" not in confirm.text
    confirm = await tg.tap(head, "📅 改成昨天")
    assert "日期：2026-11-22。" in confirm.text
    bad = await tg.send(head, "明天")
    assert "日期请这样写：2026-11-23" in bad.text
    future = await tg.send(head, "2026-11-30")
    assert "日期不能晚于今天" in future.text
    save_message, save_data = tg.last_bot_message_with(head, "✅ 保存")
    saved = await tg.tap(head, "✅ 保存")
    assert "本学期已联系 2/2 次" in saved.text and "小明 2/2" in saved.buttons()
    # Save tapped again on the old screen: the grid again, nothing written twice.
    stale = await tg.press(head, save_data, save_message)
    assert "小明 2/2" in stale.buttons() and "✅ 保存" not in stale.buttons()
    assert len(await _logged(session_pool)) == 2

    rows = await _logged(session_pool)
    assert [(r.student_id, str(r.contacted_on), r.method, r.note) for r in rows] == [
        (scene.xiaoming.id, "2026-11-23", "phone", "谈了孩子的学习和身体情况"),
        (scene.xiaoming.id, "2026-11-22", "wechat", None),
    ]

    # Compliance in the chat: 小红 below 2 comes first.
    report = await tg.tap(head, "📊 本学期情况")
    lines = report.text.splitlines()
    assert "3年级1班：1/2 人已达到" in lines
    assert lines[-1] == "• 小红（3年级1班）：0/2"
    assert "按半年统计（2026-08-01 至 2027-01-31）" in report.text  # no terms set


async def test_admin_sees_the_whole_school_and_teachers_only_their_students(
    tg: ChatDriver, factory: Factory, session: AsyncSession, session_pool, clock: FakeClock
) -> None:
    scene = await build_scene(factory, session)
    clock.set(at(23, 16))
    admin = tg.user(ADMIN)
    menu = await tg.send(admin, "/start")
    assert "☎️ 家长联系记录" in menu.buttons()
    report = await tg.send(admin, "/parentcontact")  # an admin who teaches no class: compliance directly
    assert "3年级1班：0/2 人已达到" in report.text and "4年级2班：0/1 人已达到" in report.text
    assert "• 小刚（4年级2班）：0/2" in report.text and "小远" not in report.text
    assert "➕ 记录联系" not in report.buttons()

    # The other class's head teacher: their own class only, and a forged pick of 小明 fails.
    other = tg.user(OTHER_HEAD)
    grid = await tg.send(other, "/parentcontact")
    assert grid.buttons()[0] == "小刚 0/2" and not any("小明" in b for b in grid.buttons())
    message, data = tg.last_bot_message_with(other, "小刚 0/2")
    forged = await tg.press(other, data[: -len(str(scene.xiaogang.id))] + str(scene.xiaoming.id), message)
    assert "这不是您的学生。" in forged.text
    report = await tg.tap(other, "📊 本学期情况")
    assert "4年级2班：0/1 人已达到" in report.text and "小明" not in report.text

    # A mentor logs for their mentees (two classes) but gets no compliance button.
    mentor = tg.user(MENTOR)
    classes = await tg.send(mentor, "/parentcontact")
    assert classes.buttons()[:2] == ["3年级1班", "4年级2班"] and "📊 本学期情况" not in classes.buttons()
    grid = await tg.tap(mentor, "4年级2班")
    assert grid.buttons()[0] == "小刚 0/2"
    message, data = tg.last_bot_message_with(mentor, "小刚 0/2")
    forged = await tg.press(mentor, f"{data.split(chr(0x1d))[0]}\x1dpc_compliance", message)
    assert "只有班主任和学校管理员可以查看。" in forged.text
    assert await _logged(session_pool) == []
