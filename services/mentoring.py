"""帮扶制度: mentor teachers for students, coverage, and what mentors do.

- A school admin assigns mentors: one teacher to one or many students, several teachers
  to one student. A link is never deleted: unassigning sets `ended_at`, so who mentored
  whom, and when, stays on record (StudentMentor keeps started/ended).
- Coverage: every enrolled left-behind student must have a mentor now. The admin sees
  the students without one until it is fixed, and a weekly reminder (one per school per
  ISO week per admin, by dedup key) says how many are missing while any are.
- A mentor logs what they did for a mentee (tutoring, a birthday, a weekend together, a
  talk, other), dated today unless said otherwise.
"""

from __future__ import annotations

from datetime import date
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import (
    MentorActivity,
    MentorActivityKind,
    Priority,
    Staff,
    Student,
    StudentMentor,
    StudentStatus,
)
from db.repositories import care as repo
from db.repositories.care import StudentChoice, TeacherChoice
from locales import Translator
from services.access import Actor
from services.clock import Clock, local_today
from services.outbox import OutgoingMessage, enqueue
from services.visits import CareError, check_note, check_visit_day

COVERAGE_SHOWN = 60

# ------------------------------------------------------------------ assigning


def may_assign(actor: Actor) -> bool:
    return bool(actor.admin_school_ids)


async def teachers_to_assign(session: AsyncSession, actor: Actor) -> list[TeacherChoice]:
    return await repo.teachers_of_schools(session, actor.admin_school_ids)


async def _teacher(session: AsyncSession, actor: Actor, staff_id: int) -> Staff:
    staff = await session.get(Staff, staff_id)
    if staff is None or not staff.active or staff.school_id not in actor.admin_school_ids:
        raise CareError("care-not-allowed")
    if not (staff.is_head_teacher or staff.is_subject_teacher or staff.is_mentor or staff.is_counsellor):
        raise CareError("care-not-allowed")  # the same teachers the dialog offers
    return staff


async def students_to_assign(
    session: AsyncSession, actor: Actor, staff_id: int, *, name_part: str | None = None
) -> list[StudentChoice]:
    """The teacher's school's enrolled students: left-behind students without a mentor
    first (the gap to close), then the rest by class and name."""
    staff = await _teacher(session, actor, staff_id)
    assert staff.school_id is not None
    students = await repo.enrolled_students(
        session, Student.school_id == staff.school_id, name_part=name_part, limit=2000
    )
    gap = {s.id for s in await repo.left_behind_without_mentor(session, [staff.school_id], limit=2000)}
    return sorted(students, key=lambda s: s.id not in gap)  # stable: class order kept within


async def mentee_ids(session: AsyncSession, actor: Actor, staff_id: int) -> set[int]:
    await _teacher(session, actor, staff_id)
    return {link.student_id for link in await repo.active_links(session, staff_id=staff_id)}


async def set_mentees(
    session: AsyncSession, clock: Clock, actor: Actor, staff_id: int, student_ids: set[int],
    *, among: set[int] | None = None,
) -> tuple[int, int]:
    """Make the teacher's current mentees exactly `student_ids` (within `among`, the
    students the admin was shown, when given). Returns (assigned, ended)."""
    staff = await _teacher(session, actor, staff_id)
    allowed = set(
        await session.scalars(
            select(Student.id).where(Student.school_id == staff.school_id, Student.status == StudentStatus.ENROLLED)
        )
    )
    if not student_ids <= allowed:
        raise CareError("care-not-allowed")
    links = await repo.active_links(session, staff_id=staff_id)
    current = {link.student_id for link in links}
    scope = current if among is None else current & among
    now = clock.now()
    added = sorted(student_ids - current)
    for student_id in added:
        session.add(StudentMentor(student_id=student_id, staff_id=staff_id, started_at=now))
    ended = 0
    for link in links:
        if link.student_id in scope and link.student_id not in student_ids:
            link.ended_at = now
            ended += 1
    if added and not staff.is_mentor:
        staff.is_mentor = True
    await session.flush()
    return len(added), ended


