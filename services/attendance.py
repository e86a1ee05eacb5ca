"""学生到校日报告制度: the head teacher's daily arrival report.

The sheet, tap by tap (dialogs/attendance.py draws it; the rules are here):

- `/attendance` or the menu button opens TODAY's sheet (today in the school's timezone) of
  the teacher's class; a head teacher of several classes taps the class first. On a day
  the school calendar says is not a school day there is no sheet, only a short answer.
- The roster is a grid of name buttons, 3 a row and 30 a page (a class of 60 is two
  pages). Everyone is present by default; a name shows an icon when the student is not
  (❌ reason unknown, 🤒 sick, 📝 personal leave, 🏠 family matters, ⏰ late).
- All present: ONE tap on "✅ all present, submit".
- k absentees: tap each absent name (❌; a second tap takes it back), then submit:
  k + 1 taps, k + 2 when some are on the second page. The reason defaults to "unknown".
- Reasons, one tap per student: every student who is not present also gets a row
  [name][🤒 sick][📝 leave][⏰ late][❓ unknown] under the roster. Set before submitting,
  a known reason means the guardian is not asked needlessly; after submitting, the same
  rows on the "saved" screen change the saved mark at once.
- Nothing is written before submit: the draft lives in the dialog (only the students the
  teacher touched). Saving applies just those: a student the teacher did not touch keeps
  whatever the database has, e.g. a guardian's report that arrived while the sheet was
  open, so a reopened or resubmitted sheet never turns real marks back into defaults.
  Reopening shows the saved marks. Every change is an AttendanceChange row (who, when,
  from, to); a second submit of the same draft changes nothing and writes nothing.
- After the save, each student absent for an unknown reason whose mark did not come from
  a guardian and who has not been asked yet gets the guardian notice (urgent outbox row
  per current guardian in the bot, buttons `abs:{mark_id}:{answer}`); a student with no
  reachable guardian keeps notice_sent_at empty and the sheet says "phone the family".
  The guardian's answer (written by the guardian side) shows beside the name.
- Subject teachers and mentors see, read-only, today's marks of the students they are
  responsible for (services.access decides who that is); they cannot change them.
- School admins see, read-only, every class of their schools: sheet saved or not, how
  many are absent and how many of those nobody has explained yet (`school_overview`),
  and one class's not-present list (`class_today`); another school's class is refused.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from db.models import (
    AbsenceReason,
    AttendanceChange,
    AttendanceMark,
    AttendanceSheet,
    AttendanceStatus,
    GuardianAnswer,
    MarkSource,
    Priority,
)
from db.repositories import attendance as repo
from db.repositories.attendance import ClassInfo, Recipient, RosterEntry
from locales import Translator
from services.access import Actor, teaching_scope, visible_students
from services.calendar import load_calendar
from services.clock import Clock, local_today
from services.outbox import Button, OutgoingMessage, enqueue

log = logging.getLogger(__name__)

PRESENT = "present"
ABSENT = "absent"  # marked absent by a tap on the name: reason not given (unknown)
# What a teacher can pick as the reason, in button order.
TEACHER_REASONS: tuple[str, ...] = (
    AbsenceReason.SICK,
    AbsenceReason.PERSONAL_LEAVE,
    AbsenceReason.LATE,
    AbsenceReason.UNKNOWN,
)
DRAFT_VALUES = frozenset({PRESENT, ABSENT, *TEACHER_REASONS})

NOTICE_KIND = "absence-notice"
REMINDER_KIND = "attendance-missing"
ADMIN_REMINDER_KIND = "attendance-missing-admin"
# The guardian's buttons: answer value -> locale key of its label (one per row).
NOTICE_ANSWERS: tuple[tuple[str, str], ...] = (
    (GuardianAnswer.SICK, "absence-answer-sick"),
    (GuardianAnswer.FAMILY, "absence-answer-family"),
    (GuardianAnswer.ON_THE_WAY, "absence-answer-on-the-way"),
    (GuardianAnswer.DONT_KNOW, "absence-answer-dont-know"),
)
# The head teacher's reminder carries a button that opens the sheet (handlers/attendance.py
# reads it with a CallbackData factory of the same prefix).
OPEN_SHEET_PREFIX = "ato"


def open_sheet_data(class_id: int) -> str:
    return f"{OPEN_SHEET_PREFIX}:{class_id}"


def notice_data(mark_id: int, answer: str) -> str:
    return f"abs:{mark_id}:{answer}"


class AttendanceError(Exception):
    """Refused: `key` is the locale message that says why."""

    def __init__(self, key: str, **params: object) -> None:
        super().__init__(key)
        self.key = key
        self.params = params


# ------------------------------------------------------------------ who may do what


def headed_staff_ids(actor: Actor) -> frozenset[int]:
    return frozenset(p.staff_id for p in actor.posts if p.is_teacher)


def may_edit(actor: Actor, info: ClassInfo) -> bool:
    """Only the class's own head teacher fills in its sheet."""
    return info.head_teacher_id is not None and info.head_teacher_id in headed_staff_ids(actor)


