"""家访 through the production dispatcher: a visit logged with every field (typed note and
voice note, photo, follow-up), the school's today as the default date, the follow-up
reminder on its day exactly once, the link to an open dropout case, and refusals (a
student not theirs by forged button, text where a tap is expected, bad dates)."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import UTC, date, datetime

from aiogram.types import PhotoSize, Update, Voice
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.settings import Settings
from db.models import (
    ClassTeacher,
    DropoutCase,
    DropoutCaseEvent,
    HomeVisit,
    OutboxMessage,
    School,
    SchoolClass,
    Staff,
    Student,
    StudentMentor,
)
from handlers.care import VisitCallback
from locales import get_translator
from scheduler import JobContext, default_jobs
from scheduler.visits import follow_ups
from services import dropout
from services import visits as service
from services.access import load_actor
from services.clock import FakeClock
from services.visits import CareError, VisitDraft
from tests.support.chat import ChatDriver, Replies
from tests.support.factory import Factory

ADMIN = 100
OTHER_ADMIN = 110  # admin of another school
HEAD = 300  # head teacher of 3年级1班
HEAD2 = 301  # head teacher of 4年级2班
SUBJECT = 310  # teaches 3年级1班
MENTOR = 320  # mentors 小军 (4年级2班)
COUNSELLOR = 330
GRANNY = 201  # 小明's grandmother
BUREAU = 400

_ids = itertools.count(5000)


@dataclass
class Scene:
    school: School
    other_school: School
    class1: SchoolClass
    class2: SchoolClass
    students: dict[str, Student]
    staff: dict[int, int]  # telegram user id -> staff id


async def build_scene(factory: Factory, session: AsyncSession) -> Scene:
    county = await factory.county("清水县")
    school = await factory.school("阳光小学", county)
    other = await factory.school("希望小学", county)
    staff: dict[int, int] = {}

    async def post(uid: int, name: str, where: School, **flags: bool) -> Staff:
        person = await factory.person(name, telegram_user_id=uid, language="zh_Hans")
        made = await factory.staff(person, where, **flags)
        staff[uid] = made.id
        return made

    await post(ADMIN, "李校长", school, is_school_admin=True)
    await post(OTHER_ADMIN, "周校长", other, is_school_admin=True)
    head = await post(HEAD, "王老师", school, is_head_teacher=True, is_subject_teacher=True)
    head2 = await post(HEAD2, "孙老师", school, is_head_teacher=True)
    subject = await post(SUBJECT, "赵老师", school, is_subject_teacher=True)
    mentor = await post(MENTOR, "钱老师", school, is_mentor=True)
    await post(COUNSELLOR, "吴老师", school, is_counsellor=True)
    bureau = await factory.person("教育局刘", telegram_user_id=BUREAU)
    await factory.staff(bureau, county=county, is_bureau_officer=True)

    class1 = await factory.school_class(school, grade=3, name="1班", head_teacher=head)
    class2 = await factory.school_class(school, grade=4, name="2班", head_teacher=head2)
    other_class = await factory.school_class(other, grade=3, name="1班")
    students = {
        "小明": await factory.student(school, class1, "小明", is_left_behind=True, home_address="清水村3组12号"),
        "小红": await factory.student(school, class1, "小红", is_left_behind=True),
        "小丽": await factory.student(school, class1, "小丽"),
        "小军": await factory.student(school, class2, "小军", is_left_behind=True),
        "小刚": await factory.student(school, class2, "小刚", is_left_behind=True),
        "小芳": await factory.student(other, other_class, "小芳", is_left_behind=True),
    }
    granny = await factory.person("王奶奶", telegram_user_id=GRANNY, language="zh_Hans")
    await factory.guardian_of(students["小明"], granny)
    session.add(ClassTeacher(class_id=class1.id, staff_id=subject.id, subject="数学"))
    session.add(StudentMentor(student_id=students["小军"].id, staff_id=mentor.id, started_at=factory.clock.now()))
    await session.commit()
    return Scene(school, other, class1, class2, students, staff)


# ------------------------------------------------------------------ helpers


def _photo(tg: ChatDriver, user_id: int, file_id: str) -> Update:
    message = tg._message(
        tg.user(user_id),
        photo=[
            PhotoSize(file_id=f"{file_id}-small", file_unique_id="s", width=90, height=90),
            PhotoSize(file_id=file_id, file_unique_id="b", width=1280, height=960),
        ],
    )
    return Update(update_id=next(_ids), message=message)


def _voice(tg: ChatDriver, user_id: int, file_id: str) -> Update:
    message = tg._message(tg.user(user_id), voice=Voice(file_id=file_id, file_unique_id="v", duration=12))
    return Update(update_id=next(_ids), message=message)


async def _visits(pool: async_sessionmaker[AsyncSession]) -> list[HomeVisit]:
    async with pool() as s:
        return list(await s.scalars(select(HomeVisit).order_by(HomeVisit.id)))


async def _outbox(pool: async_sessionmaker[AsyncSession], kind: str) -> list[OutboxMessage]:
    async with pool() as s:
        return list(await s.scalars(select(OutboxMessage).where(OutboxMessage.kind == kind).order_by(OutboxMessage.id)))


async def _to_note(tg: ChatDriver, uid: int, student: str = "小明", form: str = "🚶 上门",
                   purpose: str = "常规家访", met: str = "监护人") -> Replies:
    user = tg.user(uid)
    listed = await tg.send(user, "/visit")
    assert any(student in b for b in listed.buttons()), listed.buttons()
    asked = await tg.tap(user, student)
    assert f"🏠 {student}：哪天家访的" in asked.text
    await tg.tap(user, "今天")
    await tg.tap(user, form)
    await tg.tap(user, purpose)
    return await tg.tap(user, met)


# ----------------------------------------------------------------- logging


async def test_visit_with_typed_note_photo_and_follow_up(
    tg: ChatDriver, factory: Factory, session: AsyncSession, session_pool, clock: FakeClock
) -> None:
    await build_scene(factory, session)
    head = tg.user(HEAD)
    listed = await tg.send(head, "/visit")
    # Their own class only, as buttons; another class's student is not offered.
    assert "小明 · 3年级1班" in listed.buttons() and "小红 · 3年级1班" in listed.buttons()
    assert not any("小军" in b for b in listed.buttons())

    asked = await tg.tap(head, "小明")
    assert "今天（2026-11-23）" in asked.buttons() and "昨天（2026-11-22）" in asked.buttons()
    asked = await tg.tap(head, "今天")
    assert "家访方式" in asked.text and asked.buttons()[:3] == ["🚶 上门", "📞 电话", "📹 视频"]
    asked = await tg.tap(head, "🚶 上门")
    assert {"常规家访", "劝返", "回访", "紧急情况"} <= set(asked.buttons())
    asked = await tg.tap(head, "回访")
    assert {"监护人", "父亲", "母亲", "父母双方", "其他人"} <= set(asked.buttons())
    asked = await tg.tap(head, "父母双方")
    assert "写几句话，或发一条语音" in asked.text
    summary = await tg.send(head, "父母春节回来，孩子情绪好多了")
    assert "🏠 家访：小明" in summary.text and "日期：2026-11-23" in summary.text
    assert "🚶 上门 · 回访 · 见到：父母双方" in summary.text
    assert "情况：父母春节回来，孩子情绪好多了" in summary.text
    assert "照片：无" in summary.text and "回访：无" in summary.text

    attached = await tg.feed(_photo(tg, HEAD, "photo-big"))
    assert "照片：📷 已附上" in attached.text
    follow = await tg.send(head, "2026-11-30")
    assert "回访：2026-11-30" in follow.text
    save_message, save_data = tg.last_bot_message_with(head, "✅ 保存")
    saved = await tg.tap(head, "✅ 保存")
    assert "✅ 小明 的家访已保存" in saved.text and "2026-11-30 会提醒您回访" in saved.text
    # Back at the student list, ready for the next family.
    assert "小红 · 3年级1班" in saved.buttons()

    [visit] = await _visits(session_pool)
    assert (visit.visited_on, visit.form, visit.purpose, visit.met) == (date(2026, 11, 23), "in_person", "follow_up", "both_parents")
    assert (visit.note, visit.voice_file_id, visit.photo_file_id) == ("父母春节回来，孩子情绪好多了", None, "photo-big")
    assert visit.follow_up_on == date(2026, 11, 30) and visit.dropout_case_id is None
    assert visit.school_id == (await _student(session_pool, "小明")).school_id

    # A second tap on the old Save records nothing twice.
    await tg.press(head, save_data, save_message)
    assert len(await _visits(session_pool)) == 1


async def _student(pool: async_sessionmaker[AsyncSession], name: str) -> Student:
    async with pool() as s:
        return (await s.scalars(select(Student).where(Student.name == name))).one()


async def test_visit_with_voice_note_by_phone_yesterday(
    tg: ChatDriver, factory: Factory, session: AsyncSession, session_pool
) -> None:
    await build_scene(factory, session)
    head = tg.user(HEAD)
    await tg.send(head, "/visit")
    await tg.tap(head, "小红")
    await tg.tap(head, "昨天")
    await tg.tap(head, "📞 电话")
    await tg.tap(head, "紧急情况")
    await tg.tap(head, "母亲")
    summary = await tg.feed(_voice(tg, HEAD, "voice-1"))
    assert "情况：🎤 语音" in summary.text and "日期：2026-11-22" in summary.text
    await tg.tap(head, "📅 一周后回访")
    saved = await tg.tap(head, "✅ 保存")
    assert "2026-11-30 会提醒您回访" in saved.text
    [visit] = await _visits(session_pool)
    assert (visit.visited_on, visit.form, visit.purpose, visit.met) == (date(2026, 11, 22), "phone", "emergency", "mother")
    assert (visit.note, visit.voice_file_id, visit.photo_file_id, visit.follow_up_on) == (
        None, "voice-1", None, date(2026, 11, 30)
    )


async def test_video_visit_typed_date_and_name_search(
    tg: ChatDriver, factory: Factory, session: AsyncSession, session_pool
) -> None:
    """An admin who teaches nothing types a name; a typed date; bad dates refused."""
    await build_scene(factory, session)
    admin = tg.user(ADMIN)
    listed = await tg.send(admin, "/visit")
    assert "请输入学生的名字查找" in listed.text
    found = await tg.send(admin, "小")
    assert {"小明 · 3年级1班", "小军 · 4年级2班"} <= set(found.buttons())
    assert not any("小芳" in b for b in found.buttons())  # another school's student
    none = await tg.send(admin, "小芳")
    assert "没有叫“小芳”的" in none.text
    await tg.send(admin, "军")
    await tg.tap(admin, "小军")
    bad = await tg.send(admin, "上周五")
    assert "日期请这样写：2026-11-23" in bad.text
    future = await tg.send(admin, "2026-11-24")
    assert "日期不能晚于今天" in future.text
    asked = await tg.send(admin, "2026-11-20")
    assert "家访方式" in asked.text
    await tg.tap(admin, "📹 视频")
    await tg.tap(admin, "常规家访")
    await tg.tap(admin, "其他人")
    await tg.send(admin, "和叔叔视频，孩子在家学习")
    past = await tg.send(admin, "2026-11-23")
    assert "回访日期要晚于今天" in past.text
    await tg.tap(admin, "✅ 保存")
    [visit] = await _visits(session_pool)
    assert (visit.visited_on, visit.form, visit.met, visit.follow_up_on) == (date(2026, 11, 20), "video", "other", None)


async def test_default_date_is_the_schools_today(
    tg: ChatDriver, factory: Factory, session: AsyncSession, session_pool, clock: FakeClock
) -> None:
    """17:30 UTC on the 23rd is already the 24th in Shanghai."""
    scene = await build_scene(factory, session)
    clock.set(datetime(2026, 11, 23, 17, 30, tzinfo=UTC))
    asked = await _to_note(tg, HEAD)
    summary = await tg.send(tg.user(HEAD), "一切正常")
    assert "日期：2026-11-24" in summary.text
    await tg.tap(tg.user(HEAD), "✅ 保存")
    [visit] = await _visits(session_pool)
    assert visit.visited_on == date(2026, 11, 24)
    assert "🏠 小明：情况如何" in asked.text

    # The school's own timezone decides, not the bot's default: at 17:00 UTC it is still
    # the 23rd in Kathmandu (UTC+5:45) while it is the 24th in Shanghai.
    clock.set(datetime(2026, 11, 23, 17, 0, tzinfo=UTC))
    async with session_pool() as s:
        (await s.get_one(School, scene.school.id)).timezone = "Asia/Kathmandu"
        await s.commit()
    async with session_pool() as s:
        saved = await service.log_home_visit(
            s, clock, get_translator(), await load_actor(s, HEAD),
            VisitDraft(student_id=scene.students["小红"].id, form="phone", purpose="routine", met="guardian", note="x"),
        )
        assert saved.visit.visited_on == date(2026, 11, 23)
        try:
            await service.log_home_visit(
                s, clock, get_translator(), await load_actor(s, HEAD),
                VisitDraft(student_id=scene.students["小红"].id, form="phone", purpose="routine", met="guardian",
                           note="x", visited_on=date(2026, 11, 24)),
            )
            raise AssertionError("a visit dated tomorrow in the school's timezone")
        except CareError as exc:
            assert exc.key == "care-date-future"


async def test_text_where_a_tap_is_expected_and_files_where_text_is(
    tg: ChatDriver, factory: Factory, session: AsyncSession, session_pool
) -> None:
    await build_scene(factory, session)
    head = tg.user(HEAD)
    await tg.send(head, "/visit")
    await tg.tap(head, "小明")
    await tg.tap(head, "今天")
    hint = await tg.send(head, "上门")
    assert "请点下面的按钮" in hint.text and "🚶 上门" in hint.buttons()
    await tg.tap(head, "🚶 上门")
    hint = await tg.send(head, "劝返")
    assert "请点下面的按钮" in hint.text and "劝返" in hint.buttons()
    await tg.tap(head, "常规家访")
    hint = await tg.send(head, "奶奶")
    assert "请点下面的按钮" in hint.text and "监护人" in hint.buttons()
    await tg.tap(head, "监护人")
    photo = await tg.feed(_photo(tg, HEAD, "too-early"))
    assert "请写下情况，或发一条语音" in photo.text
    assert await _visits(session_pool) == []


async def test_a_teacher_cannot_log_a_visit_for_a_student_not_theirs(
    tg: ChatDriver, factory: Factory, session: AsyncSession, session_pool, clock: FakeClock
) -> None:
    scene = await build_scene(factory, session)
    head = tg.user(HEAD)
    await tg.send(head, "/visit")
    message, data = tg.last_bot_message_with(head, "小明")
    stranger = scene.students["小军"].id
    forged = await tg.press(head, data.rsplit(":", 1)[0] + f":{stranger}", message)
    assert "只能为您自己的学生记录" in forged.text and "小军" not in forged.text
    # Search does not find them either.
    found = await tg.send(head, "小军")
    assert "没有叫“小军”的" in found.text
    # The reminder button, forged for a stranger.
    forged = await tg.press(head, VisitCallback(student_id=stranger).pack())
    assert "只能为您自己的学生记录" in forged.text
    # Guardians and bureau officers log no visits.
    assert "只有老师和学校管理员可以记录家访" in (await tg.send(tg.user(GRANNY), "/visit")).text
    assert "只有老师和学校管理员可以记录家访" in (await tg.send(tg.user(BUREAU), "/visit")).text
    # The service refuses too, whatever the dialog did.
    actor = await load_actor(session, HEAD)
    try:
        await service.log_home_visit(
            session, clock, get_translator(), actor,
            VisitDraft(student_id=stranger, form="phone", purpose="routine", met="guardian", note="x"),
        )
        raise AssertionError("logged a visit for a stranger")
    except CareError as exc:
        assert exc.key == "care-not-your-student"
    assert await _visits(session_pool) == []


async def test_subject_teacher_and_mentor_log_for_their_students_only(
    factory: Factory, session: AsyncSession, clock: FakeClock
) -> None:
    scene = await build_scene(factory, session)
    subject = await load_actor(session, SUBJECT)
    mentor = await load_actor(session, MENTOR)
    names = lambda rows: {r.name for r in rows}  # noqa: E731
    assert names(await service.students_to_pick(session, subject)) == {"小明", "小红", "小丽"}
    assert names(await service.students_to_pick(session, mentor)) == {"小军"}
    assert names(await service.students_to_pick(session, await load_actor(session, GRANNY))) == set()
    assert not await service.can_visit(session, mentor, scene.students["小明"].id)
    assert not await service.can_visit(session, await load_actor(session, OTHER_ADMIN), scene.students["小明"].id)
    assert await service.can_visit(session, await load_actor(session, ADMIN), scene.students["小刚"].id)
    # A note or a voice message is needed; a stale enum value is refused.
    for draft, key in (
        (VisitDraft(student_id=scene.students["小军"].id, form="phone", purpose="routine", met="guardian"),
         "visit-note-missing"),
        (VisitDraft(student_id=scene.students["小军"].id, form="fax", purpose="routine", met="guardian", note="x"),
         "care-stale-button"),
        (VisitDraft(student_id=scene.students["小军"].id, form="phone", purpose="routine", met="guardian", note="x",
                    follow_up_on=date(2026, 11, 23)), "visit-follow-up-not-future"),
    ):
        try:
            await service.log_home_visit(session, clock, get_translator(), mentor, draft)
            raise AssertionError(key)
        except CareError as exc:
            assert exc.key == key


# ----------------------------------------------------------------- follow-up


async def test_follow_up_reminder_on_the_day_exactly_once(
    tg: ChatDriver, factory: Factory, session: AsyncSession, session_pool, clock: FakeClock, settings: Settings
) -> None:
    scene = await build_scene(factory, session)
    assert "visit-follow-ups" in default_jobs() and "mentor-coverage" in default_jobs()
    saved = await service.log_home_visit(
        session, clock, get_translator(), await load_actor(session, HEAD),
        VisitDraft(student_id=scene.students["小明"].id, form="phone", purpose="routine", met="guardian",
                   note="奶奶身体不好", follow_up_on=date(2026, 11, 25)),
    )
    await session.commit()
    ctx = JobContext(session_pool, clock, settings, get_translator())

    assert await follow_ups(ctx) == 0  # Monday: not yet
    clock.set(datetime(2026, 11, 24, 15, 59, tzinfo=UTC))  # 23:59 Tuesday in Shanghai
    assert await follow_ups(ctx) == 0
    clock.set(datetime(2026, 11, 24, 23, 45, tzinfo=UTC))  # 07:45 Wednesday, the job's time
    assert await follow_ups(ctx) == 1
    assert await follow_ups(ctx) == 0
    clock.advance(days=1)
    assert await follow_ups(ctx) == 0
    [reminder] = await _outbox(session_pool, "visit-follow-up")
    assert reminder.chat_id == HEAD and reminder.dedup_key == f"visit-follow-up:{saved.visit.id}"
    assert "今天（2026-11-25）该回访：小明" in reminder.payload["text"]
    assert "上次家访：2026-11-23（常规家访）" in reminder.payload["text"]

    # The reminder's button opens the visit form with 小明 already chosen.
    button = reminder.payload["buttons"][0][0]
    opened = await tg.press(tg.user(HEAD), button["callback_data"])
    assert "🏠 小明：哪天家访的" in opened.text


# ---------------------------------------------------------------- dropout case


async def _reported_case(session: AsyncSession, clock: FakeClock, student: Student) -> int:
    actor = await load_actor(session, HEAD)
    case = await dropout.open_case_manually(session, clock, get_translator(), actor, student.id)
    await dropout.confirm_dropout(session, clock, actor, case.id)
    await dropout.file_report(
        session, clock, actor, case.id, reason="厌学", parents="父亲在外", home_address="清水村", whereabouts="在家"
    )
    await session.commit()
    return case.id


async def test_persuasion_visit_goes_on_the_dropout_case(
    tg: ChatDriver, factory: Factory, session: AsyncSession, session_pool, clock: FakeClock
) -> None:
    scene = await build_scene(factory, session)
    case_id = await _reported_case(session, clock, scene.students["小明"])
    head = tg.user(HEAD)
    await _to_note(tg, HEAD, purpose="劝返", met="父亲")
    summary = await tg.send(head, "讲了义务教育法，父亲答应送回")
    assert "这次家访会记入该生的辍学个案" in summary.text
    saved = await tg.tap(head, "✅ 保存")
    assert "已记入辍学个案" in saved.text

    [visit] = await _visits(session_pool)
    assert visit.dropout_case_id == case_id and visit.purpose == "persuade"
    async with session_pool() as s:
        case = await s.get_one(DropoutCase, case_id)
        events = list(await s.scalars(select(DropoutCaseEvent).where(DropoutCaseEvent.case_id == case_id)))
    assert case.stage == "persuading"  # the first visit on a reported case starts 走访动员
    [event] = [e for e in events if e.kind == "visit"]
    assert (event.visitors, event.said, event.happened_on) == ("王老师", "讲了义务教育法，父亲答应送回", date(2026, 11, 23))
    assert event.result == "家访：🚶 上门，见到父亲" and visit.dropout_event_id == event.id
    # The case card shows it like any other visit.
    card = await tg.send(head, "/dropout")
    card = await tg.tap(head, "小明")
    assert "讲了义务教育法，父亲答应送回" in card.text


async def test_persuasion_visit_by_a_subject_teacher_goes_on_the_case_without_moving_it(
    tg: ChatDriver, factory: Factory, session: AsyncSession, session_pool, clock: FakeClock
) -> None:
    """Only the head teacher or an admin moves a case; a subject teacher's persuasion visit
    is still one of the case's visits (timeline, register), and the stage stays."""
    scene = await build_scene(factory, session)
    case_id = await _reported_case(session, clock, scene.students["小明"])
    await _to_note(tg, SUBJECT, purpose="劝返")
    await tg.feed(_voice(tg, SUBJECT, "voice-2"))
    saved = await tg.tap(tg.user(SUBJECT), "✅ 保存")
    assert "已记入辍学个案记录；个案阶段不变" in saved.text
    [visit] = await _visits(session_pool)
    assert visit.dropout_case_id == case_id and visit.voice_file_id == "voice-2"
    async with session_pool() as s:
        events = list(await s.scalars(select(DropoutCaseEvent).where(DropoutCaseEvent.case_id == case_id)))
        assert (await s.get_one(DropoutCase, case_id)).stage == "reported"
    [event] = [e for e in events if e.kind == "visit"]
    assert visit.dropout_event_id == event.id
    assert (event.visitors, event.said, event.from_stage, event.to_stage) == ("赵老师", "（语音，见家访记录）", None, None)
    assert not [e for e in events if e.kind == "stage" and e.to_stage == "persuading"]

    # The head teacher sees it on the case card, and on the ledger once, with the recording.
    head = tg.user(HEAD)
    await tg.send(head, "/dropout")
    card = await tg.tap(head, "小明")
    assert "赵老师" in card.text
    await tg.send(head, "/student 小明")
    ledger_card = await tg.tap(head, "小明 · 3年级1班")
    assert ledger_card.text.count("走访动员（赵老师）") == 1
    from aiogram.methods import SendVoice
    sent = await tg.tap(head, "家访录音")
    [voice] = sent.of(SendVoice)
    assert voice.voice == "voice-2" and voice.chat_id == HEAD


