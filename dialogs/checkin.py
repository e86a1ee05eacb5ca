"""/checkin: the holiday check-ins a teacher may see, and starting one.

home (the latest check-ins of the classes the actor sees, "start one" for head teachers
and admins) → class (admins pick; a head teacher of one class skips this) → confirm
("Send to 23 guardians? 4 have not joined") → started. A check-in's results: who has and
has not answered, a button per child → that child's answers.

The question cards and the progress message are delivered by the outbox sender; this
dialog only queues them, once per confirm screen (the campaign key in dialog data).
"""

from __future__ import annotations

from typing import Any

from aiogram.types import CallbackQuery
from aiogram_dialog import Dialog, DialogManager, StartMode, Window
from aiogram_dialog.widgets.kbd import Button, Column, Group, Start, SwitchTo
from aiogram_dialog.widgets.text import Format

from bot.settings import Settings
from dialogs.common import choices, tap_hint
from dialogs.states import Checkin, MainMenu
from dialogs.widgets import T
from locales import Translator
from services import checkins as svc
from services.access import Actor

ID_CHECKINS = "checkins"
ID_CLASSES = "classes"
ID_CHILDREN = "children"
ID_START = "start"
ID_SEND = "send"
ID_CANCEL = "cancel"
ID_BACK = "back"

# dialog_data keys
CLASS = "class_id"
CAMPAIGN_KEY = "campaign_key"
CHECKIN = "checkin_id"
STUDENT = "student_id"
COUNT = "count"
SINGLE_CLASS = "single_class"


def _deps(manager: DialogManager) -> tuple[Any, Actor, Translator, str]:
    data = manager.middleware_data
    return data["session"], data["actor"], data["translator"], data["t"].language


# ---------------------------------------------------------------------- home