def school_today(clock: Clock, info: ClassInfo) -> date:
    return local_today(clock, ZoneInfo(info.timezone))


async def is_school_day(session: AsyncSession, school_id: int, day: date) -> bool:
    return (await load_calendar(session, school_id)).is_school_day(day)


# ----------------------------------------------------------------------- opening


@dataclass(frozen=True)
class Entry:
    """What /attendance opens for this person right now."""

    kind: str  # "sheet" | "pick" | "view" | "not_school_day" | "no_class"
    class_id: int | None = None
    classes: tuple[ClassInfo, ...] = ()  # "pick": editable classes with a school day today
    can_view: bool = False  # they are responsible for students of other classes too


async def _viewable_elsewhere(session: AsyncSession, actor: Actor, own: set[int]) -> list[RosterEntry]:
    scope = teaching_scope(actor)
    if not scope.posts:
        return []
    return [s for s in await repo.students_where(session, visible_students(scope)) if s.class_id not in own]


async def entry_for(session: AsyncSession, clock: Clock, actor: Actor) -> Entry:
    editable = await repo.classes_headed_by(session, headed_staff_ids(actor))
    others = await _viewable_elsewhere(session, actor, {c.id for c in editable})
    if not editable and not others:
        return Entry("no_class")
    open_classes = [
        c for c in editable if await is_school_day(session, c.school_id, school_today(clock, c))
    ]
    view_open = False
    if others:
        other_classes = await repo.classes_by_ids(session, {s.class_id for s in others if s.class_id})
        view_open = any(
            [await is_school_day(session, c.school_id, school_today(clock, c)) for c in other_classes]
        )
    if not open_classes and not view_open:
        return Entry("not_school_day")
    if len(open_classes) == 1 and not view_open:
        return Entry("sheet", class_id=open_classes[0].id)
    if not open_classes:
        return Entry("view", can_view=True)
    return Entry("pick", classes=tuple(open_classes), can_view=view_open)


async def open_for_edit(
    session: AsyncSession, clock: Clock, actor: Actor, class_id: int
) -> tuple[ClassInfo, date]:
    """The class and its day, if this actor may fill in its sheet today."""
    info = await repo.class_info(session, class_id)
    if info is None or not may_edit(actor, info):
        raise AttendanceError("attendance-not-your-class")
    day = school_today(clock, info)
    if not await is_school_day(session, info.school_id, day):
        raise AttendanceError("attendance-not-school-day")
    return info, day


# ------------------------------------------------------------------- the sheet


