"""The outbox: every message the bot owes someone is a row here before it is sent.

Services and jobs call `enqueue()` / `create_campaign()`; the one sender (bot/sender.py)
uses the functions further down to claim due rows and record what Telegram answered.
Nothing here knows Telegram: errors arrive already sorted into kinds by the sender.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from sqlalchemy import Table, and_, func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import (
    OutboxMessage,
    OutboxStatus,
    Person,
    Priority,
    School,
    SchoolClass,
    Staff,
    Student,
    StudentGuardian,
)
from db.models.outbox import Campaign
from locales import Translator
from services.clock import Clock

log = logging.getLogger(__name__)

# 500 rows x 15 columns stays far below SQLite's limit on bound parameters.
INSERT_CHUNK = 500
ERROR_MAX_CHARS = 300


@dataclass(frozen=True)
class Button:
    text: str
    callback_data: str | None = None
    url: str | None = None


@dataclass(frozen=True)
class OutgoingMessage:
    dedup_key: str  # unique forever, e.g. "announce:17:person:42"
    chat_id: int
    text: str  # already rendered in the recipient's language
    kind: str  # "announcement", "unreachable-alert", ...
    priority: int = Priority.NORMAL
    buttons: tuple[tuple[Button, ...], ...] = ()
    person_id: int | None = None
    school_id: int | None = None
    due_at: datetime | None = None  # None = now
    timezone: str | None = None  # for quiet hours; None = the school default


@dataclass(frozen=True)
class CampaignProgress:
    total: int
    sent: int
    unreachable: int
    failed: int
    pending: int  # still to go, including rows being sent right now

    @property
    def done(self) -> bool:
        return self.pending == 0


# ---------------------------------------------------------------------------- writing


async def insert_ignoring_duplicates(session: AsyncSession, table: Table, rows: list[dict[str, Any]]) -> int:
    """INSERT ... ON CONFLICT DO NOTHING; returns how many rows were new.

    The one backend-specific statement in the outbox: the dialect is chosen from the
    session's bind so the callers stay portable.
    """
    if not rows:
        return 0
    dialect = session.get_bind().dialect.name
    if dialect == "sqlite":
        from sqlalchemy.dialects.sqlite import insert
    elif dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert
    else:  # pragma: no cover - only SQLite and PostgreSQL are supported
        raise NotImplementedError(f"no insert-or-ignore for {dialect}")
    new = 0
    for start in range(0, len(rows), INSERT_CHUNK):
        chunk = rows[start : start + INSERT_CHUNK]
        result = await session.execute(insert(table).values(chunk).on_conflict_do_nothing())
        new += max(result.rowcount or 0, 0)  # type: ignore[attr-defined]
    return new


def _payload(message: OutgoingMessage) -> dict[str, Any]:
    payload: dict[str, Any] = {"text": message.text}
    if message.buttons:
        payload["buttons"] = [
            [
                {k: v for k, v in (("text", b.text), ("callback_data", b.callback_data), ("url", b.url)) if v is not None}
                for b in row
            ]
            for row in message.buttons
        ]
    return payload


TELEGRAM_TEXT_LIMIT = 4096  # characters of one message, as Telegram counts them (UTF-16)


def text_length(text: str) -> int:
    """Length as Telegram counts it (an emoji outside the BMP is two)."""
    return len(text.encode("utf-16-le")) // 2


def _chunks(text: str, limit: int) -> list[str]:
    """`text` cut at line ends into pieces of at most `limit`; a longer line is cut hard."""
    pieces: list[str] = []
    current = ""
    for line in text.split("\n"):
        while text_length(line) > limit:
            head, line = line[: limit // 2], line[limit // 2 :]  # // 2: safe for surrogate pairs
            if current:
                pieces.append(current)
                current = ""
            pieces.append(head)
        candidate = f"{current}\n{line}" if current else line
        if current and text_length(candidate) > limit:
            pieces.append(current)
            candidate = line
        current = candidate
    pieces.append(current)
    return pieces


def fit_to_telegram(message: OutgoingMessage, limit: int = TELEGRAM_TEXT_LIMIT) -> list[OutgoingMessage]:
    """A text Telegram would refuse (over 4,096 characters: a long class list, a notice
    with many names) goes as several messages in order, instead of failing whole. The
    first part keeps the dedup key, so re-queuing stays a no-op; the buttons go with the
    last part, under the end of the text."""
    if text_length(message.text) <= limit:
        return [message]
    pieces = _chunks(message.text, limit)
    last = len(pieces) - 1
    return [
        replace(
            message,
            text=piece,
            dedup_key=message.dedup_key if i == 0 else f"{message.dedup_key}:part:{i + 1}",
            buttons=message.buttons if i == last else (),
        )
        for i, piece in enumerate(pieces)
    ]


async def enqueue(
    session: AsyncSession,
    clock: Clock,
    messages: Iterable[OutgoingMessage],
    campaign_id: int | None = None,
) -> int:
    """Queue messages, silently skipping any whose dedup_key exists; returns how many
    were new. Does not commit."""
    now = clock.now()
    rows: dict[str, dict[str, Any]] = {}
    for m in (part for message in messages for part in fit_to_telegram(message)):
        if m.dedup_key in rows:
            continue  # the first one wins, as it would across two calls
        rows[m.dedup_key] = {
            "dedup_key": m.dedup_key,
            "kind": m.kind,
            "priority": int(m.priority),
            "chat_id": m.chat_id,
            "person_id": m.person_id,
            "school_id": m.school_id,
            "campaign_id": campaign_id,
            "payload": _payload(m),
            "timezone": m.timezone,
            "due_at": m.due_at or now,
            "status": OutboxStatus.PENDING.value,
            "attempts": 0,
            "created_at": now,
        }
    return await insert_ignoring_duplicates(session, OutboxMessage.__table__, list(rows.values()))  # type: ignore[arg-type]


async def create_campaign(
    session: AsyncSession,
    clock: Clock,
    *,
    kind: str,
    created_by_id: int | None,
    progress_chat_id: int | None,
    language: str | None,
    messages: Sequence[OutgoingMessage],
) -> Campaign:
    """A mass send: one campaign row plus its messages. total = messages newly queued; a
    campaign with nothing new to send is finished at once. Does not commit."""
    campaign = Campaign(
        kind=kind,
        created_by_id=created_by_id,
        progress_chat_id=progress_chat_id,
        language=language,
        created_at=clock.now(),
    )
    session.add(campaign)
    await session.flush()
    campaign.total = await enqueue(session, clock, messages, campaign_id=campaign.id)
    if campaign.total == 0:
        campaign.finished_at = clock.now()
    await session.flush()
    return campaign


async def campaign_progress(session: AsyncSession, campaign_id: int) -> CampaignProgress:
    total = await session.scalar(select(Campaign.total).where(Campaign.id == campaign_id)) or 0
    counts: dict[str, int] = dict(
        (
            await session.execute(
                select(OutboxMessage.status, func.count())
                .where(OutboxMessage.campaign_id == campaign_id)
                .group_by(OutboxMessage.status)
            )
        ).all()  # type: ignore[arg-type]
    )
    return CampaignProgress(
        total=total,
        sent=counts.get(OutboxStatus.SENT, 0),
        unreachable=counts.get(OutboxStatus.UNREACHABLE, 0),
        failed=counts.get(OutboxStatus.FAILED, 0) + counts.get(OutboxStatus.CANCELLED, 0),
        pending=counts.get(OutboxStatus.PENDING, 0) + counts.get(OutboxStatus.SENDING, 0),
    )


# ------------------------------------------------------------------- pure decisions


def quiet_until(now: datetime, timezone: str, start: time, end: time) -> datetime | None:
    """If `now` falls in quiet hours (local time in `timezone`), when they end (UTC-aware);
    else None. The window may cross midnight (21:00-07:00); start == end means none."""
    if start == end:
        return None
    tz = ZoneInfo(timezone)
    local = now.astimezone(tz)
    t = local.time().replace(tzinfo=None)
    if start < end:
        quiet = start <= t < end
    else:
        quiet = t >= start or t < end
    if not quiet:
        return None
    day = local.date() if t < end else local.date() + timedelta(days=1)
    return datetime.combine(day, end, tzinfo=tz).astimezone(now.tzinfo)


def retry_delay(attempts: int, base: float = 2.0, cap: float = 600.0) -> timedelta:
    """Back-off after the `attempts`-th failed try: 2 s, 4 s, 8 s, ... at most 10 min."""
    return timedelta(seconds=min(cap, base * 2 ** max(0, attempts - 1)))


def describe_error(kind: str, message: str | None = None) -> str:
    """What goes into last_error: the error's class and Telegram's own description, never
    a name or phone number (Telegram's descriptions carry at most a chat id)."""
    text = kind if not message else f"{kind}: {message}"
    return text[:ERROR_MAX_CHARS]


# --------------------------------------------------------------- the sender's side


@dataclass(frozen=True)
class ClaimedMessage:
    id: int
    chat_id: int
    kind: str
    priority: int
    payload: dict[str, Any]
    attempts: int
    person_id: int | None
    campaign_id: int | None

    @property
    def text(self) -> str:
        return str(self.payload.get("text", ""))

    @property
    def buttons(self) -> list[list[dict[str, str]]]:
        return list(self.payload.get("buttons") or [])


@dataclass
class QuietHours:
    start: time
    end: time
    default_timezone: str

    def until(self, now: datetime, timezone: str | None) -> datetime | None:
        return quiet_until(now, timezone or self.default_timezone, self.start, self.end)


def _claimable(now: datetime) -> Any:
    return and_(OutboxMessage.status == OutboxStatus.PENDING, OutboxMessage.due_at <= now)


async def claim_due(
    session: AsyncSession,
    clock: Clock,
    *,
    worker_id: str,
    limit: int,
    quiet: QuietHours,
    busy_chats: Sequence[int] = (),
    chat_allowance: Callable[[int], int] = lambda _chat: 1,
) -> list[ClaimedMessage]:
    """Claim up to `limit` due rows for `worker_id`, urgent first, then by due time.

    Non-urgent rows in their quiet hours are moved to the end of the quiet hours instead.
    Rows to chats that may not get a message now (`busy_chats`, `chat_allowance`) stay
    pending for a later round. The caller commits before calling Telegram.
    """
    now = clock.now()
    query = (
        select(
            OutboxMessage.id,
            OutboxMessage.chat_id,
            OutboxMessage.priority,
            OutboxMessage.timezone,
        )
        .where(_claimable(now))
        .order_by(OutboxMessage.priority, OutboxMessage.due_at, OutboxMessage.id)
        .limit(limit * 2)
        # PostgreSQL: two senders never pick the same rows; SQLite ignores it (one writer).
        .with_for_update(skip_locked=True)
    )
    if busy_chats:
        query = query.where(OutboxMessage.chat_id.not_in(list(busy_chats)))
    candidates = (await session.execute(query)).all()
    postponed: dict[datetime, list[int]] = defaultdict(list)
    taken: list[int] = []
    per_chat: dict[int, int] = defaultdict(int)
    for row_id, chat_id, priority, tz in candidates:
        if priority != Priority.URGENT and (until := quiet.until(now, tz)) is not None:
            postponed[until].append(row_id)
            continue
        if len(taken) >= limit or per_chat[chat_id] >= chat_allowance(chat_id):
            continue
        per_chat[chat_id] += 1
        taken.append(row_id)
    for until, ids in postponed.items():
        await session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id.in_(ids), OutboxMessage.status == OutboxStatus.PENDING)
            .values(due_at=until)
        )
    if not taken:
        return []
    await session.execute(
        update(OutboxMessage)
        .where(OutboxMessage.id.in_(taken), OutboxMessage.status == OutboxStatus.PENDING)
        .values(status=OutboxStatus.SENDING, claimed_by=worker_id, claimed_at=now)
    )
    rows = (
        await session.execute(
            select(OutboxMessage).where(
                OutboxMessage.id.in_(taken),
                OutboxMessage.status == OutboxStatus.SENDING,
                OutboxMessage.claimed_by == worker_id,
            )
        )
    ).scalars()
    order = {row_id: i for i, row_id in enumerate(taken)}
    claimed = [
        ClaimedMessage(
            id=r.id, chat_id=r.chat_id, kind=r.kind, priority=r.priority, payload=r.payload,
            attempts=r.attempts, person_id=r.person_id, campaign_id=r.campaign_id,
        )
        for r in rows
    ]
    claimed.sort(key=lambda m: order[m.id])
    return claimed


