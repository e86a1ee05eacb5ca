"""学生人数统计表: how many students a school has on a given day, by grade and class,
gender and category.

"On the books that day" is read from the status history (StudentStatusChange) where
there is one: the last change on or before the day says where the student stood; with
none before it, the first change after it says where they stood before (a student who
arrived from outside the system did not exist before); with no history, today's row.
A student moved through the system to another school (transfer out to a school that uses
the bot too) is on the receiving school's books, without a class, until placed.
Being left-behind has a history where the census recorded it (services.census: "became"
or "stopped being" left-behind, each with its time): a change recorded after the day is
undone for that day. Changes made outside the census (a roster re-import) and the other
categories (migrant, disabled, hardship, boarding) have no history: today's flags count. Enrolled (在校) and suspended (休学) students are both on the books
(在籍); transferred-out and graduated ones are not.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from openpyxl import Workbook
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import SchoolClass, StudentStatus, StudentStatusChange
from db.models.census import CensusChangeKind
from db.repositories import reports as repo
from db.repositories.reports import StudentRow
from locales import Translator
from services.ledger import class_label
from services.reports.scope import ReportScope
from services.spreadsheet import bold_row, first_sheet, titled, to_bytes
from services.student_status import ChangeKind

ON_BOOKS = (StudentStatus.ENROLLED, StudentStatus.SUSPENDED)
CATEGORIES = ("left_behind", "migrant", "disabled", "hardship", "boarding")


@dataclass(frozen=True)
class Standing:
    """Where one student stood on a day."""

    student: StudentRow
    school_id: int
    class_id: int | None
    status: str
    left_behind: bool = False


def left_behind_on(today_flag: bool, changes: Sequence[tuple[datetime, str]], day_ends: datetime) -> bool:
    """`changes` oldest first (when, kind). The first change recorded after the day says
    what held before it; with none, today's flag."""
    for at, kind in changes:
        if (at if at.tzinfo else at.replace(tzinfo=UTC)) >= day_ends:
            return kind == CensusChangeKind.STOPPED_LEFT_BEHIND
    return today_flag


def standing_on(student: StudentRow, history: Sequence[StudentStatusChange], day: date) -> Standing | None:
    """`history` oldest first. None: the student was not on any school's books yet."""
    if not history:  # most students: today's row
        return Standing(student, student.school_id, student.class_id, student.status)
    before = [c for c in history if c.effective_on <= day]
    after = [c for c in history if c.effective_on > day]
    if before:
        last = before[-1]
        if last.kind == ChangeKind.TRANSFER_OUT and last.other_school_id is not None:
            return Standing(student, last.other_school_id, None, StudentStatus.ENROLLED)
        school_id = last.school_id or student.school_id
        class_id = after[0].class_id if after and after[0].school_id == school_id else (
            student.class_id if student.school_id == school_id else last.class_id
        )
        return Standing(student, school_id, class_id, last.to_status)
    if after:
        first = after[0]
        if first.from_status is None:
            return None
        return Standing(student, first.school_id or student.school_id, first.class_id, first.from_status)
    return Standing(student, student.school_id, student.class_id, student.status)


async def standings_on(
    session: AsyncSession, school_ids: Iterable[int], day: date, timezone: str = "Asia/Shanghai"
) -> list[Standing]:
    """Every student on the books of these schools on `day` (enrolled or suspended)."""
    return (await standings_on_days(session, school_ids, [day], timezone))[day]


async def standings_on_days(
    session: AsyncSession, school_ids: Iterable[int], days: Iterable[date], timezone: str = "Asia/Shanghai"
) -> dict[date, list[Standing]]:
    """standings_on for several days, the students and their histories read once."""
    wanted = set(school_ids)
    students = await repo.students_touching(session, wanted)
    histories = await repo.status_histories(session, wanted)
    census = await repo.left_behind_changes(session, wanted)
    zone = ZoneInfo(timezone)
    found: dict[date, list[Standing]] = {}
    for day in days:
        out = found[day] = []
        day_ends = datetime.combine(day + timedelta(days=1), time(0), zone).astimezone(UTC)
        for student in students:
            standing = standing_on(student, histories.get(student.id, []), day)
            if standing is not None and standing.school_id in wanted and standing.status in ON_BOOKS:
                changes = census.get(student.id)
                if changes or student.is_left_behind:
                    flag = left_behind_on(bool(student.is_left_behind), changes or (), day_ends)
                    standing = Standing(standing.student, standing.school_id, standing.class_id,
                                        standing.status, flag)
                out.append(standing)
    return found


def in_scope(standing: Standing, scope: ReportScope) -> bool:
    return scope.class_ids is None or standing.class_id in scope.class_ids


