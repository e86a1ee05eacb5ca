"""调查摸底 / 每学期进行一次数据清理 / 开学当月末上报数据变化: the start-of-term census.

- **Term start**: on the term's first day (Term.starts_on, school timezone) at
  `send_time`, each head teacher gets one message per class: "please confirm the N
  left-behind students of <class>", with a button opening the census. The job decides
  from the clock, so a run after downtime catches up (until the report day); dedup keys
  make re-runs harmless.
- **Confirmation**: per student one tap "no change", or "changed" and then, with taps and
  short text: no longer left-behind (a parent came home), left-behind now, where a parent
  works, the main guardian changed, transferred. One CensusEntry per term and student (who,
  when); each correction a CensusChange row with before and after, and the student's data
  is updated keeping history: a replaced guardian's link is ended, never deleted; a parent
  who came home leaves the away-parent list (as the roster does) with a snapshot in the
  change row. A transfer is only *noted* (学籍 changes are the admin's: they are told).
- **Reminder**: `remind_after_days` after the start, head teachers whose class still has
  unconfirmed left-behind students (not when the start message itself went out later).
- **Change report**: `report_after_days` after the start, each school admin gets the counts
  and a button for the spreadsheet (became / stopped being left-behind, guardian and
  workplace changes, transfers noted here and 学籍 transfers in the period, and who is
  still unconfirmed). Admins can download it at any time from /census too. A term that
  began before the bot was running (no start message, no entry) gets no report.

Who: a head teacher only their own class(es); a school admin every class of their school;
nobody else.
"""

from __future__ import annotations

import json
import logging
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from openpyxl import Workbook
from openpyxl.worksheet.worksheet import Worksheet
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import (
    AwayParent,
    CensusChange,
    CensusChangeKind,
    CensusEntry,
    CensusStatus,
    GuardianRelation,
    ParentRelation,
    Person,
    Priority,
    SchoolClass,
    Student,
    StudentGuardian,
    StudentStatusChange,
    Term,
)
from db.repositories import census as repo
from db.repositories import ledger as ledger_repo
from locales import Translator
from services import audit
from services.access import Actor
from services.clock import Clock
from services.ledger import relation_label
from services.outbox import Button, OutgoingMessage, enqueue
from services.phones import InvalidPhone, normalize_phone
from services.spreadsheet import DATE_FORMAT, add_sheet, first_sheet, formats, header_row, to_bytes

log = logging.getLogger(__name__)

OPEN_PREFIX = "cxo"  # the start message's button: opens the census of a class
REPORT_PREFIX = "cxr"  # the report message's button: the spreadsheet of a term
START_KIND = "census-start"
REMIND_KIND = "census-remind"
REPORT_KIND = "census-report"
TRANSFER_KIND = "census-transfer"
# The report of a term is still sent this many days after its day (the bot was down).
REPORT_CATCH_UP_DAYS = 14
MAX_PLACE = 100
MAX_NAME = 50
PARENTS: tuple[str, ...] = (ParentRelation.FATHER.value, ParentRelation.MOTHER.value)
GUARDIAN_RELATIONS: tuple[str, ...] = tuple(r.value for r in GuardianRelation)
CURRENT = ("enrolled", "suspended")


def open_data(class_id: int) -> str:
    return f"{OPEN_PREFIX}:{class_id}"


def report_data(term_id: int) -> str:
    return f"{REPORT_PREFIX}:{term_id}"


class CensusError(Exception):
    """Refused: `key` is the locale message that says why."""

    def __init__(self, key: str, **params: object) -> None:
        super().__init__(key, params)
        self.key = key
        self.params = params


@dataclass(frozen=True)
class CensusRules:
    send_time: time = time(8, 0)
    remind_after_days: int = 7
    report_after_days: int = 30

    @classmethod
    def from_settings(cls, settings: object) -> CensusRules:
        census = settings.census  # type: ignore[attr-defined]
        return cls(census.send_time, census.remind_after_days, census.report_after_days)

    def remind_on(self, term: Term) -> date:
        return term.starts_on + timedelta(days=self.remind_after_days)

    def report_on(self, term: Term) -> date:
        return term.starts_on + timedelta(days=self.report_after_days)


# ---------------------------------------------------------------------- access


def head_staff_ids(actor: Actor) -> frozenset[int]:
    return frozenset(p.staff_id for p in actor.posts if p.is_head_teacher)


