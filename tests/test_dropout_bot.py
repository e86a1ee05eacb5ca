"""控辍保学 through the production dispatcher: the head teacher walks a case through every
stage, opens one by hand, downloads the registers; others cannot see or touch it."""

from __future__ import annotations

import io
from datetime import date, timedelta

from aiogram.methods import SendDocument, SendMessage
from openpyxl import load_workbook
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.commands import commands_for
from bot.sender import OutboxSender
from bot.settings import Settings
from db.models import (
    AttendanceChange,
    AttendanceMark,
    AuditEntry,
    DropoutCase,
    DropoutCaseEvent,
    OutboxMessage,
)
from handlers.dropout import CaseCallback
from locales import get_translator
from services import dropout as service
from services.access import load_actor
from services.clock import FakeClock
from tests.support.chat import ChatDriver
from tests.support.factory import Factory
from tests.support.mocked_bot import MockedBot
from tests.test_dropout import (
    ADMIN,
    BUREAU,
    GRANNY,
    HEAD,
    MON,
    OTHER_ADMIN,
    OTHER_BUREAU,
    OTHER_HEAD,
    Scene,
    absent,
    build_scene,
)


async def _open(session: AsyncSession, clock: FakeClock, scene: Scene, user_id: int = HEAD, student=None) -> int:
    case = await service.open_case_manually(
        session, clock, get_translator(), await load_actor(session, user_id), (student or scene.xiaoming).id
    )
    await session.commit()
    return case.id


async def _case(session_pool: async_sessionmaker[AsyncSession], case_id: int) -> DropoutCase:
    async with session_pool() as s:
        case = await s.get(DropoutCase, case_id)
        assert case is not None
        return case


async def _events(session_pool: async_sessionmaker[AsyncSession], case_id: int) -> list[DropoutCaseEvent]:
    async with session_pool() as s:
        return list(
            await s.scalars(
                select(DropoutCaseEvent).where(DropoutCaseEvent.case_id == case_id).order_by(DropoutCaseEvent.id)
            )
        )


async def _card(tg: ChatDriver, user_id: int, label: str = "小明"):
    user = tg.user(user_id)
    listed = await tg.send(user, "/dropout")
    assert any(label in b for b in listed.buttons()), listed.buttons()
    return user, await tg.tap(user, label)


# ---------------------------------------------------------------- the whole path


