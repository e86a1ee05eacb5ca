"""The ledger's newer timeline sources through the production dispatcher: weekend and
holiday returns, the monthly talk with the away parents, teachers' contacts, incidents,
a visit's voice note and photo (sent again by a button), a suspension certificate; the
spreadsheet's new columns read back; counselling notes never on a ledger."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime, timedelta

from aiogram.methods import SendPhoto, SendVoice
from openpyxl import load_workbook
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import (
    HomeReturn,
    MonthlyParentContact,
    ReturnRound,
    TeacherParentContact,
)
from locales import get_translator
from services import counselling, incidents, ledger, visits
from services import student_status as status
from services.access import load_actor
from services.clock import FakeClock
from services.ledger_export import ExportScope, build_ledger
from services.visits import VisitDraft
from tests.support.chat import ChatDriver
from tests.support.factory import Factory
from tests.test_ledger import (
    ADMIN,
    BUREAU,
    GRANNY,
    HEAD,
    OTHER_ADMIN,
    SUBJECT,
    TZ,
    Scene,
    build_scene,
)

COUNSELLOR = 350
SECRET = "夜里总哭，想妈妈"


def _local(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=TZ).astimezone(UTC)


async def _returns(session: AsyncSession, scene: Scene) -> None:
    """Three Friday releases in November: arrived, confirmed by phone, never confirmed."""
    for day, answer in ((date(2026, 11, 6), "arrived"), (date(2026, 11, 13), "by_phone"),
                        (date(2026, 11, 20), "not_yet")):
        rnd = ReturnRound(
            school_id=scene.school.id, release_day=day, kind="weekend", released_at=_local(day, 16, 30),
            deadline_at=_local(day, 20, 30), back_on=day + timedelta(days=3), created_at=_local(day, 16, 30),
            escalated_at=_local(day, 20, 31),
        )
        session.add(rnd)
        await session.flush()
        session.add(HomeReturn(round_id=rnd.id, student_id=scene.xiaoming.id, class_id=scene.class1.id,
                               status=answer, asked=1))
    # A release still within its deadline: neither confirmed nor missed yet.
    rnd = ReturnRound(school_id=scene.school.id, release_day=date(2026, 11, 23), kind="holiday",
                      released_at=_local(date(2026, 11, 23), 8), deadline_at=_local(date(2026, 11, 23), 12),
                      created_at=_local(date(2026, 11, 23), 8))
    session.add(rnd)
    await session.flush()
    session.add(HomeReturn(round_id=rnd.id, student_id=scene.xiaoming.id, class_id=scene.class1.id, asked=1))


async def rich_scene(factory: Factory, session: AsyncSession, clock: FakeClock) -> tuple[Scene, int]:
    """小明 with one of everything; returns the scene and the visit's id."""
    scene = await build_scene(factory, session)
    counsellor = await factory.person("心理老师", telegram_user_id=COUNSELLOR)
    await factory.staff(counsellor, scene.school, is_counsellor=True)
    await _returns(session, scene)
    head = await load_actor(session, HEAD)
    session.add(MonthlyParentContact(
        student_id=scene.xiaoming.id, school_id=scene.school.id, month=date(2026, 11, 1), method="video",
        when_said="today", contacted_on=date(2026, 11, 10), confirmed_by_id=scene.granny.id,
        confirmed_at=_local(date(2026, 11, 10), 19), created_at=clock.now(),
    ))
    session.add(TeacherParentContact(
        student_id=scene.xiaoming.id, school_id=scene.school.id, contacted_on=date(2026, 11, 12), method="phone",
        note="谈了期末复习", recorded_by_id=scene.head.id, recorded_at=_local(date(2026, 11, 12), 18),
        created_at=clock.now(),
    ))
    saved = await visits.log_home_visit(
        session, clock, get_translator(), head,
        VisitDraft(student_id=scene.xiaoming.id, form="in_person", purpose="routine", met="guardian",
                   visited_on=date(2026, 11, 16), voice_file_id="VOICE-1", photo_file_id="PHOTO-1"),
    )
    admin = await load_actor(session, ADMIN)
    incident = await incidents.open_incident(
        session, clock, get_translator(), admin, scene.xiaoming.id, category="injury", description="摔伤手臂",
        happened_at=clock.now() - timedelta(minutes=20),
    )
    clock.advance(minutes=5)
    await incidents.acknowledge_guardian(session, clock, get_translator(), await load_actor(session, GRANNY),
                                         incident.id)
    await counselling.write_note(session, clock, await load_actor(session, COUNSELLOR), scene.xiaoming.id, SECRET)
    await session.commit()
    return scene, saved.visit.id