async def has_due(session: AsyncSession, clock: Clock) -> bool:
    return (
        await session.scalar(select(OutboxMessage.id).where(_claimable(clock.now())).limit(1))
    ) is not None


def _mine(row_id: int, worker_id: str) -> Any:
    return and_(
        OutboxMessage.id == row_id,
        OutboxMessage.status == OutboxStatus.SENDING,
        OutboxMessage.claimed_by == worker_id,
    )


_UNCLAIM = {"claimed_by": None, "claimed_at": None}


async def mark_sent(
    session: AsyncSession, clock: Clock, message: ClaimedMessage, worker_id: str, telegram_message_id: int | None
) -> None:
    await session.execute(
        update(OutboxMessage)
        .where(_mine(message.id, worker_id))
        .values(
            status=OutboxStatus.SENT, sent_at=clock.now(), telegram_message_id=telegram_message_id,
            attempts=message.attempts + 1, **_UNCLAIM,
        )
    )
    if message.person_id is not None:
        # A message got through: the person unblocked the bot, and a later block is a new
        # period of unreachability with a new alert (its dedup key names the period).
        await session.execute(
            update(Person)
            .where(Person.id == message.person_id, Person.unreachable_since.is_not(None))
            .values(unreachable_since=None)
        )


async def mark_throttled(session: AsyncSession, message: ClaimedMessage, worker_id: str, error: str) -> None:
    """429: back to pending untouched (no attempt spent); the sender pauses everything."""
    await session.execute(
        update(OutboxMessage)
        .where(_mine(message.id, worker_id))
        .values(status=OutboxStatus.PENDING, last_error=error, **_UNCLAIM)
    )


