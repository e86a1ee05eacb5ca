"""调查摸底 through the production dispatcher: the head teacher opens the census from the
term-start message, confirms with one tap per student, records each kind of change with
taps and short text; the admin sees the progress and downloads the report; nobody reaches
another class or school; typed text, forged and stale buttons get a short answer."""

from __future__ import annotations

import io

from aiogram.methods import SendDocument
from openpyxl import load_workbook
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.sender import OutboxSender
from bot.settings import Settings
from db.models import AwayParent, CensusChange, CensusEntry, OutboxMessage, Person, StudentGuardian
from locales import get_translator
from services import census as service
from services.clock import FakeClock
from tests.support.chat import ChatDriver
from tests.support.factory import Factory
from tests.support.mocked_bot import MockedBot
from tests.test_census import ADMIN, GRANNY, HEAD, OTHER_ADMIN, OTHER_HEAD, SUBJECT, at, build_scene


async def _start_census(session: AsyncSession, session_pool, clock: FakeClock, bot: MockedBot,
                        settings: Settings) -> None:
    clock.set(at(3, 1, 8))
    await service.run_due(session, clock, get_translator(), service.CensusRules())
    await session.commit()
    await OutboxSender(bot, session_pool, settings.outbox, clock, get_translator()).run_until_idle()


async def _changes(pool) -> list[CensusChange]:  # type: ignore[no-untyped-def]
    async with pool() as session:
        return list(await session.scalars(select(CensusChange).order_by(CensusChange.id)))


async def test_head_teacher_confirms_from_the_start_message_one_tap_each(
    tg: ChatDriver, factory: Factory, session: AsyncSession, session_pool, clock: FakeClock, bot: MockedBot,
    settings: Settings,
) -> None:
    scene = await build_scene(factory, session)
    await _start_census(session, session_pool, clock, bot, settings)
    head = tg.user(HEAD)
    clock.set(at(3, 1, 9))
    listing = await tg.tap(head, "📋 开始核对")
    assert "2027春季学期 调查摸底 · 3年级1班：已核对 0/2" in listing.text
    assert listing.buttons()[:2] == ["⬜ 小明", "⬜ 小红"]
    assert "小丽" not in " ".join(listing.buttons())

    card = await tg.tap(head, "⬜ 小明")
    assert "👤 小明（2027春季学期）" in card.text
    assert "· 父亲：在广东深圳" in card.text
    assert "· 奶奶 王奶奶，电话 +8613800000001" in card.text and "· 爷爷 李爷爷" in card.text
    nxt = await tg.tap(head, "✅ 情况无变化")
    assert "✅ 已保存：小明 情况无变化。下一个：" in nxt.text and "👤 小红" in nxt.text  # straight to the next
    done = await tg.tap(head, "✅ 情况无变化")
    assert "全部核对完了" in done.text and done.buttons()[:2] == ["✅ 小明", "✅ 小红"]
    async with session_pool() as s:
        entries = list(await s.scalars(select(CensusEntry).order_by(CensusEntry.id)))
    assert [(e.student_id, e.status) for e in entries] == [(scene.xiaoming.id, "unchanged"),
                                                           (scene.xiaohong.id, "unchanged")]
    # Typed text where a tap is expected: a hint, nothing written.
    hint = await tg.send(head, "小明没变化")
    assert "没看懂这条消息。请点下面的按钮操作" in hint.text and "✅ 小明" in hint.buttons()
    assert len(await _changes(session_pool)) == 0


