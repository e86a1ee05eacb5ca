"""安全应急预案: an emergency at school, the guardian told within 30 minutes and the bureau
within 1 hour of the incident, with proof of when each was told.

Opening (a teacher or a school admin, for a student they can see): the incident's time is
what they enter ("just now", "30 minutes ago", HH:MM today, "昨天 HH:MM" / "yesterday
HH:MM", or "MM-DD HH:MM", in the school's timezone; never in the future nor more than
`max_days_back` days ago); both deadlines count from it. At once, through the outbox's urgent lane (ahead of bulk,
through quiet hours):

- every current guardian who has joined the bot gets the notice with an "I have read it"
  button; the first tap is the guardian's acknowledgement (how = button);
- every bureau officer of the school's county gets the report (school, student, what,
  when, what has been done so far) with an acknowledge button, and a button that opens
  the incident as it stands now (the report itself is a snapshot).

The minute job (`run_due`), each step exactly once (claimed columns + dedup keys):

- no acknowledgement `guardian_ack_minutes` after the notice (or at once, when no guardian
  could be messaged, and never later than `warn_before` ahead of the guardian deadline)
  → the head teacher (else the school's admins) is told to phone, with the guardians'
  numbers and a button to record "guardian informed by phone at HH:MM";
- `warn_before_minutes` before a deadline that is not met → the school's admins are warned;
- a deadline passing with nothing recorded → written into the timeline, and the admins and
  whoever opened the incident are told.

Met or missed is computed from the stored times (`deadline_status`), never stored as a
verdict: "guardian informed 10:47 — 32 min, missed" stays on the record for good.

Who: whoever opened it, the student's head teacher and the school's admins see and act on
an incident (record the call, add notes, close it); the county's bureau officers see it
and acknowledge; nobody else sees it at all.
"""

from __future__ import annotations

import logging
import math
import re
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from typing import Protocol
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, false, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import (
    Incident,
    IncidentCategory,
    IncidentEvent,
    IncidentEventKind,
    InformedHow,
    Person,
    Priority,
    School,
    SchoolClass,
    Student,
    StudentStatus,
)
from db.repositories import incidents as repo
from db.repositories.incidents import IncidentRow
from locales import Translator
from services.access import Actor, visible_students
from services.clock import Clock
from services.outbox import Button, OutgoingMessage, enqueue

log = logging.getLogger(__name__)

# Callback data the services write themselves (they know no aiogram); handlers/incidents.py
# declares the same prefixes as CallbackData factories: "<prefix>:<incident id>".
GUARDIAN_ACK_PREFIX = "incg"
BUREAU_ACK_PREFIX = "incb"
PHONE_PREFIX = "incp"
CARD_PREFIX = "incc"

CATEGORIES: tuple[IncidentCategory, ...] = tuple(IncidentCategory)
MAX_TEXT_LENGTH = 500
MAX_PICK = 60
AGO_MINUTES = 30  # the "30 minutes ago" button
MAX_DAYS_BACK = 7  # a typed incident time may go back this far (settings: incidents.max_days_back)


class IncidentTiming(Protocol):
    """What the rules need from bot.settings.IncidentSettings (services do not import bot)."""

    guardian_ack_minutes: int
    guardian_deadline_minutes: int
    bureau_deadline_minutes: int
    warn_before_minutes: int


@dataclass(frozen=True)
class DefaultTiming:
    guardian_ack_minutes: int = 10
    guardian_deadline_minutes: int = 30
    bureau_deadline_minutes: int = 60
    warn_before_minutes: int = 10


class IncidentError(Exception):
    """A step that may not happen; `key` is the locale message that says why."""

    def __init__(self, key: str, **params: object) -> None:
        super().__init__(key, params)
        self.key = key
        self.params = params


# ----------------------------------------------------------------------- access


def may_open(actor: Actor) -> bool:
    return actor.is_teacher or actor.is_school_admin


def may_use(actor: Actor) -> bool:
    return may_open(actor) or actor.is_bureau_officer


def may_export(actor: Actor) -> bool:
    return actor.is_school_admin or actor.is_bureau_officer


def _staff_only(actor: Actor) -> Actor:
    """The actor as a teacher or admin: not as a guardian, not as a bureau officer."""
    posts = tuple(replace(p, is_bureau_officer=False) for p in actor.posts if p.school_id is not None)
    return replace(actor, posts=posts, children=frozenset())


def student_scope(actor: Actor) -> ColumnElement[bool]:
    """Students this actor may open an incident for: those they can see as staff."""
    if not may_open(actor):
        return false()
    return visible_students(_staff_only(actor)) & (Student.status == StudentStatus.ENROLLED)


