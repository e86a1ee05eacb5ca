"""The command line a teacher-turned-admin can follow.

    python -m bot                       start the bot (same as `run`)
    python -m bot db upgrade            create or upgrade the database
    python -m bot invite admin --school "…"
    python -m bot roster template roster.xlsx
    python -m bot roster import roster.xlsx --school "…"
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import sys
from collections.abc import Callable, Sequence

from bot import cli_invite, cli_roster
from bot.settings import Settings, SettingsError, load_settings

Handler = Callable[[argparse.Namespace, Settings], int]


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m bot",
        description=(
            "jiaxiao (家校): the school's Telegram bot. Settings come from the environment "
            "or a .env file in this folder (see .env.example)."
        ),
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=(
            "First time:\n"
            "  1. put BOT_TOKEN=<token from @BotFather> in .env\n"
            '  2. python -m bot invite admin --school "Example Primary School" --county "Example County"\n'
            "     and open the printed link in Telegram\n"
            "  3. python -m bot            (keep it running)\n"
        ),
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    run = commands.add_parser("run", help="start the bot (the default)")
    run.set_defaults(handler=_run)

    db = commands.add_parser("db", help="database maintenance")
    db_commands = db.add_subparsers(dest="db_command", metavar="ACTION", required=True)
    upgrade = db_commands.add_parser("upgrade", help="create or upgrade the database schema")
    upgrade.set_defaults(handler=_db_upgrade)

    cli_invite.register(commands)
    cli_roster.register(commands)
    return parser


def _run(args: argparse.Namespace, settings: Settings) -> int:
    from bot.runner import run_polling
    from bot.settings import require_token

    require_token(settings)
    asyncio.run(run_polling(settings))
    return 0


def _db_upgrade(args: argparse.Namespace, settings: Settings) -> int:
    from db.migrate import upgrade

    upgrade(settings.database_url)
    print("database is up to date")
    return 0


def main(argv: Sequence[str]) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    handler: Handler = getattr(args, "handler", _run)
    try:
        settings = load_settings()
        logging.basicConfig(
            level=settings.log_level,
            format="%(asctime)s %(levelname)s %(name)s: %(message)s",
        )
        if settings.log_level != "DEBUG":
            logging.getLogger("alembic").setLevel(logging.WARNING)
        return handler(args, settings)
    except SettingsError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