def may_use(actor: Actor) -> bool:
    return bool(head_staff_ids(actor) or actor.admin_school_ids)


def may_see_school(actor: Actor, school_id: int) -> bool:
    return school_id in actor.admin_school_ids


def _may_census_class(actor: Actor, school_class: SchoolClass) -> bool:
    return school_class.school_id in actor.admin_school_ids or (
        school_class.head_teacher_id is not None and school_class.head_teacher_id in head_staff_ids(actor)
    )


async def my_classes(session: AsyncSession, actor: Actor) -> list[SchoolClass]:
    """The classes this actor confirms: those they head, and every class of their schools."""
    heads = head_staff_ids(actor)
    found = []
    if heads:
        found += await repo.classes_where(session, SchoolClass.head_teacher_id.in_(sorted(heads)))
    if actor.admin_school_ids:
        found += await repo.classes_where(session, SchoolClass.school_id.in_(sorted(actor.admin_school_ids)))
    unique: dict[int, SchoolClass] = {c.id: c for c in found}
    return sorted(unique.values(), key=lambda c: (c.school_id, c.grade, c.name))


def _school_now(clock: Clock, timezone: str) -> datetime:
    return clock.now().astimezone(ZoneInfo(timezone))


async def school_today(session: AsyncSession, clock: Clock, school_id: int) -> date:
    school = await repo.school(session, school_id)
    return _school_now(clock, school.timezone if school else "Asia/Shanghai").date()


async def current_term(session: AsyncSession, clock: Clock, school_id: int) -> Term:
    term = await repo.started_term(session, school_id, await school_today(session, clock, school_id))
    if term is None:
        raise CensusError("census-no-term")
    return term


async def _class(session: AsyncSession, actor: Actor, class_id: int) -> SchoolClass:
    school_class = await repo.get_class(session, class_id)
    if school_class is None or not _may_census_class(actor, school_class):
        raise CensusError("census-not-your-class")
    return school_class


@dataclass(frozen=True)
class Context:
    student: Student
    school_class: SchoolClass
    term: Term


async def _context(session: AsyncSession, clock: Clock, actor: Actor, student_id: int) -> Context:
    student = await session.get(Student, student_id)
    if student is None or student.class_id is None or student.status not in CURRENT:
        raise CensusError("census-not-your-student")
    school_class = await repo.get_class(session, student.class_id)
    if school_class is None or not _may_census_class(actor, school_class):
        raise CensusError("census-not-your-student")
    return Context(student, school_class, await current_term(session, clock, student.school_id))


# -------------------------------------------------------------------- reading


@dataclass(frozen=True)
class StudentLine:
    id: int
    name: str
    is_left_behind: bool
    status: str | None  # None: not confirmed this term

    @property
    def confirmed(self) -> bool:
        return self.status is not None


@dataclass(frozen=True)
class ClassCensus:
    school_class: SchoolClass
    term: Term
    students: list[StudentLine]

    @property
    def unconfirmed(self) -> list[StudentLine]:
        return [s for s in self.students if not s.confirmed and s.is_left_behind]

    @property
    def confirmed(self) -> int:
        return sum(1 for s in self.students if s.confirmed)


async def _class_census(session: AsyncSession, school_class: SchoolClass, term: Term) -> ClassCensus:
    students = await repo.census_students(session, [school_class.id], term.id)
    entries = await repo.entries(session, term.id, [s.id for s in students])
    return ClassCensus(
        school_class, term,
        [StudentLine(s.id, s.name, s.is_left_behind, entries[s.id].status if s.id in entries else None)
         for s in students],
    )


async def class_census(session: AsyncSession, clock: Clock, actor: Actor, class_id: int) -> ClassCensus:
    school_class = await _class(session, actor, class_id)
    term = await current_term(session, clock, school_class.school_id)
    return await _class_census(session, school_class, term)


async def other_students(session: AsyncSession, clock: Clock, actor: Actor, class_id: int) -> list[Student]:
    """Students of the class not on the census list, to mark one left-behind now."""
    school_class = await _class(session, actor, class_id)
    term = await current_term(session, clock, school_class.school_id)
    return await repo.other_students(session, school_class.id, term.id)


@dataclass(frozen=True)
class ParentInfo:
    relation: str
    name: str | None
    work_place: str | None


@dataclass(frozen=True)
class GuardianInfo:
    link_id: int
    person_id: int
    name: str
    phone: str | None
    relation: str
    current: bool