async def test_head_teacher_walks_a_case_through_every_stage(
    tg: ChatDriver, factory: Factory, session: AsyncSession, session_pool, clock: FakeClock
) -> None:
    scene = await build_scene(factory, session)
    await absent(session, scene.xiaoming, MON + timedelta(days=3))  # absent the day he comes back
    await session.commit()
    case_id = await _open(session, clock, scene)

    head, card = await _card(tg, HEAD)
    assert "🚸 小明（阳光小学 3年级1班）" in card.text
    assert "现在：疑似辍学，从 2026-11-23 起（0 天）" in card.text
    assert "发现：老师登记，2026-11-23" in card.text
    assert "2026-11-23 建立个案（王老师）" in card.text
    buttons = card.buttons()
    assert "✅ 认定辍学" in buttons and "🏫 学生已返校" in buttons and "📁 结案" in buttons
    assert "⚖️ 依法强制" not in buttons and "📝 学校报告" not in buttons

    # 辍学认定: an optional note, then Save (dated today).
    asked = await tg.tap(head, "✅ 认定辍学")
    assert "认定辍学：写一句情况" in asked.text and "跳过" in asked.buttons()
    save = await tg.send(head, "已一周没来，电话打不通")
    assert "认定辍学：小明" in save.text and "情况：已一周没来，电话打不通" in save.text
    assert "日期：2026-11-23（今天）" in save.text
    saved = await tg.tap(head, "✅ 保存")
    assert "已保存" in saved.text and "现在：已认定辍学" in saved.text
    assert (await _case(session_pool, case_id)).stage == "confirmed"

    # 学校报告: parents and address are offered from the roster.
    clock.advance(days=1)
    await tg.tap(head, "📝 学校报告")
    asked = await tg.send(head, "厌学")
    assert "家长是谁" in asked.text
    assert "已有：父亲 张大山 +8613900000002 在广东东莞；奶奶 王奶奶 +8613800000001" in asked.text
    asked = await tg.tap(head, "✔️ 就用这个")
    assert "家庭地址" in asked.text and "已有：清水村3组12号" in asked.text
    await tg.tap(head, "✔️ 就用这个")
    save = await tg.send(head, "在镇上网吧")
    assert "流失原因：厌学" in save.text and "去向：在镇上网吧" in save.text
    await tg.tap(head, "✅ 保存")
    case = await _case(session_pool, case_id)
    assert (case.stage, case.reason, case.home_address, case.whereabouts) == (
        "reported", "厌学", "清水村3组12号", "在镇上网吧"
    )
    assert case.parents == "父亲 张大山 +8613900000002 在广东东莞；奶奶 王奶奶 +8613800000001"

    # 走访动员: two visits; the first moves the case to persuading. The second is dated
    # by typing a date (a bad one first).
    clock.advance(days=1)
    for said, result, day in (("讲了义务教育法", "家长答应劝说", None), ("再次动员", "学生说下周回来", "2026-11-24")):
        asked = await tg.tap(head, "🚶 记录走访")
        assert "谁去了" in asked.text and "已有：王老师" in asked.text
        await tg.send(head, "王老师、李校长")
        await tg.send(head, said)
        save = await tg.send(head, result)
        assert "走访人：王老师、李校长" in save.text and f"结果：{result}" in save.text
        if day:
            bad = await tg.send(head, "下周一")
            assert "日期请这样写：2026-11-23" in bad.text
            early = await tg.send(head, "2026-11-30")
            assert "日期不能晚于今天" in early.text
            again = await tg.send(head, day)
            assert f"日期：{day}。" in again.text
        await tg.tap(head, "✅ 保存")
    visits = [e for e in await _events(session_pool, case_id) if e.kind == "visit"]
    assert [(v.happened_on, v.visitors, v.said, v.result) for v in visits] == [
        (date(2026, 11, 25), "王老师、李校长", "讲了义务教育法", "家长答应劝说"),
        (date(2026, 11, 24), "王老师、李校长", "再次动员", "学生说下周回来"),
    ]
    assert (await _case(session_pool, case_id)).stage == "persuading"

    # 依法强制: the measure is required (no Skip).
    asked = await tg.tap(head, "⚖️ 依法强制")
    assert "跳过" not in asked.buttons()
    await tg.send(head, "报告镇政府，责令限期送子女入学")
    card = await tg.tap(head, "✅ 保存")
    assert "现在：依法强制" in card.text
    assert "走访（王老师）：王老师、李校长。谈话：再次动员。结果：学生说下周回来" in card.text

    # Back at school: the case ends with the return date, and he is present that day.
    clock.advance(days=1)
    await tg.tap(head, "🏫 学生已返校")
    card = await tg.tap(head, "✅ 保存")
    assert "已返校（2026-11-26）" in card.text
    assert not any(b.startswith(("✅", "📝", "🚶", "⚖️", "🏫", "📁")) for b in card.buttons())
    case = await _case(session_pool, case_id)
    assert (case.stage, case.outcome, case.returned_on) == ("returned", "returned", date(2026, 11, 26))
    assert case.ended_at is not None
    async with session_pool() as s:
        assert await s.scalar(select(AttendanceMark).where(AttendanceMark.student_id == scene.xiaoming.id)) is None
        [change] = list(await s.scalars(select(AttendanceChange)))
    assert (change.day, change.from_status, change.to_status, change.source) == (
        date(2026, 11, 26), "absent", None, "system"
    )
    kinds = [(e.kind, e.to_stage) for e in await _events(session_pool, case_id)]
    assert kinds == [
        ("opened", "suspected"), ("stage", "confirmed"), ("stage", "reported"), ("stage", "persuading"),
        ("visit", None), ("visit", None), ("stage", "enforcing"), ("returned", "returned"),
    ]
    listed = await tg.send(head, "/dropout")
    assert "现在没有未结的个案" in listed.text


async def test_close_with_a_reason(
    tg: ChatDriver, factory: Factory, session: AsyncSession, session_pool, clock: FakeClock
) -> None:
    scene = await build_scene(factory, session)
    case_id = await _open(session, clock, scene)
    admin, _ = await _card(tg, ADMIN)
    asked = await tg.tap(admin, "📁 结案")
    assert asked.buttons()[:3] == ["转学", "随家迁走", "其他原因"]
    asked = await tg.tap(admin, "其他原因")
    assert "请写明原因" in asked.text and "跳过" not in asked.buttons()
    await tg.send(admin, "已满16岁，经教育局同意")
    card = await tg.tap(admin, "✅ 保存")
    assert "已结案：其他原因" in card.text
    case = await _case(session_pool, case_id)
    assert (case.stage, case.outcome, case.close_reason) == ("closed", "other", "已满16岁，经教育局同意")

    # Transferred: the note may be skipped.
    other_id = await _open(session, clock, scene, ADMIN, scene.xiaogang)
    await _card(tg, ADMIN, "小刚")
    await tg.tap(admin, "📁 结案")
    await tg.tap(admin, "转学")
    save = await tg.tap(admin, "跳过")
    assert "结案原因：转学" in save.text
    await tg.tap(admin, "✅ 保存")
    assert (await _case(session_pool, other_id)).outcome == "transferred"