@dataclass(frozen=True)
class StudentState:
    """One student as the sheet shows them: the saved mark, or the teacher's draft."""

    student_id: int
    name: str
    status: str | None = None  # None = present; else AttendanceStatus
    reason: str | None = None  # AbsenceReason
    from_guardian: bool = False
    guardian_answer: str | None = None
    unreachable: bool = False  # unknown absence, saved, and no guardian could be asked
    drafted: bool = False  # the teacher changed it and has not submitted yet

    @property
    def present(self) -> bool:
        return self.status is None


@dataclass(frozen=True)
class SheetView:
    info: ClassInfo
    day: date
    today: date
    saved: bool
    submitted_at: datetime | None
    updated_at: datetime | None
    students: tuple[StudentState, ...]
    # What the database says, before the draft: student id -> (status, reason).
    saved_marks: Mapping[int, tuple[str | None, str | None]] = field(default_factory=dict)

    @property
    def stale(self) -> bool:
        return self.day != self.today

    @property
    def not_present(self) -> list[StudentState]:
        return [s for s in self.students if not s.present]

    @property
    def pending_changes(self) -> int:
        return sum(1 for s in self.students if s.drafted)


def _status_of(value: str) -> tuple[str | None, str | None]:
    """A draft value as (status, reason); (None, None) is present."""
    if value == PRESENT:
        return None, None
    if value == ABSENT:
        return AttendanceStatus.ABSENT, AbsenceReason.UNKNOWN
    if value == AbsenceReason.LATE:
        return AttendanceStatus.LATE, AbsenceReason.LATE
    return AttendanceStatus.ABSENT, value


def _state_from_mark(entry: RosterEntry, mark: AttendanceMark | None, saved: bool) -> StudentState:
    if mark is None:
        return StudentState(entry.student_id, entry.name)
    return StudentState(
        entry.student_id,
        entry.name,
        status=mark.status,
        reason=mark.reason,
        from_guardian=mark.source == MarkSource.GUARDIAN,
        guardian_answer=mark.guardian_answer,
        unreachable=saved and _wants_notice(mark),
    )


def _wants_notice(mark: AttendanceMark) -> bool:
    return (
        mark.status == AttendanceStatus.ABSENT
        and mark.reason == AbsenceReason.UNKNOWN
        and mark.source != MarkSource.GUARDIAN
        and mark.notice_sent_at is None
    )


def _apply_draft(state: StudentState, value: str, mark: AttendanceMark | None) -> StudentState:
    if value == ABSENT and mark is not None:
        return state  # someone else marked them meanwhile: what they said stands
    status, reason = _status_of(value)
    return StudentState(state.student_id, state.name, status=status, reason=reason, drafted=True)


async def load_sheet(
    session: AsyncSession,
    clock: Clock,
    actor: Actor,
    class_id: int,
    day: date,
    draft: Mapping[int, str] | None = None,
) -> SheetView:
    info = await repo.class_info(session, class_id)
    if info is None or not may_edit(actor, info):
        raise AttendanceError("attendance-not-your-class")
    roster = await repo.roster(session, class_id)
    marks = await repo.marks_of(session, [s.student_id for s in roster], day)
    sheet = await repo.sheet(session, class_id, day)
    draft = draft or {}
    students = []
    for entry in roster:
        mark = marks.get(entry.student_id)
        state = _state_from_mark(entry, mark, sheet is not None)
        if entry.student_id in draft:
            state = _apply_draft(state, draft[entry.student_id], mark)
        students.append(state)
    return SheetView(
        info=info,
        day=day,
        today=school_today(clock, info),
        saved=sheet is not None,
        submitted_at=sheet.submitted_at if sheet else None,
        updated_at=sheet.updated_at if sheet else None,
        students=tuple(students),
        saved_marks={sid: (m.status, m.reason) for sid, m in marks.items()},
    )


