"""Contact with the away parents: the two policy rows and everything that follows.

留守学生至少每月与家长联系一次 — the monthly child–parent contact:

- Each left-behind (enrolled) child must talk with the parents working away at least once
  a calendar month, the month as the school's timezone has it. A current guardian — or an
  away parent whose AwayParent row is linked to a Person (the model allows it; joining the
  bot as an away parent is not built yet, so today it is guardians) — confirms it: one
  tap on "<child> talked with the parents this month", then how (phone / video / came
  home) and when (today / this week / earlier this month). The first confirmation of a
  month is the one kept; a second guardian sees who confirmed it.
- On `reminder_day` (default the 20th; the month's last day if the month is shorter) at
  `reminder_time`, every reachable guardian of a child not yet confirmed gets one reminder
  per child per month (dedup key), through the outbox's normal lane, so quiet hours hold.
- On the month's last day at `month_end_time`, each head teacher gets the unconfirmed
  children of their class(es) and each mentor those of their mentees, one message each.
  A run in the first days of the next month still sends the list of the month before
  (the bot was down), if that month was live at the school (a reminder went out or a
  confirmation came in: a bot installed on the 3rd does not report a month it never
  asked about); dedup keys make every re-run harmless.

每学期至少与留守学生家长联系二次 — the teacher–parent contact log:

- A teacher logs a contact with a left-behind student's parents: the student (one of
  theirs: their class, a class they teach, a mentee), the date (today unless typed),
  the method (phone / video / WeChat / in person) and a short note.
- Compliance per student and term: contacts dated inside the term (the school's Term
  row containing today, else the latest term already begun) against
  `teacher_contacts_per_term`. A school with no terms counts the half year instead
  (spring: 1 Feb – 31 Jul; autumn: 1 Aug – 31 Jan), and the screen says so.
  Head teachers see their classes; school admins their whole school by class.
"""

from __future__ import annotations

import calendar
import logging
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import MonthlyParentContact, Priority, Student, TeacherParentContact
from db.models.contacts import MONTHLY_METHODS, TEACHER_METHODS, ContactMethod, ContactWhen
from db.repositories import contacts as repo
from db.repositories.contacts import ChildRow, FamilyContact, StaffContact
from locales import Translator
from services.access import Actor, teaching_scope, visible_students
from services.clock import Clock, local_today
from services.outbox import Button, OutgoingMessage, enqueue

log = logging.getLogger(__name__)

REMINDER_KIND = "contact-month-reminder"
MONTH_END_KIND = "contact-month-unconfirmed"
# The reminder's button opens the confirmation for that child (handlers/contacts.py reads
# it with a CallbackData factory of the same prefix; services know no aiogram).
CONFIRM_PREFIX = "mpc"
# The month before is still reported this many days into the next one (bot was down).
MONTH_END_CATCH_UP_DAYS = 7
NOTE_MAX = 500
MAX_LINES = 80
DATE_EXAMPLE = "2026-11-23"


def confirm_data(student_id: int) -> str:
    return f"{CONFIRM_PREFIX}:{student_id}"


class ContactError(Exception):
    """Refused: `key` is the locale message that says why."""

    def __init__(self, key: str, **params: object) -> None:
        super().__init__(key)
        self.key = key
        self.params = params


# ------------------------------------------------------------------------ months


def month_start(day: date) -> date:
    return day.replace(day=1)


def month_last_day(day: date) -> date:
    return day.replace(day=calendar.monthrange(day.year, day.month)[1])


def previous_month(day: date) -> date:
    """The first day of the month before the one `day` is in."""
    return month_start(month_start(day) - timedelta(days=1))


def month_key(month: date) -> str:
    return f"{month.year:04d}-{month.month:02d}"


def school_now(clock: Clock, timezone: str) -> datetime:
    return clock.now().astimezone(ZoneInfo(timezone))


def when_options(today: date) -> tuple[ContactWhen, ...]:
    """What the guardian may tap as "when": "this week" only when the week has earlier
    days inside this month, "earlier this month" only after the 1st."""
    options = [ContactWhen.TODAY]
    monday = today - timedelta(days=today.weekday())
    if today != monday and monday > month_start(today):
        options.append(ContactWhen.THIS_WEEK)
    if today.day > 1:
        options.append(ContactWhen.EARLIER)
    return tuple(options)


def class_label(translator: Translator, lang: str | None, grade: int | None, name: str | None) -> str:
    if grade is None or name is None:
        return translator.get("contact-no-class", lang)
    return translator.get("contact-class-label", lang, grade=grade, name=name)