def acting_scope(actor: Actor) -> ColumnElement[bool]:
    """Incidents (joined with their Student) this actor may act on."""
    clauses: list[ColumnElement[bool]] = []
    if actor.admin_school_ids:
        clauses.append(Incident.school_id.in_(sorted(actor.admin_school_ids)))
    heads = [p.staff_id for p in actor.posts if p.is_head_teacher]
    if heads:
        clauses.append(Student.class_id.in_(select(SchoolClass.id).where(SchoolClass.head_teacher_id.in_(heads))))
    if actor.person_id is not None and actor.posts:
        clauses.append(Incident.opened_by_id == actor.person_id)
    return or_(*clauses) if clauses else false()


def viewing_scope(actor: Actor) -> ColumnElement[bool]:
    clauses = [acting_scope(actor)]
    if actor.bureau_county_ids:
        clauses.append(
            Incident.school_id.in_(select(School.id).where(School.county_id.in_(sorted(actor.bureau_county_ids))))
        )
    return or_(*clauses)


async def _in_scope(session: AsyncSession, incident_id: int, scope: ColumnElement[bool]) -> bool:
    found = await session.scalar(
        select(Incident.id).join(Student, Student.id == Incident.student_id).where(Incident.id == incident_id, scope)
    )
    return found is not None


async def can_view(session: AsyncSession, actor: Actor, incident_id: int) -> bool:
    return await _in_scope(session, incident_id, viewing_scope(actor))


async def can_act(session: AsyncSession, actor: Actor, incident_id: int) -> bool:
    return await _in_scope(session, incident_id, acting_scope(actor))


async def can_open_for(session: AsyncSession, actor: Actor, student_id: int) -> bool:
    found = await session.scalar(select(Student.id).where(Student.id == student_id, student_scope(actor)))
    return found is not None


async def classes_to_pick(session: AsyncSession, actor: Actor) -> list[SchoolClass]:
    return await repo.classes_of_students(session, student_scope(actor))


async def students_to_pick(session: AsyncSession, actor: Actor, class_id: int) -> list[Student]:
    return await repo.students(session, student_scope(actor) & (Student.class_id == class_id), MAX_PICK)


async def search_students(session: AsyncSession, actor: Actor, text: str) -> list[Student]:
    """Students whose name contains the typed text, among those the actor may pick."""
    needle = (text or "").strip()
    if not needle:
        return []
    escaped = needle.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return await repo.students(
        session, student_scope(actor) & Student.name.like(f"%{escaped}%", escape="\\"), MAX_PICK
    )


async def student_and_timezone(session: AsyncSession, student_id: int) -> tuple[str, str]:
    row = (
        await session.execute(
            select(Student.name, School.timezone).join(School, School.id == Student.school_id).where(Student.id == student_id)
        )
    ).first()
    return (row[0], row[1]) if row else ("", "Asia/Shanghai")


# ------------------------------------------------------------------------ times


_HHMM = re.compile(r"^\s*(\d{1,2})\s*[:：.]\s*(\d{2})\s*$")


def parse_hhmm(text: str | None) -> time | None:
    match = _HHMM.match(text or "")
    if not match:
        return None
    hour, minute = int(match.group(1)), int(match.group(2))
    if hour > 23 or minute > 59:
        return None
    return time(hour, minute)


def today_at(clock: Clock, timezone: str, moment: time) -> datetime:
    """HH:MM today in the school's timezone, as UTC; never in the future."""
    tz = ZoneInfo(timezone)
    local_now = clock.now().astimezone(tz)
    at = datetime.combine(local_now.date(), moment, tzinfo=tz).astimezone(UTC)
    if at > clock.now():
        raise IncidentError("incident-time-future", time=moment.strftime("%H:%M"))
    return at


# Written as escapes so no Chinese hides in code: 昨天 / 昨日 / 昨晚 ("yesterday"), and the
# 年 月 日 of "2026年11月20日".
_YESTERDAY = re.compile(r"^\s*(?:\u6628\u5929|\u6628\u65e5|\u6628\u665a|yesterday)\s*(.+)$", re.IGNORECASE)
_MONTH_DAY = re.compile(
    r"^\s*(?:(\d{4})\s*[-/.\u5e74]\s*)?(\d{1,2})\s*[-/.\u6708]\s*(\d{1,2})(?:\s*\u65e5\s*|\s+)(.+)$"
)


