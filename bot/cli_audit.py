"""`python -m bot audit` — who read, changed or exported which student's record.

    python -m bot audit --student ID [--since 2026-11-01]
    python -m bot audit --school ID [--since 2026-11-01] [--as PERSON_ID] [--file audit.xlsx]
    python -m bot audit --county ID [--since …] [--as PERSON_ID]

A table of ids only (when in UTC, the person who acted, read/change/export, what, the
student or the scope and how many students it covered); --file writes it as .xlsx.
Whoever runs the command on the server sees everything; `--as PERSON_ID` shows only what
that person may see (a school admin: their school; a bureau officer: their county) and
refuses the rest — use it when printing the log for someone.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
from datetime import UTC, datetime, time
from pathlib import Path

from bot.settings import Settings
from locales import LANGUAGES, get_translator


class _Refused(Exception):
    def __init__(self, key: str, **params: str) -> None:
        super().__init__(key)
        self.key = key
        self.params = params


def register(commands: argparse._SubParsersAction) -> None:  # type: ignore[type-arg]
    from bot.cli import cli_language

    t = get_translator().bind(cli_language())
    parser = commands.add_parser("audit", help=t("cli-audit-help"), description=t("cli-audit-help"))
    which = parser.add_mutually_exclusive_group(required=True)
    which.add_argument("--student", type=int, metavar="ID")
    which.add_argument("--school", type=int, metavar="ID")
    which.add_argument("--county", type=int, metavar="ID")
    parser.add_argument("--since", metavar="YYYY-MM-DD")
    parser.add_argument("--as", dest="viewer", type=int, metavar="PERSON_ID")
    parser.add_argument("--file", metavar="OUT.xlsx")
    parser.add_argument("--lang", choices=LANGUAGES)
    parser.set_defaults(handler=_audit)


def _audit(args: argparse.Namespace, settings: Settings) -> int:
    from db.migrate import upgrade

    language = args.lang or settings.default_language
    t = get_translator().bind(language)
    upgrade(settings.database_url)
    try:
        text, content, count = asyncio.run(_collect(args, settings, language))
    except _Refused as exc:
        sys.stderr.write(t(exc.key, **exc.params) + "\n")
        return 1
    if args.file:
        Path(args.file).write_bytes(content or b"")
        sys.stdout.write(t("cli-audit-written", file=args.file, count=count) + "\n")
    else:
        sys.stdout.write((text if count else t("cli-audit-none")) + "\n")
    return 0


async def _collect(args: argparse.Namespace, settings: Settings, language: str) -> tuple[str, bytes | None, int]:
    from sqlalchemy import select

    from db.engine import create_engine, create_session_pool
    from db.models import Person
    from services import audit
    from services.access import load_actor
    from services.dropout import parse_day

    translator = get_translator()
    since = None
    if args.since:
        day = parse_day(args.since)
        if day is None:
            raise _Refused("cli-audit-bad-date", value=args.since)
        since = datetime.combine(day, time(0), tzinfo=UTC)
    engine = create_engine(settings.database_url)
    try:
        async with create_session_pool(engine)() as session:
            viewer = None
            if args.viewer is not None:
                telegram_id = await session.scalar(select(Person.telegram_user_id).where(Person.id == args.viewer))
                if telegram_id is None:
                    raise _Refused("cli-audit-no-person", person=str(args.viewer))
                viewer = await load_actor(session, telegram_id)
            try:
                rows = await audit.entries(
                    session, student_id=args.student, school_id=args.school, county_id=args.county,
                    since=since, viewer=viewer,
                )
            except audit.NotAllowed:
                raise _Refused("cli-audit-not-allowed", person=str(args.viewer)) from None
    finally:
        await engine.dispose()
    header = translator.get("cli-audit-header", language)
    content = audit.build_sheet(rows, language, translator) if args.file else None
    return audit.table_text(rows, header), content, len(rows)