async def mark_retry(
    session: AsyncSession, clock: Clock, message: ClaimedMessage, worker_id: str, error: str, max_attempts: int
) -> bool:
    """A transient failure (5xx, network, timeout): try again later, or give up after
    `max_attempts` tries. Returns True when the row is now failed."""
    attempts = message.attempts + 1
    give_up = attempts >= max_attempts
    values: dict[str, Any] = {"attempts": attempts, "last_error": error, **_UNCLAIM}
    if give_up:
        values["status"] = OutboxStatus.FAILED
    else:
        values["status"] = OutboxStatus.PENDING
        values["due_at"] = clock.now() + retry_delay(attempts)
    await session.execute(update(OutboxMessage).where(_mine(message.id, worker_id)).values(**values))
    return give_up


async def mark_failed(session: AsyncSession, message: ClaimedMessage, worker_id: str, error: str) -> None:
    await session.execute(
        update(OutboxMessage)
        .where(_mine(message.id, worker_id))
        .values(status=OutboxStatus.FAILED, attempts=message.attempts + 1, last_error=error, **_UNCLAIM)
    )


async def release(session: AsyncSession, ids: Sequence[int], worker_id: str) -> None:
    """Claimed rows this worker will not send after all go back to pending as they were."""
    if ids:
        await session.execute(
            update(OutboxMessage)
            .where(
                OutboxMessage.id.in_(list(ids)),
                OutboxMessage.status == OutboxStatus.SENDING,
                OutboxMessage.claimed_by == worker_id,
            )
            .values(status=OutboxStatus.PENDING, **_UNCLAIM)
        )