def parse_moment(clock: Clock, timezone: str, text: str | None, max_days_back: int = MAX_DAYS_BACK) -> datetime:
    """A typed time, in the school's timezone, as UTC: "10:45" (today), "昨天 10:45" /
    "yesterday 10:45", or "11-20 10:45" (this year; last year if that is still to come)
    — never in the future, never more than `max_days_back` days ago."""
    tz = ZoneInfo(timezone)
    today = clock.now().astimezone(tz).date()
    raw = (text or "").strip()
    day, rest = today, raw
    if match := _YESTERDAY.match(raw):
        day, rest = today - timedelta(days=1), match.group(1)
    elif match := _MONTH_DAY.match(raw):
        year, month, mday, rest = match.groups()
        try:
            day = date(int(year) if year else today.year, int(month), int(mday))
        except ValueError:
            raise IncidentError("incident-time-bad") from None
        if not year and day > today:
            day = day.replace(year=today.year - 1) if not (day.month == 2 and day.day == 29) else day
    moment = parse_hhmm(rest)
    if moment is None:
        raise IncidentError("incident-time-bad")
    at = datetime.combine(day, moment, tzinfo=tz).astimezone(UTC)
    if at > clock.now():
        raise IncidentError("incident-time-future", time=local_stamp(at, timezone) if day != today
                            else moment.strftime("%H:%M"))
    if (today - day).days > max_days_back:
        raise IncidentError("incident-time-too-old", days=max_days_back)
    return at


def happened_at_from(clock: Clock, timezone: str, choice: str, max_days_back: int = MAX_DAYS_BACK) -> datetime:
    """The incident's time from the "when" step: "now", "ago" or a typed time
    (`parse_moment`)."""
    if choice == "now":
        return clock.now()
    if choice == "ago":
        return clock.now() - timedelta(minutes=AGO_MINUTES)
    return parse_moment(clock, timezone, choice, max_days_back)


def when_text(moment: datetime | None, timezone: str, reference: datetime | None) -> str:
    """HH:MM when on the reference's day (usually the day it was recorded), else
    "MM-DD HH:MM": a notice about yesterday evening must not read like this morning."""
    if moment is None:
        return ""
    tz = ZoneInfo(timezone)
    local = moment.astimezone(tz)
    if reference is not None and local.date() == reference.astimezone(tz).date():
        return local.strftime("%H:%M")
    return local.strftime("%m-%d %H:%M")


def local_hhmm(moment: datetime | None, timezone: str) -> str:
    return moment.astimezone(ZoneInfo(timezone)).strftime("%H:%M") if moment else ""


def local_stamp(moment: datetime | None, timezone: str) -> str:
    return moment.astimezone(ZoneInfo(timezone)).strftime("%Y-%m-%d %H:%M") if moment else ""


def _minutes(delta: timedelta) -> int:
    return max(0, math.ceil(delta.total_seconds() / 60))


class DeadlineState(StrEnum):
    MET = "met"  # done on or before the deadline
    MISSED = "missed"  # done after it, or not done and it has passed
    PENDING = "pending"  # not done, time left


@dataclass(frozen=True)
class DeadlineStatus:
    state: DeadlineState
    due: datetime
    done_at: datetime | None
    took_minutes: int | None  # incident → done
    left_minutes: int | None  # pending: until the deadline
    over_minutes: int | None  # missed and still not done: past the deadline


def deadline_status(happened_at: datetime, due: datetime, done_at: datetime | None, now: datetime) -> DeadlineStatus:
    """Met or missed, from the stored times alone."""
    if done_at is not None:
        state = DeadlineState.MET if done_at <= due else DeadlineState.MISSED
        return DeadlineStatus(state, due, done_at, _minutes(done_at - happened_at), None, None)
    if now > due:
        return DeadlineStatus(DeadlineState.MISSED, due, None, None, None, _minutes(now - due))
    return DeadlineStatus(DeadlineState.PENDING, due, None, None, _minutes(due - now), None)


def guardian_status(incident: Incident, now: datetime) -> DeadlineStatus:
    return deadline_status(incident.happened_at, incident.guardian_due_at, incident.guardian_informed_at, now)


def bureau_status(incident: Incident, now: datetime) -> DeadlineStatus:
    return deadline_status(incident.happened_at, incident.bureau_due_at, incident.bureau_acknowledged_at, now)


def escalation_due(incident: Incident, timing: IncidentTiming) -> datetime:
    """When the head teacher is asked to phone: `guardian_ack_minutes` after the notice,
    but no later than the admin's warning ahead of the guardian deadline."""
    return min(
        incident.opened_at + timedelta(minutes=timing.guardian_ack_minutes),
        incident.guardian_due_at - timedelta(minutes=timing.warn_before_minutes),
    )


# ------------------------------------------------------------------------ words


def class_label(translator: Translator, lang: str, grade: int | None, class_name: str | None) -> str:
    if grade is None or class_name is None:
        return translator.get("incident-no-class", lang)
    return translator.get("incident-class-label", lang, grade=grade, class_name=class_name)


def category_label(translator: Translator, lang: str, category: str) -> str:
    known = {c.value for c in IncidentCategory}
    return translator.get(f"incident-category-{category if category in known else 'other'}", lang)


def what_text(translator: Translator, lang: str, incident: Incident) -> str:
    label = category_label(translator, lang, incident.category)
    if not incident.description:
        return label
    return translator.get("incident-what", lang, category=label, description=incident.description)


