"""Term compliance (专项督查 / 目标管理): per student, class and school, all from the logs.

For each school the term is the one holding the period's last day (services.contacts.
term_window: between terms the latest begun, no terms the half year), counted from its
first day up to that day (or its own end, if earlier). Students: those at school (在校)
on that day (services.reports.counts), a head teacher's own classes only.

- monthly parent contacts (留守学生至少每月与家长联系一次): left-behind students; months
  of the term so far (the running month included) against those a guardian confirmed;
- weekend / holiday returns (节假日、周末 … 向学校报告): times the guardian was asked
  "arrived home?" and times the child was confirmed home (by the guardian or by phone);
- teacher–parent contacts (每学期至少与留守学生家长联系二次): left-behind students,
  contacts logged in the term against settings contacts.teacher_contacts_per_term;
- home visits (家访) logged in the term; mentor coverage (帮扶): left-behind students
  with a mentor on the last day;
- attendance: school days of the term so far (services.calendar), absent days on days
  the class sheet exists (db.repositories.dropout.absent_days, what opens dropout
  cases), the rate, and chronic absence: absent on at least `chronic_ratio` (10 %) of
  those school days.

The bureau's version has the school sheet only, plus the children it may be named:
those with an open dropout case or incident.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass, field, fields
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from openpyxl import Workbook
from sqlalchemy.ext.asyncio import AsyncSession

from db.models import StudentStatus
from db.repositories import contacts as contacts_repo
from db.repositories import dropout as dropout_repo
from db.repositories import reports as repo
from locales import Translator
from services.calendar import load_calendar
from services.contacts import TermWindow, month_start, term_window
from services.ledger import class_label, open_dropout_case_students, open_incident_students
from services.reports.counts import Standing, in_scope, standings_on, standings_on_days
from services.reports.scope import Period, ReportScope
from services.spreadsheet import (
    PERCENT_FORMAT,
    add_sheet,
    bold_row,
    first_sheet,
    formats,
    titled,
    to_bytes,
)

DEFAULT_CHRONIC_RATIO = 0.10


@dataclass(frozen=True)
class StudentFigures:
    student_id: int
    name: str
    school_id: int
    class_id: int | None
    grade: int | None
    class_name: str | None
    left_behind: bool
    boarding: bool
    months_due: int
    months_confirmed: int
    returns_asked: int
    returns_confirmed: int
    teacher_contacts: int
    visits: int
    mentored: bool
    school_days: int
    absent_days: int
    required_contacts: int
    chronic_threshold: int

    @property
    def contacts_met(self) -> bool:
        return self.teacher_contacts >= self.required_contacts

    @property
    def attendance_rate(self) -> float | None:
        return (self.school_days - self.absent_days) / self.school_days if self.school_days else None

    @property
    def chronic(self) -> bool:
        return self.school_days > 0 and self.absent_days >= self.chronic_threshold


@dataclass
class Totals:
    """The same figures added up for a class, a school or the county."""

    students: int = 0
    left_behind: int = 0
    months_due: int = 0
    months_confirmed: int = 0
    returns_asked: int = 0
    returns_confirmed: int = 0
    contacts_met: int = 0
    visits: int = 0
    visited: int = 0
    mentored: int = 0
    student_days: int = 0
    absent_days: int = 0
    chronic: int = 0

    def add(self, f: StudentFigures) -> None:
        self.students += 1
        self.returns_asked += f.returns_asked
        self.returns_confirmed += f.returns_confirmed
        self.visits += f.visits
        self.visited += f.visits > 0
        self.student_days += f.school_days
        self.absent_days += f.absent_days
        self.chronic += f.chronic
        if f.left_behind:
            self.left_behind += 1
            self.months_due += f.months_due
            self.months_confirmed += f.months_confirmed
            self.contacts_met += f.contacts_met
            self.mentored += f.mentored

    def merge(self, other: Totals) -> None:
        """Adds another group's figures (every field is a count)."""
        for name in (f.name for f in fields(self)):
            setattr(self, name, getattr(self, name) + getattr(other, name))

    @staticmethod
    def share(part: int, whole: int) -> float | None:
        return part / whole if whole else None

    def values(self) -> list[object]:
        return [
            self.students, self.left_behind,
            self.months_confirmed, self.months_due, self.share(self.months_confirmed, self.months_due),
            self.returns_confirmed, self.returns_asked, self.share(self.returns_confirmed, self.returns_asked),
            self.contacts_met, self.share(self.contacts_met, self.left_behind),
            self.visits, self.visited,
            self.mentored, self.share(self.mentored, self.left_behind),
            self.share(self.student_days - self.absent_days, self.student_days), self.chronic,
        ]


