"""`python -m bot roster …` — the blank template and importing a filled-in roster.

    python -m bot roster template roster.xlsx [--language en]
    python -m bot roster import roster.xlsx --school "NAME" [--county "NAME"]

The import prints a summary, or every problem (row and column) and changes nothing.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path
from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from bot.settings import Settings
from db.models import School
from db.repositories import roster as roster_repo
from db.repositories import schools as schools_repo
from locales import LANGUAGES, Translate, get_translator
from services import roster
from services.clock import SystemClock


class _Refused(Exception):
    def __init__(self, key: str, **params: Any) -> None:
        super().__init__(key)
        self.key = key
        self.params = params


def _default_language() -> str:
    from bot.cli import cli_language

    return cli_language()


def register(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    t = get_translator().bind(_default_language())
    parser = commands.add_parser("roster", help=t("roster-cli-help"), description=t("roster-cli-help"))
    actions = parser.add_subparsers(dest="roster_command", metavar="ACTION", required=True)

    template = actions.add_parser("template", help=t("roster-cli-template-help"))
    template.add_argument("file", metavar="FILE.xlsx", help=t("roster-cli-file-help"))
    template.add_argument("--language", choices=LANGUAGES, help=t("roster-cli-language-help"))
    template.set_defaults(handler=_template)

    run_import = actions.add_parser("import", help=t("roster-cli-import-help"))
    run_import.add_argument("file", metavar="FILE", help=t("roster-cli-file-help"))
    run_import.add_argument("--school", required=True, help=t("roster-cli-school-help"))
    run_import.add_argument("--county", help=t("roster-cli-county-help"))
    run_import.add_argument("--language", choices=LANGUAGES, help=t("roster-cli-language-help"))
    run_import.set_defaults(handler=_import)


def _language(args: argparse.Namespace, settings: Settings) -> str:
    return args.language or settings.default_language


def _template(args: argparse.Namespace, settings: Settings) -> int:
    language = _language(args, settings)
    t = get_translator().bind(language)
    path = Path(args.file)
    path.write_bytes(roster.build_template(language))
    sys.stdout.write(t("roster-cli-template-written", path=str(path)) + "\n")
    return 0


def _import(args: argparse.Namespace, settings: Settings) -> int:
    from db.migrate import upgrade

    t = get_translator().bind(_language(args, settings))
    path = Path(args.file)
    if not path.is_file():
        sys.stderr.write(t("roster-cli-file-not-found", path=str(path)) + "\n")
        return 1
    content = path.read_bytes()
    upgrade(settings.database_url)
    try:
        text = asyncio.run(_run_import(args, settings, path.name, content, t))
    except _Refused as exc:
        sys.stderr.write(t(exc.key, **exc.params) + "\n")
        return 1
    except roster.RosterInvalid as exc:
        # Every line, not the first 30: at a terminal the admin wants the whole list.
        sys.stderr.write(roster.render_problems(exc.problems, t, limit=len(exc.problems)) + "\n")
        return 1
    sys.stdout.write(text + "\n")
    return 0


async def _run_import(
    args: argparse.Namespace, settings: Settings, file_name: str, content: bytes, t: Translate
) -> str:
    from db.engine import create_engine, create_session_pool

    engine = create_engine(settings.database_url)
    try:
        async with create_session_pool(engine)() as session:
            clock = SystemClock()
            school = await _school(session, args.school.strip(), args.county, settings)
            try:
                result = await roster.import_roster(session, clock, school.id, file_name, content)
            except BaseException:
                await session.rollback()
                raise
            await session.commit()
            return roster.render_result(result, t)
    finally:
        await engine.dispose()


async def _school(
    session: AsyncSession, name: str, county_name: str | None, settings: Settings
) -> School:
    now = SystemClock().now()
    if county_name:
        county = await schools_repo.get_or_create_county(session, county_name.strip(), now)
        found = await schools_repo.schools_named(session, name, county.id)
    else:
        found = await schools_repo.schools_named(session, name)
        if len(found) > 1:
            raise _Refused("roster-cli-several-schools", school=name)
        county = await roster_repo.first_county(session)
        if not found and county is None:
            raise _Refused("roster-cli-no-county")
    if found:
        return found[0]
    assert county is not None
    return await schools_repo.create_school(session, name, county.id, now, settings.school_timezone)