def how_label(translator: Translator, lang: str, how: str | None) -> str:
    return translator.get(f"incident-how-{how if how in {h.value for h in InformedHow} else 'button'}", lang)


def deadline_line(translator: Translator, lang: str, which: str, status: DeadlineStatus, timezone: str,
                  how: str | None = None, by: str | None = None) -> str:
    """e.g. "Guardian informed 10:47 (phone) — 32 min, missed" or "Bureau: 18 min left"."""
    due = local_hhmm(status.due, timezone)
    if status.done_at is not None:
        return translator.get(
            f"incident-{which}-done-{status.state}", lang,
            time=local_hhmm(status.done_at, timezone), minutes=status.took_minutes or 0,
            how=how_label(translator, lang, how), by=by or "", due=due,
        )
    if status.state == DeadlineState.MISSED:
        return translator.get(f"incident-{which}-overdue", lang, due=due, minutes=status.over_minutes or 0)
    return translator.get(f"incident-{which}-left", lang, due=due, minutes=status.left_minutes or 0)


def event_line(
    translator: Translator, lang: str, event: IncidentEvent, by: str | None, timezone: str, *, with_note: bool = True
) -> str:
    text = translator.get(
        f"incident-event-{event.kind.replace('_', '-')}", lang,
        time=local_hhmm(event.at, timezone), by=by or translator.get("incident-by-system", lang),
        count=event.count or 0, recorded=local_hhmm(event.recorded_at, timezone),
    )
    if event.note and with_note:
        text = translator.get("incident-event-with-note", lang, line=text, note=event.note)
    return text


def check_text(text: str | None, *, required: bool = True) -> str | None:
    value = (text or "").strip()
    if not value:
        if required:
            raise IncidentError("incident-text-empty")
        return None
    if len(value) > MAX_TEXT_LENGTH:
        raise IncidentError("incident-text-too-long", length=len(value), max=MAX_TEXT_LENGTH)
    return value


# --------------------------------------------------------------- reading


@dataclass(frozen=True)
class IncidentCard:
    row: IncidentRow
    events: list[tuple[IncidentEvent, str | None]]
    can_act: bool
    guardian_by: str | None
    bureau_by: str | None

    @property
    def incident(self) -> Incident:
        return self.row.incident

    @property
    def is_open(self) -> bool:
        return self.incident.closed_at is None


async def list_incidents(
    session: AsyncSession, actor: Actor, *, open_only: bool = True, limit: int = 100
) -> list[IncidentRow]:
    return await repo.incident_rows(session, viewing_scope(actor), open_only=open_only, limit=limit)


async def _name(session: AsyncSession, person_id: int | None) -> str | None:
    if person_id is None:
        return None
    return await session.scalar(select(Person.name).where(Person.id == person_id))


async def incident_card(session: AsyncSession, actor: Actor, incident_id: int) -> IncidentCard | None:
    """The incident if the actor may see it, else None (whether it exists is not told)."""
    if not await can_view(session, actor, incident_id):
        return None
    row = await repo.incident_row(session, incident_id)
    if row is None:  # pragma: no cover - can_view found it
        return None
    events = (await repo.events_of(session, [incident_id])).get(incident_id, [])
    return IncidentCard(
        row=row, events=events, can_act=await can_act(session, actor, incident_id),
        guardian_by=await _name(session, row.incident.guardian_informed_by_id),
        bureau_by=await _name(session, row.incident.bureau_acknowledged_by_id),
    )


def card_text(translator: Translator, lang: str, card: IncidentCard, now: datetime, history: int = 15) -> str:
    incident, row = card.incident, card.row
    tz = row.timezone
    parts = [
        translator.get(
            "incident-card-title", lang, id=incident.id, name=row.student_name, school=row.school_name,
            class_label=class_label(translator, lang, row.grade, row.class_name),
        ),
        translator.get("incident-card-what", lang, what=what_text(translator, lang, incident)),
        translator.get(
            "incident-card-when", lang, time=local_stamp(incident.happened_at, tz),
            opened=local_hhmm(incident.opened_at, tz), by=row.opened_by or "",
        ),
        deadline_line(translator, lang, "guardian", guardian_status(incident, now), tz,
                      incident.guardian_informed_how, card.guardian_by),
        deadline_line(translator, lang, "bureau", bureau_status(incident, now), tz, None, card.bureau_by),
    ]
    if incident.closed_at is not None:
        parts.append(translator.get("incident-card-closed", lang, time=local_stamp(incident.closed_at, tz)))
    parts.append(translator.get("incident-card-history", lang))
    shown = card.events[-history:]
    if len(card.events) > len(shown):
        parts.append(translator.get("incident-card-more", lang, count=len(card.events) - len(shown)))
    parts.extend(event_line(translator, lang, e, by, tz) for e, by in shown)
    if not card.can_act:
        parts.append(translator.get("incident-card-read-only", lang))
    return "\n".join(parts)


