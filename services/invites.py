"""One-time invite links: created by the command line or an admin, redeemed by /start.

The raw token exists only in the link handed out; the database keeps its SHA-256, so a
copy of the database cannot be used to join. A token is 32 URL-safe characters, which
fits Telegram's deep-link payload (at most 64 of [A-Za-z0-9_-]).
"""

from __future__ import annotations

import hashlib
import re
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy import ColumnElement, false, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import (
    ClassTeacher,
    County,
    Invite,
    InviteRole,
    Person,
    School,
    SchoolClass,
    Student,
)
from db.repositories import invites as invite_repo
from db.repositories import people as people_repo
from services.access import Actor, can_manage_school
from services.clock import Clock
from services.onboarding import TelegramAccount, adopt_roster_person, person_for_account

TOKEN_BYTES = 24  # → 32 characters
_TOKEN_SHAPE = re.compile(r"[A-Za-z0-9_-]{16,64}")

# Teacher posts an invite can carry → the Staff flag each sets.
TEACHER_POSTS: dict[str, str] = {
    "head_teacher": "is_head_teacher",
    "subject_teacher": "is_subject_teacher",
    "mentor": "is_mentor",
    "counsellor": "is_counsellor",
}


class InviteError(ValueError):
    """The invite cannot be made; `key` is a locale message saying why."""

    def __init__(self, key: str) -> None:
        super().__init__(key)
        self.key = key


class NotAllowed(InviteError):
    def __init__(self) -> None:
        super().__init__("invite-not-allowed")


class Outcome(StrEnum):
    OK = "ok"
    ALREADY_JOINED = "already_joined"  # the same person tapped their own link again
    EXPIRED = "expired"
    USED = "used"
    REVOKED = "revoked"
    UNKNOWN = "unknown"  # never issued, mistyped or forged


class Status(StrEnum):
    OPEN = "open"
    USED = "used"
    EXPIRED = "expired"
    REVOKED = "revoked"


@dataclass(frozen=True)
class IssuedInvite:
    id: int
    token: str
    role: str
    expires_at: datetime

    def link(self, bot_username: str) -> str:
        return deep_link(bot_username, self.token)


@dataclass(frozen=True)
class Redeemed:
    outcome: Outcome
    role: str | None = None
    person_id: int | None = None
    invite_id: int | None = None
    # For the welcome: the school (staff), county (bureau) or child (guardian) joined.
    place: str | None = None


@dataclass(frozen=True)
class InviteInfo:
    """What `invite list` shows: never the token."""

    id: int
    role: str
    posts: str | None
    status: Status
    created_at: datetime
    expires_at: datetime


def new_token() -> str:
    # A leading "-" would read as an option on the command line (`invite revoke TOKEN`).
    while True:
        token = secrets.token_urlsafe(TOKEN_BYTES)
        if token[0].isalnum():
            return token


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("ascii", "replace")).hexdigest()


def looks_like_token(text: str | None) -> bool:
    return bool(text) and _TOKEN_SHAPE.fullmatch(text or "") is not None


def deep_link(bot_username: str, token: str) -> str:
    return f"https://t.me/{bot_username.lstrip('@')}?start={token}"


def status_of(invite: Invite, now: datetime) -> Status:
    if invite.revoked_at is not None:
        return Status.REVOKED
    if invite.used_at is not None:
        return Status.USED
    if invite.expires_at <= now:
        return Status.EXPIRED
    return Status.OPEN


async def create_invite(
    session: AsyncSession,
    clock: Clock,
    role: InviteRole | str,
    *,
    school_id: int | None = None,
    county_id: int | None = None,
    class_id: int | None = None,
    student_id: int | None = None,
    person_id: int | None = None,
    relation: str | None = None,
    posts: frozenset[str] | set[str] | tuple[str, ...] = (),
    created_by_id: int | None = None,
    ttl_days: int = 7,
) -> IssuedInvite:
    """Stores a new invite and returns the raw token — the only time it is known."""
    role = InviteRole(role)
    posts = frozenset(posts)
    if posts - set(TEACHER_POSTS):
        raise InviteError("invite-error-bad-post")
    if role is InviteRole.TEACHER and not posts:
        posts = frozenset({"subject_teacher"})
    if role is not InviteRole.TEACHER and posts:
        raise InviteError("invite-error-bad-post")
    if role in (InviteRole.SCHOOL_ADMIN, InviteRole.TEACHER) and school_id is None:
        raise InviteError("invite-error-no-school")
    if role is InviteRole.BUREAU_OFFICER and county_id is None:
        raise InviteError("invite-error-no-county")
    if role is InviteRole.GUARDIAN:
        student = await session.get(Student, student_id) if student_id else None
        if student is None:
            raise InviteError("invite-error-no-student")
        school_id = student.school_id
    if class_id is not None:
        school_class = await session.get(SchoolClass, class_id)
        if school_class is None or school_class.school_id != school_id:
            raise InviteError("invite-error-no-class")
    now = clock.now()
    token = new_token()
    invite = await invite_repo.add(
        session,
        Invite(
            token_hash=hash_token(token),
            role=role.value,
            county_id=county_id,
            school_id=school_id,
            class_id=class_id,
            student_id=student_id,
            person_id=person_id,
            relation=relation,
            posts=",".join(sorted(posts)) or None,
            created_by_id=created_by_id,
            created_at=now,
            expires_at=now + timedelta(days=ttl_days),
        ),
    )
    return IssuedInvite(id=invite.id, token=token, role=role.value, expires_at=invite.expires_at)


