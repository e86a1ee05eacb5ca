"""End to end: the real bot process over HTTP against the fake Bot API server.

A school gets its first admin from an invite made on the command line; the admin sends
the roster as a spreadsheet made from the command line's template; a grandmother on that
roster joins by sharing her phone number; a shared contact of someone else is refused.

One bot process serves the whole module (starting Python with aiogram takes seconds);
each test uses its own school, people and Telegram ids, so the tests stay independent.
"""

from __future__ import annotations

import io
import re
import shutil
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
import pytest_asyncio
from openpyxl import load_workbook
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import Person, School, Staff, Student, StudentGuardian
from locales import get_translator
from services.clock import SystemClock
from services.roster.columns import COLUMNS
from tests.e2e.fake_bot_api import BOT_USERNAME, FakeBotApi, FakeUser
from tests.e2e.harness import BotProcess
from tests.support.factory import Factory

pytestmark = [pytest.mark.e2e, pytest.mark.asyncio(loop_scope="module")]

ZH = "zh_Hans"
T = get_translator()


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def running_bot(
    tmp_path_factory: pytest.TempPathFactory, migrated_template: Path
) -> AsyncIterator[BotProcess]:
    api = FakeBotApi()
    await api.start()
    process = BotProcess(api, tmp_path_factory.mktemp("e2e-joining"))
    shutil.copyfile(migrated_template, process.db_path)
    try:
        await process.start(timeout=60)
        yield process
        assert await process.stop() == 0, process.log_tail()
    finally:
        await process.close()
        await api.stop()


@pytest.fixture
def bot(running_bot: BotProcess, request: pytest.FixtureRequest) -> Iterator[BotProcess]:
    """The module's bot; its log is printed when a test fails."""
    yield running_bot
    report = getattr(request.node, "report_call", None)
    if report is not None and report.failed:
        print(running_bot.log_tail(120))  # noqa: T201


async def test_invite_link_makes_the_first_school_admin(bot: BotProcess) -> None:
    api: FakeBotApi = bot.api
    result = await bot.cli("invite", "admin", "--school", "清水镇中心小学", "--county", "清水县")
    # The command line asked the (fake) Bot API for the bot's name to build the link.
    link = re.search(rf"https://t\.me/{BOT_USERNAME}\?start=([A-Za-z0-9_-]+)", result.stdout)
    assert link, result.stdout
    token = link.group(1)

    principal = FakeUser(3001, first_name="张校长", language_code="zh-hans")
    api.push_text(principal, f"/start {token}")
    welcome = T.get("invite-welcome-school-admin", ZH, place="清水镇中心小学")
    await api.wait_for_text(principal.id, welcome, timeout=20)
    await api.wait_for(lambda: "roster" in api.commands_for(principal.id), 10, "admin commands")
    assert set(api.commands_for(principal.id)) >= {"start", "help", "invite", "roster"}

    async def admin(session: AsyncSession) -> Person | None:
        return await session.scalar(select(Person).where(Person.telegram_user_id == 3001))

    person = await bot.wait_for_db(admin, what="the admin's account")
    assert person.chat_id == 3001
    async with bot.session() as session:
        staff = await session.scalar(select(Staff).where(Staff.person_id == person.id))
        assert staff is not None and staff.is_school_admin
        school = await session.get(School, staff.school_id)
        assert school is not None and school.name == "清水镇中心小学"

    # The menu's buttons work over HTTP too: the roster screen, then the blank template
    # as a document the admin can open.
    await api.wait_for(
        lambda: any(T.get("menu-roster-button", ZH) in m.button_texts()
                    for m in api.messages_to(principal.id)),
        10, "the admin menu",
    )
    api.press(principal, T.get("menu-roster-button", ZH))
    template_button = T.get("roster-button-template", ZH)
    await api.wait_for(
        lambda: any(template_button in m.button_texts() for m in api.messages_to(principal.id)),
        20, "the roster screen",
    )
    api.press(principal, template_button)
    document = await api.wait_for(
        lambda: next((m.document for m in api.messages_to(principal.id) if m.document), None),
        20, "the template document",
    )
    assert document.file_name.endswith(".xlsx")
    sheet = load_workbook(io.BytesIO(document.data)).worksheets[0]
    assert str(sheet.cell(row=1, column=1).value).startswith(T.get(COLUMNS[0].locale_key, ZH))
    assert api.callback_answers, "the bot never answered the button presses"

    # The link works once: someone else using it is turned away.
    api.push_text(FakeUser(3002), f"/start {token}")
    await api.wait_for_text(3002, T.get("invite-used", ZH), timeout=20)


ROSTER = [
    {
        "grade": 3, "class_name": "1班", "student_number": "E2E000000000000001", "name": "刘小花",
        "gender": "女", "birth_date": "2016-04-01", "head_teacher_name": "陈老师",
        "head_teacher_phone": "13711110000", "guardian1_name": "刘奶奶",
        "guardian1_relation": "奶奶", "guardian1_phone": "13811112222", "father_away": "是",
        "father_phone": "13911113333", "father_work_place": "广东深圳",
    },
    {
        "grade": 3, "class_name": "1班", "student_number": "E2E000000000000002", "name": "刘小军",
        "gender": "男", "birth_date": "2017-09-09", "head_teacher_name": "陈老师",
        "head_teacher_phone": "13711110000", "guardian1_name": "刘奶奶",
        "guardian1_relation": "奶奶", "guardian1_phone": "138 1111 2222",
    },
    {
        "grade": 5, "class_name": "2班", "student_number": "E2E000000000000003", "name": "何大宝",
        "gender": "男", "head_teacher_name": "周老师", "head_teacher_phone": "13722220000",
        "guardian1_name": "何爷爷", "guardian1_relation": "爷爷", "guardian1_phone": "13833334444",
    },
]


