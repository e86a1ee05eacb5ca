"""The blank roster an admin fills in: one sheet of headers in their language, drop-down
lists where a choice is expected, and a second sheet explaining every column."""

from __future__ import annotations

import re
import unicodedata

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from db.models.enums import GuardianRelation
from locales import get_translator
from services.roster.columns import COLUMNS, TEXT_COLUMNS
from services.roster.reader import MAX_ROWS
from services.spreadsheet import add_sheet, first_sheet, to_bytes

_HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
_REQUIRED_FILL = PatternFill("solid", fgColor="FCE4D6")


def _first_word(text: str) -> str:
    return text.split(",")[0].strip()


def build_template(language: str) -> bytes:
    translator = get_translator()

    def t(key: str, **params: object) -> str:
        return translator.get(key, language, **params)

    workbook = Workbook()
    sheet = first_sheet(workbook, t("roster-sheet-data"))
    last_row = MAX_ROWS + 1

    choices = {
        "yes_no": [_first_word(t("roster-words-yes")), _first_word(t("roster-words-no"))],
        "gender": [_first_word(t("roster-words-male")), _first_word(t("roster-words-female"))],
        "relation": [
            _first_word(t("roster-words-relation-" + r.value)) for r in GuardianRelation
        ],
    }
    validations: dict[str, DataValidation] = {}
    for kind, words in choices.items():
        validation = DataValidation(
            type="list", formula1='"' + ",".join(words) + '"', allow_blank=True,
            showErrorMessage=True, error=t("roster-template-pick"),
        )
        sheet.add_data_validation(validation)
        validations[kind] = validation

    for index, column in enumerate(COLUMNS, start=1):
        letter = get_column_letter(index)
        cell = sheet.cell(row=1, column=index, value=t(column.locale_key) + (" *" if column.required else ""))
        cell.font = Font(bold=True)
        cell.fill = _REQUIRED_FILL if column.required else _HEADER_FILL
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
        sheet.column_dimensions[letter].width = max(column.width, 3 + _display_width(cell.value))
        if column.key in TEXT_COLUMNS:
            # Kept as text so Excel does not turn 学籍号 and phone numbers into 1.38E+10.
            sheet.column_dimensions[letter].number_format = "@"
        if column.kind in validations:
            validations[column.kind].add(f"{letter}2:{letter}{last_row}")
    sheet.row_dimensions[1].height = 32
    sheet.freeze_panes = "A2"

    help_sheet = add_sheet(workbook, t("roster-sheet-help"))
    help_sheet.column_dimensions["A"].width = 22
    help_sheet.column_dimensions["B"].width = 90
    lines = t("roster-help-intro", max=MAX_ROWS).splitlines()
    for number, line in enumerate(lines, start=1):
        help_sheet.cell(row=number, column=1, value=line)
    row = len(lines) + 2
    help_sheet.cell(row=row, column=1, value=t("roster-help-column")).font = Font(bold=True)
    help_sheet.cell(row=row, column=2, value=t("roster-help-meaning")).font = Font(bold=True)
    for column in COLUMNS:
        row += 1
        help_sheet.cell(row=row, column=1, value=t(column.locale_key))
        help_sheet.cell(row=row, column=2, value=t(_help_key(column.key)))
        help_sheet.cell(row=row, column=2).alignment = Alignment(wrap_text=True)

    return to_bytes(workbook)


def _display_width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _help_key(key: str) -> str:
    """Guardian 1 and 2, father and mother share one explanation each."""
    key = re.sub(r"^guardian\d", "guardian", key)
    key = re.sub(r"^(father|mother)_", "parent_", key)
    return "roster-help-" + key.replace("_", "-")
