"""安全应急预案 in the bot: open incidents → an incident's card (both countdowns, the
timeline) → record the phone call, add a note, close; and opening one in a few taps:
student → what happened → a word on it → when → Open and notify.

Every tap is checked again against the services' access rules (buttons can be forged or
stale). The form lives in dialog data (JSON-safe) and is cleared when the incident is
opened, so a second tap on "Open" opens nothing twice.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from aiogram.enums import ContentType
from aiogram.types import BufferedInputFile, CallbackQuery, Message
from aiogram_dialog import Dialog, DialogManager, ShowMode, StartMode, Window
from aiogram_dialog.widgets.input import MessageInput
from aiogram_dialog.widgets.kbd import Button, Column, ScrollingGroup, Start, SwitchTo
from aiogram_dialog.widgets.text import Format
from sqlalchemy.ext.asyncio import AsyncSession

from dialogs.common import choices, start_with_id, tap_hint
from dialogs.states import Incidents, MainMenu
from dialogs.widgets import T
from locales import Translate, Translator
from services import audit
from services import incidents as service
from services.access import Actor
from services.incident_export import (
    Period,
    build_incident_workbook,
    export_filename,
    export_scopes,
    period_range,
    period_text,
)
from services.incidents import CATEGORIES, IncidentError

ID_INCIDENT = "incident"
ID_INCIDENTS_PAGE = "incidents_page"
ID_NEW = "new"
ID_EXPORT = "export"
ID_MENU = "menu"
ID_BACK = "back"
ID_REFRESH = "refresh"
ID_PHONE = "phone"
ID_NOTE = "note"
ID_CLOSE = "close"
ID_CLASS = "class"
ID_STUDENT = "student"
ID_STUDENTS_PAGE = "students_page"
ID_CATEGORY = "category"
ID_SKIP = "skip"
ID_NOW = "now"
ID_AGO = "ago"
ID_OPEN = "open"
ID_CANCEL = "cancel"
ID_PERIOD = "period"

# dialog_data keys
INCIDENT_ID = "incident_id"
CLASS_ID = "class_id"
SEARCH = "search"
FORM = "form"


def _deps(manager: DialogManager) -> tuple[AsyncSession, Actor, Translator, str, Translate]:
    data = manager.middleware_data
    return data["session"], data["actor"], data["translator"], data["lang"], data["t"]


def _timing(manager: DialogManager) -> Any:
    return manager.middleware_data["settings"].incidents


def _max_days_back(manager: DialogManager) -> int:
    return int(getattr(_timing(manager), "max_days_back", service.MAX_DAYS_BACK))


def error_text(t: Translate, exc: IncidentError) -> str:
    return t(exc.key, **exc.params)


async def _refuse(callback: CallbackQuery, t: Translate, key: str = "incident-not-allowed") -> None:
    await callback.answer(t(key), show_alert=True)


on_start = start_with_id(INCIDENT_ID)


# ------------------------------------------------------------------ the list


async def get_incidents(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    session, actor, translator, lang, _t = _deps(dialog_manager)
    now = dialog_manager.middleware_data["clock"].now()
    rows = await service.list_incidents(session, actor)
    items = []
    for row in rows:
        incident = row.incident
        g = service.guardian_status(incident, now)
        b = service.bureau_status(incident, now)
        items.append({
            "id": incident.id,
            "label": translator.get(
                "incident-list-item", lang, name=row.student_name,
                category=service.category_label(translator, lang, incident.category),
                time=service.local_hhmm(incident.happened_at, row.timezone),
                guardian=translator.get(f"incident-mark-{g.state}", lang),
                bureau=translator.get(f"incident-mark-{b.state}", lang),
            ),
        })
    return {
        "incidents": items,
        "has_incidents": bool(items),
        "no_incidents": not items,
        "can_open": service.may_open(actor),
        "can_export": service.may_export(actor),
    }


async def on_incident(callback: CallbackQuery, _widget: Any, manager: DialogManager, item_id: str) -> None:
    session, actor, *_rest = _deps(manager)
    if not item_id.isdigit() or not await service.can_view(session, actor, int(item_id)):
        await _refuse(callback, manager.middleware_data["t"])
        return
    manager.dialog_data[INCIDENT_ID] = int(item_id)
    await manager.switch_to(Incidents.card)


# ------------------------------------------------------------------ the card


async def _card(manager: DialogManager) -> service.IncidentCard | None:
    session, actor, *_rest = _deps(manager)
    incident_id = manager.dialog_data.get(INCIDENT_ID)
    if not isinstance(incident_id, int):
        return None
    return await service.incident_card(session, actor, incident_id)


async def get_card(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    _s, _a, translator, lang, t = _deps(dialog_manager)
    card = await _card(dialog_manager)
    if card is None:
        return {"body": t("incident-not-allowed"), "can_act": False, "can_phone": False}
    now = dialog_manager.middleware_data["clock"].now()
    acting = card.can_act and card.is_open
    return {
        "body": service.card_text(translator, lang, card, now),
        "can_act": acting,
        "can_phone": acting and card.incident.guardian_informed_at is None,
    }


async def _step(callback: CallbackQuery, manager: DialogManager, state: Any) -> None:
    card = await _card(manager)
    t = manager.middleware_data["t"]
    if card is None or not card.can_act:
        await _refuse(callback, t)
        return
    if not card.is_open:
        await _refuse(callback, t, "incident-closed-already")
        return
    await manager.switch_to(state)


async def on_phone(callback: CallbackQuery, _button: Button, manager: DialogManager) -> None:
    await _step(callback, manager, Incidents.phone)


async def on_note(callback: CallbackQuery, _button: Button, manager: DialogManager) -> None:
    await _step(callback, manager, Incidents.note)


async def on_close(callback: CallbackQuery, _button: Button, manager: DialogManager) -> None:
    await _step(callback, manager, Incidents.close)


async def on_refresh(callback: CallbackQuery, _button: Button, manager: DialogManager) -> None:
    await callback.answer()
    # Sent anew so the countdowns are read at the bottom of the chat.
    manager.show_mode = ShowMode.DELETE_AND_SEND


# ------------------------------------------------------------ the card's steps


def _incident_id(manager: DialogManager) -> int | None:
    value = manager.dialog_data.get(INCIDENT_ID)
    return value if isinstance(value, int) else None


async def _record_phone(manager: DialogManager, at: datetime, answer: Any) -> None:
    session, actor, translator, _lang, t = _deps(manager)
    incident_id = _incident_id(manager)
    if incident_id is None:
        await answer(t("incident-not-allowed"))
        return
    try:
        await service.record_phone_call(session, manager.middleware_data["clock"], translator, actor, incident_id, at)
    except IncidentError as exc:
        await answer(error_text(t, exc))
        if exc.key in {"incident-already-informed", "incident-not-allowed"}:
            await manager.switch_to(Incidents.card)
        return
    await manager.switch_to(Incidents.card)


async def on_phone_now(callback: CallbackQuery, _button: Button, manager: DialogManager) -> None:
    clock = manager.middleware_data["clock"]

    async def answer(text: str) -> None:
        await callback.answer(text, show_alert=True)

    await _record_phone(manager, clock.now(), answer)


async def on_phone_text(message: Message, _widget: Any, manager: DialogManager) -> None:
    session, _a, _tr, _l, t = _deps(manager)
    card = await _card(manager)
    if card is None:
        await message.answer(t("incident-not-allowed"))
        return
    try:
        at = service.parse_moment(manager.middleware_data["clock"], card.row.timezone, message.text,
                                  _max_days_back(manager))
    except IncidentError as exc:
        await message.answer(error_text(t, exc))
        return
    await _record_phone(manager, at, message.answer)


async def on_note_text(message: Message, _widget: Any, manager: DialogManager) -> None:
    session, actor, _tr, _l, t = _deps(manager)
    incident_id = _incident_id(manager)
    try:
        if incident_id is None:
            raise IncidentError("incident-not-allowed")
        await service.add_note(session, manager.middleware_data["clock"], actor, incident_id, message.text or "")
    except IncidentError as exc:
        await message.answer(error_text(t, exc))
        return
    await manager.switch_to(Incidents.card)


async def on_close_text(message: Message, _widget: Any, manager: DialogManager) -> None:
    session, actor, _tr, _l, t = _deps(manager)
    incident_id = _incident_id(manager)
    try:
        if incident_id is None:
            raise IncidentError("incident-not-allowed")
        await service.close_incident(session, manager.middleware_data["clock"], actor, incident_id, message.text or "")
    except IncidentError as exc:
        await message.answer(error_text(t, exc))
        if exc.key != "incident-text-too-long":
            await manager.switch_to(Incidents.card)
        return
    await manager.switch_to(Incidents.card)


async def on_type_text(message: Message, _widget: Any, manager: DialogManager) -> None:
    await message.answer(manager.middleware_data["t"]("incident-type-text"))


# ------------------------------------------------------------------ opening


async def on_new(callback: CallbackQuery, _button: Button, manager: DialogManager) -> None:
    session, actor, _tr, _l, t = _deps(manager)
    classes = await service.classes_to_pick(session, actor)
    manager.dialog_data.pop(FORM, None)
    manager.dialog_data.pop(SEARCH, None)
    if not classes:
        await _refuse(callback, t, "incident-no-students")
        return
    if len(classes) == 1:
        manager.dialog_data[CLASS_ID] = classes[0].id
        await manager.switch_to(Incidents.pick_student)
    else:
        await manager.switch_to(Incidents.pick_class)


async def get_classes(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    session, actor, translator, lang, _t = _deps(dialog_manager)
    classes = await service.classes_to_pick(session, actor)
    return {
        "classes": [{"id": c.id, "label": service.class_label(translator, lang, c.grade, c.name)} for c in classes]
    }


async def on_class(callback: CallbackQuery, _widget: Any, manager: DialogManager, item_id: str) -> None:
    session, actor, *_rest = _deps(manager)
    allowed = {str(c.id) for c in await service.classes_to_pick(session, actor)}
    if item_id not in allowed:
        await _refuse(callback, manager.middleware_data["t"])
        return
    manager.dialog_data[CLASS_ID] = int(item_id)
    manager.dialog_data.pop(SEARCH, None)
    await manager.switch_to(Incidents.pick_student)


async def on_search(message: Message, _widget: Any, manager: DialogManager) -> None:
    manager.dialog_data[SEARCH] = (message.text or "").strip()[:50]
    await manager.switch_to(Incidents.pick_student)


async def get_students(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    session, actor, translator, lang, _t = _deps(dialog_manager)
    search = dialog_manager.dialog_data.get(SEARCH)
    class_id = dialog_manager.dialog_data.get(CLASS_ID)
    if search:
        students = await service.search_students(session, actor, search)
        heading = translator.get("incident-search-results", lang, text=search)
    elif isinstance(class_id, int):
        students = await service.students_to_pick(session, actor, class_id)
        classes = {c.id: c for c in await service.classes_to_pick(session, actor)}
        chosen = classes.get(class_id)
        heading = translator.get(
            "incident-pick-student", lang,
            class_label=service.class_label(translator, lang, chosen.grade if chosen else None,
                                            chosen.name if chosen else None),
        )
    else:
        students, heading = [], translator.get("incident-search-none", lang, text="")
    if search and not students:
        heading = translator.get("incident-search-none", lang, text=search)
    return {"students": [{"id": s.id, "name": s.name} for s in students], "heading": heading}


async def on_student(callback: CallbackQuery, _widget: Any, manager: DialogManager, item_id: str) -> None:
    session, actor, *_rest = _deps(manager)
    t = manager.middleware_data["t"]
    if not item_id.isdigit() or not await service.can_open_for(session, actor, int(item_id)):
        await _refuse(callback, t)
        return
    row = await service.student_and_timezone(session, int(item_id))
    manager.dialog_data[FORM] = {"student_id": int(item_id), "name": row[0], "tz": row[1]}
    await manager.switch_to(Incidents.category)


def _form(manager: DialogManager) -> dict[str, Any] | None:
    form = manager.dialog_data.get(FORM)
    return form if isinstance(form, dict) and "student_id" in form else None


async def get_categories(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    _s, _a, translator, lang, _t = _deps(dialog_manager)
    form = _form(dialog_manager) or {}
    return {
        "name": form.get("name", ""),
        "categories": [{"id": c.value, "label": service.category_label(translator, lang, c.value)} for c in CATEGORIES],
    }


async def on_category(callback: CallbackQuery, _widget: Any, manager: DialogManager, item_id: str) -> None:
    form = _form(manager)
    t = manager.middleware_data["t"]
    if form is None:
        await _refuse(callback, t, "incident-nothing-to-open")
        await manager.switch_to(Incidents.incidents)
        return
    if item_id not in {c.value for c in CATEGORIES}:
        await _refuse(callback, t, "incident-bad-category")
        return
    form["category"] = item_id
    await manager.switch_to(Incidents.description)


async def get_description(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    form = _form(dialog_manager) or {}
    return {"optional": form.get("category") != "other"}


async def on_description(message: Message, _widget: Any, manager: DialogManager) -> None:
    t = manager.middleware_data["t"]
    form = _form(manager)
    if form is None:
        await message.answer(t("incident-nothing-to-open"))
        return
    try:
        form["description"] = service.check_text(message.text)
    except IncidentError as exc:
        await message.answer(error_text(t, exc))
        return
    await manager.switch_to(Incidents.when)


async def on_skip_description(callback: CallbackQuery, _button: Button, manager: DialogManager) -> None:
    form = _form(manager)
    if form is None or form.get("category") == "other":
        await _refuse(callback, manager.middleware_data["t"], "incident-text-empty")
        return
    form["description"] = None
    await manager.switch_to(Incidents.when)


async def _set_when(manager: DialogManager, choice: str) -> str | None:
    """The incident's time into the form; the locale text of what is wrong, if anything."""
    t = manager.middleware_data["t"]
    form = _form(manager)
    if form is None:
        return t("incident-nothing-to-open")
    try:
        at = service.happened_at_from(manager.middleware_data["clock"], form["tz"], choice, _max_days_back(manager))
    except IncidentError as exc:
        return error_text(t, exc)
    form["happened_at"] = at.isoformat()
    await manager.switch_to(Incidents.confirm)
    return None


