"""学生档案 / 台帐: each student's ledger — basics, parents and guardians, categories,
mentor, and a timeline of everything the school did and saw, newest first.

The timeline is assembled from **sources**. A source is an async function
`(session, student_id, since, until) -> list[LedgerEntry]` (since/until: dates in the
school's calendar, both inclusive, None = open). Every source is listed once in
`SOURCES`; a new feature (incidents, home visits, weekend returns, parent contacts)
adds its history to every ledger — and to the spreadsheet's counts — by writing one
source and adding it to that tuple. An entry's `kind` is what the spreadsheet counts:
`KIND_VISIT` entries fill the visits columns, `KIND_CONTACT` entries the contacts ones.

Who may open a ledger (`ledger_scope`):
- the head teacher of the student's class, the subject teachers of that class and the
  student's current mentors (services.access.visible_students for their teaching posts);
- the school admins of the student's school;
- bureau officers, only for a student of their county with an open case of concern
  (an open dropout case; incidents add theirs to `BUREAU_GROUNDS`): the bureau sees
  figures, never individual children otherwise;
- never as a guardian, not even for their own child (they have "my children").

Phones of parents and guardians are shown only to the people who phone families: the
school's admins, the class's head teacher and the student's mentors.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, Select, and_, false, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import (
    AwayParent,
    DropoutCase,
    DropoutCaseEvent,
    DropoutEventKind,
    HomeVisit,
    School,
    Student,
)
from db.models.incidents import Incident
from db.repositories import ledger as repo
from db.repositories.ledger import StudentRow
from locales import Translator
from services import care_ledger, ledger_sources
from services import checkins as checkin_ledger
from services.access import Actor, visible_students
from services.ledger_entries import (
    KIND_ATTENDANCE,
    KIND_CONTACT,
    KIND_DROPOUT,
    KIND_GUARDIAN,
    KIND_STATUS,
    KIND_VISIT,
    MEDIA_KINDS,
    MEDIA_STATUS_PROOF,
    MEDIA_VISIT_VOICE,
    Label,
    LabelList,
    LedgerEntry,
    Media,
    Source,
    describe,
    local_noon,
    moment_of,
)

PER_PAGE = 8
SEARCH_LIMIT = 24

async def _tz(session: AsyncSession, student_id: int) -> ZoneInfo:
    return ZoneInfo(await repo.school_timezone(session, student_id))


# --------------------------------------------------------------------- sources


async def attendance_months(
    session: AsyncSession, student_id: int, since: date | None, until: date | None
) -> list[LedgerEntry]:
    """One entry per month with an absence or lateness: days absent by reason, times late."""
    tz = await _tz(session, student_id)
    by_month: dict[str, Counter[str]] = defaultdict(Counter)
    last_day: dict[str, date] = {}
    for mark in await repo.marks(session, student_id, since, until):
        month = f"{mark.day.year:04d}-{mark.day.month:02d}"
        key = "late" if mark.status == "late" else mark.reason
        by_month[month][key] += 1
        last_day[month] = max(last_day.get(month, mark.day), mark.day)
    entries = []
    for month, counts in by_month.items():
        late = counts.pop("late", 0)
        absent = sum(counts.values())
        detail = LabelList(
            tuple(Label("ledger-reason-count", {"reason": Label(f"ledger-reason-{r}"), "count": n})
                  for r, n in sorted(counts.items()))
        )
        entries.append(
            LedgerEntry(
                at=local_noon(last_day[month], tz),
                kind=KIND_ATTENDANCE,
                text_key="ledger-entry-attendance",
                params={"month": month, "absent": absent, "detail": detail, "late": late},
            )
        )
    return entries


def _dropout_entry(event: DropoutCaseEvent, tz: ZoneInfo, visit: HomeVisit | None = None) -> LedgerEntry:
    kind, params = KIND_DROPOUT, {}
    if event.kind == DropoutEventKind.VISIT:
        kind, key = KIND_VISIT, "ledger-entry-dropout-visit"
        params = {"visitors": event.visitors or "", "result": event.result or ""}
    elif event.kind == DropoutEventKind.CLOSED:
        key = "ledger-entry-dropout-closed"
        params = {"outcome": Label(f"dropout-outcome-{event.result or 'other'}")}
    elif event.kind == DropoutEventKind.STAGE:
        key = "ledger-entry-dropout-stage"
        params = {"stage": Label(f"dropout-stage-{event.to_stage}")}
    elif event.kind == DropoutEventKind.RETURNED:
        key = "ledger-entry-dropout-returned"
    elif event.kind == DropoutEventKind.OPENED:
        key = "ledger-entry-dropout-opened"
    else:
        key = "ledger-entry-dropout-note"
        params = {"note": event.note or ""}
    media = care_ledger.visit_media(visit) if visit is not None else ()
    return LedgerEntry(
        moment_of(event.happened_on, event.recorded_at, tz), kind, key, params, order=event.id, media=media
    )


async def dropout_events_batch(
    session: AsyncSession, student_ids: Sequence[int], since: date | None, until: date | None
) -> dict[int, list[LedgerEntry]]:
    zones = await repo.timezones(session, student_ids)
    out: dict[int, list[LedgerEntry]] = {i: [] for i in student_ids}
    events = await repo.dropout_events_of(session, student_ids, since, until)
    # A home visit logged for the case is shown as the case's visit event, with its files.
    visits = await repo.visits_of_events(session, [e.id for _s, e in events if e.kind == DropoutEventKind.VISIT])
    for student_id, event in events:
        tz = ZoneInfo(zones.get(student_id, "Asia/Shanghai"))
        out[student_id].append(_dropout_entry(event, tz, visits.get(event.id)))
    return out


async def dropout_events(
    session: AsyncSession, student_id: int, since: date | None, until: date | None
) -> list[LedgerEntry]:
    """Every step of the student's dropout cases; persuasion visits count as visits."""
    return (await dropout_events_batch(session, [student_id], since, until))[student_id]