async def test_manual_opening_from_the_bot_tells_the_admin(
    tg: ChatDriver, bot: MockedBot, factory: Factory, session: AsyncSession, session_pool,
    clock: FakeClock, settings: Settings,
) -> None:
    scene = await build_scene(factory, session)
    head = tg.user(HEAD)
    listed = await tg.send(head, "/dropout")
    assert "现在没有未结的个案" in listed.text
    picked = await tg.tap(head, "➕ 新建个案")  # one class: straight to its students
    assert "选择学生（3年级1班）" in picked.text
    assert set(picked.buttons()) >= {"小明", "小红"} and "小刚" not in picked.buttons()
    await tg.tap(head, "小明")
    save = await tg.send(head, "家长说孩子不想读了")
    assert "新建个案：小明" in save.text
    card = await tg.tap(head, "✅ 保存")
    assert "发现：老师登记" in card.text and "说明：家长说孩子不想读了" in card.text
    [case] = list((await session.scalars(select(DropoutCase))).all())
    assert (case.trigger, case.opened_by_id, case.student_id) == ("manual", scene.head.id, scene.xiaoming.id)

    await OutboxSender(bot, session_pool, settings.outbox, clock, get_translator()).run_until_idle()
    sent = [m for m in bot.requests if isinstance(m, SendMessage) and m.chat_id == ADMIN]
    assert len(sent) == 1
    assert "王老师 为 小明（阳光小学 3年级1班）建立了控辍保学个案" in sent[0].text
    # Not to the head teacher who opened it.
    async with session_pool() as s:
        assert [r.person_id for r in await s.scalars(select(OutboxMessage))] == [scene.admin.id]

    # The button under the alert opens the case for the admin.
    replies = await tg.tap(tg.user(ADMIN), "查看个案")
    assert "🚸 小明（阳光小学 3年级1班）" in replies.text
    # And the student with an open case is no longer offered.
    await tg.send(head, "/dropout")
    picked = await tg.tap(head, "➕ 新建个案")
    assert "小明" not in picked.buttons()


async def test_admin_picks_a_class_first(tg: ChatDriver, factory: Factory, session: AsyncSession) -> None:
    await build_scene(factory, session)
    admin = tg.user(ADMIN)
    await tg.send(admin, "/dropout")
    picked = await tg.tap(admin, "➕ 新建个案")
    assert "给哪个班的学生建立个案" in picked.text
    assert picked.buttons()[:2] == ["3年级1班", "4年级2班"]
    students = await tg.tap(admin, "4年级2班")
    assert "小刚" in students.buttons()


# ------------------------------------------------------------------- registers


async def test_registers_from_the_bot(
    tg: ChatDriver, factory: Factory, session: AsyncSession, session_pool, clock: FakeClock
) -> None:
    scene = await build_scene(factory, session)
    head_actor = await load_actor(session, HEAD)
    case_id = await _open(session, clock, scene)
    await service.confirm_dropout(session, clock, head_actor, case_id)
    await service.file_report(session, clock, head_actor, case_id, reason="厌学", parents="父亲 张大山",
                              home_address="清水村3组12号", whereabouts="在家")
    await _open(session, clock, scene, ADMIN, scene.xiaogang)
    await session.commit()

    admin = tg.user(ADMIN)
    await tg.send(admin, "/dropout")
    months = await tg.tap(admin, "📊 登记表")
    assert months.buttons()[:2] == ["📊 本月（2026-11）", "📊 上月（2026-10）"]
    replies = await tg.tap(admin, "本月")
    [document] = replies.of(SendDocument)
    assert document.document.filename == "控辍保学登记表-阳光小学-2026-11.xlsx"
    assert document.caption == "阳光小学 控辍保学登记表（2026-11）"
    workbook = load_workbook(io.BytesIO(document.document.data))
    register = [list(r) for r in workbook["流失学生登记表"].iter_rows(min_row=3, values_only=True)]
    assert [r[1:7] for r in register] == [["小明", "3年级1班", "厌学", "父亲 张大山", "清水村3组12号", "在家"]]
    assert register[0][8] == "已报告"
    suspected = [list(r) for r in workbook["疑似辍学名单"].iter_rows(min_row=3, values_only=True)]
    assert [r[1] for r in suspected] == ["小刚"]

    # The head teacher of class 1 gets only class 1.
    head = tg.user(HEAD)
    await tg.send(head, "/dropout")
    await tg.tap(head, "📊 登记表")
    [document] = (await tg.tap(head, "本月")).of(SendDocument)
    workbook = load_workbook(io.BytesIO(document.document.data))
    assert [r[1] for r in workbook["疑似辍学名单"].iter_rows(min_row=3, values_only=True)] == []
    assert [r[1] for r in workbook["流失学生登记表"].iter_rows(min_row=3, values_only=True)] == ["小明"]
    # Each export is in the audit log (ids only).
    async with session_pool() as s:
        exports = (await s.execute(select(AuditEntry.what, AuditEntry.school_id).where(
            AuditEntry.action == "export"))).all()
    assert [tuple(r) for r in exports] == [("dropout-register-export", scene.school.id)] * 2


