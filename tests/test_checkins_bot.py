"""The holiday check-in through the production dispatcher and the real outbox sender: a
head teacher starts it from /checkin (confirm screen with the guardian count), each
guardian answers one question per tap for each child, the first answer counts, "alone" and
"injured" reach the head teacher once in one list, the unfinished are reminded exactly
once, teachers see who answered, and foreign, forged, stale taps and typed text change
nothing."""

from __future__ import annotations

from dataclasses import dataclass

from aiogram.methods import EditMessageText, SendMessage
from aiogram.types import InlineKeyboardMarkup, Message
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.sender import OutboxSender
from bot.settings import Settings
from db.models import (
    Campaign,
    ClassTeacher,
    OutboxMessage,
    Person,
    School,
    SchoolClass,
    Student,
    StudentMentor,
)
from db.models.checkins import CheckinAnswer, CheckinChild, HolidayCheckin
from locales import get_translator
from scheduler import JobContext, default_jobs
from services.clock import FakeClock
from tests.support.chat import ChatDriver
from tests.support.factory import Factory
from tests.support.mocked_bot import MockedBot

ADMIN = 100
HEAD = 300
HEAD2 = 320
SUBJECT = 310  # teaches class 1
OTHER_SUBJECT = 311  # teaches class 2 only
MENTOR = 330  # mentor of 小明, teaches no class
OTHER_ADMIN = 400
GRANNY = 201  # 小明 and 小红 (class 1)
GRANDPA = 202  # 小明, English
AUNT = 207  # 小丽 (class 2)
STRANGER = 999


@dataclass
class Scene:
    school: School
    class1: SchoolClass
    class2: SchoolClass
    xiaoming: Student
    xiaohong: Student
    xiaogang: Student
    xiaoli: Student
    granny: Person


async def build_scene(factory: Factory, session: AsyncSession) -> Scene:
    school = await factory.school("阳光小学")
    other_school = await factory.school("河西小学")
    admin = await factory.person("李校长", telegram_user_id=ADMIN)
    await factory.staff(admin, school, is_school_admin=True)
    head = await factory.person("王老师", telegram_user_id=HEAD)
    head_post = await factory.staff(head, school, is_head_teacher=True, is_subject_teacher=True)
    head2 = await factory.person("陈老师", telegram_user_id=HEAD2)
    head2_post = await factory.staff(head2, school, is_head_teacher=True)
    subject = await factory.person("赵老师", telegram_user_id=SUBJECT)
    subject_post = await factory.staff(subject, school, is_subject_teacher=True)
    other_subject = await factory.person("钱老师", telegram_user_id=OTHER_SUBJECT)
    other_subject_post = await factory.staff(other_subject, school, is_subject_teacher=True)
    mentor = await factory.person("孙老师", telegram_user_id=MENTOR)
    mentor_post = await factory.staff(mentor, school, is_mentor=True)
    other_admin = await factory.person("周校长", telegram_user_id=OTHER_ADMIN)
    await factory.staff(other_admin, other_school, is_school_admin=True)

    class1 = await factory.school_class(school, grade=3, name="1班", head_teacher=head_post)
    class2 = await factory.school_class(school, grade=4, name="2班", head_teacher=head2_post)
    session.add_all([
        ClassTeacher(class_id=class1.id, staff_id=subject_post.id, subject="语文"),
        ClassTeacher(class_id=class2.id, staff_id=other_subject_post.id, subject="数学"),
    ])

    granny = await factory.person("王奶奶", phone="+8613800000001", telegram_user_id=GRANNY, language="zh_Hans")
    grandpa = await factory.person("张爷爷", phone="+8613800000002", telegram_user_id=GRANDPA, language="en")
    aunt = await factory.person("刘阿姨", telegram_user_id=AUNT)
    not_joined = await factory.person("陈奶奶", phone="+8613800000003")
    xiaoming = await factory.student(school, class1, "小明", is_left_behind=True)
    xiaohong = await factory.student(school, class1, "小红")
    xiaogang = await factory.student(school, class1, "小刚")
    xiaoli = await factory.student(school, class2, "小丽")
    await factory.guardian_of(xiaoming, granny)
    await factory.guardian_of(xiaoming, grandpa, "grandfather")
    await factory.guardian_of(xiaohong, granny)
    await factory.guardian_of(xiaogang, not_joined)
    await factory.guardian_of(xiaoli, aunt, "aunt")
    session.add(StudentMentor(student_id=xiaoming.id, staff_id=mentor_post.id, started_at=factory.clock.now()))
    await session.commit()
    return Scene(school, class1, class2, xiaoming, xiaohong, xiaogang, xiaoli, granny)