async def status_changes(
    session: AsyncSession, student_id: int, since: date | None, until: date | None
) -> list[LedgerEntry]:
    """学籍: transfers in and out, suspension, resumption, graduation."""
    tz = await _tz(session, student_id)
    changes = await repo.status_changes(session, student_id, since, until)
    schools = await repo.school_names(session, [c.school_id for c in changes if c.school_id])
    entries = []
    for change in changes:
        kind = change.kind or "other"
        params: dict[str, object] = {
            "school": schools.get(change.school_id or 0, ""),
            "other": change.other_school or "",
            "reason": change.reason or "",
            "status": Label(f"status-state-{change.to_status}"),
        }
        key = f"ledger-entry-status-{kind}" if kind in STATUS_ENTRY_KINDS else "ledger-entry-status-other"
        at = moment_of(change.effective_on, change.recorded_at, tz)
        media = (Media(MEDIA_STATUS_PROOF, change.id),) if change.proof_file_id else ()
        entries.append(LedgerEntry(at, KIND_STATUS, key, params, order=2 * change.id + 1, media=media))
        if change.file_pending and change.file_cleared_at is None:
            entries.append(LedgerEntry(at, KIND_STATUS, "ledger-entry-file-pending", {}, order=2 * change.id))
    return entries


STATUS_ENTRY_KINDS = frozenset({"transfer_in", "transfer_out", "suspension", "resumption", "graduation"})


