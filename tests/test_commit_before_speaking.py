"""The update's writes are committed before the bot says anything about them
(bot.middlewares.CommitBeforeSpeaking).

A guardian taps "sick"; the answer is stored, then the bot edits the question. When
Telegram refuses that edit (flood control during a big round, a 502, a dropped
connection) the answer must still be there: before, the error rolled the whole update
back and the answer was silently lost. And while the Bot API call is on its way, the
answer is already visible to any other connection, so on SQLite no other update waits
for the write lock across a network round trip.
"""

from __future__ import annotations

from typing import Any

import pytest
from aiogram.exceptions import TelegramNetworkError, TelegramRetryAfter, TelegramServerError
from aiogram.methods import EditMessageText
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import AbsenceReason
from services.clock import FakeClock
from tests.support.chat import ChatDriver
from tests.support.factory import Factory
from tests.support.mocked_bot import MockedBot
from tests.test_absence import GRANNY, absent_with_notice, build_scene, fresh_mark, notice

REFUSALS = {
    "429": lambda m: TelegramRetryAfter(m, "Too Many Requests: retry after 5", retry_after=5),
    "502": lambda m: TelegramServerError(m, "Bad Gateway"),
    "network": lambda m: TelegramNetworkError(m, "connection reset"),
}


@pytest.mark.parametrize("refusal", sorted(REFUSALS))
async def test_an_answer_survives_a_refused_edit(
    tg: ChatDriver, bot: MockedBot, factory: Factory, session: AsyncSession, session_pool,
    clock: FakeClock, monkeypatch: pytest.MonkeyPatch, refusal: str,
) -> None:
    scene = await build_scene(factory, session)
    mark = await absent_with_notice(session, clock, scene)
    notice(bot, GRANNY, mark.id)
    real = bot.session.make_request
    refused: list[Any] = []

    async def make_request(bot_: Any, method: Any, timeout: int | None = None) -> Any:
        if isinstance(method, EditMessageText):
            refused.append(method)
            raise REFUSALS[refusal](method)
        return await real(bot_, method, timeout)

    monkeypatch.setattr(bot.session, "make_request", make_request)
    await tg.tap(tg.user(GRANNY), "生病")

    assert len(refused) == 1  # the edit was tried and refused
    stored = await fresh_mark(session_pool, mark.id)
    assert (stored.guardian_answer, stored.reason, stored.answered_by_id) == (
        "sick", AbsenceReason.SICK, scene.granny.id,
    )


async def test_the_answer_is_visible_to_others_while_the_bot_speaks(
    tg: ChatDriver, bot: MockedBot, factory: Factory, session: AsyncSession, session_pool,
    clock: FakeClock, monkeypatch: pytest.MonkeyPatch,
) -> None:
    scene = await build_scene(factory, session)
    mark = await absent_with_notice(session, clock, scene)
    notice(bot, GRANNY, mark.id)
    real = bot.session.make_request
    seen: list[str | None] = []

    async def make_request(bot_: Any, method: Any, timeout: int | None = None) -> Any:
        # Another connection, mid-call: it reads without waiting for this update to end.
        seen.append((await fresh_mark(session_pool, mark.id)).guardian_answer)
        return await real(bot_, method, timeout)

    monkeypatch.setattr(bot.session, "make_request", make_request)
    await tg.tap(tg.user(GRANNY), "生病")

    assert seen and seen[0] == "sick", seen
    assert (await fresh_mark(session_pool, mark.id)).answered_by_id == scene.granny.id


async def test_a_task_started_inside_an_update_keeps_its_own_session(session: AsyncSession) -> None:
    """A background job started by a handler (a report) must not commit, or use, the
    update's session from another task: it gets none and opens its own."""
    import asyncio

    from bot.storage import current_update_session, update_session_scope

    with update_session_scope(session):
        assert current_update_session() is session
        seen_by_task = await asyncio.create_task(_peek())
        assert seen_by_task is None
    assert current_update_session() is None


async def _peek() -> AsyncSession | None:
    from bot.storage import current_update_session

    return current_update_session()
