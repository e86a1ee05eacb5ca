"""Names and phone numbers never reach the logs, even at DEBUG.

Drives the paths that handle the most personal data — a roster import, a guardian joining
by contact (and a spoofed one), a notice fanned out by the sender with one guardian who
blocked the bot (whose head teacher is then asked to phone them) — with every logger at
DEBUG as `LOG_LEVEL=DEBUG` would set them, and searches every record for the data.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest
from aiogram.methods import SendMessage
from sqlalchemy.ext.asyncio import AsyncSession

from bot.logs import DATA_CARRYING_LOGGERS, configure_logging
from bot.sender import OutboxSender
from bot.settings import Settings
from locales import get_translator
from services.clock import FakeClock
from tests.support.chat import ChatDriver
from tests.support.factory import Factory
from tests.support.mocked_bot import MockedBot
from tests.test_roster_files import ROWS, xlsx

ADMIN_ID = 5001
GRANNY_ID = 6001
STRANGER_ID = 6002

# What the roster rows above hold, in every spelling a log line might use.
SECRETS = [
    "王奶奶", "王小明", "王小红", "王大力", "李老师", "清水村",
    "13800138000", "138 0013 8000", "8613800138000", "13900139000", "13700137000",
]


@pytest.fixture
def debug_logs(caplog: pytest.LogCaptureFixture) -> Iterator[pytest.LogCaptureFixture]:
    root = logging.getLogger()
    saved = {name: logging.getLogger(name).level for name in ["", *DATA_CARRYING_LOGGERS, "alembic"]}
    configure_logging("DEBUG")
    caplog.set_level(logging.DEBUG)
    try:
        yield caplog
    finally:
        for name, level in saved.items():
            logging.getLogger(name).setLevel(level)
        root.setLevel(saved[""])


def _leaks(caplog: pytest.LogCaptureFixture) -> list[str]:
    found = []
    for record in caplog.records:
        text = record.getMessage()
        if record.exc_text:
            text += record.exc_text
        found += [f"{record.name}: {secret}" for secret in SECRETS if secret in text]
    return found


async def test_roster_join_and_fan_out_log_no_personal_data(
    debug_logs: pytest.LogCaptureFixture, tg: ChatDriver, bot: MockedBot, factory: Factory,
    session: AsyncSession, session_pool, settings: Settings, clock: FakeClock,
) -> None:
    school = await factory.school("阳光小学")
    admin = await factory.person("校长", telegram_user_id=ADMIN_ID, language="zh_Hans")
    await factory.staff(admin, school, is_school_admin=True)
    await session.commit()

    admin_user = tg.user(ADMIN_ID)
    assert "新增 3 名学生" in (await tg.send_document(admin_user, "花名册.xlsx", xlsx(ROWS))).text

    granny = tg.user(GRANNY_ID)
    await tg.send(granny, "/start")
    assert "登记成功" in (await tg.share_contact(granny, "138 0013 8000")).text
    stranger = tg.user(STRANGER_ID)
    await tg.send(stranger, "/start")
    refused = await tg.share_contact(stranger, "13900139000", contact_user_id=GRANNY_ID)
    assert "登记成功" not in refused.text

    await tg.send(admin_user, "/announce")
    await tg.tap(admin_user, "其他通知")  # the notice type comes first
    await tg.tap(admin_user, "全校家长")
    await tg.send(admin_user, "明天开家长会。")
    await tg.tap(admin_user, "发送")
    bot.session.blocked_chats.add(GRANNY_ID)
    await OutboxSender(bot, session_pool, settings.outbox, clock, get_translator()).run_until_idle()

    # The personal data really went through: granny's number is in the "please phone" alert.
    alerts = [m.text for m in bot.requests if isinstance(m, SendMessage) and m.chat_id == ADMIN_ID]
    assert any("王奶奶" in text and "13800138000" in text for text in alerts), alerts
    assert any(r.levelno == logging.DEBUG for r in debug_logs.records), "DEBUG was not captured"
    assert _leaks(debug_logs) == []
