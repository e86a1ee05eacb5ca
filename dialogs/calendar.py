"""/calendar: a school admin sets terms, holidays and make-up working days by typing one
short line each (formats and checks in services/calendar_admin.py).

school (only if they run several) → main (what is set, and the four actions) → one text
window per action → back to main with a line saying what was saved.

Also from main: the release times (放学时间: when guardians are asked "arrived home?"),
and the calendar as a spreadsheet (download it, send it back edited; the file may also be
sent straight onto the main screen). Checks and rules: services/calendar_admin.py and
services/calendar_sheet.py.
"""

from __future__ import annotations

import logging
import operator
from datetime import time
from typing import Any

from aiogram.enums import ContentType
from aiogram.types import BufferedInputFile, CallbackQuery, Message
from aiogram_dialog import Dialog, DialogManager, ShowMode, StartMode, Window
from aiogram_dialog.widgets.input import MessageInput
from aiogram_dialog.widgets.kbd import Button, Column, Row, Select, SwitchTo
from aiogram_dialog.widgets.text import Format

from dialogs.common import tap_hint
from dialogs.states import CalendarAdmin, MainMenu
from dialogs.widgets import T
from services import calendar_admin as svc
from services import calendar_sheet as sheets
from services.calendar_admin import CalendarInputError

ID_SCHOOL = "school"
ID_TERM = "term"
ID_HOLIDAY = "holiday"
ID_MAKEUP = "makeup"
ID_CLEAR = "clear"
ID_REMOVE_TERM = "rmterm"
ID_BACK = "back"
ID_DONE = "done"
ID_RELEASE = "release"
ID_RELEASE_KIND = "relkind"
ID_RELEASE_RESET = "relreset"
ID_BACK_RELEASE = "backrel"
ID_SHEET = "sheet"
ID_DOWNLOAD = "download"

SCHOOL_ID = "school_id"
NOTE = "note"
KIND = "kind"  # the release time being typed: weekend | holiday

TELEGRAM_TEXT_LIMIT = 4096
log = logging.getLogger(__name__)


async def launch(manager: DialogManager, *, over_menu: bool) -> str | None:
    """Open the calendar of the admin's school (asking which, if several)."""
    data = manager.middleware_data
    schools = await svc.schools_of(data["session"], data["actor"])
    if not schools:
        return "calendar-not-allowed"
    if over_menu:
        await manager.start(MainMenu.main, mode=StartMode.RESET_STACK, show_mode=ShowMode.NO_UPDATE)
    if len(schools) == 1:
        await manager.start(CalendarAdmin.main, data={SCHOOL_ID: schools[0].id}, show_mode=ShowMode.SEND)
    else:
        await manager.start(CalendarAdmin.school, show_mode=ShowMode.SEND)
    return None


async def on_start(start_data: Any, manager: DialogManager) -> None:
    manager.dialog_data.update(start_data or {})


async def _school(manager: DialogManager) -> Any:
    data = manager.middleware_data
    school_id = manager.dialog_data.get(SCHOOL_ID)
    schools = await svc.schools_of(data["session"], data["actor"])
    return next((s for s in schools if s.id == school_id), None)