# ---------------------------------------------------------------------- events


async def _event(
    session: AsyncSession, clock: Clock, incident: Incident, kind: IncidentEventKind, *,
    at: datetime | None = None, by: int | None = None, count: int | None = None, note: str | None = None,
) -> IncidentEvent:
    event = IncidentEvent(
        incident_id=incident.id, kind=kind.value, at=at or clock.now(), recorded_at=clock.now(),
        by_id=by, count=count, note=note,
    )
    await repo.add(session, event)
    return event


def _button(translator: Translator, lang: str, key: str, prefix: str, incident_id: int) -> tuple[tuple[Button, ...], ...]:
    return ((Button(translator.get(key, lang), callback_data=f"{prefix}:{incident_id}"),),)


def _message(
    translator: Translator, person: Person, row: IncidentRow, *, key: str, dedup_key: str, kind: str,
    button: tuple[str, str] | None = None, more_buttons: tuple[tuple[str, str], ...] = (), **params: object,
) -> OutgoingMessage | None:
    if person.chat_id is None:
        return None
    lang = translator.normalize(person.language)
    incident = row.incident
    text = translator.get(
        key, lang, name=row.student_name, school=row.school_name,
        class_label=class_label(translator, lang, row.grade, row.class_name),
        what=what_text(translator, lang, incident), time=when_text(incident.happened_at, row.timezone, incident.opened_at),
        **params,
    )
    buttons: tuple[tuple[Button, ...], ...] = ()
    for pair in ((button,) if button else ()) + more_buttons:
        buttons += _button(translator, lang, pair[0], pair[1], incident.id)
    return OutgoingMessage(
        dedup_key=dedup_key, chat_id=person.chat_id, text=text, kind=kind, priority=Priority.URGENT,
        buttons=buttons, person_id=person.id, school_id=incident.school_id, timezone=row.timezone,
    )


def _unique(people: list[Person]) -> list[Person]:
    return list({p.id: p for p in people}.values())


async def _row(session: AsyncSession, incident_id: int) -> IncidentRow:
    row = await repo.incident_row(session, incident_id)
    assert row is not None
    return row


# ---------------------------------------------------------------------- opening


async def open_incident(
    session: AsyncSession, clock: Clock, translator: Translator, actor: Actor, student_id: int, *,
    category: str, description: str | None, happened_at: datetime, timing: IncidentTiming | None = None,
) -> Incident:
    """Record the incident and queue, at once and urgent, the guardians' notices and the
    bureau's report. Does not commit."""
    timing = timing or DefaultTiming()
    if not await can_open_for(session, actor, student_id):
        raise IncidentError("incident-not-allowed")
    if category not in {c.value for c in IncidentCategory}:
        raise IncidentError("incident-bad-category")
    text = check_text(description, required=category == IncidentCategory.OTHER)
    now = clock.now()
    if happened_at > now:
        raise IncidentError("incident-time-future", time="")
    student = await session.get(Student, student_id)
    assert student is not None
    incident = Incident(
        school_id=student.school_id, student_id=student_id, category=category, description=text,
        happened_at=happened_at, opened_at=now, opened_by_id=actor.person_id,
        guardian_due_at=happened_at + timedelta(minutes=timing.guardian_deadline_minutes),
        bureau_due_at=happened_at + timedelta(minutes=timing.bureau_deadline_minutes),
    )
    await repo.add(session, incident)
    await _event(session, clock, incident, IncidentEventKind.OPENED, at=happened_at, by=actor.person_id)
    row = await _row(session, incident.id)

    notices = []
    for person, _relation in await repo.current_guardians(session, student_id):
        message = _message(
            translator, person, row, key="incident-notice-guardian", kind="incident-notice",
            dedup_key=f"incident-notice:{incident.id}:to:{person.id}",
            button=("incident-button-guardian-ack", GUARDIAN_ACK_PREFIX),
            opener=row.opened_by or "", phone=await _opener_phone(session, actor.person_id, translator, person),
        )
        if message is not None:
            notices.append(message)
    queued = await enqueue(session, clock, notices)
    await _event(session, clock, incident, IncidentEventKind.GUARDIAN_NOTICE, count=queued)

    # Nobody to tap, or the incident entered late: the head teacher phones right away.
    if queued == 0 or escalation_due(incident, timing) <= now:
        await _escalate(session, clock, translator, incident, no_notice=queued == 0)

    await _report_to_bureau(session, clock, translator, incident)
    await _warn_and_mark(session, clock, translator, incident, timing)
    log.info("incident %s opened for student %s (%s)", incident.id, student_id, category)
    return incident


async def _opener_phone(session: AsyncSession, person_id: int | None, translator: Translator, reader: Person) -> str:
    phone = await session.scalar(select(Person.phone).where(Person.id == person_id)) if person_id else None
    return phone or translator.get("incident-no-phone", translator.normalize(reader.language))


