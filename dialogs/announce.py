"""An admin (whole school) or head teacher (their class) sends a notice to guardians.

kind (enrolment, pre-holiday safety, parent meeting, other) → audience → text → confirm
("Send to 312 guardians? (40 have not joined the bot yet)") → started. The notice itself,
with its "I have read it" button, and the progress message are delivered by the outbox
sender; this dialog only queues them, once per confirm screen (the campaign key in dialog
data). Who has read it: /notices (handlers/announce.py).
"""

from __future__ import annotations

from typing import Any

from aiogram.enums import ContentType
from aiogram.types import CallbackQuery, Message
from aiogram_dialog import Dialog, DialogManager, StartMode, Window
from aiogram_dialog.widgets.input import MessageInput
from aiogram_dialog.widgets.kbd import Button, Column, Start, SwitchTo

from dialogs.common import choices, tap_hint
from dialogs.states import Announce, MainMenu
from dialogs.widgets import T
from locales import Translator
from services.access import Actor
from services.announcements import (
    MAX_TEXT_LENGTH,
    NOTICE_KINDS,
    AnnouncementError,
    audience_label,
    audiences_for,
    check_kind,
    check_text,
    count_recipients,
    find_audience,
    new_campaign_key,
    notice_title,
    render_notice,
    start_announcement,
)

ID_KIND = "kind"
ID_AUDIENCE = "audience"
ID_SEND = "send"
ID_EDIT = "edit"
ID_BACK = "back"
ID_BACK_KIND = "back_kind"
ID_CANCEL = "cancel"

# dialog_data keys
KIND = "kind"
AUDIENCE = "audience"
TEXT = "text"
CAMPAIGN_KEY = "campaign_key"
TOTAL = "total"


def _deps(manager: DialogManager) -> tuple[Any, Actor, Translator, str]:
    data = manager.middleware_data
    return data["session"], data["actor"], data["translator"], data["lang"]


# ---------------------------------------------------------------------- kind