EXPECTED = [
    "2026-11-23 🚨 08:40 安全事件：🩹 受伤：摔伤手臂。监护人 09:05 得知（25 分钟，按时）；教育局还没确认",
    "2026-11-23 🏠 2026-11：放假 4 次，确认到家 2 次（其中电话确认 1 次）",
    "2026-11-20 ⚠️ 2026-11-20 周末放学后，没有人确认孩子到家",
    "2026-11-16 🏠 家访（王老师）：",
    "2026-11-12 ☎️ 王老师联系了外出家长（电话）：谈了期末复习",
    "2026-11-10 📞 2026-11：孩子和外出父母联系过（视频），王奶奶确认",
]


async def test_the_timeline_shows_returns_contacts_visits_and_incidents(
    factory: Factory, session: AsyncSession, clock: FakeClock
) -> None:
    scene, _visit = await rich_scene(factory, session, clock)
    entries = await ledger.collect(session, scene.xiaoming.id, since=date(2026, 11, 1))
    texts = [ledger.render_entry(get_translator(), "zh_Hans", e, TZ) for e in entries]
    assert len(texts) == len(EXPECTED)
    for line, expected in zip(texts, EXPECTED, strict=True):
        assert line.startswith(expected), (line, expected)
    # The holiday released this morning is still open: counted, neither confirmed nor missed.
    # In English too.
    english = [ledger.render_entry(get_translator(), "en", e, TZ) for e in entries]
    assert english[0].startswith("2026-11-23 🚨 08:40 incident:")
    assert "guardian informed 09:05 (25 min, met)" in english[0]
    assert "2026-11-10 📞 2026-11: the child talked with the away parents (video), confirmed by 王奶奶" in english


async def test_head_teacher_reads_the_timeline_and_gets_the_files_again(
    tg: ChatDriver, factory: Factory, session: AsyncSession, clock: FakeClock
) -> None:
    scene, visit_id = await rich_scene(factory, session, clock)
    head = tg.user(HEAD)
    await tg.send(head, "/student")
    await tg.tap(head, "3年级1班")
    card = await tg.tap(head, "小明")
    assert "安全事件：🩹 受伤：摔伤手臂" in card.text
    assert "没有人确认孩子到家" in card.text and "王老师联系了外出家长（电话）" in card.text
    assert "孩子和外出父母联系过（视频）" in card.text
    assert SECRET not in card.text
    assert {"🔊 2026-11-16 家访录音", "🖼 2026-11-16 家访照片"} <= set(card.buttons())

    voice = await tg.tap(head, "🔊 2026-11-16 家访录音")
    [sent] = voice.of(SendVoice)
    assert (sent.chat_id, sent.voice, sent.caption) == (HEAD, "VOICE-1", "📒 小明：🔊 2026-11-16 家访录音")
    assert "🖼 2026-11-16 家访照片" in voice.buttons()  # the card came back below the file
    photo = await tg.tap(head, "🖼 2026-11-16 家访照片")
    [sent_photo] = photo.of(SendPhoto)
    assert (sent_photo.chat_id, sent_photo.photo) == (HEAD, "PHOTO-1")

    # A forged item id (another school's visit) sends nothing.
    other = await load_actor(session, OTHER_ADMIN)
    foreign = await visits.log_home_visit(
        session, clock, get_translator(), other,
        VisitDraft(student_id=scene.xiaojun.id, form="phone", purpose="routine", met="guardian",
                   voice_file_id="VOICE-X"),
    )
    await session.commit()
    _message, data = tg.last_bot_message_with(head, "家访录音")
    forged = await tg.press(head, data.replace(f"vv-{visit_id}", f"vv-{foreign.visit.id}"))
    assert "这个文件打不开" in forged.text and not forged.of(SendVoice)
    assert await ledger.media_file(session, other, "vv", visit_id) is None
    assert await ledger.media_file(session, await load_actor(session, GRANNY), "vv", visit_id) is None
    assert await ledger.media_file(session, await load_actor(session, ADMIN), "xx", visit_id) is None
    assert await ledger.media_file(session, await load_actor(session, ADMIN), "vp", visit_id) is not None


