"""A Bot whose session records every Bot API call and answers like Telegram would.

Modelled on aiogram's own MockedBot, but it answers by itself (no queue of canned
responses to keep in step), so dispatcher tests read like a conversation.
"""

from __future__ import annotations

import itertools
from collections.abc import AsyncGenerator
from datetime import UTC, datetime
from typing import Any

from aiogram import Bot
from aiogram.client.session.base import BaseSession
from aiogram.exceptions import TelegramForbiddenError
from aiogram.methods import (
    AnswerCallbackQuery,
    EditMessageReplyMarkup,
    EditMessageText,
    GetFile,
    GetMe,
    SendDocument,
    SendMessage,
    SendPhoto,
    TelegramMethod,
)
from aiogram.types import Chat, Document, File, Message, User

BOT_USER = User(id=4242, is_bot=True, first_name="家校", username="jiaxiao_test_bot")


class RecordingSession(BaseSession):
    def __init__(self) -> None:
        super().__init__()
        self.requests: list[TelegramMethod[Any]] = []
        self.files: dict[str, bytes] = {}
        self._ids = itertools.count(1000)
        # The last message the bot left in each chat, as Telegram would show it.
        self.messages: dict[tuple[int, int], Message] = {}
        # Chats whose user blocked the bot: sends there fail as Telegram's 403 does.
        self.blocked_chats: set[int] = set()

    async def close(self) -> None:
        return None

    async def make_request(self, bot: Bot, method: TelegramMethod[Any], timeout: int | None = None) -> Any:
        self.requests.append(method)
        if getattr(method, "chat_id", None) in self.blocked_chats:
            raise TelegramForbiddenError(method, "Forbidden: bot was blocked by the user")
        return self._answer(method)

    async def stream_content(
        self, url: str, headers: dict[str, Any] | None = None, timeout: int = 30,
        chunk_size: int = 65536, raise_for_status: bool = True,
    ) -> AsyncGenerator[bytes, None]:
        path = url.rsplit("/", 1)[-1]
        yield self.files[path]

    def _message(self, chat_id: int | str, **fields: Any) -> Message:
        message = Message(
            message_id=next(self._ids),
            date=datetime.now(UTC),
            chat=Chat(id=int(chat_id), type="private"),
            from_user=BOT_USER,
            **fields,
        )
        self.messages[(message.chat.id, message.message_id)] = message
        return message

    def _answer(self, method: TelegramMethod[Any]) -> Any:
        if isinstance(method, GetMe):
            return BOT_USER
        if isinstance(method, SendMessage):
            return self._message(method.chat_id, text=method.text, reply_markup=_inline(method.reply_markup))
        if isinstance(method, SendDocument):
            return self._message(
                method.chat_id,
                caption=method.caption,
                document=Document(file_id=f"doc{next(self._ids)}", file_unique_id="u"),
            )
        if isinstance(method, SendPhoto):
            return self._message(method.chat_id, caption=method.caption)
        if isinstance(method, EditMessageText | EditMessageReplyMarkup):
            key = (int(method.chat_id or 0), int(method.message_id or 0))
            old = self.messages.get(key)
            text = getattr(method, "text", None) or (old.text if old else None)
            message = Message(
                message_id=method.message_id or 0,
                date=datetime.now(UTC),
                chat=Chat(id=int(method.chat_id or 0), type="private"),
                from_user=BOT_USER,
                text=text,
                reply_markup=_inline(method.reply_markup),
            )
            self.messages[key] = message
            return message
        if isinstance(method, GetFile):
            return File(file_id=method.file_id, file_unique_id=method.file_id, file_path=method.file_id)
        if isinstance(method, AnswerCallbackQuery):
            return True
        return True


def _inline(markup: Any) -> Any:
    from aiogram.types import InlineKeyboardMarkup

    return markup if isinstance(markup, InlineKeyboardMarkup) else None


class MockedBot(Bot):
    session: RecordingSession

    def __init__(self) -> None:
        super().__init__(token="42:TEST", session=RecordingSession())
        self._me = BOT_USER

    @property
    def requests(self) -> list[TelegramMethod[Any]]:
        return self.session.requests