async def get_kinds(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    t = dialog_manager.middleware_data["t"]
    return {"kinds": [{"id": k.value, "label": t(f"announce-kind-{k.value}")} for k in NOTICE_KINDS]}


async def on_kind(callback: CallbackQuery, _widget: Any, manager: DialogManager, item_id: str) -> None:
    try:
        kind = check_kind(item_id)
    except AnnouncementError as exc:
        await callback.answer(manager.middleware_data["t"](exc.key), show_alert=True)
        return
    manager.dialog_data[KIND] = kind.value
    await manager.switch_to(Announce.audience)


def _kind(manager: DialogManager) -> str:
    return str(manager.dialog_data.get(KIND) or "other")


# ------------------------------------------------------------------ audience


async def get_audiences(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    session, actor, translator, lang = _deps(dialog_manager)
    audiences = [
        {"key": a.key, "label": audience_label(translator, lang, a)}
        for a in await audiences_for(session, actor)
    ]
    return {"audiences": audiences, "has_audience": bool(audiences), "no_audience": not audiences}


async def on_audience(
    callback: CallbackQuery, _widget: Any, manager: DialogManager, item_id: str
) -> None:
    session, actor, _translator, _lang = _deps(manager)
    if await find_audience(session, actor, item_id) is None:
        await callback.answer(manager.middleware_data["t"]("announce-not-allowed"), show_alert=True)
        return
    manager.dialog_data[AUDIENCE] = item_id
    await manager.switch_to(Announce.text)


# ---------------------------------------------------------------------- text


async def on_text(message: Message, _widget: Any, manager: DialogManager) -> None:
    t = manager.middleware_data["t"]
    try:
        text = check_text(message.text)
    except AnnouncementError as exc:
        await message.answer(
            t(exc.key, length=len((message.text or "").strip()), max=MAX_TEXT_LENGTH)
        )
        return
    manager.dialog_data[TEXT] = text
    # Made once per dialog and part of every row's dedup key: a second tap on Send (or
    # two racing taps) finds the rows of the first and queues nothing new.
    manager.dialog_data.setdefault(CAMPAIGN_KEY, new_campaign_key())
    await manager.switch_to(Announce.confirm)


async def on_not_text(message: Message, _widget: Any, manager: DialogManager) -> None:
    await message.answer(manager.middleware_data["t"]("announce-text-only"))


async def get_text_prompt(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    session, actor, translator, lang = _deps(dialog_manager)
    audience = await find_audience(session, actor, dialog_manager.dialog_data.get(AUDIENCE))
    title = (
        notice_title(translator, lang, audience, _kind(dialog_manager)) if audience is not None else ""
    )
    return {"max": MAX_TEXT_LENGTH, "title": title}


# ------------------------------------------------------------------- confirm


async def get_confirm(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    session, actor, translator, lang = _deps(dialog_manager)
    audience = await find_audience(session, actor, dialog_manager.dialog_data.get(AUDIENCE))
    if audience is None:
        return {"allowed": False, "can_send": False, "nobody": False, "has_unjoined": False}
    counted = await count_recipients(session, audience)
    text = dialog_manager.dialog_data.get(TEXT, "")
    return {
        "allowed": True,
        "count": counted.recipients,
        "not_joined": counted.not_joined,
        "can_send": counted.recipients > 0,
        "nobody": counted.recipients == 0,
        "has_unjoined": counted.not_joined > 0,
        "preview": render_notice(translator, lang, audience, text, actor.name or "", _kind(dialog_manager)),
        "hours": dialog_manager.middleware_data["settings"].notices.remind_after_hours,
    }


async def on_send(callback: CallbackQuery, _button: Button, manager: DialogManager) -> None:
    data = manager.middleware_data
    session, actor, translator, lang = _deps(manager)
    t = data["t"]
    audience = await find_audience(session, actor, manager.dialog_data.get(AUDIENCE))
    if audience is None:
        await callback.answer(t("announce-not-allowed"), show_alert=True)
        return
    chat_id = callback.message.chat.id if callback.message else callback.from_user.id
    try:
        started = await start_announcement(
            session, data["clock"], translator,
            actor=actor, audience=audience, text=manager.dialog_data.get(TEXT, ""),
            campaign_key=manager.dialog_data[CAMPAIGN_KEY],
            progress_chat_id=chat_id, language=lang, kind=_kind(manager),
        )
    except AnnouncementError as exc:
        await callback.answer(t(exc.key), show_alert=True)
        return
    manager.dialog_data[TOTAL] = started.total
    await manager.switch_to(Announce.started)


async def on_cancel(callback: CallbackQuery, _button: Button, manager: DialogManager) -> None:
    t = manager.middleware_data["t"]
    await manager.done()
    if callback.message is not None:
        await callback.message.answer(t("announce-cancelled"))


# ------------------------------------------------------------------- started


async def get_started(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    return {"total": dialog_manager.dialog_data.get(TOTAL, 0)}


def _cancel_button() -> Button:
    return Button(T("announce-cancel"), id=ID_CANCEL, on_click=on_cancel)


dialog = Dialog(
    Window(
        T("announce-choose-kind"),
        Column(choices(ID_KIND, "kinds", on_kind)),
        _cancel_button(),
        tap_hint(),
        state=Announce.kind,
        getter=get_kinds,
    ),
    Window(
        T("announce-choose-audience", when="has_audience"),
        T("announce-no-audience", when="no_audience"),
        Column(
            choices(ID_AUDIENCE, "audiences", on_audience, key="key"),
        ),
        SwitchTo(T("announce-edit-kind"), id=ID_BACK_KIND, state=Announce.kind),
        _cancel_button(),
        tap_hint(),
        state=Announce.audience,
        getter=get_audiences,
    ),
    Window(
        T("announce-type-text"),
        MessageInput(on_text, content_types=ContentType.TEXT),
        MessageInput(on_not_text),
        SwitchTo(T("announce-edit-audience"), id=ID_BACK, state=Announce.audience),
        _cancel_button(),
        state=Announce.text,
        getter=get_text_prompt,
    ),
    Window(
        T("announce-preview", when="allowed"),
        T("announce-confirm", when="can_send"),
        T("announce-confirm-not-joined", when="has_unjoined"),
        T("announce-confirm-ack", when="can_send"),
        T("announce-nobody", when="nobody"),
        T("announce-not-allowed", when=lambda d, *_: not d["allowed"]),
        Button(T("announce-send"), id=ID_SEND, on_click=on_send, when="can_send"),
        SwitchTo(T("announce-edit"), id=ID_EDIT, state=Announce.text, when="allowed"),
        _cancel_button(),
        tap_hint(),
        state=Announce.confirm,
        getter=get_confirm,
    ),
    Window(
        T("announce-started"),
        Start(T("announce-menu"), id="menu", state=MainMenu.main, mode=StartMode.RESET_STACK),
        tap_hint(),
        state=Announce.started,
        getter=get_started,
    ),
    name="announce",
)