async def test_persuasion_visit_before_the_report_is_on_the_case_stage_unchanged(
    factory: Factory, session: AsyncSession, clock: FakeClock
) -> None:
    scene = await build_scene(factory, session)
    head = await load_actor(session, HEAD)
    xiaoming = scene.students["小明"].id
    case = await dropout.open_case_manually(session, clock, get_translator(), head, xiaoming)
    await session.commit()
    saved = await service.log_home_visit(
        session, clock, get_translator(), head,
        VisitDraft(student_id=xiaoming, form="in_person", purpose="persuade", met="guardian", note="奶奶说孩子在家"),
    )
    assert saved.on_case and saved.stage_kept and saved.case_refusal == "dropout-illegal-step"
    assert (await session.get_one(DropoutCase, case.id)).stage == "suspected"
    event = await session.get_one(DropoutCaseEvent, saved.visit.dropout_event_id)
    assert (event.kind, event.said, event.happened_on) == ("visit", "奶奶说孩子在家", date(2026, 11, 23))
    # The register's "actions taken" lists it.
    from services.dropout_registers import actions_taken, load_facts
    [facts] = await load_facts(session, scene.school.id)
    assert "奶奶说孩子在家" in actions_taken(get_translator(), "zh_Hans", facts)

    # A visit dated before the case was opened is linked only.
    earlier = await service.log_home_visit(
        session, clock, get_translator(), head,
        VisitDraft(student_id=xiaoming, form="phone", purpose="persuade", met="guardian", note="上周打过电话",
                   visited_on=date(2026, 11, 16)),
    )
    assert earlier.case_id == case.id and not earlier.on_case and earlier.visit.dropout_event_id is None
    assert (await session.get_one(DropoutCase, case.id)).stage == "suspected"