def tap(view: SheetView, draft: Mapping[int, str], student_id: int, value: str | None = None) -> dict[int, str]:
    """The draft after one tap: on a name (value None: present students become absent,
    others present) or on a reason. A value equal to what is saved leaves the draft, so
    the draft only ever holds real changes."""
    if value is not None and value not in DRAFT_VALUES:
        raise AttendanceError("attendance-bad-button")
    shown = next((s for s in view.students if s.student_id == student_id), None)
    if shown is None:
        raise AttendanceError("attendance-not-in-class")
    if value is None:
        value = ABSENT if shown.present else PRESENT
    saved = view.saved_marks.get(student_id, (None, None))
    new = dict(draft)
    if _status_of(value) == saved or (value == ABSENT and saved != (None, None)):
        new.pop(student_id, None)
    else:
        new[student_id] = value
    return new


# ---------------------------------------------------------------------- saving


@dataclass(frozen=True)
class SaveResult:
    created: bool  # the first save of the day's sheet
    changed: int  # students whose mark changed
    asked: int  # students whose guardians were sent the notice now
    unreachable: tuple[str, ...]  # students absent for no known reason nobody could be asked about
    present: int
    not_present: int


async def save_sheet(
    session: AsyncSession,
    clock: Clock,
    translator: Translator,
    actor: Actor,
    class_id: int,
    day: date,
    draft: Mapping[int, str],
) -> SaveResult:
    """Save the teacher's changes (student id -> PRESENT, ABSENT or a reason) to the day's
    sheet: creates it the first time, applies only real changes, logs each one, and asks
    guardians about unexplained absences. Idempotent: the same draft twice writes once."""
    info, today = await open_for_edit(session, clock, actor, class_id)
    if day != today:
        raise AttendanceError("attendance-stale-day")
    roster = await repo.roster(session, class_id)
    names = {s.student_id: s.name for s in roster}
    for student_id, value in draft.items():
        if student_id not in names:
            raise AttendanceError("attendance-not-in-class")
        if value not in DRAFT_VALUES:
            raise AttendanceError("attendance-bad-button")
    now = clock.now()
    marks = await repo.marks_of(session, list(names), day)

    changed = 0
    for student_id, value in draft.items():
        if await _apply(session, actor, info, day, now, student_id, value, marks):
            changed += 1

    sheet = await repo.sheet(session, class_id, day)
    created = sheet is None
    if sheet is None:
        sheet = AttendanceSheet(
            class_id=class_id, school_id=info.school_id, day=day,
            submitted_by_id=actor.person_id, submitted_at=now,
        )
        repo.add(session, sheet)
    elif changed:
        sheet.updated_at = now
    await session.flush()

    asked, unreachable = await _ask_guardians(session, clock, translator, info, marks, names)
    not_present = len(marks)
    log.info(
        "attendance sheet class=%s day=%s created=%s changed=%d asked=%d unreachable=%d",
        class_id, day, created, changed, asked, len(unreachable),
    )
    return SaveResult(
        created=created,
        changed=changed,
        asked=asked,
        unreachable=tuple(names[s] for s in unreachable),
        present=len(names) - not_present,
        not_present=not_present,
    )


async def _apply(
    session: AsyncSession,
    actor: Actor,
    info: ClassInfo,
    day: date,
    now: datetime,
    student_id: int,
    value: str,
    marks: dict[int, AttendanceMark],
) -> bool:
    mark = marks.get(student_id)
    before = (mark.status, mark.reason) if mark else (None, None)
    if value == ABSENT and mark is not None:
        return False  # already not present (a guardian's report may have come meanwhile)
    after = _status_of(value)
    if after == before:
        return False
    if after == (None, None):
        assert mark is not None
        await repo.delete_mark(session, mark)
        del marks[student_id]
    elif mark is None:
        mark = AttendanceMark(
            student_id=student_id, class_id=info.id, school_id=info.school_id, day=day,
            status=after[0], reason=after[1], source=MarkSource.TEACHER,
            recorded_by_id=actor.person_id, recorded_at=now,
        )
        repo.add(session, mark)
        marks[student_id] = mark
    else:
        mark.status, mark.reason = after[0], after[1]  # type: ignore[assignment]
        mark.source = MarkSource.TEACHER
        mark.recorded_by_id = actor.person_id
        mark.recorded_at = now
    repo.add(
        session,
        AttendanceChange(
            student_id=student_id, day=day,
            from_status=before[0], from_reason=before[1],
            to_status=after[0], to_reason=after[1],
            source=MarkSource.TEACHER, changed_by_id=actor.person_id, changed_at=now,
        ),
    )
    return True