TOTAL_COLUMNS = (
    "students", "left-behind", "months-confirmed", "months-due", "months-rate", "returns-confirmed",
    "returns-asked", "returns-rate", "contacts-met", "contacts-rate", "visits", "visited", "mentored",
    "mentor-rate", "attendance-rate", "chronic-count",
)
TOTAL_PERCENT = frozenset({"months-rate", "returns-rate", "contacts-rate", "mentor-rate", "attendance-rate"})


def totals(figures: Iterable[StudentFigures]) -> Totals:
    found = Totals()
    for f in figures:
        found.add(f)
    return found


@dataclass
class SchoolFigures:
    school_id: int
    name: str
    term: TermWindow
    until: date
    students: list[StudentFigures] = field(default_factory=list)


def _months(start: date, end: date) -> list[date]:
    months, month = [], month_start(start)
    while month <= end:
        months.append(month)
        month = month_start(month + timedelta(days=32))
    return months


def _last_moment(until: date, timezone: str) -> datetime:
    """The end of the last day counted, in the school's zone (mentor coverage is read then)."""
    return datetime.combine(until + timedelta(days=1), time(0), ZoneInfo(timezone))


@dataclass(frozen=True)
class Prefetched:
    """What school_figures reads from the logs for one school, read for many at once."""

    months_confirmed: dict[int, int]
    teacher_contacts: dict[int, int]
    returns: dict[int, tuple[int, int]]
    visits: dict[int, int]
    mentored: set[int]
    absences: dict[int, set[date]]


STUDENT_CHUNK = 2000  # ids per IN list (SQLite and asyncpg both cap bound parameters)


async def prefetch(
    session: AsyncSession, scope: ReportScope, windows: dict[int, TermWindow], end: date,
    on_books: dict[tuple[int, date], list[Standing]], timezones: dict[int, str],
) -> dict[int, Prefetched]:
    """The logs of every school of the scope in a few queries per distinct term window
    (a county's schools usually share one), instead of seven queries per school."""
    groups: dict[tuple[date, date, str], list[int]] = {}
    for school_id, window in windows.items():
        until = min(window.ends_on, end)
        groups.setdefault((window.starts_on, until, timezones[school_id]), []).append(school_id)
    found: dict[int, Prefetched] = {}
    for (start, until, timezone), school_ids in groups.items():
        left_behind = [
            s.student.id for school_id in school_ids for s in on_books.get((school_id, until), [])
            if s.status == StudentStatus.ENROLLED and in_scope(s, scope) and s.left_behind
        ]
        months = _months(start, until)
        confirmed: dict[int, int] = {}
        teacher: dict[int, int] = {}
        for at in range(0, len(left_behind), STUDENT_CHUNK):
            chunk = left_behind[at : at + STUDENT_CHUNK]
            confirmed.update(await contacts_repo.monthly_counts(session, chunk, months))
            teacher.update(await contacts_repo.term_counts(session, chunk, start, until))
        returns = await repo.return_counts_of_schools(session, school_ids, start, until)
        visits = await repo.visit_counts_of_schools(session, school_ids, start, until)
        mentored = await repo.mentored_at_schools(session, school_ids, _last_moment(until, timezone))
        absences = await dropout_repo.absent_days_of_schools(session, school_ids, start, until)
        for school_id in school_ids:
            found[school_id] = Prefetched(
                confirmed, teacher, returns.get(school_id, {}), visits.get(school_id, {}),
                mentored.get(school_id, set()), absences.get(school_id, {}),
            )
    return found


