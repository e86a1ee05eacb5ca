"""A school admin's read-only overview of today's attendance, through the production
dispatcher: one line per class (saved and when, absent, unexplained), a class's
not-present list behind its button, non-school days, several schools, paging, the admin
who is also a head teacher, and who is refused (another school, forged buttons, guardians,
strangers)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime

from aiogram.types import InlineKeyboardMarkup, Message
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from db.models import AttendanceMark, CalendarDay, ClassTeacher, School, SchoolClass, Student
from services.clock import FakeClock
from tests.support.chat import ChatDriver
from tests.support.factory import Factory

ADMIN = 100  # 阳光小学, zh
ADMIN_EN = 101  # 阳光小学, en
ADMIN_B = 110  # 希望小学 only
ADMIN_HEAD = 120  # admin of 阳光小学 and head teacher of its 6年级1班
HEAD = 300  # 3年级1班
HEAD2 = 301  # 4年级2班
SUBJECT = 310  # teaches 3年级1班
GRANNY = 201  # 小明's guardian
UNCLE = 202  # 小红's guardian
STRANGER = 999

OVERVIEW_BUTTON = "🏫 全校今日到校"


@dataclass
class Scene:
    school: School
    school_b: School
    class1: SchoolClass
    class2: SchoolClass
    class_b: SchoolClass
    students: dict[str, Student]


async def build_scene(factory: Factory, session: AsyncSession) -> Scene:
    school = await factory.school("阳光小学")
    school_b = await factory.school("希望小学")
    for tid, name, lang in ((ADMIN, "李校长", None), (ADMIN_EN, "Ms Li", "en")):
        admin = await factory.person(name, telegram_user_id=tid, language=lang)
        await factory.staff(admin, school, is_school_admin=True)
    admin_b = await factory.person("孙校长", telegram_user_id=ADMIN_B)
    await factory.staff(admin_b, school_b, is_school_admin=True)
    admin_head = await factory.person("周主任", telegram_user_id=ADMIN_HEAD)
    admin_head_post = await factory.staff(admin_head, school, is_school_admin=True, is_head_teacher=True)
    head = await factory.person("王老师", telegram_user_id=HEAD)
    head_post = await factory.staff(head, school, is_head_teacher=True)
    head2 = await factory.person("吴老师", telegram_user_id=HEAD2)
    head2_post = await factory.staff(head2, school, is_head_teacher=True)
    subject = await factory.person("赵老师", telegram_user_id=SUBJECT)
    subject_post = await factory.staff(subject, school, is_subject_teacher=True)
    head_b = await factory.person("郑老师")
    head_b_post = await factory.staff(head_b, school_b, is_head_teacher=True)

    class1 = await factory.school_class(school, grade=3, name="1班", head_teacher=head_post)
    class2 = await factory.school_class(school, grade=4, name="2班", head_teacher=head2_post)
    class6 = await factory.school_class(school, grade=6, name="1班", head_teacher=admin_head_post)
    class_b = await factory.school_class(school_b, grade=1, name="3班", head_teacher=head_b_post)
    students = {}
    for name in ("小明", "小红", "小刚", "小丽"):
        students[name] = await factory.student(school, class1, name)
    for name in ("小军", "小华"):
        students[name] = await factory.student(school, class2, name)
    students["小强"] = await factory.student(school, class6, "小强")
    students["小芳"] = await factory.student(school_b, class_b, "小芳")

    granny = await factory.person("王奶奶", telegram_user_id=GRANNY)
    uncle = await factory.person("刘叔叔", telegram_user_id=UNCLE)
    await factory.guardian_of(students["小明"], granny)
    await factory.guardian_of(students["小红"], uncle, "uncle")
    session.add(ClassTeacher(class_id=class1.id, staff_id=subject_post.id, subject="数学"))
    await session.commit()
    return Scene(school, school_b, class1, class2, class_b, students)


def _keyboard(tg: ChatDriver, user_id: int) -> tuple[Message, list[list]]:
    for (chat_id, _), message in sorted(tg.bot.session.messages.items(), key=lambda kv: -kv[0][1]):
        if chat_id == user_id and isinstance(message.reply_markup, InlineKeyboardMarkup):
            return message, message.reply_markup.inline_keyboard
    raise AssertionError("no keyboard")


async def _mark_id(pool: async_sessionmaker[AsyncSession], student: Student) -> int:
    async with pool() as session:
        return await session.scalar(select(AttendanceMark.id).where(AttendanceMark.student_id == student.id))


async def _class1_two_absent_one_unexplained(
    tg: ChatDriver, scene: Scene, pool: async_sessionmaker[AsyncSession]
) -> None:
    """3年级1班 saved at 09:00 with 小明 and 小红 absent for no known reason; 小明's
    granny answers "sick" (explained), 小红's uncle "don't know" (still unexplained)."""
    head = tg.user(HEAD)
    await tg.send(head, "/attendance")
    await tg.tap(head, "小明")
    await tg.tap(head, "小红")
    await tg.tap(head, "📤 提交（2 人没到）")
    await tg.press(tg.user(GRANNY), f"abs:{await _mark_id(pool, scene.students['小明'])}:sick")
    await tg.press(tg.user(UNCLE), f"abs:{await _mark_id(pool, scene.students['小红'])}:dont_know")


