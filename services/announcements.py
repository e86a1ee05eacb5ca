"""A school admin or head teacher sends a notice to guardians (a person-started mass send)
that each guardian acknowledges with one tap: 敦促家长送子女入学通知 (the start-of-term
enrolment notice), 放假前的安全教育 (the pre-holiday safety notice), the parent-meeting
notice, or any other notice.

Who may address whom:
- a school admin: every current guardian of the enrolled students of their own school;
- a head teacher: the guardians of their own class's enrolled students;
- either may narrow it to the guardians of left-behind or boarding students.

The type gives the notice its title line in each guardian's language; the text is written
once by the sender. Every message carries one button, "I have read it": the first tap
records it (a `NoticeRecipient` per guardian and notice), later taps change nothing, a tap
by anyone the notice was not sent to is refused. The unread are reminded once, a set time
later (`remind_unread`, run by scheduler/notices.py). The sender and the school's admins see
read / unread counts and who has not read (`notices_for`, `notice_detail`); a head teacher
only their own class's notices, an admin only their own school's.

Each guardian receives the notice once, in their own language, even with two children in
the school. Only guardians who have joined the bot (their Telegram chat is known) can
receive it; the others are counted so the sender knows whom to tell another way.

A campaign key (made once per confirm screen) is part of every row's dedup key, so tapping
Send twice, or two taps racing each other, queue the notice once.
"""

from __future__ import annotations

import logging
import uuid
from collections import defaultdict
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from db.models import Notice, NoticeKind, NoticeRecipient, Person, Priority, School, SchoolClass
from db.repositories import announcements as repo
from locales import LANGUAGES, Translator
from services.access import Actor
from services.clock import Clock
from services.outbox import (
    Button,
    OutgoingMessage,
    create_campaign,
    enqueue,
    insert_ignoring_duplicates,
)

log = logging.getLogger(__name__)

KIND = "announcement"
REMINDER_KIND = "notice-reminder"
MAX_TEXT_LENGTH = 1000
NOTICE_KINDS = tuple(NoticeKind)
# A reminder that fell due while the bot was down this long is no longer sent.
REMIND_CATCH_UP = timedelta(days=2)
# /notices lists this many of the newest notices; a detail names at most this many people.
LIST_LIMIT = 10
NAMES_LIMIT = 30
# The detail quotes the notice this far: it must fit in one Telegram message with the names.
QUOTE_LIMIT = 200
MESSAGE_LIMIT = 4000


class AudienceKind(StrEnum):
    SCHOOL = "school"
    CLASS = "class"


@dataclass(frozen=True)
class Audience:
    """Whom a notice goes to: a whole school or one class."""

    kind: AudienceKind
    school_id: int
    school_name: str
    school_timezone: str
    class_id: int | None = None
    grade: int | None = None
    class_name: str | None = None
    only_care: bool = False  # only the guardians of left-behind or boarding students

    @property
    def key(self) -> str:
        """JSON-safe id kept in dialog data and button callbacks, e.g. "school-3", "class-7-care"."""
        own = f"{self.kind}-{self.class_id if self.kind == AudienceKind.CLASS else self.school_id}"
        return f"{own}-care" if self.only_care else own


@dataclass(frozen=True)
class RecipientCount:
    recipients: int  # joined guardians: they will receive the notice
    not_joined: int  # guardians on the roster who have not joined the bot yet


@dataclass(frozen=True)
class AnnouncementStarted:
    campaign_id: int
    total: int
    created: bool  # False: this campaign key had already been sent (a second tap)


class AnnouncementError(ValueError):
    """The notice cannot be sent; `key` is the locale message saying why."""

    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


def may_announce(actor: Actor) -> bool:
    """Cheap check for router filters and menus: admins and head teachers may announce."""
    return actor.is_school_admin or any(p.is_head_teacher for p in actor.posts)


def new_campaign_key() -> str:
    return uuid.uuid4().hex


def check_kind(kind: str | None) -> NoticeKind:
    try:
        return NoticeKind(kind or NoticeKind.OTHER)
    except ValueError:
        raise AnnouncementError("announce-kind-unknown") from None


def ack_data(notice_id: int) -> str:
    """Callback data of the "I have read it" button (handlers/announce.py NoticeRead)."""
    return f"nr:{notice_id}"


