"""学生变动情况表: every change in who is at school between two days (both included).

Sheet 1, one row per change, oldest first: transfers in and out (with the other school
and whether the file is still pending), suspensions (with the reason), resumptions,
graduations — the status history (StudentStatusChange, by its effective date, at the
school that recorded it) — and, from the dropout cases (services.dropout_registers'
facts), dropouts on the day they were confirmed (辍学认定, with the case's reason) and
returns to school on the day the case ended so.

Sheet 2, the summary per grade (per school for the bureau): students at school (在校)
the day before the span and on its last day, and each kind of change counted. Without
dropouts, start + in + resumed − out − suspended − graduated = end.

The bureau's version lists on sheet 1 only children with an open dropout case or
incident (they may be named to the bureau); every change still counts in the summary.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta

from openpyxl import Workbook
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import Student, StudentStatus
from db.models.enums import DropoutOutcome
from db.repositories import reports as repo
from locales import Translator
from services.dropout_registers import CaseFacts, load_facts
from services.ledger import BUREAU_GROUNDS, class_label
from services.reports.counts import in_scope, standings_on_days
from services.reports.scope import Period, ReportScope
from services.spreadsheet import (
    DATE_FORMAT,
    add_sheet,
    bold_row,
    first_sheet,
    formats,
    titled,
    to_bytes,
    wrap,
)
from services.student_status import ChangeKind

DROPOUT = "dropout"
RETURN = "return"
KINDS = (
    ChangeKind.TRANSFER_IN.value, ChangeKind.RESUMPTION.value, RETURN,
    ChangeKind.TRANSFER_OUT.value, ChangeKind.SUSPENSION.value, DROPOUT, ChangeKind.GRADUATION.value,
)


@dataclass(frozen=True)
class Change:
    day: date
    kind: str
    student_id: int
    school_id: int
    name: str
    gender: str | None
    student_number: str
    grade: int | None
    class_name: str | None
    reason: str
    other_school: str
    file_pending: bool


async def changes_between(session: AsyncSession, scope: ReportScope, period: Period) -> list[Change]:
    classes = await repo.classes_of_schools(session, scope.school_ids)
    wanted = set(scope.class_ids) if scope.class_ids is not None else None
    found: list[Change] = []
    for change, student in await repo.changes_between(session, scope.school_ids, period.start, period.end):
        if change.kind is None or (wanted is not None and change.class_id not in wanted):
            continue
        c = classes.get(change.class_id) if change.class_id is not None else None
        found.append(Change(
            change.effective_on, change.kind, student.id, change.school_id or student.school_id, student.name,
            student.gender, student.student_number, c.grade if c else None, c.name if c else None,
            change.reason or "", change.other_school or "", bool(change.file_pending and change.file_cleared_at is None),
        ))
    cases = []
    for school_id in scope.school_ids:
        cases += await load_facts(session, school_id, scope.class_ids)
    numbers = await repo.students_by_ids(session, [f.row.case.student_id for f in cases])
    for f in cases:
        case = f.row.case
        if f.confirmed_on is not None and period.start <= f.confirmed_on <= period.end:
            found.append(_case_change(f, numbers.get(case.student_id), f.confirmed_on, DROPOUT, case.reason))
        if (
            f.ended_on is not None and case.outcome == DropoutOutcome.RETURNED
            and f.confirmed_on is not None and period.start <= f.ended_on <= period.end
        ):
            found.append(_case_change(f, numbers.get(case.student_id), f.ended_on, RETURN, case.close_reason))
    found.sort(key=lambda c: (c.day, KINDS.index(c.kind) if c.kind in KINDS else 99, c.name))
    return found


def _case_change(f: CaseFacts, student: Student | None, day: date, kind: str, reason: str | None) -> Change:
    row = f.row
    return Change(
        day, kind, row.case.student_id, row.case.school_id, row.student_name, row.student_gender,
        student.student_number if student else "", row.grade, row.class_name, reason or "", "", False,
    )


async def _at_school(
    session: AsyncSession, scope: ReportScope, days: list[date]
) -> list[list[tuple[int, int | None]]]:
    """For each day, (school id, grade) of each student at school (在校) that day."""
    classes = await repo.classes_of_schools(session, scope.school_ids)
    standings = await standings_on_days(session, scope.school_ids, days, scope.timezone)
    found = []
    for day in days:
        out = []
        for s in standings[day]:
            if s.status == StudentStatus.ENROLLED and in_scope(s, scope):
                c = classes.get(s.class_id) if s.class_id is not None else None
                out.append((s.school_id, c.grade if c else None))
        found.append(out)
    return found


async def build_changes(
    session: AsyncSession, translator: Translator, lang: str, scope: ReportScope, period: Period
) -> bytes:
    def t(key: str, **params: object) -> str:
        return translator.get(key, lang, **params)

    changes = await changes_between(session, scope, period)
    named = (
        await repo.students_among(session, scope.school_ids, [g() for g in BUREAU_GROUNDS]) if scope.bureau else None
    )
    schools = {sid: await repo.school(session, sid) for sid in scope.school_ids}

    def school_name(school_id: int) -> str:
        school = schools.get(school_id)
        return school.name if school else ""

    book = Workbook()
    detail = first_sheet(book, t("report-changes-sheet"))
    titled(
        detail, t("report-changes-title", name=scope.name, start=period.start.isoformat(), end=period.end.isoformat()),
        [t("report-col-no"), t("report-col-date"), t("report-col-kind"), t("report-col-name"), t("report-col-gender"),
         t("report-col-student-number"), t("report-col-school"), t("report-col-class"), t("report-col-reason"),
         t("report-col-other-school"), t("report-col-file-pending")],
        [6, 12, 10, 10, 6, 20, 18, 12, 30, 20, 10],
    )
    number = 0
    for change in changes:
        if named is not None and change.student_id not in named:
            continue
        number += 1
        detail.append([
            number, change.day, t(f"report-kind-{change.kind.replace('_', '-')}"), change.name,
            t(f"report-gender-{change.gender}") if change.gender in ("male", "female") else "",
            change.student_number, school_name(change.school_id),
            class_label(translator, lang, change.grade, change.class_name), change.reason, change.other_school,
            t("report-yes") if change.file_pending else "",
        ])
    formats(detail, {2: DATE_FORMAT})
    wrap(detail, [9, 10])

    summary = add_sheet(book, t("report-changes-summary-sheet"))
    kind_headers = [t(f"report-kind-{k.replace('_', '-')}") for k in KINDS]
    titled(
        summary,
        t("report-changes-summary-title", name=scope.name, start=period.start.isoformat(), end=period.end.isoformat()),
        [t("report-col-school") if scope.bureau else t("report-col-grade"), t("report-col-at-start"),
         *kind_headers, t("report-col-at-end")],
        [24 if scope.bureau else 10, 12, *[8] * len(KINDS), 12],
    )
    before, after = await _at_school(session, scope, [period.start - timedelta(days=1), period.end])
    classes = await repo.classes_of_schools(session, scope.school_ids)

    def grade_of(change: Change) -> int | None:
        return change.grade

    if scope.bureau:
        keys: list[object] = sorted(scope.school_ids, key=school_name)
        start_keys = [school for school, _ in before]
        end_keys = [school for school, _ in after]
        change_keys = [(c.school_id, c.kind) for c in changes]
        labels = {k: school_name(k) for k in keys}  # type: ignore[arg-type]
    else:
        grades = {g for _, g in before} | {g for _, g in after} | {grade_of(c) for c in changes}
        grades |= {c.grade for c in classes.values() if scope.class_ids is None or c.id in scope.class_ids}
        keys = sorted(g for g in grades if g is not None) + ([None] if None in grades else [])  # type: ignore[type-var]
        start_keys = [g for _, g in before]
        end_keys = [g for _, g in after]
        change_keys = [(grade_of(c), c.kind) for c in changes]
        labels = {k: t("report-grade", grade=k) if k is not None else t("report-no-class") for k in keys}
    totals = [0] * (len(KINDS) + 2)
    # Counted once each (a county's keys against 100,000 students, not once per school).
    at_start, changed, at_end = Counter(start_keys), Counter(change_keys), Counter(end_keys)
    for key in keys:
        row = [at_start[key], *(changed[(key, kind)] for kind in KINDS), at_end[key]]
        totals = [a + b for a, b in zip(totals, row, strict=True)]
        summary.append([labels[key], *row])
    summary.append([t("report-total"), *totals])
    bold_row(summary)
    return to_bytes(book)


__all__ = ["DROPOUT", "KINDS", "RETURN", "Change", "build_changes", "changes_between"]
