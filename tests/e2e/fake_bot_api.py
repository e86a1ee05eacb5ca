"""A fake Telegram Bot API server for end-to-end tests and the fan-out benchmark.

It speaks the Bot API over HTTP the way aiogram calls it (``POST /bot<token>/<method>``
with multipart, urlencoded or JSON fields; ``GET /file/bot<token>/<path>`` for
downloads) and records what the bot did, chat by chat. Tests push what people do
(text, commands, contacts, button presses, files) as updates that the bot's long
poll picks up.

    api = FakeBotApi()
    await api.start()                  # 127.0.0.1, a free port; api.base_url
    api.push_text(1001, "/start")
    await api.wait_for(lambda: api.messages_to(1001), timeout=10)
    await api.stop()

Telegram-like limits can be switched on (``api.limits = Limits()``: 30 messages/s in
total, 1/s per chat with a burst of 3, HTTP 429 with ``parameters.retry_after`` when
exceeded), and failures injected (``api.faults``: blocked chats, missing chats, 502s,
hangs, dropped connections).
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import json
import math
import random
import time
from collections import defaultdict
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import web

BOT_ID = 123456789
BOT_TOKEN = f"{BOT_ID}:FAKE-token_for-e2e"
BOT_USERNAME = "jiaxiao_test_bot"

# Fields that aiogram sends as JSON strings inside a form.
_JSON_FIELDS = {
    "reply_markup", "allowed_updates", "commands", "scope", "entities", "caption_entities",
    "link_preview_options", "reply_parameters", "menu_button", "media", "results",
}
# Methods that put or change a message in a chat; these are what the limits count.
_LIMITED_PREFIXES = ("send", "edit", "copy", "forward")


@dataclass(frozen=True)
class FakeUser:
    id: int
    first_name: str = "用户"
    language_code: str | None = "zh-hans"
    last_name: str | None = None

    def as_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"id": self.id, "is_bot": False, "first_name": self.first_name}
        if self.language_code:
            out["language_code"] = self.language_code
        if self.last_name:
            out["last_name"] = self.last_name
        return out


UserLike = int | FakeUser


def _user(user: UserLike) -> FakeUser:
    return user if isinstance(user, FakeUser) else FakeUser(id=user)


@dataclass
class StoredFile:
    file_id: str
    file_unique_id: str
    file_path: str
    file_name: str
    data: bytes
    mime_type: str | None = None


@dataclass
class ChatMessage:
    """A message the bot sent (or a message whose text/markup the bot later edited)."""

    message_id: int
    chat_id: int
    method: str
    text: str | None = None
    caption: str | None = None
    reply_markup: dict[str, Any] | None = None
    document: StoredFile | None = None
    sent_at: float = 0.0  # time.monotonic()
    edits: list[str] = field(default_factory=list)  # earlier texts, oldest first
    deleted: bool = False
    client: str | None = None  # the "/<name>" prefix of the sender's API base, if any

    @property
    def all_texts(self) -> list[str]:
        current = self.text if self.text is not None else self.caption
        return [*self.edits, *([current] if current is not None else [])]

    def buttons(self) -> list[dict[str, Any]]:
        """Inline buttons (dicts with text and callback_data/url), row by row flattened."""
        if not self.reply_markup:
            return []
        rows = self.reply_markup.get("inline_keyboard") or self.reply_markup.get("keyboard") or []
        return [b if isinstance(b, dict) else {"text": b} for row in rows for b in row]

    def button_texts(self) -> list[str]:
        return [b["text"] for b in self.buttons()]


@dataclass
class Limits:
    """Telegram's broadcast limits as documented: ~30 messages/s, ~1/s per chat."""

    total_rate: float = 30.0
    total_burst: float = 30.0
    chat_rate: float = 1.0
    chat_burst: float = 3.0


@dataclass
class Faults:
    blocked_chats: set[int] = field(default_factory=set)  # 403 bot was blocked by the user
    deactivated_chats: set[int] = field(default_factory=set)  # 403 user is deactivated
    missing_chats: set[int] = field(default_factory=set)  # 400 chat not found
    error_rate: float = 0.0  # share of limited requests answered 502 Bad Gateway
    hang_rate: float = 0.0  # share of limited requests that sleep hang_seconds first
    hang_seconds: float = 120.0
    drop_rate: float = 0.0  # share of limited requests whose connection is cut, unanswered
    drop_after_delivery: bool = False  # cut after the message was recorded (the nasty case)
    seed: int = 1234


