"""Turning the bytes an admin sent into rows of cells: .xlsx, or .csv in UTF-8 or GB18030
(what Chinese Excel and WPS save)."""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from services.roster.columns import normalize_header, vocabulary
from services.roster.problems import Problem, RosterInvalid

MAX_ROWS = 5000
MAX_COLUMNS = 100
MAX_FILE_BYTES = 10 * 1024 * 1024
HEADER_SEARCH_ROWS = 10

Cell = Any  # str | int | float | datetime | date | None


@dataclass
class Sheet:
    columns: dict[str, int]  # column key → index in the row
    rows: list[tuple[int, list[Cell]]]  # (row number as the spreadsheet shows it, cells)


def read_sheet(file_name: str, content: bytes) -> Sheet:
    """Raises RosterInvalid with a file-level problem when the file is not a usable roster."""
    if len(content) > MAX_FILE_BYTES:
        raise RosterInvalid([Problem("too-large", params={"max_mb": MAX_FILE_BYTES // 2**20})])
    if not content.strip():
        raise RosterInvalid([Problem("empty")])
    name = file_name.lower().strip()
    if name.endswith(".xls") or content.startswith(b"\xd0\xcf\x11\xe0"):
        raise RosterInvalid([Problem("old-excel")])
    if content.startswith(b"PK"):
        tables = _xlsx_tables(content)
    elif name.endswith((".csv", ".txt")) or not name.rpartition(".")[1]:
        tables = [_csv_rows(content)]
    else:
        raise RosterInvalid([Problem("not-spreadsheet")])
    return _pick_table(tables)


def _xlsx_tables(content: bytes) -> list[list[tuple[int, list[Cell]]]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, TypeError) as exc:
        raise RosterInvalid([Problem("not-spreadsheet")]) from exc
    except Exception as exc:  # a corrupt workbook can fail in many ways inside openpyxl
        raise RosterInvalid([Problem("not-spreadsheet")]) from exc
    try:
        tables = []
        for worksheet in workbook.worksheets:
            rows: list[tuple[int, list[Cell]]] = []
            cells = worksheet.iter_rows(max_col=MAX_COLUMNS, values_only=True)
            for number, row in enumerate(cells, start=1):
                if _blank(row):
                    continue
                rows.append((number, list(row)))
                if len(rows) > MAX_ROWS + HEADER_SEARCH_ROWS:
                    break
            tables.append(rows)
        return tables
    except RosterInvalid:
        raise
    except Exception as exc:
        raise RosterInvalid([Problem("not-spreadsheet")]) from exc
    finally:
        workbook.close()


def _decode(content: bytes) -> str:
    if b"\x00" in content:
        raise RosterInvalid([Problem("not-spreadsheet")])
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return content.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise RosterInvalid([Problem("not-spreadsheet")])


def _csv_rows(content: bytes) -> list[tuple[int, list[Cell]]]:
    text = _decode(content)
    if any(ord(ch) < 32 and ch not in "\t\r\n" for ch in text[:4096]):
        raise RosterInvalid([Problem("not-spreadsheet")])
    first_line = text.split("\n", 1)[0]
    delimiter = max([",", "\t", ";"], key=first_line.count)
    rows: list[tuple[int, list[Cell]]] = []
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        for row in reader:
            if _blank(row):
                continue
            rows.append((reader.line_num, list(row[:MAX_COLUMNS])))
            if len(rows) > MAX_ROWS + HEADER_SEARCH_ROWS:
                break
    except csv.Error as exc:
        raise RosterInvalid([Problem("not-spreadsheet")]) from exc
    return rows


def _blank(row: Any) -> bool:
    return all(cell is None or (isinstance(cell, str) and not cell.strip()) for cell in row)


def _header_columns(row: list[Cell]) -> tuple[dict[str, int], list[Problem]]:
    known = vocabulary().headers
    columns: dict[str, int] = {}
    problems: list[Problem] = []
    for index, cell in enumerate(row):
        if cell is None:
            continue
        key = known.get(normalize_header(str(cell)))
        if key is None:
            continue  # extra columns (notes and the like) are left alone
        if key in columns:
            problems.append(Problem("duplicate-column", column=key))
        columns[key] = index
    return columns, problems


def _pick_table(tables: list[list[tuple[int, list[Cell]]]]) -> Sheet:
    """The first sheet with a header row the importer knows; a title row above it is fine."""
    best: tuple[int, dict[str, int], list[Problem], list[tuple[int, list[Cell]]]] | None = None
    for rows in tables:
        for position, (_number, row) in enumerate(rows[:HEADER_SEARCH_ROWS]):
            columns, problems = _header_columns(row)
            if len(columns) >= 2 and (best is None or len(columns) > best[0]):
                best = (len(columns), columns, problems, rows[position + 1 :])
        if best is not None:
            break
    if best is None:
        if not any(tables):
            raise RosterInvalid([Problem("empty")])
        raise RosterInvalid([Problem("no-header")])
    _count, columns, problems, data = best
    from services.roster.columns import REQUIRED

    missing = [c.key for c in REQUIRED if c.key not in columns]
    if missing:
        problems.append(Problem("missing-columns", params={"columns": missing}))
    if problems:
        raise RosterInvalid(problems)
    if not data:
        raise RosterInvalid([Problem("no-rows")])
    if len(data) > MAX_ROWS:
        raise RosterInvalid([Problem("too-many-rows", params={"max": MAX_ROWS})])
    return Sheet(columns=columns, rows=data)


def iter_cells(sheet: Sheet, row: list[Cell]) -> Iterator[tuple[str, Cell]]:
    for key, index in sheet.columns.items():
        yield key, row[index] if index < len(row) else None
