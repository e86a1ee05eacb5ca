"""A guardian reports before school that a child will be absent today.

child (skipped with one child) → reason (sick / personal leave / family) → confirm → done.
Three taps for a grandmother with one grandchild. Every step re-checks in the service that
the child is still hers and that today is a school day: dialog data can be stale and
callback data can be forged.
"""

from __future__ import annotations

from typing import Any

from aiogram.types import CallbackQuery
from aiogram_dialog import Dialog, DialogManager, StartMode, Window
from aiogram_dialog.widgets.kbd import Button, Column, Start, SwitchTo

from dialogs.common import choices, tap_hint
from dialogs.states import AbsenceReport, MainMenu
from dialogs.widgets import T
from services.absence import (
    REPORT_REASONS,
    ReportError,
    ReportProblem,
    check_report,
    reason_label,
    report_absence,
    reportable_children,
)

ID_CHILD = "child"
ID_REASON = "reason"
ID_CONFIRM = "confirm"
ID_OTHER_REASON = "other_reason"
ID_OTHER_CHILD = "other_child"
ID_CANCEL = "cancel"
ID_MENU = "menu"

# dialog_data keys
CHILD = "child"
CHILD_NAME = "child_name"
SEVERAL = "several"
REASON = "reason"
PROBLEM = "problem"
NOBODY_TOLD = "nobody_told"

NO_SCHOOL = "no_school"
NO_CHILDREN = "no_children"


def _deps(manager: DialogManager) -> tuple[Any, Any, Any, Any, Any]:
    data = manager.middleware_data
    return data["session"], data["clock"], data["translator"], data["actor"], data["t"]


async def _choose(manager: DialogManager, student_id: int, callback: CallbackQuery | None = None) -> None:
    session, clock, _translator, actor, t = _deps(manager)
    try:
        child = await check_report(session, clock, actor, student_id)
    except ReportError as exc:
        if exc.problem == ReportProblem.NOT_SCHOOL_DAY:
            manager.dialog_data[PROBLEM] = NO_SCHOOL
            await manager.switch_to(AbsenceReport.refused)
        elif callback is not None:
            await callback.answer(t("absence-report-not-allowed"), show_alert=True)
        return
    manager.dialog_data[CHILD] = child.id
    manager.dialog_data[CHILD_NAME] = child.name
    await manager.switch_to(AbsenceReport.reason)


async def on_start(_start_data: Any, manager: DialogManager) -> None:
    session, _clock, _translator, actor, _t = _deps(manager)
    children = await reportable_children(session, actor)
    manager.dialog_data[SEVERAL] = len(children) > 1
    if not children:
        manager.dialog_data[PROBLEM] = NO_CHILDREN
        await manager.switch_to(AbsenceReport.refused)
    elif len(children) == 1:
        await _choose(manager, children[0].id)


# ----------------------------------------------------------------------- child


