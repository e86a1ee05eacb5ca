"""学生档案 / 台帐 in the bot: find a student (type part of a name, or tap a class), read
their ledger page by page, download the left-behind students' ledger spreadsheet.

Every tap is checked again against services.ledger's access rule: a button can be stale
or forged. The list, the card and the pages are recomputed from the database each time.
"""

from __future__ import annotations

from typing import Any
from zoneinfo import ZoneInfo

from aiogram.enums import ContentType
from aiogram.types import BufferedInputFile, CallbackQuery, Message
from aiogram_dialog import Dialog, DialogManager, ShowMode, StartMode, Window
from aiogram_dialog.widgets.input import MessageInput
from aiogram_dialog.widgets.kbd import Button, Group, Row, ScrollingGroup, Start, SwitchTo
from aiogram_dialog.widgets.text import Format
from sqlalchemy.ext.asyncio import AsyncSession

from dialogs.common import choices, tap_hint
from dialogs.states import Ledger, MainMenu
from dialogs.widgets import T
from locales import Translate, Translator
from services import audit
from services import ledger as service
from services.access import Actor
from services.ledger_export import (
    ExportScope,
    build_ledger,
    export_filename,
    export_scopes,
    students_covered,
)

ID_CLASS = "lcls"
ID_CLASSES_PAGE = "lcls_page"
ID_STUDENT = "lst"
ID_STUDENTS_PAGE = "lst_page"
ID_CONCERN = "lcon"
ID_CONCERN_PAGE = "lcon_page"
ID_EXPORT = "lexp"
ID_EXPORTS = "lexps"
ID_MENU = "menu"
ID_BACK = "back"
ID_NEWER = "newer"
ID_OLDER = "older"
ID_MEDIA = "lmedia"

# dialog_data keys
CLASS_ID = "class_id"
QUERY = "query"
STUDENT_ID = "student_id"
PAGE = "page"


def _deps(manager: DialogManager) -> tuple[AsyncSession, Actor, Translator, str, Translate]:
    data = manager.middleware_data
    return data["session"], data["actor"], data["translator"], data["lang"], data["t"]


async def _refuse(callback: CallbackQuery, t: Translate) -> None:
    await callback.answer(t("ledger-not-allowed"), show_alert=True)


async def on_start(start_data: Any, manager: DialogManager) -> None:
    if not isinstance(start_data, dict):
        return
    if isinstance(start_data.get(STUDENT_ID), int):
        manager.dialog_data[STUDENT_ID] = start_data[STUDENT_ID]
        manager.dialog_data[PAGE] = 0
    if isinstance(start_data.get(QUERY), str):
        manager.dialog_data[QUERY] = start_data[QUERY]


# ------------------------------------------------------------------- finding