async def deliver(bot: MockedBot, session_pool, settings: Settings, clock: FakeClock) -> list[SendMessage]:
    before = len(bot.requests)
    await OutboxSender(bot, session_pool, settings.outbox, clock, get_translator()).run_until_idle()
    return [m for m in bot.requests[before:] if isinstance(m, SendMessage)]


async def tick(session_pool, clock: FakeClock, settings: Settings, bot: MockedBot) -> list[SendMessage]:
    """One run of the check-in job, then the sender delivers what is due."""
    await default_jobs()["checkins-due"].func(JobContext(session_pool, clock, settings, get_translator()))
    return await deliver(bot, session_pool, settings, clock)


def card(bot: MockedBot, user_id: int, child: str, label: str) -> tuple[Message, str]:
    """The newest card in the user's chat about `child` and the data of its button `label`."""
    for (chat_id, _), message in sorted(bot.session.messages.items(), key=lambda kv: -kv[0][1]):
        if chat_id != user_id or child not in (message.text or ""):
            continue
        if isinstance(message.reply_markup, InlineKeyboardMarkup):
            for row in message.reply_markup.inline_keyboard:
                for button in row:
                    if button.text == label:
                        return message, button.callback_data or ""
    raise AssertionError(f"no {label!r} on a card about {child!r} in {user_id}'s chat")


async def tap(tg: ChatDriver, bot: MockedBot, user_id: int, child: str, label: str, language: str = "zh-hans"):
    message, data = card(bot, user_id, child, label)
    return await tg.press(tg.user(user_id, language=language), data, message)


async def count(session_pool: async_sessionmaker[AsyncSession], model: type) -> int:
    async with session_pool() as s:
        return await s.scalar(select(func.count()).select_from(model)) or 0


async def start_as_head(tg: ChatDriver) -> None:
    head = tg.user(HEAD)
    await tg.send(head, "/checkin")
    await tg.tap(head, "➕ 发起假期回访")
    await tg.tap(head, "✅ 发送")


# ------------------------------------------------------------------ the whole flow