async def guardian_changes(
    session: AsyncSession, student_id: int, since: date | None, until: date | None
) -> list[LedgerEntry]:
    """Who became or stopped being the student's guardian, and when."""
    tz = await _tz(session, student_id)
    links = (await repo.guardian_links(session, [student_id], current_only=False))[student_id]
    entries = []
    for link, person in links:
        params = {"relation": Label(f"ledger-relation-{link.relation}"), "name": person.name}
        moments = [("ledger-entry-guardian-start", link.started_at)]
        if link.ended_at is not None:
            moments.append(("ledger-entry-guardian-end", link.ended_at))
        for key, moment in moments:
            day = moment.astimezone(tz).date()
            if (since is None or day >= since) and (until is None or day <= until):
                entries.append(LedgerEntry(moment, KIND_GUARDIAN, key, params))
    return entries


describe(attendance_months, kinds=frozenset({KIND_ATTENDANCE}))
describe(dropout_events, kinds=frozenset({KIND_DROPOUT, KIND_VISIT}), batch=dropout_events_batch)
describe(status_changes, kinds=frozenset({KIND_STATUS}))
describe(guardian_changes, kinds=frozenset({KIND_GUARDIAN}))

# Every source of the timeline. A feature adds its history here with one line.
SOURCES: tuple[Source, ...] = (
    attendance_months,
    dropout_events,
    status_changes,
    guardian_changes,
    care_ledger.home_visits,
    care_ledger.mentor_activities,
    ledger_sources.home_returns,
    ledger_sources.monthly_contacts,
    ledger_sources.teacher_contacts,
    ledger_sources.incidents,
    checkin_ledger.checkin_entries,
)


async def collect_many(
    session: AsyncSession,
    student_ids: Sequence[int],
    since: date | None,
    until: date | None,
    kinds: frozenset[str],
) -> dict[int, list[LedgerEntry]]:
    """The entries of these kinds for many students (the spreadsheet's counts), newest
    first; sources that say they give none of these kinds are not asked."""
    out: dict[int, list[LedgerEntry]] = {i: [] for i in student_ids}
    for source in SOURCES:
        given = getattr(source, "kinds", None)
        if given is not None and not given & kinds:
            continue
        batch = getattr(source, "batch", None)
        if batch is not None:
            found = await batch(session, student_ids, since, until)
        else:
            found = {i: await source(session, i, since, until) for i in student_ids}
        for student_id, entries in found.items():
            out[student_id].extend(e for e in entries if e.kind in kinds)
    return {i: sorted(entries, key=lambda e: e.at, reverse=True) for i, entries in out.items()}


async def collect(
    session: AsyncSession,
    student_id: int,
    since: date | None = None,
    until: date | None = None,
    sources: Sequence[Source] | None = None,
) -> list[LedgerEntry]:
    """All entries of the student's timeline, newest first."""
    entries: list[LedgerEntry] = []
    for source in SOURCES if sources is None else sources:
        found = await source(session, student_id, since, until)
        entries.extend(sorted(found, key=lambda e: (e.at, e.order), reverse=True))
    # Stable: entries of different sources at the same moment keep the order of SOURCES.
    return sorted(entries, key=lambda e: e.at, reverse=True)


# --------------------------------------------------------------------- access


def _as_staff(actor: Actor) -> Actor:
    """The actor's school posts only: being a guardian, or a bureau officer, grants no
    ledger through visible_students."""
    posts = tuple(replace(p, is_bureau_officer=False) for p in actor.posts)
    return replace(actor, posts=posts, children=frozenset())


def open_dropout_case_students() -> Select[tuple[int]]:
    return select(DropoutCase.student_id).where(DropoutCase.ended_at.is_(None))


def open_incident_students() -> Select[tuple[int]]:
    return select(Incident.student_id).where(Incident.closed_at.is_(None))


# Why a bureau officer may open one child's ledger: each gives the students with an
# open matter the bureau must follow (issue #6: never individual children otherwise).
BUREAU_GROUNDS: tuple[Callable[[], Select[tuple[int]]], ...] = (open_dropout_case_students, open_incident_students)