async def test_workplace_guardian_and_left_behind_changes_with_taps_and_text(
    tg: ChatDriver, factory: Factory, session: AsyncSession, session_pool, clock: FakeClock,
) -> None:
    scene = await build_scene(factory, session)
    clock.set(at(3, 2, 10))
    head = tg.user(HEAD)
    await tg.send(head, "/census")
    await tg.tap(head, "⬜ 小红")
    kinds = await tg.tap(head, "✏️ 有变化")
    assert "小红 有什么变化？" in kinds.text
    assert kinds.buttons()[:3] == ["🏠 不再是留守（父母回家了）", "🏭 父母打工地点变了", "👵 主要监护人换了"]
    ask = await tg.tap(head, "🏭 父母打工地点变了")  # one away parent: no need to pick
    assert "母亲原来在：广东广州。现在在哪里打工？" in ask.text
    saved = await tg.send(head, "福建厦门")
    assert "✏️ 已保存 小红 的变化" in saved.text and "· 打工地点变化：母亲：广东广州 → 母亲：福建厦门" in saved.text

    # The main guardian: a new person typed, a bad phone first.
    await tg.tap(head, "✏️ 有变化")
    pick = await tg.tap(head, "👵 主要监护人换了")
    assert "王奶奶（奶奶）" in pick.buttons()
    await tg.tap(head, "➕ 新的监护人")
    bad = await tg.send(head, "张阿姨 12345")
    assert "电话号码不对" in bad.text
    relation = await tg.send(head, "张阿姨 139 0000 0001")
    assert "张阿姨 是孩子的什么人？" in relation.text
    confirm = await tg.tap(head, "阿姨")
    assert "小红 的主要监护人：张阿姨（阿姨）" in confirm.text
    assert "❌ 王奶奶（奶奶）不再监护" in confirm.buttons()
    toggled = await tg.tap(head, "❌ 王奶奶（奶奶）不再监护")
    assert "✔️ 王奶奶（奶奶）继续监护" in toggled.buttons()
    await tg.tap(head, "✔️ 王奶奶（奶奶）继续监护")  # back to "stops"
    saved = await tg.tap(head, "💾 保存")
    assert "· 监护人变化：王奶奶（奶奶） → 张阿姨（阿姨）" in saved.text
    async with session_pool() as s:
        links = list(await s.scalars(select(StudentGuardian).where(
            StudentGuardian.student_id == scene.xiaohong.id).order_by(StudentGuardian.id)))
        aunt = await s.get(Person, links[-1].person_id)
    assert [(link.relation, link.ended_at is None) for link in links] == [("grandmother", False), ("aunt", True)]
    assert aunt is not None and aunt.phone == "+8613900000001"

    # Left-behind now: a student not on the list.
    listing = await tg.tap(head, "📋 回到名单")
    others = await tg.tap(head, "➕ 其他学生（登记为留守）")
    assert others.buttons()[0] == "小丽"
    await tg.tap(head, "小丽")
    kinds = await tg.tap(head, "✏️ 有变化")
    assert "✈️ 现在是留守（父母外出打工）" in kinds.buttons()
    await tg.tap(head, "✈️ 现在是留守（父母外出打工）")
    await tg.tap(head, "爸爸和妈妈")
    tapped = await tg.tap(head, "不知道")
    assert "· 新增留守：非留守 → 父亲；母亲外出打工" in tapped.text
    listing = await tg.tap(head, "📋 回到名单")
    assert "✏️ 小丽" in listing.buttons() and "✏️ 小红" in listing.buttons()

    # No longer left-behind.
    await tg.tap(head, "⬜ 小明")
    await tg.tap(head, "✏️ 有变化")
    sure = await tg.tap(head, "🏠 不再是留守（父母回家了）")
    assert "确认：小明 不再是留守学生" in sure.text
    await tg.tap(head, "✅ 确认")
    kinds = [c.kind for c in await _changes(session_pool)]
    assert kinds == ["work_place", "guardian", "became_left_behind", "stopped_left_behind"]
    async with session_pool() as s:
        away = {(a.student_id, a.relation) for a in await s.scalars(select(AwayParent))}
    assert (scene.xiaoming.id, "father") not in away
    assert {(scene.xiaoli.id, "father"), (scene.xiaoli.id, "mother")} <= away


async def test_transfer_note_reaches_the_admin_in_english_for_an_english_teacher(
    tg: ChatDriver, factory: Factory, session: AsyncSession, session_pool, clock: FakeClock,
) -> None:
    await build_scene(factory, session)
    clock.set(at(3, 2, 10))
    zhou = tg.user(OTHER_HEAD, language="en")
    listing = await tg.send(zhou, "/census")
    assert "2027春季学期 census · Grade 4 2班: checked 0/1" in listing.text
    await tg.tap(zhou, "⬜ 小刚")
    await tg.tap(zhou, "✏️ Changed")
    ask = await tg.tap(zhou, "🔀 Transferred")
    assert "Which school did 小刚 transfer to?" in ask.text
    blank = await tg.send(zhou, "   ")
    assert "Please type some text." in blank.text
    saved = await tg.send(zhou, "城关小学")
    assert "· Transferred (head teacher's note): — → to: 城关小学" in saved.text
    [change] = await _changes(session_pool)
    assert (change.kind, change.new_value) == ("transferred", "城关小学")
    async with session_pool() as s:
        [notice] = list(await s.scalars(select(OutboxMessage).where(OutboxMessage.kind == "census-transfer")))
    assert notice.chat_id == ADMIN and "4年级2班 的 小刚 已转学（转到：城关小学）" in notice.payload["text"]