async def audiences_for(session: AsyncSession, actor: Actor) -> list[Audience]:
    """Everything this actor may address: their schools (admins), their classes (head teachers)."""
    whole: list[Audience] = []
    for school in await repo.schools(session, actor.admin_school_ids):
        whole.append(
            Audience(
                kind=AudienceKind.SCHOOL, school_id=school.id, school_name=school.name,
                school_timezone=school.timezone,
            )
        )
    for school_class, school in await repo.classes_headed_by(session, _head_posts(actor)):
        whole.append(
            Audience(
                kind=AudienceKind.CLASS, school_id=school.id, school_name=school.name,
                school_timezone=school.timezone, class_id=school_class.id,
                grade=school_class.grade, class_name=school_class.name,
            )
        )
    # Each audience, then the same narrowed to the left-behind and boarding students.
    return whole + [replace(a, only_care=True) for a in whole]


def _head_posts(actor: Actor) -> list[int]:
    return [p.staff_id for p in actor.posts if p.is_head_teacher]


async def find_audience(session: AsyncSession, actor: Actor, key: str | None) -> Audience | None:
    """The audience behind `key` if this actor may still address it (checked afresh each
    time: a post may have been taken away since the dialog started)."""
    if not key:
        return None
    for audience in await audiences_for(session, actor):
        if audience.key == key:
            return audience
    return None


def check_text(text: str | None) -> str:
    """The notice as it will be sent; raises AnnouncementError for empty or too long text."""
    cleaned = (text or "").strip()
    if not cleaned:
        raise AnnouncementError("announce-text-empty")
    if len(cleaned) > MAX_TEXT_LENGTH:
        raise AnnouncementError("announce-text-too-long")
    return cleaned


async def _guardians(session: AsyncSession, audience: Audience) -> list[repo.GuardianRow]:
    return await repo.current_guardians(
        session, audience.school_id, audience.class_id, only_care=audience.only_care
    )


async def count_recipients(session: AsyncSession, audience: Audience) -> RecipientCount:
    guardians = await _guardians(session, audience)
    joined = sum(1 for g in guardians if g.chat_id is not None)
    return RecipientCount(recipients=joined, not_joined=len(guardians) - joined)


def audience_label(translator: Translator, language: str, audience: Audience) -> str:
    care = "-care" if audience.only_care else ""
    if audience.kind == AudienceKind.SCHOOL:
        return translator.get(f"announce-audience-school{care}", language, school=audience.school_name)
    return translator.get(
        f"announce-audience-class{care}", language,
        school=audience.school_name, class_label=class_label(translator, language, audience),
    )


def scope_label(translator: Translator, language: str, audience: Audience) -> str:
    """Whom a sent notice addressed, as someone other than the sender reads it
    ("3年级1班家长", not "本班家长")."""
    if audience.kind == AudienceKind.SCHOOL:
        return audience_label(translator, language, audience)
    care = "-care" if audience.only_care else ""
    return translator.get(
        f"announce-scope-class{care}", language,
        school=audience.school_name, class_label=class_label(translator, language, audience),
    )


def class_label(translator: Translator, language: str, audience: Audience) -> str:
    return translator.get(
        "announce-class-label", language, grade=audience.grade or 0, name=audience.class_name or ""
    )


def notice_title(translator: Translator, language: str, audience: Audience, kind: str) -> str:
    """The title line's heading: the notice type, or "School notice" / "Class notice"."""
    if kind == NoticeKind.OTHER:
        return translator.get(f"announce-title-other-{audience.kind}", language)
    return translator.get(f"announce-title-{kind}", language)


def render_notice(
    translator: Translator, language: str, audience: Audience, text: str, sender: str,
    kind: str = NoticeKind.OTHER,
) -> str:
    """The sender's own words under the type's title line, in `language`."""
    title = notice_title(translator, language, audience, kind)
    if audience.kind == AudienceKind.SCHOOL:
        return translator.get(
            "announce-frame-school", language, title=title, school=audience.school_name,
            text=text, sender=sender,
        )
    return translator.get(
        "announce-frame-class", language, title=title, school=audience.school_name,
        class_label=class_label(translator, language, audience), text=text, sender=sender,
    )


def _read_button(translator: Translator, language: str, notice_id: int) -> tuple[tuple[Button, ...], ...]:
    return ((Button(translator.get("announce-read-button", language), callback_data=ack_data(notice_id)),),)


def dedup_prefix(campaign_key: str) -> str:
    return f"announce:{campaign_key}:person:"


