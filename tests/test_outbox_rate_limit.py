"""The sender's token buckets, on a fake monotonic clock: instant and exact."""

from __future__ import annotations

import pytest

from services.rate_limit import RateLimiter, TokenBucket


class FakeTime:
    """monotonic() and sleep() for the limiter: sleeping just moves time on."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.slept: list[float] = []

    def monotonic(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


def limiter(t: FakeTime, total: float = 30, per_chat: float = 1, burst: int = 3) -> RateLimiter:
    return RateLimiter(total, per_chat, burst, monotonic=t.monotonic, sleep=t.sleep)


async def test_total_rate_is_spread_evenly():
    t = FakeTime()
    rl = limiter(t, total=30)
    start = t.now
    times = []
    for chat in range(91):
        await rl.acquire(chat)
        times.append(t.now - start)
    assert times[0] == 0
    assert times[-1] == pytest.approx(3.0)
    # No one-second window holds more than 30 (+1 at the window's edge).
    assert max(sum(1 for x in times if w <= x < w + 1) for w in times) <= 31


async def test_one_chat_gets_its_burst_then_one_a_second():
    t = FakeTime()
    rl = limiter(t, total=1000, per_chat=1, burst=3)
    start = t.now
    times = []
    for _ in range(5):
        await rl.acquire(42)
        times.append(round(t.now - start, 6))
    assert times == [0, pytest.approx(0.001), pytest.approx(0.002), pytest.approx(1.0), pytest.approx(2.0)]
    assert rl.chat_tokens(42) == 0 and rl.busy_chats() == [42]
    assert rl.chat_tokens(7) == 3  # other chats are not held up


async def test_pause_stops_everything_and_is_never_shortened():
    t = FakeTime()
    rl = limiter(t, total=1000, per_chat=100, burst=3)
    rl.pause(5)
    rl.pause(2)
    assert rl.pause_left() == 5
    await rl.acquire(1)
    assert t.now == pytest.approx(1005)
    assert rl.pause_left() == 0


def test_busy_chats_forgets_full_buckets():
    t = FakeTime()
    rl = limiter(t, total=1000, per_chat=1, burst=1)
    rl.chats[5] = TokenBucket(1, 1, t.now)
    rl.chats[5].take(t.now)
    assert rl.busy_chats() == [5]
    t.now += 1.0
    assert rl.busy_chats() == [] and 5 not in rl.chats


def test_bucket_rejects_nonsense():
    with pytest.raises(ValueError):
        TokenBucket(0, 1, 0)
    with pytest.raises(ValueError):
        TokenBucket(1, 0, 0)
