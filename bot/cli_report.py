"""`python -m bot report` — the report spreadsheets, the same files the bot sends.

    python -m bot report counts|changes|compliance --school "NAME" [--county "NAME"]
        [--date D | --from D --to D | --term NAME] --file OUT.xlsx [--lang en]

With --county and no --school: every school of the county, the bureau's version (figures
per school, no child named without an open dropout case or incident). No date: today in
the school's timezone. --date D is the period D..D (the counts and compliance tables read
its end; the change table that one day); --term takes the named term of the school's
calendar, up to today if it is still running.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path

from bot.settings import Settings
from locales import LANGUAGES, get_translator

KINDS = ("counts", "changes", "compliance")


class _Refused(Exception):
    def __init__(self, key: str, **params: str) -> None:
        super().__init__(key)
        self.key = key
        self.params = params


def register(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    from bot.cli import cli_language

    t = get_translator().bind(cli_language())
    parser = commands.add_parser(
        "report", help=t("cli-report-help"), description=t("cli-report-help"), epilog=t("cli-report-others"),
    )
    parser.add_argument("kind", choices=KINDS, help=t("cli-report-kind-help"))
    parser.add_argument("--school", help=t("cli-report-school-help"))
    parser.add_argument("--county", help=t("cli-report-county-help"))
    when = parser.add_mutually_exclusive_group()
    when.add_argument("--date", help=t("cli-report-date-help"))
    when.add_argument("--from", dest="start", help=t("cli-report-from-help"))
    when.add_argument("--term", help=t("cli-report-term-help"))
    parser.add_argument("--to", dest="end", help=t("cli-report-to-help"))
    parser.add_argument("--file", required=True, metavar="OUT.xlsx", help=t("cli-report-file-help"))
    parser.add_argument("--lang", choices=LANGUAGES, help=t("cli-report-lang-help"))
    parser.set_defaults(handler=_report)


def _report(args: argparse.Namespace, settings: Settings) -> int:
    from db.migrate import upgrade

    language = args.lang or settings.default_language
    t = get_translator().bind(language)
    upgrade(settings.database_url)
    try:
        content, period = asyncio.run(_build(args, settings, language))
    except _Refused as exc:
        sys.stderr.write(t(exc.key, **exc.params) + "\n")
        return 1
    path = Path(args.file)
    path.write_bytes(content)
    sys.stdout.write(t(
        "cli-report-written", path=str(path), report=t(f"report-name-{args.kind}"),
        start=period.start.isoformat(), end=period.end.isoformat(),
    ) + "\n")
    return 0


def _day(text: str):  # type: ignore[no-untyped-def]
    from services.dropout import parse_day

    day = parse_day(text)
    if day is None:
        raise _Refused("cli-report-bad-date", value=text)
    return day


async def _build(args: argparse.Namespace, settings: Settings, language: str):  # type: ignore[no-untyped-def]
    from db.engine import create_engine, create_session_pool
    from db.repositories import reports as repo
    from services import audit, reports
    from services.clock import SystemClock
    from services.reports.scope import ReportScope, ScopeKind

    translator = get_translator()
    engine = create_engine(settings.database_url)
    try:
        async with create_session_pool(engine)() as session:
            county = None
            if args.county:
                county = await repo.county_by_name(session, args.county.strip())
                if county is None:
                    raise _Refused("cli-report-no-county", county=args.county.strip())
            if args.school:
                name = args.school.strip()
                found = await repo.schools_named(session, name, county.id if county else None)
                if not found:
                    raise _Refused("cli-report-no-school", school=name)
                if len(found) > 1:
                    raise _Refused("cli-report-several-schools", school=name)
                school = found[0]
                scope = ReportScope(ScopeKind.SCHOOL, (school.id,), school.name, school.timezone)
            elif county is not None:
                schools = await repo.schools_of_county(session, county.id)
                scope = ReportScope(
                    ScopeKind.COUNTY, tuple(s.id for s in schools), county.name,
                    schools[0].timezone if schools else settings.school_timezone, county_id=county.id,
                )
            else:
                raise _Refused("cli-report-need-place")
            today = reports.scope_today(SystemClock(), scope)
            period = await _period(session, args, scope, today)
            kind = reports.ReportKind(args.kind)
            rules = reports.Rules(
                required_contacts=settings.contacts.teacher_contacts_per_term,
                chronic_ratio=settings.attendance.term_absence_ratio,
            )
            content = await reports.build_report(session, translator, language, kind, scope, period, rules)
            # The audit log: an export from the server's command line (no person).
            await audit.record(
                session, SystemClock(), None, audit.Action.EXPORT, f"{audit.REPORT_EXPORT}:{kind.value}",
                scope=audit.AuditScope(
                    school_id=scope.school_ids[0] if len(scope.school_ids) == 1 else None, county_id=scope.county_id,
                ),
            )
            await session.commit()
    finally:
        await engine.dispose()
    return content, period


async def _period(session, args: argparse.Namespace, scope, today):  # type: ignore[no-untyped-def]
    from db.repositories import reports as repo
    from services.reports import Period

    if args.end and not args.start:
        raise _Refused("cli-report-bad-range")
    if args.start:
        if not args.end:
            raise _Refused("cli-report-bad-range")
        start, end = _day(args.start), _day(args.end)
        if start > end:
            raise _Refused("cli-report-bad-range")
        return Period(start, end)
    if args.date:
        day = _day(args.date)
        return Period(day, day)
    if args.term:
        terms = await repo.terms_named(session, scope.school_ids, args.term.strip())
        if not terms:
            raise _Refused("cli-report-no-term", term=args.term.strip())
        term = terms[0]
        return Period(term.starts_on, max(term.starts_on, min(term.ends_on, today)))
    return Period(today, today)