# ---------------------------------------------------------------------- privacy


async def test_others_do_not_see_the_case(
    tg: ChatDriver, factory: Factory, session: AsyncSession, session_pool, clock: FakeClock
) -> None:
    scene = await build_scene(factory, session)
    case_id = await _open(session, clock, scene)

    for user_id in (OTHER_HEAD, OTHER_ADMIN, OTHER_BUREAU):
        listed = await tg.send(tg.user(user_id), "/dropout")
        assert not any("小明" in b for b in listed.buttons()), user_id
        assert "小明" not in listed.text
        # The alert's button, forged: refused, nothing shown.
        forged = await tg.press(tg.user(user_id), CaseCallback(case_id=case_id).pack())
        assert "您不能查看或处理这个个案" in forged.text or "You cannot see or work on this case" in forged.text
        assert "小明" not in forged.text

    granny = tg.user(GRANNY)
    refused = await tg.send(granny, "/dropout")
    assert "只有班主任、学校管理员和教育局可以查看控辍保学个案" in refused.text
    forged = await tg.press(granny, f"dcase:{case_id}")
    assert "您不能查看或处理这个个案" in forged.text and "小明" not in forged.text
    assert "dropout" not in commands_for({"guardian"})
    assert "dropout" in commands_for({"teacher", "head_teacher"})


async def test_forged_case_id_in_the_list_is_refused(
    tg: ChatDriver, factory: Factory, session: AsyncSession, session_pool, clock: FakeClock
) -> None:
    scene = await build_scene(factory, session)
    await _open(session, clock, scene)  # class 1
    other_id = await _open(session, clock, scene, OTHER_HEAD, scene.xiaogang)  # class 2
    foreign_id = await _open(session, clock, scene, OTHER_ADMIN, scene.xiaojun)  # school B

    head = tg.user(HEAD)
    listed = await tg.send(head, "/dropout")
    assert [b for b in listed.buttons() if "·" in b] == ["小明 · 3年级1班 · 疑似辍学"]
    message, data = tg.last_bot_message_with(head, "小明")
    mine = data.rsplit(":", 1)[1]
    for stranger in (other_id, foreign_id):
        forged = await tg.press(head, data[: -len(mine)] + str(stranger), message)
        assert "您不能查看或处理这个个案" in forged.text
        assert "小刚" not in forged.text and "小军" not in forged.text
    assert (await _case(session_pool, other_id)).stage == "suspected"

    # A forged student in "new case" is refused too.
    await tg.send(head, "/dropout")
    picked = await tg.tap(head, "➕ 新建个案")
    message, data = tg.last_bot_message_with(head, "小红")
    forged = await tg.press(head, data.rsplit(":", 1)[0] + f":{scene.xiaogang.id}", message)
    assert "您不能查看或处理这个个案" in forged.text
    assert "小红" in picked.buttons()


