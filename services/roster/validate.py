"""Checking every cell of every row, collecting every problem before anything is written."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta
from functools import lru_cache
from typing import Any

from services.phones import InvalidPhone, normalize_phone
from services.roster.columns import AWAY_FIELDS, BY_KEY, GUARDIAN_FIELDS, Column, vocabulary
from services.roster.problems import Problem
from services.roster.reader import Cell, Sheet, iter_cells

_DATE = re.compile(r"^(\d{4})\D{1,2}(\d{1,2})\D{1,2}(\d{1,2})\D?$")
_STUDENT_NUMBER = re.compile(r"^[0-9A-Z]{1,32}$")
EARLIEST_BIRTH = date(1990, 1, 1)


@dataclass
class GuardianEntry:
    name: str
    phone: str
    relation: str
    is_proxy: bool


@dataclass
class AwayEntry:
    away: bool
    details: dict[str, Any]  # only the columns the file has: name, phone, work_place


@dataclass
class RosterRow:
    """One student as the file describes them. A key absent from `present` means the column
    is not in the file at all, so the existing value is kept."""

    row: int
    grade: int
    class_name: str
    student_number: str
    name: str
    values: dict[str, Any] = field(default_factory=dict)  # gender, birth_date, flags, …
    head_teacher: tuple[str, str] | None = None  # (name, phone)
    guardians: list[GuardianEntry] | None = None  # None: leave the guardians as they are
    away: dict[str, AwayEntry] = field(default_factory=dict)  # "father"/"mother"


def parse_rows(sheet: Sheet, today: date) -> tuple[list[RosterRow], list[Problem]]:
    problems: list[Problem] = []
    rows: list[RosterRow] = []
    first_seen: dict[str, int] = {}
    phone_names: dict[str, tuple[str, int]] = {}
    class_teachers: dict[tuple[int, str], tuple[str, str, int]] = {}

    for number, cells in sheet.rows:
        parsed: dict[str, Any] = {}
        row_problems: list[Problem] = []
        for key, raw in iter_cells(sheet, cells):
            column = BY_KEY[key]
            try:
                parsed[key] = parse_cell(column, raw, today)
            except CellError as exc:
                row_problems.append(Problem(exc.code, number, key, exc.params))
        for column_key in ("grade", "class_name", "student_number", "name"):
            if parsed.get(column_key) is None and not _has_problem(row_problems, column_key):
                row_problems.append(Problem("required", number, column_key))

        record = RosterRow(
            row=number,
            grade=parsed.get("grade") or 0,
            class_name=parsed.get("class_name") or "",
            student_number=parsed.get("student_number") or "",
            name=parsed.get("name") or "",
        )
        for key in ("gender", "birth_date", "home_address", "left_behind", "migrant", "disabled",
                    "hardship", "boarding"):
            if key in sheet.columns:
                record.values[key] = parsed.get(key)

        _head_teacher(record, parsed, sheet, row_problems)
        _guardians(record, parsed, sheet, row_problems)
        _away_parents(record, parsed, sheet, row_problems)

        # Across rows: one student number once, one phone one name, one class one head teacher.
        if record.student_number:
            if record.student_number in first_seen:
                row_problems.append(
                    Problem("duplicate-student-number", number, "student_number",
                            {"first_row": first_seen[record.student_number]})
                )
            else:
                first_seen[record.student_number] = number
        for name_key, phone, name in _named_phones(record):
            seen = phone_names.setdefault(phone, (name, number))
            if seen[0] != name:
                row_problems.append(
                    Problem("phone-name-conflict", number, name_key, {"first_row": seen[1]})
                )
        if record.head_teacher and record.grade and record.class_name:
            key = (record.grade, record.class_name)
            seen_teacher = class_teachers.setdefault(key, (*record.head_teacher, number))
            if seen_teacher[:2] != record.head_teacher:
                row_problems.append(
                    Problem("head-teacher-conflict", number, "head_teacher_phone",
                            {"first_row": seen_teacher[2]})
                )
        problems.extend(row_problems)
        rows.append(record)
    return rows, problems


def _has_problem(problems: list[Problem], column: str) -> bool:
    return any(p.column == column for p in problems)


def _named_phones(record: RosterRow) -> list[tuple[str, str, str]]:
    out = []
    if record.head_teacher:
        out.append(("head_teacher_name", record.head_teacher[1], record.head_teacher[0]))
    for index, guardian in enumerate(record.guardians or [], start=1):
        out.append((f"guardian{index}_name", guardian.phone, guardian.name))
    return out


def _head_teacher(record: RosterRow, parsed: dict[str, Any], sheet: Sheet, problems: list[Problem]) -> None:
    name, phone = parsed.get("head_teacher_name"), parsed.get("head_teacher_phone")
    if _has_problem(problems, "head_teacher_phone"):
        return
    if name and not phone:
        problems.append(Problem("required-if", record.row, "head_teacher_phone",
                                {"other": "head_teacher_name"}))
    elif phone and not name:
        problems.append(Problem("required-if", record.row, "head_teacher_name",
                                {"other": "head_teacher_phone"}))
    elif name and phone:
        record.head_teacher = (name, phone)


def _guardians(record: RosterRow, parsed: dict[str, Any], sheet: Sheet, problems: list[Problem]) -> None:
    present = [n for n in (1, 2) if any(f"guardian{n}_{f}" in sheet.columns for f in GUARDIAN_FIELDS)]
    if not present:
        return
    entries: list[GuardianEntry] = []
    for n in present:
        fields = {f: parsed.get(f"guardian{n}_{f}") for f in GUARDIAN_FIELDS}
        filled = [f for f, v in fields.items() if v is not None]
        if not filled or any(_has_problem(problems, f"guardian{n}_{f}") for f in GUARDIAN_FIELDS):
            continue
        trigger = f"guardian{n}_{filled[0]}"
        missing = [f for f in ("name", "phone") if fields[f] is None]
        for f in missing:
            problems.append(Problem("required-if", record.row, f"guardian{n}_{f}", {"other": trigger}))
        if missing:
            continue
        if any(e.phone == fields["phone"] for e in entries):
            problems.append(Problem("same-phone-twice", record.row, f"guardian{n}_phone"))
            continue
        entries.append(
            GuardianEntry(
                name=fields["name"],
                phone=fields["phone"],
                relation=fields["relation"] or "other",
                is_proxy=bool(fields["proxy"]),
            )
        )
    # A row with no guardian filled in leaves the student's guardians as they are, so
    # guardians who joined by invite link are not dropped by a roster without them.
    record.guardians = entries or None


def _away_parents(record: RosterRow, parsed: dict[str, Any], sheet: Sheet, problems: list[Problem]) -> None:
    for parent in ("father", "mother"):
        flag_key = f"{parent}_away"
        if flag_key not in sheet.columns or _has_problem(problems, flag_key):
            continue
        away = bool(parsed.get(flag_key))
        details = {f: parsed.get(f"{parent}_{f}") for f in AWAY_FIELDS}
        if not away:
            filled = [f for f, v in details.items() if v is not None]
            if filled:
                problems.append(Problem("away-details-without-away", record.row, flag_key,
                                        {"other": f"{parent}_{filled[0]}"}))
                continue
        record.away[parent] = AwayEntry(
            away=away,
            details={f: v for f, v in details.items() if f"{parent}_{f}" in sheet.columns},
        )


# A head teacher's number is on every row of the class, a grandmother's on each child's.
_normalize_phone = lru_cache(maxsize=20_000)(normalize_phone)


class CellError(Exception):
    def __init__(self, code: str, **params: Any) -> None:
        super().__init__(code)
        self.code = code
        self.params = params


def _text(raw: Cell) -> str | None:
    if raw is None:
        return None
    if isinstance(raw, float) and raw.is_integer():
        raw = int(raw)
    if isinstance(raw, datetime | date):
        raw = raw.isoformat()
    text = " ".join(unicodedata.normalize("NFKC", str(raw)).split())
    return text or None


def parse_cell(column: Column, raw: Cell, today: date) -> Any:
    """The cell's value in the form the database keeps, None when empty."""
    if column.kind == "date":
        return _date(raw, today)
    text = _text(raw)
    if text is None:
        return None
    if column.kind == "text":
        if len(text) > column.max_length:
            raise CellError("too-long", max=column.max_length)
        return text
    if column.kind == "grade":
        return _grade(text)
    if column.kind == "student_number":
        number = "".join(text.split()).upper()
        if not _STUDENT_NUMBER.match(number):
            raise CellError("bad-student-number")
        return number
    if column.kind == "phone":
        try:
            return _normalize_phone(text)
        except InvalidPhone:
            raise CellError("bad-phone") from None
    words = vocabulary().words[column.kind]
    value = words.get("".join(text.lower().split()))
    if value is None:
        raise CellError("bad-" + column.kind.replace("_", "-"))
    return str(value) if column.kind != "yes_no" else value