def ledger_scope(actor: Actor) -> ColumnElement[bool]:
    """A WHERE clause on Student: the ledgers this actor may open."""
    clauses: list[ColumnElement[bool]] = []
    staff = _as_staff(actor)
    if staff.posts:
        clauses.append(visible_students(staff))
    if actor.bureau_county_ids and BUREAU_GROUNDS:
        clauses.append(
            and_(
                Student.school_id.in_(
                    select(School.id).where(School.county_id.in_(sorted(actor.bureau_county_ids)))
                ),
                or_(*(Student.id.in_(ground()) for ground in BUREAU_GROUNDS)),
            )
        )
    return or_(*clauses) if clauses else false()


def may_use(actor: Actor) -> bool:
    """Who gets /student at all: staff (whether a given child is theirs is checked per child)."""
    return bool(actor.roles & {"teacher", "school_admin", "bureau_officer"})


async def can_open(session: AsyncSession, actor: Actor, student_id: int) -> bool:
    found = await session.scalar(select(Student.id).where(Student.id == student_id, ledger_scope(actor)))
    return found is not None


async def may_see_phones(session: AsyncSession, actor: Actor, row: StudentRow) -> bool:
    if row.student.school_id in actor.admin_school_ids:
        return True
    heads = {p.staff_id for p in actor.posts if p.is_head_teacher}
    if row.head_teacher_id is not None and row.head_teacher_id in heads:
        return True
    return await repo.is_current_mentor(session, actor.staff_ids, row.student.id)


# ----------------------------------------------------------------------- card


@dataclass(frozen=True)
class ParentLine:
    relation: str
    name: str | None
    work_place: str | None
    phone: str | None  # None when hidden from this reader or unknown


@dataclass(frozen=True)
class GuardianLine:
    relation: str
    name: str
    phone: str | None
    is_proxy: bool


@dataclass(frozen=True)
class LedgerCard:
    row: StudentRow
    parents: list[ParentLine]
    guardians: list[GuardianLine]
    mentors: list[str]
    shows_phones: bool

    @property
    def student(self) -> Student:
        return self.row.student

    @property
    def categories(self) -> list[str]:
        s = self.student
        flags = {
            "left_behind": s.is_left_behind, "migrant": s.is_migrant, "disabled": s.is_disabled,
            "hardship": s.has_hardship, "boarding": s.is_boarding,
        }
        return [name for name, on in flags.items() if on]


def _parent_line(parent: AwayParent, phones: bool) -> ParentLine:
    return ParentLine(parent.relation, parent.name, parent.work_place, parent.phone if phones else None)


async def ledger_card(session: AsyncSession, actor: Actor, student_id: int) -> LedgerCard | None:
    """The ledger's head if the actor may open it, else None (whether the child exists is
    not told)."""
    if not await can_open(session, actor, student_id):
        return None
    row = await repo.student_row(session, student_id)
    if row is None:  # pragma: no cover - can_open found it a moment ago
        return None
    phones = await may_see_phones(session, actor, row)
    parents = (await repo.away_parents(session, [student_id]))[student_id]
    links = (await repo.guardian_links(session, [student_id], current_only=True))[student_id]
    mentors = (await repo.mentor_names(session, [student_id]))[student_id]
    return LedgerCard(
        row=row,
        parents=[_parent_line(p, phones) for p in parents],
        guardians=[
            GuardianLine(link.relation, person.name, person.phone if phones else None, link.is_proxy)
            for link, person in links
        ],
        mentors=mentors,
        shows_phones=phones,
    )


@dataclass(frozen=True)
class TimelinePage:
    entries: list[LedgerEntry]
    page: int  # 0-based, clamped
    pages: int
    total: int


async def timeline_page(
    session: AsyncSession, actor: Actor, student_id: int, page: int, per_page: int = PER_PAGE
) -> TimelinePage | None:
    if not await can_open(session, actor, student_id):
        return None
    entries = await collect(session, student_id)
    pages = max(1, math.ceil(len(entries) / per_page))
    page = min(max(page, 0), pages - 1)
    return TimelinePage(entries[page * per_page:(page + 1) * per_page], page, pages, len(entries))