@dataclass(frozen=True)
class StudentCard:
    student_id: int
    name: str
    class_id: int
    is_left_behind: bool
    term_name: str
    parents: list[ParentInfo]
    guardians: list[GuardianInfo]  # current first, then past ones
    status: str | None
    changes: list[CensusChange] = field(default_factory=list)

    @property
    def current_guardians(self) -> list[GuardianInfo]:
        return [g for g in self.guardians if g.current]


async def student_card(session: AsyncSession, clock: Clock, actor: Actor, student_id: int) -> StudentCard:
    ctx = await _context(session, clock, actor, student_id)
    parents = (await ledger_repo.away_parents(session, [student_id]))[student_id]
    links = await repo.guardian_history(session, student_id)
    entry = (await repo.entries(session, ctx.term.id, [student_id])).get(student_id)
    changes = await repo.changes_of(session, [entry.id]) if entry else []
    guardians = [
        GuardianInfo(link.id, person.id, person.name, person.phone, link.relation, link.ended_at is None)
        for link, person in links
    ]
    guardians.sort(key=lambda g: (not g.current, -g.link_id))
    return StudentCard(
        student_id=student_id, name=ctx.student.name, class_id=ctx.school_class.id,
        is_left_behind=ctx.student.is_left_behind, term_name=ctx.term.name,
        parents=[ParentInfo(p.relation, p.name, p.work_place) for p in parents],
        guardians=guardians, status=entry.status if entry else None, changes=changes,
    )


def guardian_choices(card: StudentCard) -> list[GuardianInfo]:
    """Who may be picked as the new main guardian: each person once (current link first)."""
    seen: set[int] = set()
    out = []
    for g in card.guardians:
        if g.person_id not in seen:
            seen.add(g.person_id)
            out.append(g)
    return out


# -------------------------------------------------------------------- writing


async def _entry(
    session: AsyncSession, clock: Clock, actor: Actor, ctx: Context, status: CensusStatus
) -> tuple[CensusEntry, bool]:
    """The student's entry of the term, made if missing; True when it was new. A change
    turns an entry "changed"; "no change" never turns a changed entry back."""
    assert actor.person_id is not None
    found = (await repo.entries(session, ctx.term.id, [ctx.student.id])).get(ctx.student.id)
    now = clock.now()
    if found is not None:
        if status == CensusStatus.CHANGED and found.status != CensusStatus.CHANGED:
            found.status = CensusStatus.CHANGED.value
            found.confirmed_by_id = actor.person_id
            found.confirmed_at = now
            found.updated_at = now
        return found, False
    entry = CensusEntry(
        term_id=ctx.term.id, student_id=ctx.student.id, school_id=ctx.student.school_id,
        class_id=ctx.school_class.id, status=status.value, confirmed_by_id=actor.person_id,
        confirmed_at=now, created_at=now,
    )
    try:
        async with session.begin_nested():
            repo.add(session, entry)
    except IntegrityError:
        # Another tap (the admin, a double tap) made it first: that one stands.
        return await _entry(session, clock, actor, ctx, status)
    return entry, True


async def confirm_unchanged(session: AsyncSession, clock: Clock, actor: Actor, student_id: int) -> bool:
    """"情况无变化". True when recorded now; False when the student was confirmed before."""
    ctx = await _context(session, clock, actor, student_id)
    _entry_row, new = await _entry(session, clock, actor, ctx, CensusStatus.UNCHANGED)
    if new:
        audit.add_for_student(session, clock, actor, audit.Action.CHANGE, audit.CENSUS, ctx.student)
        log.info("census: student %s confirmed unchanged (term %s)", student_id, ctx.term.id)
    return new


async def _change(
    session: AsyncSession, clock: Clock, actor: Actor, ctx: Context, kind: CensusChangeKind, **fields: object
) -> CensusChange:
    assert actor.person_id is not None
    entry, _new = await _entry(session, clock, actor, ctx, CensusStatus.CHANGED)
    change = CensusChange(
        entry_id=entry.id, student_id=ctx.student.id, kind=kind.value, recorded_by_id=actor.person_id,
        recorded_at=clock.now(), **fields,
    )
    repo.add(session, change)
    ctx.student.updated_at = clock.now()
    audit.add_for_student(session, clock, actor, audit.Action.CHANGE, audit.CENSUS, ctx.student)
    await session.flush()
    log.info("census: student %s change %s (term %s)", ctx.student.id, kind.value, ctx.term.id)
    return change


