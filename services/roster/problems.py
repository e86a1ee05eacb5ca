"""What can be wrong with a roster, kept as data and put into words only when shown."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

MAX_SHOWN = 30


@dataclass(frozen=True)
class Problem:
    """code → locale key `roster-problem-<code>`; row is the spreadsheet's row number."""

    code: str
    row: int | None = None
    column: str | None = None
    params: dict[str, Any] = field(default_factory=dict)


class RosterInvalid(Exception):
    def __init__(self, problems: Sequence[Problem]) -> None:
        super().__init__(f"{len(problems)} problem(s) in the roster")
        self.problems = list(problems)


def describe(problem: Problem, t: Callable[..., str]) -> str:
    params = dict(problem.params)
    if "columns" in params:
        params["columns"] = ", ".join(_column_name(key, t) for key in params["columns"])
    if "other" in params:
        params["other"] = _column_name(params["other"], t)
    if "first_row" in params:
        params["first_row"] = str(params["first_row"])  # "row 1,234" reads wrong
    text = t("roster-problem-" + problem.code, **params)
    if problem.row is not None and problem.column is not None:
        return t("roster-error-cell", row=str(problem.row), column=_column_name(problem.column, t), problem=text)
    if problem.row is not None:
        return t("roster-error-row", row=str(problem.row), problem=text)
    if problem.column is not None:
        return t("roster-error-column", column=_column_name(problem.column, t), problem=text)
    return text


def _column_name(key: str, t: Callable[..., str]) -> str:
    return t("roster-col-" + key.replace("_", "-"))


def render_problems(problems: Sequence[Problem], t: Callable[..., str], limit: int = MAX_SHOWN) -> str:
    """A heading, up to `limit` lines, then '…and N more'."""
    from services.roster.columns import COLUMNS

    position = {c.key: i for i, c in enumerate(COLUMNS)}
    ordered = sorted(problems, key=lambda p: (p.row or 0, position.get(p.column or "", -1)))
    lines = [t("roster-import-failed", count=len(ordered))]
    lines += [describe(p, t) for p in ordered[:limit]]
    if len(ordered) > limit:
        lines.append(t("roster-errors-more", count=len(ordered) - limit))
    return "\n".join(lines)
