"""Joining by sharing one's phone number, and the language a person reads.

A Telegram account becomes a Person here. The roster usually knows the person already
(a guardian's phone); the account is then attached to that record instead of creating a
second one, so their children come with it.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from sqlalchemy.ext.asyncio import AsyncSession

from db.models import Person
from db.repositories import people as people_repo
from db.repositories.people import ChildRow
from services.clock import Clock
from services.phones import InvalidPhone, normalize_phone


@dataclass(frozen=True)
class TelegramAccount:
    """The parts of a Telegram user onboarding needs (no aiogram types in services)."""

    user_id: int
    chat_id: int
    first_name: str = ""
    last_name: str | None = None
    language: str | None = None

    @property
    def display_name(self) -> str:
        name = " ".join(p for p in (self.first_name, self.last_name) if p).strip()
        return name[:100] or str(self.user_id)


class ContactOutcome(StrEnum):
    LINKED = "linked"
    NOT_YOURS = "not_yours"  # someone else's contact card: never linked
    NO_MATCH = "no_match"
    TAKEN = "taken"  # the number already belongs to another Telegram account


@dataclass(frozen=True)
class ContactResult:
    outcome: ContactOutcome
    person_id: int | None = None
    children: list[ChildRow] = field(default_factory=list)


async def person_for_account(
    session: AsyncSession, clock: Clock, account: TelegramAccount, person: Person | None = None
) -> Person:
    """The account's Person, created on first contact; chat and join time kept current."""
    now = clock.now()
    if person is None:
        person = await people_repo.by_telegram_id(session, account.user_id)
    if person is None:
        return await people_repo.add_person(
            session, name=account.display_name, created_at=now, telegram_user_id=account.user_id,
            chat_id=account.chat_id, language=account.language, joined_at=now,
        )
    person.chat_id = account.chat_id
    person.joined_at = person.joined_at or now
    person.language = person.language or account.language
    person.unreachable_since = None
    await session.flush()
    return person


async def adopt_roster_person(
    session: AsyncSession,
    clock: Clock,
    roster_person: Person,
    account_person: Person | None,
    account: TelegramAccount,
) -> Person:
    """Attach the account to the roster's record of this human.

    If the account already has a Person of its own: a bare one (only a language choice)
    is folded into the roster record; one with posts or children keeps its identity and
    takes over the roster record's children, posts and phone.
    """
    now = clock.now()
    if account_person is None or account_person.id == roster_person.id:
        roster_person.telegram_user_id = account.user_id
        return await person_for_account(session, clock, account, roster_person)
    if not await people_repo.has_roles(session, account_person.id):
        language = account_person.language
        await session.delete(account_person)
        await session.flush()
        roster_person.telegram_user_id = account.user_id
        roster_person.language = roster_person.language or language
        roster_person.updated_at = now
        return await person_for_account(session, clock, account, roster_person)
    await people_repo.move_links(session, roster_person.id, account_person.id)
    if account_person.phone is None and roster_person.phone is not None:
        phone, roster_person.phone = roster_person.phone, None
        await session.flush()
        account_person.phone = phone
    roster_person.updated_at = now
    return await person_for_account(session, clock, account, account_person)


async def join_by_contact(
    session: AsyncSession,
    clock: Clock,
    account: TelegramAccount,
    phone: str,
    contact_user_id: int | None,
) -> ContactResult:
    """A shared contact links the account to the roster person with that phone.

    Telegram puts the sharer's own user id on a contact sent with the contact button; any
    other contact (a forwarded card, someone else's number) is refused, nothing linked.
    """
    if contact_user_id is None or contact_user_id != account.user_id:
        return ContactResult(ContactOutcome.NOT_YOURS)
    try:
        normalized = normalize_phone(phone)
    except InvalidPhone:
        return ContactResult(ContactOutcome.NO_MATCH)
    roster_person = await people_repo.by_phone(session, normalized)
    if roster_person is None:
        return ContactResult(ContactOutcome.NO_MATCH)
    if roster_person.telegram_user_id not in (None, account.user_id):
        return ContactResult(ContactOutcome.TAKEN)
    current = await people_repo.by_telegram_id(session, account.user_id)
    person = await adopt_roster_person(session, clock, roster_person, current, account)
    children = await people_repo.children_of(session, person.id)
    return ContactResult(ContactOutcome.LINKED, person_id=person.id, children=children)


async def set_language(
    session: AsyncSession, clock: Clock, account: TelegramAccount, language: str
) -> Person:
    """Saves the choice on the Person. A newcomer gets a bare Person (name and language
    only, no access to anything) so the choice is still there when they join."""
    person = await people_repo.by_telegram_id(session, account.user_id)
    if person is None:
        person = await people_repo.add_person(
            session, name=account.display_name, created_at=clock.now(),
            telegram_user_id=account.user_id, chat_id=account.chat_id, language=language,
        )
        return person
    person.language = language
    person.updated_at = clock.now()
    await session.flush()
    return person