def method_label(translator: Translator, lang: str | None, method: str) -> str:
    return translator.get(f"contact-method-{method.replace('_', '-')}", lang)


def when_label(translator: Translator, lang: str | None, when: str) -> str:
    return translator.get(f"contact-when-{when.replace('_', '-')}", lang)


# ---------------------------------------------------------- the guardian's side


async def contact_children(session: AsyncSession, actor: Actor) -> list[ChildRow]:
    """The left-behind children this person confirms the monthly contact for."""
    if actor.person_id is None:
        return []
    return await repo.children_where(session, repo.family_of(actor.person_id))


async def family_child(session: AsyncSession, actor: Actor, student_id: int) -> ChildRow:
    """The child, if this actor is their guardian or away parent now (buttons are forged)."""
    for child in await contact_children(session, actor):
        if child.id == student_id:
            return child
    raise ContactError("contact-not-your-child")


@dataclass(frozen=True)
class ChildMonth:
    child: ChildRow
    month: date
    today: date
    contact: MonthlyParentContact | None = None
    confirmed_by: str | None = None

    @property
    def confirmed(self) -> bool:
        return self.contact is not None


async def child_months(session: AsyncSession, clock: Clock, actor: Actor) -> list[ChildMonth]:
    children = await contact_children(session, actor)
    return [await _child_month(session, clock, child) for child in children]


async def child_month(session: AsyncSession, clock: Clock, actor: Actor, student_id: int) -> ChildMonth:
    return await _child_month(session, clock, await family_child(session, actor, student_id))


async def _child_month(session: AsyncSession, clock: Clock, child: ChildRow) -> ChildMonth:
    today = local_today(clock, ZoneInfo(child.timezone))
    month = month_start(today)
    found = (await repo.monthly_of(session, [child.id], month)).get(child.id)
    return ChildMonth(
        child=child, month=month, today=today,
        contact=found.contact if found else None,
        confirmed_by=found.confirmed_by if found else None,
    )


class ConfirmOutcome(StrEnum):
    RECORDED = "recorded"
    ALREADY = "already"  # someone confirmed this month before


@dataclass(frozen=True)
class ConfirmResult:
    outcome: ConfirmOutcome
    state: ChildMonth


async def confirm_month(
    session: AsyncSession, clock: Clock, actor: Actor, student_id: int, method: str, when: str
) -> ConfirmResult:
    """Record this month's contact for the child. The first confirmation of the month
    stands; a second (another guardian, a double tap) changes nothing."""
    state = await child_month(session, clock, actor, student_id)
    if method not in {m.value for m in MONTHLY_METHODS}:
        raise ContactError("contact-bad-button")
    if when not in {w.value for w in when_options(state.today)}:
        raise ContactError("contact-bad-button")
    if state.confirmed:
        return ConfirmResult(ConfirmOutcome.ALREADY, state)
    assert actor.person_id is not None
    now = clock.now()
    contact = MonthlyParentContact(
        student_id=student_id, school_id=state.child.school_id, month=state.month, method=method,
        when_said=when, contacted_on=state.today if when == ContactWhen.TODAY else None,
        confirmed_by_id=actor.person_id, confirmed_at=now, created_at=now,
    )
    try:
        async with session.begin_nested():
            repo.add(session, contact)
    except IntegrityError:
        # Another guardian's tap won the race: theirs stands.
        return ConfirmResult(ConfirmOutcome.ALREADY, await child_month(session, clock, actor, student_id))
    log.info("monthly parent contact student=%s month=%s method=%s", student_id, month_key(state.month), method)
    return ConfirmResult(
        ConfirmOutcome.RECORDED,
        ChildMonth(state.child, state.month, state.today, contact, actor.name or ""),
    )


# ---------------------------------------------------------------- reminders


def _due(now: datetime, day: date, at: time) -> bool:
    return now >= datetime.combine(day, at, tzinfo=now.tzinfo)


async def _unconfirmed(session: AsyncSession, school_id: int, month: date) -> list[ChildRow]:
    children = await repo.school_children(session, school_id)
    confirmed = await repo.monthly_of(session, [c.id for c in children], month)
    return [c for c in children if c.id not in confirmed]