def check_text(text: str | None, limit: int) -> str:
    value = " ".join((text or "").split())
    if not value:
        raise CensusError("census-text-empty")
    if len(value) > limit:
        raise CensusError("census-text-too-long", max=limit)
    return value


async def mark_left_behind(
    session: AsyncSession, clock: Clock, actor: Actor, student_id: int, relations: list[str],
    work_place: str | None = None,
) -> CensusChange:
    """Left-behind now: the parents who went away to work (and where, if known)."""
    ctx = await _context(session, clock, actor, student_id)
    wanted = [r for r in PARENTS if r in set(relations)]
    if not wanted or len(wanted) != len(set(relations)):
        raise CensusError("census-bad-button")
    if ctx.student.is_left_behind:
        raise CensusError("census-already-left-behind")
    place = check_text(work_place, MAX_PLACE) if work_place is not None else None
    existing = {p.relation: p for p in (await ledger_repo.away_parents(session, [student_id]))[student_id]}
    now = clock.now()
    for relation in wanted:
        parent = existing.get(relation)
        if parent is None:
            repo.add(session, AwayParent(student_id=student_id, relation=relation, work_place=place, created_at=now))
        elif place is not None:
            parent.work_place = place
            parent.updated_at = now
    ctx.student.is_left_behind = True
    return await _change(
        session, clock, actor, ctx, CensusChangeKind.BECAME_LEFT_BEHIND, relation=",".join(wanted), new_value=place,
    )


async def mark_not_left_behind(session: AsyncSession, clock: Clock, actor: Actor, student_id: int) -> CensusChange:
    """No longer left-behind (the parents came home): the away-parent rows go, as a roster
    saying so would do; the change row keeps what they were."""
    ctx = await _context(session, clock, actor, student_id)
    if not ctx.student.is_left_behind:
        raise CensusError("census-already-not-left-behind")
    parents = (await ledger_repo.away_parents(session, [student_id]))[student_id]
    snapshot = [{"relation": p.relation, "work_place": p.work_place} for p in parents]
    for parent in parents:
        await session.delete(parent)
    ctx.student.is_left_behind = False
    return await _change(
        session, clock, actor, ctx, CensusChangeKind.STOPPED_LEFT_BEHIND,
        old_value=json.dumps(snapshot, ensure_ascii=False),
    )


async def change_work_place(
    session: AsyncSession, clock: Clock, actor: Actor, student_id: int, relation: str, place: str | None,
) -> CensusChange:
    ctx = await _context(session, clock, actor, student_id)
    new = check_text(place, MAX_PLACE)
    parents = {p.relation: p for p in (await ledger_repo.away_parents(session, [student_id]))[student_id]}
    parent = parents.get(relation)
    if parent is None:
        raise CensusError("census-bad-button")
    old = parent.work_place
    if old == new:
        raise CensusError("census-same-place")
    parent.work_place = new
    parent.updated_at = clock.now()
    return await _change(
        session, clock, actor, ctx, CensusChangeKind.WORK_PLACE, relation=relation, old_value=old, new_value=new,
    )


def check_new_guardian(text: str | None) -> tuple[str, str]:
    """"张三 13800138000" → (name, phone in E.164). The phone is the last word."""
    words = (text or "").split()
    # The phone may be typed in groups ("139 0000 0001"): every trailing word of digits.
    cut = len(words)
    while cut > 0 and all(ch.isdigit() or ch in "+-()" for ch in words[cut - 1]):
        cut -= 1
    if cut == 0 or cut == len(words):
        raise CensusError("census-guardian-format")
    try:
        phone = normalize_phone("".join(words[cut:]))
    except InvalidPhone:
        raise CensusError("census-bad-phone") from None
    return check_text(" ".join(words[:cut]), MAX_NAME), phone