async def assign(session: AsyncSession, clock: Clock, actor: Actor, staff_id: int, student_id: int) -> bool:
    """One more mentee; False when already mentored by this teacher."""
    current = await mentee_ids(session, actor, staff_id)
    added, _ = await set_mentees(session, clock, actor, staff_id, current | {student_id})
    return added == 1


async def unassign(session: AsyncSession, clock: Clock, actor: Actor, staff_id: int, student_id: int) -> bool:
    current = await mentee_ids(session, actor, staff_id)
    _, ended = await set_mentees(session, clock, actor, staff_id, current - {student_id})
    return ended == 1


# ------------------------------------------------------------------- coverage


async def coverage_gaps(session: AsyncSession, actor: Actor) -> list[StudentChoice]:
    """Left-behind students of the admin's schools with no mentor now."""
    return await repo.left_behind_without_mentor(session, actor.admin_school_ids)


def _week_key(day: date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


async def remind_coverage(session: AsyncSession, clock: Clock, translator: Translator) -> int:
    """Once a week per school while coverage is incomplete: its admins are told how many
    left-behind students have no mentor. Returns messages queued. Does not commit."""
    queued = 0
    for school in await repo.schools(session):
        total, missing = await repo.coverage_counts(session, school.id)
        if missing == 0:
            continue
        week = _week_key(local_today(clock, ZoneInfo(school.timezone)))
        messages = []
        for person in await repo.school_admins(session, school.id):
            if person.chat_id is None:
                continue
            lang = translator.normalize(person.language)
            messages.append(
                OutgoingMessage(
                    dedup_key=f"mentor-coverage:{school.id}:{week}:to:{person.id}",
                    chat_id=person.chat_id,
                    text=translator.get(
                        "mentor-coverage-reminder", lang, school=school.name, missing=missing, total=total
                    ),
                    kind="mentor-coverage",
                    priority=Priority.NORMAL,
                    person_id=person.id,
                    school_id=school.id,
                    timezone=school.timezone,
                )
            )
        queued += await enqueue(session, clock, messages)
    return queued


# ------------------------------------------------------------------ activity


def is_mentor(actor: Actor) -> bool:
    return any(p.is_mentor for p in actor.posts)


async def my_mentees(session: AsyncSession, actor: Actor) -> list[StudentChoice]:
    return await repo.mentees(session, [p.staff_id for p in actor.posts if p.is_teacher])


async def mentee(session: AsyncSession, actor: Actor, student_id: int) -> StudentChoice | None:
    if not await repo.mentors_of_student(session, student_id, actor.staff_ids):
        return None
    return await repo.student_choice(session, student_id)


async def log_activity(
    session: AsyncSession, clock: Clock, actor: Actor, student_id: int, kind: str,
    *, on: date | None = None, note: str | None = None,
) -> MentorActivity:
    if kind not in set(MentorActivityKind):
        raise CareError("care-stale-button")
    staff_ids = await repo.mentors_of_student(session, student_id, actor.staff_ids)
    if not staff_ids or actor.person_id is None:
        raise CareError("mentor-not-your-mentee")
    student = await repo.student_choice(session, student_id)
    assert student is not None
    today = local_today(clock, ZoneInfo(await repo.school_timezone(session, student.school_id)))
    activity = MentorActivity(
        student_id=student_id, school_id=student.school_id, staff_id=staff_ids[0],
        recorded_by_id=actor.person_id, kind=kind, happened_on=check_visit_day(on or today, today),
        note=check_note(note), recorded_at=clock.now(),
    )
    await repo.add(session, activity)
    return activity


__all__ = [
    "COVERAGE_SHOWN", "assign", "coverage_gaps", "is_mentor", "log_activity", "may_assign", "mentee",
    "mentee_ids", "my_mentees", "remind_coverage", "set_mentees", "students_to_assign",
    "teachers_to_assign", "unassign",
]