async def get_home(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    session, actor, translator, lang = _deps(dialog_manager)
    items = [
        {"id": str(s.checkin_id), "label": svc.summary_label(translator, lang, s)}
        for s in await svc.checkins_for(session, actor)
    ]
    return {"checkins": items, "has_checkins": bool(items), "no_checkins": not items, "can_start": svc.may_start(actor)}


async def on_checkin(callback: CallbackQuery, _widget: Any, manager: DialogManager, item_id: str) -> None:
    manager.dialog_data[CHECKIN] = int(item_id) if item_id.isdigit() else 0
    await manager.switch_to(Checkin.results)


async def on_start(callback: CallbackQuery, _button: Button, manager: DialogManager) -> None:
    session, actor, _translator, _lang = _deps(manager)
    classes = await svc.startable_classes(session, actor)
    if not classes:
        await callback.answer(manager.middleware_data["t"]("checkin-no-class"), show_alert=True)
        return
    # Made once per start and part of every card's dedup key: a second tap on Send (or
    # two racing taps) finds the check-in of the first and queues nothing new.
    manager.dialog_data[CAMPAIGN_KEY] = svc.new_campaign_key()
    if len(classes) == 1:
        manager.dialog_data[CLASS] = classes[0].class_id
        manager.dialog_data[SINGLE_CLASS] = True
        await manager.switch_to(Checkin.confirm)
        return
    manager.dialog_data[SINGLE_CLASS] = False
    await manager.switch_to(Checkin.pick_class)


# ------------------------------------------------------------------- classes


async def get_classes(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    session, actor, translator, lang = _deps(dialog_manager)
    classes = await svc.startable_classes(session, actor)
    several_schools = len({c.school_id for c in classes}) > 1
    items = []
    for c in classes:
        label = svc.class_label(translator, lang, c.grade, c.name)
        items.append({"id": str(c.class_id), "label": f"{c.school_name} {label}" if several_schools else label})
    return {"classes": items}


async def on_class(callback: CallbackQuery, _widget: Any, manager: DialogManager, item_id: str) -> None:
    session, actor, _translator, _lang = _deps(manager)
    class_id = int(item_id) if item_id.isdigit() else None
    if await svc.find_startable(session, actor, class_id) is None:
        await callback.answer(manager.middleware_data["t"]("checkin-not-allowed"), show_alert=True)
        return
    manager.dialog_data[CLASS] = class_id
    await manager.switch_to(Checkin.confirm)


# ------------------------------------------------------------------- confirm


async def get_confirm(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    session, actor, translator, lang = _deps(dialog_manager)
    choice = await svc.find_startable(session, actor, dialog_manager.dialog_data.get(CLASS))
    if choice is None:
        return {"allowed": False, "can_send": False, "nobody": False, "has_unjoined": False,
                "back_to_classes": False}
    counted = await svc.count_guardians(session, choice.class_id)
    single = bool(dialog_manager.dialog_data.get(SINGLE_CLASS))
    return {
        "allowed": True,
        "class_label": svc.class_label(translator, lang, choice.grade, choice.name),
        "count": counted.recipients,
        "children": counted.children,
        "not_joined": counted.not_joined,
        "can_send": counted.recipients > 0,
        "nobody": counted.recipients == 0,
        "has_unjoined": counted.not_joined > 0,
        "back_to_classes": not single,
    }


async def on_send(callback: CallbackQuery, _button: Button, manager: DialogManager) -> None:
    data = manager.middleware_data
    session, actor, translator, lang = _deps(manager)
    settings: Settings = data["settings"]
    chat_id = callback.message.chat.id if callback.message else callback.from_user.id
    try:
        started = await svc.start_checkin(
            session, data["clock"], translator, svc.CheckinRules.from_settings(settings),
            actor=actor, class_id=manager.dialog_data.get(CLASS) or 0,
            campaign_key=manager.dialog_data.get(CAMPAIGN_KEY) or svc.new_campaign_key(),
            progress_chat_id=chat_id, language=lang,
        )
    except svc.CheckinError as exc:
        await callback.answer(data["t"](exc.key, **exc.params), show_alert=True)
        return
    manager.dialog_data[COUNT] = started.recipients
    manager.dialog_data[CHECKIN] = started.checkin_id
    await manager.switch_to(Checkin.started)


async def on_cancel(callback: CallbackQuery, _button: Button, manager: DialogManager) -> None:
    t = manager.middleware_data["t"]
    await manager.done()
    if callback.message is not None:
        await callback.message.answer(t("checkin-cancelled"))


async def get_started(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    return {"count": dialog_manager.dialog_data.get(COUNT, 0)}


# ------------------------------------------------------------------- results


async def get_results(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    session, actor, translator, lang = _deps(dialog_manager)
    results = await svc.class_results(session, actor, dialog_manager.dialog_data.get(CHECKIN) or 0)
    if results is None:
        return {"found": False, "missing": True, "text": "", "children": []}
    children = [{"id": str(c.student_id), "label": c.name} for c in results.children]
    return {"found": True, "missing": False, "text": "\n".join(svc.results_lines(translator, lang, results)),
            "children": children}


async def on_child(callback: CallbackQuery, _widget: Any, manager: DialogManager, item_id: str) -> None:
    manager.dialog_data[STUDENT] = int(item_id) if item_id.isdigit() else 0
    await manager.switch_to(Checkin.child)


async def get_child(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    session, actor, translator, lang = _deps(dialog_manager)
    results = await svc.class_results(session, actor, dialog_manager.dialog_data.get(CHECKIN) or 0)
    wanted = dialog_manager.dialog_data.get(STUDENT)
    child = next((c for c in results.children if c.student_id == wanted), None) if results else None
    if results is None or child is None:
        return {"found": False, "missing": True, "text": ""}
    return {"found": True, "missing": False, "text": "\n".join(svc.child_lines(translator, lang, results, child))}


def _menu_button() -> Start:
    return Start(T("checkin-menu"), id="menu", state=MainMenu.main, mode=StartMode.RESET_STACK)


dialog = Dialog(
    Window(
        T("checkin-home-title", when="has_checkins"),
        T("checkin-home-empty", when="no_checkins"),
        Column(choices(ID_CHECKINS, "checkins", on_checkin)),
        Button(T("checkin-button-start"), id=ID_START, on_click=on_start, when="can_start"),
        _menu_button(),
        tap_hint(),
        state=Checkin.home,
        getter=get_home,
    ),
    Window(
        T("checkin-choose-class"),
        Column(choices(ID_CLASSES, "classes", on_class)),
        SwitchTo(T("checkin-back"), id=ID_BACK, state=Checkin.home),
        tap_hint(),
        state=Checkin.pick_class,
        getter=get_classes,
    ),
    Window(
        T("checkin-confirm", when="can_send"),
        T("checkin-confirm-not-joined", when="has_unjoined"),
        T("checkin-nobody", when="nobody"),
        T("checkin-not-allowed", when=lambda d, *_: not d["allowed"]),
        Button(T("checkin-send"), id=ID_SEND, on_click=on_send, when="can_send"),
        SwitchTo(T("checkin-back"), id="back_classes", state=Checkin.pick_class, when="back_to_classes"),
        Button(T("checkin-cancel"), id=ID_CANCEL, on_click=on_cancel),
        tap_hint(),
        state=Checkin.confirm,
        getter=get_confirm,
    ),
    Window(
        T("checkin-started"),
        SwitchTo(T("checkin-button-results"), id="results", state=Checkin.results),
        _menu_button(),
        tap_hint(),
        state=Checkin.started,
        getter=get_started,
    ),
    Window(
        Format("{text}", when="found"),
        T("checkin-results-none", when="missing"),
        Group(choices(ID_CHILDREN, "children", on_child), width=3),
        SwitchTo(T("checkin-back"), id="back_home", state=Checkin.home),
        tap_hint(),
        state=Checkin.results,
        getter=get_results,
    ),
    Window(
        Format("{text}", when="found"),
        T("checkin-results-none", when="missing"),
        SwitchTo(T("checkin-back"), id="back_results", state=Checkin.results),
        tap_hint(),
        state=Checkin.child,
        getter=get_child,
    ),
    name="checkin",
)


def may_open_checkins(data: dict[str, Any], _widget: Any, manager: DialogManager) -> bool:
    """For the main menu's button: head and subject teachers, school admins."""
    actor = manager.middleware_data.get("actor")
    return isinstance(actor, Actor) and svc.may_view(actor)