async def create_teacher_invite(
    session: AsyncSession,
    clock: Clock,
    actor: Actor,
    school_id: int,
    posts: frozenset[str],
    *,
    class_id: int | None = None,
    ttl_days: int = 7,
) -> IssuedInvite:
    """An admin, from the bot, invites a teacher to their own school only."""
    if not can_manage_school(actor, school_id):
        raise NotAllowed()
    return await create_invite(
        session, clock, InviteRole.TEACHER, school_id=school_id, class_id=class_id,
        posts=posts, created_by_id=actor.person_id, ttl_days=ttl_days,
    )


async def create_guardian_invite(
    session: AsyncSession,
    clock: Clock,
    actor: Actor | None,
    student_id: int,
    *,
    relation: str | None = None,
    person_id: int | None = None,
    ttl_days: int = 7,
) -> IssuedInvite:
    """For a guardian whose Telegram number is not the one on the roster. Issued by the
    child's head teacher or a school admin (actor), or the command line (actor None)."""
    student = await session.get(Student, student_id)
    if student is None:
        raise InviteError("invite-error-no-student")
    if actor is not None and not await may_invite_guardian(session, actor, student):
        raise NotAllowed()
    if person_id is not None:
        linked = await people_repo.guardians_of_student(session, student_id)
        if person_id not in {p.id for p in linked}:
            raise InviteError("invite-error-no-guardian")
    return await create_invite(
        session, clock, InviteRole.GUARDIAN, student_id=student_id, person_id=person_id,
        relation=relation, created_by_id=actor.person_id if actor else None, ttl_days=ttl_days,
    )


def guardian_invite_scope(actor: Actor) -> ColumnElement[bool]:
    """Students whose guardians the actor may invite: their school (admins) or the
    classes they are head teacher of. The same rule as may_invite_guardian, as SQL."""
    clauses: list[ColumnElement[bool]] = [false()]
    if actor.admin_school_ids:
        clauses.append(Student.school_id.in_(actor.admin_school_ids))
    if actor.staff_ids:
        clauses.append(
            Student.class_id.in_(
                select(SchoolClass.id).where(SchoolClass.head_teacher_id.in_(actor.staff_ids))
            )
        )
    return or_(*clauses)


async def may_invite_guardian(session: AsyncSession, actor: Actor, student: Student) -> bool:
    if can_manage_school(actor, student.school_id):
        return True
    if student.class_id is None:
        return False
    head = await session.scalar(
        select(SchoolClass.head_teacher_id).where(SchoolClass.id == student.class_id)
    )
    return head is not None and head in actor.staff_ids


async def redeem(
    session: AsyncSession, clock: Clock, token: str, account: TelegramAccount
) -> Redeemed:
    """Joins the Telegram account through an invite. Nothing is written unless the invite
    is live; two taps on one link cannot both succeed."""
    if not looks_like_token(token):
        return Redeemed(Outcome.UNKNOWN)
    token_hash = hash_token(token)
    now = clock.now()
    if not await invite_repo.claim(session, token_hash, now):
        return await _why_not(session, token_hash, account, now)
    invite = await session.scalar(
        select(Invite)
        .where(Invite.token_hash == token_hash)
        .execution_options(populate_existing=True)
    )
    assert invite is not None
    person = await _joining_person(session, clock, invite, account)
    role = InviteRole(invite.role)
    if role is InviteRole.SCHOOL_ADMIN:
        await people_repo.grant_post(
            session, person.id, created_at=now, school_id=invite.school_id,
            flags=frozenset({"is_school_admin"}),
        )
    elif role is InviteRole.BUREAU_OFFICER:
        await people_repo.grant_post(
            session, person.id, created_at=now, county_id=invite.county_id,
            flags=frozenset({"is_bureau_officer"}),
        )
    elif role is InviteRole.TEACHER:
        await _join_as_teacher(session, invite, person, now)
    else:
        assert invite.student_id is not None
        await people_repo.link_guardian(
            session, student_id=invite.student_id, person_id=person.id,
            relation=invite.relation or "other", started_at=now,
        )
    await invite_repo.set_used_by(session, invite.id, person.id)
    return Redeemed(
        Outcome.OK, role=role.value, person_id=person.id, invite_id=invite.id,
        place=await _place_name(session, invite),
    )