# ---------------------------------------------------------------- the overview


async def test_admin_sees_one_line_per_class_with_the_right_counts(
    tg: ChatDriver, factory: Factory, session: AsyncSession, session_pool
) -> None:
    scene = await build_scene(factory, session)
    await _class1_two_absent_one_unexplained(tg, scene, session_pool)

    admin = tg.user(ADMIN)
    replies = await tg.send(admin, "/attendance")
    text = replies.text
    assert "只有老师" not in text
    assert "🏫 阳光小学 · 11月23日 到校情况" in text
    assert "已点名 1/3 个班 · 缺勤 2 人，未说明 1 人" in text
    assert "3年级1班 ✅ 09:00 · 缺勤 2（未说明 1）" in text
    assert "4年级2班 ❌ 还没点名" in text
    assert "6年级1班 ❌ 还没点名" in text
    assert "希望小学" not in text and "1年级3班" not in text  # another school
    assert not any(name in text for name in scene.students)  # names only behind the button
    buttons = replies.buttons()
    assert "👁 3年级1班 没到名单（2）" in buttons
    assert not any("4年级2班" in b or "6年级1班" in b for b in buttons)  # nobody absent there

    # The class's button: only that class, read-only, with reasons and answers.
    detail = await tg.tap(admin, "👁 3年级1班 没到名单（2）")
    assert "3年级1班：班主任 09:00 已点名" in detail.text
    assert "🤒 小明 · 病假 · 家长：生病" in detail.text
    assert "❌ 小红 · 原因未知 · 家长：不知道" in detail.text
    assert not any(n in detail.text for n in ("小刚", "小丽", "小军", "小华", "小强", "小芳"))
    assert "只读" in detail.text
    back = await tg.tap(admin, "返回")
    assert "3年级1班 ✅ 09:00 · 缺勤 2（未说明 1）" in back.text


async def test_a_late_student_is_not_counted_absent(
    tg: ChatDriver, factory: Factory, session: AsyncSession, session_pool
) -> None:
    await build_scene(factory, session)
    head = tg.user(HEAD)
    await tg.send(head, "/attendance")
    await tg.tap(head, "小明")
    await tg.tap(head, "⏰迟到")
    await tg.tap(head, "📤 提交（1 人没到）")
    replies = await tg.send(tg.user(ADMIN), "/attendance")
    assert "3年级1班 ✅ 09:00 · 迟到 1" in replies.text
    assert "缺勤 0（" not in replies.text and "已点名 1/3 个班 · 缺勤 0 人，未说明 0 人" in replies.text