async def test_routine_visit_or_no_open_case_is_not_linked(
    factory: Factory, session: AsyncSession, clock: FakeClock
) -> None:
    scene = await build_scene(factory, session)
    await _reported_case(session, clock, scene.students["小明"])
    head = await load_actor(session, HEAD)
    routine = await service.log_home_visit(
        session, clock, get_translator(), head,
        VisitDraft(student_id=scene.students["小明"].id, form="phone", purpose="routine", met="guardian", note="x"),
    )
    no_case = await service.log_home_visit(
        session, clock, get_translator(), head,
        VisitDraft(student_id=scene.students["小红"].id, form="phone", purpose="persuade", met="guardian", note="y"),
    )
    assert routine.case_id is None and not routine.on_case
    assert no_case.case_id is None and no_case.visit.dropout_case_id is None
    # Voice only on a case: the case's "said" says where to find it.
    saved = await service.log_home_visit(
        session, clock, get_translator(), head,
        VisitDraft(student_id=scene.students["小明"].id, form="in_person", purpose="persuade", met="mother",
                   voice_file_id="v"),
    )
    assert saved.on_case
    event = await session.scalar(
        select(DropoutCaseEvent).where(DropoutCaseEvent.kind == "visit").order_by(DropoutCaseEvent.id.desc())
    )
    assert event is not None and event.said == "（语音，见家访记录）"