async def get_children(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    session, _clock, _translator, actor, _t = _deps(dialog_manager)
    children = await reportable_children(session, actor)
    return {"children": [{"id": str(c.id), "name": c.name} for c in children]}


async def on_child(callback: CallbackQuery, _widget: Any, manager: DialogManager, item_id: str) -> None:
    try:
        student_id = int(item_id)
    except ValueError:
        await callback.answer(manager.middleware_data["t"]("absence-report-not-allowed"), show_alert=True)
        return
    await _choose(manager, student_id, callback)


# ---------------------------------------------------------------------- reason


async def get_reasons(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    t = dialog_manager.middleware_data["t"]
    return {
        "child": dialog_manager.dialog_data.get(CHILD_NAME, ""),
        "several": bool(dialog_manager.dialog_data.get(SEVERAL)),
        "reasons": [{"id": r.value, "label": t(f"absence-report-reason-{r.value}")} for r in REPORT_REASONS],
    }


async def on_reason(callback: CallbackQuery, _widget: Any, manager: DialogManager, item_id: str) -> None:
    if item_id not in {r.value for r in REPORT_REASONS}:
        await callback.answer(manager.middleware_data["t"]("error-stale-button"), show_alert=True)
        return
    manager.dialog_data[REASON] = item_id
    await manager.switch_to(AbsenceReport.confirm)


# --------------------------------------------------------------------- confirm


async def get_confirm(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    _session, _clock, translator, _actor, t = _deps(dialog_manager)
    reason = dialog_manager.dialog_data.get(REASON, "")
    return {
        "child": dialog_manager.dialog_data.get(CHILD_NAME, ""),
        "reason": reason_label(translator, t.language, reason) if reason else "",
    }


async def on_confirm(callback: CallbackQuery, _button: Button, manager: DialogManager) -> None:
    session, clock, translator, actor, t = _deps(manager)
    student_id = manager.dialog_data.get(CHILD)
    reason = manager.dialog_data.get(REASON)
    if not isinstance(student_id, int) or not isinstance(reason, str):
        await callback.answer(t("error-stale-button"), show_alert=True)
        return
    try:
        result = await report_absence(session, clock, translator, actor, student_id, reason)
    except ReportError as exc:
        if exc.problem == ReportProblem.NOT_SCHOOL_DAY:
            manager.dialog_data[PROBLEM] = NO_SCHOOL
            await manager.switch_to(AbsenceReport.refused)
        elif exc.problem == ReportProblem.BAD_REASON:
            await manager.switch_to(AbsenceReport.reason)
        else:
            await callback.answer(t("absence-report-not-allowed"), show_alert=True)
        return
    manager.dialog_data[NOBODY_TOLD] = result.changed and result.told == 0
    await manager.switch_to(AbsenceReport.done)


async def on_cancel(callback: CallbackQuery, _button: Button, manager: DialogManager) -> None:
    await callback.answer(manager.middleware_data["t"]("absence-report-cancelled"))
    await manager.done()


# ------------------------------------------------------------------- done / refused


async def get_done(dialog_manager: DialogManager, **kwargs: Any) -> dict[str, Any]:
    data = await get_confirm(dialog_manager, **kwargs)
    data["nobody_told"] = bool(dialog_manager.dialog_data.get(NOBODY_TOLD))
    data["told"] = not data["nobody_told"]
    return data


async def get_refused(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    problem = dialog_manager.dialog_data.get(PROBLEM)
    return {
        "no_school": problem == NO_SCHOOL,
        "no_children": problem == NO_CHILDREN,
    }


def _cancel() -> Button:
    return Button(T("absence-report-cancel"), id=ID_CANCEL, on_click=on_cancel)


def _menu() -> Start:
    return Start(T("absence-report-menu"), id=ID_MENU, state=MainMenu.main, mode=StartMode.RESET_STACK)


dialog = Dialog(
    Window(
        T("absence-report-choose-child"),
        Column(
            choices(ID_CHILD, "children", on_child, text="name"),
        ),
        _cancel(),
        tap_hint(),
        state=AbsenceReport.child,
        getter=get_children,
    ),
    Window(
        T("absence-report-choose-reason"),
        Column(
            choices(ID_REASON, "reasons", on_reason),
        ),
        SwitchTo(T("absence-report-other-child"), id=ID_OTHER_CHILD, state=AbsenceReport.child, when="several"),
        _cancel(),
        tap_hint(),
        state=AbsenceReport.reason,
        getter=get_reasons,
    ),
    Window(
        T("absence-report-confirm"),
        Button(T("absence-report-confirm-button"), id=ID_CONFIRM, on_click=on_confirm),
        SwitchTo(T("absence-report-other-reason"), id=ID_OTHER_REASON, state=AbsenceReport.reason),
        _cancel(),
        tap_hint(),
        state=AbsenceReport.confirm,
        getter=get_confirm,
    ),
    Window(
        T("absence-report-done", when="told"),
        T("absence-report-done-nobody-told", when="nobody_told"),
        _menu(),
        tap_hint(),
        state=AbsenceReport.done,
        getter=get_done,
    ),
    Window(
        T("absence-report-no-school", when="no_school"),
        T("absence-report-no-children", when="no_children"),
        _menu(),
        tap_hint(),
        state=AbsenceReport.refused,
        getter=get_refused,
    ),
    on_start=on_start,
    name="absence_report",
)