async def get_find(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    session, actor, translator, lang, _t = _deps(dialog_manager)
    classes = await service.classes(session, actor)
    bureau_only = actor.is_bureau_officer and not classes
    concern = await service.bureau_students(session, actor) if actor.is_bureau_officer else []
    return {
        "classes": [
            {"id": class_id, "label": service.class_label(translator, lang, grade, name)}
            for class_id, grade, name in classes
        ],
        "concern": [
            {"id": r.student.id, "label": translator.get(
                "ledger-result", lang, name=r.student.name,
                class_label=f"{r.school_name} {service.class_label(translator, lang, r.grade, r.class_name)}")}
            for r in concern
        ],
        "staff": not bureau_only,
        "bureau_only": bureau_only,
        "can_export": bool(await export_scopes(session, actor)),
    }


async def on_search(message: Message, _widget: Any, manager: DialogManager) -> None:
    _s, _a, _tr, _l, t = _deps(manager)
    text = (message.text or "").strip()
    if not text:
        await message.answer(t("ledger-type-name"))
        return
    manager.dialog_data[QUERY] = text[:50]
    manager.dialog_data.pop(CLASS_ID, None)
    await manager.switch_to(Ledger.students)


async def on_not_text(message: Message, _widget: Any, manager: DialogManager) -> None:
    await message.answer(manager.middleware_data["t"]("ledger-type-name"))
    manager.show_mode = ShowMode.DELETE_AND_SEND


async def on_class(callback: CallbackQuery, _widget: Any, manager: DialogManager, item_id: str) -> None:
    session, actor, _tr, _l, t = _deps(manager)
    allowed = {str(class_id) for class_id, _g, _n in await service.classes(session, actor)}
    if item_id not in allowed:
        await _refuse(callback, t)
        return
    manager.dialog_data[CLASS_ID] = int(item_id)
    manager.dialog_data.pop(QUERY, None)
    await manager.switch_to(Ledger.students)


async def get_students(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    session, actor, translator, lang, t = _deps(dialog_manager)
    class_id = dialog_manager.dialog_data.get(CLASS_ID)
    query = dialog_manager.dialog_data.get(QUERY)
    items: list[dict[str, Any]] = []
    if isinstance(class_id, int):
        names = {c: service.class_label(translator, lang, g, n) for c, g, n in await service.classes(session, actor)}
        items = [{"id": s.id, "label": s.name} for s in await service.class_students(session, actor, class_id)]
        title = t("ledger-class-students", class_label=names.get(class_id, "")) if items else t("ledger-class-empty")
    elif isinstance(query, str):
        rows = await service.search(session, actor, query)
        items = [
            {"id": r.student.id, "label": translator.get(
                "ledger-result", lang, name=r.student.name,
                class_label=service.class_label(translator, lang, r.grade, r.class_name))}
            for r in rows
        ]
        title = t("ledger-search-results", text=query) if items else t("ledger-search-none", text=query)
    else:
        title = t("ledger-class-empty")
    return {"title": title, "students": items}


async def on_student(callback: CallbackQuery, _widget: Any, manager: DialogManager, item_id: str) -> None:
    session, actor, _tr, _l, t = _deps(manager)
    if not item_id.isdigit() or not await service.can_open(session, actor, int(item_id)):
        await _refuse(callback, t)
        return
    manager.dialog_data[STUDENT_ID] = int(item_id)
    manager.dialog_data[PAGE] = 0
    await manager.switch_to(Ledger.card)


# ----------------------------------------------------------------------- card


async def get_card(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    session, actor, translator, lang, t = _deps(dialog_manager)
    student_id = dialog_manager.dialog_data.get(STUDENT_ID)
    page_no = dialog_manager.dialog_data.get(PAGE, 0)
    card = await service.ledger_card(session, actor, student_id) if isinstance(student_id, int) else None
    page = await service.timeline_page(session, actor, student_id, page_no) if card else None
    if card is None or page is None:
        return {"body": t("ledger-not-allowed"), "has_newer": False, "has_older": False, "media": []}
    dialog_manager.dialog_data[PAGE] = page.page
    await audit.record_read_once(
        session, dialog_manager.middleware_data["clock"], actor, audit.LEDGER, card.row.student.id,
        dialog_manager.dialog_data,
    )
    tz = ZoneInfo(card.row.timezone)
    body = service.card_text(translator, lang, card) + "\n\n" + service.timeline_text(translator, lang, page, tz)
    media = [
        {"id": f"{m.kind}-{m.ref}", "label": service.media_label(translator, lang, e.at.astimezone(tz).date(), m)}
        for e in page.entries for m in e.media
    ]
    return {"body": body, "has_newer": page.page > 0, "has_older": page.page + 1 < page.pages, "media": media}


async def on_media(callback: CallbackQuery, _widget: Any, manager: DialogManager, item_id: str) -> None:
    """A visit's voice note or photo, a suspension certificate: sent again to this reader."""
    data = manager.middleware_data
    session, actor, translator, lang, t = _deps(manager)
    kind, _, ref = item_id.partition("-")
    found = await service.media_file(session, actor, kind, int(ref)) if ref.isdigit() else None
    if found is None:
        await callback.answer(t("ledger-media-gone"), show_alert=True)
        return
    await callback.answer()
    label = translator.get(f"ledger-media-{found.kind}", lang, date=found.day.isoformat())
    caption = t("ledger-media-caption", name=found.student_name, label=label)
    if found.sort == "voice":
        await data["bot"].send_voice(callback.from_user.id, found.file_id, caption=caption)
    else:
        await data["bot"].send_photo(callback.from_user.id, found.file_id, caption=caption)
    # The card goes below the file, so its buttons stay at hand.
    manager.show_mode = ShowMode.DELETE_AND_SEND


async def on_page(callback: CallbackQuery, button: Button, manager: DialogManager) -> None:
    page = manager.dialog_data.get(PAGE, 0)
    manager.dialog_data[PAGE] = max(0, page + (1 if button.widget_id == ID_OLDER else -1))


async def on_back_from_card(callback: CallbackQuery, _button: Button, manager: DialogManager) -> None:
    has_list = CLASS_ID in manager.dialog_data or QUERY in manager.dialog_data
    await manager.switch_to(Ledger.students if has_list else Ledger.find)


# -------------------------------------------------------------------- export


def _scope_id(scope: ExportScope) -> str:
    return f"{scope.school_id}-{scope.class_id or 0}"


async def get_exports(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    session, actor, translator, lang, _t = _deps(dialog_manager)
    items = []
    for scope in await export_scopes(session, actor):
        label = (await export_filename(session, translator, lang, scope)).removesuffix(".xlsx")
        items.append({"id": _scope_id(scope), "label": label})
    return {"scopes": items, "has_none": not items}


async def on_export(callback: CallbackQuery, _widget: Any, manager: DialogManager, item_id: str) -> None:
    data = manager.middleware_data
    session, actor, translator, lang, t = _deps(manager)
    scopes = {_scope_id(s): s for s in await export_scopes(session, actor)}
    scope = scopes.get(item_id)
    if scope is None:
        await _refuse(callback, t)
        return
    await callback.answer()
    content = await build_ledger(session, data["clock"], scope, lang, translator)
    await audit.record(
        session, data["clock"], actor, audit.Action.EXPORT, audit.LEDGER_EXPORT,
        scope=audit.AuditScope(scope.school_id, scope.class_id, count=await students_covered(session, scope)),
    )
    name = await export_filename(session, translator, lang, scope)
    await data["bot"].send_document(
        callback.from_user.id,
        BufferedInputFile(content, filename=name),
        caption=t("ledger-export-caption", label=name.removesuffix(".xlsx")),
    )
    # The window goes below the file, so its buttons stay at hand.
    manager.show_mode = ShowMode.DELETE_AND_SEND


# ---------------------------------------------------------------------- dialog


def _back_to_find() -> SwitchTo:
    return SwitchTo(T("ledger-button-back"), id=ID_BACK, state=Ledger.find)


dialog = Dialog(
    Window(
        T("ledger-find", when="staff"),
        T("ledger-find-bureau", when="bureau_only"),
        ScrollingGroup(
            choices(ID_CLASS, "classes", on_class), id=ID_CLASSES_PAGE, width=2, height=6, hide_on_single_page=True,
        ),
        ScrollingGroup(
            choices(ID_CONCERN, "concern", on_student), id=ID_CONCERN_PAGE, width=1, height=8,
            hide_on_single_page=True,
        ),
        SwitchTo(T("ledger-button-export"), id=ID_EXPORT, state=Ledger.exports, when="can_export"),
        Start(T("ledger-button-menu"), id=ID_MENU, state=MainMenu.main, mode=StartMode.RESET_STACK),
        MessageInput(on_search, content_types=ContentType.TEXT),
        MessageInput(on_not_text),
        state=Ledger.find,
        getter=get_find,
    ),
    Window(
        Format("{title}"),
        ScrollingGroup(
            choices(ID_STUDENT, "students", on_student), id=ID_STUDENTS_PAGE, width=2, height=8,
            hide_on_single_page=True,
        ),
        _back_to_find(),
        MessageInput(on_search, content_types=ContentType.TEXT),
        MessageInput(on_not_text),
        state=Ledger.students,
        getter=get_students,
    ),
    Window(
        Format("{body}"),
        Row(
            Button(T("ledger-button-newer"), id=ID_NEWER, on_click=on_page, when="has_newer"),
            Button(T("ledger-button-older"), id=ID_OLDER, on_click=on_page, when="has_older"),
        ),
        Group(choices(ID_MEDIA, "media", on_media), width=2),
        Button(T("ledger-button-list"), id=ID_BACK, on_click=on_back_from_card),
        tap_hint(),
        state=Ledger.card,
        getter=get_card,
    ),
    Window(
        T("ledger-exports-title", when="scopes"),
        T("ledger-export-none", when="has_none"),
        ScrollingGroup(
            choices(ID_EXPORTS, "scopes", on_export), id="lexps_page", width=1, height=8, hide_on_single_page=True,
        ),
        _back_to_find(),
        tap_hint(),
        state=Ledger.exports,
        getter=get_exports,
    ),
    on_start=on_start,
    name="ledger",
)


def may_open_ledger(data: dict[str, Any], _widget: Any, manager: DialogManager) -> bool:
    """For the main menu's button: teachers, school admins and bureau officers."""
    actor = manager.middleware_data.get("actor")
    return isinstance(actor, Actor) and service.may_use(actor)