async def school_figures(
    session: AsyncSession, scope: ReportScope, school_id: int, end: date, *,
    required_contacts: int, chronic_ratio: float = DEFAULT_CHRONIC_RATIO,
    window: TermWindow | None = None, on_books: list[Standing] | None = None, read: Prefetched | None = None,
) -> SchoolFigures:
    """`window` (term_window of the school on `end`), `on_books` (standings_on of the
    school on the last day counted) and `read` (the logs, see prefetch) may be given when
    the caller read them for many schools at once (build_compliance); they are read here
    otherwise."""
    school = await repo.school(session, school_id)
    assert school is not None
    if window is None:
        window = await term_window(session, school_id, end)
    start, until = window.starts_on, min(window.ends_on, end)
    classes = await repo.classes_of_schools(session, [school_id])
    if on_books is None:
        on_books = await standings_on(session, [school_id], until, school.timezone)
    standings = [s for s in on_books if s.status == StudentStatus.ENROLLED and in_scope(s, scope)]
    left_behind = [s.student.id for s in standings if s.left_behind]

    months = _months(start, until)
    if read is None:
        confirmed_months = await contacts_repo.monthly_counts(session, left_behind, months)
        teacher = await contacts_repo.term_counts(session, left_behind, start, until)
        returns = await repo.return_counts(session, school_id, start, until)
        visits = await repo.visit_counts(session, school_id, start, until)
        mentored = await repo.mentored_at(session, school_id, _last_moment(until, school.timezone))
        absences = await dropout_repo.absent_days(session, school_id, start, until, unexplained_only=False)
    else:
        confirmed_months, teacher = read.months_confirmed, read.teacher_contacts
        returns, visits, mentored, absences = read.returns, read.visits, read.mentored, read.absences
    calendar = await load_calendar(session, school_id)
    days = set(calendar.school_days(start, until))
    threshold = max(1, math.ceil(round(chronic_ratio * len(days), 9)))

    out = SchoolFigures(school_id, school.name, window, until)
    for s in standings:
        student = s.student
        c = classes.get(s.class_id) if s.class_id is not None else None
        asked, home = returns.get(student.id, (0, 0))
        out.students.append(StudentFigures(
            student_id=student.id, name=student.name, school_id=school_id, class_id=s.class_id,
            grade=c.grade if c else None, class_name=c.name if c else None,
            left_behind=s.left_behind, boarding=bool(student.is_boarding),
            months_due=len(months) if s.left_behind else 0,
            months_confirmed=confirmed_months.get(student.id, 0),
            returns_asked=asked, returns_confirmed=home,
            teacher_contacts=teacher.get(student.id, 0), visits=visits.get(student.id, 0),
            mentored=student.id in mentored, school_days=len(days),
            absent_days=len(absences.get(student.id, set()) & days),
            required_contacts=required_contacts, chronic_threshold=threshold,
        ))
    out.students.sort(key=lambda f: (f.grade is None, f.grade or 0, f.class_name or "", f.class_id or 0, f.name, f.student_id))
    return out


def _term_text(translator: Translator, lang: str, school: SchoolFigures) -> str:
    return translator.get(
        "report-compliance-term", lang, term=school.term.name or translator.get("report-half-year", lang),
        start=school.term.starts_on.isoformat(), end=school.until.isoformat(),
    )