async def _ask_guardians(
    session: AsyncSession,
    clock: Clock,
    translator: Translator,
    info: ClassInfo,
    marks: Mapping[int, AttendanceMark],
    names: Mapping[int, str],
) -> tuple[int, list[int]]:
    """The notice to the guardians of each unexplained absence not yet asked about."""
    waiting = [m for m in marks.values() if _wants_notice(m)]
    if not waiting:
        return 0, []
    guardians = await repo.current_guardians(session, [m.student_id for m in waiting])
    messages: list[OutgoingMessage] = []
    unreachable: list[int] = []
    now = clock.now()
    for mark in waiting:
        recipients = guardians.get(mark.student_id, [])
        if not recipients:
            unreachable.append(mark.student_id)
            continue
        messages.extend(
            _notice(translator, info, mark, names[mark.student_id], r) for r in recipients
        )
        mark.notice_sent_at = now
    await enqueue(session, clock, messages)
    await session.flush()
    return len(waiting) - len(unreachable), unreachable


def _notice(
    translator: Translator, info: ClassInfo, mark: AttendanceMark, child: str, to: Recipient
) -> OutgoingMessage:
    language = to.language
    return OutgoingMessage(
        dedup_key=f"absence-notice:{mark.id}:to:{to.person_id}",
        chat_id=to.chat_id,
        text=translator.get("absence-notice", language, child=child),
        kind=NOTICE_KIND,
        priority=Priority.URGENT,
        buttons=tuple(
            (Button(translator.get(key, language), callback_data=notice_data(mark.id, answer)),)
            for answer, key in NOTICE_ANSWERS
        ),
        person_id=to.person_id,
        school_id=info.school_id,
        timezone=info.timezone,
    )


# ----------------------------------------------------------------- read-only view


@dataclass(frozen=True)
class ClassToday:
    """A class as a subject teacher or mentor sees it (was the sheet done, and which of the
    students they are responsible for are not present), or a school admin (the whole class)."""

    info: ClassInfo
    day: date
    school_day: bool
    saved: bool
    submitted_at: datetime | None
    students: int  # of theirs in this class
    not_present: tuple[StudentState, ...] = field(default_factory=tuple)

    @property
    def absent(self) -> int:
        return sum(1 for s in self.not_present if s.status == AttendanceStatus.ABSENT)

    @property
    def late(self) -> int:
        return sum(1 for s in self.not_present if s.status == AttendanceStatus.LATE)

    @property
    def unexplained(self) -> int:
        return sum(1 for s in self.not_present if is_unexplained(s))


def is_unexplained(state: StudentState) -> bool:
    """Absent and nobody knows why: the reason is unknown and no guardian has answered,
    or the guardian answered "don't know". The school must act on it the same day."""
    if state.status != AttendanceStatus.ABSENT:
        return False
    if state.guardian_answer == GuardianAnswer.DONT_KNOW:
        return True
    return state.reason == AbsenceReason.UNKNOWN and state.guardian_answer is None


