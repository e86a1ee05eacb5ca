"""Webhook mode: Telegram posts each update here (aiohttp), and gets its 200 only once
the update is committed.

    POST <path>      an update; X-Telegram-Bot-Api-Secret-Token must match WEBHOOK__SECRET
                     (else 401, nothing read). 200 once the update is handled and committed
                     (or was handled before: a re-send has no second effect); 500 if
                     handling failed, so Telegram sends it again later.
    GET  /healthz    200 {"status": "ok", "database": "ok"}, or 503 if the database
                     does not answer.

The journal (bot/journal.py) does the recording and de-duplication, as in polling.
"""

from __future__ import annotations

import hmac
import json
import logging
from urllib.parse import urlsplit

from aiogram import Bot, Dispatcher
from aiogram.types import Update
from aiohttp import web
from pydantic import ValidationError
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.journal import UpdateJournal
from bot.settings import SettingsError, WebhookSettings

log = logging.getLogger(__name__)

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"
_SECRET_CHARS = set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-")


def check_webhook_settings(settings: WebhookSettings) -> tuple[str, str, str]:
    """(public url, secret, local path), or SettingsError naming the setting to fix."""
    url = (settings.url or "").strip()
    if not url.startswith(("https://", "http://")):
        raise SettingsError(
            "cli-invalid-setting",
            problem="WEBHOOK__URL: the public https:// address Telegram posts updates to is required in webhook mode",
        )
    secret = settings.secret.get_secret_value() if settings.secret is not None else ""
    if not (1 <= len(secret) <= 256) or not set(secret) <= _SECRET_CHARS:
        raise SettingsError(
            "cli-invalid-setting",
            problem="WEBHOOK__SECRET: required in webhook mode, 1-256 characters of A-Z a-z 0-9 _ - "
            "(e.g. the output of: openssl rand -hex 32)",
        )
    path = settings.path or urlsplit(url).path or "/"
    if not path.startswith("/"):
        path = "/" + path
    return url, secret, path


def create_webhook_app(
    *,
    bot: Bot,
    dp: Dispatcher,
    journal: UpdateJournal,
    session_pool: async_sessionmaker[AsyncSession],
    secret: str,
    path: str,
    health_path: str = "/healthz",
) -> web.Application:
    expected = secret.encode()

    async def receive(request: web.Request) -> web.Response:
        given = request.headers.get(SECRET_HEADER, "").encode()
        if not hmac.compare_digest(given, expected):
            log.warning("webhook request with a wrong or missing secret token refused")
            return web.json_response({"ok": False}, status=401)
        try:
            data = json.loads(await request.read())
            update = Update.model_validate(data, context={"bot": bot})
        except (ValueError, ValidationError):
            return web.json_response({"ok": False, "error": "not an update"}, status=400)
        try:
            for fresh in await journal.record([update]):
                await journal.handle(dp, bot, fresh)
        except Exception as exc:
            log.error("update %d failed (%s); Telegram will send it again",
                      update.update_id, type(exc).__name__, exc_info=exc)
            return web.json_response({"ok": False}, status=500)
        return web.json_response({"ok": True})

    async def health(request: web.Request) -> web.Response:
        try:
            async with session_pool() as session:
                await session.execute(text("SELECT 1"))
        except Exception as exc:
            log.warning("health check: database unreachable (%s)", type(exc).__name__)
            return web.json_response({"status": "error", "database": "unreachable"}, status=503)
        return web.json_response({"status": "ok", "database": "ok"})

    app = web.Application()
    app.router.add_post(path, receive)
    app.router.add_get(health_path, health)
    return app
