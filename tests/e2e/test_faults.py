"""Faults end to end: the real bot process (`python -m bot`) against the fake Bot API
server while things go wrong, and what must hold after each: no guardian's answer lost or
recorded twice, no message lost or sent twice, the bot serving again by itself.

1. A 429 storm while grandmothers answer "arrived home?" and "why is … not at school?".
2. Chats that blocked the bot (403): marked unreachable once, the head teacher asked to
   phone, nothing retried in a loop; the others delivered once.
3. getUpdates answering 502, cut, and hanging past the request timeout, while sends hang
   and fail too: updates pushed meanwhile are handled afterwards; nothing sent twice.
4. SIGKILL in the middle of two dialogs (a teacher's attendance sheet with two pupils
   marked, a grandmother's /absent at its confirm step): after the restart the same
   buttons finish them, once, with what was chosen before the kill.
5. The database locked by another program for longer than the busy timeout: the tap
   gets a clear "not saved, try again" in the guardian's language, nothing half-written;
   after the lock the sender resumes and the tap works. With JIAXIAO_TEST_POSTGRES_URL,
   the same with PostgreSQL cut off through a TCP proxy.

One bot process serves the module (importing aiogram costs seconds); each test has its
own school and Telegram ids. The fake's faults are reset after each test. The bot runs on
the real clock with quiet hours switched off (start = end), so the time of day the suite
runs at does not matter; a SQLite busy timeout of 3 s (`?timeout=3` in DATABASE_URL) and
a Bot API request timeout of 3 s (TELEGRAM_TIMEOUT) keep the faults short.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import time
from collections import Counter, defaultdict
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from datetime import timedelta
from pathlib import Path

import pytest
import pytest_asyncio
from sqlalchemy import func, select
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import (
    AttendanceMark,
    AttendanceSheet,
    AttendanceStatus,
    HomeReturn,
    HomeStatus,
    OutboxMessage,
    Person,
)
from services.clock import SystemClock
from services.outbox import OutgoingMessage, enqueue
from tests.e2e.fake_bot_api import ChatMessage, FakeUser, Faults, Limits
from tests.e2e.faults_support import (
    ZH,
    FaultyBotApi,
    SqliteWriteLock,
    T,
    TcpProxy,
    scratch_database,
    seed_school,
    start_return_round,
    submit_absences,
)
from tests.e2e.harness import BotProcess

pytestmark = [pytest.mark.e2e, pytest.mark.asyncio(loop_scope="module"), pytest.mark.timeout(180)]

BUSY_SECONDS = 3.0  # SQLite busy timeout of the bot under test
REQUEST_TIMEOUT = 3  # TELEGRAM_TIMEOUT: seconds before a hung Bot API request is given up
POLL_TIMEOUT = 10  # aiogram's long-poll wait in start_polling (getUpdates waits 3 + 10 s)

ENV = {
    "TELEGRAM_TIMEOUT": str(REQUEST_TIMEOUT),
    # No quiet hours: the questions go out whatever time of day the suite runs.
    "OUTBOX__QUIET_START": "00:00",
    "OUTBOX__QUIET_END": "00:00",
    "OUTBOX__MAX_ATTEMPTS": "10",
    # The monthly "call the parents" reminder would queue for every left-behind child from
    # the 20th on; only on the 31st at 23:59 here.
    "CONTACTS__REMINDER_DAY": "31",
    "CONTACTS__REMINDER_TIME": "23:59",
}

HOME = T.get("returns-button-home", ZH)
SICK = T.get("absence-answer-sick", ZH)
UNEXPECTED = T.get("error-unexpected", ZH)


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def running_bot(
    tmp_path_factory: pytest.TempPathFactory, migrated_template: Path
) -> AsyncIterator[BotProcess]:
    api = FaultyBotApi()
    await api.start()
    process = BotProcess(api, tmp_path_factory.mktemp("e2e-faults"), env=ENV)
    process.database_url = f"sqlite+aiosqlite:///{process.db_path}?timeout={BUSY_SECONDS:g}"
    shutil.copyfile(migrated_template, process.db_path)
    try:
        await process.start(timeout=120)
        yield process
        assert await process.stop() == 0, process.log_tail()
    finally:
        await process.close()
        await api.stop()


@pytest.fixture
def bot(running_bot: BotProcess, request: pytest.FixtureRequest) -> Iterator[BotProcess]:
    """The module's bot, with the fake's faults and limits cleared after the test; its log
    is printed when a test fails."""
    yield running_bot
    api = _api(running_bot)
    api.limits = None
    api.faults = Faults()
    api.poll_faults.clear()
    api.send_hangs = 0
    report = getattr(request.node, "report_call", None)
    if report is not None and report.failed:
        print(running_bot.log_tail(150))  # noqa: T201


def _api(bot: BotProcess) -> FaultyBotApi:
    assert isinstance(bot.api, FaultyBotApi)
    return bot.api


# ---------------------------------------------------------------------------- helpers


def _ask_text(name: str) -> str:
    return f"{name}到家了吗"


def _messages_with(api: FaultyBotApi, chat: int, text: str) -> list[ChatMessage]:
    return [m for m in api.messages_to(chat) if any(text in t for t in m.all_texts)]


def _first_text(message: ChatMessage) -> str:
    return message.edits[0] if message.edits else (message.text or message.caption or "")


async def _press_on(api: FaultyBotApi, chat: int, contains: str, label: str, timeout: float = 20) -> str:
    """Waits for the bot's message containing `contains` with button `label`; presses it."""
    def find() -> ChatMessage | None:
        for m in _messages_with(api, chat, contains):
            if label in m.button_texts():
                return m
        return None

    try:
        message = await api.wait_for(find, timeout, what=f"{contains!r} with {label!r} in chat {chat}")
    except TimeoutError as exc:
        raise AssertionError(f"{exc}\n{api.describe_chat(chat)}") from None
    data = next(b["callback_data"] for b in message.buttons() if b["text"] == label)
    return api.push_callback(chat, message.message_id, data)