async def build_compliance(
    session: AsyncSession, translator: Translator, lang: str, scope: ReportScope, period: Period, *,
    required_contacts: int = 2, chronic_ratio: float = DEFAULT_CHRONIC_RATIO,
) -> bytes:
    def t(key: str, **params: object) -> str:
        return translator.get(key, lang, **params)

    # Terms first, then every school's students and status histories in one read (a
    # county's 200 schools: one query instead of 400).
    windows = {school_id: await term_window(session, school_id, period.end) for school_id in scope.school_ids}
    untils = {school_id: min(w.ends_on, period.end) for school_id, w in windows.items()}
    on_books: dict[tuple[int, date], list[Standing]] = {}
    for day, standings in (await standings_on_days(
            session, scope.school_ids, sorted(set(untils.values())), scope.timezone)).items():
        for standing in standings:
            on_books.setdefault((standing.school_id, day), []).append(standing)
    timezones = {i: s.timezone for i, s in (await repo.schools_by_ids(session, scope.school_ids)).items()}
    read = await prefetch(session, scope, windows, period.end, on_books, timezones)
    schools = [
        await school_figures(session, scope, school_id, period.end, required_contacts=required_contacts,
                             chronic_ratio=chronic_ratio, window=windows[school_id],
                             on_books=on_books.get((school_id, untils[school_id]), []), read=read[school_id])
        for school_id in scope.school_ids
    ]
    if scope.bureau:
        schools.sort(key=lambda s: s.name)
    title_term = _term_text(translator, lang, schools[0]) if schools else ""
    total_headers = [t(f"report-col-{c}") for c in TOTAL_COLUMNS]
    total_widths = [8, 8, 10, 10, 9, 10, 10, 9, 10, 9, 8, 9, 9, 9, 9, 9]
    percent_at = [i for i, c in enumerate(TOTAL_COLUMNS, start=1) if c in TOTAL_PERCENT]
    book = Workbook()

    if not scope.bureau:
        per_student = first_sheet(book, t("report-compliance-students-sheet"))
        titled(
            per_student, t("report-compliance-title", name=scope.name, term=title_term),
            [t(f"report-col-{c}") for c in (
                "name", "class", "left-behind", "boarding", "months-confirmed", "months-due", "returns-confirmed",
                "returns-asked", "teacher-contacts", "contacts-ok", "visits", "mentor", "school-days",
                "absent-days", "attendance-rate", "chronic",
            )],
            [10, 12, 6, 6, 10, 10, 10, 10, 10, 9, 8, 8, 9, 9, 9, 9],
        )
        yes, no = t("report-yes"), t("report-no")
        for school in schools:
            for f in school.students:
                lb = f.left_behind
                per_student.append([
                    f.name, class_label(translator, lang, f.grade, f.class_name), yes if lb else "",
                    yes if f.boarding else "",
                    f.months_confirmed if lb else None, f.months_due if lb else None,
                    f.returns_confirmed, f.returns_asked,
                    f.teacher_contacts if lb else None, (yes if f.contacts_met else no) if lb else None,
                    f.visits, (yes if f.mentored else no) if lb else None,
                    f.school_days, f.absent_days, f.attendance_rate, yes if f.chronic else "",
                ])
        formats(per_student, {15: PERCENT_FORMAT})

        per_class = add_sheet(book, t("report-compliance-classes-sheet"))
        titled(
            per_class, t("report-compliance-title", name=scope.name, term=title_term),
            [t("report-col-school"), t("report-col-class"), *total_headers], [18, 12, *total_widths],
        )
        for school in schools:
            groups: dict[int | None, list[StudentFigures]] = {}
            for f in school.students:
                groups.setdefault(f.class_id, []).append(f)
            for listed in groups.values():
                first = listed[0]
                per_class.append([
                    school.name, class_label(translator, lang, first.grade, first.class_name),
                    *totals(listed).values(),
                ])
        formats(per_class, {2 + i: PERCENT_FORMAT for i in percent_at})

    per_school = (
        first_sheet(book, t("report-compliance-schools-sheet")) if scope.bureau
        else add_sheet(book, t("report-compliance-schools-sheet"))
    )
    titled(
        per_school, t("report-compliance-title", name=scope.name, term=title_term),
        [t("report-col-school"), t("report-col-term"), *total_headers], [20, 30, *total_widths],
    )
    overall = Totals()
    for school in schools:
        found = totals(school.students)
        overall.merge(found)
        per_school.append([school.name, _term_text(translator, lang, school), *found.values()])
    if len(schools) > 1:
        per_school.append([t("report-total"), "", *overall.values()])
        bold_row(per_school)
    formats(per_school, {2 + i: PERCENT_FORMAT for i in percent_at})

    if scope.bureau:
        await _concern_sheet(session, translator, lang, scope, book)
    return to_bytes(book)


async def _concern_sheet(
    session: AsyncSession, translator: Translator, lang: str, scope: ReportScope, book: Workbook
) -> None:
    """The children the bureau may be named: an open dropout case or incident."""
    def t(key: str, **params: object) -> str:
        return translator.get(key, lang, **params)

    cases = await repo.students_among(session, scope.school_ids, [open_dropout_case_students()])
    incidents = await repo.students_among(session, scope.school_ids, [open_incident_students()])
    students = await repo.students_by_ids(session, cases | incidents)
    classes = await repo.classes_of_schools(session, scope.school_ids)
    names = {sid: (await repo.school(session, sid)) for sid in scope.school_ids}
    sheet = add_sheet(book, t("report-concern-sheet"))
    titled(
        sheet, t("report-concern-title", name=scope.name),
        [t("report-col-name"), t("report-col-school"), t("report-col-class"), t("report-col-open-case"),
         t("report-col-open-incident")],
        [10, 20, 12, 12, 12],
    )
    yes = t("report-yes")
    for student in sorted(students.values(), key=lambda s: (s.school_id, s.class_id or 0, s.name)):
        c = classes.get(student.class_id) if student.class_id is not None else None
        school = names.get(student.school_id)
        sheet.append([
            student.name, school.name if school else "", class_label(translator, lang, c.grade if c else None,
                                                                     c.name if c else None),
            yes if student.id in cases else "", yes if student.id in incidents else "",
        ])


__all__ = ["Prefetched", "StudentFigures", "Totals", "build_compliance", "prefetch", "school_figures", "totals"]