async def start_announcement(
    session: AsyncSession,
    clock: Clock,
    translator: Translator,
    *,
    actor: Actor,
    audience: Audience,
    text: str,
    campaign_key: str,
    progress_chat_id: int | None,
    language: str | None,
    kind: str = NoticeKind.OTHER,
) -> AnnouncementStarted:
    """Record the notice and its recipients, and queue it with an "I have read it" button
    for every joined guardian of the audience as one campaign.

    Idempotent per `campaign_key`: a second call finds the rows of the first and returns
    its campaign. Does not commit.
    """
    if await find_audience(session, actor, audience.key) is None:
        raise AnnouncementError("announce-not-allowed")
    text = check_text(text)
    kind = check_kind(kind)
    prefix = dedup_prefix(campaign_key)
    existing = await repo.campaign_with_dedup_prefix(session, prefix)
    if existing is not None:
        return AnnouncementStarted(campaign_id=existing.id, total=existing.total, created=False)
    guardians = await _guardians(session, audience)
    if not any(g.chat_id is not None for g in guardians):
        raise AnnouncementError("announce-nobody")
    notice = await _record_notice(session, clock, actor, audience, text, kind, campaign_key, guardians)
    sender = actor.name or ""
    messages = []
    for guardian in guardians:
        if guardian.chat_id is None:
            continue
        lang = translator.normalize(guardian.language)
        messages.append(
            OutgoingMessage(
                dedup_key=f"{prefix}{guardian.person_id}",
                chat_id=guardian.chat_id,
                text=render_notice(translator, lang, audience, text, sender, kind),
                kind=KIND,
                # A notice is bulk: reminders and alerts to the same people go first.
                priority=Priority.BULK,
                buttons=_read_button(translator, lang, notice.id),
                person_id=guardian.person_id,
                school_id=audience.school_id,
                timezone=audience.school_timezone,
            )
        )
    campaign = await create_campaign(
        session, clock, kind=KIND, created_by_id=actor.person_id,
        progress_chat_id=progress_chat_id, language=language, messages=messages,
    )
    if campaign.total == 0:
        # Another tap with the same key queued every row while we were building ours:
        # drop this empty campaign so the sender shows one progress message, not two.
        await session.delete(campaign)
        await session.flush()
        existing = await repo.campaign_with_dedup_prefix(session, prefix)
        if existing is not None:
            return AnnouncementStarted(campaign_id=existing.id, total=existing.total, created=False)
        raise AnnouncementError("announce-nobody")
    notice.campaign_id = campaign.id
    await session.flush()
    log.info("notice %s (%s) queued for %d guardians", notice.id, kind, campaign.total)
    return AnnouncementStarted(campaign_id=campaign.id, total=campaign.total, created=True)


async def _record_notice(
    session: AsyncSession, clock: Clock, actor: Actor, audience: Audience, text: str,
    kind: NoticeKind, campaign_key: str, guardians: list[repo.GuardianRow],
) -> Notice:
    """The notice row and one recipient row per guardian, each written at most once
    (insert-or-ignore on the unique keys: a racing second tap adds nothing)."""
    now = clock.now()
    await insert_ignoring_duplicates(
        session, Notice.__table__,  # type: ignore[arg-type]
        [{
            "campaign_key": campaign_key, "kind": kind.value, "school_id": audience.school_id,
            "class_id": audience.class_id if audience.kind == AudienceKind.CLASS else None,
            "only_care": audience.only_care, "text": text, "sent_by_id": actor.person_id,
            "created_at": now,
        }],
    )
    notice = await repo.notice_by_key(session, campaign_key)
    assert notice is not None
    await insert_ignoring_duplicates(
        session, NoticeRecipient.__table__,  # type: ignore[arg-type]
        [
            {"notice_id": notice.id, "person_id": g.person_id, "joined": g.chat_id is not None}
            for g in guardians
        ],
    )
    return notice


# ------------------------------------------------------------- "I have read it"


class AckOutcome(StrEnum):
    RECORDED = "recorded"  # this tap counted
    ALREADY = "already"  # read before (a double tap, or the reminder's button)
    NOT_RECIPIENT = "not_recipient"  # the notice was not sent to this person, or is unknown


@dataclass(frozen=True)
class AckResult:
    outcome: AckOutcome
    read_at: datetime | None = None
    timezone: str | None = None


