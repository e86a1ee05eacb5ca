"""The look every exported spreadsheet shares (openpyxl): a title row, a bold header row
frozen under it, column widths in characters, real dates and percentages, wrapped text.

    book = Workbook()
    sheet = first_sheet(book, t("...-sheet"))
    titled(sheet, title, headers, widths)     # row 1 title, row 2 headers, frozen at A3
    sheet.append([...]); ...
    formats(sheet, {3: DATE_FORMAT, 7: PERCENT_FORMAT})
    return to_bytes(book)

A sheet with no title row (the ledger, the census report, the calendar) starts with
`header_row(sheet, headers, widths)` instead: headers in row 1, frozen at A2, and its data
formatted from row 2 (`formats(sheet, {...}, min_row=2)`).
"""

from __future__ import annotations

import io
import re
from collections.abc import Iterable, Mapping

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

DATE_FORMAT = "yyyy-mm-dd"
PERCENT_FORMAT = "0.0%"
TITLE_ROW = 1
HEADER_ROW = 2
FIRST_DATA_ROW = 3
# Excel refuses these in a sheet title, and titles longer than 31 characters.
_BAD_TITLE = re.compile(r"[\[\]:*?/\\]")


def sheet_title(text: str) -> str:
    return _BAD_TITLE.sub("-", text)[:31] or "-"


def first_sheet(book: Workbook, title: str) -> Worksheet:
    sheet = book.active
    assert isinstance(sheet, Worksheet)
    sheet.title = sheet_title(title)
    return sheet


def add_sheet(book: Workbook, title: str) -> Worksheet:
    return book.create_sheet(sheet_title(title))


def header_row(sheet: Worksheet, headers: list[str], widths: Iterable[int], *, wrap_text: bool = True) -> int:
    """The next row: bold headers (wrapped unless wrap_text=False), the columns' widths in
    characters, and the rows below it frozen to scroll under it. Returns the header's row."""
    sheet.append(headers)
    row = sheet.max_row
    for index, width in enumerate(widths, start=1):
        cell = sheet.cell(row=row, column=index)
        cell.font = Font(bold=True)
        if wrap_text:
            cell.alignment = Alignment(wrap_text=True, vertical="center")
        sheet.column_dimensions[get_column_letter(index)].width = width
    sheet.freeze_panes = f"A{row + 1}"
    return row


def titled(
    sheet: Worksheet, title: str, headers: list[str], widths: Iterable[int], *, wrap_headers: bool = True
) -> None:
    """Row 1: the title; row 2: bold headers; rows from 3 scroll under both."""
    sheet.append([title])
    sheet.cell(row=TITLE_ROW, column=1).font = Font(bold=True, size=13)
    header_row(sheet, headers, widths, wrap_text=wrap_headers)


def formats(sheet: Worksheet, by_column: Mapping[int, str], min_row: int = FIRST_DATA_ROW) -> None:
    """Number formats per column (1-based): dates as dates, shares as percentages."""
    for column, number_format in by_column.items():
        for (cell,) in sheet.iter_rows(min_row=min_row, min_col=column, max_col=column):
            cell.number_format = number_format


def wrap(sheet: Worksheet, columns: Iterable[int] | None = None, min_row: int = FIRST_DATA_ROW) -> None:
    wanted = set(columns) if columns is not None else None
    for row in sheet.iter_rows(min_row=min_row):
        for cell in row:
            if wanted is None or cell.column in wanted:
                cell.alignment = Alignment(wrap_text=True, vertical="top")


def bold_row(sheet: Worksheet, row: int | None = None) -> None:
    """A subtotal or total line."""
    for cell in sheet[row or sheet.max_row]:
        cell.font = Font(bold=True)


def to_bytes(book: Workbook) -> bytes:
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


__all__ = [
    "DATE_FORMAT", "FIRST_DATA_ROW", "HEADER_ROW", "PERCENT_FORMAT", "add_sheet", "bold_row", "first_sheet",
    "formats", "header_row", "sheet_title", "titled", "to_bytes", "wrap",
]
