"""安全应急预案, the rules: both deadlines met; each missed and recorded with the actual
times; acknowledgement by button and by phone record; the 10-minute escalation and the
pre-deadline warnings sent once each; the urgent lane ahead of 1,000 bulk messages and
through quiet hours; who may acknowledge and who sees what; the export read back."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta

import pytest
from openpyxl import load_workbook
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.settings import Settings
from db.models import (
    Incident,
    IncidentEvent,
    OutboxMessage,
    OutboxStatus,
    Person,
    Priority,
    School,
    Student,
)
from locales import get_translator
from scheduler import JobContext, default_jobs
from scheduler.incidents import incident_deadlines
from services import incidents as service
from services.access import load_actor
from services.clock import FakeClock
from services.incident_export import build_incident_workbook, export_scopes
from services.incidents import AckOutcome, DeadlineState, IncidentError
from services.outbox import OutgoingMessage, QuietHours, claim_due, enqueue
from tests.support.factory import Factory

ADMIN = 100  # 阳光小学, 清水县
ADMIN_EN = 101
HEAD = 300  # head teacher of 3年级1班 (小明, 小刚)
OTHER_HEAD = 301  # head teacher of 4年级2班, same school
SUBJECT = 302  # teaches 3年级1班
OTHER_ADMIN = 400  # 河西小学, 石门县
BUREAU = 500  # 清水县
OTHER_BUREAU = 501  # 石门县
GRANNY = 201  # 小明's grandmother
GRANDPA = 202  # 小明's grandfather, English
AUNT = 203  # 小刚's aunt
FORMER = 204  # was 小明's guardian

# 10:15 in Asia/Shanghai on Monday 23 November 2026.
T0 = datetime(2026, 11, 23, 2, 15, tzinfo=UTC)


@dataclass
class Scene:
    school: School
    other_school: School
    xiaoming: Student
    xiaogang: Student
    other_student: Student
    head: Person
    admin: Person
    granny: Person
    bureau: Person


async def build_scene(factory: Factory, session: AsyncSession) -> Scene:
    county = await factory.county("清水县")
    other_county = await factory.county("石门县")
    school = await factory.school("阳光小学", county)
    other_school = await factory.school("河西小学", other_county)
    admin = await factory.person("李校长", phone="+8613700000001", telegram_user_id=ADMIN, language="zh_Hans")
    await factory.staff(admin, school, is_school_admin=True)
    admin_en = await factory.person("Principal Li", telegram_user_id=ADMIN_EN, language="en")
    await factory.staff(admin_en, school, is_school_admin=True)
    other_admin = await factory.person("周校长", telegram_user_id=OTHER_ADMIN)
    await factory.staff(other_admin, other_school, is_school_admin=True)
    head = await factory.person("王老师", phone="+8613600000001", telegram_user_id=HEAD, language="zh_Hans")
    head_post = await factory.staff(head, school, is_head_teacher=True)
    other_head = await factory.person("赵老师", telegram_user_id=OTHER_HEAD)
    other_head_post = await factory.staff(other_head, school, is_head_teacher=True)
    subject = await factory.person("孙老师", telegram_user_id=SUBJECT)
    subject_post = await factory.staff(subject, school, is_subject_teacher=True)
    bureau = await factory.person("陈科长", telegram_user_id=BUREAU, language="zh_Hans")
    await factory.staff(bureau, county=county, is_bureau_officer=True)
    other_bureau = await factory.person("钱科长", telegram_user_id=OTHER_BUREAU)
    await factory.staff(other_bureau, county=other_county, is_bureau_officer=True)

    class1 = await factory.school_class(school, grade=3, name="1班", head_teacher=head_post)
    class2 = await factory.school_class(school, grade=4, name="2班", head_teacher=other_head_post)
    await factory.student(school, class2, "小华")
    other_class = await factory.school_class(other_school, grade=3, name="1班")
    from db.models import ClassTeacher

    session.add(ClassTeacher(class_id=class1.id, staff_id=subject_post.id, subject="数学"))

    granny = await factory.person("王奶奶", phone="+8613800000001", telegram_user_id=GRANNY, language="zh_Hans")
    grandpa = await factory.person("张爷爷", phone="+8613800000002", telegram_user_id=GRANDPA, language="en")
    aunt = await factory.person("刘阿姨", telegram_user_id=AUNT)
    former = await factory.person("孙爷爷", telegram_user_id=FORMER)
    xiaoming = await factory.student(school, class1, "小明")
    await factory.guardian_of(xiaoming, granny, "grandmother")
    await factory.guardian_of(xiaoming, grandpa, "grandfather")
    ended = await factory.guardian_of(xiaoming, former, "grandfather")
    ended.ended_at = factory.clock.now()
    xiaogang = await factory.student(school, class1, "小刚")
    await factory.guardian_of(xiaogang, aunt, "aunt")
    other_student = await factory.student(other_school, other_class, "小红")
    await session.commit()
    return Scene(school, other_school, xiaoming, xiaogang, other_student, head, admin, granny, bureau)


def at(hh: int, mm: int) -> datetime:
    """HH:MM on the test day in Asia/Shanghai, as UTC."""
    return datetime(2026, 11, 23, hh - 8, mm, tzinfo=UTC)


async def open_incident(
    session: AsyncSession, clock: FakeClock, scene: Scene, *, user: int = HEAD, student: Student | None = None,
    happened_at: datetime | None = None, category: str = "injury", description: str | None = "操场摔倒，左臂疼",
) -> Incident:
    actor = await load_actor(session, user)
    incident = await service.open_incident(
        session, clock, get_translator(), actor, (student or scene.xiaoming).id, category=category,
        description=description, happened_at=happened_at or clock.now(),
    )
    await session.commit()
    return incident


async def outbox(session: AsyncSession, kind: str | None = None) -> list[OutboxMessage]:
    query = select(OutboxMessage).order_by(OutboxMessage.id)
    if kind:
        query = query.where(OutboxMessage.kind == kind)
    return list((await session.scalars(query)).all())


async def chats(session: AsyncSession, kind: str) -> list[int]:
    return [m.chat_id for m in await outbox(session, kind)]


async def run_at(session: AsyncSession, clock: FakeClock, moment: datetime) -> int:
    clock.set(moment)
    steps = await service.run_due(session, clock, get_translator(), service.DefaultTiming())
    await session.commit()
    return steps


async def fresh(session: AsyncSession, incident_id: int) -> Incident:
    incident = await session.get(Incident, incident_id)
    assert incident is not None
    await session.refresh(incident)
    return incident


async def event_kinds(session: AsyncSession, incident_id: int) -> list[str]:
    return list(
        await session.scalars(
            select(IncidentEvent.kind).where(IncidentEvent.incident_id == incident_id).order_by(IncidentEvent.id)
        )
    )


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(T0)


# ---------------------------------------------------------------- opening


async def test_opening_messages_guardians_and_own_county_bureau_urgently(
    factory: Factory, session: AsyncSession, clock: FakeClock
) -> None:
    scene = await build_scene(factory, session)
    incident = await open_incident(session, clock, scene)
    assert (incident.happened_at, incident.guardian_due_at, incident.bureau_due_at) == (T0, at(10, 45), at(11, 15))

    notices = await outbox(session, "incident-notice")
    assert sorted(m.chat_id for m in notices) == [GRANNY, GRANDPA]  # not the former guardian
    assert all(m.priority == Priority.URGENT for m in notices)
    granny = next(m for m in notices if m.chat_id == GRANNY)
    assert "🚨 紧急通知：小明（阳光小学 3年级1班）10:15 在学校发生情况：🩹 受伤：操场摔倒，左臂疼。" in granny.payload["text"]
    assert "学校联系人：王老师，电话 +8613600000001" in granny.payload["text"]
    assert granny.payload["buttons"] == [[{"text": "✅ 收到", "callback_data": f"incg:{incident.id}"}]]
    grandpa = next(m for m in notices if m.chat_id == GRANDPA)
    assert grandpa.payload["text"].startswith("🚨 Urgent: 小明")

    [report] = await outbox(session, "incident-report")
    assert report.chat_id == BUREAU and report.priority == Priority.URGENT  # not the other county's officer
    text = report.payload["text"]
    for part in ("学校：阳光小学", "学生：小明（3年级1班）", "情况：🩹 受伤：操场摔倒，左臂疼", "发生时间：2026-11-23 10:15",
                 "10:15 事件发生（王老师 登记，10:15）", "10:15 已给 2 位监护人发紧急通知"):
        assert part in text, part
    assert report.payload["buttons"] == [[{"text": "✅ 确认收到", "callback_data": f"incb:{incident.id}"}],
                                         [{"text": "🚨 打开事件", "callback_data": f"incc:{incident.id}"}]]
    assert await event_kinds(session, incident.id) == ["opened", "guardian_notice", "bureau_notice"]


async def test_only_students_the_opener_can_see(factory: Factory, session: AsyncSession, clock: FakeClock) -> None:
    scene = await build_scene(factory, session)
    for user, student in ((OTHER_HEAD, scene.xiaoming), (OTHER_ADMIN, scene.xiaoming), (BUREAU, scene.xiaoming),
                          (GRANNY, scene.xiaoming), (HEAD, scene.other_student)):
        with pytest.raises(IncidentError) as err:
            await open_incident(session, clock, scene, user=user, student=student)
        assert err.value.key == "incident-not-allowed"
    # A subject teacher of the class may (they are the one who saw it happen).
    await open_incident(session, clock, scene, user=SUBJECT)
    assert len(list(await session.scalars(select(Incident)))) == 1


def test_times_entered(clock: FakeClock) -> None:
    tz = "Asia/Shanghai"
    assert service.happened_at_from(clock, tz, "now") == T0
    assert service.happened_at_from(clock, tz, "ago") == T0 - timedelta(minutes=30)
    assert service.happened_at_from(clock, tz, "10:05") == at(10, 5)
    assert service.happened_at_from(clock, tz, "9：40") == at(9, 40)
    assert service.happened_at_from(clock, tz, "10:15") == T0
    for bad, key in (("25:00", "incident-time-bad"), ("ten", "incident-time-bad"), ("10:16", "incident-time-future")):
        with pytest.raises(IncidentError) as err:
            service.happened_at_from(clock, tz, bad)
        assert err.value.key == key
    assert service.parse_hhmm("7:05") == time(7, 5)


# ---------------------------------------------------------------- deadlines


async def test_both_deadlines_met(factory: Factory, session: AsyncSession, clock: FakeClock) -> None:
    scene = await build_scene(factory, session)
    incident = await open_incident(session, clock, scene)
    translator = get_translator()

    clock.set(at(10, 20))
    result = await service.acknowledge_guardian(session, clock, translator, await load_actor(session, GRANNY), incident.id)
    await session.commit()
    assert (result.outcome, result.at, result.by) == (AckOutcome.RECORDED, at(10, 20), "王奶奶")
    clock.set(at(10, 35))
    result = await service.acknowledge_bureau(session, clock, translator, await load_actor(session, BUREAU), incident.id)
    await session.commit()
    assert (result.outcome, result.by) == (AckOutcome.RECORDED, "陈科长")

    for moment in (at(10, 25), at(10, 36), at(10, 46), at(11, 6), at(11, 20)):
        assert await run_at(session, clock, moment) == 0
    incident = await fresh(session, incident.id)
    assert (incident.guardian_informed_at, incident.guardian_informed_how, incident.guardian_informed_by_id) == (
        at(10, 20), "button", scene.granny.id
    )
    assert (incident.bureau_acknowledged_at, incident.bureau_acknowledged_by_id) == (at(10, 35), scene.bureau.id)
    g, b = service.guardian_status(incident, clock.now()), service.bureau_status(incident, clock.now())
    assert (g.state, g.took_minutes, b.state, b.took_minutes) == (DeadlineState.MET, 5, DeadlineState.MET, 20)
    for kind in ("incident-escalation", "incident-warning", "incident-missed"):
        assert await outbox(session, kind) == []
    # The opener, the head teacher and the admins hear of each acknowledgement (here the
    # opener is the head teacher).
    assert sorted(await chats(session, "incident-guardian-ack")) == [ADMIN, ADMIN_EN, HEAD]
    assert sorted(await chats(session, "incident-bureau-ack")) == [ADMIN, ADMIN_EN, HEAD]
    assert await event_kinds(session, incident.id) == [
        "opened", "guardian_notice", "bureau_notice", "guardian_ack", "bureau_ack",
    ]
    card = await service.incident_card(session, await load_actor(session, HEAD), incident.id)
    assert card is not None
    text = service.card_text(translator, "zh_Hans", card, clock.now())
    assert "👪 监护人 10:20 知情（监护人点了“收到”，王奶奶）— 5 分钟，按时" in text
    assert "🏛 教育局 10:35 确认（陈科长）— 20 分钟，按时" in text


async def test_guardian_deadline_missed_escalation_warning_and_late_phone_record(
    factory: Factory, session: AsyncSession, clock: FakeClock
) -> None:
    scene = await build_scene(factory, session)
    incident = await open_incident(session, clock, scene)
    translator = get_translator()

    assert await run_at(session, clock, at(10, 24)) == 0
    # 10 minutes without a tap: the head teacher is asked to phone, once.
    assert await run_at(session, clock, at(10, 25)) == 1
    [escalation] = await outbox(session, "incident-escalation")
    assert escalation.chat_id == HEAD and escalation.priority == Priority.URGENT
    assert "奶奶 王奶奶：+8613800000001" in escalation.payload["text"]
    assert "爷爷 张爷爷：+8613800000002" in escalation.payload["text"]
    assert "10:45 前必须告知" in escalation.payload["text"]
    assert escalation.payload["buttons"] == [[{"text": "📞 记录电话告知", "callback_data": f"incp:{incident.id}"}]]
    assert await run_at(session, clock, at(10, 26)) == 0

    # 10 minutes before the deadline: the admins are warned, once.
    assert await run_at(session, clock, at(10, 35)) == 1
    warnings = await outbox(session, "incident-warning")
    assert sorted(m.chat_id for m in warnings) == [ADMIN, ADMIN_EN]
    assert "期限 10:45，还剩 10 分钟" in next(m for m in warnings if m.chat_id == ADMIN).payload["text"]
    assert await run_at(session, clock, at(10, 40)) == 0

    # The deadline passes: recorded as missed (dated at the deadline), admins and opener told.
    assert await run_at(session, clock, at(10, 46)) == 1
    missed = await outbox(session, "incident-missed")
    assert sorted(m.chat_id for m in missed) == [ADMIN, ADMIN_EN, HEAD]
    assert await run_at(session, clock, at(10, 50)) == 0

    # The head teacher phoned at 10:47 and records it at 10:50.
    incident = await service.record_phone_call(
        session, clock, translator, await load_actor(session, HEAD), incident.id, at(10, 47)
    )
    await session.commit()
    incident = await fresh(session, incident.id)
    assert (incident.guardian_informed_at, incident.guardian_informed_how, incident.guardian_recorded_at) == (
        at(10, 47), "phone", at(10, 50)
    )
    status = service.guardian_status(incident, clock.now())
    assert (status.state, status.took_minutes) == (DeadlineState.MISSED, 32)
    assert service.deadline_line(translator, "en", "guardian", status, "Asia/Shanghai", "phone", "王老师") == (
        "👪 Guardian informed 10:47 (by phone, 王老师) — 32 min, missed (deadline 10:45)"
    )
    # A tap that comes later changes nothing: the call is the record.
    result = await service.acknowledge_guardian(session, clock, translator, await load_actor(session, GRANNY), incident.id)
    assert (result.outcome, result.at, result.how) == (AckOutcome.ALREADY, at(10, 47), "phone")
    events = list(await session.scalars(
        select(IncidentEvent).where(IncidentEvent.incident_id == incident.id).order_by(IncidentEvent.id)
    ))
    assert [(e.kind, e.at) for e in events] == [
        ("opened", T0), ("guardian_notice", T0), ("bureau_notice", T0), ("escalated", at(10, 25)),
        ("guardian_warning", at(10, 35)), ("guardian_missed", at(10, 45)), ("guardian_phone", at(10, 47)),
    ]
    card = await service.incident_card(session, await load_actor(session, ADMIN), incident.id)
    assert card is not None
    text = service.card_text(translator, "zh_Hans", card, clock.now())
    assert "👪 监护人 10:47 知情（电话告知，王老师）— 32 分钟，超时（期限 10:45）" in text
    assert "10:45 监护人期限已过，仍无知情记录" in text
    assert "10:47 电话告知监护人（王老师 记录于 10:50）" in text


async def test_bureau_deadline_missed_recorded_with_the_actual_time(
    factory: Factory, session: AsyncSession, clock: FakeClock
) -> None:
    scene = await build_scene(factory, session)
    incident = await open_incident(session, clock, scene)
    translator = get_translator()
    clock.set(at(10, 18))
    await service.acknowledge_guardian(session, clock, translator, await load_actor(session, GRANNY), incident.id)
    await session.commit()

    assert await run_at(session, clock, at(11, 4)) == 0
    assert await run_at(session, clock, at(11, 5)) == 1  # bureau warning
    warnings = await outbox(session, "incident-warning")
    assert sorted(m.chat_id for m in warnings) == [ADMIN, ADMIN_EN]
    assert "教育局还没有确认，期限 11:15，还剩 10 分钟" in next(m for m in warnings if m.chat_id == ADMIN).payload["text"]
    assert await run_at(session, clock, at(11, 10)) == 0
    assert await run_at(session, clock, at(11, 16)) == 1  # missed
    assert await run_at(session, clock, at(11, 17)) == 0
    assert sorted(await chats(session, "incident-missed")) == [ADMIN, ADMIN_EN, HEAD]

    clock.set(at(11, 20))
    result = await service.acknowledge_bureau(session, clock, translator, await load_actor(session, BUREAU), incident.id)
    await session.commit()
    assert result.outcome == AckOutcome.RECORDED
    incident = await fresh(session, incident.id)
    status = service.bureau_status(incident, clock.now())
    assert (status.state, status.done_at, status.took_minutes) == (DeadlineState.MISSED, at(11, 20), 65)
    assert service.guardian_status(incident, clock.now()).state == DeadlineState.MET
    line = service.deadline_line(translator, "zh_Hans", "bureau", status, "Asia/Shanghai", None, "陈科长")
    assert line == "🏛 教育局 11:20 确认（陈科长）— 65 分钟，超时（期限 11:15）"
    # Never hidden: closing the incident leaves the verdict as it was.
    await service.close_incident(session, clock, await load_actor(session, ADMIN), incident.id, "学生已送医，家长接回")
    await session.commit()
    incident = await fresh(session, incident.id)
    assert service.bureau_status(incident, clock.now() + timedelta(days=30)).state == DeadlineState.MISSED
    assert (await event_kinds(session, incident.id))[-3:] == ["bureau_missed", "bureau_ack", "closed"]


async def test_phone_record_within_the_deadline_is_met(factory: Factory, session: AsyncSession, clock: FakeClock) -> None:
    scene = await build_scene(factory, session)
    incident = await open_incident(session, clock, scene)
    await run_at(session, clock, at(10, 25))
    clock.set(at(10, 41))
    head = await load_actor(session, HEAD)
    for bad, key in ((at(10, 42), "incident-time-future"), (at(10, 10), "incident-time-before")):
        with pytest.raises(IncidentError) as err:
            await service.record_phone_call(session, clock, get_translator(), head, incident.id, bad)
        assert err.value.key == key
    await service.record_phone_call(session, clock, get_translator(), head, incident.id, at(10, 40))
    await session.commit()
    incident = await fresh(session, incident.id)
    status = service.guardian_status(incident, clock.now())
    assert (status.state, status.took_minutes, incident.guardian_informed_how) == (DeadlineState.MET, 25, "phone")
    with pytest.raises(IncidentError) as err:
        await service.record_phone_call(session, clock, get_translator(), head, incident.id, at(10, 41))
    assert err.value.key == "incident-already-informed"
    # Met: no warning and no "missed" later.
    assert await run_at(session, clock, at(10, 46)) == 0
    assert await outbox(session, "incident-missed") == []


async def test_an_incident_entered_late_escalates_and_warns_at_once(
    factory: Factory, session: AsyncSession, clock: FakeClock
) -> None:
    scene = await build_scene(factory, session)
    incident = await open_incident(session, clock, scene, happened_at=clock.now() - timedelta(minutes=25))
    assert incident.guardian_due_at == at(10, 20)
    assert await chats(session, "incident-escalation") == [HEAD]
    assert sorted(await chats(session, "incident-warning")) == [ADMIN, ADMIN_EN]
    assert await run_at(session, clock, at(10, 16)) == 0


async def test_a_guardian_without_the_bot_means_phoning_at_once(
    factory: Factory, session: AsyncSession, clock: FakeClock
) -> None:
    scene = await build_scene(factory, session)
    uncle = await factory.person("李叔叔", phone="+8613900000009")  # on the roster, never joined
    await factory.guardian_of(scene.xiaogang, uncle, "uncle")
    aunt = await session.scalar(select(Person).where(Person.telegram_user_id == AUNT))
    assert aunt is not None
    aunt.chat_id = None
    await session.commit()
    incident = await open_incident(session, clock, scene, student=scene.xiaogang)
    assert await outbox(session, "incident-notice") == []
    [escalation] = await outbox(session, "incident-escalation")
    assert "没有加入本系统" in escalation.payload["text"] and "叔叔 李叔叔：+8613900000009" in escalation.payload["text"]
    assert await event_kinds(session, incident.id) == ["opened", "guardian_notice", "escalated", "bureau_notice"]


# ------------------------------------------------------------ the urgent lane


@pytest.mark.parametrize("local_hour", [10, 22])
async def test_urgent_lane_ahead_of_1000_bulk_messages_and_through_quiet_hours(
    factory: Factory, session: AsyncSession, clock: FakeClock, settings: Settings, local_hour: int
) -> None:
    scene = await build_scene(factory, session)
    clock.set(at(local_hour, 0))
    await enqueue(session, clock, [
        OutgoingMessage(dedup_key=f"bulk:{i}", chat_id=900000 + i, text="notice", kind="announcement",
                        priority=Priority.BULK, due_at=clock.now() - timedelta(minutes=5))
        for i in range(1000)
    ])
    await session.commit()
    clock.advance(minutes=1)
    incident = await open_incident(session, clock, scene)
    quiet = QuietHours(settings.outbox.quiet_start, settings.outbox.quiet_end, "Asia/Shanghai")

    claimed = await claim_due(session, clock, worker_id="w", limit=10, quiet=quiet)
    await session.commit()
    kinds = [m.kind for m in claimed]
    assert kinds[:3] == ["incident-notice", "incident-notice", "incident-report"]
    assert sorted(m.chat_id for m in claimed[:3]) == sorted([GRANNY, GRANDPA, BUREAU])
    bulk = await outbox(session, "announcement")
    if local_hour == 22:
        # Quiet hours: only the urgent rows go; the bulk waits for 07:00.
        assert kinds == ["incident-notice", "incident-notice", "incident-report"]
        assert all(m.status == OutboxStatus.PENDING for m in bulk)
        # The bulk rows it looked at were moved to the end of the quiet hours.
        assert sum(m.due_at == datetime(2026, 11, 23, 23, 0, tzinfo=UTC) for m in bulk) == 17
    else:
        assert kinds[3:] == ["announcement"] * 7
    assert incident.id


# ------------------------------------------------------------------ access


async def test_a_guardian_of_another_child_cannot_acknowledge(
    factory: Factory, session: AsyncSession, clock: FakeClock
) -> None:
    scene = await build_scene(factory, session)
    incident = await open_incident(session, clock, scene)
    for user in (AUNT, FORMER, HEAD, BUREAU):
        result = await service.acknowledge_guardian(
            session, clock, get_translator(), await load_actor(session, user), incident.id
        )
        assert result.outcome == AckOutcome.NOT_YOURS, user
    result = await service.acknowledge_guardian(session, clock, get_translator(), await load_actor(session, AUNT), 9999)
    assert result.outcome == AckOutcome.NOT_YOURS
    await session.commit()
    incident = await fresh(session, incident.id)
    assert incident.guardian_informed_at is None
    assert await event_kinds(session, incident.id) == ["opened", "guardian_notice", "bureau_notice"]
    # Double tap by the right guardian: recorded once, the second finds it done.
    first = await service.acknowledge_guardian(session, clock, get_translator(), await load_actor(session, GRANNY), incident.id)
    clock.advance(minutes=1)
    second = await service.acknowledge_guardian(session, clock, get_translator(), await load_actor(session, GRANDPA), incident.id)
    assert (first.outcome, second.outcome, second.by, second.at) == (AckOutcome.RECORDED, AckOutcome.ALREADY, "王奶奶", T0)
    assert (await event_kinds(session, incident.id)).count("guardian_ack") == 1


async def test_a_bureau_officer_of_another_county_neither_gets_nor_acknowledges(
    factory: Factory, session: AsyncSession, clock: FakeClock
) -> None:
    scene = await build_scene(factory, session)
    incident = await open_incident(session, clock, scene)
    assert await chats(session, "incident-report") == [BUREAU]
    other = await load_actor(session, OTHER_BUREAU)
    for user in (OTHER_BUREAU, ADMIN, GRANNY):
        result = await service.acknowledge_bureau(session, clock, get_translator(), await load_actor(session, user), incident.id)
        assert result.outcome == AckOutcome.NOT_YOURS
    assert await service.list_incidents(session, other) == []
    assert await service.incident_card(session, other, incident.id) is None
    incident = await fresh(session, incident.id)
    assert incident.bureau_acknowledged_at is None
    first = await service.acknowledge_bureau(session, clock, get_translator(), await load_actor(session, BUREAU), incident.id)
    again = await service.acknowledge_bureau(session, clock, get_translator(), await load_actor(session, BUREAU), incident.id)
    assert (first.outcome, again.outcome) == (AckOutcome.RECORDED, AckOutcome.ALREADY)
    # The county's officer sees it, read-only.
    card = await service.incident_card(session, await load_actor(session, BUREAU), incident.id)
    assert card is not None and not card.can_act


async def test_an_admin_of_another_school_sees_nothing(
    factory: Factory, session: AsyncSession, clock: FakeClock
) -> None:
    scene = await build_scene(factory, session)
    incident = await open_incident(session, clock, scene)
    other = await load_actor(session, OTHER_ADMIN)
    assert await service.list_incidents(session, other, open_only=False) == []
    assert await service.incident_card(session, other, incident.id) is None
    assert not await service.can_act(session, other, incident.id)
    for step in (
        service.record_phone_call(session, clock, get_translator(), other, incident.id, clock.now()),
        service.add_note(session, clock, other, incident.id, "看看"),
        service.close_incident(session, clock, other, incident.id, "结束"),
    ):
        with pytest.raises(IncidentError):
            await step
    [scope] = await export_scopes(session, other)
    assert scope.name == "河西小学"
    workbook = load_workbook(io.BytesIO(await build_incident_workbook(session, get_translator(), "zh_Hans", scope, clock.now())))
    assert workbook["事件"].max_row == 2 and workbook["经过"].max_row == 2  # title and headers only
    # Same school, other class: the other head teacher does not see it either; the admin does.
    assert await service.list_incidents(session, await load_actor(session, OTHER_HEAD)) == []
    assert [r.incident.id for r in await service.list_incidents(session, await load_actor(session, ADMIN))] == [incident.id]


# ------------------------------------------------------------------ the job


async def test_the_job_is_registered_and_sends_each_step_once(
    factory: Factory, session: AsyncSession, session_pool, clock: FakeClock, settings: Settings
) -> None:
    assert "incident-deadlines" in default_jobs()
    scene = await build_scene(factory, session)
    await open_incident(session, clock, scene)
    context = JobContext(session_pool, clock, settings, get_translator())
    clock.set(at(10, 25))
    assert await incident_deadlines(context) == 1
    assert await incident_deadlines(context) == 0
    # A configured shorter wait escalates sooner.
    other = await open_incident(session, clock, scene, student=scene.xiaogang)
    fast = settings.model_copy(update={"incidents": settings.incidents.model_copy(update={"guardian_ack_minutes": 3})})
    clock.advance(minutes=3)
    assert await incident_deadlines(JobContext(session_pool, clock, fast, get_translator())) == 1
    assert (await fresh(session, other.id)).escalated_at == clock.now()
    assert len(await outbox(session, "incident-escalation")) == 2


# ------------------------------------------------------------------ export


async def test_export_read_back_row_by_row(factory: Factory, session: AsyncSession, clock: FakeClock) -> None:
    scene = await build_scene(factory, session)
    translator = get_translator()
    first = await open_incident(session, clock, scene)
    clock.set(at(10, 20))
    await service.acknowledge_guardian(session, clock, translator, await load_actor(session, GRANNY), first.id)
    clock.set(at(10, 30))
    await service.acknowledge_bureau(session, clock, translator, await load_actor(session, BUREAU), first.id)
    await session.commit()

    second = await open_incident(
        session, clock, scene, user=ADMIN, student=scene.xiaogang, category="missing", description=None,
        happened_at=at(10, 25),
    )
    await run_at(session, clock, at(10, 46))  # escalation and guardian warning
    await run_at(session, clock, at(11, 16))  # guardian missed, bureau warning
    await run_at(session, clock, at(11, 26))  # bureau missed
    clock.set(at(11, 30))
    await service.record_phone_call(session, clock, translator, await load_actor(session, HEAD), second.id, at(11, 28))
    await service.add_note(session, clock, await load_actor(session, HEAD), second.id, "已找到，在村口")
    await service.close_incident(session, clock, await load_actor(session, ADMIN), second.id, "家长接回")
    await session.commit()

    [scope] = await export_scopes(session, await load_actor(session, ADMIN))
    assert (scope.kind, scope.name) == ("school", "阳光小学")
    workbook = load_workbook(io.BytesIO(await build_incident_workbook(session, translator, "zh_Hans", scope, clock.now())))
    sheet = workbook["事件"]
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert rows[0][0] == "阳光小学 突发事件登记表（全部）"
    assert rows[1] == [
        "编号", "学校", "班级", "学生", "类型", "情况", "发生时间", "登记时间", "登记人", "告知监护人期限",
        "监护人知情时间", "告知方式", "确认人", "用时（分钟）", "监护人期限", "上报教育局期限", "教育局确认时间",
        "教育局确认人", "用时（分钟）", "教育局期限", "结束时间", "结束说明",
    ]
    assert rows[2] == [
        first.id, "阳光小学", "3年级1班", "小明", "🩹 受伤", "操场摔倒，左臂疼", "2026-11-23 10:15", "2026-11-23 10:15",
        "王老师", "2026-11-23 10:45", "2026-11-23 10:20", "监护人点了“收到”", "王奶奶", 5, "按时",
        "2026-11-23 11:15", "2026-11-23 10:30", "陈科长", 15, "按时", None, None,
    ]
    assert rows[3] == [
        second.id, "阳光小学", "3年级1班", "小刚", "❓ 走失", None, "2026-11-23 10:25", "2026-11-23 10:30",
        "李校长", "2026-11-23 10:55", "2026-11-23 11:28", "电话告知", "王老师", 63, "超时",
        "2026-11-23 11:25", None, None, None, "超时", "2026-11-23 11:30", "家长接回",
    ]
    assert len(rows) == 4

    timeline = [list(r) for r in workbook["经过"].iter_rows(values_only=True)]
    assert timeline[1] == ["编号", "学生", "时间", "经过", "人员", "记录时间", "备注"]
    second_rows = [r for r in timeline[2:] if r[0] == second.id]
    assert [(r[2], r[3]) for r in second_rows] == [
        ("2026-11-23 10:25", "10:25 事件发生（李校长 登记，10:30）"),
        ("2026-11-23 10:30", "10:30 已给 1 位监护人发紧急通知"),
        ("2026-11-23 10:30", "10:30 已向 1 位教育局人员报告"),
        ("2026-11-23 10:46", "10:46 监护人未回应，已请班主任打电话（1 人）"),
        ("2026-11-23 10:46", "10:46 监护人期限将到，已提醒学校管理员（2 人）"),
        ("2026-11-23 10:55", "10:55 监护人期限已过，仍无知情记录"),
        ("2026-11-23 11:16", "11:16 教育局期限将到，已提醒学校管理员（2 人）"),
        ("2026-11-23 11:25", "11:25 教育局期限已过，仍未确认"),
        ("2026-11-23 11:28", "11:28 电话告知监护人（王老师 记录于 11:30）"),
        ("2026-11-23 11:30", "11:30 备注（王老师）"),
        ("2026-11-23 11:30", "11:30 事件结束（李校长）"),
    ]
    assert [r[6] for r in second_rows][-2:] == ["已找到，在村口", "家长接回"]
    assert len([r for r in timeline[2:] if r[0] == first.id]) == 5

    # English headers for an English reader; the bureau gets the county.
    english = load_workbook(io.BytesIO(await build_incident_workbook(session, translator, "en", scope, clock.now())))
    assert english["Incidents"].cell(row=2, column=15).value == "Guardian deadline met"
    assert english["Incidents"].cell(row=4, column=15).value == "missed"
    [county] = await export_scopes(session, await load_actor(session, BUREAU))
    assert (county.kind, county.name) == ("county", "清水县")
    by_county = load_workbook(io.BytesIO(await build_incident_workbook(session, translator, "zh_Hans", county, clock.now())))
    assert [r[0] for r in by_county["事件"].iter_rows(min_row=3, values_only=True)] == [first.id, second.id]
