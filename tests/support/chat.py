"""Drive the production dispatcher the way people use Telegram: type, tap, share, send files.

    tg = ChatDriver(dp, bot)
    granny = tg.user(1001, language="zh-hans")
    replies = await tg.send(granny, "/start")
    replies = await tg.tap(granny, "分享我的手机号")   # presses an inline button by its label
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from aiogram import Dispatcher
from aiogram.methods import TelegramMethod
from aiogram.types import (
    CallbackQuery,
    Chat,
    Contact,
    Document,
    InlineKeyboardMarkup,
    Message,
    Update,
    User,
)

from tests.support.mocked_bot import MockedBot


@dataclass
class Replies:
    """What the bot did in answer to one update."""

    calls: list[TelegramMethod[Any]]

    @property
    def texts(self) -> list[str]:
        out = []
        for call in self.calls:
            for attr in ("text", "caption"):
                value = getattr(call, attr, None)
                if isinstance(value, str):
                    out.append(value)
            if type(call).__name__ == "AnswerCallbackQuery" and call.text:
                out.append(call.text)
        return out

    @property
    def text(self) -> str:
        return "\n".join(self.texts)

    def of(self, method: type) -> list[Any]:
        return [c for c in self.calls if isinstance(c, method)]

    def buttons(self) -> list[str]:
        labels = []
        for call in self.calls:
            markup = getattr(call, "reply_markup", None)
            if markup is None:
                continue
            rows = getattr(markup, "inline_keyboard", None) or getattr(markup, "keyboard", None) or []
            labels.extend(b.text for row in rows for b in row)
        return labels


class ChatDriver:
    def __init__(self, dp: Dispatcher, bot: MockedBot) -> None:
        self.dp = dp
        self.bot = bot
        self._update_ids = itertools.count(1)
        self._message_ids = itertools.count(1)

    @staticmethod
    def user(user_id: int, language: str | None = "zh-hans", first_name: str = "用户") -> User:
        return User(id=user_id, is_bot=False, first_name=first_name, language_code=language)

    async def feed(self, update: Update) -> Replies:
        before = len(self.bot.requests)
        await self.dp.feed_update(self.bot, update)
        return Replies(self.bot.requests[before:])

    def _message(self, user: User, **fields: Any) -> Message:
        return Message(
            message_id=next(self._message_ids),
            date=datetime.now(UTC),
            chat=Chat(id=user.id, type="private"),
            from_user=user,
            **fields,
        )

    async def send(self, user: User, text: str) -> Replies:
        entities = None
        if text.startswith("/"):
            from aiogram.types import MessageEntity

            entities = [MessageEntity(type="bot_command", offset=0, length=len(text.split()[0]))]
        message = self._message(user, text=text, entities=entities)
        return await self.feed(Update(update_id=next(self._update_ids), message=message))

    async def share_contact(self, user: User, phone: str, contact_user_id: int | None = ...) -> Replies:  # type: ignore[assignment]
        owner = user.id if contact_user_id is ... else contact_user_id
        contact = Contact(phone_number=phone, first_name=user.first_name, user_id=owner)
        message = self._message(user, contact=contact)
        return await self.feed(Update(update_id=next(self._update_ids), message=message))

    async def send_document(
        self, user: User, file_name: str, content: bytes, mime_type: str | None = None
    ) -> Replies:
        file_id = f"file{next(self._message_ids)}"
        self.bot.session.files[file_id] = content
        document = Document(
            file_id=file_id, file_unique_id=file_id, file_name=file_name,
            mime_type=mime_type, file_size=len(content),
        )
        message = self._message(user, document=document)
        return await self.feed(Update(update_id=next(self._update_ids), message=message))

    async def press(self, user: User, data: str, message: Message | None = None) -> Replies:
        """Send raw callback data (forged or stale buttons, for bad-input tests)."""
        message = message or self._message(user, text="…")
        query = CallbackQuery(
            id=str(next(self._update_ids)), from_user=user, chat_instance="ci",
            message=message, data=data,
        )
        return await self.feed(Update(update_id=next(self._update_ids), callback_query=query))

    def last_bot_message_with(self, user: User, label: str) -> tuple[Message, str]:
        """The newest bot message in the user's chat that shows a button with this label."""
        for (chat_id, _), message in sorted(self.bot.session.messages.items(), key=lambda kv: -kv[0][1]):
            if chat_id != user.id or not isinstance(message.reply_markup, InlineKeyboardMarkup):
                continue
            for row in message.reply_markup.inline_keyboard:
                for button in row:
                    if button.text == label or label in button.text:
                        return message, button.callback_data or ""
        raise AssertionError(f"no button {label!r} in {user.id}'s chat")

    async def tap(self, user: User, label: str) -> Replies:
        message, data = self.last_bot_message_with(user, label)
        return await self.press(user, data, message)