@dataclass
class Tally:
    total: int = 0
    male: int = 0
    female: int = 0
    enrolled: int = 0
    suspended: int = 0
    left_behind: int = 0
    migrant: int = 0
    disabled: int = 0
    hardship: int = 0
    boarding: int = 0

    def add(self, standing: Standing) -> None:
        s = standing.student
        self.total += 1
        self.male += s.gender == "male"
        self.female += s.gender == "female"
        self.enrolled += standing.status == StudentStatus.ENROLLED
        self.suspended += standing.status == StudentStatus.SUSPENDED
        self.left_behind += standing.left_behind
        self.migrant += bool(s.is_migrant)
        self.disabled += bool(s.is_disabled)
        self.hardship += bool(s.has_hardship)
        self.boarding += bool(s.is_boarding)

    def values(self) -> list[int]:
        return [self.total, self.male, self.female, self.enrolled, self.suspended, self.left_behind,
                self.migrant, self.disabled, self.hardship, self.boarding]


FIGURES = ("total", "male", "female", "enrolled", "suspended", *CATEGORIES)


def tally(standings: Iterable[Standing]) -> Tally:
    found = Tally()
    for standing in standings:
        found.add(standing)
    return found


def _class_key(classes: dict[int, SchoolClass], class_id: int | None) -> tuple[int, int, str, int]:
    c = classes.get(class_id) if class_id is not None else None
    return (c is None, c.grade if c else 0, c.name if c else "", class_id or 0)


async def build_counts(
    session: AsyncSession, translator: Translator, lang: str, scope: ReportScope, day: date
) -> bytes:
    def t(key: str, **params: object) -> str:
        return translator.get(key, lang, **params)

    standings = [s for s in await standings_on(session, scope.school_ids, day, scope.timezone)
                 if in_scope(s, scope)]
    schools = {sid: await repo.school(session, sid) for sid in scope.school_ids}
    classes = await repo.classes_of_schools(session, scope.school_ids)
    figure_headers = [t(f"report-col-{f.replace('_', '-')}") for f in FIGURES]

    book = Workbook()
    sheet = first_sheet(book, t("report-counts-sheet"))
    title = t("report-counts-title", name=scope.name, date=day.isoformat())
    if scope.bureau:
        titled(sheet, title, [t("report-col-school"), *figure_headers], [24, *[9] * len(FIGURES)])
        per_school: dict[int, list[Standing]] = {}
        for s in standings:
            per_school.setdefault(s.school_id, []).append(s)
        for school_id in sorted(scope.school_ids, key=lambda i: schools[i].name if schools[i] else ""):
            school = schools[school_id]
            sheet.append([school.name if school else "", *tally(per_school.get(school_id, [])).values()])
        sheet.append([t("report-total"), *tally(standings).values()])
        bold_row(sheet)
        return to_bytes(book)

    titled(
        sheet, title, [t("report-col-school"), t("report-col-grade"), t("report-col-class"), *figure_headers],
        [18, 8, 14, *[9] * len(FIGURES)],
    )
    by_school: dict[int, list[Standing]] = {}
    for s in standings:
        by_school.setdefault(s.school_id, []).append(s)
    for school_id in scope.school_ids:
        school = schools[school_id]
        mine = by_school.get(school_id, [])
        by_class: dict[int | None, list[Standing]] = {}
        for s in mine:
            by_class.setdefault(s.class_id, []).append(s)
        # Every class shows, an empty one with zeros.
        for class_id in scope.class_ids if scope.class_ids is not None else [
            c.id for c in classes.values() if c.school_id == school_id
        ]:
            by_class.setdefault(class_id, [])
        grade_of = {cid: (classes[cid].grade if cid in classes else None) for cid in by_class}
        for grade in sorted({g for g in grade_of.values() if g is not None}) + (
            [None] if None in grade_of.values() else []
        ):
            ids = sorted((cid for cid, g in grade_of.items() if g == grade), key=lambda c: _class_key(classes, c))
            for class_id in ids:
                c = classes.get(class_id) if class_id is not None else None
                sheet.append([
                    school.name if school else "",
                    t("report-grade", grade=grade) if grade is not None else "",
                    class_label(translator, lang, c.grade, c.name) if c else t("report-no-class"),
                    *tally(by_class[class_id]).values(),
                ])
            if grade is not None and scope.class_ids is None:
                sheet.append([
                    school.name if school else "", t("report-grade", grade=grade), t("report-subtotal"),
                    *tally(s for cid in ids for s in by_class[cid]).values(),
                ])
                bold_row(sheet)
        sheet.append([school.name if school else "", "", t("report-total"), *tally(mine).values()])
        bold_row(sheet)
    return to_bytes(book)


__all__ = [
    "CATEGORIES", "FIGURES", "Standing", "Tally", "build_counts", "standing_on", "standings_on", "standings_on_days",
    "tally",
]
