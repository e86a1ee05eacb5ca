"""The school roster (花名册): blank template, import from .xlsx / .csv, all or nothing.

    content = build_template("zh_Hans")
    result = await import_roster(session, clock, school_id, "roster.xlsx", data)
    # raises RosterInvalid(problems) when anything is wrong; nothing is written then

The caller commits (the bot's middleware once per update; the command line itself).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from datetime import date
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from db.models import School
from db.repositories import roster as repo
from services import audit
from services.access import Actor
from services.clock import Clock, local_today
from services.roster.apply import ImportResult, apply_rows
from services.roster.problems import MAX_SHOWN, Problem, RosterInvalid, describe, render_problems
from services.roster.reader import MAX_FILE_BYTES, MAX_ROWS, read_sheet
from services.roster.template import build_template
from services.roster.validate import RosterRow, parse_rows

log = logging.getLogger(__name__)

__all__ = [
    "MAX_FILE_BYTES", "MAX_ROWS", "MAX_SHOWN", "ImportResult", "Problem", "RosterInvalid",
    "build_template", "describe", "import_roster", "render_problems", "render_result",
]


async def import_roster(
    session: AsyncSession, clock: Clock, school_id: int, file_name: str, content: bytes,
    *, actor: Actor | None = None,
) -> ImportResult:
    school = await session.get(School, school_id)
    if school is None:
        raise ValueError(f"no school {school_id}")
    today = local_today(clock, ZoneInfo(school.timezone))
    # Reading and checking 5,000 rows takes a moment: off the event loop, so the bot stays quick.
    rows, problems = await asyncio.to_thread(_read_and_check, file_name, content, today)

    numbers = [row.student_number for row in rows if row.student_number]
    existing = {}
    for student in await repo.students_by_numbers(session, numbers):
        if student.school_id == school_id:
            existing[student.student_number] = student
            continue
        # Another school's child: refuse, and say nothing about where they are.
        for row in rows:
            if row.student_number == student.student_number:
                problems.append(Problem("other-school", row.row, "student_number"))
    if problems:
        log.info("roster for school %s refused: %d problem(s)", school_id, len(problems))
        raise RosterInvalid(problems)

    result = await apply_rows(session, school_id, rows, existing, clock.now())
    # One audit row for the file (actor None: the command line on the server).
    await audit.record(
        session, clock, actor, audit.Action.CHANGE, audit.ROSTER_IMPORT,
        scope=audit.AuditScope(school_id, count=result.students_created + result.students_updated),
    )
    log.info(
        "roster for school %s: %d rows, %d created, %d updated, %d unchanged",
        school_id, len(rows), result.students_created, result.students_updated,
        result.students_unchanged,
    )
    return result


def _read_and_check(file_name: str, content: bytes, today: date) -> tuple[list[RosterRow], list[Problem]]:
    return parse_rows(read_sheet(file_name, content), today)


def render_result(result: ImportResult, t: Callable[..., str]) -> str:
    lines = [
        t(
            "roster-import-done",
            created=result.students_created,
            updated=result.students_updated,
            unchanged=result.students_unchanged,
            classes=result.classes_created,
            people=result.people_created,
        )
    ]
    if result.guardian_links_ended:
        lines.append(t("roster-import-guardians-replaced", count=result.guardian_links_ended))
    if result.not_in_file:
        lines.append(t("roster-import-not-in-file", count=result.not_in_file))
    return "\n".join(lines)