async def test_head_teacher_starts_guardians_answer_follow_up_and_teacher_view(
    tg: ChatDriver, bot: MockedBot, factory: Factory, session: AsyncSession,
    session_pool, settings: Settings, clock: FakeClock,
) -> None:
    scene = await build_scene(factory, session)
    head = tg.user(HEAD)
    home = await tg.send(head, "/checkin")
    assert "还没有假期回访" in home.text
    # The head teacher heads one class: straight to the confirm screen with the counts.
    confirm = await tg.tap(head, "➕ 发起假期回访")
    assert "给 3年级1班 的 2 位家长发假期回访（3 个孩子" in confirm.text
    assert "还有 1 位家长没有加入机器人" in confirm.text
    assert await count(session_pool, OutboxMessage) == 0

    # Two taps on Send (a double tap) queue the cards once.
    message, data = tg.last_bot_message_with(head, "✅ 发送")
    started = await tg.press(head, data, message)
    await tg.press(head, data, message)
    assert "已开始发送：3 份问题会发给家长" in started.text
    assert await count(session_pool, Campaign) == 1
    assert await count(session_pool, HolidayCheckin) == 1
    async with session_pool() as s:
        rows = list((await s.scalars(select(OutboxMessage).where(OutboxMessage.kind == "checkin-ask"))).all())
    assert len(rows) == 3 and len({r.dedup_key for r in rows}) == 3
    assert all(r.campaign_id is not None for r in rows)

    sent = await deliver(bot, session_pool, settings, clock)
    cards = sorted((m.chat_id, m.text.splitlines()[1]) for m in sent if m.chat_id != HEAD)
    assert cards == [
        (GRANNY, "老师想知道小明假期过得怎么样。每题点一下就好。"),
        (GRANNY, "老师想知道小红假期过得怎么样。每题点一下就好。"),
        (GRANDPA, "The teacher would like to know how 小明's holiday is going. One tap per question."),
    ]
    first = next(m for m in sent if m.chat_id == GRANNY and "小明" in m.text)
    assert first.text.endswith("（1/4）小明在家做作业吗？")
    assert [b.text for row in first.reply_markup.inline_keyboard for b in row] == ["每天做作业", "有时做", "很少做"]
    progress = [m for m in bot.requests if getattr(m, "chat_id", None) == HEAD]
    assert progress, "the head teacher got no progress message"

    # Granny: 小明, one tap per question; the card edits itself to the next question.
    replies = await tap(tg, bot, GRANNY, "小明", "每天做作业")
    assert "谢谢，收到了！" in replies.text
    [edit] = replies.of(EditMessageText)
    assert "✓ 学习：每天做作业" in edit.text and "（2/4）小明身体和安全怎么样？" in edit.text
    await tap(tg, bot, GRANNY, "小明", "很好")
    replies = await tap(tg, bot, GRANNY, "小明", "独自一人")
    assert "（4/4）还有什么想告诉老师的吗？" in replies.of(EditMessageText)[0].text
    replies = await tap(tg, bot, GRANNY, "小明", "没有了")
    [edit] = replies.of(EditMessageText)
    assert "✅ 谢谢！小明的情况已经交给老师了。" in edit.text and edit.reply_markup is None

    # Grandpa's later tap on his own 小明 card: the first answer counts, his card catches up.
    replies = await tap(tg, bot, GRANDPA, "小明", "Sometimes", language="en")
    assert "Already answered: Study: Homework every day (王奶奶)." in replies.text
    assert "✅ Thank you! 小明's answers are with the teacher." in replies.of(EditMessageText)[0].text

    # Granny types where a tap is expected: a hint and the card again, nothing recorded.
    replies = await tg.send(tg.user(GRANNY), "你好")
    assert "请点下面的按钮回答" in replies.text
    assert "（1/4）小红在家做作业吗？" in replies.text
    assert "有时做" in replies.buttons()
    # 小红: injured; then the typed words are the note.
    await tap(tg, bot, GRANNY, "小红", "有时做")
    await tap(tg, bot, GRANNY, "小红", "受伤了")
    await tap(tg, bot, GRANNY, "小红", "爷爷奶奶/外公外婆")
    replies = await tg.send(tg.user(GRANNY), "她摔了一跤，腿上擦破了，已经好多了")
    assert "✓ 想说的话：她摔了一跤，腿上擦破了，已经好多了" in replies.text
    assert "✅ 谢谢！小红的情况已经交给老师了。" in replies.text
    async with session_pool() as s:
        answers = list((await s.scalars(select(CheckinAnswer))).all())
        children = {c.student_id: c for c in (await s.scalars(select(CheckinChild))).all()}
    assert len(answers) == 8
    assert {(a.student_id, a.question, a.choice) for a in answers if a.follow_up} == {
        (scene.xiaoming.id, "company", "alone"), (scene.xiaohong.id, "health", "injured"),
    }
    assert children[scene.xiaoming.id].finished_at is not None and children[scene.xiaohong.id].needs_follow_up
    assert children[scene.xiaogang.id].finished_at is None
    # Once finished, typing goes to the usual fallback again.
    replies = await tg.send(tg.user(GRANNY), "谢谢老师")
    assert "没看懂这条消息" in replies.text

    # The job: the head teacher gets one list of both children, with the guardians' phones.
    alerts = [m for m in await tick(session_pool, clock, settings, bot) if "需要老师联系" in m.text]
    assert [m.chat_id for m in alerts] == [HEAD]
    text = alerts[0].text
    assert "⚠️ 假期回访：3年级1班 有 2 个孩子需要老师联系" in text
    assert "• 小明：独自一人。王奶奶（奶奶）+8613800000001；张爷爷（爷爷）+8613800000002" in text
    assert "• 小红：受伤了。王奶奶（奶奶）+8613800000001" in text
    assert await tick(session_pool, clock, settings, bot) == []

    # The head teacher's view: who has and has not answered, and each child's answers.
    view = await tg.send(head, "/checkin")
    assert "3年级1班 · 11月23日 · 已答 2/3" in view.buttons()
    results = await tg.tap(head, "3年级1班 · 11月23日")
    assert "3年级1班 假期回访（11月23日）：已答完 2/3" in results.text
    assert "• 小刚：📵 家长没加入机器人" in results.text
    assert "• 小明：✅ 已答完 ⚠️ 需要联系" in results.text
    child = await tg.tap(head, "小红")
    assert "✓ 学习：有时做" in child.text and "✓ 身体安全：受伤了" in child.text
    assert "✓ 想说的话：她摔了一跤" in child.text and "回答人：王奶奶" in child.text