async def queue_monthly_reminders(
    session: AsyncSession, clock: Clock, translator: Translator, reminder_day: int, reminder_time: time,
    month_end_time: time,
) -> int:
    """As of clock.now(): from `reminder_day` at `reminder_time` until the month-end list
    goes out, each reachable guardian (or linked away parent) of a child not yet confirmed
    this month has one reminder per child. Returns the outbox rows newly queued."""
    queued = 0
    for school in await repo.schools(session):
        now = school_now(clock, school.timezone)
        today = now.date()
        last = month_last_day(today)
        if not _due(now, today.replace(day=min(reminder_day, last.day)), reminder_time):
            continue
        if _due(now, last, month_end_time):
            continue  # the month is over for reminders: the teachers have the list now
        month = month_start(today)
        children = await _unconfirmed(session, school.id, month)
        family = await repo.family_contacts(session, [c.id for c in children])
        done = await repo.queued_keys(session, school.id, f"{REMINDER_KIND}:%:{month_key(month)}:%")
        messages = [
            _reminder(translator, school.timezone, child, month, person)
            for child in children
            for person in family.get(child.id, [])
            if person.reachable and _reminder_key(child.id, month, person.person_id) not in done
        ]
        queued += await enqueue(session, clock, messages)
    return queued


def _reminder_key(student_id: int, month: date, person_id: int) -> str:
    return f"{REMINDER_KIND}:{student_id}:{month_key(month)}:to:{person_id}"


def _reminder(translator: Translator, timezone: str, child: ChildRow, month: date, to: FamilyContact) -> OutgoingMessage:
    lang = to.language
    assert to.chat_id is not None
    return OutgoingMessage(
        dedup_key=_reminder_key(child.id, month, to.person_id),
        chat_id=to.chat_id,
        text=translator.get("contact-reminder", lang, child=child.name, month=month.month),
        kind=REMINDER_KIND,
        priority=Priority.NORMAL,
        buttons=((Button(translator.get("contact-talked-button", lang, child=child.name),
                         callback_data=confirm_data(child.id)),),),
        person_id=to.person_id,
        school_id=child.school_id,
        timezone=timezone,
    )


async def queue_month_end_lists(
    session: AsyncSession, clock: Clock, translator: Translator, month_end_time: time
) -> int:
    """As of clock.now(): once it is `month_end_time` on the month's last day, each head
    teacher gets the unconfirmed children of their classes and each mentor those of their
    mentees (one message per person and month). In the first days of a month the list of
    the month before is made too, if it was missed. Returns the rows newly queued."""
    queued = 0
    for school in await repo.schools(session):
        now = school_now(clock, school.timezone)
        today = now.date()
        months = []
        if _due(now, month_last_day(today), month_end_time):
            months.append(month_start(today))
        before = previous_month(today)
        if today.day <= MONTH_END_CATCH_UP_DAYS and await repo.month_was_live(
            session, school.id, before, f"{REMINDER_KIND}:%:{month_key(before)}:%"
        ):
            months.append(before)
        for month in months:
            queued += await _month_end_list(session, clock, translator, school.id, school.timezone, month)
    return queued


async def _month_end_list(
    session: AsyncSession, clock: Clock, translator: Translator, school_id: int, timezone: str, month: date
) -> int:
    children = await _unconfirmed(session, school_id, month)
    if not children:
        return 0
    mentors = await repo.current_mentors(session, [c.id for c in children])
    # Recipient staff id -> the children they are told about, in roster order.
    owed: dict[int, list[ChildRow]] = {}
    for child in children:
        staff_ids = ([child.head_teacher_id] if child.head_teacher_id else []) + mentors.get(child.id, [])
        for staff_id in dict.fromkeys(staff_ids):
            owed.setdefault(staff_id, []).append(child)
    people = await repo.staff_people(session, owed)
    family = await repo.family_contacts(session, [c.id for c in children])
    # One message per person, even when they are head teacher and mentor (or two posts).
    by_person: dict[int, tuple[StaffContact, list[ChildRow]]] = {}
    for staff_id, owed_children in owed.items():
        staff = people.get(staff_id)
        if staff is None or staff.chat_id is None:
            continue
        _, listed = by_person.setdefault(staff.person_id, (staff, []))
        listed.extend(c for c in owed_children if c not in listed)
    messages = []
    for person_id, (staff, listed) in by_person.items():
        assert staff.chat_id is not None
        lang = staff.language
        lines = [_unconfirmed_line(translator, lang, c, family.get(c.id, [])) for c in listed[:MAX_LINES]]
        if len(listed) > MAX_LINES:
            lines.append(translator.get("contact-list-more", lang, count=len(listed) - MAX_LINES))
        messages.append(
            OutgoingMessage(
                dedup_key=f"{MONTH_END_KIND}:{school_id}:{month_key(month)}:to:{person_id}",
                chat_id=staff.chat_id,
                text=translator.get(
                    "contact-month-end", lang, year=str(month.year), month=month.month, count=len(listed),
                    lines="\n".join(lines),
                ),
                kind=MONTH_END_KIND,
                priority=Priority.NORMAL,
                person_id=person_id,
                school_id=school_id,
                timezone=timezone,
            )
        )
    return await enqueue(session, clock, messages)