async def _school_rows(session: AsyncSession, school_id: int) -> list[OutboxMessage]:
    return list(await session.scalars(
        select(OutboxMessage).where(OutboxMessage.school_id == school_id).order_by(OutboxMessage.id)
    ))


async def _all_settled(bot: BotProcess, school_id: int, timeout: float, minimum: int) -> list[OutboxMessage]:
    """Waits until the school's outbox rows (at least `minimum`) are all out of the queue."""
    async def settled(session: AsyncSession) -> list[OutboxMessage] | None:
        rows = await _school_rows(session, school_id)
        busy = [r for r in rows if r.status in ("pending", "sending")]
        return rows if len(rows) >= minimum and not busy else None

    try:
        return await bot.wait_for_db(settled, timeout, what=f"school {school_id}'s outbox to drain")
    except AssertionError as exc:
        async with bot.session() as session:
            rows = await _school_rows(session, school_id)
        exc.add_note("\n".join(
            f"row {r.id} {r.kind} chat {r.chat_id}: {r.status} attempts={r.attempts} {r.last_error}"
            for r in rows
        ))
        raise


def _assert_delivered_once(api: FaultyBotApi, rows: list[OutboxMessage], chats: set[int]) -> None:
    """Each 'sent' row is one message in its chat, with its text, not two. In `chats`
    nothing else arrived either (their people only tap buttons: the bot edits and answers,
    it sends nothing of its own accord there except through the outbox)."""
    expected: dict[int, Counter[str]] = defaultdict(Counter)
    for row in rows:
        if row.status == "sent":
            expected[row.chat_id][row.payload["text"]] += 1
    for chat in chats | set(expected):
        got = Counter(_first_text(m) for m in api.messages_to(chat))
        want = expected.get(chat, Counter())
        if chat not in chats:
            got = Counter({text: n for text, n in got.items() if text in want})
        assert got == want, f"chat {chat}: delivered {dict(got)} but the outbox sent {dict(want)}"