async def _actions_so_far(session: AsyncSession, translator: Translator, lang: str, row: IncidentRow) -> str:
    events = (await repo.events_of(session, [row.incident.id])).get(row.incident.id, [])
    return "\n".join(event_line(translator, lang, e, by, row.timezone) for e, by in events)


async def _report_to_bureau(session: AsyncSession, clock: Clock, translator: Translator, incident: Incident) -> int:
    row = await _row(session, incident.id)
    messages = []
    for person in await repo.bureau_officers(session, row.county_id):
        lang = translator.normalize(person.language)
        message = _message(
            translator, person, row, key="incident-report-bureau", kind="incident-report",
            dedup_key=f"incident-report:{incident.id}:to:{person.id}",
            button=("incident-button-bureau-ack", BUREAU_ACK_PREFIX),
            # The report is a snapshot; this button opens the incident as it stands now.
            more_buttons=(("incident-button-card", CARD_PREFIX),),
            date=local_stamp(incident.happened_at, row.timezone),
            actions=await _actions_so_far(session, translator, lang, row),
        )
        if message is not None:
            messages.append(message)
    queued = await enqueue(session, clock, messages)
    incident.bureau_notified_at = clock.now() if queued else None
    await _event(session, clock, incident, IncidentEventKind.BUREAU_NOTICE, count=queued)
    if not queued:
        log.warning("incident %s: no bureau officer of the county has joined the bot", incident.id)
    return queued


# ------------------------------------------------------------ acknowledgements


class AckOutcome(StrEnum):
    RECORDED = "recorded"
    ALREADY = "already"  # acknowledged before (by this person, another, or by phone)
    NOT_YOURS = "not_yours"  # not this person's child / county, or no such incident


@dataclass(frozen=True)
class AckResult:
    outcome: AckOutcome
    at: datetime | None = None
    by: str | None = None
    how: str | None = None
    timezone: str = "Asia/Shanghai"


async def acknowledge_guardian(
    session: AsyncSession, clock: Clock, translator: Translator, actor: Actor, incident_id: int
) -> AckResult:
    """A guardian taps "I have read it" under the notice. Changes nothing unless RECORDED."""
    incident = await session.get(Incident, incident_id)
    if (
        incident is None
        or actor.person_id is None
        or not await repo.is_current_guardian(session, actor.person_id, incident.student_id)
    ):
        log.info("person %s tapped the guardian button of incident %s: not theirs", actor.person_id, incident_id)
        return AckResult(AckOutcome.NOT_YOURS)
    row = await _row(session, incident.id)
    now = clock.now()
    claimed = await repo.claim(
        session, incident.id, "guardian_informed_at", now,
        guardian_informed_how=InformedHow.BUTTON.value, guardian_informed_by_id=actor.person_id,
        guardian_recorded_at=now,
    )
    await session.refresh(incident)
    by = await _name(session, incident.guardian_informed_by_id)
    if not claimed:
        return AckResult(AckOutcome.ALREADY, incident.guardian_informed_at, by, incident.guardian_informed_how,
                         row.timezone)
    await _event(session, clock, incident, IncidentEventKind.GUARDIAN_ACK, by=actor.person_id)
    await _tell_staff(
        session, clock, translator, incident, key="incident-guardian-acked", kind="incident-guardian-ack",
        guardian=by or "", at=local_hhmm(now, row.timezone),
        minutes=guardian_status(incident, now).took_minutes or 0,
    )
    return AckResult(AckOutcome.RECORDED, now, by, InformedHow.BUTTON.value, row.timezone)


async def acknowledge_bureau(
    session: AsyncSession, clock: Clock, translator: Translator, actor: Actor, incident_id: int
) -> AckResult:
    """A bureau officer of the school's county acknowledges the report."""
    incident = await session.get(Incident, incident_id)
    county = await session.scalar(select(School.county_id).where(School.id == incident.school_id)) if incident else None
    if incident is None or county not in actor.bureau_county_ids:
        log.info("person %s tapped the bureau button of incident %s: not their county", actor.person_id, incident_id)
        return AckResult(AckOutcome.NOT_YOURS)
    row = await _row(session, incident.id)
    now = clock.now()
    claimed = await repo.claim(session, incident.id, "bureau_acknowledged_at", now, bureau_acknowledged_by_id=actor.person_id)
    await session.refresh(incident)
    by = await _name(session, incident.bureau_acknowledged_by_id)
    if not claimed:
        return AckResult(AckOutcome.ALREADY, incident.bureau_acknowledged_at, by, None, row.timezone)
    await _event(session, clock, incident, IncidentEventKind.BUREAU_ACK, by=actor.person_id)
    await _tell_staff(
        session, clock, translator, incident, key="incident-bureau-acked", kind="incident-bureau-ack",
        officer=by or "", at=local_hhmm(now, row.timezone), minutes=bureau_status(incident, now).took_minutes or 0,
    )
    return AckResult(AckOutcome.RECORDED, now, by, None, row.timezone)