def _unconfirmed_line(translator: Translator, lang: str | None, child: ChildRow, family: list[FamilyContact]) -> str:
    guardians = [
        translator.get(
            "contact-guardian" if person.reachable else "contact-guardian-not-in-bot",
            lang, name=person.name, phone=person.phone or translator.get("contact-no-phone", lang),
        )
        for person in family
        if person.is_guardian
    ]
    return translator.get(
        "contact-unconfirmed-line", lang, child=child.name,
        class_label=class_label(translator, lang, child.grade, child.class_name),
        guardians=translator.get("contact-separator", lang).join(guardians)
        or translator.get("contact-no-guardian", lang),
    )


# ----------------------------------------------------------- teacher–parent log


def may_log(actor: Actor) -> bool:
    return actor.is_teacher


def may_see_compliance(actor: Actor) -> bool:
    return "head_teacher" in actor.roles or actor.is_school_admin


def may_use(actor: Actor) -> bool:
    return may_log(actor) or may_see_compliance(actor)


async def loggable_students(session: AsyncSession, actor: Actor) -> list[ChildRow]:
    """Left-behind students this teacher is responsible for: their class, the classes they
    teach, their mentees (never a whole school through an admin post, nor own children)."""
    scope = teaching_scope(actor)
    if not scope.posts:
        return []
    return await repo.children_where(session, visible_students(scope))


async def loggable_student(session: AsyncSession, actor: Actor, student_id: int) -> ChildRow:
    for child in await loggable_students(session, actor):
        if child.id == student_id:
            return child
    raise ContactError("contact-not-your-student")


def parse_day(text: str | None) -> date | None:
    try:
        return date.fromisoformat((text or "").strip())
    except ValueError:
        return None


def check_note(text: str | None) -> str:
    note = (text or "").strip()
    if not note:
        raise ContactError("contact-note-empty")
    if len(note) > NOTE_MAX:
        raise ContactError("contact-note-too-long", limit=NOTE_MAX)
    return note


async def log_contact(
    session: AsyncSession, clock: Clock, actor: Actor, student_id: int, method: str,
    on: date | None = None, note: str | None = None,
) -> TeacherParentContact:
    child = await loggable_student(session, actor, student_id)
    if method not in {m.value for m in TEACHER_METHODS}:
        raise ContactError("contact-bad-button")
    today = local_today(clock, ZoneInfo(child.timezone))
    day = on or today
    if day > today:
        raise ContactError("contact-date-future")
    assert actor.person_id is not None
    now = clock.now()
    contact = TeacherParentContact(
        student_id=student_id, school_id=child.school_id, contacted_on=day, method=method,
        note=check_note(note) if note else None, recorded_by_id=actor.person_id, recorded_at=now,
        created_at=now,
    )
    repo.add(session, contact)
    await session.flush()
    log.info("teacher-parent contact student=%s day=%s method=%s", student_id, day, method)
    return contact


# ---------------------------------------------------------------- compliance


@dataclass(frozen=True)
class TermWindow:
    name: str | None  # None: the school has no terms; the half year is counted
    starts_on: date
    ends_on: date


def half_year(day: date) -> TermWindow:
    if 2 <= day.month <= 7:
        return TermWindow(None, date(day.year, 2, 1), date(day.year, 7, 31))
    year = day.year if day.month >= 8 else day.year - 1
    return TermWindow(None, date(year, 8, 1), date(year + 1, 1, 31))


async def term_window(session: AsyncSession, school_id: int, today: date) -> TermWindow:
    """The term containing today; between terms the latest one begun; no terms: half year."""
    begun = [t for t in await repo.terms_of(session, school_id) if t.starts_on <= today]
    if not begun:
        return half_year(today)
    term = next((t for t in begun if today <= t.ends_on), begun[-1])
    return TermWindow(term.name, term.starts_on, term.ends_on)


@dataclass(frozen=True)
class StudentCount:
    student_id: int
    name: str
    count: int


@dataclass(frozen=True)
class ClassCompliance:
    school_id: int
    class_id: int | None
    grade: int | None
    class_name: str | None
    term: TermWindow
    required: int
    students: tuple[StudentCount, ...]  # below the requirement first, fewest first

    @property
    def below(self) -> tuple[StudentCount, ...]:
        return tuple(s for s in self.students if s.count < self.required)

    @property
    def done(self) -> int:
        return len(self.students) - len(self.below)


