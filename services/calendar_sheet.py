"""The school calendar as a spreadsheet: export it, edit it in Excel or WPS, send it back.

    content = await export_calendar(session, school_id, "zh_Hans", defaults)
    result = await import_calendar(session, clock, school_id, "校历.xlsx", content, actor=actor)
    # raises CalendarSheetInvalid(problems) when anything is wrong; nothing is written then

One workbook, a sheet per part (found by their header rows, in either language, so a
renamed or reordered sheet still reads):

    学期 / Terms                name, first day, last day
    放假和调休 / Days            date, school day (是/否), note (国庆节, 调休, …)
    放学时间 / Release times     weekend / holiday, time (empty: the default)

A sheet in the file is that part of the calendar, whole: rows added, changed and removed
to match it (the terms by their first day, the days by date). A part whose sheet is left
out is not touched. Importing an unchanged export changes nothing. The caller commits.
"""

from __future__ import annotations

import asyncio
import io
import logging
import unicodedata
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from functools import lru_cache
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from db.models import CalendarDay, Term
from db.repositories import calendar as repo
from locales import LANGUAGES, get_translator
from services import calendar_admin as admin
from services.access import Actor
from services.calendar_admin import DATE_PATTERN, CalendarInputError
from services.clock import Clock
from services.roster.columns import normalize_header, normalize_word, vocabulary
from services.roster.problems import Problem

log = logging.getLogger(__name__)

MAX_FILE_BYTES = 2 * 1024 * 1024
MAX_ROWS = 3000  # per sheet: ten years of holidays fit many times over
MAX_COLUMNS = 30
HEADER_SEARCH_ROWS = 10
MAX_SHOWN = 30
EARLIEST, LATEST = date(2000, 1, 1), date(2100, 12, 31)

TERMS, DAYS, RELEASE = "terms", "days", "release"
PARTS = (TERMS, DAYS, RELEASE)
# part → its columns (keys of calendar-col-<key>), the required ones first.
COLUMNS: dict[str, tuple[str, ...]] = {
    TERMS: ("term-name", "first-day", "last-day"),
    DAYS: ("date", "school-day", "note"),
    RELEASE: ("release-kind", "release-time", "release-default"),
}
REQUIRED: dict[str, tuple[str, ...]] = {
    TERMS: ("first-day", "last-day"),
    DAYS: ("date", "school-day"),
    RELEASE: ("release-kind", "release-time"),
}
WIDTHS = {"term-name": 24, "first-day": 14, "last-day": 14, "date": 14, "school-day": 12, "note": 24,
          "release-kind": 18, "release-time": 12, "release-default": 14}

Cell = Any


class CalendarSheetInvalid(Exception):
    def __init__(self, problems: Sequence[Problem]) -> None:
        super().__init__(f"{len(problems)} problem(s) in the calendar spreadsheet")
        self.problems = list(problems)


class _CellError(Exception):
    def __init__(self, code: str, **params: Any) -> None:
        super().__init__(code)
        self.code = code
        self.params = params


# ------------------------------------------------------------------ words


@dataclass(frozen=True)
class _Words:
    headers: dict[str, dict[str, str]]  # part → normalised header → column key
    school_day: dict[str, bool]
    kinds: dict[str, str]  # normalised word → weekend | holiday


@lru_cache(maxsize=1)
def _words() -> _Words:
    translator = get_translator()
    headers: dict[str, dict[str, str]] = {part: {} for part in PARTS}
    school_day: dict[str, bool] = dict(vocabulary().words["yes_no"])  # 是/否, Y/N, … as the roster
    kinds: dict[str, str] = {}
    for language in LANGUAGES:
        for part, keys in COLUMNS.items():
            for key in keys:
                headers[part][normalize_header(translator.get("calendar-col-" + key, language))] = key
        school_day[normalize_word(translator.get("calendar-sheet-yes", language))] = True
        school_day[normalize_word(translator.get("calendar-sheet-no", language))] = False
        for key, value in (("calendar-sheet-words-school", True), ("calendar-sheet-words-off", False)):
            for word in translator.get(key, language).split(","):
                if normalize_word(word):
                    school_day[normalize_word(word)] = value
        for kind in admin.RELEASE_KINDS:
            for word in [translator.get("calendar-release-kind-" + kind, language),
                         *translator.get("calendar-sheet-words-" + kind, language).split(",")]:
                if normalize_word(word):
                    kinds[normalize_word(word)] = kind
    return _Words(headers, school_day, kinds)


