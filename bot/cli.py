"""The command line a teacher-turned-admin can follow.

    python -m bot                       start the bot (same as `run`)
    python -m bot db upgrade            create or upgrade the database
    python -m bot invite admin --school "…"
    python -m bot roster template roster.xlsx
    python -m bot roster import roster.xlsx --school "…"
    python -m bot dropout register --school "…" --month 2026-11 --out registers.xlsx
    python -m bot ledger export --school "…" [--class 3-1班] ledger.xlsx
    python -m bot report counts|changes|compliance --school "…" --file report.xlsx
    python -m bot audit --student ID | --school ID [--since DATE] [--as PERSON_ID]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
from collections.abc import Callable, Sequence

from bot import cli_audit, cli_calendar, cli_dropout, cli_invite, cli_ledger, cli_report, cli_roster
from bot.logs import configure_logging
from bot.settings import Settings, SettingsError, load_settings
from locales import Translate, get_translator

Handler = Callable[[argparse.Namespace, Settings], int]


def cli_language() -> str:
    """The command line speaks the bot's default language (DEFAULT_LANGUAGE, else zh_Hans)."""
    return get_translator().normalize(os.environ.get("DEFAULT_LANGUAGE"))


def build_parser(t: Translate | None = None) -> argparse.ArgumentParser:
    t = t or get_translator().bind(cli_language())
    parser = argparse.ArgumentParser(
        prog="python -m bot",
        description=t("cli-description"),
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=t("cli-epilog"),
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND")

    run = commands.add_parser("run", help=t("cli-run-help"))
    run.add_argument("--webhook", action="store_true", help=t("cli-run-webhook-help"))
    run.set_defaults(handler=_run)

    db = commands.add_parser("db", help=t("cli-db-help"))
    db_commands = db.add_subparsers(dest="db_command", metavar="ACTION", required=True)
    upgrade = db_commands.add_parser("upgrade", help=t("cli-db-upgrade-help"))
    upgrade.set_defaults(handler=_db_upgrade)

    cli_invite.register(commands)
    cli_roster.register(commands)
    cli_dropout.register(commands)
    cli_calendar.register(commands)
    cli_ledger.register(commands)
    cli_report.register(commands)
    cli_audit.register(commands)
    return parser


def _run(args: argparse.Namespace, settings: Settings) -> int:
    from bot.runner import run_polling
    from bot.settings import require_token

    require_token(settings)
    if settings.worker_only:  # sender + scheduler, no updates (bot/worker.py)
        from bot.worker import run_worker

        asyncio.run(run_worker(settings))
        return 0
    if getattr(args, "webhook", False) or settings.webhook.enabled:  # bot/webhook.py
        from bot.runner import run_webhook

        asyncio.run(run_webhook(settings))
        return 0
    asyncio.run(run_polling(settings))
    return 0


def _db_upgrade(args: argparse.Namespace, settings: Settings) -> int:
    from db.migrate import upgrade

    upgrade(settings.database_url)
    print(get_translator().get("cli-db-up-to-date", settings.default_language))
    return 0


def main(argv: Sequence[str]) -> int:
    parser = build_parser()
    args = parser.parse_args(argv)
    handler: Handler = getattr(args, "handler", _run)
    try:
        settings = load_settings()
        configure_logging(settings.log_level)
        return handler(args, settings)
    except SettingsError as exc:
        print(get_translator().get(exc.key, cli_language(), **exc.params), file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