def _grade(text: str) -> int:
    """'3', '3年级', '三年级', 'Grade 3' → 3; anything else ('初一') is refused, not guessed."""
    rest = "".join(text.lower().split())
    for word in sorted(vocabulary().words["grade_word"], key=len, reverse=True):
        rest = rest.replace(word, "")
    if rest.isdigit():
        grade = int(rest)
    else:
        # Chinese numerals: unicodedata knows their values, so no word list is needed.
        try:
            values = [int(unicodedata.numeric(ch)) for ch in rest]
        except (TypeError, ValueError):
            raise CellError("bad-grade") from None
        if len(values) == 1:
            grade = values[0]
        elif len(values) == 2 and values[0] == 10:
            grade = 10 + values[1]
        else:
            raise CellError("bad-grade")
    if not 1 <= grade <= 12:
        raise CellError("bad-grade")
    return grade


def _date(raw: Cell, today: date) -> date | None:
    if raw is None:
        return None
    if isinstance(raw, datetime):
        value = raw.date()
    elif isinstance(raw, date):
        value = raw
    elif isinstance(raw, int | float) and 20000 < raw < 60000:
        value = date(1899, 12, 30) + timedelta(days=int(raw))  # an Excel serial day number
    else:
        text = _text(raw)
        if text is None:
            return None
        digits = "".join(ch for ch in text if ch.isdigit())
        match = _DATE.match(text)
        try:
            if match:
                value = date(int(match[1]), int(match[2]), int(match[3]))
            elif len(digits) == 8 and digits == text:
                value = date(int(digits[:4]), int(digits[4:6]), int(digits[6:]))
            else:
                raise CellError("bad-date")
        except ValueError:
            raise CellError("bad-date") from None
    if not EARLIEST_BIRTH <= value <= today:
        raise CellError("bad-date")
    return value