async def test_ledger_sources_count_a_case_visit_once(
    factory: Factory, session: AsyncSession, clock: FakeClock
) -> None:
    from zoneinfo import ZoneInfo

    from services import care_ledger, ledger
    from services.mentoring import assign, log_activity

    scene = await build_scene(factory, session)
    await _reported_case(session, clock, scene.students["小明"])
    head = await load_actor(session, HEAD)
    xiaoming = scene.students["小明"].id
    for purpose, note in (("routine", "奶奶说孩子按时睡觉"), ("persuade", "劝返成功")):
        await service.log_home_visit(
            session, clock, get_translator(), head,
            VisitDraft(student_id=xiaoming, form="in_person", purpose=purpose, met="guardian", note=note),
        )
    entries = await care_ledger.home_visits(session, xiaoming, None, None)
    tz = ZoneInfo("Asia/Shanghai")
    texts = [ledger.render_entry(get_translator(), "zh_Hans", e, tz) for e in entries]
    assert len(entries) == 1 and entries[0].kind == ledger.KIND_VISIT
    assert "🏠 家访（王老师）：🚶 上门 · 常规家访 · 见到监护人。奶奶说孩子按时睡觉" in texts[0]
    assert await care_ledger.home_visits(session, xiaoming, date(2026, 11, 24), None) == []

    await assign(session, clock, await load_actor(session, ADMIN), scene.staff[MENTOR], xiaoming)
    await log_activity(session, clock, await load_actor(session, MENTOR), xiaoming, "tutoring", note="数学")
    [entry] = await care_ledger.mentor_activities(session, xiaoming, None, None)
    assert "🤝 帮扶（钱老师）：📚 学习辅导。数学" in ledger.render_entry(get_translator(), "zh_Hans", entry, tz)
    # Both are on the student's ledger timeline, the persuasion visit once (via its case).
    page = await ledger.timeline_page(session, head, xiaoming, 0)
    assert page is not None
    timeline = ledger.timeline_text(get_translator(), "zh_Hans", page, tz)
    assert "奶奶说孩子按时睡觉" in timeline and "📚 学习辅导。数学" in timeline
    assert timeline.count("劝返成功") <= 1
