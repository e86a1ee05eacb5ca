"""The report spreadsheets (学生人数统计表, 学生变动情况表, term compliance): each a pure
function of the database, a scope (services.reports.scope) and a period, in the
reader's language. The bot builds them in the background (handlers/reports.py); the
command line with `python -m bot report …` (bot/cli_report.py)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from sqlalchemy.ext.asyncio import AsyncSession

from locales import Translator
from services.reports.changes import build_changes
from services.reports.compliance import DEFAULT_CHRONIC_RATIO, build_compliance
from services.reports.counts import build_counts
from services.reports.scope import (
    Period,
    Preset,
    ReportScope,
    ScopeKind,
    may_use,
    parse_period,
    preset_period,
    report_scopes,
    scope_today,
)


class ReportKind(StrEnum):
    COUNTS = "counts"
    CHANGES = "changes"
    COMPLIANCE = "compliance"


@dataclass(frozen=True)
class Rules:
    """The settings a report reads."""

    required_contacts: int = 2  # settings contacts.teacher_contacts_per_term
    chronic_ratio: float = DEFAULT_CHRONIC_RATIO


async def build_report(
    session: AsyncSession, translator: Translator, lang: str, kind: ReportKind, scope: ReportScope,
    period: Period, rules: Rules | None = None,
) -> bytes:
    rules = rules or Rules()
    lang = translator.normalize(lang)
    if kind == ReportKind.COUNTS:
        return await build_counts(session, translator, lang, scope, period.end)
    if kind == ReportKind.CHANGES:
        return await build_changes(session, translator, lang, scope, period)
    return await build_compliance(
        session, translator, lang, scope, period, required_contacts=rules.required_contacts,
        chronic_ratio=rules.chronic_ratio,
    )


def report_filename(translator: Translator, lang: str, kind: ReportKind, scope: ReportScope, period: Period) -> str:
    dates = period.end.isoformat() if kind != ReportKind.CHANGES or period.start == period.end else (
        f"{period.start.isoformat()}_{period.end.isoformat()}"
    )
    name = translator.get(f"report-name-{kind.value}", lang)
    label = "".join(ch for ch in scope.name if ch not in '\\/:*?"<>|').replace(" ", "-")
    return f"{name}-{label}-{dates}.xlsx"


__all__ = [
    "Period", "Preset", "ReportKind", "ReportScope", "Rules", "ScopeKind", "build_report", "may_use",
    "parse_period", "preset_period", "report_filename", "report_scopes", "scope_today",
]