async def _serving(api: FaultyBotApi, chat: int) -> None:
    """The bot answers a new update (a grandmother's /home) within a few seconds."""
    before = api.activity(chat)
    api.push_text(FakeUser(chat), "/home")
    await api.wait_for(lambda: api.activity(chat) > before, 15, what=f"an answer to /home in {chat}")


async def _returns(session: AsyncSession, round_id: int | None) -> list[HomeReturn]:
    return list(await session.scalars(
        select(HomeReturn).where(HomeReturn.round_id == round_id).order_by(HomeReturn.student_id)
    ))


# ------------------------------------------------------------------------ 1. 429 storm


async def test_429_storm_while_guardians_answer(bot: BotProcess) -> None:
    api = _api(bot)
    scene = await seed_school(bot, "风暴小学", 91_000, 10, left_behind=7)
    returners, absentees = scene.pupils[:7], scene.pupils[7:]
    # A storm: a tenth of Telegram's rate, one message per chat every two seconds.
    api.limits = Limits(total_rate=3, total_burst=2, chat_rate=0.5, chat_burst=1)
    throttled_before = api.too_many_requests
    assert await start_return_round(bot, scene) == len(returners)
    assert await submit_absences(bot, scene, absentees) == len(absentees)

    # Each grandmother answers as soon as her question arrives, in the middle of the storm.
    presses = await asyncio.gather(
        *(_press_on(api, p.granny_chat, _ask_text(p.name), HOME, 40) for p in returners),
        *(_press_on(api, p.granny_chat, T.get("absence-notice", ZH, child=p.name), SICK, 40) for p in absentees),
    )

    async def answered(session: AsyncSession) -> bool:
        rets = await _returns(session, scene.round_id)
        marks = list(await session.scalars(
            select(AttendanceMark).where(AttendanceMark.class_id == scene.class_id)
        ))
        return (
            len(rets) == len(returners) and all(r.status == HomeStatus.ARRIVED for r in rets)
            and len(marks) == len(absentees) and all(m.guardian_answer == "sick" for m in marks)
        )

    await bot.wait_for_db(answered, 30, what="every answer recorded")
    assert api.too_many_requests > throttled_before, "no 429 was answered: the storm proved nothing"
    api.limits = None  # the storm is over

    rows = await _all_settled(bot, scene.school_id, 30, minimum=len(scene.pupils))
    assert {r.status for r in rows} == {"sent"}, [(r.kind, r.status, r.last_error) for r in rows]
    _assert_delivered_once(api, rows, {p.granny_chat for p in scene.pupils} | {scene.head_chat})
    async with bot.session() as session:
        rets = await _returns(session, scene.round_id)
        by_student = {p.student_id: p for p in scene.pupils}
        assert [r.answered_by_id for r in rets] == [by_student[r.student_id].granny_person_id for r in rets]
        marks = list(await session.scalars(
            select(AttendanceMark).where(AttendanceMark.class_id == scene.class_id)
        ))
        assert sorted(m.student_id for m in marks) == sorted(p.student_id for p in absentees)
    # Every tap was answered, once, and never with "something went wrong, not saved":
    # the answer was saved, whatever became of the edit of the question under the 429s.
    for callback_id in presses:
        texts = api.callback_texts(callback_id)
        assert len(texts) == 1 and UNEXPECTED not in texts, (callback_id, texts)
    await _serving(api, returners[0].granny_chat)


# ------------------------------------------------------------------ 2. blocked chats