async def test_counselling_notes_never_reach_a_ledger(
    tg: ChatDriver, factory: Factory, session: AsyncSession, clock: FakeClock
) -> None:
    scene, _visit = await rich_scene(factory, session, clock)
    for reader in (HEAD, SUBJECT, ADMIN):
        user = tg.user(reader)
        found = await tg.send(user, "/student 小明")
        assert "小明 · 3年级1班" in found.buttons()
        card = await tg.tap(user, "小明 · 3年级1班")
        assert "📒 小明" in card.text and SECRET not in card.text
        while "较早 ▶️" in card.buttons():
            card = await tg.tap(user, "较早 ▶️")
            assert SECRET not in card.text
    # Nor the spreadsheet, nor any source's entries.
    content = await build_ledger(session, clock, ExportScope(scene.school.id), "zh_Hans")
    cells = [str(c.value) for row in load_workbook(io.BytesIO(content)).active.iter_rows() for c in row]
    assert not any(SECRET in c for c in cells)
    entries = await ledger.collect(session, scene.xiaoming.id)
    assert not any(SECRET in str(e.params) for e in entries)
    # The counsellor and the admin read it where it lives; a subject teacher may not.
    notes = await counselling.read_notes(session, await load_actor(session, COUNSELLOR), scene.xiaoming.id)
    assert [n.text for n in notes] == [SECRET]
    assert [n.text for n in await counselling.read_notes(session, await load_actor(session, ADMIN),
                                                          scene.xiaoming.id)] == [SECRET]
    from services.visits import CareError
    try:
        await counselling.read_notes(session, await load_actor(session, SUBJECT), scene.xiaoming.id)
    except CareError as exc:
        assert exc.key == "counselling-not-allowed"
    else:  # pragma: no cover
        raise AssertionError("a subject teacher read counselling notes")


async def test_guardian_and_other_school_open_no_ledger(
    tg: ChatDriver, factory: Factory, session: AsyncSession, clock: FakeClock
) -> None:
    scene, _visit = await rich_scene(factory, session, clock)
    granny = await tg.send(tg.user(GRANNY), "/student")
    assert "只有老师、学校管理员和教育局可以查看学生档案。" in granny.text
    assert not await ledger.can_open(session, await load_actor(session, GRANNY), scene.xiaoming.id)
    other = await tg.send(tg.user(OTHER_ADMIN, language="en"), "/student 小明")
    assert "小明" not in "".join(other.buttons()) and "摔伤" not in other.text
    assert await ledger.timeline_page(session, await load_actor(session, OTHER_ADMIN), scene.xiaoming.id, 0) is None
    # The county's bureau may open the child while the incident is open: the incident shows.
    bureau = await load_actor(session, BUREAU)
    page = await ledger.timeline_page(session, bureau, scene.xiaoming.id, 0)
    assert page is not None and any(e.text_key == "ledger-entry-incident" for e in page.entries)


async def test_spreadsheet_counts_the_new_sources(
    factory: Factory, session: AsyncSession, clock: FakeClock
) -> None:
    scene, _visit = await rich_scene(factory, session, clock)
    admin = await load_actor(session, ADMIN)
    await incidents.close_incident(session, clock, admin, (await incidents.list_incidents(session, admin))[0].incident.id,
                                   "已送医，无大碍")
    await session.commit()
    content = await build_ledger(session, clock, ExportScope(scene.school.id, scene.class1.id), "zh_Hans")
    rows = [[c.value for c in row] for row in load_workbook(io.BytesIO(content)).active.iter_rows()]
    header = rows[0]
    xiaoming = dict(zip(header, rows[1], strict=True))
    assert xiaoming["姓名"] == "小明"
    assert (xiaoming["本学期家访次数"], xiaoming["最近家访"]) == (1, datetime(2026, 11, 16))
    assert (xiaoming["本学期联系家长次数"], xiaoming["最近联系"]) == (1, datetime(2026, 11, 12))
    assert (xiaoming["本学期孩子与父母联系（月数）"], xiaoming["最近与父母联系"]) == (1, datetime(2026, 11, 10))
    assert xiaoming["本学期放假未确认到家次数"] == 1
    assert xiaoming["本学期安全事件"] == 1  # opened and closed: one incident
    xiaohong = dict(zip(header, rows[2], strict=True))
    assert (xiaohong["本学期孩子与父母联系（月数）"], xiaohong["本学期放假未确认到家次数"],
            xiaohong["本学期安全事件"]) == (0, 0, 0)


async def test_suspension_certificate_opens_from_the_ledger(
    tg: ChatDriver, factory: Factory, session: AsyncSession, clock: FakeClock
) -> None:
    scene = await build_scene(factory, session)
    admin = await load_actor(session, ADMIN)
    await status.suspend(session, clock, admin, scene.xiaohong.id, reason="肺炎住院", proof_file_id="CERT-9")
    await session.commit()
    head = tg.user(HEAD)
    await tg.send(head, "/student 小红")
    card = await tg.tap(head, "小红 · 3年级1班")
    assert "⏸️ 休学：肺炎住院" in card.text and "🖼 2026-11-23 休学证明" in card.buttons()
    sent = await tg.tap(head, "🖼 2026-11-23 休学证明")
    [photo] = sent.of(SendPhoto)
    assert (photo.chat_id, photo.photo) == (HEAD, "CERT-9")
    # Another school's admin cannot get it, whatever id they send.
    [change] = [e for e in await ledger.collect(session, scene.xiaohong.id) if e.media]
    assert await ledger.media_file(session, await load_actor(session, OTHER_ADMIN), "sp",
                                   change.media[0].ref) is None