async def test_admin_sees_progress_and_downloads_the_report(
    tg: ChatDriver, factory: Factory, session: AsyncSession, session_pool, clock: FakeClock, bot: MockedBot,
) -> None:
    scene = await build_scene(factory, session)
    clock.set(at(3, 3, 10))
    head = tg.user(HEAD)
    await tg.send(head, "/census")
    await tg.tap(head, "⬜ 小明")
    await tg.tap(head, "✅ 情况无变化")
    admin = tg.user(ADMIN)
    view = await tg.send(admin, "/census")
    assert "📋 2027春季学期 调查摸底进度：" in view.text
    assert "• 3年级1班（王老师）：已核对 1/2，未核对留守 1" in view.text
    assert "• 4年级2班（周老师）：已核对 0/1，未核对留守 1" in view.text
    sent = await tg.tap(admin, "📥 下载变化表")
    [doc] = sent.of(SendDocument)
    assert doc.chat_id == ADMIN and doc.caption == "📊 2027春季学期 调查摸底变化表"
    missing = load_workbook(io.BytesIO(doc.document.data)).worksheets[1]
    assert [r[1] for r in missing.iter_rows(min_row=2, values_only=True)] == ["小红", "小刚"]
    # The admin can open a class too.
    listing = await tg.tap(admin, "4年级2班")
    assert "⬜ 小刚" in listing.buttons()
    # The report message's button, pressed raw (as it comes from the outbox).
    again = await tg.press(admin, f"cxr:{scene.term.id}")
    assert len(again.of(SendDocument)) == 1


async def test_others_are_refused_and_forged_buttons_change_nothing(
    tg: ChatDriver, factory: Factory, session: AsyncSession, session_pool, clock: FakeClock,
) -> None:
    scene = await build_scene(factory, session)
    clock.set(at(3, 2, 10))
    for user, text in [(SUBJECT, "只有班主任和学校管理员可以用这个"), (GRANNY, "只有班主任和学校管理员可以用这个"),
                       (9999, "只有班主任和学校管理员可以用这个")]:
        reply = await tg.send(tg.user(user), "/census")
        assert text in reply.text
    head = tg.user(HEAD)
    assert "这不是您的班级。" in (await tg.press(head, f"cxo:{scene.class2.id}")).text
    assert "只有本校的学校管理员可以查看。" in (await tg.press(head, f"cxr:{scene.term.id}")).text
    other_admin = tg.user(OTHER_ADMIN)
    forged = await tg.press(other_admin, f"cxr:{scene.term.id}")
    assert "只有本校的学校管理员可以查看。" in forged.text and not forged.of(SendDocument)
    assert "这不是您的班级。" in (await tg.press(other_admin, f"cxo:{scene.class1.id}")).text
    # The head teacher of class 2 cannot open class 1's students even with forged widget data.
    zhou = tg.user(OTHER_HEAD, language="en")
    await tg.send(zhou, "/census")
    message, data = tg.last_bot_message_with(zhou, "⬜ 小刚")
    prefix, item = data.rsplit(":", 1)
    assert item == str(scene.xiaogang.id)
    forged = await tg.press(zhou, f"{prefix}:{scene.xiaoming.id}", message)
    assert "This is not a student of your class." in forged.text
    assert await _changes(session_pool) == []
    async with session_pool() as s:
        assert list(await s.scalars(select(CensusEntry))) == []


async def test_the_menu_offers_the_census_to_head_teachers_and_admins_only(
    tg: ChatDriver, factory: Factory, session: AsyncSession, clock: FakeClock,
) -> None:
    await build_scene(factory, session)
    clock.set(at(3, 2, 10))
    head = tg.user(HEAD)
    menu = await tg.send(head, "/start")
    assert "📋 调查摸底" in menu.buttons()
    listing = await tg.tap(head, "📋 调查摸底")
    assert listing.buttons()[:2] == ["⬜ 小明", "⬜ 小红"]
    assert "📋 调查摸底" in (await tg.send(tg.user(ADMIN), "/start")).buttons()
    assert "📋 调查摸底" not in (await tg.send(tg.user(SUBJECT), "/start")).buttons()
    assert "📋 调查摸底" not in (await tg.send(tg.user(GRANNY), "/start")).buttons()
