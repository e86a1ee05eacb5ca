"""Token buckets for the sender: one for all chats together, one per chat.

Pure logic over an injected monotonic clock and sleep, so tests of the limits are instant
(a fake clock that jumps when asked to sleep) while production uses `time.monotonic` and
`asyncio.sleep`.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable

Monotonic = Callable[[], float]
Sleep = Callable[[float], Awaitable[None]]


# Refills are float sums; without a tolerance a bucket can sit at 0.9999999 tokens and ask
# for a sleep so short that adding it to the clock changes nothing, looping for ever.
EPSILON = 1e-9


class TokenBucket:
    """`rate` tokens a second, at most `burst` saved up; a send costs one token."""

    def __init__(self, rate: float, burst: float, now: float) -> None:
        if rate <= 0 or burst < 1:
            raise ValueError("rate must be > 0 and burst >= 1")
        self.rate = rate
        self.burst = float(burst)
        self.tokens = float(burst)
        self.updated = now

    def _refill(self, now: float) -> None:
        if now > self.updated:
            self.tokens = min(self.burst, self.tokens + (now - self.updated) * self.rate)
            self.updated = now

    def available(self, now: float) -> float:
        self._refill(now)
        return self.tokens

    def delay(self, now: float) -> float:
        """Seconds until one token is there (0 when one is there now)."""
        self._refill(now)
        return 0.0 if self.tokens >= 1 - EPSILON else (1 - self.tokens) / self.rate

    def take(self, now: float) -> None:
        self._refill(now)
        self.tokens -= 1

    def full(self, now: float) -> bool:
        return self.available(now) >= self.burst - EPSILON


class RateLimiter:
    """All limits the sender obeys: total rate, per-chat rate with a burst, and a pause
    that stops everything (Telegram's 429 `retry_after`)."""

    def __init__(
        self,
        rate_total: float,
        rate_per_chat: float,
        chat_burst: int,
        *,
        total_burst: float = 1,
        monotonic: Monotonic = time.monotonic,
        sleep: Sleep = asyncio.sleep,
    ) -> None:
        self.monotonic = monotonic
        self.sleep = sleep
        self.rate_per_chat = rate_per_chat
        self.chat_burst = chat_burst
        # A total burst of 1 spaces sends evenly, so no one-second window ever holds
        # more than `rate_total` (+1) messages, which is what Telegram counts.
        self.total = TokenBucket(rate_total, total_burst, monotonic())
        self.chats: dict[int, TokenBucket] = {}
        self.paused_until = 0.0

    def _chat(self, chat_id: int, now: float) -> TokenBucket:
        bucket = self.chats.get(chat_id)
        if bucket is None:
            bucket = self.chats[chat_id] = TokenBucket(self.rate_per_chat, self.chat_burst, now)
        return bucket

    def pause(self, seconds: float) -> None:
        """Stop every send for `seconds` (never shortens a pause already running)."""
        self.paused_until = max(self.paused_until, self.monotonic() + seconds)

    def pause_left(self) -> float:
        return max(0.0, self.paused_until - self.monotonic())

    def chat_tokens(self, chat_id: int) -> int:
        """Whole sends this chat may have right now."""
        now = self.monotonic()
        bucket = self.chats.get(chat_id)
        return self.chat_burst if bucket is None else int(bucket.available(now) + EPSILON)

    def busy_chats(self) -> list[int]:
        """Chats that may not get a message right now; forgets chats whose bucket is full."""
        now = self.monotonic()
        busy: list[int] = []
        for chat_id in list(self.chats):
            bucket = self.chats[chat_id]
            if bucket.full(now):
                del self.chats[chat_id]
            elif bucket.delay(now) > 0:
                busy.append(chat_id)
        return busy

    def delay(self, chat_id: int) -> float:
        now = self.monotonic()
        return max(
            0.0,
            self.paused_until - now,
            self.total.delay(now),
            self._chat(chat_id, now).delay(now),
        )

    async def acquire(self, chat_id: int) -> None:
        """Wait until a message may go to `chat_id`, then spend the tokens."""
        while (wait := self.delay(chat_id)) > EPSILON:
            await self.sleep(wait)
        now = self.monotonic()
        self.total.take(now)
        self._chat(chat_id, now).take(now)