async def _filled_template(bot: BotProcess, rows: list[dict[str, object]]) -> bytes:
    """The blank template from the command line, filled in with openpyxl under its headers."""
    path = bot.workdir / "花名册.xlsx"
    await bot.cli("roster", "template", str(path))
    workbook = load_workbook(path)
    sheet = workbook.worksheets[0]
    headers = [cell.value for cell in sheet[1]]
    expected = [T.get(c.locale_key, ZH) for c in COLUMNS]
    assert [str(h).removesuffix(" *") for h in headers[: len(expected)]] == expected
    for number, row in enumerate(rows, start=2):
        for index, column in enumerate(COLUMNS, start=1):
            if column.key in row:
                sheet.cell(row=number, column=index, value=row[column.key])  # type: ignore[arg-type]
    workbook.save(path)
    return path.read_bytes()


async def test_admin_uploads_roster_then_a_grandmother_on_it_joins_by_contact(
    bot: BotProcess,
) -> None:
    api: FakeBotApi = bot.api
    admin_id = 4001
    async with bot.session() as session:
        factory = Factory(session, SystemClock())
        school = await factory.school("白云村小学", await factory.county("白云县"))
        admin = await factory.person("校长", telegram_user_id=admin_id, language=ZH)
        await factory.staff(admin, school, is_school_admin=True)
        await session.commit()
        school_id = school.id

    content = await _filled_template(bot, ROSTER)
    api.push_document(
        admin_id, "花名册.xlsx", content,
        mime_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    summary = T.get(
        "roster-import-done", ZH, created=3, updated=0, unchanged=0, classes=2, people=4
    )
    await api.wait_for_text(admin_id, summary, timeout=30)

    async def imported(session: AsyncSession) -> dict[str, Student]:
        rows = await session.scalars(select(Student).where(Student.school_id == school_id))
        return {s.student_number: s for s in rows}

    students = await bot.wait_for_db(imported, what="the imported students")
    assert set(students) == {r["student_number"] for r in ROSTER}
    async with bot.session() as session:
        granny = await session.scalar(select(Person).where(Person.phone == "+8613811112222"))
        assert granny is not None and granny.telegram_user_id is None

    # The grandmother shares her number from Telegram, which writes it its own way.
    grandmother = FakeUser(4002, first_name="奶奶", language_code="zh-hans")
    api.push_text(grandmother, "/start")
    await api.wait_for_text(grandmother.id, T.get("menu-newcomer", ZH), timeout=20)
    share = api.messages_to(grandmother.id)[-1].reply_markup or {}
    assert share["keyboard"][0][0].get("request_contact") is True
    api.push_contact(grandmother, "8613811112222", user_id=grandmother.id)
    reply = await api.wait_for_text(grandmother.id, T.get("onboarding-linked", ZH), timeout=20)
    await api.wait_for(
        lambda: any("刘小军" in t for t in api.texts_to(grandmother.id)), 10, "both children"
    )
    texts = "\n".join(api.texts_to(grandmother.id))
    assert "刘小花" in texts and "刘小军" in texts, api.describe_chat(grandmother.id)
    assert "何大宝" not in texts
    assert reply is not None

    async def joined(session: AsyncSession) -> Person | None:
        return await session.scalar(
            select(Person).where(
                Person.phone == "+8613811112222", Person.telegram_user_id == grandmother.id
            )
        )

    granny = await bot.wait_for_db(joined, what="the grandmother's account to be linked")
    async with bot.session() as session:
        links = (
            await session.scalars(
                select(StudentGuardian).where(StudentGuardian.person_id == granny.id)
            )
        ).all()
        assert {link.student_id for link in links} == {
            students["E2E000000000000001"].id, students["E2E000000000000002"].id
        }


async def test_someone_elses_contact_is_refused(bot: BotProcess) -> None:
    api: FakeBotApi = bot.api
    async with bot.session() as session:
        factory = Factory(session, SystemClock())
        school = await factory.school("青山小学", await factory.county("青山县"))
        grandpa = await factory.person("孙爷爷", phone="+8613855556666")
        await factory.guardian_of(
            await factory.student(school, name="孙小宝", number="E2E000000000000009"), grandpa,
            relation="grandfather",
        )
        await session.commit()
        grandpa_id = grandpa.id

    spoofer = FakeUser(5001, language_code="zh-hans")
    # Forwarded: the contact card belongs to another Telegram user...
    api.push_contact(spoofer, "+86 138 5555 6666", user_id=5999)
    refusal = T.get("onboarding-contact-not-yours", ZH)
    await api.wait_for_text(spoofer.id, refusal, timeout=20)
    # ...or typed in by hand, with no Telegram user at all.
    before = len(api.messages_to(spoofer.id))
    api.push_contact(spoofer, "13855556666", user_id=None)
    await api.wait_for(
        lambda: len(api.messages_to(spoofer.id)) > before, 20, "the second refusal"
    )
    assert api.messages_to(spoofer.id)[-1].text == refusal
    assert all("孙小宝" not in t for t in api.texts_to(spoofer.id))

    async with bot.session() as session:
        grandpa_row = await session.get(Person, grandpa_id)
        assert grandpa_row is not None and grandpa_row.telegram_user_id is None
        assert await session.scalar(select(Person).where(Person.telegram_user_id == 5001)) is None
