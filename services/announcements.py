"""A school admin or head teacher sends a short notice to guardians (a person-started mass send).

Who may address whom:
- a school admin: every current guardian of the enrolled students of their own school;
- a head teacher: the guardians of their own class's enrolled students.

Each guardian receives the notice once, in their own language, even with two children in
the school. Only guardians who have joined the bot (their Telegram chat is known) can
receive it; the others are counted so the sender knows whom to tell another way.

A campaign key (made once per confirm screen) is part of every row's dedup key, so tapping
Send twice, or two taps racing each other, queue the notice once.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy.ext.asyncio import AsyncSession

from db.models import Priority
from db.repositories import announcements as repo
from locales import Translator
from services.access import Actor
from services.clock import Clock
from services.outbox import OutgoingMessage, create_campaign

KIND = "announcement"
MAX_TEXT_LENGTH = 1000


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

    @property
    def key(self) -> str:
        """JSON-safe id kept in dialog data and button callbacks, e.g. "school-3"."""
        return f"{self.kind}-{self.class_id if self.kind == AudienceKind.CLASS else self.school_id}"


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


async def audiences_for(session: AsyncSession, actor: Actor) -> list[Audience]:
    """Everything this actor may address: their schools (admins), their classes (head teachers)."""
    found: list[Audience] = []
    for school in await repo.schools(session, actor.admin_school_ids):
        found.append(
            Audience(
                kind=AudienceKind.SCHOOL, school_id=school.id, school_name=school.name,
                school_timezone=school.timezone,
            )
        )
    head_posts = [p.staff_id for p in actor.posts if p.is_head_teacher]
    for school_class, school in await repo.classes_headed_by(session, head_posts):
        found.append(
            Audience(
                kind=AudienceKind.CLASS, school_id=school.id, school_name=school.name,
                school_timezone=school.timezone, class_id=school_class.id,
                grade=school_class.grade, class_name=school_class.name,
            )
        )
    return found


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


async def count_recipients(session: AsyncSession, audience: Audience) -> RecipientCount:
    guardians = await repo.current_guardians(session, audience.school_id, audience.class_id)
    joined = sum(1 for g in guardians if g.chat_id is not None)
    return RecipientCount(recipients=joined, not_joined=len(guardians) - joined)


def audience_label(translator: Translator, language: str, audience: Audience) -> str:
    if audience.kind == AudienceKind.SCHOOL:
        return translator.get("announce-audience-school", language, school=audience.school_name)
    return translator.get(
        "announce-audience-class", language,
        school=audience.school_name, class_label=class_label(translator, language, audience),
    )


def class_label(translator: Translator, language: str, audience: Audience) -> str:
    return translator.get(
        "announce-class-label", language, grade=audience.grade or 0, name=audience.class_name or ""
    )


def render_notice(
    translator: Translator, language: str, audience: Audience, text: str, sender: str
) -> str:
    """The admin's own words inside the school's frame, in `language`."""
    if audience.kind == AudienceKind.SCHOOL:
        return translator.get(
            "announce-frame-school", language, school=audience.school_name, text=text, sender=sender
        )
    return translator.get(
        "announce-frame-class", language, school=audience.school_name,
        class_label=class_label(translator, language, audience), text=text, sender=sender,
    )


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
) -> AnnouncementStarted:
    """Queue the notice for every joined guardian of the audience as one campaign.

    Idempotent per `campaign_key`: a second call finds the rows of the first and returns
    its campaign. Does not commit.
    """
    if await find_audience(session, actor, audience.key) is None:
        raise AnnouncementError("announce-not-allowed")
    text = check_text(text)
    prefix = dedup_prefix(campaign_key)
    existing = await repo.campaign_with_dedup_prefix(session, prefix)
    if existing is not None:
        return AnnouncementStarted(campaign_id=existing.id, total=existing.total, created=False)
    sender = actor.name or ""
    messages = [
        OutgoingMessage(
            dedup_key=f"{prefix}{guardian.person_id}",
            chat_id=guardian.chat_id,
            text=render_notice(
                translator, translator.normalize(guardian.language), audience, text, sender
            ),
            kind=KIND,
            # A notice is bulk: reminders and alerts to the same people go first.
            priority=Priority.BULK,
            person_id=guardian.person_id,
            school_id=audience.school_id,
            timezone=audience.school_timezone,
        )
        for guardian in await repo.current_guardians(session, audience.school_id, audience.class_id)
        if guardian.chat_id is not None
    ]
    if not messages:
        raise AnnouncementError("announce-nobody")
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
    return AnnouncementStarted(campaign_id=campaign.id, total=campaign.total, created=True)
