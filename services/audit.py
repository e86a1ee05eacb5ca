"""The audit log: who read, changed or exported which student's record, and when.

    await record(session, clock, actor, Action.CHANGE, "status", student_id=42)
    await record(session, clock, actor, Action.EXPORT, "ledger-export",
                 scope=AuditScope(school_id=3, class_id=7, count=25))

The row is added to the caller's session, so it is committed (or rolled back) together
with the read or change it describes. Only ids and short codes are stored — never a
name, a phone number or the text read.

Who sees the log: a school admin the rows of their school, a bureau officer those of the
schools of their county (and county-wide exports); the command line on the server
(`python -m bot audit`) sees everything unless it is asked to look as a person (`--as`).
"""

from __future__ import annotations

from collections.abc import MutableMapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from openpyxl import Workbook
from sqlalchemy import ColumnElement, and_, false, or_, select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import AuditEntry, School, Student
from locales import Translator, get_translator
from services.access import Actor
from services.clock import Clock
from services.spreadsheet import first_sheet, header_row, to_bytes


class Action(StrEnum):
    READ = "read"
    CHANGE = "change"
    EXPORT = "export"


# What was read or changed: short codes, stable (the log is read years later).
LEDGER = "ledger"  # the ledger card (学生档案) in the bot
COUNSELLING_NOTES = "counselling-note"
STATUS = "status"  # 学籍 change: transfer, suspension, resumption, graduation
STATUS_FILE = "status-file"  # a transfer's file marked received
CENSUS = "census"  # 调查摸底: a change or "no change" confirmed
CENSUS_CARD = "census-card"  # the census card (guardians and their phones) read
ROSTER_IMPORT = "roster-import"
LEDGER_EXPORT = "ledger-export"
CENSUS_EXPORT = "census-export"
REPORT_EXPORT = "report-export"
DROPOUT_REGISTER_EXPORT = "dropout-register-export"  # 流失学生登记表: names, parents, addresses
INCIDENT_EXPORT = "incident-export"


@dataclass(frozen=True)
class AuditScope:
    """What an action on many students covered."""

    school_id: int | None = None
    class_id: int | None = None
    county_id: int | None = None
    count: int | None = None


def _person_id(actor: Actor | int | None) -> int | None:
    if isinstance(actor, Actor):
        return actor.person_id
    return actor


async def record(
    session: AsyncSession,
    clock: Clock,
    actor: Actor | int | None,
    action: Action | str,
    what: str,
    *,
    student_id: int | None = None,
    scope: AuditScope | None = None,
) -> AuditEntry:
    """Adds one log row to the caller's transaction (flushed with it)."""
    scope = scope or AuditScope()
    school_id, class_id = scope.school_id, scope.class_id
    if student_id is not None and school_id is None:
        student = await session.get(Student, student_id)  # usually already in the session
        if student is not None:
            school_id, class_id = student.school_id, class_id or student.class_id
    entry = AuditEntry(
        at=clock.now(), actor_person_id=_person_id(actor), action=Action(action).value, what=what,
        student_id=student_id, school_id=school_id, class_id=class_id, county_id=scope.county_id,
        count=scope.count,
    )
    session.add(entry)
    return entry


def add_for_student(
    session: AsyncSession, clock: Clock, actor: Actor | int | None, action: Action | str, what: str,
    student: Student,
) -> AuditEntry:
    """The same as record() for a student already at hand (no lookup, no await)."""
    entry = AuditEntry(
        at=clock.now(), actor_person_id=_person_id(actor), action=Action(action).value, what=what,
        student_id=student.id, school_id=student.school_id, class_id=student.class_id,
    )
    session.add(entry)
    return entry


SEEN_KEY = "audit_seen"


async def record_read_once(
    session: AsyncSession,
    clock: Clock,
    actor: Actor,
    what: str,
    student_id: int,
    seen: MutableMapping[str, Any],
) -> bool:
    """A dialog window that shows a student's record is drawn again on every tap (paging,
    a saved note): one "read" per student and open dialog. `seen` is the dialog's data
    (JSON-safe: a list of "what:id" strings). True when a row was written."""
    key = f"{what}:{student_id}"
    already = seen.get(SEEN_KEY)
    marks = list(already) if isinstance(already, list) else []
    if key in marks:
        return False
    await record(session, clock, actor, Action.READ, what, student_id=student_id)
    marks.append(key)
    seen[SEEN_KEY] = marks
    return True


# -------------------------------------------------------------------- reading


class NotAllowed(Exception):
    """The person may not see this part of the log."""