async def _tell_staff(
    session: AsyncSession, clock: Clock, translator: Translator, incident: Incident, *, key: str, kind: str,
    **params: object,
) -> int:
    """Whoever opened the incident, the head teacher and the school's admins."""
    row = await _row(session, incident.id)
    people = await _staff_of(session, row)
    messages = [
        m for p in people
        if (m := _message(translator, p, row, key=key, kind=kind, dedup_key=f"{kind}:{incident.id}:to:{p.id}",
                          button=("incident-button-card", CARD_PREFIX), **params)) is not None
    ]
    return await enqueue(session, clock, messages)


async def _staff_of(session: AsyncSession, row: IncidentRow) -> list[Person]:
    people: list[Person] = []
    if row.incident.opened_by_id is not None:
        opener = await session.get(Person, row.incident.opened_by_id)
        if opener is not None:
            people.append(opener)
    head = await repo.head_teacher(session, row.head_teacher_id)
    if head is not None:
        people.append(head)
    people.extend(await repo.school_admins(session, row.incident.school_id))
    return _unique(people)


# ------------------------------------------------------------ staff's steps


async def _for_step(session: AsyncSession, actor: Actor, incident_id: int) -> Incident:
    if not await can_act(session, actor, incident_id):
        raise IncidentError("incident-not-allowed")
    incident = await session.get(Incident, incident_id)
    assert incident is not None
    return incident


async def record_phone_call(
    session: AsyncSession, clock: Clock, translator: Translator, actor: Actor, incident_id: int, at: datetime
) -> Incident:
    """"Guardian informed by phone at HH:MM": the typed time counts for the deadline; when
    it was written down is kept beside it (the timeline shows both)."""
    incident = await _for_step(session, actor, incident_id)
    row = await _row(session, incident.id)
    if at > clock.now():
        raise IncidentError("incident-time-future", time=local_hhmm(at, row.timezone))
    if at < incident.happened_at:
        raise IncidentError("incident-time-before", time=local_hhmm(incident.happened_at, row.timezone))
    claimed = await repo.claim(
        session, incident.id, "guardian_informed_at", at,
        guardian_informed_how=InformedHow.PHONE.value, guardian_informed_by_id=actor.person_id,
        guardian_recorded_at=clock.now(),
    )
    await session.refresh(incident)
    if not claimed:
        raise IncidentError(
            "incident-already-informed", time=local_hhmm(incident.guardian_informed_at, row.timezone),
            how=how_label(translator, translator.normalize(actor.language), incident.guardian_informed_how),
        )
    await _event(session, clock, incident, IncidentEventKind.GUARDIAN_PHONE, at=at, by=actor.person_id)
    return incident


async def add_note(session: AsyncSession, clock: Clock, actor: Actor, incident_id: int, note: str) -> IncidentEvent:
    incident = await _for_step(session, actor, incident_id)
    return await _event(session, clock, incident, IncidentEventKind.NOTE, by=actor.person_id, note=check_text(note))


async def close_incident(session: AsyncSession, clock: Clock, actor: Actor, incident_id: int, note: str) -> Incident:
    incident = await _for_step(session, actor, incident_id)
    text = check_text(note)
    if not await repo.claim(session, incident.id, "closed_at", clock.now(), closed_by_id=actor.person_id, close_note=text):
        raise IncidentError("incident-closed-already")
    await session.refresh(incident)
    await _event(session, clock, incident, IncidentEventKind.CLOSED, by=actor.person_id, note=text)
    return incident


# -------------------------------------------------------- the minute job


async def _escalate(
    session: AsyncSession, clock: Clock, translator: Translator, incident: Incident, *, no_notice: bool = False
) -> int:
    """The head teacher (else the school's admins) is told to phone the guardians."""
    now = clock.now()
    if not await repo.claim(session, incident.id, "escalated_at", now):
        return 0
    await session.refresh(incident)
    row = await _row(session, incident.id)
    head = await repo.head_teacher(session, row.head_teacher_id)
    people = [head] if head is not None and head.chat_id is not None else []
    if not people:
        people = [p for p in await repo.school_admins(session, incident.school_id) if p.chat_id is not None]
    guardians = await repo.current_guardians(session, incident.student_id)
    messages = []
    for person in people:
        lang = translator.normalize(person.language)
        contacts = "\n".join(
            translator.get(
                "incident-contact-line", lang, name=g.name,
                relation=translator.get(f"incident-relation-{_relation(relation)}", lang),
                phone=g.phone or translator.get("incident-no-phone", lang),
            )
            for g, relation in guardians
        ) or translator.get("incident-no-guardian", lang)
        message = _message(
            translator, person, row,
            key="incident-escalation-no-notice" if no_notice else "incident-escalation",
            kind="incident-escalation", dedup_key=f"incident-escalation:{incident.id}:to:{person.id}",
            button=("incident-button-phone", PHONE_PREFIX), contacts=contacts,
            due=local_hhmm(incident.guardian_due_at, row.timezone),
        )
        if message is not None:
            messages.append(message)
    queued = await enqueue(session, clock, messages)
    await _event(session, clock, incident, IncidentEventKind.ESCALATED, count=queued)
    if not queued:
        log.warning("incident %s: nobody to ask to phone the guardian", incident.id)
    return queued


