"""The weekly digest (每周提醒): on `digest.weekday` at `digest.time` school time (default
Monday 07:30) each head teacher and school admin gets ONE message through the outbox with
what needs doing this week — counts, never rankings, never a child's name:

- attendance sheets missing last week (school days without the class sheet);
- children asked "arrived home?" last week and never confirmed home;
- left-behind children whose monthly contact with the away parents is not confirmed yet
  this month;
- left-behind children with fewer teacher–parent contacts this term than required;
- open dropout cases, and those sitting in one stage past `attendance.stage_overdue_days`;
- admins only: left-behind students without a mentor; transfers whose 学籍 file is pending.

A head teacher's lines count only their own classes; an admin's the whole school. Only
lines with something in them are written; with nothing to do no message is sent (a
weekly "all in order" would teach people to ignore the digest). The dedup key is per
person and ISO week, so re-runs and restarts send nothing twice; a person with posts in
two schools gets one message with a section per school. Opting out is a row in
digest_opt_outs (the button on the message, or /digest to switch back on).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from db.models import Priority
from db.repositories import attendance as attendance_repo
from db.repositories import care as care_repo
from db.repositories import charts as charts_repo
from db.repositories import contacts as contacts_repo
from db.repositories import digest as repo
from db.repositories import ledger as ledger_repo
from locales import Translator
from services.access import Actor
from services.calendar import load_calendar
from services.clock import Clock
from services.contacts import month_start, term_window
from services.ledger import class_label
from services.outbox import Button, OutgoingMessage, enqueue

KIND = "weekly-digest"
STOP_DATA = "digest:off"
START_DATA = "digest:on"
MAX_CLASSES_NAMED = 6


def week_key(day: date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def dedup_key(person_id: int, day: date) -> str:
    return f"{KIND}:{person_id}:{week_key(day)}"


def may_get(actor: Actor) -> bool:
    return any(p.is_head_teacher or p.is_school_admin for p in actor.posts if p.school_id is not None)


@dataclass
class Section:
    """What one person should do in one school this week (counts only)."""

    school: str
    sheets_missing: int = 0
    classes_missing: list[str] = field(default_factory=list)
    not_home: int = 0
    monthly_unconfirmed: int = 0
    contacts_short: int = 0
    open_cases: int = 0
    overdue_cases: int = 0
    without_mentor: int | None = None  # admins only
    pending_files: int | None = None  # admins only

    def lines(self, translator: Translator, lang: str, required: int, overdue_days: int) -> list[str]:
        def t(key: str, **params: object) -> str:
            return translator.get(key, lang, **params)

        out = []
        if self.sheets_missing:
            sep = "、" if lang == "zh_Hans" else ", "
            named = sep.join(self.classes_missing[:MAX_CLASSES_NAMED])
            if len(self.classes_missing) > MAX_CLASSES_NAMED:
                named += t("digest-more")
            out.append(t("digest-sheets-missing", count=self.sheets_missing, classes=named))
        if self.not_home:
            out.append(t("digest-not-home", count=self.not_home))
        if self.monthly_unconfirmed:
            out.append(t("digest-monthly", count=self.monthly_unconfirmed))
        if self.contacts_short:
            out.append(t("digest-contacts-short", count=self.contacts_short, required=required))
        if self.open_cases:
            out.append(t("digest-cases", count=self.open_cases, overdue=self.overdue_cases, days=overdue_days))
        if self.without_mentor:
            out.append(t("digest-no-mentor", count=self.without_mentor))
        if self.pending_files:
            out.append(t("digest-pending-files", count=self.pending_files))
        return out


@dataclass(frozen=True)
class _SchoolFacts:
    classes: dict[int, str]  # class id (with enrolled students) -> label
    missing: dict[int, int]  # class id -> school days last week without a sheet
    not_home: list[charts_repo.ReturnAsked]
    students: list[charts_repo.EnrolledStudent]
    monthly: set[int]
    contacts: dict[int, int]
    cases: list[charts_repo.OpenCase]
    without_mentor: int
    pending_files: int


async def _facts(
    session: AsyncSession, translator: Translator, lang: str, school_id: int, today: date
) -> _SchoolFacts:
    this_monday = today - timedelta(days=today.weekday())
    last_start, last_end = this_monday - timedelta(days=7), this_monday - timedelta(days=1)
    calendar = await load_calendar(session, school_id)
    school_days = calendar.school_days(last_start, last_end)
    on_duty = await attendance_repo.classes_with_students(session, school_id)
    sheets = await charts_repo.sheet_days(session, school_id, last_start, last_end)
    missing = {c.id: sum(1 for d in school_days if (c.id, d) not in sheets) for c in on_duty}
    returns = await charts_repo.returns_asked(session, school_id, last_start, last_end)
    students = await charts_repo.enrolled(session, school_id)
    left_behind = [s.id for s in students if s.left_behind]
    monthly = set(await contacts_repo.monthly_of(session, left_behind, month_start(today)))
    window = await term_window(session, school_id, today)
    contacts = await contacts_repo.term_counts(session, left_behind, window.starts_on, min(today, window.ends_on))
    cases = await charts_repo.open_cases(session, [school_id])
    _total, without_mentor = await care_repo.coverage_counts(session, school_id)
    pending = await ledger_repo.pending_files(session, [school_id])
    return _SchoolFacts(
        classes={c.id: class_label(translator, lang, c.grade, c.name) for c in on_duty},
        missing=missing, not_home=[r for r in returns if not r.confirmed], students=students, monthly=monthly,
        contacts=contacts, cases=cases, without_mentor=without_mentor, pending_files=len(pending),
    )


def _section(
    name: str, facts: _SchoolFacts, class_ids: set[int] | None, *, admin: bool, required: int, overdue_before: datetime
) -> Section:
    def mine(class_id: int | None) -> bool:
        return class_ids is None or (class_id is not None and class_id in class_ids)

    left_behind = [s for s in facts.students if s.left_behind and mine(s.class_id)]
    cases = [c for c in facts.cases if mine(c.class_id)]
    missing = {cid: n for cid, n in facts.missing.items() if n and mine(cid)}
    return Section(
        school=name,
        sheets_missing=sum(missing.values()),
        classes_missing=[facts.classes[cid] for cid in facts.classes if cid in missing],
        not_home=len({(r.student_id, r.release_day) for r in facts.not_home if mine(r.class_id)}),
        monthly_unconfirmed=sum(1 for s in left_behind if s.id not in facts.monthly),
        contacts_short=sum(1 for s in left_behind if facts.contacts.get(s.id, 0) < required),
        open_cases=len(cases),
        overdue_cases=sum(1 for c in cases if c.stage_since <= overdue_before),
        without_mentor=facts.without_mentor if admin else None,
        pending_files=facts.pending_files if admin else None,
    )


async def queue_weekly_digest(
    session: AsyncSession, clock: Clock, translator: Translator, *, weekday: int = 1, at: time = time(7, 30),
    required_contacts: int = 2, overdue_days: int = 7,
) -> int:
    """As of clock.now(): on the digest day from its time (school time) until midnight, each
    head teacher and admin not opted out has their digest queued once for the ISO week.
    Returns the outbox rows newly queued. Does not commit."""
    now = clock.now()
    # person -> (recipient, today, timezone, [sections])
    owed: dict[int, tuple[repo.Recipient, date, str, list[Section]]] = {}
    for school in await repo.schools(session):
        local = now.astimezone(ZoneInfo(school.timezone))
        if local.isoweekday() != weekday or local.time() < at:
            continue
        people = await repo.recipients(session, school.id)
        if not people:
            continue
        today = local.date()
        lang_default = translator.normalize(None)
        facts = await _facts(session, translator, lang_default, school.id, today)
        on_duty = await attendance_repo.classes_with_students(session, school.id)
        for person in people:
            if person.is_admin:
                class_ids = None
            else:
                class_ids = {c.id for c in on_duty if c.head_teacher_id == person.staff_id}
            section = _section(
                school.name, facts, class_ids, admin=person.is_admin, required=required_contacts,
                overdue_before=now - timedelta(days=overdue_days),
            )
            entry = owed.setdefault(person.person_id, (person, today, school.timezone, []))
            entry[3].append(section)
    messages = []
    for person_id, (person, today, timezone, sections) in owed.items():
        lang = translator.normalize(person.language)
        parts = []
        for section in sections:
            lines = section.lines(translator, lang, required_contacts, overdue_days)
            if lines:
                parts.append(translator.get("digest-school", lang, school=section.school) + "\n"
                             + "\n".join(f"• {line}" for line in lines))
        if not parts:
            continue
        monday = today - timedelta(days=today.weekday())
        text = "\n\n".join([
            translator.get("digest-title", lang, start=monday.isoformat(), end=(monday + timedelta(days=6)).isoformat()),
            *parts,
            translator.get("digest-footer", lang),
        ])
        messages.append(OutgoingMessage(
            dedup_key=dedup_key(person_id, today), chat_id=person.chat_id, text=text, kind=KIND,
            priority=Priority.NORMAL,
            buttons=((Button(translator.get("digest-stop-button", lang), callback_data=STOP_DATA),),),
            person_id=person_id, school_id=person.school_id, timezone=timezone,
        ))
    return await enqueue(session, clock, messages)


async def set_digest(session: AsyncSession, clock: Clock, actor: Actor, wanted: bool) -> bool:
    """Switch the actor's digest on or off; returns whether anything changed. Does not commit."""
    assert actor.person_id is not None
    return await repo.set_opted_out(session, actor.person_id, not wanted, clock.now())


async def gets_digest(session: AsyncSession, actor: Actor) -> bool:
    assert actor.person_id is not None
    return not await repo.is_opted_out(session, actor.person_id)


__all__ = [
    "KIND", "START_DATA", "STOP_DATA", "Section", "dedup_key", "gets_digest", "may_get", "queue_weekly_digest",
    "set_digest", "week_key",
]