async def requeue_claims(
    session: AsyncSession, clock: Clock, older_than: timedelta | None, keep_worker: str | None = None
) -> int:
    """Rows left 'sending' by a process that died go back to pending.

    `older_than=None` takes every claim (one process, at its start-up: nobody else can be
    sending); otherwise only claims older than the lease, so a live worker keeps its rows.
    A live sender passes its own id as `keep_worker`: its own claims are alive however
    old (a slow batch), and taking them back would send them twice.
    """
    condition = OutboxMessage.status == OutboxStatus.SENDING
    if older_than is not None:
        condition = and_(condition, OutboxMessage.claimed_at < clock.now() - older_than)
    if keep_worker is not None:
        condition = and_(condition, OutboxMessage.claimed_by != keep_worker)
    result = await session.execute(
        update(OutboxMessage).where(condition).values(status=OutboxStatus.PENDING, **_UNCLAIM)
    )
    return max(result.rowcount or 0, 0)  # type: ignore[attr-defined]


# ------------------------------------------------------------------ unreachable people


async def mark_unreachable(
    session: AsyncSession,
    clock: Clock,
    translator: Translator,
    message: ClaimedMessage,
    worker_id: str,
    error: str,
    default_timezone: str,
) -> int:
    """The chat is gone or blocked the bot: the row is unreachable, the person is marked,
    and the staff responsible for them are asked to phone. Returns alerts queued."""
    result = await session.execute(
        update(OutboxMessage)
        .where(_mine(message.id, worker_id))
        .values(status=OutboxStatus.UNREACHABLE, attempts=message.attempts + 1, last_error=error, **_UNCLAIM)
    )
    if not result.rowcount:  # type: ignore[attr-defined]
        return 0
    person = await _person_for(session, message)
    if person is None:
        return 0
    if person.unreachable_since is None:
        person.unreachable_since = clock.now()
        await session.flush()
    alerts = await unreachable_alerts(session, translator, person, default_timezone)
    return await enqueue(session, clock, alerts)


async def _person_for(session: AsyncSession, message: ClaimedMessage) -> Person | None:
    if message.person_id is not None:
        return await session.get(Person, message.person_id)
    return await session.scalar(select(Person).where(Person.chat_id == message.chat_id).limit(1))


async def _school_admins(session: AsyncSession, school_ids: Iterable[int]) -> list[tuple[Person, int]]:
    ids = sorted(set(school_ids))
    if not ids:
        return []
    rows = await session.execute(
        select(Person, Staff.school_id)
        .join(Staff, Staff.person_id == Person.id)
        .where(Staff.school_id.in_(ids), Staff.is_school_admin.is_(True), Staff.active.is_(True))
        .order_by(Person.id)
    )
    return [(p, school_id) for p, school_id in rows.all()]