async def get_schools(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    data = dialog_manager.middleware_data
    schools = await svc.schools_of(data["session"], data["actor"])
    return {"schools": [{"id": s.id, "name": s.name} for s in schools]}


async def on_school(callback: CallbackQuery, _widget: Any, manager: DialogManager, item_id: str) -> None:
    data = manager.middleware_data
    schools = {str(s.id): s for s in await svc.schools_of(data["session"], data["actor"])}
    if item_id not in schools:
        await callback.answer(data["t"]("calendar-not-allowed"), show_alert=True)
        return
    manager.dialog_data[SCHOOL_ID] = schools[item_id].id
    await manager.switch_to(CalendarAdmin.main)


def _range_end(start: Any, end: Any) -> str:
    """The " – <last day>" after a range's first day; nothing for a single day."""
    return f" – {end.isoformat()}" if end != start else ""


async def get_main(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    data = dialog_manager.middleware_data
    t = data["t"]
    school = await _school(dialog_manager)
    if school is None:
        return {"school": "", "terms": t("calendar-not-allowed"), "days": "", "today": "", "note": ""}
    view = await svc.overview(data["session"], data["clock"], school.id, school.timezone)
    terms = "\n".join(
        t("calendar-term-line", name=term.name, start=term.starts_on.isoformat(), end=term.ends_on.isoformat())
        for term in view.terms
    ) or t("calendar-no-terms")
    days = "\n".join(
        t(
            "calendar-day-line-school" if r.is_school_day else "calendar-day-line-holiday",
            start=r.start.isoformat(),
            end=_range_end(r.start, r.end),
            note=r.note or "",
        )
        for r in view.ranges
    ) or t("calendar-no-days")
    today = t(
        "calendar-today-school" if view.today_is_school_day else "calendar-today-no-school",
        date=view.today.isoformat(),
    )
    return {
        "school": school.name,
        "terms": terms,
        "days": days,
        "today": today,
        "note": dialog_manager.dialog_data.pop(NOTE, ""),
    }


async def _with_school(message: Message, manager: DialogManager, action: Any) -> None:
    data = manager.middleware_data
    t = data["t"]
    school = await _school(manager)
    try:
        if school is None:
            raise CalendarInputError("calendar-not-allowed")
        note = await action(data, school)
    except CalendarInputError as exc:
        await message.answer(t(exc.key, **exc.params))
        manager.show_mode = ShowMode.DELETE_AND_SEND
        return
    manager.dialog_data[NOTE] = note
    await manager.switch_to(CalendarAdmin.main, show_mode=ShowMode.SEND)


async def on_term(message: Message, _widget: Any, manager: DialogManager) -> None:
    async def action(data: dict[str, Any], school: Any) -> str:
        term = svc.parse_term(message.text)
        saved = await svc.add_term(data["session"], data["clock"], data["actor"], school.id, term)
        return data["t"](
            "calendar-term-saved", name=saved.name,
            start=saved.starts_on.isoformat(), end=saved.ends_on.isoformat(),
        )

    await _with_school(message, manager, action)


def _days_action(is_school_day: bool) -> Any:
    async def on_days(message: Message, _widget: Any, manager: DialogManager) -> None:
        async def action(data: dict[str, Any], school: Any) -> str:
            days = svc.parse_days(message.text)
            count = await svc.set_days(data["session"], data["clock"], data["actor"], school.id, days, is_school_day)
            key = "calendar-makeup-saved" if is_school_day else "calendar-holiday-saved"
            return data["t"](key, count=count, start=days.start.isoformat(), end=_range_end(days.start, days.end))

        await _with_school(message, manager, action)

    return on_days


async def on_clear(message: Message, _widget: Any, manager: DialogManager) -> None:
    async def action(data: dict[str, Any], school: Any) -> str:
        days = svc.parse_days(message.text)
        count = await svc.clear_days(data["session"], data["actor"], school.id, days)
        return data["t"]("calendar-cleared", count=count)

    await _with_school(message, manager, action)


async def on_remove_term(callback: CallbackQuery, _widget: Any, manager: DialogManager, item_id: str) -> None:
    data = manager.middleware_data
    t = data["t"]
    school = await _school(manager)
    try:
        if school is None:
            raise CalendarInputError("calendar-not-allowed")
        term = await svc.remove_term(data["session"], data["actor"], school.id, int(item_id))
    except (CalendarInputError, ValueError) as exc:
        key = exc.key if isinstance(exc, CalendarInputError) else "calendar-not-allowed"
        await callback.answer(t(key), show_alert=True)
        return
    manager.dialog_data[NOTE] = t("calendar-term-removed", name=term.name)
    await manager.switch_to(CalendarAdmin.main)


async def on_not_text(message: Message, _widget: Any, manager: DialogManager) -> None:
    await message.answer(manager.middleware_data["t"]("calendar-text-only"))


async def on_done(callback: CallbackQuery, _button: Button, manager: DialogManager) -> None:
    await manager.done()


async def get_terms(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    data = dialog_manager.middleware_data
    school = await _school(dialog_manager)
    view = await svc.overview(data["session"], data["clock"], school.id, school.timezone) if school else None
    return {
        "term_items": [
            {"id": term.id, "label": data["t"]("calendar-remove-term", name=term.name)}
            for term in (view.terms if view else [])
        ],
    }


# ------------------------------------------------------------------ release times


def _defaults(manager: DialogManager) -> dict[str, time]:
    returns = manager.middleware_data["settings"].returns
    return {"weekend": returns.weekend_release, "holiday": returns.holiday_release}


def _shown(t: Any, release: svc.ReleaseTime) -> str:
    hhmm = release.time.strftime("%H:%M")
    return t("calendar-release-default-mark", time=hhmm) if release.is_default else hhmm


async def get_release(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    data = dialog_manager.middleware_data
    t = data["t"]
    school = await _school(dialog_manager)
    if school is None:
        return {"school": "", "weekend": "", "holiday": "", "kinds": [],
                "note": t("calendar-not-allowed")}
    times = await svc.release_times(data["session"], school.id, _defaults(dialog_manager))
    return {
        "school": school.name,
        "weekend": _shown(t, times["weekend"]),
        "holiday": _shown(t, times["holiday"]),
        "kinds": [
            {"id": kind, "label": t("calendar-release-change", kind=t("calendar-release-kind-" + kind))}
            for kind in svc.RELEASE_KINDS
        ],
        "note": dialog_manager.dialog_data.pop(NOTE, ""),
    }


async def on_release_kind(callback: CallbackQuery, _widget: Any, manager: DialogManager, item_id: str) -> None:
    if item_id not in svc.RELEASE_KINDS:
        await callback.answer(manager.middleware_data["t"]("calendar-not-allowed"), show_alert=True)
        return
    manager.dialog_data[KIND] = item_id
    await manager.switch_to(CalendarAdmin.release_time)


async def get_release_time(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    data = dialog_manager.middleware_data
    t = data["t"]
    kind = dialog_manager.dialog_data.get(KIND, "weekend")
    school = await _school(dialog_manager)
    times = await svc.release_times(data["session"], school.id, _defaults(dialog_manager)) if school else None
    release = times[kind] if times else None
    return {
        "kind": t("calendar-release-kind-" + kind),
        "current": _shown(t, release) if release else "",
        "default": release.default.strftime("%H:%M") if release else "",
        "own": release is not None and not release.is_default,
    }


async def _save_release(manager: DialogManager, value: time | None) -> str:
    """Sets (or with None resets) the time; returns the line for the release screen."""
    data = manager.middleware_data
    t = data["t"]
    school = await _school(manager)
    if school is None:
        raise CalendarInputError("calendar-not-allowed")
    kind = manager.dialog_data.get(KIND)
    if kind not in svc.RELEASE_KINDS:
        raise CalendarInputError("calendar-not-allowed")
    await svc.set_release_time(data["session"], data["clock"], data["actor"], school.id, kind, value)
    times = await svc.release_times(data["session"], school.id, _defaults(manager))
    label = t("calendar-release-kind-" + kind)
    if value is None:
        return t("calendar-release-reset-done", kind=label, time=times[kind].default.strftime("%H:%M"))
    return t("calendar-release-saved", kind=label, time=value.strftime("%H:%M"))


async def on_release_time(message: Message, _widget: Any, manager: DialogManager) -> None:
    t = manager.middleware_data["t"]
    try:
        note = await _save_release(manager, svc.parse_release_time(message.text))
    except CalendarInputError as exc:
        await message.answer(t(exc.key, **exc.params))
        manager.show_mode = ShowMode.DELETE_AND_SEND
        return
    manager.dialog_data[NOTE] = note
    await manager.switch_to(CalendarAdmin.release, show_mode=ShowMode.SEND)


async def on_release_reset(callback: CallbackQuery, _button: Button, manager: DialogManager) -> None:
    try:
        note = await _save_release(manager, None)
    except CalendarInputError as exc:
        await callback.answer(manager.middleware_data["t"](exc.key), show_alert=True)
        return
    manager.dialog_data[NOTE] = note
    await manager.switch_to(CalendarAdmin.release)


async def on_not_time(message: Message, _widget: Any, manager: DialogManager) -> None:
    await message.answer(manager.middleware_data["t"]("calendar-release-text-only"))
    manager.show_mode = ShowMode.DELETE_AND_SEND


# ------------------------------------------------------------------ the spreadsheet


async def get_sheet(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    school = await _school(dialog_manager)
    return {"school": school.name if school else ""}


async def on_download(callback: CallbackQuery, _button: Button, manager: DialogManager) -> None:
    data = manager.middleware_data
    t = data["t"]
    school = await _school(manager)
    if school is None:
        await callback.answer(t("calendar-not-allowed"), show_alert=True)
        return
    language = getattr(t, "language", None) or "zh_Hans"
    content = await sheets.export_calendar(data["session"], school.id, language, _defaults(manager))
    await data["bot"].send_document(
        callback.from_user.id,
        BufferedInputFile(content, filename=t("calendar-sheet-filename", school=school.name)),
        caption=t("calendar-sheet-caption"),
    )
    # The window goes below the file, so its buttons stay at hand.
    manager.show_mode = ShowMode.DELETE_AND_SEND


def _fit(problems: list[Any], t: Any) -> str:
    """Up to 30 lines, fewer when long lines would pass Telegram's message limit."""
    limit = sheets.MAX_SHOWN
    while True:
        text = sheets.render_problems(problems, t, limit=limit)
        if len(text) <= TELEGRAM_TEXT_LIMIT or limit <= 1:
            return text[:TELEGRAM_TEXT_LIMIT]
        limit -= 5 if limit > 5 else 1


async def on_document(message: Message, _widget: Any, manager: DialogManager) -> None:
    data = manager.middleware_data
    t = data["t"]
    manager.show_mode = ShowMode.DELETE_AND_SEND
    school = await _school(manager)
    document = message.document
    if school is None or document is None:
        await message.answer(t("calendar-not-allowed"))
        return
    if (document.file_size or 0) > sheets.MAX_FILE_BYTES:
        problem = sheets.Problem("too-large", params={"max_mb": sheets.MAX_FILE_BYTES // 2**20})
        await message.answer(sheets.render_problems([problem], t))
        return
    try:
        content = (await data["bot"].download(document)).read()
    except Exception as exc:
        # Only the error's kind: a download URL carries the bot token.
        log.warning("could not download a calendar file for school %s: %s", school.id, type(exc).__name__)
        await message.answer(t("calendar-sheet-download-failed"))
        return
    try:
        result = await sheets.import_calendar(
            data["session"], data["clock"], school.id, document.file_name or "", content, actor=data["actor"],
        )
    except sheets.CalendarSheetInvalid as exc:
        await message.answer(_fit(exc.problems, t))
        return
    except CalendarInputError as exc:
        await message.answer(t(exc.key, **exc.params))
        return
    await message.answer(sheets.render_result(result, t))


async def on_not_a_file(message: Message, _widget: Any, manager: DialogManager) -> None:
    await message.answer(manager.middleware_data["t"]("calendar-sheet-send-file"))
    manager.show_mode = ShowMode.DELETE_AND_SEND


def _input_window(prompt: str, state: Any, handler: Any, *extra: Any, getter: Any = None) -> Window:
    return Window(
        T(prompt),
        MessageInput(handler, content_types=ContentType.TEXT),
        MessageInput(on_not_text),
        *extra,
        SwitchTo(T("button-back"), id=ID_BACK, state=CalendarAdmin.main),
        state=state,
        getter=getter,
    )


dialog = Dialog(
    Window(
        T("calendar-choose-school"),
        Column(
            Select(
                Format("{item[name]}"),
                id=ID_SCHOOL,
                item_id_getter=operator.itemgetter("id"),
                items="schools",
                on_click=on_school,
            ),
        ),
        Button(T("calendar-close"), id=ID_DONE, on_click=on_done),
        tap_hint(),
        state=CalendarAdmin.school,
        getter=get_schools,
    ),
    Window(
        T("calendar-main"),
        Row(
            SwitchTo(T("calendar-add-term"), id=ID_TERM, state=CalendarAdmin.term),
            SwitchTo(T("calendar-add-holiday"), id=ID_HOLIDAY, state=CalendarAdmin.holiday),
        ),
        Row(
            SwitchTo(T("calendar-add-makeup"), id=ID_MAKEUP, state=CalendarAdmin.makeup),
            SwitchTo(T("calendar-clear-days"), id=ID_CLEAR, state=CalendarAdmin.clear),
        ),
        Row(
            SwitchTo(T("calendar-release-button"), id=ID_RELEASE, state=CalendarAdmin.release),
            SwitchTo(T("calendar-sheet-button"), id=ID_SHEET, state=CalendarAdmin.sheet),
        ),
        Button(T("calendar-close"), id=ID_DONE, on_click=on_done),
        MessageInput(on_document, content_types=ContentType.DOCUMENT),
        tap_hint(),
        state=CalendarAdmin.main,
        getter=get_main,
    ),
    _input_window("calendar-term-prompt", CalendarAdmin.term, on_term),
    _input_window("calendar-holiday-prompt", CalendarAdmin.holiday, _days_action(False)),
    _input_window("calendar-makeup-prompt", CalendarAdmin.makeup, _days_action(True)),
    _input_window(
        "calendar-clear-prompt", CalendarAdmin.clear, on_clear,
        Column(
            Select(
                Format("{item[label]}"),
                id=ID_REMOVE_TERM,
                item_id_getter=operator.itemgetter("id"),
                items="term_items",
                on_click=on_remove_term,
            ),
        ),
        getter=get_terms,
    ),
    Window(
        T("calendar-release-main"),
        Column(
            Select(
                Format("{item[label]}"),
                id=ID_RELEASE_KIND,
                item_id_getter=operator.itemgetter("id"),
                items="kinds",
                on_click=on_release_kind,
            ),
        ),
        SwitchTo(T("button-back"), id=ID_BACK, state=CalendarAdmin.main),
        tap_hint(),
        state=CalendarAdmin.release,
        getter=get_release,
    ),
    Window(
        T("calendar-release-prompt"),
        MessageInput(on_release_time, content_types=ContentType.TEXT),
        MessageInput(on_not_time),
        Button(T("calendar-release-reset"), id=ID_RELEASE_RESET, on_click=on_release_reset, when="own"),
        SwitchTo(T("button-back"), id=ID_BACK_RELEASE, state=CalendarAdmin.release),
        state=CalendarAdmin.release_time,
        getter=get_release_time,
    ),
    Window(
        T("calendar-sheet-main"),
        Button(T("calendar-sheet-download"), id=ID_DOWNLOAD, on_click=on_download),
        SwitchTo(T("button-back"), id=ID_BACK, state=CalendarAdmin.main),
        MessageInput(on_document, content_types=ContentType.DOCUMENT),
        MessageInput(on_not_a_file),
        state=CalendarAdmin.sheet,
        getter=get_sheet,
    ),
    on_start=on_start,
    name="calendar",
)


async def on_menu_button(callback: CallbackQuery, _button: Button, manager: DialogManager) -> None:
    refusal = await launch(manager, over_menu=False)
    if refusal is not None:
        await callback.answer(manager.middleware_data["t"](refusal), show_alert=True)