async def test_bureau_sees_its_county_read_only(
    tg: ChatDriver, factory: Factory, session: AsyncSession, session_pool, clock: FakeClock
) -> None:
    scene = await build_scene(factory, session)
    case_id = await _open(session, clock, scene)
    bureau, card = await _card(tg, BUREAU)
    assert "🚸 小明（阳光小学 3年级1班）" in card.text and "（只能查看）" in card.text
    assert not any(b.startswith(("✅", "📝", "🚶", "⚖️", "🏫", "📁")) for b in card.buttons())
    listed = await tg.send(bureau, "/dropout")
    assert "➕ 新建个案" not in listed.buttons() and "📊 登记表" not in listed.buttons()
    # A step button taken from the head teacher's card, pressed by the bureau: refused.
    head, _ = await _card(tg, HEAD)
    message, data = tg.last_bot_message_with(head, "✅ 认定辍学")
    await _card(tg, BUREAU)
    bureau_message, bureau_data = tg.last_bot_message_with(bureau, "⬅️ 返回个案列表")
    intent = bureau_data.split("\x1d")[0]
    forged = await tg.press(bureau, intent + "\x1d" + data.split("\x1d", 1)[1], bureau_message)
    assert "您不能查看或处理这个个案" in forged.text
    assert (await _case(session_pool, case_id)).stage == "suspected"


# -------------------------------------------------------------------- bad input


async def test_stale_step_after_someone_else_moved_the_case(
    tg: ChatDriver, factory: Factory, session: AsyncSession, session_pool, clock: FakeClock
) -> None:
    scene = await build_scene(factory, session)
    case_id = await _open(session, clock, scene)
    head, _ = await _card(tg, HEAD)
    await tg.tap(head, "✅ 认定辍学")
    await tg.tap(head, "跳过")  # on the Save screen now
    # Meanwhile the admin confirms it.
    async with session_pool() as s:
        await service.confirm_dropout(s, clock, await load_actor(s, ADMIN), case_id)
        await s.commit()
    replies = await tg.tap(head, "✅ 保存")
    assert "个案已经有了新进展" in replies.text
    assert [e.kind for e in await _events(session_pool, case_id)] == ["opened", "stage"]


async def test_double_tap_on_save_logs_one_visit(
    tg: ChatDriver, factory: Factory, session: AsyncSession, session_pool, clock: FakeClock
) -> None:
    scene = await build_scene(factory, session)
    case_id = await _open(session, clock, scene)
    head_actor = await load_actor(session, HEAD)
    await service.confirm_dropout(session, clock, head_actor, case_id)
    await service.file_report(session, clock, head_actor, case_id, reason="r", parents="p", home_address="a",
                              whereabouts="w")
    await session.commit()
    head, _ = await _card(tg, HEAD)
    await tg.tap(head, "🚶 记录走访")
    await tg.tap(head, "✔️ 就用这个")
    await tg.send(head, "动员返校")
    await tg.send(head, "家长同意")
    message, data = tg.last_bot_message_with(head, "✅ 保存")
    await tg.press(head, data, message)
    again = await tg.press(head, data, message)
    assert "出了点问题" not in again.text
    assert [e.kind for e in await _events(session_pool, case_id)].count("visit") == 1


async def test_text_instead_of_a_tap_and_a_photo_instead_of_text(
    tg: ChatDriver, factory: Factory, session: AsyncSession, session_pool, clock: FakeClock
) -> None:
    from aiogram.types import Location, Update

    scene = await build_scene(factory, session)
    case_id = await _open(session, clock, scene)
    head, _ = await _card(tg, HEAD)
    hint = await tg.send(head, "认定")
    assert "没看懂这条消息。请点下面的按钮操作" in hint.text
    assert "✅ 认定辍学" in hint.buttons()  # the card again, below the hint
    await tg.tap(head, "✅ 认定辍学")
    located = await tg.feed(
        Update(update_id=90001, message=tg._message(head, location=Location(latitude=30.6, longitude=104.1)))
    )
    assert "请直接输入文字" in located.text
    blank = await tg.send(head, "   ")
    assert "内容是空的" in blank.text or "没看懂" in blank.text
    too_long = await tg.send(head, "字" * 501)
    assert "太长了：501 个字，最多 500 个字" in too_long.text
    assert (await _case(session_pool, case_id)).stage == "suspected"


async def test_menu_button_for_staff_only(tg: ChatDriver, factory: Factory, session: AsyncSession) -> None:
    await build_scene(factory, session)
    menu = await tg.send(tg.user(HEAD), "/start")
    assert "🚸 控辍保学" in menu.buttons()
    listed = await tg.tap(tg.user(HEAD), "🚸 控辍保学")
    assert "现在没有未结的个案" in listed.text
    back = await tg.tap(tg.user(HEAD), "⬅️ 返回菜单")
    assert "🚸 控辍保学" in back.buttons()
    assert "🚸 控辍保学" not in (await tg.send(tg.user(GRANNY), "/start")).buttons()
    assert "🚸 控辍保学" in (await tg.send(tg.user(BUREAU), "/start")).buttons()