# ------------------------------------------------------------------ export


async def export_calendar(
    session: AsyncSession, school_id: int, language: str, defaults: dict[str, time]
) -> bytes:
    """The school's whole calendar (past days too: a re-import must change nothing)."""
    terms = [(t.name, t.starts_on, t.ends_on) for t in await repo.terms_of(session, school_id)]
    days = [(d.day, d.is_school_day, d.note) for d in await repo.exceptions_of(session, school_id)]
    releases = await admin.release_times(session, school_id, defaults)
    return await asyncio.to_thread(_build, language, terms, days, releases)


def _build(
    language: str, terms: list[tuple[str, date, date]], days: list[tuple[date, bool, str | None]],
    releases: dict[str, admin.ReleaseTime],
) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import PatternFill
    from openpyxl.worksheet.datavalidation import DataValidation

    from services.spreadsheet import DATE_FORMAT, add_sheet, first_sheet, header_row, to_bytes

    translator = get_translator()

    def t(key: str, **params: object) -> str:
        return translator.get(key, language, **params)

    workbook = Workbook()
    fill = PatternFill("solid", fgColor="DDEBF7")

    def sheet_of(part: str, first: bool) -> Any:
        title = t("calendar-sheet-" + part)
        sheet = first_sheet(workbook, title) if first else add_sheet(workbook, title)
        keys = COLUMNS[part]
        headers = [t("calendar-col-" + key) + (" *" if key in REQUIRED[part] else "") for key in keys]
        header_row(sheet, headers, [WIDTHS[key] for key in keys], wrap_text=False)
        for cell in sheet[1]:
            cell.fill = fill
        return sheet

    def day_cell(sheet: Any, row: int, column: int, value: date) -> None:
        sheet.cell(row=row, column=column, value=value).number_format = DATE_FORMAT

    sheet = sheet_of(TERMS, True)
    for row, (name, start, end) in enumerate(terms, start=2):
        sheet.cell(row=row, column=1, value=name)
        day_cell(sheet, row, 2, start)
        day_cell(sheet, row, 3, end)

    sheet = sheet_of(DAYS, False)
    yes, no = t("calendar-sheet-yes"), t("calendar-sheet-no")
    choice = DataValidation(type="list", formula1=f'"{yes},{no}"', allow_blank=True)
    sheet.add_data_validation(choice)
    choice.add(f"B2:B{MAX_ROWS + 1}")
    for row, (day, is_school_day, note) in enumerate(days, start=2):
        day_cell(sheet, row, 1, day)
        sheet.cell(row=row, column=2, value=yes if is_school_day else no)
        sheet.cell(row=row, column=3, value=note)

    sheet = sheet_of(RELEASE, False)
    for row, kind in enumerate(admin.RELEASE_KINDS, start=2):
        release = releases[kind]
        sheet.cell(row=row, column=1, value=t("calendar-release-kind-" + kind))
        # Text, so Excel keeps "16:30" as typed; empty means the default applies.
        own = sheet.cell(row=row, column=2, value=release.own.strftime("%H:%M") if release.own else None)
        own.number_format = "@"
        sheet.cell(row=row, column=3, value=release.default.strftime("%H:%M"))

    help_sheet = add_sheet(workbook, t("calendar-sheet-help"))
    help_sheet.column_dimensions["A"].width = 100
    for row, line in enumerate(t("calendar-sheet-help-text").splitlines(), start=1):
        help_sheet.cell(row=row, column=1, value=line)

    return to_bytes(workbook)