def visible_entries(viewer: Actor) -> ColumnElement[bool]:
    """Rows a person may read: their schools as admin, their counties as bureau officer."""
    clauses: list[ColumnElement[bool]] = [false()]
    if viewer.admin_school_ids:
        clauses.append(AuditEntry.school_id.in_(sorted(viewer.admin_school_ids)))
    if viewer.bureau_county_ids:
        counties = sorted(viewer.bureau_county_ids)
        clauses.append(AuditEntry.school_id.in_(select(School.id).where(School.county_id.in_(counties))))
        clauses.append(and_(AuditEntry.school_id.is_(None), AuditEntry.county_id.in_(counties)))
    return or_(*clauses)


async def may_view_school(session: AsyncSession, viewer: Actor, school_id: int) -> bool:
    if school_id in viewer.admin_school_ids:
        return True
    county = await session.scalar(select(School.county_id).where(School.id == school_id))
    return county is not None and county in viewer.bureau_county_ids


async def entries(
    session: AsyncSession,
    *,
    student_id: int | None = None,
    school_id: int | None = None,
    county_id: int | None = None,
    since: datetime | None = None,
    viewer: Actor | None = None,
    limit: int = 10_000,
) -> list[AuditEntry]:
    """The log, oldest first. `viewer` None: everything (the server's command line);
    a viewer asking for a school or student outside their reach gets NotAllowed."""
    where: list[ColumnElement[bool]] = []
    if student_id is not None:
        where.append(AuditEntry.student_id == student_id)
    if school_id is not None:
        where.append(AuditEntry.school_id == school_id)
    if county_id is not None:
        where.append(
            or_(
                AuditEntry.county_id == county_id,
                AuditEntry.school_id.in_(select(School.id).where(School.county_id == county_id)),
            )
        )
    if since is not None:
        where.append(AuditEntry.at >= since)
    if viewer is not None:
        if school_id is not None and not await may_view_school(session, viewer, school_id):
            raise NotAllowed()
        if student_id is not None:
            student_school = await session.scalar(select(Student.school_id).where(Student.id == student_id))
            if student_school is None or not await may_view_school(session, viewer, student_school):
                raise NotAllowed()
        if county_id is not None and county_id not in viewer.bureau_county_ids:
            raise NotAllowed()
        where.append(visible_entries(viewer))
    query = select(AuditEntry).where(*where).order_by(AuditEntry.at, AuditEntry.id).limit(limit)
    return list(await session.scalars(query))


COLUMNS = ("at", "actor", "action", "what", "student", "school", "class", "count")


def row_values(entry: AuditEntry) -> tuple[str, ...]:
    def text(value: object) -> str:
        return "" if value is None else str(value)

    count = text(entry.count)
    if entry.county_id is not None and entry.school_id is None:
        count = f"{count} (county {entry.county_id})" if count else f"county {entry.county_id}"
    return (
        entry.at.strftime("%Y-%m-%d %H:%M:%S"), text(entry.actor_person_id), entry.action, entry.what,
        text(entry.student_id), text(entry.school_id), text(entry.class_id), count,
    )


def table_text(rows: Sequence[AuditEntry], header: str) -> str:
    """A plain table for a terminal: columns padded to their widest cell."""
    lines = [tuple(part.strip() for part in header.split("|")), *(row_values(e) for e in rows)]
    widths = [max(len(line[i]) for line in lines) for i in range(len(COLUMNS))]
    return "\n".join("  ".join(cell.ljust(w) for cell, w in zip(line, widths, strict=True)).rstrip() for line in lines)


SHEET_COLUMNS: tuple[tuple[str, int], ...] = (
    ("at", 20), ("actor", 12), ("action", 10), ("what", 18), ("student", 10), ("school", 10),
    ("class", 10), ("county", 10), ("count", 10),
)


def build_sheet(rows: Sequence[AuditEntry], language: str, translator: Translator | None = None) -> bytes:
    translator = translator or get_translator()
    lang = translator.normalize(language)
    book = Workbook()
    sheet = first_sheet(book, translator.get("audit-sheet-title", lang))
    header_row(sheet, [translator.get(f"audit-col-{name}", lang) for name, _ in SHEET_COLUMNS],
               [w for _, w in SHEET_COLUMNS])
    for e in rows:
        sheet.append([
            e.at.replace(tzinfo=None), e.actor_person_id, e.action, e.what, e.student_id, e.school_id,
            e.class_id, e.county_id, e.count,
        ])
    return to_bytes(book)


__all__ = [
    "Action", "AuditScope", "NotAllowed", "add_for_student", "build_sheet", "entries", "may_view_school", "record",
    "record_read_once", "table_text", "visible_entries",
]