async def acknowledge(session: AsyncSession, clock: Clock, actor: Actor, notice_id: int) -> AckResult:
    """A guardian taps "I have read it". The first tap counts; nothing else changes anything."""
    if actor.person_id is None:
        return AckResult(AckOutcome.NOT_RECIPIENT)
    row = await repo.recipient(session, notice_id, actor.person_id)
    if row is None:
        return AckResult(AckOutcome.NOT_RECIPIENT)
    notice = await session.get(Notice, notice_id)
    school = await session.get(School, notice.school_id) if notice is not None else None
    tz = school.timezone if school is not None else None
    now = clock.now()
    if await repo.mark_read(session, notice_id, actor.person_id, now):
        return AckResult(AckOutcome.RECORDED, now, tz)
    await session.refresh(row)
    return AckResult(AckOutcome.ALREADY, row.read_at, tz)


UNREAD_LOOKBACK = timedelta(days=14)


def looks_like_ack(translator: Translator, text: str | None) -> bool:
    """What elderly guardians type instead of tapping the button ("收到", "已阅", "ok"): the
    words of every language (locale key announce-ack-words), whatever their own is."""
    typed = (text or "").strip().strip("。.!！,，~～ ").lower()
    return bool(typed) and any(
        typed in {w.strip().lower() for w in translator.get("announce-ack-words", lang).split("|")}
        for lang in LANGUAGES
    )


async def has_unread(session: AsyncSession, clock: Clock, actor: Actor) -> bool:
    """Whether a recent notice sent to this guardian still waits for their tap."""
    if actor.person_id is None:
        return False
    return await repo.has_unread(session, actor.person_id, clock.now() - UNREAD_LOOKBACK)


def local_time(translator: Translator, language: str, moment: datetime, timezone: str | None) -> str:
    """"11月23日 09:10" in the school's timezone."""
    local = moment.astimezone(ZoneInfo(timezone or "Asia/Shanghai"))
    return translator.get(
        "announce-when", language, month=local.month, day=local.day, time=local.strftime("%H:%M")
    )


# ------------------------------------------------------------------- reminders


async def _audience_of(session: AsyncSession, notice: Notice) -> Audience | None:
    school = await session.get(School, notice.school_id)
    if school is None:
        return None
    if notice.class_id is None:
        return Audience(
            kind=AudienceKind.SCHOOL, school_id=school.id, school_name=school.name,
            school_timezone=school.timezone, only_care=notice.only_care,
        )
    school_class = await session.get(SchoolClass, notice.class_id)
    return Audience(
        kind=AudienceKind.CLASS, school_id=school.id, school_name=school.name,
        school_timezone=school.timezone, class_id=notice.class_id,
        grade=school_class.grade if school_class else None,
        class_name=school_class.name if school_class else None, only_care=notice.only_care,
    )


async def remind_unread(
    session: AsyncSession, clock: Clock, translator: Translator, remind_after: timedelta
) -> int:
    """Remind, once, the guardians who have not tapped "I have read it" `remind_after`
    after a notice was sent. Returns the reminders newly queued. Does not commit.

    Each notice is claimed by one UPDATE, and each reminder has its own dedup key, so the
    job may run twice or in two processes. A reminder that fell due more than
    REMIND_CATCH_UP ago (the bot was down) is not sent any more. Quiet hours are the
    outbox's business: a reminder due at night waits for the morning.
    """
    now = clock.now()
    queued = 0
    for notice in await repo.notices_to_remind(session, now - remind_after):
        if not await repo.claim_reminder(session, notice.id, now):
            continue
        if notice.created_at + remind_after + REMIND_CATCH_UP < now:
            log.info("notice %s: reminder too late, skipped", notice.id)
            continue
        audience = await _audience_of(session, notice)
        if audience is None:
            continue
        sender = await session.get(Person, notice.sent_by_id) if notice.sent_by_id else None
        unread = [r for r in await repo.unread_joined(session, notice.id) if r.chat_id is not None]
        messages = []
        for r in unread:
            lang = translator.normalize(r.language)
            body = render_notice(
                translator, lang, audience, notice.text, sender.name if sender else "", notice.kind
            )
            messages.append(
                OutgoingMessage(
                    dedup_key=f"notice-remind:{notice.id}:person:{r.person_id}",
                    chat_id=r.chat_id,  # type: ignore[arg-type]
                    text=translator.get("announce-reminder", lang, notice=body),
                    kind=REMINDER_KIND,
                    priority=Priority.NORMAL,
                    buttons=_read_button(translator, lang, notice.id),
                    person_id=r.person_id,
                    school_id=notice.school_id,
                    timezone=audience.school_timezone,
                )
            )
        queued += await enqueue(session, clock, messages)
        await repo.mark_reminded(session, notice.id, [r.person_id for r in unread], now)
        log.info("notice %s: %d unread reminded", notice.id, len(messages))
    await session.flush()
    return queued