async def test_blocked_chats_marked_unreachable_and_teacher_told(bot: BotProcess) -> None:
    api = _api(bot)
    scene = await seed_school(bot, "屏蔽小学", 92_000, 6)
    blocked, deactivated, fine = scene.pupils[:2], scene.pupils[2:3], scene.pupils[3:]
    api.faults = Faults(
        blocked_chats={p.granny_chat for p in blocked},
        deactivated_chats={p.granny_chat for p in deactivated},
    )
    assert await start_return_round(bot, scene) == len(scene.pupils)
    gone = blocked + deactivated
    # The asks, plus one "please phone" alert to the head teacher per unreachable grandmother.
    rows = await _all_settled(bot, scene.school_id, 30, minimum=len(scene.pupils) + len(gone))
    # A retry loop would try again after 2 s: give it the chance before counting.
    await asyncio.sleep(2.5)

    by_chat = {r.chat_id: r for r in rows if r.kind == "return-ask"}
    for p in gone:
        row = by_chat[p.granny_chat]
        assert (row.status, row.attempts) == ("unreachable", 1), (row.status, row.attempts, row.last_error)
        assert "Forbidden" in (row.last_error or "")
        tries = [c for c in api.calls_of("sendMessage") if str(c.get("chat_id")) == str(p.granny_chat)]
        assert len(tries) == 1, f"{len(tries)} tries to a chat that blocked the bot"
    for p in fine:
        assert by_chat[p.granny_chat].status == "sent"
        assert len(_messages_with(api, p.granny_chat, _ask_text(p.name))) == 1
    # The head teacher sees who could not be reached, with the number to phone: once each.
    alerts = [r for r in rows if r.kind == "unreachable-alert"]
    assert sorted(r.chat_id for r in alerts) == [scene.head_chat] * len(gone)
    assert all(r.status == "sent" for r in alerts)
    head_texts = [_first_text(m) for m in api.messages_to(scene.head_chat)]
    for p in gone:
        line = [t for t in head_texts if f"{p.name}奶奶" in t]
        assert len(line) == 1 and f"+86138{p.granny_chat:08d}" in line[0], head_texts
    for p in fine:
        assert not any(f"{p.name}奶奶" in t for t in head_texts)
    _assert_delivered_once(api, rows, {p.granny_chat for p in scene.pupils} | {scene.head_chat})
    async with bot.session() as session:
        marked = {
            p.id: p.unreachable_since for p in await session.scalars(
                select(Person).where(Person.id.in_([p.granny_person_id for p in scene.pupils]))
            )
        }
    assert all(marked[p.granny_person_id] is not None for p in gone)
    assert all(marked[p.granny_person_id] is None for p in fine)

    # One grandmother unblocks the bot and writes: answered, and reachable again.
    again = blocked[0]
    api.faults.blocked_chats.discard(again.granny_chat)
    await _serving(api, again.granny_chat)

    async def reachable(session: AsyncSession) -> bool:
        person = await session.get_one(Person, again.granny_person_id, populate_existing=True)
        return person.unreachable_since is None

    await bot.wait_for_db(reachable, what="the grandmother reachable again")


# ------------------------------------------------------- 3. 502s, cuts and hangs