async def change_guardian(
    session: AsyncSession,
    clock: Clock,
    actor: Actor,
    student_id: int,
    *,
    relation: str,
    person_id: int | None = None,
    new_name: str | None = None,
    new_phone: str | None = None,
    end_link_ids: list[int] | None = None,
) -> CensusChange:
    """The main guardian is now someone else: an earlier guardian of this student
    (`person_id`) or a new person (name and phone). Their link starts now unless it is
    current; the links in `end_link_ids` (current guardians of this student) end now."""
    ctx = await _context(session, clock, actor, student_id)
    if relation not in GUARDIAN_RELATIONS:
        raise CensusError("census-bad-button")
    history = await repo.guardian_history(session, student_id)
    current = {link.id: (link, person) for link, person in history if link.ended_at is None}
    ending = set(end_link_ids or [])
    if not ending <= set(current):
        raise CensusError("census-bad-button")
    now = clock.now()
    if person_id is not None:
        if person_id not in {person.id for _link, person in history}:
            raise CensusError("census-bad-button")
        person = next(p for _link, p in history if p.id == person_id)
    else:
        name, phone = check_new_guardian(f"{new_name or ''} {new_phone or ''}")
        found = await repo.person_by_phone(session, phone)
        if found is None:
            found = Person(name=name, phone=phone, created_at=now)
            repo.add(session, found)
            await session.flush()
        person = found
    keeps = [link for link, p in current.values() if p.id == person.id and link.id not in ending]
    if keeps and not ending:
        raise CensusError("census-guardian-same")
    before = [
        {"name": p.name, "relation": link.relation} for link, p in current.values() if link.id in ending
    ]
    for link_id in ending:
        current[link_id][0].ended_at = now
    if not keeps:
        repo.add(session, StudentGuardian(
            student_id=student_id, person_id=person.id, relation=relation, is_proxy=False, started_at=now,
        ))
    return await _change(
        session, clock, actor, ctx, CensusChangeKind.GUARDIAN, relation=relation,
        old_value=json.dumps(before, ensure_ascii=False), new_value=person.name, guardian_person_id=person.id,
    )


async def note_transfer(
    session: AsyncSession, clock: Clock, translator: Translator, actor: Actor, student_id: int,
    destination: str | None,
) -> CensusChange:
    """The head teacher says the student transferred; the school's admins are told to
    record it (学籍 changes are theirs: services/student_status.py)."""
    ctx = await _context(session, clock, actor, student_id)
    place = check_text(destination, MAX_PLACE) if destination is not None else None
    change = await _change(session, clock, actor, ctx, CensusChangeKind.TRANSFERRED, new_value=place)
    school = await repo.school(session, ctx.student.school_id)
    messages = []
    for admin in await repo.school_admins(session, ctx.student.school_id):
        if admin.chat_id is None or admin.id == actor.person_id:
            continue
        lang = translator.normalize(admin.language)
        messages.append(OutgoingMessage(
            dedup_key=f"{TRANSFER_KIND}:{change.id}:to:{admin.id}", chat_id=admin.chat_id,
            text=translator.get(
                "census-transfer-notice", lang, name=ctx.student.name,
                class_label=class_label(translator, lang, ctx.school_class),
                destination=place or translator.get("census-unknown", lang),
            ),
            kind=TRANSFER_KIND, priority=Priority.NORMAL, person_id=admin.id, school_id=ctx.student.school_id,
            timezone=school.timezone if school else None,
        ))
    await enqueue(session, clock, messages)
    return change


# ------------------------------------------------------------------- labels


def class_label(translator: Translator, lang: str | None, school_class: SchoolClass | None) -> str:
    if school_class is None:
        return translator.get("census-no-class", lang)
    return translator.get("census-class-label", lang, grade=school_class.grade, name=school_class.name)


def relations_text(translator: Translator, lang: str, relations: str | None) -> str:
    sep = translator.get("census-separator", lang)
    return sep.join(relation_label(translator, lang, r) for r in (relations or "").split(",") if r)


def _away(translator: Translator, lang: str, parents: str, place: str | None) -> str:
    if place:
        return translator.get("census-value-away", lang, parents=parents, place=place)
    return translator.get("census-value-away-unknown", lang, parents=parents)


def change_texts(translator: Translator, lang: str, change: CensusChange) -> tuple[str, str]:
    """(before, after) as the report and the card show them."""
    none = translator.get("census-unknown", lang)
    sep = translator.get("census-separator", lang)
    kind = change.kind
    if kind == CensusChangeKind.BECAME_LEFT_BEHIND:
        return (translator.get("census-value-not-left-behind", lang),
                _away(translator, lang, relations_text(translator, lang, change.relation), change.new_value))
    if kind == CensusChangeKind.STOPPED_LEFT_BEHIND:
        parents = json.loads(change.old_value or "[]")
        before = sep.join(
            _away(translator, lang, relation_label(translator, lang, p["relation"]), p.get("work_place"))
            for p in parents
        ) or translator.get("census-value-left-behind", lang)
        return before, translator.get("census-value-not-left-behind", lang)
    if kind == CensusChangeKind.WORK_PLACE:
        who = relation_label(translator, lang, change.relation or "other")
        return (translator.get("census-value-place", lang, relation=who, place=change.old_value or none),
                translator.get("census-value-place", lang, relation=who, place=change.new_value or none))
    if kind == CensusChangeKind.GUARDIAN:
        ended = json.loads(change.old_value or "[]")
        before = sep.join(
            translator.get("census-value-guardian", lang, name=g["name"],
                           relation=relation_label(translator, lang, g["relation"]))
            for g in ended
        ) or none
        after = translator.get("census-value-guardian", lang, name=change.new_value or none,
                               relation=relation_label(translator, lang, change.relation or "other"))
        return before, after
    return "", translator.get("census-value-transferred", lang, destination=change.new_value or none)