# ------------------------------------------------------------ the sender's view


async def _visible_scope(session: AsyncSession, actor: Actor) -> tuple[set[int], set[int]]:
    """Schools whose notices the actor sees (admins) and classes (head teachers)."""
    classes = {c.id for c, _s in await repo.classes_headed_by(session, _head_posts(actor))}
    return set(actor.admin_school_ids), classes


@dataclass(frozen=True)
class NoticeSummary:
    notice_id: int
    label: str  # "11月23日 开学入学通知 · 3年级1班 · 已读 3/5"


async def notices_for(
    session: AsyncSession, translator: Translator, language: str, actor: Actor
) -> list[NoticeSummary]:
    """The newest notices this actor may follow, one line each with the read count."""
    schools_, classes = await _visible_scope(session, actor)
    notices = await repo.visible_notices(session, schools_, classes, LIST_LIMIT)
    counted = await repo.counts(session, [n.id for n in notices])
    found = []
    for notice in notices:
        audience = await _audience_of(session, notice)
        if audience is None:
            continue
        c = counted[notice.id]
        found.append(
            NoticeSummary(
                notice_id=notice.id,
                label=translator.get(
                    "announce-list-item", language,
                    when=local_time(translator, language, notice.created_at, audience.school_timezone),
                    kind=translator.get(f"announce-kind-name-{notice.kind}", language),
                    audience=scope_label(translator, language, audience),
                    read=c.read, total=c.joined,
                ),
            )
        )
    return found


async def notice_detail(
    session: AsyncSession, translator: Translator, language: str, actor: Actor, notice_id: int
) -> str | None:
    """Counts and the names of who has not read (with their children and class), or None
    when the actor may not see this notice."""
    notice = await session.get(Notice, notice_id)
    if notice is None:
        return None
    schools_, classes = await _visible_scope(session, actor)
    if notice.school_id not in schools_ and notice.class_id not in classes:
        return None
    audience = await _audience_of(session, notice)
    if audience is None:
        return None
    recipients = await repo.recipients_of(session, notice.id)
    unread = [r for r in recipients if r.joined and r.read_at is None]
    not_joined = [r for r in recipients if not r.joined and r.read_at is None]
    read = [r for r in recipients if r.read_at is not None]
    children: dict[int, list[str]] = defaultdict(list)
    for child in await repo.children_in_scope(session, notice, [r.person_id for r in unread + not_joined]):
        place = (
            translator.get("announce-class-label", language, grade=child.grade, name=child.class_name or "")
            if child.grade is not None
            else translator.get("announce-no-class", language)
        )
        children[child.person_id].append(
            translator.get("announce-detail-child", language, child=child.student_name, class_label=place)
        )

    def lines(rows: list[repo.RecipientRow]) -> str:
        shown = [
            translator.get(
                "announce-detail-person", language, name=r.name,
                children=translator.get("announce-detail-separator", language).join(children[r.person_id]) or "-",
                phone=r.phone or "-",
            )
            for r in rows[:NAMES_LIMIT]
        ]
        if len(rows) > NAMES_LIMIT:
            shown.append(translator.get("announce-detail-more", language, count=len(rows) - NAMES_LIMIT))
        return "\n".join(shown)

    parts = [
        translator.get(
            "announce-detail-head", language,
            kind=translator.get(f"announce-kind-name-{notice.kind}", language),
            audience=scope_label(translator, language, audience),
            when=local_time(translator, language, notice.created_at, audience.school_timezone),
            text=notice.text if len(notice.text) <= QUOTE_LIMIT else notice.text[:QUOTE_LIMIT] + "…",
        ),
        translator.get(
            "announce-detail-counts", language,
            read=len(read), unread=len(unread), total=len(read) + len(unread),
        ),
    ]
    if notice.reminded_at is not None:
        parts.append(
            translator.get(
                "announce-detail-reminded", language,
                when=local_time(translator, language, notice.reminded_at, audience.school_timezone),
            )
        )
    if unread:
        parts.append(translator.get("announce-detail-unread", language, count=len(unread)) + "\n" + lines(unread))
    elif recipients:
        parts.append(translator.get("announce-detail-all-read", language))
    if not_joined:
        parts.append(
            translator.get("announce-detail-not-joined", language, count=len(not_joined)) + "\n" + lines(not_joined)
        )
    text = "\n\n".join(parts)
    return text if len(text) <= MESSAGE_LIMIT else text[: MESSAGE_LIMIT - 1] + "…"