# ---------------------------------------------------------------------- files


@dataclass(frozen=True)
class MediaFile:
    """A file an entry carries, ready to be sent again: "voice" or "photo"."""

    sort: str
    file_id: str
    student_name: str
    day: date
    kind: str  # MEDIA_*


async def media_file(session: AsyncSession, actor: Actor, kind: str, ref: int) -> MediaFile | None:
    """The voice note or photo behind a ledger button, if this reader may open the
    student's ledger (the button may be stale or forged: checked again here)."""
    if kind not in MEDIA_KINDS:
        return None
    file_id: str | None
    if kind == MEDIA_STATUS_PROOF:
        change = await repo.status_change(session, ref)
        if change is None:
            return None
        student_id, file_id, day, sort = change.student_id, change.proof_file_id, change.effective_on, "photo"
    else:
        visit = await repo.home_visit(session, ref)
        if visit is None:
            return None
        student_id, day = visit.student_id, visit.visited_on
        file_id, sort = (visit.voice_file_id, "voice") if kind == MEDIA_VISIT_VOICE else (visit.photo_file_id, "photo")
    if not file_id or not await can_open(session, actor, student_id):
        return None
    row = await repo.student_row(session, student_id)
    return MediaFile(sort, file_id, row.student.name if row else "", day, kind)


def media_of(page: TimelinePage) -> list[Media]:
    """The files of a page's entries, in the page's order (one button each)."""
    return [m for entry in page.entries for m in entry.media]


def media_label(translator: Translator, lang: str, entry_day: date, media: Media) -> str:
    return translator.get(f"ledger-media-{media.kind}", lang, date=entry_day.isoformat())


# ------------------------------------------------------------------ finding


async def search(session: AsyncSession, actor: Actor, text: str, limit: int = SEARCH_LIMIT) -> list[StudentRow]:
    """Students whose name contains the typed text, among those the actor may open."""
    text = (text or "").strip()
    if not text:
        return []
    return await repo.search_students(session, ledger_scope(actor), text[:50], limit)


async def classes(session: AsyncSession, actor: Actor) -> list[tuple[int, int, str]]:
    """(class id, grade, name) of classes holding students the actor may open."""
    found = await repo.classes_of(session, ledger_scope(actor))
    return [(c.id, c.grade, c.name) for c in found]


async def class_students(session: AsyncSession, actor: Actor, class_id: int) -> list[Student]:
    """The class's current students (enrolled or suspended) the actor may open."""
    return await repo.students(
        session, and_(Student.class_id == class_id, ledger_scope(actor)), statuses=("enrolled", "suspended")
    )


async def bureau_students(session: AsyncSession, actor: Actor) -> list[StudentRow]:
    """For a bureau officer without a school post: the children they may open."""
    return await repo.student_rows(session, ledger_scope(actor), limit=SEARCH_LIMIT * 4)


# ------------------------------------------------------------------- words


def class_label(translator: Translator, lang: str, grade: int | None, class_name: str | None) -> str:
    if grade is None or class_name is None:
        return translator.get("ledger-no-class", lang)
    return translator.get("ledger-class-label", lang, grade=grade, class_name=class_name)


def render_param(translator: Translator, lang: str, value: object) -> str | int | float:
    if isinstance(value, Label):
        return translator.get(
            value.key, lang, **{k: render_param(translator, lang, v) for k, v in value.params.items()}
        )
    if isinstance(value, LabelList):
        if not value.items:
            return translator.get("ledger-none", lang)
        return translator.get("ledger-list-separator", lang).join(
            str(render_param(translator, lang, item)) for item in value.items
        )
    if isinstance(value, datetime | date):
        return value.isoformat()[:10]
    if isinstance(value, int | float | str):
        return value
    return str(value)