async def test_502s_cuts_and_hangs_on_polling_and_sending(bot: BotProcess) -> None:
    api = _api(bot)
    first = await seed_school(bot, "断网小学", 93_000, 4)
    second = await seed_school(bot, "断线小学", 93_500, 4)
    await start_return_round(bot, first)
    for p in first.pupils:
        await api.wait_for_text(p.granny_chat, _ask_text(p.name), timeout=20)

    # The line goes bad. getUpdates: a 502, a cut connection, then a request that hangs
    # past the bot's request timeout (3 + 10 s). Sends: a third answered 502, and the
    # first two vanish in a dead connection (no answer until the bot gives up).
    api.poll_faults.extend(["502", "drop", "hang"])
    api.poll_hang_seconds = REQUEST_TIMEOUT + POLL_TIMEOUT + 1.5
    api.faults = Faults(error_rate=0.3, seed=7)
    api.send_hangs = 2
    api.send_hang_seconds = REQUEST_TIMEOUT + 1.5
    polls_before = api.get_updates_calls  # faulted calls are not counted
    api.kick_polls()  # the long poll waiting now returns; the next one meets the faults
    await api.wait_for(lambda: api.poll_faults_done, 10, what="a failed getUpdates")
    started = time.monotonic()
    # Meanwhile the grandmothers of the first school tap "arrived home" ...
    for p in first.pupils:
        await _press_on(api, p.granny_chat, _ask_text(p.name), HOME)
    # ... and the second school's round goes out.
    assert await start_return_round(bot, second) == len(second.pupils)

    await bot.wait_until(
        lambda: not api.poll_faults and api.get_updates_calls > polls_before,
        REQUEST_TIMEOUT + POLL_TIMEOUT + 15, "polling to recover after the faults",
    )

    async def recorded(session: AsyncSession) -> bool:
        rets = await _returns(session, first.round_id)
        return len(rets) == len(first.pupils) and all(r.status == HomeStatus.ARRIVED for r in rets)

    await bot.wait_for_db(recorded, 40, what="the taps made while polling failed")
    took = time.monotonic() - started
    rows = await _all_settled(bot, second.school_id, 30, minimum=len(second.pupils))
    api.faults = Faults()
    assert api.poll_faults_done == ["502", "drop", "hang"]
    assert took >= REQUEST_TIMEOUT + POLL_TIMEOUT - 1, "the taps were handled before the hang ended?"
    assert api.send_hangs_done == 2 and api.faults_injected["502"] > 0, dict(api.faults_injected)
    assert {r.status for r in rows} == {"sent"}, [(r.status, r.last_error) for r in rows]
    async with bot.session() as session:
        retried = await session.scalar(select(func.count()).where(OutboxMessage.attempts > 1))
    assert retried, "no outbox row needed a second try: the faults proved nothing"
    # Whatever was retried arrived once; the taps' own edits may be lost to a 502 (they
    # only tidy the question), the answers are not.
    _assert_delivered_once(api, rows, {p.granny_chat for p in second.pupils})
    for p in second.pupils:
        assert len(_messages_with(api, p.granny_chat, _ask_text(p.name))) == 1
    for p in first.pupils:
        assert len(_messages_with(api, p.granny_chat, _ask_text(p.name))) == 1
    assert bot.running
    await _serving(api, first.pupils[0].granny_chat)


# -------------------------------------------------------------- 4. SIGKILL mid-dialog


async def test_sigkill_mid_dialog_finishes_after_restart(bot: BotProcess) -> None:
    api = _api(bot)
    scene = await seed_school(bot, "重启小学", 94_000, 4)
    head = FakeUser(scene.head_chat)
    marked, untouched, reporter = scene.pupils[:2], scene.pupils[2], scene.pupils[3]

    # The head teacher opens today's sheet and marks two pupils absent, not submitted.
    api.push_text(head, "/attendance")
    await api.wait_for(
        lambda: any(marked[0].name in m.button_texts() for m in api.messages_to(head.id)),
        20, "the attendance sheet",
    )
    for p in marked:
        api.press(head, p.name)
        await api.wait_for(
            lambda p=p: any(f"❌{p.name}" in m.button_texts() for m in api.messages_to(head.id)),
            15, f"{p.name} marked absent",
        )
    submit = T.get("attendance-submit", ZH, count=2)
    assert any(submit in m.button_texts() for m in api.messages_to(head.id))

    # A grandmother reports her grandchild sick with /absent, up to the confirm step.
    granny = FakeUser(reporter.granny_chat)
    api.push_text(granny, "/absent")
    await _press_on(api, granny.id, reporter.name, T.get("absence-report-reason-sick", ZH))
    confirm = T.get("absence-report-confirm-button", ZH)
    await api.wait_for(
        lambda: any(confirm in m.button_texts() for m in api.messages_to(granny.id)), 15, "the confirm step",
    )

    await bot.kill()  # kill -9: no clean-up at all
    await bot.start()

    # The same buttons, on the same messages, finish both dialogs.
    api.press(head, submit)
    await api.wait_for_text(head.id, T.get("attendance-saved-asked", ZH, asked=2), timeout=20)
    api.press(granny, confirm)
    done = T.get("absence-report-done", ZH, child=reporter.name, reason="\x00").split("\x00")[0]
    await api.wait_for_text(granny.id, done, timeout=20)

    async def saved(session: AsyncSession) -> list[AttendanceMark] | None:
        marks = list(await session.scalars(
            select(AttendanceMark).where(AttendanceMark.class_id == scene.class_id)
        ))
        return marks if len(marks) == 3 else None

    marks = {m.student_id: m for m in await bot.wait_for_db(saved, 15, what="three marks")}
    for p in marked:
        assert marks[p.student_id].status == AttendanceStatus.ABSENT
        assert marks[p.student_id].recorded_by_id == scene.head_person_id
    assert untouched.student_id not in marks
    assert marks[reporter.student_id].reason == "sick"
    assert marks[reporter.student_id].recorded_by_id == reporter.granny_person_id

    # Each guardian of a marked pupil asked once; the head teacher told of the report once.
    rows = await _all_settled(bot, scene.school_id, 30, minimum=3)
    async with bot.session() as session:
        sheets = await session.scalar(
            select(func.count()).select_from(AttendanceSheet).where(AttendanceSheet.class_id == scene.class_id)
        )
    assert sheets == 1
    notices = [r for r in rows if r.kind == "absence-notice"]
    assert sorted(r.chat_id for r in notices) == sorted(p.granny_chat for p in marked)
    for p in marked:
        notice = T.get("absence-notice", ZH, child=p.name)
        assert len(_messages_with(api, p.granny_chat, notice)) == 1
    reports = [t for t in (_first_text(m) for m in api.messages_to(head.id)) if reporter.name in t]
    assert len(reports) == 1, reports
    _assert_delivered_once(api, rows, {p.granny_chat for p in marked} | {untouched.granny_chat})


