"""`python -m bot ledger export` — the left-behind students' ledger (台帐) of a school,
or of one class, as a spreadsheet: the same file the bot sends an admin or head teacher.

    python -m bot ledger export --school "NAME" [--county "NAME"] [--class 3-1班] OUT.xlsx
"""

from __future__ import annotations

import argparse
import asyncio
import io
import sys
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
    parser = commands.add_parser("ledger", help=t("cli-ledger-help"), description=t("cli-ledger-help"))
    actions = parser.add_subparsers(dest="ledger_command", metavar="ACTION", required=True)
    export = actions.add_parser("export", help=t("cli-ledger-export-help"))
    export.add_argument("--school", required=True, help=t("cli-ledger-school-help"))
    export.add_argument("--county", help=t("cli-ledger-county-help"))
    export.add_argument("--class", dest="class_name", help=t("cli-ledger-class-help"))
    export.add_argument("--language", choices=LANGUAGES, help=t("cli-ledger-language-help"))
    export.add_argument("out", metavar="OUT.xlsx", help=t("cli-ledger-out-help"))
    export.set_defaults(handler=_export)


def _export(args: argparse.Namespace, settings: Settings) -> int:
    from db.migrate import upgrade

    language = args.language or settings.default_language
    t = get_translator().bind(language)
    upgrade(settings.database_url)
    try:
        content, count = asyncio.run(_build(args, settings, language))
    except _Refused as exc:
        sys.stderr.write(t(exc.key, **exc.params) + "\n")
        return 1
    path = Path(args.out)
    path.write_bytes(content)
    sys.stdout.write(t("cli-ledger-written", path=str(path), count=count) + "\n")
    return 0


def _class_names(grade: int, name: str) -> set[str]:
    """How an admin may write a class: 3-1班, 3/1班, or its label in either language."""
    from services.ledger import class_label

    translator = get_translator()
    labels = {f"{grade}-{name}", f"{grade}/{name}"}
    labels |= {class_label(translator, lang, grade, name) for lang in LANGUAGES}
    return {"".join(label.split()) for label in labels}


async def _build(args: argparse.Namespace, settings: Settings, language: str) -> tuple[bytes, int]:
    from openpyxl import load_workbook

    from db.engine import create_engine, create_session_pool
    from db.repositories import ledger as repo
    from db.repositories import schools as schools_repo
    from services import audit
    from services.clock import SystemClock
    from services.ledger_export import ExportScope, build_ledger, students_covered

    engine = create_engine(settings.database_url)
    try:
        async with create_session_pool(engine)() as session:
            name = args.school.strip()
            if args.county:
                county = await schools_repo.county_by_name(session, args.county.strip())
                found = await schools_repo.schools_named(session, name, county.id) if county else []
            else:
                found = await repo.schools_named(session, name)
            if not found:
                raise _Refused("cli-ledger-no-school", school=name)
            if len(found) > 1:
                raise _Refused("cli-ledger-several-schools", school=name)
            school = found[0]
            class_id = None
            if args.class_name:
                wanted = "".join(args.class_name.split())
                classes = await repo.classes_of_schools(session, [school.id])
                chosen = [c for c in classes if wanted in _class_names(c.grade, c.name)]
                if not chosen:
                    raise _Refused("cli-ledger-no-class", class_name=args.class_name)
                class_id = chosen[0].id
            content = await build_ledger(session, SystemClock(), ExportScope(school.id, class_id), language)
            # The audit log: an export from the server's command line (no person).
            scope = ExportScope(school.id, class_id)
            await audit.record(
                session, SystemClock(), None, audit.Action.EXPORT, audit.LEDGER_EXPORT,
                scope=audit.AuditScope(school.id, class_id, count=await students_covered(session, scope)),
            )
            await session.commit()
    finally:
        await engine.dispose()
    rows = load_workbook(io.BytesIO(content), read_only=True).active.max_row or 1
    return content, rows - 1