# ------------------------------------------------------------------ reading


@dataclass
class _Table:
    title: str
    part: str
    columns: dict[str, int]
    rows: list[tuple[int, list[Cell]]]


@dataclass
class TermRow:
    row: int
    name: str
    starts_on: date
    ends_on: date


@dataclass
class DayRow:
    row: int
    day: date
    is_school_day: bool
    note: str | None


@dataclass
class CalendarFile:
    """What a valid file says, per part; None: that sheet is not in the file."""

    terms: list[TermRow] | None = None
    days: list[DayRow] | None = None
    release: dict[str, time | None] | None = None


def read_calendar(file_name: str, content: bytes) -> CalendarFile:
    """The file checked whole; raises CalendarSheetInvalid listing every problem."""
    tables = _tables(file_name, content)
    problems: list[Problem] = []
    found = CalendarFile()
    for table in tables:
        if table.part == TERMS:
            found.terms = _terms(table, problems)
        elif table.part == DAYS:
            found.days = _days(table, problems)
        else:
            found.release = _release(table, problems)
    if problems:
        raise CalendarSheetInvalid(problems)
    return found


def _problem(code: str, table: _Table | None = None, row: int | None = None, column: str | None = None,
             **params: Any) -> Problem:
    if table is not None:
        params["sheet"] = table.title
    return Problem(code, row, column, params)


