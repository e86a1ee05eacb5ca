"""Slowing down invite-token guessing.

A `/start <token>` whose token matches no invite is a failed try, stored in the database
(InviteAttempt) so the limits hold across processes and restarts. Two limits:

- per Telegram user: `user_failures` failures within `user_window` → that user's
  tokens are refused (even a right one) until the oldest counted failure leaves the window;
- for everybody: `global_failures` within `global_window` → every token is refused until
  the window has room again. This stops many accounts, each under its own limit.

Only "no such invite" counts: an expired, used or revoked link was a real token — its
holder is not guessing — and a successful join never counts. A refused try is not
stored either: it tests no token, so it cannot help a guesser, and a user held back
while the limit lasts is not held back longer for asking again.

Nothing here logs a token or a Telegram id; only counts.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import InviteAttempt
from services.clock import Clock
from services.invites import Outcome, Redeemed, redeem
from services.onboarding import TelegramAccount

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class ThrottleRules:
    user_failures: int = 5
    user_window: timedelta = timedelta(minutes=15)
    global_failures: int = 30
    global_window: timedelta = timedelta(minutes=1)

    @classmethod
    def from_settings(cls, settings: Any) -> ThrottleRules:
        """From the bot's Settings (duck-typed: services do not import the bot package)."""
        s = settings.invite_throttle
        return cls(
            user_failures=s.user_failures,
            user_window=timedelta(minutes=s.user_window_minutes),
            global_failures=s.global_failures,
            global_window=timedelta(seconds=s.global_window_seconds),
        )


@dataclass(frozen=True)
class Throttled:
    until: datetime  # UTC; tries are accepted again from then on
    scope: str  # "user" or "global"


async def _limit_reached(
    session: AsyncSession, now: datetime, limit: int, window: timedelta, telegram_user_id: int | None
) -> datetime | None:
    """When the window has room again, or None when it has room now."""
    query = select(InviteAttempt.at).where(InviteAttempt.at > now - window)
    if telegram_user_id is not None:
        query = query.where(InviteAttempt.telegram_user_id == telegram_user_id)
    recent = list(await session.scalars(query.order_by(InviteAttempt.at.desc()).limit(limit)))
    if len(recent) < limit:
        return None
    return recent[-1] + window


async def check(
    session: AsyncSession, clock: Clock, telegram_user_id: int, rules: ThrottleRules
) -> Throttled | None:
    now = clock.now()
    user_until = await _limit_reached(session, now, rules.user_failures, rules.user_window, telegram_user_id)
    global_until = await _limit_reached(session, now, rules.global_failures, rules.global_window, None)
    if user_until is None and global_until is None:
        return None
    if global_until is None or (user_until is not None and user_until >= global_until):
        assert user_until is not None
        return Throttled(user_until, "user")
    return Throttled(global_until, "global")


async def record_failure(
    session: AsyncSession, clock: Clock, telegram_user_id: int, rules: ThrottleRules
) -> None:
    now = clock.now()
    # Old rows count for nothing: pruned here, so the table holds at most a window's worth.
    keep = max(rules.user_window, rules.global_window)
    await session.execute(
        delete(InviteAttempt).where(InviteAttempt.at <= now - keep).execution_options(synchronize_session=False)
    )
    session.add(InviteAttempt(telegram_user_id=telegram_user_id, at=now))
    await session.flush()


async def redeem_throttled(
    session: AsyncSession, clock: Clock, token: str, account: TelegramAccount, rules: ThrottleRules
) -> Redeemed | Throttled:
    """services.invites.redeem behind the limits: a Throttled answer means no token was
    looked at."""
    held = await check(session, clock, account.user_id, rules)
    if held is not None:
        log.warning("invite token refused unchecked: %s limit reached", held.scope)
        return held
    result = await redeem(session, clock, token, account)
    if result.outcome is Outcome.UNKNOWN:
        await record_failure(session, clock, account.user_id, rules)
    return result


__all__ = ["ThrottleRules", "Throttled", "check", "record_failure", "redeem_throttled"]