async def test_reminder_goes_once_to_the_unfinished_after_the_delay(
    tg: ChatDriver, bot: MockedBot, factory: Factory, session: AsyncSession,
    session_pool, settings: Settings, clock: FakeClock,
) -> None:
    await build_scene(factory, session)
    await start_as_head(tg)
    await deliver(bot, session_pool, settings, clock)
    for label in ("每天做作业", "很好", "父母回来了", "没有了"):
        await tap(tg, bot, GRANNY, "小明", label)
    await tap(tg, bot, GRANNY, "小红", "很少做")

    clock.advance(hours=23, minutes=55)
    assert await tick(session_pool, clock, settings, bot) == []
    clock.advance(minutes=5)
    reminded = await tick(session_pool, clock, settings, bot)
    # 小明 is finished (so grandpa gets nothing); 小红's card comes again where she left off.
    assert [m.chat_id for m in reminded] == [GRANNY]
    assert "⏰ 还差几题：小红" in reminded[0].text and "✓ 学习：很少做" in reminded[0].text
    assert "（2/4）小红身体和安全怎么样？" in reminded[0].text
    clock.advance(hours=1)
    assert await tick(session_pool, clock, settings, bot) == []
    clock.advance(hours=30)
    assert await tick(session_pool, clock, settings, bot) == []
    # Nobody needs a call: no follow-up message either.
    assert await count(session_pool, OutboxMessage) == 3 + 1  # the cards and the one reminder


async def test_foreign_forged_and_stale_taps_change_nothing(
    tg: ChatDriver, bot: MockedBot, factory: Factory, session: AsyncSession,
    session_pool, settings: Settings, clock: FakeClock,
) -> None:
    await build_scene(factory, session)
    await start_as_head(tg)
    await deliver(bot, session_pool, settings, clock)
    message, data = card(bot, GRANNY, "小明", "每天做作业")
    child_id = int(data.split(":")[1])

    foreign = await tg.press(tg.user(AUNT), data)
    assert "这不是您孩子的问题" in foreign.text
    stranger = await tg.press(tg.user(STRANGER), data)
    assert "这不是您孩子的问题" in stranger.text
    for forged in (f"ci:{child_id}:study:bogus", f"ci:{child_id}:nosuch:daily", "ci:999999:study:daily",
                   f"ci:{child_id}:note:note"):
        assert "这个按钮不对" in (await tg.press(tg.user(GRANNY), forged)).text
    garbage = await tg.press(tg.user(GRANNY), "ci:abc")
    assert garbage.texts, "a broken button must get an answer"
    assert await count(session_pool, CheckinAnswer) == 0

    # After the check-in closes (7 days), a tap is told so and the card loses its buttons.
    clock.advance(days=7)
    stale = await tg.press(tg.user(GRANNY), data, message)
    assert "这次假期回访已经结束了" in stale.text
    [edit] = stale.of(EditMessageText)
    assert edit.reply_markup is None
    assert await count(session_pool, CheckinAnswer) == 0
    # Typing is not taken as an answer either.
    assert "没看懂这条消息" in (await tg.send(tg.user(GRANNY), "小明很好")).text


async def test_write_button_takes_the_next_words_for_that_child(
    tg: ChatDriver, bot: MockedBot, factory: Factory, session: AsyncSession,
    session_pool, settings: Settings, clock: FakeClock,
) -> None:
    """With two cards open, typed words are ambiguous: "write a few words" says whose."""
    scene = await build_scene(factory, session)
    await start_as_head(tg)
    await deliver(bot, session_pool, settings, clock)
    for child in ("小明", "小红"):
        for label in ("每天做作业", "很好", "爷爷奶奶/外公外婆"):
            await tap(tg, bot, GRANNY, child, label)
    ambiguous = await tg.send(tg.user(GRANNY), "都挺好")
    assert "请点下面的按钮回答" in ambiguous.text
    assert await count(session_pool, CheckinAnswer) == 6
    prompt = await tap(tg, bot, GRANNY, "小红", "✏️ 我想写几句话")
    assert "请直接打字发给我想告诉老师的话（小红）" in prompt.text
    done = await tg.send(tg.user(GRANNY), "小红想爸爸妈妈了")
    assert "✓ 想说的话：小红想爸爸妈妈了" in done.text
    async with session_pool() as s:
        note = await s.scalar(select(CheckinAnswer).where(CheckinAnswer.question == "note"))
    assert note.student_id == scene.xiaohong.id and note.note == "小红想爸爸妈妈了"
    # "Please call me" marks 小明 for a call.
    await tap(tg, bot, GRANNY, "小明", "📞 需要老师联系我")
    alerts = [m for m in await tick(session_pool, clock, settings, bot) if "需要老师联系" in m.text]
    assert len(alerts) == 1 and "• 小明：📞 需要老师联系我。" in alerts[0].text and "小红" not in alerts[0].text