async def _place_name(session: AsyncSession, invite: Invite) -> str | None:
    if invite.student_id is not None:
        student = await session.get(Student, invite.student_id)
        return student.name if student else None
    if invite.school_id is not None:
        school = await session.get(School, invite.school_id)
        return school.name if school else None
    if invite.county_id is not None:
        county = await session.get(County, invite.county_id)
        return county.name if county else None
    return None


async def _why_not(
    session: AsyncSession, token_hash: str, account: TelegramAccount, now: datetime
) -> Redeemed:
    invite = await invite_repo.by_hash(session, token_hash)
    if invite is None:
        return Redeemed(Outcome.UNKNOWN)
    status = status_of(invite, now)
    if status is Status.REVOKED:
        return Redeemed(Outcome.REVOKED, role=invite.role, invite_id=invite.id)
    if status is Status.USED:
        person = await people_repo.by_telegram_id(session, account.user_id)
        if person is not None and invite.used_by_id == person.id:
            return Redeemed(
                Outcome.ALREADY_JOINED, role=invite.role, person_id=person.id, invite_id=invite.id
            )
        return Redeemed(Outcome.USED, role=invite.role, invite_id=invite.id)
    return Redeemed(Outcome.EXPIRED, role=invite.role, invite_id=invite.id)


async def _joining_person(
    session: AsyncSession, clock: Clock, invite: Invite, account: TelegramAccount
) -> Person:
    person = await people_repo.by_telegram_id(session, account.user_id)
    roster_person = await session.get(Person, invite.person_id) if invite.person_id else None
    if roster_person is not None and roster_person.telegram_user_id in (None, account.user_id):
        return await adopt_roster_person(session, clock, roster_person, person, account)
    return await person_for_account(session, clock, account, person)


async def _join_as_teacher(
    session: AsyncSession, invite: Invite, person: Person, now: datetime
) -> None:
    posts = frozenset((invite.posts or "subject_teacher").split(","))
    staff = await people_repo.grant_post(
        session, person.id, created_at=now, school_id=invite.school_id,
        flags=frozenset(TEACHER_POSTS[p] for p in posts if p in TEACHER_POSTS),
    )
    if invite.class_id is None:
        return
    if "head_teacher" in posts:
        school_class = await session.get(SchoolClass, invite.class_id)
        assert school_class is not None
        school_class.head_teacher_id = staff.id
        school_class.updated_at = now
    if "subject_teacher" in posts:
        taught = await session.scalar(
            select(ClassTeacher.id).where(
                ClassTeacher.class_id == invite.class_id, ClassTeacher.staff_id == staff.id
            )
        )
        if taught is None:
            session.add(ClassTeacher(class_id=invite.class_id, staff_id=staff.id, subject=""))
    await session.flush()


async def revoke(
    session: AsyncSession, clock: Clock, *, invite_id: int | None = None, token: str | None = None
) -> Status | None:
    """Revokes an open invite. Returns the invite's status afterwards (REVOKED when it
    worked; USED or EXPIRED when there was nothing left to revoke), None if not found."""
    if invite_id is not None:
        invite = await invite_repo.by_id(session, invite_id)
    elif token is not None and looks_like_token(token):
        invite = await invite_repo.by_hash(session, hash_token(token))
    else:
        invite = None
    if invite is None:
        return None
    now = clock.now()
    status = status_of(invite, now)
    if status is Status.OPEN:
        invite.revoked_at = now
        await session.flush()
        return Status.REVOKED
    return status


async def list_invites(
    session: AsyncSession, clock: Clock, *, school_id: int | None = None, county_id: int | None = None
) -> list[InviteInfo]:
    if school_id is not None:
        rows = await invite_repo.for_school(session, school_id)
    elif county_id is not None:
        rows = await invite_repo.for_county(session, county_id)
    else:
        rows = []
    now = clock.now()
    return [
        InviteInfo(
            id=i.id, role=i.role, posts=i.posts, status=status_of(i, now),
            created_at=i.created_at, expires_at=i.expires_at,
        )
        for i in rows
    ]