# --------------------------------------------------- 5. database briefly unreachable


async def test_database_locked_longer_than_busy_timeout(bot: BotProcess) -> None:
    lock = SqliteWriteLock(bot.db_path)
    await _database_outage(bot, 95_000, "锁库小学", lock.acquire, lock.release, BUSY_SECONDS + 2.5)


async def _database_outage(
    bot: BotProcess, base: int, name: str, begin: Callable[[], Awaitable[None]],
    end: Callable[[], Awaitable[None]], hold: float,
) -> None:
    """The database is unusable for `hold` seconds (from `begin()` to `end()`) while a
    grandmother taps "arrived home" and the sender has messages falling due."""
    api = _api(bot)
    scene = await seed_school(bot, name, base, 3)
    await start_return_round(bot, scene)
    for p in scene.pupils:
        await api.wait_for_text(p.granny_chat, _ask_text(p.name), timeout=20)
    # The outage begins the moment Telegram has taken one message and before the bot
    # hears so (the answer cannot be recorded); more messages fall due during it.
    clock = SystemClock()
    trigger, others = scene.pupils[2], scene.pupils
    notices = [
        OutgoingMessage(
            dedup_key=f"e2e-faults:outage:{p.granny_person_id}", chat_id=p.granny_chat,
            text=f"📢 家长会通知 {p.name}", kind="e2e-notice", person_id=p.granny_person_id,
            school_id=scene.school_id,
            due_at=clock.now() + timedelta(seconds=0 if p is trigger else 2),
        )
        for p in others
    ]
    began_event = asyncio.Event()

    async def outage() -> None:
        await begin()
        began_event.set()

    api.after_delivery[trigger.granny_chat] = outage
    async with bot.session() as session:
        assert await enqueue(session, clock, notices) == len(notices)
        await session.commit()
    await asyncio.wait_for(began_event.wait(), 20)
    began = time.monotonic()
    tapper = scene.pupils[0]
    thanks = T.get("returns-toast-thanks", ZH)
    try:
        first_tap = await _press_on(api, tapper.granny_chat, _ask_text(tapper.name), HOME)
        await asyncio.sleep(max(0.0, began + hold - time.monotonic()))
        assert len(_messages_with(api, trigger.granny_chat, "家长会通知")) == 1
        assert all(not _messages_with(api, p.granny_chat, "家长会通知") for p in others if p is not trigger)
        during = list(api.callback_texts(first_tap))
    finally:
        await end()

    # The tap is answered either during the outage, with "something went wrong, not
    # saved, try again" in her language and nothing written, or (updates journaled before
    # they are handled) once the database is back, saved. Never both, never twice.
    await api.wait_for(lambda: api.callback_texts(first_tap), 20, what="an answer to the tap")
    answers = api.callback_texts(first_tap)
    assert len(answers) == 1 and answers[0] in (UNEXPECTED, thanks), answers
    print(f"\n{name}: the tap was answered {'during' if during else 'after'} the outage: {answers}")  # noqa: T201
    if answers == [UNEXPECTED]:
        assert during == [UNEXPECTED]  # told while it happened, not later
        async with bot.session() as session:
            ret = next(r for r in await _returns(session, scene.round_id) if r.student_id == tapper.student_id)
            assert (ret.status, ret.answered_by_id, ret.answered_at) == (HomeStatus.WAITING, None, None)
        # She taps again: saved, thanked.
        second_tap = await _press_on(api, tapper.granny_chat, _ask_text(tapper.name), HOME)
        await api.wait_for(lambda: api.callback_texts(second_tap), 15, what="the second tap answered")
        assert api.callback_texts(second_tap) == [thanks]
    else:
        assert during == []  # waited for the database instead of failing

    # The database is back: the sender resumes by itself, each notice once.
    for p in scene.pupils:
        await api.wait_for_text(p.granny_chat, "家长会通知", timeout=20)

    async def home(session: AsyncSession) -> bool:
        rets = await _returns(session, scene.round_id)
        return any(r.student_id == tapper.student_id and r.status == HomeStatus.ARRIVED for r in rets)

    await bot.wait_for_db(home, what="the tap saved")
    async with bot.session() as session:
        ret = next(r for r in await _returns(session, scene.round_id) if r.student_id == tapper.student_id)
        assert ret.answered_by_id == tapper.granny_person_id
    rows = await _all_settled(bot, scene.school_id, 20, minimum=2 * len(scene.pupils))
    assert {r.status for r in rows} == {"sent"}
    _assert_delivered_once(api, rows, {p.granny_chat for p in scene.pupils})
    assert bot.running
    await _serving(api, scene.pupils[1].granny_chat)