async def on_when_button(callback: CallbackQuery, button: Button, manager: DialogManager) -> None:
    problem = await _set_when(manager, "now" if button.widget_id == ID_NOW else "ago")
    if problem:
        await callback.answer(problem, show_alert=True)


async def on_when_text(message: Message, _widget: Any, manager: DialogManager) -> None:
    problem = await _set_when(manager, (message.text or "").strip())
    if problem:
        await message.answer(problem)


async def get_confirm(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    _s, _a, translator, lang, t = _deps(dialog_manager)
    form = _form(dialog_manager)
    if form is None or "happened_at" not in form:
        return {"summary": t("incident-nothing-to-open"), "ready": False}
    category = service.category_label(translator, lang, form["category"])
    what = category if not form.get("description") else t("incident-what", category=category,
                                                           description=form["description"])
    at = datetime.fromisoformat(form["happened_at"])
    return {
        "summary": t("incident-confirm", name=form["name"], what=what,
                     time=service.when_text(at, form["tz"], dialog_manager.middleware_data["clock"].now())),
        "ready": True,
    }


async def on_open(callback: CallbackQuery, _button: Button, manager: DialogManager) -> None:
    session, actor, translator, _lang, t = _deps(manager)
    form = _form(manager)
    if form is None or "happened_at" not in form:
        await _refuse(callback, t, "incident-nothing-to-open")
        await manager.switch_to(Incidents.incidents)
        return
    try:
        incident = await service.open_incident(
            session, manager.middleware_data["clock"], translator, actor, int(form["student_id"]),
            category=form["category"], description=form.get("description"),
            happened_at=datetime.fromisoformat(form["happened_at"]), timing=_timing(manager),
        )
    except IncidentError as exc:
        await callback.answer(error_text(t, exc), show_alert=True)
        return
    manager.dialog_data.pop(FORM, None)
    manager.dialog_data[INCIDENT_ID] = incident.id
    await callback.answer(t("incident-opened"))
    await manager.switch_to(Incidents.card)


async def on_cancel(callback: CallbackQuery, _button: Button, manager: DialogManager) -> None:
    manager.dialog_data.pop(FORM, None)
    manager.dialog_data.pop(SEARCH, None)
    await manager.switch_to(Incidents.incidents)


# ------------------------------------------------------------------ export


async def on_export(callback: CallbackQuery, _button: Button, manager: DialogManager) -> None:
    session, actor, _tr, _l, t = _deps(manager)
    if not service.may_export(actor) or not await export_scopes(session, actor):
        await _refuse(callback, t)
        return
    await manager.switch_to(Incidents.export_period)


async def get_periods(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    t = dialog_manager.middleware_data["t"]
    return {"periods": [{"id": p.value, "label": t(f"incident-button-period-{p.value}")} for p in Period]}


async def on_period(callback: CallbackQuery, _widget: Any, manager: DialogManager, item_id: str) -> None:
    data = manager.middleware_data
    session, actor, translator, lang, t = _deps(manager)
    scopes = await export_scopes(session, actor) if service.may_export(actor) else []
    if not scopes:
        await _refuse(callback, t)
        return
    if item_id not in {p.value for p in Period}:
        await _refuse(callback, t, "incident-stale-button")
        return
    await callback.answer()
    now = data["clock"].now()
    timezone = data["settings"].school_timezone
    for scope in scopes:
        span = await period_range(session, scope, item_id, now, timezone)
        content = await build_incident_workbook(session, translator, lang, scope, now, span)
        await audit.record(session, data["clock"], actor, audit.Action.EXPORT, audit.INCIDENT_EXPORT, scope=audit.AuditScope(
            school_id=scope.id if scope.kind == "school" else None,
            county_id=scope.id if scope.kind == "county" else None,
        ))
        await data["bot"].send_document(
            callback.from_user.id,
            BufferedInputFile(content, filename=export_filename(translator, lang, scope, now, timezone)),
            caption=t("incident-export-period-caption", name=scope.name, period=period_text(translator, lang, span)),
        )
    manager.show_mode = ShowMode.DELETE_AND_SEND
    await manager.switch_to(Incidents.incidents)


# ------------------------------------------------------------------ dialog


def _back_to_card() -> SwitchTo:
    return SwitchTo(T("incident-button-back-card"), id=ID_BACK, state=Incidents.card)


def _cancel() -> Button:
    return Button(T("incident-button-cancel"), id=ID_CANCEL, on_click=on_cancel)


dialog = Dialog(
    Window(
        T("incident-list-title", when="has_incidents"),
        T("incident-list-empty", when="no_incidents"),
        ScrollingGroup(
            choices(ID_INCIDENT, "incidents", on_incident), id=ID_INCIDENTS_PAGE, width=1, height=8,
            hide_on_single_page=True,
        ),
        Button(T("incident-button-new"), id=ID_NEW, on_click=on_new, when="can_open"),
        Button(T("incident-button-export"), id=ID_EXPORT, on_click=on_export, when="can_export"),
        Start(T("incident-button-menu"), id=ID_MENU, state=MainMenu.main, mode=StartMode.RESET_STACK),
        tap_hint(),
        state=Incidents.incidents,
        getter=get_incidents,
    ),
    Window(
        Format("{body}"),
        Button(T("incident-button-phone"), id=ID_PHONE, on_click=on_phone, when="can_phone"),
        Button(T("incident-button-note"), id=ID_NOTE, on_click=on_note, when="can_act"),
        Button(T("incident-button-close"), id=ID_CLOSE, on_click=on_close, when="can_act"),
        Button(T("incident-button-refresh"), id=ID_REFRESH, on_click=on_refresh),
        SwitchTo(T("incident-button-list"), id=ID_MENU, state=Incidents.incidents),
        tap_hint(),
        state=Incidents.card,
        getter=get_card,
    ),
    Window(
        T("incident-pick-class"),
        Column(choices(ID_CLASS, "classes", on_class)),
        MessageInput(on_search, content_types=ContentType.TEXT),
        MessageInput(on_type_text),
        _cancel(),
        state=Incidents.pick_class,
        getter=get_classes,
    ),
    Window(
        Format("{heading}"),
        ScrollingGroup(
            choices(ID_STUDENT, "students", on_student, text="name"), id=ID_STUDENTS_PAGE, width=3, height=8,
            hide_on_single_page=True,
        ),
        MessageInput(on_search, content_types=ContentType.TEXT),
        MessageInput(on_type_text),
        _cancel(),
        state=Incidents.pick_student,
        getter=get_students,
    ),
    Window(
        T("incident-ask-category"),
        Column(choices(ID_CATEGORY, "categories", on_category)),
        _cancel(),
        tap_hint(),
        state=Incidents.category,
        getter=get_categories,
    ),
    Window(
        T("incident-ask-description"),
        MessageInput(on_description, content_types=ContentType.TEXT),
        MessageInput(on_type_text),
        Button(T("incident-button-skip"), id=ID_SKIP, on_click=on_skip_description, when="optional"),
        _cancel(),
        state=Incidents.description,
        getter=get_description,
    ),
    Window(
        T("incident-ask-when"),
        Button(T("incident-button-just-now"), id=ID_NOW, on_click=on_when_button),
        Button(T("incident-button-ago"), id=ID_AGO, on_click=on_when_button),
        MessageInput(on_when_text, content_types=ContentType.TEXT),
        MessageInput(on_type_text),
        _cancel(),
        state=Incidents.when,
    ),
    Window(
        Format("{summary}"),
        Button(T("incident-button-open"), id=ID_OPEN, on_click=on_open, when="ready"),
        _cancel(),
        tap_hint(),
        state=Incidents.confirm,
        getter=get_confirm,
    ),
    Window(
        T("incident-ask-phone"),
        Button(T("incident-button-now"), id=ID_NOW, on_click=on_phone_now),
        MessageInput(on_phone_text, content_types=ContentType.TEXT),
        MessageInput(on_type_text),
        _back_to_card(),
        state=Incidents.phone,
    ),
    Window(
        T("incident-ask-note"),
        MessageInput(on_note_text, content_types=ContentType.TEXT),
        MessageInput(on_type_text),
        _back_to_card(),
        state=Incidents.note,
    ),
    Window(
        T("incident-ask-close"),
        MessageInput(on_close_text, content_types=ContentType.TEXT),
        MessageInput(on_type_text),
        _back_to_card(),
        state=Incidents.close,
    ),
    Window(
        T("incident-ask-period"),
        Column(choices(ID_PERIOD, "periods", on_period)),
        SwitchTo(T("incident-button-list"), id=ID_BACK, state=Incidents.incidents),
        tap_hint(),
        state=Incidents.export_period,
        getter=get_periods,
    ),
    on_start=on_start,
    name="incidents",
)


def may_use_incidents(data: dict[str, Any], _widget: Any, manager: DialogManager) -> bool:
    """For the main menu's button: teachers, school admins and bureau officers."""
    actor = manager.middleware_data.get("actor")
    return isinstance(actor, Actor) and service.may_use(actor)