# ---------------------------------------------------------------- the campaign


def _due(now: datetime, day: date, at: time) -> bool:
    return now >= datetime.combine(day, at, tzinfo=now.tzinfo)


def _start_key(term_id: int, class_id: int, person_id: int) -> str:
    return f"{START_KIND}:{term_id}:{class_id}:{person_id}"


async def run_due(session: AsyncSession, clock: Clock, translator: Translator, rules: CensusRules) -> int:
    """Whatever is due as of clock.now(), for every school; returns the new outbox rows."""
    queued = 0
    for school in await repo.schools(session):
        now = _school_now(clock, school.timezone)
        term = await repo.started_term(session, school.id, now.date())
        if term is None:
            continue
        report_on = rules.report_on(term)
        if _due(now, term.starts_on, rules.send_time) and now.date() < report_on:
            queued += await _queue_starts(session, clock, translator, school.id, school.timezone, term)
            if _due(now, rules.remind_on(term), rules.send_time):
                moment = datetime.combine(rules.remind_on(term), rules.send_time, tzinfo=now.tzinfo)
                queued += await _queue_reminders(session, clock, translator, school.id, school.timezone, term, moment)
        if (
            _due(now, report_on, rules.send_time)
            and now.date() <= report_on + timedelta(days=REPORT_CATCH_UP_DAYS)
            and await _was_live(session, term)
        ):
            queued += await _queue_reports(session, clock, translator, school.id, school.timezone, term)
    return queued


async def _was_live(session: AsyncSession, term: Term) -> bool:
    return await repo.key_exists(session, f"{START_KIND}:{term.id}:%") or await repo.term_has_entries(session, term.id)


def _open_button(translator: Translator, lang: str, class_id: int) -> tuple[tuple[Button, ...], ...]:
    return ((Button(translator.get("census-open-button", lang), callback_data=open_data(class_id)),),)


async def _queue_starts(
    session: AsyncSession, clock: Clock, translator: Translator, school_id: int, timezone: str, term: Term
) -> int:
    heads = [h for h in await repo.head_teachers(session, school_id) if h.chat_id is not None]
    if not heads:
        return 0
    classes = {c.id: c for c in await repo.classes_where(session, SchoolClass.school_id == school_id)}
    students = await repo.census_students(session, [h.class_id for h in heads], term.id)
    messages = []
    for head in heads:
        count = sum(1 for s in students if s.class_id == head.class_id and s.is_left_behind)
        lang = translator.normalize(head.language)
        label = class_label(translator, lang, classes.get(head.class_id))
        key = "census-start" if count else "census-start-none"
        messages.append(OutgoingMessage(
            dedup_key=_start_key(term.id, head.class_id, head.person_id), chat_id=head.chat_id or 0,
            text=translator.get(key, lang, term=term.name, count=count, class_label=label),
            kind=START_KIND, buttons=_open_button(translator, lang, head.class_id), person_id=head.person_id,
            school_id=school_id, timezone=timezone,
        ))
    return await enqueue(session, clock, messages)