async def _classes_today(
    session: AsyncSession, clock: Clock, infos: list[ClassInfo], entries: list[RosterEntry]
) -> list[ClassToday]:
    """Today (each school's own today) of these classes, limited to these students."""
    by_class: dict[int, list[RosterEntry]] = {}
    for s in entries:
        if s.class_id is not None:
            by_class.setdefault(s.class_id, []).append(s)
    days: dict[int, tuple[date, bool]] = {}  # school -> (today, school day?)
    for info in infos:
        if info.school_id not in days:
            day = school_today(clock, info)
            days[info.school_id] = (day, await is_school_day(session, info.school_id, day))
    sheets: dict[int, AttendanceSheet] = {}
    marks: dict[int, AttendanceMark] = {}
    for day in {d for d, _ in days.values()}:
        same_day = [i for i in infos if days[i.school_id][0] == day]
        sheets |= await repo.sheets_of(session, [i.id for i in same_day], day)
        marks |= await repo.marks_of(
            session, [s.student_id for i in same_day for s in by_class.get(i.id, [])], day
        )
    out = []
    for info in infos:
        day, school_day = days[info.school_id]
        class_entries = by_class.get(info.id, [])
        sheet = sheets.get(info.id)
        out.append(
            ClassToday(
                info=info, day=day, school_day=school_day,
                saved=sheet is not None,
                submitted_at=sheet.submitted_at if sheet else None,
                students=len(class_entries),
                not_present=tuple(
                    _state_from_mark(e, marks[e.student_id], sheet is not None)
                    for e in class_entries
                    if e.student_id in marks
                ),
            )
        )
    return out


async def view_for(session: AsyncSession, clock: Clock, actor: Actor) -> list[ClassToday]:
    """What a teacher may read of today: only the students they are responsible for."""
    scope = teaching_scope(actor)
    if not scope.posts:
        return []
    students = await repo.students_where(session, visible_students(scope))
    infos = await repo.classes_by_ids(session, {s.class_id for s in students if s.class_id is not None})
    return await _classes_today(session, clock, infos, students)


def admin_scope(actor: Actor) -> Actor:
    """The same actor seen only as a school admin: the schools they administer, not the
    classes they teach nor their own children."""
    posts = tuple(
        replace(
            p, is_bureau_officer=False, is_head_teacher=False, is_subject_teacher=False,
            is_mentor=False, is_counsellor=False,
        )
        for p in actor.posts
        if p.is_school_admin
    )
    return replace(actor, posts=posts, children=frozenset())


async def school_overview(session: AsyncSession, clock: Clock, actor: Actor) -> list[ClassToday]:
    """Today of every class (with enrolled students) of every school this actor
    administers, school by school: whether the sheet is saved and who is not present.
    Read-only; empty for anyone who administers no school."""
    scope = admin_scope(actor)
    if not scope.admin_school_ids:
        return []
    students = await repo.students_where(session, visible_students(scope))
    infos = await repo.classes_by_ids(session, {s.class_id for s in students if s.class_id is not None})
    infos.sort(key=lambda i: (i.school_name, i.school_id))  # stable: grade order kept per school
    return await _classes_today(session, clock, infos, students)


async def class_today(session: AsyncSession, clock: Clock, actor: Actor, class_id: int) -> ClassToday:
    """One class of the admin's own school, whole; any other class is refused."""
    info = await repo.class_info(session, class_id)
    if info is None or info.school_id not in admin_scope(actor).admin_school_ids:
        raise AttendanceError("attendance-not-your-school")
    return (await _classes_today(session, clock, [info], await repo.roster(session, class_id)))[0]


# ------------------------------------------------------------------ reminders