async def test_all_present_class_says_so(
    tg: ChatDriver, factory: Factory, session: AsyncSession
) -> None:
    await build_scene(factory, session)
    head = tg.user(HEAD)
    await tg.send(head, "/attendance")
    await tg.tap(head, "✅ 全部到校，提交")
    replies = await tg.send(tg.user(ADMIN), "/attendance")
    assert "3年级1班 ✅ 09:00 · 全到 4 人" in replies.text
    assert not any("没到名单" in b for b in replies.buttons())


async def test_non_school_day(
    tg: ChatDriver, factory: Factory, session: AsyncSession, clock: FakeClock
) -> None:
    scene = await build_scene(factory, session)
    clock.set(datetime(2026, 11, 28, 1, 0, tzinfo=UTC))  # Saturday 09:00 in Shanghai
    replies = await tg.send(tg.user(ADMIN), "/attendance")
    assert "🏫 阳光小学 · 11月28日 到校情况" in replies.text and "今天不上课。" in replies.text
    assert "还没点名" not in replies.text and "3年级1班" not in replies.text
    assert not any("没到名单" in b for b in replies.buttons())

    # A holiday on a Monday, per the school's calendar.
    session.add(CalendarDay(school_id=scene.school.id, day=datetime(2026, 11, 30).date(),
                            is_school_day=False, created_at=clock.now()))
    await session.commit()
    clock.set(datetime(2026, 11, 30, 1, 0, tzinfo=UTC))
    replies = await tg.send(tg.user(ADMIN), "/attendance")
    assert "今天不上课。" in replies.text and "还没点名" not in replies.text


async def test_english_admin_reads_english(
    tg: ChatDriver, factory: Factory, session: AsyncSession, session_pool
) -> None:
    scene = await build_scene(factory, session)
    await _class1_two_absent_one_unexplained(tg, scene, session_pool)
    admin = tg.user(ADMIN_EN, language="en")
    replies = await tg.send(admin, "/attendance")
    assert "🏫 阳光小学 · attendance 11/23" in replies.text
    assert "Taken 1/3 classes · 2 absent, 1 unexplained" in replies.text
    assert "grade 3, 1班 ✅ 09:00 · 2 absent (1 unexplained)" in replies.text
    assert "grade 4, 2班 ❌ not taken yet" in replies.text
    assert "还没点名" not in replies.text and "缺勤" not in replies.text
    detail = await tg.tap(admin, "👁 grade 3, 1班 not here (2)")
    assert "小红" in detail.text and "Read only." in detail.text


async def test_menu_button_opens_the_overview_for_an_admin(
    tg: ChatDriver, factory: Factory, session: AsyncSession
) -> None:
    await build_scene(factory, session)
    admin = tg.user(ADMIN)
    menu = await tg.send(admin, "/start")
    assert menu.buttons().count("📝 今日点名") == 1
    replies = await tg.tap(admin, "📝 今日点名")
    assert "🏫 阳光小学 · 11月23日 到校情况" in replies.text


# ---------------------------------------------------------------- who sees what


async def test_admin_of_another_school_sees_nothing_of_this_one(
    tg: ChatDriver, factory: Factory, session: AsyncSession, session_pool
) -> None:
    scene = await build_scene(factory, session)
    await _class1_two_absent_one_unexplained(tg, scene, session_pool)
    admin_b = tg.user(ADMIN_B)
    replies = await tg.send(admin_b, "/attendance")
    assert "🏫 希望小学 · 11月23日 到校情况" in replies.text
    assert "1年级3班 ❌ 还没点名" in replies.text
    assert "阳光小学" not in replies.text and "3年级1班" not in replies.text
    assert not any("3年级1班" in b for b in replies.buttons())

    # A class button forged with 阳光小学's class id: refused, nothing of it shown.
    message, rows = _keyboard(tg, ADMIN_B)
    intent = rows[0][0].callback_data.split("\x1d")[0]
    forged = await tg.press(admin_b, f"{intent}\x1dsc:{scene.class1.id}", message)
    assert "这不是您学校的班" in forged.text
    assert not any(n in forged.text for n in ("小明", "小红", "3年级1班"))
    bad = await tg.press(admin_b, f"{intent}\x1dsc:x", message)
    assert "这个按钮不对" in bad.text


