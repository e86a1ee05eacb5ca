"""The chart choices of /reports (dialogs/reports.py): tap a chart, pick the scope if the
user has several (the same scopes as the tables: a head teacher's classes, an admin's
school per class, the bureau's county per school), and the picture comes back as a photo
in answer to the tap (no outbox: it answers what they asked). The numbers are read with
the update's session; the drawing runs in a worker thread (services.charts.build_chart)."""

from __future__ import annotations

import logging

from aiogram.types import BufferedInputFile, CallbackQuery
from aiogram_dialog import DialogManager
from aiogram_dialog.widgets.kbd import Button

from dialogs.states import Reports
from services import charts
from services import reports as service

log = logging.getLogger(__name__)

KIND = "kind"  # the dialog_data key dialogs/reports.py uses
SCOPE = "scope"
PREFIX = "chart:"
CHART_IDS = {
    "rc_attendance": charts.ChartKind.ATTENDANCE,
    "rc_completion": charts.ChartKind.COMPLETION,
    "rc_dropout": charts.ChartKind.DROPOUT,
}


def chosen_chart(manager: DialogManager) -> charts.ChartKind | None:
    value = str(manager.dialog_data.get(KIND) or "")
    if not value.startswith(PREFIX):
        return None
    try:
        return charts.ChartKind(value.removeprefix(PREFIX))
    except ValueError:
        return None


async def on_chart(callback: CallbackQuery, button: Button, manager: DialogManager) -> None:
    data = manager.middleware_data
    t = data["t"]
    scopes = await service.report_scopes(data["session"], data["actor"], data["translator"], data["lang"])
    if not scopes:
        await callback.answer(t("report-not-allowed"), show_alert=True)
        return
    kind = CHART_IDS[button.widget_id]
    manager.dialog_data[KIND] = PREFIX + kind.value
    if len(scopes) == 1:
        await send_chart(callback, manager, kind, scopes[0])
    else:
        await manager.switch_to(Reports.pick_scope)


async def send_chart(
    callback: CallbackQuery, manager: DialogManager, kind: charts.ChartKind, scope: service.ReportScope
) -> None:
    data = manager.middleware_data
    t, translator, lang, clock, bot = data["t"], data["translator"], data["lang"], data["clock"], data["bot"]
    await callback.answer(t("chart-preparing"))
    try:
        chart = await charts.build_chart(
            data["session"], translator, lang, kind, scope, service.scope_today(clock, scope), clock.now(),
            overdue_days=data["settings"].attendance.stage_overdue_days,
        )
    except Exception:
        log.exception("chart %s for scope %s failed", kind.value, scope.key)
        await bot.send_message(callback.from_user.id, t("chart-failed"))
        return
    log.info("chart %s for scope %s drawn in %.2f s", kind.value, scope.key, chart.render_seconds)
    await bot.send_photo(
        callback.from_user.id, BufferedInputFile(chart.png, filename=f"{kind.value}.png"),
        caption=charts.chart_caption(translator, lang, kind, scope),
    )
    await manager.done()