_RELATIONS = {"grandfather", "grandmother", "father", "mother", "uncle", "aunt", "sibling", "other"}


def _relation(relation: str | None) -> str:
    return relation if relation in _RELATIONS else "other"


async def _warn_admins(
    session: AsyncSession, clock: Clock, translator: Translator, incident: Incident, which: str, *, missed: bool
) -> int:
    row = await _row(session, incident.id)
    due = incident.guardian_due_at if which == "guardian" else incident.bureau_due_at
    people = await repo.school_admins(session, incident.school_id)
    if missed:
        people = _unique(people + await _staff_of(session, row))
    step = "missed" if missed else "warning"
    messages = [
        m for p in people
        if (m := _message(
            translator, p, row, key=f"incident-{which}-{step}", kind=f"incident-{step}",
            dedup_key=f"incident-{step}:{incident.id}:{which}:to:{p.id}",
            button=("incident-button-card", CARD_PREFIX), due=local_hhmm(due, row.timezone),
            minutes=_minutes(due - clock.now()),
        )) is not None
    ]
    queued = await enqueue(session, clock, messages)
    if not queued:
        log.warning("incident %s: no school admin to tell about the %s deadline", incident.id, which)
    return queued


async def _warn_and_mark(
    session: AsyncSession, clock: Clock, translator: Translator, incident: Incident, timing: IncidentTiming
) -> int:
    """Warnings ahead of a deadline not met, and deadlines that passed with nothing done."""
    now = clock.now()
    warn = timedelta(minutes=timing.warn_before_minutes)
    steps = 0
    for which, due, done in (
        ("guardian", incident.guardian_due_at, incident.guardian_informed_at),
        ("bureau", incident.bureau_due_at, incident.bureau_acknowledged_at),
    ):
        if done is not None and done <= due:
            continue
        if done is None and due - warn <= now <= due:
            if await repo.claim(session, incident.id, f"{which}_warned_at", now):
                await _event(session, clock, incident, IncidentEventKind(f"{which}_warning"),
                             count=await _warn_admins(session, clock, translator, incident, which, missed=False))
                steps += 1
        if now > due and (done is None or done > due):
            if await repo.claim(session, incident.id, f"{which}_missed_at", now):
                # Dated at the deadline itself: that is when it was missed.
                count = 0 if done is not None else await _warn_admins(
                    session, clock, translator, incident, which, missed=True
                )
                await _event(session, clock, incident, IncidentEventKind(f"{which}_missed"), at=due, count=count)
                steps += 1
    if steps:
        await session.refresh(incident)
    return steps


async def run_due(session: AsyncSession, clock: Clock, translator: Translator, timing: IncidentTiming) -> int:
    """The minute job: escalations, warnings and missed deadlines of every open incident,
    each exactly once. Returns the steps taken. Does not commit."""
    steps = 0
    now = clock.now()
    for incident in await repo.open_incidents(session):
        if (
            incident.escalated_at is None
            and incident.guardian_informed_at is None
            and escalation_due(incident, timing) <= now
        ):
            await _escalate(session, clock, translator, incident)
            steps += 1
        steps += await _warn_and_mark(session, clock, translator, incident, timing)
    return steps


__all__ = [
    "AGO_MINUTES", "BUREAU_ACK_PREFIX", "CARD_PREFIX", "CATEGORIES", "GUARDIAN_ACK_PREFIX", "PHONE_PREFIX",
    "AckOutcome", "AckResult", "DeadlineState", "DeadlineStatus", "DefaultTiming", "IncidentCard",
    "IncidentError", "IncidentTiming", "acknowledge_bureau", "acknowledge_guardian", "add_note",
    "bureau_status", "can_act", "can_open_for", "can_view", "card_text", "category_label", "class_label",
    "classes_to_pick", "close_incident", "deadline_line", "deadline_status", "escalation_due", "event_line",
    "guardian_status", "happened_at_from", "incident_card", "list_incidents", "local_hhmm", "local_stamp",
    "MAX_DAYS_BACK", "may_export", "may_open", "may_use", "open_incident", "parse_hhmm", "parse_moment",
    "record_phone_call", "run_due", "when_text",
    "search_students", "student_and_timezone", "students_to_pick", "student_scope", "today_at", "viewing_scope", "what_text",
]