async def test_admin_who_is_head_teacher_gets_own_sheet_first_then_the_school(
    tg: ChatDriver, factory: Factory, session: AsyncSession, session_pool
) -> None:
    scene = await build_scene(factory, session)
    await _class1_two_absent_one_unexplained(tg, scene, session_pool)
    admin_head = tg.user(ADMIN_HEAD)
    sheet = await tg.send(admin_head, "/attendance")
    assert "6年级1班 · 11月23日 点名" in sheet.text
    assert OVERVIEW_BUTTON in sheet.buttons()
    overview = await tg.tap(admin_head, OVERVIEW_BUTTON)
    assert "3年级1班 ✅ 09:00 · 缺勤 2（未说明 1）" in overview.text
    back = await tg.tap(admin_head, "返回")
    assert "6年级1班 · 11月23日 点名" in back.text
    # Their own sheet still works as before.
    saved = await tg.tap(admin_head, "✅ 全部到校，提交")
    assert "全部到校" in saved.text and OVERVIEW_BUTTON in saved.buttons()
    overview = await tg.send(tg.user(ADMIN), "/attendance")
    assert "6年级1班 ✅ 09:00 · 全到 1 人" in overview.text


async def test_teacher_without_admin_post_cannot_reach_the_overview(
    tg: ChatDriver, factory: Factory, session: AsyncSession, session_pool
) -> None:
    """The subject teacher's read-only screen has no school button; forging its tap is
    refused and shows nothing of the school."""
    scene = await build_scene(factory, session)
    await _class1_two_absent_one_unexplained(tg, scene, session_pool)
    subject = tg.user(SUBJECT)
    view = await tg.send(subject, "/attendance")
    assert OVERVIEW_BUTTON not in view.buttons()
    message, rows = _keyboard(tg, SUBJECT)
    intent = rows[0][0].callback_data.split("\x1d")[0]
    forged = await tg.press(subject, f"{intent}\x1dschool", message)
    assert "这不是您学校的班" in forged.text and "4年级2班" not in forged.text
    forged = await tg.press(subject, f"{intent}\x1dsc:{scene.class2.id}", message)
    assert "小军" not in forged.text and "4年级2班" not in forged.text


async def test_guardians_and_strangers_are_still_refused(
    tg: ChatDriver, factory: Factory, session: AsyncSession
) -> None:
    await build_scene(factory, session)
    for tid in (GRANNY, STRANGER):
        replies = await tg.send(tg.user(tid), "/attendance")
        assert "只有老师可以打开点名表" in replies.text
        assert "阳光小学" not in replies.text and replies.buttons() == []


# ---------------------------------------------------------------- a big school


async def test_a_big_school_is_paged_and_every_page_fits_one_message(
    tg: ChatDriver, factory: Factory, session: AsyncSession
) -> None:
    scene = await build_scene(factory, session)
    for grade in range(1, 7):
        for n in range(1, 11):
            klass = await factory.school_class(scene.school, grade=grade, name=f"{n + 10}班")
            await factory.student(scene.school, klass, f"学生{grade}-{n}")
    await session.commit()  # 63 classes in all
    admin = tg.user(ADMIN)
    first = await tg.send(admin, "/attendance")
    lines = first.text.splitlines()
    assert len(first.text) < 4096 and len(lines) <= 42
    assert "第 1/2 页" in first.text and "已点名 0/63 个班" in first.text
    second = await tg.tap(admin, "下一页 ➡️")
    assert "第 2/2 页" in second.text and "阳光小学（续）" in second.text
    assert len(second.text) < 4096
    shown = re.findall(r"(\d年级\d+班) ❌", first.text + second.text)
    assert len(shown) == len(set(shown)) == 63