async def counts_for(
    session: AsyncSession, clock: Clock, children: Iterable[ChildRow]
) -> tuple[dict[int, int], dict[int, TermWindow]]:
    """This term's contact count per student, and the term window per school."""
    by_school: dict[int, list[ChildRow]] = {}
    for child in children:
        by_school.setdefault(child.school_id, []).append(child)
    counts: dict[int, int] = {}
    windows: dict[int, TermWindow] = {}
    for school_id, listed in by_school.items():
        today = local_today(clock, ZoneInfo(listed[0].timezone))
        window = windows[school_id] = await term_window(session, school_id, today)
        counts.update(await repo.term_counts(session, [c.id for c in listed], window.starts_on, window.ends_on))
    return counts, windows


async def compliance(
    session: AsyncSession, clock: Clock, actor: Actor, required: int
) -> list[ClassCompliance]:
    """Per class: a head teacher's own classes, a school admin's whole school."""
    if not may_see_compliance(actor):
        raise ContactError("contact-not-allowed")
    headed = [p.staff_id for p in actor.posts if p.is_head_teacher]
    conditions = []
    if actor.admin_school_ids:
        conditions.append(Student.school_id.in_(actor.admin_school_ids))
    children: list[ChildRow] = []
    if conditions:
        children = await repo.children_where(session, conditions[0])
    if headed:
        known = {c.id for c in children}
        children += [
            c for c in await repo.children_where(session, visible_students(teaching_scope(actor)))
            if c.head_teacher_id in headed and c.id not in known
        ]
    counts, windows = await counts_for(session, clock, children)
    groups: dict[tuple[int, int | None], list[ChildRow]] = {}
    for child in children:
        groups.setdefault((child.school_id, child.class_id), []).append(child)
    out = []
    for (school_id, class_id), listed in groups.items():
        students = sorted(
            (StudentCount(c.id, c.name, counts.get(c.id, 0)) for c in listed),
            key=lambda s: (s.count >= required, s.count, s.student_id),
        )
        first = listed[0]
        out.append(ClassCompliance(
            school_id=school_id, class_id=class_id, grade=first.grade, class_name=first.class_name,
            term=windows[school_id], required=required, students=tuple(students),
        ))
    out.sort(key=lambda c: (c.school_id, c.grade is None, c.grade or 0, c.class_name or "", c.class_id or 0))
    return out


def compliance_text(translator: Translator, lang: str | None, classes: list[ClassCompliance]) -> str:
    if not classes:
        return translator.get("contact-compliance-none", lang)
    term = classes[0].term
    parts = [
        translator.get("contact-compliance-title", lang, term=term.name, start=term.starts_on.isoformat(),
                       end=term.ends_on.isoformat(), required=classes[0].required)
        if term.name else
        translator.get("contact-compliance-title-no-term", lang, start=term.starts_on.isoformat(),
                       end=term.ends_on.isoformat(), required=classes[0].required)
    ]
    # All classes first (the whole school at a glance), then who is below, by class.
    for c in classes:
        parts.append(translator.get(
            "contact-compliance-class", lang, class_label=class_label(translator, lang, c.grade, c.class_name),
            done=c.done, total=len(c.students),
        ))
    below = [(c, s) for c in classes for s in c.below]
    if below:
        parts.append(translator.get("contact-compliance-below", lang, count=len(below), required=classes[0].required))
        for c, s in below[:MAX_LINES]:
            parts.append(translator.get(
                "contact-compliance-student", lang, name=s.name,
                class_label=class_label(translator, lang, c.grade, c.class_name), count=s.count,
                required=c.required,
            ))
        if len(below) > MAX_LINES:
            parts.append(translator.get("contact-list-more", lang, count=len(below) - MAX_LINES))
    else:
        parts.append(translator.get("contact-compliance-all-done", lang))
    return "\n".join(parts)


__all__ = [
    "CONFIRM_PREFIX", "ChildMonth", "ClassCompliance", "ConfirmOutcome", "ConfirmResult", "ContactError",
    "ContactMethod", "ContactWhen", "MONTHLY_METHODS", "TEACHER_METHODS", "TermWindow", "child_month",
    "child_months", "compliance", "compliance_text", "confirm_data", "confirm_month", "contact_children",
    "counts_for", "family_child", "log_contact", "loggable_student", "loggable_students", "may_log",
    "may_see_compliance", "may_use", "month_start", "queue_month_end_lists", "queue_monthly_reminders",
    "term_window", "when_options",
]
