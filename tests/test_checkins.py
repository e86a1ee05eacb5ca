"""The holiday check-in's rules below the chat: the one question list and its words, the
answers filed on the student's ledger (timeline and the spreadsheet's "study and life"
summary), who may see a class's answers, the reminder delay setting, and refusals that
write nothing."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.settings import load_settings
from db.models import Campaign, OutboxMessage
from db.models.checkins import CheckinAnswer, HolidayCheckin
from locales import LANGUAGES, get_translator
from services import checkins as svc
from services import ledger
from services.access import load_actor
from services.clock import FakeClock
from tests.support.chat import ChatDriver
from tests.support.factory import Factory
from tests.test_checkins_bot import (
    ADMIN,
    AUNT,
    GRANNY,
    HEAD,
    HEAD2,
    MENTOR,
    OTHER_ADMIN,
    OTHER_SUBJECT,
    SUBJECT,
    build_scene,
)


async def _start(session: AsyncSession, clock: FakeClock, class_id: int, rules: svc.CheckinRules | None = None):
    started = await svc.start_checkin(
        session, clock, get_translator(), rules or svc.CheckinRules(),
        actor=await load_actor(session, HEAD), class_id=class_id, campaign_key=svc.new_campaign_key(),
        progress_chat_id=HEAD, language="zh_Hans",
    )
    await session.commit()
    return started


async def _child_id(session: AsyncSession, checkin_id: int, student_id: int) -> int:
    from db.models.checkins import CheckinChild

    return await session.scalar(
        select(CheckinChild.id).where(CheckinChild.checkin_id == checkin_id, CheckinChild.student_id == student_id)
    )


async def _answer_all(session: AsyncSession, clock: FakeClock, child_id: int, choices: dict[str, str], note: str | None = None):
    granny = await load_actor(session, GRANNY)
    for question, choice in choices.items():
        result = await svc.answer(session, clock, granny, child_id, question, choice, note=note if choice == svc.NOTE else None)
        assert result.outcome == svc.Outcome.RECORDED, (question, result)
    await session.commit()


def test_questions_are_one_list_with_words_in_every_language() -> None:
    translator = get_translator()
    assert [q.code for q in svc.QUESTIONS] == ["study", "health", "company", "note"]
    assert svc.BY_CODE["company"].follow_up == {"alone"}
    assert svc.BY_CODE["health"].follow_up == {"injured"}
    assert svc.BY_CODE["note"].follow_up == {"call"}
    for language in LANGUAGES:
        for q in svc.QUESTIONS:
            assert translator.has(f"checkin-q-{q.code}", language)
            assert translator.has(f"checkin-short-{q.code}", language)
            for choice in q.choices:
                assert translator.has(f"checkin-choice-{q.code}-{choice}", language), (language, q.code, choice)
    # Every button's data fits Telegram's 64 bytes.
    longest = max((svc.answer_data(10**9, q.code, c) for q in svc.QUESTIONS for c in q.choices), key=len)
    assert len(longest.encode()) <= 64


async def test_answers_are_filed_on_the_ledger_and_the_export_summary(
    tg: ChatDriver, factory: Factory, session: AsyncSession, clock: FakeClock,
) -> None:
    scene = await build_scene(factory, session)
    started = await _start(session, clock, scene.class1.id)
    clock.advance(hours=2)
    child_id = await _child_id(session, started.checkin_id, scene.xiaoming.id)
    await _answer_all(session, clock, child_id, {"study": "daily", "health": "well", "company": "alone", "note": svc.NOTE},
                      note="想妈妈了")

    # Through the bot: the head teacher opens 小明's record.
    await tg.send(tg.user(HEAD), "/student 小明")
    card = await tg.tap(tg.user(HEAD), "小明")
    assert "📋 假期回访（王奶奶）⚠️ 需要联系：学习：每天做作业；身体安全：很好；和谁在一起：独自一人；想说的话：想妈妈了" in card.text

    entries = await ledger.collect(session, scene.xiaoming.id)
    [entry] = [e for e in entries if e.kind == svc.KIND_CHECKIN]
    assert entry.at == clock.now()
    english = ledger.render_param(get_translator(), "en", entry.params["answers"])
    assert english == "Study: Homework every day; Health and safety: Well; With: Alone; Note: 想妈妈了"
    # Dates filter it like every other source; a child without answers has no entry.
    assert not [e for e in await ledger.collect(session, scene.xiaoming.id, since=date(2026, 11, 24)) if e.kind == "checkin"]
    assert not [e for e in await ledger.collect(session, scene.xiaohong.id) if e.kind == "checkin"]

    summaries = await svc.study_life_summaries(
        session, get_translator(), "zh_Hans", [scene.xiaoming.id, scene.xiaohong.id]
    )
    assert summaries[scene.xiaoming.id] == (
        "2026-11-23 假期回访：学习：每天做作业；身体安全：很好；和谁在一起：独自一人；想说的话：想妈妈了"
    )
    assert summaries[scene.xiaohong.id] == ""


async def test_only_the_class_staff_see_the_answers(factory: Factory, session: AsyncSession, clock: FakeClock) -> None:
    scene = await build_scene(factory, session)
    started = await _start(session, clock, scene.class1.id)
    for user_id in (HEAD, SUBJECT, ADMIN):
        results = await svc.class_results(session, await load_actor(session, user_id), started.checkin_id)
        assert results is not None and {c.name for c in results.children} == {"小明", "小红", "小刚"}, user_id
    for user_id in (HEAD2, OTHER_SUBJECT, MENTOR, OTHER_ADMIN, GRANNY, AUNT):
        actor = await load_actor(session, user_id)
        assert await svc.class_results(session, actor, started.checkin_id) is None, user_id
        assert await svc.checkins_for(session, actor) == [], user_id
    # Only head teachers and admins may start one, and only for their own classes.
    assert svc.may_start(await load_actor(session, HEAD)) and svc.may_start(await load_actor(session, ADMIN))
    assert not svc.may_start(await load_actor(session, SUBJECT))
    with pytest.raises(svc.CheckinError) as refused:
        await svc.start_checkin(
            session, clock, get_translator(), svc.CheckinRules(), actor=await load_actor(session, HEAD),
            class_id=scene.class2.id, campaign_key="k2", progress_chat_id=None, language=None,
        )
    assert refused.value.key == "checkin-not-allowed"


async def test_a_class_nobody_can_be_asked_in_writes_nothing(
    factory: Factory, session: AsyncSession, clock: FakeClock,
) -> None:
    school = await factory.school("山村小学")
    head = await factory.person("林老师", telegram_user_id=HEAD)
    post = await factory.staff(head, school, is_head_teacher=True)
    klass = await factory.school_class(school, head_teacher=post)
    child = await factory.student(school, klass, "小华")
    await factory.guardian_of(child, await factory.person("马奶奶", phone="+8613900000000"))
    await session.commit()
    assert (await svc.count_guardians(session, klass.id)) == svc.GuardianCount(1, 0, 1)
    with pytest.raises(svc.CheckinError) as nobody:
        await _start(session, clock, klass.id)
    assert nobody.value.key == "checkin-nobody"
    for model in (HolidayCheckin, Campaign, OutboxMessage, CheckinAnswer):
        assert await session.scalar(select(func.count()).select_from(model)) == 0


async def test_the_reminder_delay_and_open_days_come_from_the_settings(
    factory: Factory, session: AsyncSession, clock: FakeClock, monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("CHECKINS__REMIND_AFTER_HOURS", "6")
    monkeypatch.setenv("CHECKINS__OPEN_DAYS", "3")
    settings = load_settings(_env_file=None, bot_token="42:TEST")
    assert settings.checkins.remind_after_hours == 6
    rules = svc.CheckinRules.from_settings(settings)
    assert rules == svc.CheckinRules(remind_after_hours=6, open_days=3)
    monkeypatch.delenv("CHECKINS__REMIND_AFTER_HOURS")
    assert load_settings(_env_file=None).checkins.remind_after_hours == 24

    scene = await build_scene(factory, session)
    started = await _start(session, clock, scene.class1.id, rules)
    checkin = await session.get(HolidayCheckin, started.checkin_id)
    assert checkin.remind_at == clock.now() + timedelta(hours=6)
    assert checkin.closes_at == clock.now() + timedelta(days=3)
    clock.advance(hours=6)
    assert await svc.send_reminders(session, clock, get_translator()) == 3  # granny x2, grandpa
    assert await svc.send_reminders(session, clock, get_translator()) == 0