async def queue_missing_sheet_reminders(
    session: AsyncSession,
    clock: Clock,
    translator: Translator,
    first_reminder: time,
    admin_reminder: time,
    until: time = time(23, 59, 59),
) -> int:
    """As of clock.now(): on a school day, each class with students and no sheet yet gets
    its head teacher reminded once it is `first_reminder` o'clock at the school, and each
    school admin one list of such classes once it is `admin_reminder`. Dedup keys make a
    re-run (or a run after downtime) harmless. Nothing is queued from `until` on: the day
    is over. Returns the outbox rows newly queued."""
    queued = 0
    for school in await repo.all_schools(session):
        tz = ZoneInfo(school.timezone)
        local = clock.now().astimezone(tz)
        now_time = local.time().replace(tzinfo=None)
        due_head = now_time >= first_reminder
        due_admin = now_time >= admin_reminder
        if not (due_head or due_admin) or now_time >= until:
            continue
        today = local.date()
        if not await is_school_day(session, school.id, today):
            continue
        classes = await repo.classes_with_students(session, school.id)
        sheets = await repo.sheets_of(session, [c.id for c in classes], today)
        missing = [c for c in classes if c.id not in sheets]
        if not missing:
            continue
        messages: list[OutgoingMessage] = []
        heads = {}
        for c in missing:
            if c.head_teacher_id is not None and c.head_teacher_id not in heads:
                heads[c.head_teacher_id] = await repo.staff_person(session, c.head_teacher_id)
        if due_head:
            for c in missing:
                person = heads.get(c.head_teacher_id) if c.head_teacher_id else None
                if person is None or person.chat_id is None:
                    continue
                lang = person.language
                label = translator.get("menu-class-label", lang, grade=c.grade, class_name=c.name)
                messages.append(
                    OutgoingMessage(
                        dedup_key=f"attendance-missing:{c.id}:{today.isoformat()}",
                        chat_id=person.chat_id,
                        text=translator.get(
                            "attendance-reminder", lang, class_label=label,
                            date=_date(translator, lang, today),
                        ),
                        kind=REMINDER_KIND,
                        priority=Priority.NORMAL,
                        buttons=((Button(translator.get("attendance-reminder-button", lang),
                                         callback_data=open_sheet_data(c.id)),),),
                        person_id=person.id,
                        school_id=school.id,
                        timezone=school.timezone,
                    )
                )
        if due_admin:
            for admin in await repo.school_admins(session, school.id):
                if admin.chat_id is None:
                    continue
                lang = admin.language
                lines = []
                for c in missing:
                    label = translator.get("menu-class-label", lang, grade=c.grade, class_name=c.name)
                    head = heads.get(c.head_teacher_id) if c.head_teacher_id else None
                    if head is None:
                        lines.append(translator.get("attendance-admin-line-no-head", lang, class_label=label))
                    else:
                        lines.append(
                            translator.get("attendance-admin-line", lang, class_label=label, teacher=head.name)
                        )
                messages.append(
                    OutgoingMessage(
                        dedup_key=f"attendance-missing-admin:{school.id}:{today.isoformat()}:to:{admin.id}",
                        chat_id=admin.chat_id,
                        text=translator.get(
                            "attendance-admin-missing", lang, school=school.name,
                            date=_date(translator, lang, today), count=len(missing),
                            lines="\n".join(lines),
                        ),
                        kind=ADMIN_REMINDER_KIND,
                        priority=Priority.NORMAL,
                        person_id=admin.id,
                        school_id=school.id,
                        timezone=school.timezone,
                    )
                )
        queued += await enqueue(session, clock, messages)
    return queued


def _date(translator: Translator, language: str | None, day: date) -> str:
    return translator.get("attendance-date", language, month=day.month, day=day.day)


def draft_from_json(raw: Mapping[str, str] | None) -> dict[int, str]:
    """Dialog data is JSON: student ids come back as strings."""
    return {int(k): v for k, v in (raw or {}).items() if v in DRAFT_VALUES}


def draft_to_json(draft: Mapping[int, str]) -> dict[str, str]:
    return {str(k): v for k, v in draft.items()}


__all__ = [
    "ABSENT", "AttendanceError", "ClassToday", "Entry", "PRESENT", "SaveResult", "SheetView",
    "StudentState", "TEACHER_REASONS", "admin_scope", "class_today", "draft_from_json",
    "draft_to_json", "entry_for", "is_unexplained", "load_sheet", "may_edit", "notice_data",
    "open_for_edit", "open_sheet_data", "queue_missing_sheet_reminders", "save_sheet",
    "school_overview", "tap", "view_for",
]