# ---------------------------------------------------------- 5b. PostgreSQL cut off

PG_URL = os.environ.get("JIAXIAO_TEST_POSTGRES_URL")


@pytest.mark.skipif(not PG_URL, reason="JIAXIAO_TEST_POSTGRES_URL is not set")
async def test_postgres_cut_off_and_back(tmp_path: Path) -> None:
    """The same with PostgreSQL: the bot reaches it through a TCP proxy that the test
    closes (every connection cut, new ones refused) for a few seconds."""
    assert PG_URL is not None
    async with scratch_database(PG_URL, "jiaxiao_e2e_faults") as direct:
        target = make_url(direct)
        proxy = TcpProxy(target.host or "127.0.0.1", target.port or 5432)
        await proxy.start()
        api = FaultyBotApi()
        await api.start()
        bot = BotProcess(api, tmp_path / "pg", env=ENV)
        bot.database_url = target.set(host="127.0.0.1", port=proxy.port).render_as_string(
            hide_password=False
        )
        try:
            await bot.prepare_database()
            await bot.start(timeout=120)

            async def restore() -> None:
                await proxy.restore()
                await bot.engine.dispose()  # the test's own pooled connections were cut too

            await _database_outage(bot, 96_000, "断库小学", proxy.cut, restore, 5.0)
            assert await bot.stop() == 0, bot.log_tail()
        except BaseException as exc:
            exc.add_note(bot.log_tail(150))
            raise
        finally:
            await bot.close()
            await api.stop()
            await proxy.stop()
