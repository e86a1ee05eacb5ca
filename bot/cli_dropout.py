"""`python -m bot dropout register` — the dropout registers of one school for one month.

    python -m bot dropout register --school "NAME" [--county "NAME"] [--month 2026-11] --out FILE.xlsx

One spreadsheet with three sheets (suspected dropouts, 流失学生登记表, monthly summary),
the same the bot sends an admin. The month defaults to the current one.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from pathlib import Path

from bot.settings import Settings
from locales import LANGUAGES, get_translator
from services import audit
from services.clock import SystemClock, local_today
from services.dropout_registers import Month, RegisterScope, build_registers


class _Refused(Exception):
    def __init__(self, key: str, **params: str) -> None:
        super().__init__(key)
        self.key = key
        self.params = params


def register(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    from bot.cli import cli_language

    t = get_translator().bind(cli_language())
    parser = commands.add_parser("dropout", help=t("cli-dropout-help"), description=t("cli-dropout-help"))
    actions = parser.add_subparsers(dest="dropout_command", metavar="ACTION", required=True)
    registers = actions.add_parser("register", help=t("cli-dropout-register-help"))
    registers.add_argument("--school", required=True, help=t("cli-dropout-school-help"))
    registers.add_argument("--county", help=t("cli-dropout-county-help"))
    registers.add_argument("--month", help=t("cli-dropout-month-help"))
    registers.add_argument("--out", required=True, metavar="FILE.xlsx", help=t("cli-dropout-out-help"))
    registers.add_argument("--language", choices=LANGUAGES, help=t("cli-dropout-language-help"))
    registers.set_defaults(handler=_register)


def _register(args: argparse.Namespace, settings: Settings) -> int:
    from db.migrate import upgrade

    language = args.language or settings.default_language
    t = get_translator().bind(language)
    if args.month:
        try:
            month = Month.parse(args.month)
        except ValueError:
            sys.stderr.write(t("cli-dropout-bad-month", month=args.month) + "\n")
            return 1
    else:
        month = Month.of(local_today(SystemClock(), settings.tz))
    upgrade(settings.database_url)
    try:
        content = asyncio.run(_build(args, settings, month, language))
    except _Refused as exc:
        sys.stderr.write(t(exc.key, **exc.params) + "\n")
        return 1
    path = Path(args.out)
    path.write_bytes(content)
    sys.stdout.write(t("cli-dropout-written", path=str(path), month=str(month)) + "\n")
    return 0


async def _build(args: argparse.Namespace, settings: Settings, month: Month, language: str) -> bytes:
    from db.engine import create_engine, create_session_pool
    from db.repositories import dropout as repo
    from db.repositories import schools as schools_repo

    engine = create_engine(settings.database_url)
    try:
        async with create_session_pool(engine)() as session:
            name = args.school.strip()
            if args.county:
                county = await schools_repo.county_by_name(session, args.county.strip())
                found = await schools_repo.schools_named(session, name, county.id) if county else []
            else:
                found = await repo.school_by_name(session, name)
            if not found:
                raise _Refused("cli-dropout-no-school", school=name)
            if len(found) > 1:
                raise _Refused("cli-dropout-several-schools", school=name)
            content = await build_registers(session, RegisterScope(found[0].id), month, language)
            # The audit log: an export from the server's command line (no person).
            await audit.record(session, SystemClock(), None, audit.Action.EXPORT, audit.DROPOUT_REGISTER_EXPORT,
                               scope=audit.AuditScope(school_id=found[0].id))
            await session.commit()
            return content
    finally:
        await engine.dispose()