async def test_admin_picks_a_class_and_one_open_check_in_per_class(
    tg: ChatDriver, bot: MockedBot, factory: Factory, session: AsyncSession,
    session_pool, settings: Settings, clock: FakeClock,
) -> None:
    await build_scene(factory, session)
    await start_as_head(tg)
    admin = tg.user(ADMIN)
    await tg.send(admin, "/checkin")
    classes = await tg.tap(admin, "➕ 发起假期回访")
    assert {"3年级1班", "4年级2班"} <= set(classes.buttons())
    await tg.tap(admin, "3年级1班")
    refused = await tg.tap(admin, "✅ 发送")
    assert "这个班 11月23日的假期回访还在进行中" in refused.text
    assert await count(session_pool, HolidayCheckin) == 1
    await tg.tap(admin, "⬅️ 返回")
    confirm = await tg.tap(admin, "4年级2班")
    assert "给 4年级2班 的 1 位家长发假期回访（1 个孩子" in confirm.text
    await tg.tap(admin, "✅ 发送")
    assert await count(session_pool, HolidayCheckin) == 2
    sent = await deliver(bot, session_pool, settings, clock)
    cards = {m.chat_id for m in sent if m.text.startswith(("📋 假期回访", "📋 Holiday check-in"))}
    assert cards == {GRANNY, GRANDPA, AUNT}


async def test_who_may_start_and_see(
    tg: ChatDriver, bot: MockedBot, factory: Factory, session: AsyncSession,
    session_pool, settings: Settings, clock: FakeClock,
) -> None:
    await build_scene(factory, session)
    await start_as_head(tg)
    await deliver(bot, session_pool, settings, clock)

    # A subject teacher of the class sees it but cannot start one.
    subject = await tg.send(tg.user(SUBJECT), "/checkin")
    assert "3年级1班 · 11月23日 · 已答 0/3" in subject.buttons()
    assert "➕ 发起假期回访" not in subject.buttons()
    assert "• 小明：❔ 还没回答" in (await tg.tap(tg.user(SUBJECT), "3年级1班")).text
    # Class 2's head teacher and subject teacher, a mentor, another school's admin: nothing.
    for user_id in (HEAD2, OTHER_SUBJECT, OTHER_ADMIN):
        replies = await tg.send(tg.user(user_id), "/checkin")
        assert not any("3年级1班" in b for b in replies.buttons()), user_id
    assert "只有班主任、任课老师和学校管理员" in (await tg.send(tg.user(MENTOR), "/checkin")).text
    # The main menu has the button for the class's teachers, not for guardians.
    assert "📋 假期回访" in (await tg.send(tg.user(SUBJECT), "/start")).buttons()
    assert "📋 假期回访" not in (await tg.send(tg.user(GRANNY), "/start")).buttons()
    home = await tg.tap(tg.user(SUBJECT), "📋 假期回访")
    assert "3年级1班 · 11月23日 · 已答 0/3" in home.buttons()
    # The school admin sees every class.
    assert "3年级1班 · 11月23日 · 已答 0/3" in (await tg.send(tg.user(ADMIN), "/checkin")).buttons()
    # A stranger is refused; a guardian gets their own open cards again, and only those.
    assert "只有班主任、任课老师和学校管理员" in (await tg.send(tg.user(STRANGER), "/checkin")).text
    mine = await tg.send(tg.user(GRANNY), "/checkin")
    assert "小明在家做作业吗" in mine.text and "小红在家做作业吗" in mine.text
    aunt = await tg.send(tg.user(AUNT), "/checkin")
    assert "小明" not in aunt.text and "只有班主任" in aunt.text