async def unreachable_alerts(
    session: AsyncSession, translator: Translator, person: Person, default_timezone: str
) -> list[OutgoingMessage]:
    """Messages asking staff to phone `person`: a guardian's children's head teachers (or,
    failing them, the school's admins); a staff member's school admins."""
    children = (
        await session.execute(
            select(Student.name, Student.school_id, SchoolClass.head_teacher_id)
            .join(StudentGuardian, StudentGuardian.student_id == Student.id)
            .outerjoin(SchoolClass, SchoolClass.id == Student.class_id)
            .where(StudentGuardian.person_id == person.id, StudentGuardian.ended_at.is_(None))
            .order_by(Student.id)
        )
    ).all()
    recipients: list[tuple[Person, int]] = []
    if children:
        key = "outbox-unreachable-guardian"
        head_ids = {head for _, _, head in children if head is not None}
        if head_ids:
            rows = await session.execute(
                select(Person, Staff.school_id)
                .join(Staff, Staff.person_id == Person.id)
                .where(Staff.id.in_(head_ids), Staff.active.is_(True))
                .order_by(Person.id)
            )
            # Not the person themselves (a head teacher may be a guardian in their own
            # class): nobody would be told, where the school's admins should be.
            recipients = [
                (p, s) for p, s in rows.all() if p.chat_id is not None and p.id != person.id
            ]
        if not recipients:
            recipients = await _school_admins(session, (school for _, school, _ in children))
    else:
        key = "outbox-unreachable-staff"
        school_ids = await session.scalars(
            select(Staff.school_id).where(
                Staff.person_id == person.id, Staff.active.is_(True), Staff.school_id.is_not(None)
            )
        )
        recipients = await _school_admins(session, (s for s in school_ids if s is not None))
    zones = dict(
        (await session.execute(select(School.id, School.timezone).where(
            School.id.in_({s for _, s in recipients if s is not None})
        ))).all()  # type: ignore[arg-type]
    )
    since = person.unreachable_since
    stamp = since.strftime("%Y%m%dT%H%M%S") if since else "unknown"
    alerts: list[OutgoingMessage] = []
    seen: set[int] = set()
    for staff_person, school_id in recipients:
        if staff_person.id == person.id or staff_person.id in seen or staff_person.chat_id is None:
            continue
        seen.add(staff_person.id)
        lang = translator.normalize(staff_person.language)
        separator = translator.get("outbox-name-separator", lang)
        text = translator.get(
            key,
            lang,
            name=person.name,
            phone=person.phone or translator.get("outbox-no-phone", lang),
            children=separator.join(name for name, _, _ in children),
        )
        alerts.append(
            OutgoingMessage(
                dedup_key=f"unreachable:{person.id}:{stamp}:to:{staff_person.id}",
                chat_id=staff_person.chat_id,
                text=text,
                kind="unreachable-alert",
                priority=Priority.NORMAL,
                person_id=staff_person.id,
                school_id=school_id,
                timezone=zones.get(school_id) or default_timezone,
            )
        )
    if not alerts:
        log.warning("nobody to tell that person %s is unreachable", person.id)
    return alerts


# ------------------------------------------------------------------------ campaigns


async def unfinished_campaigns(session: AsyncSession) -> list[Campaign]:
    return list(
        (await session.scalars(select(Campaign).where(Campaign.finished_at.is_(None)).order_by(Campaign.id))).all()
    )


async def set_progress_message(session: AsyncSession, campaign_id: int, message_id: int) -> None:
    await session.execute(
        update(Campaign).where(Campaign.id == campaign_id).values(progress_message_id=message_id)
    )


async def finish_campaign(session: AsyncSession, clock: Clock, campaign_id: int) -> None:
    await session.execute(
        update(Campaign)
        .where(Campaign.id == campaign_id, Campaign.finished_at.is_(None))
        .values(finished_at=clock.now())
    )


__all__ = [
    "Button", "CampaignProgress", "ClaimedMessage", "OutgoingMessage", "QuietHours",
    "campaign_progress", "claim_due", "create_campaign", "describe_error", "enqueue",
    "finish_campaign", "has_due", "insert_ignoring_duplicates", "mark_failed", "mark_retry",
    "mark_sent", "mark_throttled", "mark_unreachable", "quiet_until", "release",
    "requeue_claims", "retry_delay", "set_progress_message", "unfinished_campaigns",
    "unreachable_alerts",
]
