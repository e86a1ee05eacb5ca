"""The one sender: the only code that delivers messages the bot starts by itself.

Loop: claim a batch of due rows (status 'sending', committed), send each within the rate
limits, and record Telegram's answer in the row right after it arrives (committed). See
docs/outbox.md for why a crash loses nothing and duplicates at most `max_in_flight`.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import math
import os
import re
import socket
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from aiogram import Bot
from aiogram.exceptions import (
    TelegramAPIError,
    TelegramBadRequest,
    TelegramEntityTooLarge,
    TelegramForbiddenError,
    TelegramNetworkError,
    TelegramRetryAfter,
    TelegramServerError,
)
from aiogram.types import InlineKeyboardButton, InlineKeyboardMarkup
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.settings import OutboxSettings
from db.models.outbox import Campaign
from locales import Translator
from services import outbox
from services.clock import Clock
from services.outbox import ClaimedMessage, QuietHours
from services.rate_limit import RateLimiter

log = logging.getLogger(__name__)

_TOKEN = re.compile(r"bot\d+:[\w-]+")


@dataclass
class SenderStats:
    """What this sender did since it started (the benchmark reads these)."""

    sent: int = 0
    throttled: int = 0  # 429 answers
    unreachable: int = 0
    failed: int = 0
    retried: int = 0
    progress_edits: int = 0


def _describe(exc: BaseException) -> str:
    if isinstance(exc, TelegramAPIError):
        return outbox.describe_error(type(exc).__name__, _TOKEN.sub("bot***", exc.message))
    # Our own bug or a library surprise: the class name only, its text may hold data.
    return outbox.describe_error(type(exc).__name__)


def _is_chat_gone(exc: TelegramBadRequest) -> bool:
    text = exc.message.lower()
    return "chat not found" in text or "user not found" in text or "peer_id_invalid" in text


def _markup(buttons: list[list[dict[str, str]]]) -> InlineKeyboardMarkup | None:
    if not buttons:
        return None
    return InlineKeyboardMarkup(
        inline_keyboard=[[InlineKeyboardButton(**button) for button in row] for row in buttons]
    )


class OutboxSender:
    def __init__(
        self,
        bot: Bot,
        session_pool: async_sessionmaker[AsyncSession],
        settings: OutboxSettings,
        clock: Clock,
        translator: Translator,
        default_timezone: str = "Asia/Shanghai",
        worker_id: str | None = None,
        *,
        limiter: RateLimiter | None = None,
        claim_lease: timedelta | None = None,
        batch_size: int | None = None,
    ) -> None:
        self.bot = bot
        self.session_pool = session_pool
        self.settings = settings
        self.clock = clock
        self.translator = translator
        self.default_timezone = default_timezone
        # claimed_by holds 64 characters; container host names can be nearly that long.
        self.worker_id = worker_id or f"{socket.gethostname()[:32]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self.limiter = limiter or RateLimiter(
            settings.rate_total, settings.rate_per_chat, settings.chat_burst
        )
        self.claim_lease = claim_lease or timedelta(seconds=settings.claim_lease)
        self._stale_checked = -math.inf
        # About one second of sending per claim: claims stay short and fresh.
        self.batch_size = batch_size or max(2 * settings.max_in_flight, math.ceil(settings.rate_total))
        self.quiet = QuietHours(settings.quiet_start, settings.quiet_end, default_timezone)
        self.stats = SenderStats()
        self._slots = asyncio.Semaphore(settings.max_in_flight)
        # One writer at a time from this process: SQLite has one write lock anyway.
        self._db_lock = asyncio.Lock()
        self._in_flight: set[asyncio.Task[None]] = set()
        self._stopping = asyncio.Event()
        self._wake = asyncio.Event()
        self._campaigns_checked = -math.inf
        self._progress_shown: dict[int, str] = {}
        self._progress_broken: set[int] = set()

    # ------------------------------------------------------------------ public

    async def recover(self) -> int:
        """Start-up: rows left 'sending' by a dead process go back to pending.

        SQLite runs one process, so every claim is a dead one. PostgreSQL may have other
        live senders: only claims older than the lease are taken back.
        """
        async with self._db_lock, self.session_pool() as session:
            dialect = session.get_bind().dialect.name
            older_than = None if dialect == "sqlite" else self.claim_lease
            count = await outbox.requeue_claims(session, self.clock, older_than)
            await session.commit()
        if count:
            log.warning("recovered %d outbox rows left 'sending' by a stopped sender", count)
        return count

    def wake(self) -> None:
        """Look at the table now instead of after the poll interval."""
        self._wake.set()

    async def run(self) -> None:
        """Send forever. Cancelling it is like a crash (nothing more is written); call
        `stop()` for a clean stop that releases unsent claims and waits for answers."""
        try:
            while not self._stopping.is_set():
                try:
                    claimed = await self._step()
                except Exception:
                    log.exception("outbox sender step failed; trying again")
                    claimed = 0
                if claimed == 0:
                    self._wake.clear()
                    with contextlib.suppress(TimeoutError):
                        await asyncio.wait_for(self._wake.wait(), self.settings.poll_interval)
            await self._drain()
            await self._update_campaigns(force=True)
        except asyncio.CancelledError:
            for task in list(self._in_flight):
                task.cancel()
            raise

    async def stop(self) -> None:
        self._stopping.set()
        self._wake.set()

    async def run_until_idle(self, timeout: float = 30) -> None:
        """For tests and scripts: send until no row is due (as of the clock) and nothing is
        in flight, then bring campaign progress up to date."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + timeout
        while True:
            if loop.time() > deadline:
                raise TimeoutError("outbox still busy after run_until_idle timeout")
            if await self._step():
                continue
            await self._drain()
            async with self.session_pool() as session:
                due = await outbox.has_due(session, self.clock)
            if not due and not self._in_flight:
                await self._update_campaigns(force=True)
                return
            await asyncio.sleep(min(0.02, self.settings.poll_interval))

    # ------------------------------------------------------------------ the loop

    async def _step(self) -> int:
        await self._update_campaigns()
        await self._take_back_stale_claims()
        if (pause := self.limiter.pause_left()) > 0:
            await self.limiter.sleep(pause)
        async with self._db_lock, self.session_pool() as session:
            claimed = await outbox.claim_due(
                session,
                self.clock,
                worker_id=self.worker_id,
                limit=self.batch_size,
                quiet=self.quiet,
                busy_chats=self.limiter.busy_chats(),
                chat_allowance=self.limiter.chat_tokens,
            )
            # The claim is durable before any request leaves: see docs/outbox.md.
            await session.commit()
        for index, message in enumerate(claimed):
            if self._must_hold_back():
                # A 429 pause (or a stop) may be long: give the rest back instead of
                # holding claims that another process would have to wait out.
                await self._release([m.id for m in claimed[index:]])
                break
            await self._slots.acquire()
            if self._must_hold_back():
                # The wait for a free slot can outlast a stop() or start a 429 pause.
                self._slots.release()
                await self._release([m.id for m in claimed[index:]])
                break
            try:
                await self.limiter.acquire(message.chat_id)
            except BaseException:
                self._slots.release()
                raise
            task = asyncio.create_task(self._deliver(message))
            self._in_flight.add(task)
            task.add_done_callback(self._in_flight.discard)
        return len(claimed)

    async def _take_back_stale_claims(self) -> None:
        """Several processes: rows a dead sender left 'sending' go back to pending once
        its claim is older than the lease, so a live sender delivers them. Looked at every
        half lease (at most every minute), not only at start-up."""
        now = self.limiter.monotonic()
        if now - self._stale_checked < min(60.0, self.claim_lease.total_seconds() / 2):
            return
        self._stale_checked = now
        async with self._db_lock, self.session_pool() as session:
            count = await outbox.requeue_claims(
                session, self.clock, self.claim_lease, keep_worker=self.worker_id
            )
            await session.commit()
        if count:
            log.warning("took back %d outbox rows from a sender that stopped answering", count)

    def _must_hold_back(self) -> bool:
        return self._stopping.is_set() or self.limiter.pause_left() > 0

    async def _drain(self) -> None:
        while self._in_flight:
            await asyncio.gather(*list(self._in_flight), return_exceptions=True)

    async def _release(self, ids: list[int]) -> None:
        async with self._db_lock, self.session_pool() as session:
            await outbox.release(session, ids, self.worker_id)
            await session.commit()

    async def _deliver(self, message: ClaimedMessage) -> None:
        try:
            await self._send_and_record(message)
        finally:
            # Held until Telegram's answer is committed, not just until it arrives: so at
            # any moment at most `max_in_flight` rows can be accepted by Telegram and
            # still unrecorded, which bounds the duplicates a crash can cause.
            self._slots.release()

    async def _send_and_record(self, message: ClaimedMessage) -> None:
        try:
            sent = await self.bot.send_message(
                chat_id=message.chat_id,
                text=message.text,
                reply_markup=_markup(message.buttons),
            )
        except TelegramRetryAfter as exc:
            self.stats.throttled += 1
            self.limiter.pause(exc.retry_after)
            log.warning("telegram asked to wait %s s; all sending paused", exc.retry_after)
            await self._record(outbox.mark_throttled, message, self.worker_id, _describe(exc))
        except TelegramForbiddenError as exc:
            await self._unreachable(message, exc)
        except TelegramBadRequest as exc:
            if _is_chat_gone(exc):
                await self._unreachable(message, exc)
            else:
                self.stats.failed += 1
                await self._record(outbox.mark_failed, message, self.worker_id, _describe(exc))
        except TelegramEntityTooLarge as exc:
            self.stats.failed += 1
            await self._record(outbox.mark_failed, message, self.worker_id, _describe(exc))
        except (TelegramServerError, TelegramNetworkError, TimeoutError) as exc:
            await self._retry(message, exc)
        except TelegramAPIError as exc:
            self.stats.failed += 1
            await self._record(outbox.mark_failed, message, self.worker_id, _describe(exc))
        except Exception as exc:
            log.exception("unexpected error sending outbox row %s", message.id)
            await self._retry(message, exc)
        else:
            self.stats.sent += 1
            await self._record(outbox.mark_sent, self.clock, message, self.worker_id, sent.message_id)

    async def _retry(self, message: ClaimedMessage, exc: BaseException) -> None:
        gave_up = await self._record(
            outbox.mark_retry, self.clock, message, self.worker_id, _describe(exc),
            self.settings.max_attempts,
        )
        if gave_up:
            self.stats.failed += 1
            log.warning("outbox row %s failed after %s attempts", message.id, message.attempts + 1)
        else:
            self.stats.retried += 1

    async def _unreachable(self, message: ClaimedMessage, exc: TelegramAPIError) -> None:
        self.stats.unreachable += 1
        await self._record(
            outbox.mark_unreachable, self.clock, self.translator, message, self.worker_id,
            _describe(exc), self.default_timezone,
        )
        self.wake()  # the "please phone" alerts are due now

    async def _record(self, write: Callable[..., Awaitable[Any]], *args: Any) -> Any:
        """Write Telegram's answer at once. A lost write would mean a resend later (the row
        stays 'sending' until a restart or the lease takes it back), so the database is
        waited out, with growing pauses, for as long as the claim is ours: the lease. It
        was five tries in ~3 s, and a database unreachable for longer left delivered rows
        to be sent again (found by tests/e2e/test_faults.py, PostgreSQL cut off). The send
        slot stays taken meanwhile, so nothing more is sent that could not be recorded."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.claim_lease.total_seconds()
        attempt = 0
        while True:
            try:
                async with self._db_lock, self.session_pool() as session:
                    result = await write(session, *args)
                    await session.commit()
                    return result
            except Exception as exc:
                attempt += 1
                if loop.time() >= deadline:
                    log.exception("could not record a Telegram answer in the outbox")
                    return None
                if attempt in (1, 10) or attempt % 50 == 0:
                    log.warning(
                        "could not record a Telegram answer (%s, try %d); trying again",
                        type(exc).__name__, attempt,
                    )
                await asyncio.sleep(min(5.0, 0.2 * 2 ** min(attempt - 1, 5)))

    # ------------------------------------------------------------ campaign progress

    async def _update_campaigns(self, force: bool = False) -> None:
        now = self.limiter.monotonic()
        if not force and now - self._campaigns_checked < self.settings.progress_interval:
            return
        self._campaigns_checked = now
        async with self.session_pool() as session:
            campaigns = await outbox.unfinished_campaigns(session)
            progress = [(c, await outbox.campaign_progress(session, c.id)) for c in campaigns]
        for campaign, state in progress:
            try:
                shown = await self._show_progress(campaign, state)
            except Exception:
                log.exception("could not update the progress of campaign %s", campaign.id)
                continue
            if state.done and shown:
                async with self._db_lock, self.session_pool() as session:
                    await outbox.finish_campaign(session, self.clock, campaign.id)
                    await session.commit()
                self._progress_shown.pop(campaign.id, None)

    async def _show_progress(self, campaign: Campaign, state: outbox.CampaignProgress) -> bool:
        """Send or edit the one progress message; False when it should be tried again."""
        chat_id = campaign.progress_chat_id
        if chat_id is None or campaign.id in self._progress_broken:
            return True
        key = "outbox-progress-done" if state.done else "outbox-progress"
        text = self.translator.get(
            key, self.translator.normalize(campaign.language),
            sent=state.sent, total=state.total, unreachable=state.unreachable, failed=state.failed,
        )
        if campaign.progress_message_id is not None and self._progress_shown.get(campaign.id) == text:
            return True
        await self.limiter.acquire(chat_id)
        try:
            if campaign.progress_message_id is None:
                message = await self.bot.send_message(chat_id=chat_id, text=text)
                async with self._db_lock, self.session_pool() as session:
                    await outbox.set_progress_message(session, campaign.id, message.message_id)
                    await session.commit()
            else:
                await self.bot.edit_message_text(
                    chat_id=chat_id, message_id=campaign.progress_message_id, text=text
                )
        except TelegramRetryAfter as exc:
            self.stats.throttled += 1
            self.limiter.pause(exc.retry_after)
            return False
        except TelegramBadRequest as exc:
            if "not modified" not in exc.message.lower():
                # Deleted or too old to edit: the campaign goes on without a progress line.
                log.warning("progress message of campaign %s: %s", campaign.id, _describe(exc))
                self._progress_broken.add(campaign.id)
                return True
        except TelegramForbiddenError as exc:
            log.warning("progress message of campaign %s: %s", campaign.id, _describe(exc))
            self._progress_broken.add(campaign.id)
            return True
        except TelegramAPIError as exc:
            log.warning("progress message of campaign %s: %s", campaign.id, _describe(exc))
            return False
        self.stats.progress_edits += 1
        self._progress_shown[campaign.id] = text
        return True