async def _queue_reminders(
    session: AsyncSession, clock: Clock, translator: Translator, school_id: int, timezone: str, term: Term,
    moment: datetime,
) -> int:
    heads = [h for h in await repo.head_teachers(session, school_id) if h.chat_id is not None]
    classes = {c.id: c for c in await repo.classes_where(session, SchoolClass.school_id == school_id)}
    messages = []
    for head in heads:
        school_class = classes.get(head.class_id)
        if school_class is None:
            continue
        started = await repo.queued_at(session, _start_key(term.id, head.class_id, head.person_id))
        # The start message went out late (downtime): it is reminder enough.
        if started is None or started.created_at >= moment:
            continue
        census = await _class_census(session, school_class, term)
        left = len(census.unconfirmed)
        if not left:
            continue
        lang = translator.normalize(head.language)
        messages.append(OutgoingMessage(
            dedup_key=f"{REMIND_KIND}:{term.id}:{head.class_id}:{head.person_id}", chat_id=head.chat_id or 0,
            text=translator.get("census-remind", lang, term=term.name, count=left,
                                class_label=class_label(translator, lang, school_class)),
            kind=REMIND_KIND, buttons=_open_button(translator, lang, head.class_id), person_id=head.person_id,
            school_id=school_id, timezone=timezone,
        ))
    return await enqueue(session, clock, messages)


@dataclass(frozen=True)
class Summary:
    became: int
    stopped: int
    guardians: int
    places: int
    transfers: int
    unconfirmed: int


async def summary(session: AsyncSession, clock: Clock, term: Term) -> Summary:
    report = await _report_rows(session, clock, term)
    kinds = [c.change.kind for c in report.changes]
    return Summary(
        became=kinds.count(CensusChangeKind.BECAME_LEFT_BEHIND), stopped=kinds.count(CensusChangeKind.STOPPED_LEFT_BEHIND),
        guardians=kinds.count(CensusChangeKind.GUARDIAN), places=kinds.count(CensusChangeKind.WORK_PLACE),
        transfers=kinds.count(CensusChangeKind.TRANSFERRED) + len(report.transfers),
        unconfirmed=len(report.unconfirmed),
    )


async def _queue_reports(
    session: AsyncSession, clock: Clock, translator: Translator, school_id: int, timezone: str, term: Term
) -> int:
    admins = [a for a in await repo.school_admins(session, school_id) if a.chat_id is not None]
    if not admins:
        return 0
    counts = await summary(session, clock, term)
    messages = []
    for admin in admins:
        lang = translator.normalize(admin.language)
        messages.append(OutgoingMessage(
            dedup_key=f"{REPORT_KIND}:{term.id}:{admin.id}", chat_id=admin.chat_id or 0,
            text=summary_text(translator, lang, term, counts),
            kind=REPORT_KIND,
            buttons=((Button(translator.get("census-download-button", lang), callback_data=report_data(term.id)),),),
            person_id=admin.id, school_id=school_id, timezone=timezone,
        ))
    return await enqueue(session, clock, messages)


def summary_text(translator: Translator, lang: str, term: Term, counts: Summary) -> str:
    return translator.get(
        "census-report", lang, term=term.name, became=counts.became, stopped=counts.stopped,
        guardians=counts.guardians, places=counts.places, transfers=counts.transfers, unconfirmed=counts.unconfirmed,
    )


# --------------------------------------------------------------- admin's view


@dataclass(frozen=True)
class ClassProgress:
    school_class: SchoolClass
    head_teacher: str | None
    listed: int
    confirmed: int
    unconfirmed: int


async def school_progress(session: AsyncSession, clock: Clock, actor: Actor, school_id: int) -> tuple[Term, list[ClassProgress]]:
    if not may_see_school(actor, school_id):
        raise CensusError("census-not-allowed")
    term = await current_term(session, clock, school_id)
    classes = await repo.classes_where(session, SchoolClass.school_id == school_id)
    heads = await repo.head_teacher_names(session, [c.id for c in classes])
    out = []
    for school_class in classes:
        census = await _class_census(session, school_class, term)
        out.append(ClassProgress(school_class, heads.get(school_class.id), len(census.students), census.confirmed,
                                 len(census.unconfirmed)))
    return term, out


async def report_term(session: AsyncSession, actor: Actor, term_id: int) -> Term:
    """The term whose report this admin may download (a forged id is refused)."""
    term = await repo.term(session, term_id)
    if term is None or not may_see_school(actor, term.school_id):
        raise CensusError("census-not-allowed")
    return term


@dataclass(frozen=True)
class ReportRows:
    changes: list[repo.ChangeRow]
    transfers: list[tuple[StudentStatusChange, Student]]
    unconfirmed: list[Student]
    classes: dict[int, SchoolClass]
    heads: dict[int, str]


