"""心理健康: counselling notes, written and read only by a school's counsellors
(Staff.is_counsellor) and its school admins.

Nobody else — not the student's head teacher, subject teachers or mentor, not a guardian,
not a bureau officer, not the admin of another school — can list, read or write them,
whatever button they send. The notes are their own table (CounsellingNote), and this
module is the only code that reads it.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from zoneinfo import ZoneInfo

from sqlalchemy import ColumnElement, false
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import CounsellingNote, Student
from db.repositories import care as repo
from db.repositories.care import StudentChoice
from services import audit
from services.access import Actor
from services.clock import Clock, local_today
from services.visits import CareError, check_note, check_visit_day


def counselling_school_ids(actor: Actor) -> frozenset[int]:
    return frozenset(
        p.school_id for p in actor.posts if p.school_id and (p.is_counsellor or p.is_school_admin)
    )


def may_counsel(actor: Actor) -> bool:
    return bool(counselling_school_ids(actor))


def _scope(actor: Actor) -> ColumnElement[bool]:
    schools = counselling_school_ids(actor)
    return Student.school_id.in_(sorted(schools)) if schools else false()


async def student_for_counselling(session: AsyncSession, actor: Actor, student_id: int) -> StudentChoice | None:
    student = await repo.student_choice(session, student_id)
    if student is None or student.school_id not in counselling_school_ids(actor):
        return None
    return student


async def search_students(session: AsyncSession, actor: Actor, text: str | None, limit: int = 30) -> list[StudentChoice]:
    part = (text or "").strip()
    if not part or len(part) > 50:
        return []
    return await repo.enrolled_students(session, _scope(actor), name_part=part, limit=limit)


@dataclass(frozen=True)
class NoteView:
    written_on: date
    by: str
    text: str


async def read_notes(session: AsyncSession, actor: Actor, student_id: int) -> list[NoteView]:
    if await student_for_counselling(session, actor, student_id) is None:
        raise CareError("counselling-not-allowed")
    return [NoteView(n.written_on, by, n.text) for n, by in await repo.notes_of_student(session, student_id)]


async def write_note(
    session: AsyncSession, clock: Clock, actor: Actor, student_id: int, text: str | None, *, on: date | None = None
) -> CounsellingNote:
    student = await student_for_counselling(session, actor, student_id)
    if student is None or actor.person_id is None:
        raise CareError("counselling-not-allowed")
    value = check_note(text)
    if value is None:
        raise CareError("care-text-empty")
    today = local_today(clock, ZoneInfo(await repo.school_timezone(session, student.school_id)))
    note = CounsellingNote(
        student_id=student_id, school_id=student.school_id, written_by_id=actor.person_id,
        written_on=check_visit_day(on or today, today), text=value, recorded_at=clock.now(),
    )
    await repo.add(session, note)
    await audit.record(session, clock, actor, audit.Action.CHANGE, audit.COUNSELLING_NOTES, student_id=student_id)
    return note


__all__ = [
    "NoteView", "counselling_school_ids", "may_counsel", "read_notes", "search_students",
    "student_for_counselling", "write_note",
]