def render_entry(translator: Translator, lang: str, entry: LedgerEntry, tz: ZoneInfo) -> str:
    params = {k: render_param(translator, lang, v) for k, v in entry.params.items()}
    text = translator.get(entry.text_key, lang, **params)
    return translator.get("ledger-entry-line", lang, date=entry.at.astimezone(tz).date().isoformat(), text=text)


def relation_label(translator: Translator, lang: str, relation: str) -> str:
    key = f"ledger-relation-{relation}"
    return translator.get(key if translator.has(key, lang) else "ledger-relation-other", lang)


def parent_text(translator: Translator, lang: str, parent: ParentLine) -> str:
    none = translator.get("ledger-unknown", lang)
    return translator.get(
        "ledger-parent-line", lang, relation=relation_label(translator, lang, parent.relation),
        name=parent.name or "", place=parent.work_place or none,
        phone=parent.phone or translator.get("ledger-phone-hidden" if parent.phone is None else "ledger-unknown", lang),
    )


def guardian_text(translator: Translator, lang: str, guardian: GuardianLine) -> str:
    key = "ledger-guardian-line-proxy" if guardian.is_proxy else "ledger-guardian-line"
    return translator.get(
        key, lang, relation=relation_label(translator, lang, guardian.relation), name=guardian.name,
        phone=guardian.phone or translator.get("ledger-phone-hidden", lang),
    )


def card_text(translator: Translator, lang: str, card: LedgerCard) -> str:
    s, row = card.student, card.row
    none = translator.get("ledger-none", lang)
    gender = translator.get(f"ledger-gender-{s.gender}", lang) if s.gender in ("male", "female") else none
    lines = [
        translator.get(
            "ledger-card-title", lang, name=s.name, school=row.school_name,
            class_label=class_label(translator, lang, row.grade, row.class_name),
        ),
        translator.get(
            "ledger-card-basics", lang, gender=gender,
            birth=s.birth_date.isoformat() if s.birth_date else none,
            number=s.student_number, status=translator.get(f"status-state-{s.status}", lang),
        ),
        translator.get(
            "ledger-card-categories", lang,
            categories=translator.get("ledger-list-separator", lang).join(
                translator.get(f"ledger-category-{c}", lang) for c in card.categories
            ) or none,
        ),
        translator.get("ledger-card-parents", lang),
    ]
    lines.extend(parent_text(translator, lang, p) for p in card.parents)
    if not card.parents:
        lines.append(translator.get("ledger-card-no-parents", lang))
    lines.append(translator.get("ledger-card-guardians", lang))
    lines.extend(guardian_text(translator, lang, g) for g in card.guardians)
    if not card.guardians:
        lines.append(translator.get("ledger-card-no-guardian", lang))
    lines.append(
        translator.get(
            "ledger-card-mentor", lang,
            mentors=translator.get("ledger-list-separator", lang).join(card.mentors) or none,
        )
    )
    return "\n".join(lines)


def timeline_text(translator: Translator, lang: str, page: TimelinePage, tz: ZoneInfo) -> str:
    if not page.entries:
        return translator.get("ledger-timeline-empty", lang)
    lines = [translator.get("ledger-timeline-title", lang, page=page.page + 1, pages=page.pages)]
    lines.extend(render_entry(translator, lang, e, tz) for e in page.entries)
    return "\n".join(lines)


__all__ = [
    "BUREAU_GROUNDS", "KIND_CONTACT", "KIND_VISIT", "Label", "LabelList", "LedgerCard", "LedgerEntry",
    "Media", "MediaFile", "media_file", "media_label", "media_of",
    "PER_PAGE", "SOURCES", "Source", "TimelinePage", "can_open", "card_text", "class_students", "classes",
    "collect", "collect_many", "describe", "ledger_card", "ledger_scope", "may_use", "render_entry", "search", "timeline_page",
    "timeline_text",
]