async def _report_rows(session: AsyncSession, clock: Clock, term: Term) -> ReportRows:
    today = await school_today(session, clock, term.school_id)
    until = min(today, term.ends_on)
    classes = {c.id: c for c in await repo.classes_where(session, SchoolClass.school_id == term.school_id)}
    students = await repo.census_students(session, classes, term.id)
    entries = await repo.entries(session, term.id, [s.id for s in students])
    return ReportRows(
        changes=await repo.term_changes(session, term.id, term.school_id),
        transfers=list(await repo.transfers_between(session, term.school_id, term.starts_on, until)),
        unconfirmed=[s for s in students if s.is_left_behind and s.id not in entries],
        classes=classes,
        heads=await repo.head_teacher_names(session, classes),
    )


CHANGE_COLUMNS: tuple[tuple[str, int], ...] = (
    ("kind", 16), ("class", 12), ("student", 10), ("student_number", 20), ("before", 36), ("after", 36),
    ("date", 12), ("by", 10),
)
UNCONFIRMED_COLUMNS: tuple[tuple[str, int], ...] = (
    ("class", 12), ("student", 10), ("student_number", 20), ("head_teacher", 10),
)
KIND_ORDER = {k.value: i for i, k in enumerate(CensusChangeKind)}


def _sheet(book: Workbook, title: str, columns: tuple[tuple[str, int], ...], lang: str, translator: Translator,
           first: bool) -> Worksheet:
    sheet = first_sheet(book, title) if first else add_sheet(book, title)
    header_row(sheet, [translator.get(f"census-col-{n}", lang) for n, _ in columns], [w for _, w in columns])
    return sheet


async def build_report(session: AsyncSession, clock: Clock, translator: Translator, lang: str, term: Term) -> bytes:
    """The term's change report: one sheet of changes (census corrections, then 学籍
    transfers in the period), one of the left-behind students still unconfirmed."""
    lang = translator.normalize(lang)
    school = await repo.school(session, term.school_id)
    tz = ZoneInfo(school.timezone if school else "Asia/Shanghai")
    rows = await _report_rows(session, clock, term)
    book = Workbook()
    changes = _sheet(book, translator.get("census-sheet-changes", lang), CHANGE_COLUMNS, lang, translator, first=True)
    ordered = sorted(
        rows.changes,
        key=lambda r: (KIND_ORDER.get(r.change.kind, 99), _class_key(rows.classes.get(r.class_id or 0)), r.change.id),
    )
    for row in ordered:
        before, after = change_texts(translator, lang, row.change)
        changes.append([
            translator.get(f"census-kind-{row.change.kind.replace('_', '-')}", lang),
            class_label(translator, lang, rows.classes.get(row.class_id or 0)),
            row.student_name, row.student_number, before, after,
            row.change.recorded_at.astimezone(tz).date(), row.recorded_by,
        ])
    here = (await ledger_repo.school_names(session, [term.school_id])).get(term.school_id, "")
    for status_change, student in rows.transfers:
        other = status_change.other_school or translator.get("census-unknown", lang)
        arrived = status_change.kind == "transfer_in"
        changes.append([
            translator.get("census-kind-status-in" if arrived else "census-kind-status-out", lang),
            class_label(translator, lang, rows.classes.get(status_change.class_id or 0)),
            student.name, student.student_number,
            other if arrived else here, here if arrived else other,
            status_change.effective_on, "",
        ])
    formats(changes, {7: DATE_FORMAT}, min_row=2)
    missing = _sheet(book, translator.get("census-sheet-unconfirmed", lang), UNCONFIRMED_COLUMNS, lang, translator,
                     first=False)
    for student in sorted(rows.unconfirmed, key=lambda s: (_class_key(rows.classes.get(s.class_id or 0)), s.name)):
        missing.append([
            class_label(translator, lang, rows.classes.get(student.class_id or 0)), student.name,
            student.student_number, rows.heads.get(student.class_id or 0, ""),
        ])
    return to_bytes(book)


def _class_key(school_class: SchoolClass | None) -> tuple[int, str]:
    return (school_class.grade, school_class.name) if school_class else (99, "")


def report_filename(translator: Translator, lang: str, term: Term) -> str:
    return translator.get("census-report-filename", lang, term=term.name) + ".xlsx"


__all__ = [
    "CensusError", "CensusRules", "ClassCensus", "ClassProgress", "StudentCard", "build_report",
    "change_guardian", "change_work_place", "class_census", "confirm_unchanged", "mark_left_behind",
    "mark_not_left_behind", "may_use", "my_classes", "note_transfer", "run_due", "school_progress", "student_card",
]
