"""`python -m bot calendar prefill` — public holidays and make-up school days of one year,
from the chinese-calendar package, into one school's calendar.

    python -m bot calendar prefill --school "NAME" [--county "NAME"] --year 2026

Days the school has set already are kept. A year the package does not know yet fails
softly: the school's admins are asked (through the bot) to enter it, exit code 1.

`python -m bot calendar export|import` — the whole calendar (terms, holidays and make-up
days, release times) as a spreadsheet, the same file the bot's calendar dialog sends and
takes (services/calendar_sheet.py):

    python -m bot calendar export --school "NAME" --file calendar.xlsx [--language en]
    python -m bot calendar import --school "NAME" --file calendar.xlsx

An import is checked whole first; any problem is printed (row and column) and nothing is
written, exit code 1.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path

from bot.settings import Settings
from locales import get_translator


class _Refused(Exception):
    def __init__(self, key: str, **params: str) -> None:
        super().__init__(key)
        self.key = key
        self.params = params


def register(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    from bot.cli import cli_language

    t = get_translator().bind(cli_language())
    parser = commands.add_parser("calendar", help=t("holidays-cli-help"), description=t("holidays-cli-help"))
    actions = parser.add_subparsers(dest="calendar_command", metavar="ACTION", required=True)
    prefill = actions.add_parser("prefill", help=t("holidays-cli-prefill-help"))
    prefill.add_argument("--school", required=True, help=t("holidays-cli-school-help"))
    prefill.add_argument("--county", help=t("holidays-cli-county-help"))
    prefill.add_argument("--year", required=True, type=int, help=t("holidays-cli-year-help"))
    prefill.set_defaults(handler=_prefill)

    export = actions.add_parser("export", help=t("calendar-cli-export-help"))
    imported = actions.add_parser("import", help=t("calendar-cli-import-help"))
    for action in (export, imported):
        action.add_argument("--school", required=True, help=t("holidays-cli-school-help"))
        action.add_argument("--county", help=t("holidays-cli-county-help"))
        action.add_argument("--file", required=True, type=Path, help=t("calendar-cli-file-help"))
    export.add_argument("--language", choices=("zh_Hans", "en"), help=t("calendar-cli-language-help"))
    export.set_defaults(handler=_export)
    imported.set_defaults(handler=_import)


def _prefill(args: argparse.Namespace, settings: Settings) -> int:
    from db.migrate import upgrade

    t = get_translator().bind(settings.default_language)
    upgrade(settings.database_url)
    try:
        name, result = asyncio.run(_run(args, settings))
    except _Refused as exc:
        sys.stderr.write(t(exc.key, **exc.params) + "\n")
        return 1
    if result.missing:
        sys.stderr.write(t("holidays-cli-missing", year=str(result.year), asked=result.asked) + "\n")
        return 1
    sys.stdout.write(
        t("holidays-cli-done", school=name, year=str(result.year), added=result.added, kept=result.kept) + "\n"
    )
    return 0


async def _school(session, args: argparse.Namespace):  # type: ignore[no-untyped-def]
    """The one school named by --school (and --county); refused when none or several."""
    from db.repositories import schools as schools_repo

    name = args.school.strip()
    if args.county:
        county = await schools_repo.county_by_name(session, args.county.strip())
        found = await schools_repo.schools_named(session, name, county.id) if county else []
    else:
        found = await schools_repo.schools_named(session, name)
    if not found:
        raise _Refused("holidays-cli-no-school", school=name)
    if len(found) > 1:
        raise _Refused("holidays-cli-several", school=name)
    return found


async def _run(args: argparse.Namespace, settings: Settings):  # type: ignore[no-untyped-def]
    from db.engine import create_engine, create_session_pool
    from services.clock import SystemClock
    from services.holidays import prefill_year

    engine = create_engine(settings.database_url)
    try:
        async with create_session_pool(engine)() as session:
            found = await _school(session, args)
            result = await prefill_year(
                session, SystemClock(), get_translator(), found[0].id, args.year,
                language=settings.default_language,
            )
            await session.commit()
            return found[0].name, result
    finally:
        await engine.dispose()


def _defaults(settings: Settings) -> dict[str, object]:
    return {"weekend": settings.returns.weekend_release, "holiday": settings.returns.holiday_release}


def _export(args: argparse.Namespace, settings: Settings) -> int:
    from db.migrate import upgrade

    t = get_translator().bind(settings.default_language)
    upgrade(settings.database_url)
    language = args.language or settings.default_language
    try:
        name, content = asyncio.run(_with_school(args, settings, _export_in(language, settings)))
    except _Refused as exc:
        sys.stderr.write(t(exc.key, **exc.params) + "\n")
        return 1
    args.file.write_bytes(content)
    sys.stdout.write(t("calendar-cli-exported", school=name, file=str(args.file)) + "\n")
    return 0


def _export_in(language: str, settings: Settings):  # type: ignore[no-untyped-def]
    async def run(session, school):  # type: ignore[no-untyped-def]
        from services.calendar_sheet import export_calendar

        return await export_calendar(session, school.id, language, _defaults(settings))  # type: ignore[arg-type]

    return run


def _import(args: argparse.Namespace, settings: Settings) -> int:
    from db.migrate import upgrade
    from services import calendar_sheet

    t = get_translator().bind(settings.default_language)
    if not args.file.is_file():
        sys.stderr.write(t("calendar-cli-no-file", file=str(args.file)) + "\n")
        return 1
    content = args.file.read_bytes()
    upgrade(settings.database_url)

    async def run(session, school):  # type: ignore[no-untyped-def]
        from services.clock import SystemClock

        return await calendar_sheet.import_calendar(
            session, SystemClock(), school.id, args.file.name, content, actor=None,
        )

    try:
        _name, result = asyncio.run(_with_school(args, settings, run, commit=True))
    except _Refused as exc:
        sys.stderr.write(t(exc.key, **exc.params) + "\n")
        return 1
    except calendar_sheet.CalendarSheetInvalid as exc:
        sys.stderr.write(calendar_sheet.render_problems(exc.problems, t, limit=len(exc.problems)) + "\n")
        return 1
    sys.stdout.write(calendar_sheet.render_result(result, t) + "\n")
    return 0


async def _with_school(args: argparse.Namespace, settings: Settings, work, *, commit: bool = False):  # type: ignore[no-untyped-def]
    """`work(session, school)` for the school named on the command line; committed only
    when asked and only when it returns (an exception rolls everything back)."""
    from db.engine import create_engine, create_session_pool

    engine = create_engine(settings.database_url)
    try:
        async with create_session_pool(engine)() as session:
            school = (await _school(session, args))[0]
            result = await work(session, school)
            if commit:
                await session.commit()
            return school.name, result
    finally:
        await engine.dispose()