def _tables(file_name: str, content: bytes) -> list[_Table]:
    if len(content) > MAX_FILE_BYTES:
        raise CalendarSheetInvalid([_problem("too-large", max_mb=MAX_FILE_BYTES // 2**20)])
    if not content.strip():
        raise CalendarSheetInvalid([_problem("empty")])
    if file_name.lower().strip().endswith(".xls") or content.startswith(b"\xd0\xcf\x11\xe0"):
        raise CalendarSheetInvalid([_problem("old-excel")])
    if not content.startswith(b"PK"):
        raise CalendarSheetInvalid([_problem("not-spreadsheet")])
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as exc:  # zipfile.BadZipFile, KeyError, …: a corrupt workbook fails many ways
        raise CalendarSheetInvalid([_problem("not-spreadsheet")]) from exc
    raw: list[tuple[str, list[tuple[int, list[Cell]]]]] = []
    try:
        for worksheet in workbook.worksheets:
            rows: list[tuple[int, list[Cell]]] = []
            for number, row in enumerate(worksheet.iter_rows(max_col=MAX_COLUMNS, values_only=True), start=1):
                if not _blank(row):
                    rows.append((number, list(row)))
                if len(rows) > MAX_ROWS + HEADER_SEARCH_ROWS:
                    break
            raw.append((worksheet.title, rows))
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, TypeError) as exc:
        raise CalendarSheetInvalid([_problem("not-spreadsheet")]) from exc
    finally:
        workbook.close()
    if not any(rows for _title, rows in raw):
        raise CalendarSheetInvalid([_problem("empty")])

    tables: list[_Table] = []
    problems: list[Problem] = []
    for title, rows in raw:
        table = _find_header(title, rows, problems)
        if table is None:
            continue
        earlier = next((t for t in tables if t.part == table.part), None)
        if earlier is not None:
            problems.append(_problem("duplicate-sheet", table, other=earlier.title))
            continue
        tables.append(table)
    if not tables and not problems:
        raise CalendarSheetInvalid([_problem("no-header")])
    if problems:
        raise CalendarSheetInvalid(problems)
    return tables


def _find_header(title: str, rows: list[tuple[int, list[Cell]]], problems: list[Problem]) -> _Table | None:
    """The sheet's part, from the first row that holds two or more known column names."""
    words = _words().headers
    for position, (_number, row) in enumerate(rows[:HEADER_SEARCH_ROWS]):
        for part in PARTS:
            columns: dict[str, int] = {}
            duplicates: list[str] = []
            for index, cell in enumerate(row):
                key = words[part].get(normalize_header(str(cell))) if cell is not None else None
                if key is None:
                    continue
                if key in columns:
                    duplicates.append(key)
                columns[key] = index
            if len(columns) < 2:
                continue
            table = _Table(title, part, columns, rows[position + 1:])
            for key in duplicates:
                problems.append(_problem("duplicate-column", table, column=key))
            missing = [key for key in REQUIRED[part] if key not in columns]
            if missing:
                problems.append(_problem("missing-columns", table, columns=missing))
            if len(table.rows) > MAX_ROWS:
                problems.append(_problem("too-many-rows", table, max=MAX_ROWS))
            return table
    return None


def _blank(row: Sequence[Cell]) -> bool:
    return all(cell is None or (isinstance(cell, str) and not cell.strip()) for cell in row)


def _cell(table: _Table, row: list[Cell], key: str) -> Cell:
    index = table.columns.get(key)
    return row[index] if index is not None and index < len(row) else None


def _text(raw: Cell) -> str | None:
    if raw is None:
        return None
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    if isinstance(raw, datetime | date):
        raw = raw.isoformat()
    text = " ".join(unicodedata.normalize("NFKC", str(raw)).split())
    return text or None


def _date(raw: Cell) -> date | None:
    if raw is None:
        return None
    if isinstance(raw, datetime):
        value = raw.date()
    elif isinstance(raw, date):
        value = raw
    elif isinstance(raw, int | float) and not isinstance(raw, bool) and 30000 < raw < 80000:
        value = date(1899, 12, 30) + timedelta(days=int(raw))  # an Excel serial day number
    else:
        text = _text(raw)
        if text is None:
            return None
        match = DATE_PATTERN.fullmatch(text)
        try:
            if match:
                value = date(int(match[1]), int(match[2]), int(match[3]))
            elif len(text) == 8 and text.isdigit():
                value = date(int(text[:4]), int(text[4:6]), int(text[6:]))
            else:
                raise _CellError("bad-date")
        except ValueError:
            raise _CellError("bad-date") from None
    if not EARLIEST <= value <= LATEST:
        raise _CellError("bad-date")
    return value


def _limited(raw: Cell, limit: int) -> str | None:
    text = _text(raw)
    if text is not None and len(text) > limit:
        raise _CellError("too-long", max=limit)
    return text


def _parse(table: _Table, number: int, row: list[Cell], key: str, parse: Callable[[Cell], Any],
           problems: list[Problem], required: bool = False) -> Any:
    try:
        value = parse(_cell(table, row, key))
    except _CellError as exc:
        problems.append(_problem(exc.code, table, number, key, **exc.params))
        return None
    if value is None and required:
        problems.append(_problem("required", table, number, key))
    return value


def _terms(table: _Table, problems: list[Problem]) -> list[TermRow]:
    found: list[TermRow] = []
    for number, row in table.rows:
        before = len(problems)
        name = _parse(table, number, row, "term-name", lambda raw: _limited(raw, admin.NAME_MAX), problems)
        start = _parse(table, number, row, "first-day", _date, problems, required=True)
        end = _parse(table, number, row, "last-day", _date, problems, required=True)
        if len(problems) > before:
            continue
        if end < start:
            problems.append(_problem("end-before-start", table, number, "last-day"))
            continue
        if (end - start).days + 1 > admin.MAX_TERM_DAYS:
            problems.append(_problem("term-too-long", table, number, "last-day", days=admin.MAX_TERM_DAYS))
            continue
        term = TermRow(number, name or f"{start.isoformat()} ~ {end.isoformat()}", start, end)
        other = next((o for o in found if o.starts_on <= term.ends_on and term.starts_on <= o.ends_on), None)
        if other is not None:
            problems.append(_problem("term-overlap", table, number, "first-day", other=str(other.row), name=other.name))
            continue
        found.append(term)
    return found


def _school_day(raw: Cell) -> bool | None:
    text = _text(raw)
    if text is None:
        return None
    value = _words().school_day.get(normalize_word(text))
    if value is None:
        raise _CellError("bad-school-day")
    return value


def _days(table: _Table, problems: list[Problem]) -> list[DayRow]:
    found: dict[date, DayRow] = {}
    rows: dict[date, int] = {}  # where each day was first written
    for number, row in table.rows:
        before = len(problems)
        day = _parse(table, number, row, "date", _date, problems, required=True)
        if day is not None and day in rows:
            problems.append(_problem("duplicate-date", table, number, "date", other=str(rows[day])))
        elif day is not None:
            rows[day] = number
        is_school_day = _parse(table, number, row, "school-day", _school_day, problems, required=True)
        note = _parse(table, number, row, "note", lambda raw: _limited(raw, admin.NOTE_MAX), problems)
        if len(problems) == before:
            found[day] = DayRow(number, day, is_school_day, note)
    return list(found.values())


def _time(raw: Cell) -> time | None:
    if raw is None:
        return None
    if isinstance(raw, datetime):
        raw = raw.time()
    if isinstance(raw, time):
        text = raw.strftime("%H:%M")
    elif isinstance(raw, float) and 0 < raw < 1:  # an Excel time: a fraction of a day
        minutes = round(raw * 24 * 60)
        text = f"{minutes // 60:02d}:{minutes % 60:02d}"
    elif isinstance(raw, float) and not raw.is_integer():
        text = f"{raw:.2f}"  # 16.30 typed into a number cell arrives as 16.3
    else:
        text = _text(raw)
        if text is None:
            return None
    try:
        return admin.parse_release_time(text)
    except CalendarInputError as exc:
        code = "bad-time" if exc.key == "calendar-release-bad-time" else "time-out-of-range"
        raise _CellError(code, **exc.params) from None


def _release_kind(raw: Cell) -> str | None:
    text = _text(raw)
    if text is None:
        return None
    kind = _words().kinds.get(normalize_word(text))
    if kind is None:
        raise _CellError("bad-release-kind")
    return kind


def _release(table: _Table, problems: list[Problem]) -> dict[str, time | None]:
    found: dict[str, time | None] = {}
    rows: dict[str, int] = {}
    for number, row in table.rows:
        before = len(problems)
        kind = _parse(table, number, row, "release-kind", _release_kind, problems, required=True)
        if kind is not None and kind in rows:
            problems.append(_problem("duplicate-kind", table, number, "release-kind", other=str(rows[kind])))
        elif kind is not None:
            rows[kind] = number
        moment = _parse(table, number, row, "release-time", _time, problems)
        if len(problems) == before:
            found[kind] = moment
    return found


# ------------------------------------------------------------------ import


@dataclass
class ImportResult:
    terms_added: int = 0
    terms_changed: int = 0
    terms_removed: int = 0
    days_added: int = 0
    days_changed: int = 0
    days_removed: int = 0
    release_changed: int = 0
    parts: list[str] = field(default_factory=list)  # the sheets the file had

    @property
    def changed(self) -> bool:
        return any((self.terms_added, self.terms_changed, self.terms_removed, self.days_added,
                    self.days_changed, self.days_removed, self.release_changed))


def _same_text(stored: str | None, new: str | None) -> bool:
    return (_text(stored) or None) == new


async def import_calendar(
    session: AsyncSession, clock: Clock, school_id: int, file_name: str, content: bytes,
    *, actor: Actor | None,
) -> ImportResult:
    """Check the whole file, then make the school's calendar match it, all or nothing.
    `actor` None: the command line (whoever runs the server may set any school)."""
    if actor is not None:
        admin.ensure_admin(actor, school_id)
    parsed = await asyncio.to_thread(read_calendar, file_name, content)
    now = clock.now()
    result = ImportResult()

    if parsed.terms is not None:
        result.parts.append(TERMS)
        existing = {t.starts_on: t for t in await repo.terms_of(session, school_id)}
        wanted = {t.starts_on: t for t in parsed.terms}
        for starts_on, term in existing.items():
            if starts_on not in wanted:
                await repo.delete_term(session, term)
                result.terms_removed += 1
        for starts_on, row in wanted.items():
            term = existing.get(starts_on)
            if term is None:
                session.add(Term(school_id=school_id, name=row.name, starts_on=starts_on, ends_on=row.ends_on,
                                 created_at=now))
                result.terms_added += 1
            elif not _same_text(term.name, row.name) or term.ends_on != row.ends_on:
                term.name, term.ends_on, term.updated_at = row.name, row.ends_on, now
                result.terms_changed += 1

    if parsed.days is not None:
        result.parts.append(DAYS)
        existing_days = {d.day: d for d in await repo.exceptions_of(session, school_id)}
        wanted_days = {d.day: d for d in parsed.days}
        for day, stored in existing_days.items():
            if day not in wanted_days:
                await repo.delete_day(session, stored)
                result.days_removed += 1
        for day, new in wanted_days.items():
            stored = existing_days.get(day)
            if stored is None:
                session.add(CalendarDay(school_id=school_id, day=day, is_school_day=new.is_school_day,
                                        note=new.note, created_at=now))
                result.days_added += 1
            elif stored.is_school_day != new.is_school_day or not _same_text(stored.note, new.note):
                stored.is_school_day, stored.note, stored.updated_at = new.is_school_day, new.note, now
                result.days_changed += 1

    if parsed.release is not None:
        result.parts.append(RELEASE)
        for kind, moment in parsed.release.items():
            if await admin.set_release_time(session, clock, None, school_id, kind, moment):
                result.release_changed += 1

    await session.flush()
    log.info(
        "calendar sheet for school %s: terms +%d ~%d -%d, days +%d ~%d -%d, release times %d",
        school_id, result.terms_added, result.terms_changed, result.terms_removed,
        result.days_added, result.days_changed, result.days_removed, result.release_changed,
    )
    return result


# ------------------------------------------------------------------ words for people


def describe(problem: Problem, t: Callable[..., str]) -> str:
    params = {k: v for k, v in problem.params.items() if k != "sheet"}
    if "columns" in params:
        params["columns"] = ", ".join(t("calendar-col-" + key) for key in params["columns"])
    text = t("calendar-sheet-problem-" + problem.code, **params)
    sheet = problem.params.get("sheet")
    if sheet is None:
        return text
    if problem.row is not None and problem.column is not None:
        return t("calendar-sheet-error-cell", sheet=sheet, row=str(problem.row),
                 column=t("calendar-col-" + problem.column), problem=text)
    return t("calendar-sheet-error-sheet", sheet=sheet, problem=text)


def render_problems(problems: Sequence[Problem], t: Callable[..., str], limit: int = MAX_SHOWN) -> str:
    """A heading, up to `limit` lines in the file's order, then '…and N more'."""
    lines = [t("calendar-sheet-failed", count=len(problems))]
    lines += [describe(p, t) for p in problems[:limit]]
    if len(problems) > limit:
        lines.append(t("calendar-sheet-more", count=len(problems) - limit))
    return "\n".join(lines)


def render_result(result: ImportResult, t: Callable[..., str]) -> str:
    if not result.changed:
        return t("calendar-sheet-unchanged")
    lines = [t("calendar-sheet-done")]
    if TERMS in result.parts:
        lines.append(t("calendar-sheet-done-terms", added=result.terms_added, changed=result.terms_changed,
                       removed=result.terms_removed))
    if DAYS in result.parts:
        lines.append(t("calendar-sheet-done-days", added=result.days_added, changed=result.days_changed,
                       removed=result.days_removed))
    if RELEASE in result.parts:
        lines.append(t("calendar-sheet-done-release", changed=result.release_changed))
    return "\n".join(lines)