class _Bucket:
    """A token bucket; `take` returns 0 when allowed, else seconds until a token is free."""

    def __init__(self, rate: float, burst: float, now: float) -> None:
        self.rate = rate
        self.burst = burst
        self.tokens = burst
        self.stamp = now

    def _refill(self, now: float) -> None:
        self.tokens = min(self.burst, self.tokens + (now - self.stamp) * self.rate)
        self.stamp = now

    def wait_time(self, now: float) -> float:
        self._refill(now)
        return 0.0 if self.tokens >= 1 else (1 - self.tokens) / self.rate

    def take(self) -> None:
        self.tokens -= 1


class _ApiError(Exception):
    def __init__(self, status: int, description: str, retry_after: int | None = None) -> None:
        super().__init__(description)
        self.status = status
        self.description = description
        self.retry_after = retry_after


class _DropConnection(Exception):
    pass


class FakeBotApi:
    def __init__(self, token: str = BOT_TOKEN, *, limits: Limits | None = None) -> None:
        self.token = token
        self.limits = limits
        self.faults = Faults()
        self.base_url = ""
        self._runner: web.AppRunner | None = None
        self._update_ids = itertools.count(1)
        self._message_ids: dict[int, itertools.count[int]] = defaultdict(lambda: itertools.count(1))
        self._file_ids = itertools.count(1)
        self._callback_ids = itertools.count(1)
        self._updates: list[dict[str, Any]] = []
        self._new_update = asyncio.Event()
        self._changed = asyncio.Event()
        self._closing = False
        self._total_bucket: _Bucket | None = None
        self._chat_buckets: dict[int, _Bucket] = {}
        # What the bot did.
        self.chats: dict[int, list[ChatMessage]] = defaultdict(list)
        self.files: dict[str, StoredFile] = {}
        self.calls: list[tuple[str, dict[str, Any]]] = []
        self.callback_answers: dict[str, dict[str, Any]] = {}
        self.commands: dict[str, list[dict[str, Any]]] = {}  # scope+language key → commands
        self.menu_buttons: list[dict[str, Any]] = []
        self.webhook: dict[str, Any] | None = None  # the last setWebhook call
        self.get_updates_calls = 0
        self.confirmed_update_id = 0
        self.too_many_requests = 0  # 429s answered
        self.faults_injected: dict[str, int] = defaultdict(int)
        self.first_delivery: float | None = None
        self.last_delivery: float | None = None
        self.deliveries = 0  # accepted send* calls

    @property
    def faults(self) -> Faults:
        return self._faults

    @faults.setter
    def faults(self, faults: Faults) -> None:
        self._faults = faults
        self._rng = random.Random(faults.seed)  # the same failures on every run

    # ---------------------------------------------------------------- life cycle

    async def start(self, host: str = "127.0.0.1", port: int = 0) -> str:
        app = web.Application(client_max_size=64 * 1024 * 1024)
        app.router.add_route("*", "/bot{token}/{method}", self._handle_method)
        app.router.add_get("/file/bot{token}/{path:.+}", self._handle_file)
        # Several bot processes on one server: each may be given base_url + "/<name>" as its
        # API base, and every message records which one sent it (ChatMessage.client).
        app.router.add_route("*", "/{client}/bot{token}/{method}", self._handle_method)
        self._runner = web.AppRunner(app, handle_signals=False, access_log=None, shutdown_timeout=1)
        await self._runner.setup()
        site = web.TCPSite(self._runner, host, port)
        await site.start()
        bound_host, bound_port = self._runner.addresses[0][:2]
        self.base_url = f"http://{bound_host}:{bound_port}"
        return self.base_url

    async def stop(self) -> None:
        self._closing = True
        self._new_update.set()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> FakeBotApi:
        await self.start()
        return self

    async def __aexit__(self, *exc: object) -> None:
        await self.stop()

    # ---------------------------------------------------------------- test API: pushing

    def _push(self, kind: str, payload: dict[str, Any]) -> dict[str, Any]:
        update = {"update_id": next(self._update_ids), kind: payload}
        self._updates.append(update)
        self._new_update.set()
        self._new_update = asyncio.Event()
        return update

    def _user_message(self, user: FakeUser, **content: Any) -> dict[str, Any]:
        return {
            "message_id": next(self._message_ids[user.id]),
            "date": int(time.time()),
            "chat": {"id": user.id, "type": "private", "first_name": user.first_name},
            "from": user.as_dict(),
            **content,
        }

    def push_text(self, user: UserLike, text: str) -> dict[str, Any]:
        u = _user(user)
        content: dict[str, Any] = {"text": text}
        if text.startswith("/"):
            command = text.split()[0]
            content["entities"] = [{"type": "bot_command", "offset": 0, "length": len(command)}]
        return self._push("message", self._user_message(u, **content))

    def push_command(self, user: UserLike, command: str, args: str | None = None) -> dict[str, Any]:
        text = "/" + command.lstrip("/")
        return self.push_text(user, f"{text} {args}" if args else text)

    def push_contact(
        self, user: UserLike, phone: str, user_id: int | None = None, first_name: str | None = None
    ) -> dict[str, Any]:
        """`user_id` is the contact's Telegram id: the sender's own for a genuine share,
        someone else's (or None) for a forwarded or typed-in contact."""
        u = _user(user)
        contact: dict[str, Any] = {"phone_number": phone, "first_name": first_name or u.first_name}
        if user_id is not None:
            contact["user_id"] = user_id
        return self._push("message", self._user_message(u, contact=contact))

    def push_callback(self, user: UserLike, message_id: int, data: str) -> str:
        """Presses an inline button on the bot's message `message_id` in the user's chat."""
        u = _user(user)
        try:
            message = self._find(u.id, message_id)
        except _ApiError:
            raise AssertionError(f"no message #{message_id} in chat {u.id}") from None
        callback_id = str(next(self._callback_ids))
        payload = {
            "id": callback_id,
            "from": u.as_dict(),
            "chat_instance": f"ci{u.id}",
            "data": data,
            "message": self._message_json(message),
        }
        self._push("callback_query", payload)
        return callback_id

    def press(self, user: UserLike, label: str) -> str:
        """Presses the inline button labelled `label` on the newest bot message showing it."""
        u = _user(user)
        for message in reversed(self.messages_to(u.id)):
            for button in message.buttons():
                if button.get("text") == label and button.get("callback_data"):
                    return self.push_callback(u, message.message_id, button["callback_data"])
        raise AssertionError(f"no button {label!r} in chat {u.id}: {self.describe_chat(u.id)}")

    def push_document(
        self, user: UserLike, filename: str, data: bytes, mime_type: str | None = None,
        caption: str | None = None,
    ) -> dict[str, Any]:
        u = _user(user)
        stored = self._store_file(filename, data, mime_type, folder="documents")
        document = {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "file_name": filename,
            "file_size": len(data),
        }
        if mime_type:
            document["mime_type"] = mime_type
        content: dict[str, Any] = {"document": document}
        if caption:
            content["caption"] = caption
        return self._push("message", self._user_message(u, **content))

    # ---------------------------------------------------------------- test API: looking

    def messages_to(self, chat_id: int) -> list[ChatMessage]:
        return [m for m in self.chats.get(chat_id, []) if not m.deleted]

    def texts_to(self, chat_id: int) -> list[str]:
        """Every text the chat has seen from the bot, edits included, oldest first."""
        return [t for m in self.chats.get(chat_id, []) for t in m.all_texts]

    def describe_chat(self, chat_id: int) -> str:
        lines = []
        for m in self.chats.get(chat_id, []):
            flag = " (deleted)" if m.deleted else ""
            lines.append(f"#{m.message_id} {m.method}{flag}: {m.all_texts!r} {m.button_texts()!r}")
        return "\n".join(lines) or "(no messages)"

    def commands_for(self, chat_id: int | None = None, language: str | None = None) -> list[str]:
        """Command names set for a chat scope (or the default scope when chat_id is None)."""
        key = _commands_key({"type": "chat", "chat_id": chat_id} if chat_id else None, language)
        if language is None and key not in self.commands:
            # Any language: per-chat commands are usually set in the person's language only.
            prefix = key.split("|")[0] + "|"
            key = next((k for k in self.commands if k.startswith(prefix)), key)
        return [c["command"] for c in self.commands.get(key, [])]

    def calls_of(self, method: str) -> list[dict[str, Any]]:
        return [fields for name, fields in self.calls if name == method]

    @property
    def pending_updates(self) -> int:
        return sum(1 for u in self._updates if u["update_id"] > self.confirmed_update_id)

    async def wait_for(
        self, predicate: Callable[[], Any], timeout: float = 10.0, what: str = "condition",
        interval: float = 0.05,
    ) -> Any:
        """Waits until `predicate()` is truthy (checked on every change and every interval)."""
        deadline = time.monotonic() + timeout
        while True:
            result = predicate()
            if result:
                return result
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise TimeoutError(f"timed out after {timeout}s waiting for {what}")
            self._changed.clear()
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._changed.wait(), min(interval, remaining))

    async def wait_for_text(
        self, chat_id: int, contains: str, timeout: float = 10.0
    ) -> ChatMessage:
        def find() -> ChatMessage | None:
            for m in self.chats.get(chat_id, []):
                if any(contains in t for t in m.all_texts):
                    return m
            return None

        try:
            return await self.wait_for(find, timeout, what=f"{contains!r} in chat {chat_id}")
        except TimeoutError as exc:
            raise AssertionError(f"{exc}; chat so far:\n{self.describe_chat(chat_id)}") from None

    async def wait_for_reply(
        self, chat_id: int, after: int, timeout: float = 10.0
    ) -> list[ChatMessage]:
        """Waits for the bot's answer in a chat: returns the messages sent or edited after
        `after` changes had been seen (use `api.activity(chat_id)` before pushing) and
        once the chat has been quiet for a moment."""
        await self.wait_for(
            lambda: self.activity(chat_id) > after, timeout, what=f"a reply in chat {chat_id}"
        )
        quiet_since = self.activity(chat_id)
        while True:
            await asyncio.sleep(0.3)
            now = self.activity(chat_id)
            if now == quiet_since:
                break
            quiet_since = now
        return self.messages_to(chat_id)

    def activity(self, chat_id: int) -> int:
        """A number that grows with every message sent to or edited in the chat."""
        return sum(1 + len(m.edits) for m in self.chats.get(chat_id, []))

    async def wait_polling(self, after_calls: int = 0, timeout: float = 30.0) -> None:
        """Waits until the bot has called getUpdates more than `after_calls` times."""
        await self.wait_for(
            lambda: self.get_updates_calls > after_calls, timeout, what="the bot to poll"
        )

    # ---------------------------------------------------------------- HTTP

    def _touch(self) -> None:
        self._changed.set()

    async def _handle_method(self, request: web.Request) -> web.StreamResponse:
        method = request.match_info["method"]
        try:
            if request.match_info["token"] != self.token:
                raise _ApiError(401, "Unauthorized")
            fields = await self._read_fields(request)
            if "client" in request.match_info:
                fields["_client"] = request.match_info["client"]
            handler = self._methods.get(method.lower())
            if handler is None:
                raise _ApiError(404, "Not Found")
            self.calls.append((method, fields))
            result = await self._guarded(method, fields, handler)
        except _DropConnection:
            self.faults_injected["dropped"] += 1
            if request.transport is not None:
                request.transport.abort()
            # The client sees the connection reset; aiohttp never writes this response.
            return web.Response(status=500)
        except _ApiError as exc:
            body: dict[str, Any] = {
                "ok": False, "error_code": exc.status, "description": exc.description,
            }
            if exc.retry_after is not None:
                body["parameters"] = {"retry_after": exc.retry_after}
            self._touch()
            return web.json_response(body, status=exc.status)
        self._touch()
        return web.json_response({"ok": True, "result": result})

    async def _guarded(
        self, method: str, fields: dict[str, Any],
        handler: Callable[[dict[str, Any]], Awaitable[Any]],
    ) -> Any:
        limited = method.lower().startswith(_LIMITED_PREFIXES)
        if not limited:
            return await handler(fields)
        faults = self.faults
        if faults.hang_rate and self._rng.random() < faults.hang_rate:
            self.faults_injected["hung"] += 1
            await asyncio.sleep(faults.hang_seconds)
        drop_after = False
        if faults.drop_rate and self._rng.random() < faults.drop_rate:
            if not faults.drop_after_delivery:
                raise _DropConnection
            drop_after = True
        if faults.error_rate and self._rng.random() < faults.error_rate:
            self.faults_injected["502"] += 1
            raise _ApiError(502, "Bad Gateway")
        chat_id = _int(fields.get("chat_id"))
        self._check_limits(chat_id)
        if chat_id in faults.blocked_chats:
            raise _ApiError(403, "Forbidden: bot was blocked by the user")
        if chat_id in faults.deactivated_chats:
            raise _ApiError(403, "Forbidden: user is deactivated")
        if chat_id in faults.missing_chats:
            raise _ApiError(400, "Bad Request: chat not found")
        result = await handler(fields)
        if drop_after:
            raise _DropConnection
        return result

    def _check_limits(self, chat_id: int | None) -> None:
        limits = self.limits
        if limits is None:
            return
        now = time.monotonic()
        if self._total_bucket is None or self._total_bucket.rate != limits.total_rate:
            self._total_bucket = _Bucket(limits.total_rate, limits.total_burst, now)
        waits = [self._total_bucket.wait_time(now)]
        chat_bucket = None
        if chat_id is not None:
            chat_bucket = self._chat_buckets.get(chat_id)
            if chat_bucket is None:
                chat_bucket = _Bucket(limits.chat_rate, limits.chat_burst, now)
                self._chat_buckets[chat_id] = chat_bucket
            waits.append(chat_bucket.wait_time(now))
        wait = max(waits)
        if wait > 0:
            self.too_many_requests += 1
            retry_after = max(1, math.ceil(wait))
            raise _ApiError(429, f"Too Many Requests: retry after {retry_after}", retry_after)
        self._total_bucket.take()
        if chat_bucket is not None:
            chat_bucket.take()

    async def _read_fields(self, request: web.Request) -> dict[str, Any]:
        raw: dict[str, Any] = dict(request.query)
        if request.method == "POST" and request.can_read_body:
            if request.content_type == "application/json":
                body = await request.json()
                if isinstance(body, dict):
                    raw.update(body)
            else:
                form = await request.post()
                for key, value in form.items():
                    raw[key] = value
        fields: dict[str, Any] = {}
        for key, value in raw.items():
            if isinstance(value, web.FileField):
                fields[key] = {
                    "filename": value.filename,
                    "content_type": value.content_type,
                    "data": value.file.read(),
                }
            elif key in _JSON_FIELDS and isinstance(value, str):
                try:
                    fields[key] = json.loads(value)
                except ValueError:
                    raise _ApiError(400, f"Bad Request: can't parse {key} JSON object") from None
            else:
                fields[key] = value
        return fields

    async def _handle_file(self, request: web.Request) -> web.StreamResponse:
        if request.match_info["token"] != self.token:
            return web.json_response(
                {"ok": False, "error_code": 401, "description": "Unauthorized"}, status=401
            )
        path = request.match_info["path"]
        for stored in self.files.values():
            if stored.file_path == path:
                return web.Response(body=stored.data, content_type="application/octet-stream")
        return web.json_response(
            {"ok": False, "error_code": 404, "description": "Not Found"}, status=404
        )

    # ---------------------------------------------------------------- Bot API methods

    @property
    def _methods(self) -> dict[str, Callable[[dict[str, Any]], Awaitable[Any]]]:
        return {
            "getme": self._get_me,
            "getupdates": self._get_updates,
            "sendmessage": self._send_message,
            "senddocument": self._send_document,
            "editmessagetext": self._edit_message_text,
            "editmessagereplymarkup": self._edit_message_reply_markup,
            "answercallbackquery": self._answer_callback_query,
            "deletemessage": self._delete_message,
            "getfile": self._get_file,
            "setmycommands": self._set_my_commands,
            "getmycommands": self._get_my_commands,
            "deletemycommands": self._delete_my_commands,
            "setchatmenubutton": self._set_chat_menu_button,
            "setwebhook": self._set_webhook,
            "deletewebhook": self._true,
            "close": self._true,
            "logout": self._true,
            "sendchataction": self._true,
        }

    async def _true(self, fields: dict[str, Any]) -> bool:
        return True

    async def _get_me(self, fields: dict[str, Any]) -> dict[str, Any]:
        return {
            "id": BOT_ID, "is_bot": True, "first_name": "家校", "username": BOT_USERNAME,
            "can_join_groups": False, "can_read_all_group_messages": False,
            "supports_inline_queries": False,
        }

    async def _get_updates(self, fields: dict[str, Any]) -> list[dict[str, Any]]:
        self.get_updates_calls += 1
        self._touch()
        offset = _int(fields.get("offset")) or 0
        limit = max(1, min(100, _int(fields.get("limit")) or 100))
        timeout = max(0, _int(fields.get("timeout")) or 0)
        if offset > 0:
            # Telegram forgets every update before the offset: it is confirmed.
            self.confirmed_update_id = max(self.confirmed_update_id, offset - 1)
            self._updates = [u for u in self._updates if u["update_id"] >= offset]
        deadline = time.monotonic() + timeout
        while not self._updates and not self._closing:
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                break
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._new_update.wait(), remaining)
        return self._updates[:limit]

    def _new_message(self, method: str, fields: dict[str, Any], **content: Any) -> ChatMessage:
        chat_id = _int(fields.get("chat_id"))
        if chat_id is None:
            raise _ApiError(400, "Bad Request: chat_id is empty")
        message = ChatMessage(
            message_id=next(self._message_ids[chat_id]),
            chat_id=chat_id,
            method=method,
            reply_markup=fields.get("reply_markup") or None,
            sent_at=time.monotonic(),
            client=fields.get("_client"),
            **content,
        )
        self.chats[chat_id].append(message)
        self.deliveries += 1
        self.first_delivery = self.first_delivery or message.sent_at
        self.last_delivery = message.sent_at
        return message

    def _message_json(self, message: ChatMessage) -> dict[str, Any]:
        out: dict[str, Any] = {
            "message_id": message.message_id,
            "date": int(time.time()),
            "chat": {"id": message.chat_id, "type": "private"},
            "from": {"id": BOT_ID, "is_bot": True, "first_name": "家校", "username": BOT_USERNAME},
        }
        if message.text is not None:
            out["text"] = message.text
        if message.caption is not None:
            out["caption"] = message.caption
        if message.document is not None:
            out["document"] = {
                "file_id": message.document.file_id,
                "file_unique_id": message.document.file_unique_id,
                "file_name": message.document.file_name,
                "file_size": len(message.document.data),
            }
        markup = message.reply_markup
        if markup and "inline_keyboard" in markup:
            out["reply_markup"] = markup
        return out

    def _find(self, chat_id: int | None, message_id: int | None) -> ChatMessage:
        for message in self.chats.get(chat_id or 0, []):
            if message.message_id == message_id and not message.deleted:
                return message
        raise _ApiError(400, "Bad Request: message to edit not found")

    async def _send_message(self, fields: dict[str, Any]) -> dict[str, Any]:
        text = fields.get("text")
        if not text or not str(text).strip():
            raise _ApiError(400, "Bad Request: message text is empty")
        if len(str(text)) > 4096:
            raise _ApiError(400, "Bad Request: message is too long")
        return self._message_json(self._new_message("sendMessage", fields, text=str(text)))

    def _store_file(
        self, filename: str, data: bytes, mime_type: str | None, folder: str
    ) -> StoredFile:
        n = next(self._file_ids)
        stored = StoredFile(
            file_id=f"FILE{n:06d}",
            file_unique_id=f"U{n:06d}",
            file_path=f"{folder}/file_{n}_{filename}",
            file_name=filename,
            data=data,
            mime_type=mime_type,
        )
        self.files[stored.file_id] = stored
        return stored

    async def _send_document(self, fields: dict[str, Any]) -> dict[str, Any]:
        document = fields.get("document")
        if isinstance(document, str) and document.startswith("attach://"):
            document = fields.get(document.removeprefix("attach://"))
        if isinstance(document, dict):
            stored = self._store_file(
                document["filename"] or "document", document["data"],
                document.get("content_type"), folder="documents",
            )
        elif isinstance(document, str) and document in self.files:
            stored = self.files[document]
        else:
            raise _ApiError(400, "Bad Request: wrong file identifier/HTTP URL specified")
        caption = fields.get("caption")
        message = self._new_message(
            "sendDocument", fields, caption=str(caption) if caption else None, document=stored
        )
        return self._message_json(message)

    async def _edit_message_text(self, fields: dict[str, Any]) -> dict[str, Any]:
        message = self._find(_int(fields.get("chat_id")), _int(fields.get("message_id")))
        text = str(fields.get("text") or "")
        if not text.strip():
            raise _ApiError(400, "Bad Request: message text is empty")
        markup = fields.get("reply_markup") or None
        if text == message.text and markup == message.reply_markup:
            raise _ApiError(
                400,
                "Bad Request: message is not modified: specified new message content and "
                "reply markup are exactly the same as a current content and reply markup "
                "of the message",
            )
        if message.text is not None:
            message.edits.append(message.text)
        message.text = text
        message.reply_markup = markup
        return self._message_json(message)

    async def _edit_message_reply_markup(self, fields: dict[str, Any]) -> dict[str, Any]:
        message = self._find(_int(fields.get("chat_id")), _int(fields.get("message_id")))
        markup = fields.get("reply_markup") or None
        if markup == message.reply_markup:
            raise _ApiError(400, "Bad Request: message is not modified")
        message.reply_markup = markup
        return self._message_json(message)

    async def _delete_message(self, fields: dict[str, Any]) -> bool:
        message = self._find(_int(fields.get("chat_id")), _int(fields.get("message_id")))
        message.deleted = True
        return True

    async def _answer_callback_query(self, fields: dict[str, Any]) -> bool:
        callback_id = str(fields.get("callback_query_id"))
        if callback_id in self.callback_answers:
            raise _ApiError(400, "Bad Request: query is too old and response timeout expired")
        self.callback_answers[callback_id] = fields
        return True

    async def _get_file(self, fields: dict[str, Any]) -> dict[str, Any]:
        stored = self.files.get(str(fields.get("file_id")))
        if stored is None:
            raise _ApiError(400, "Bad Request: invalid file_id")
        return {
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
            "file_size": len(stored.data),
            "file_path": stored.file_path,
        }

    async def _set_my_commands(self, fields: dict[str, Any]) -> bool:
        commands = fields.get("commands") or []
        self.commands[_commands_key(fields.get("scope"), fields.get("language_code"))] = commands
        return True

    async def _get_my_commands(self, fields: dict[str, Any]) -> list[dict[str, Any]]:
        return self.commands.get(_commands_key(fields.get("scope"), fields.get("language_code")), [])

    async def _delete_my_commands(self, fields: dict[str, Any]) -> bool:
        self.commands.pop(_commands_key(fields.get("scope"), fields.get("language_code")), None)
        return True

    async def _set_chat_menu_button(self, fields: dict[str, Any]) -> bool:
        self.menu_buttons.append(fields)
        return True

    async def _set_webhook(self, fields: dict[str, Any]) -> bool:
        self.webhook = {k: v for k, v in fields.items() if not k.startswith("_")}
        self._touch()
        return True

    # ---------------------------------------------------------------- webhook mode

    async def post_to_webhook(
        self, update: dict[str, Any], *, url: str | None = None, secret: str | None = None,
        timeout: float = 30.0,
    ) -> int:
        """Delivers `update` (as a push_* method returned it) the way Telegram does in
        webhook mode: POSTed as JSON to the URL the bot gave setWebhook, with its secret
        token in X-Telegram-Bot-Api-Secret-Token (or `url`/`secret` given here). The
        update leaves the getUpdates queue. Returns the HTTP status the bot answered."""
        import aiohttp

        self._updates = [u for u in self._updates if u["update_id"] != update["update_id"]]
        hook = self.webhook or {}
        target = url or hook.get("url")
        assert target, "the bot has not called setWebhook"
        token = secret if secret is not None else hook.get("secret_token")
        headers = {"X-Telegram-Bot-Api-Secret-Token": token} if token else {}
        async with aiohttp.ClientSession() as client, client.post(
            target, json=update, headers=headers, timeout=aiohttp.ClientTimeout(total=timeout)
        ) as response:
            await response.read()
            return response.status


def _int(value: Any) -> int | None:
    if value is None or value == "":
        return None
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _commands_key(scope: dict[str, Any] | None, language: str | None) -> str:
    scope = scope or {"type": "default"}
    parts = [str(scope.get("type", "default"))]
    if scope.get("chat_id") is not None:
        parts.append(str(scope["chat_id"]))
    if scope.get("user_id") is not None:
        parts.append(str(scope["user_id"]))
    return ":".join(parts) + "|" + (language or "")
