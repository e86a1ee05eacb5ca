"""Pictures for /reports, for people who would rather look than read: attendance rate per
class over the term, return-confirmation and monthly-contact completion per week, open
dropout cases by stage.

Two halves. `*_data` gather the numbers (async, through the report scope: a head teacher's
own classes, an admin's school per class, the bureau's county per school, never a child);
`render_*` are pure (data and words in, PNG bytes out) and run off the event loop
(`asyncio.to_thread` in `build_chart`). A figure is 1080 px wide with large type, for a
phone held upright.

Chinese needs a font with CJK glyphs. `cjk_font()` looks once: an installed system font
(Debian fonts-noto-cjk or fonts-wqy-zenhei, found by matplotlib in /usr/share/fonts), else
the Noto Sans CJK packaged on PyPI (cvttf-NotoSansCJK-Regular, a dependency). With none the
chart is still drawn, with a warning in the log (Chinese then shows as boxes).
"""

from __future__ import annotations

import asyncio
import io
import logging
import threading
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from functools import lru_cache
from zoneinfo import ZoneInfo

import matplotlib

matplotlib.use("Agg")

from matplotlib import font_manager  # noqa: E402
from matplotlib.backends.backend_agg import FigureCanvasAgg  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from sqlalchemy.ext.asyncio import AsyncSession  # noqa: E402

from db.repositories import charts as repo  # noqa: E402
from db.repositories import dropout as dropout_repo  # noqa: E402
from db.repositories import reports as reports_repo  # noqa: E402
from locales import Translator  # noqa: E402
from services.calendar import load_calendar  # noqa: E402
from services.contacts import month_start, term_window  # noqa: E402
from services.ledger import class_label  # noqa: E402
from services.reports.scope import ReportScope  # noqa: E402

log = logging.getLogger(__name__)

WIDTH_PX = 1080
DPI = 100
MAX_LINES = 8  # more groups than this: one bar each for the term so far
MAX_BARS = 40
# Families with CJK glyphs, best first (Simplified Chinese forms first).
CJK_FAMILIES = (
    "Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "Source Han Sans CN", "WenQuanYi Zen Hei",
    "WenQuanYi Micro Hei", "Noto Sans CJK JP", "Noto Sans CJK TC", "Source Han Sans", "Droid Sans Fallback",
    "SimHei", "Microsoft YaHei", "PingFang SC",
)


class ChartKind(StrEnum):
    ATTENDANCE = "attendance"
    COMPLETION = "completion"
    DROPOUT = "dropout"


# ------------------------------------------------------------------------ font

_font_lock = threading.Lock()


@lru_cache(maxsize=1)
def cjk_font() -> str | None:
    """The family name of a font with Chinese glyphs, or None (logged once)."""
    with _font_lock:
        installed = {f.name for f in font_manager.fontManager.ttflist}
        for family in CJK_FAMILIES:
            if family in installed:
                return family
        try:
            import cvttf_NotoSansCJK_Regular as packaged  # the PyPI font, see pyproject.toml

            path = packaged.get_TTF_path()
            font_manager.fontManager.addfont(path)
            return font_manager.FontProperties(fname=path).get_name()
        except (ImportError, OSError, RuntimeError):
            log.warning(
                "no font with Chinese glyphs found; charts will show boxes for Chinese. "
                "Install one: apt-get install fonts-noto-cjk (or pip install cvttf-NotoSansCJK-Regular)"
            )
            return None


def _figure(height_px: int = 1080) -> Figure:
    font = cjk_font()
    fig = Figure(figsize=(WIDTH_PX / DPI, height_px / DPI), dpi=DPI, layout="constrained")
    fig.set_facecolor("white")
    FigureCanvasAgg(fig)
    fig._jiaxiao_font = font  # type: ignore[attr-defined]
    return fig


def _text_kw(fig: Figure, size: int) -> dict[str, object]:
    font = getattr(fig, "_jiaxiao_font", None)
    kw: dict[str, object] = {"fontsize": size}
    if font:
        kw["fontfamily"] = [font, "DejaVu Sans"]
    return kw


def _style(fig: Figure, ax: object) -> None:
    font = getattr(fig, "_jiaxiao_font", None)
    ax.tick_params(labelsize=18)  # type: ignore[attr-defined]
    for label in [*ax.get_xticklabels(), *ax.get_yticklabels()]:  # type: ignore[attr-defined]
        if font:
            label.set_fontfamily([font, "DejaVu Sans"])
    ax.grid(True, axis="y", alpha=0.3)  # type: ignore[attr-defined]
    for side in ("top", "right"):
        ax.spines[side].set_visible(False)  # type: ignore[attr-defined]


def _png(fig: Figure) -> bytes:
    out = io.BytesIO()
    fig.savefig(out, format="png", dpi=DPI)
    return out.getvalue()


# ------------------------------------------------------------------------ data


def _monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


@dataclass
class WeeklySeries:
    """Per week (its Monday): a share 0..1 per line, None where nothing was due."""

    weeks: list[date] = field(default_factory=list)
    lines: dict[str, list[float | None]] = field(default_factory=dict)
    term: str = ""


@dataclass(frozen=True)
class _Group:
    key: tuple[int, int | None]  # (school id, class id or None for a whole school)
    label: str


async def _term(session: AsyncSession, school_id: int, today: date) -> tuple[date, date, str]:
    window = await term_window(session, school_id, today)
    return window.starts_on, min(today, window.ends_on), window.name or ""


async def attendance_data(
    session: AsyncSession, translator: Translator, lang: str, scope: ReportScope, today: date
) -> WeeklySeries:
    """Attendance rate per class per week of the term so far (the bureau: per school):
    absent student-days against student-days on days the class sheet was handed in
    (the days the compliance table counts)."""
    # group -> week -> [student-days, absent]
    tally: dict[_Group, dict[date, list[int]]] = {}
    weeks: set[date] = set()
    term_name = ""
    for school_id in scope.school_ids:
        school = await reports_repo.school(session, school_id)
        if school is None:
            continue
        start, until, term_name = await _term(session, school_id, today)
        calendar = await load_calendar(session, school_id)
        days = set(calendar.school_days(start, until))
        students = await repo.enrolled(session, school_id, scope.class_ids)
        classes = await reports_repo.classes_of_schools(session, [school_id])
        sheets = await repo.sheet_days(session, school_id, start, until, scope.class_ids)
        absent = await dropout_repo.absent_days(session, school_id, start, until, unexplained_only=False)
        by_class: dict[int | None, list[int]] = {}
        for s in students:
            by_class.setdefault(s.class_id, []).append(s.id)
        for class_id, ids in by_class.items():
            if scope.bureau:
                group = _Group((school_id, None), school.name)
            else:
                c = classes.get(class_id) if class_id is not None else None
                group = _Group((school_id, class_id), class_label(translator, lang, c.grade if c else None,
                                                                  c.name if c else None))
            per_week = tally.setdefault(group, {})
            for day in sorted(days):
                if (class_id, day) not in sheets:
                    continue
                week = _monday(day)
                weeks.add(week)
                counts = per_week.setdefault(week, [0, 0])
                counts[0] += len(ids)
                counts[1] += sum(1 for i in ids if day in absent.get(i, ()))
    ordered = sorted(weeks)
    out = WeeklySeries(weeks=ordered, term=term_name)
    for group in sorted(tally, key=lambda g: (g.key[0], g.label)):
        out.lines[group.label] = [
            (1 - c[1] / c[0]) if (c := tally[group].get(w)) and c[0] else None for w in ordered
        ]
    return out


async def completion_data(
    session: AsyncSession, translator: Translator, lang: str, scope: ReportScope, today: date
) -> WeeklySeries:
    """Per week of the term so far: the share of "arrived home?" answered home (releases that
    week), and the share of left-behind students whose monthly contact for the month of the
    week's last day was confirmed by then."""
    returns_key = translator.get("chart-line-returns", lang)
    monthly_key = translator.get("chart-line-monthly", lang)
    returns: dict[date, list[int]] = {}
    monthly: dict[date, list[int]] = {}
    term_name = ""
    for school_id in scope.school_ids:
        school = await reports_repo.school(session, school_id)
        if school is None:
            continue
        tz = ZoneInfo(school.timezone)
        start, until, term_name = await _term(session, school_id, today)
        for asked in await repo.returns_asked(session, school_id, start, until, scope.class_ids):
            counts = returns.setdefault(_monday(asked.release_day), [0, 0])
            counts[0] += 1
            counts[1] += asked.confirmed
        left_behind = [s.id for s in await repo.enrolled(session, school_id, scope.class_ids) if s.left_behind]
        confirmed = await repo.monthly_confirmed_at(session, left_behind, month_start(start), month_start(until))
        week = _monday(start)
        while week <= until:
            last = min(week + timedelta(days=6), until)
            cutoff = datetime.combine(last + timedelta(days=1), time(0), tz)
            month = month_start(last)
            counts = monthly.setdefault(week, [0, 0])
            counts[0] += len(left_behind)
            counts[1] += sum(1 for i in left_behind if (at := confirmed.get((i, month))) is not None and at < cutoff)
            week += timedelta(days=7)
    ordered = sorted(set(returns) | set(monthly))
    out = WeeklySeries(weeks=ordered, term=term_name)
    out.lines[returns_key] = [(c[1] / c[0]) if (c := returns.get(w)) and c[0] else None for w in ordered]
    out.lines[monthly_key] = [(c[1] / c[0]) if (c := monthly.get(w)) and c[0] else None for w in ordered]
    return out


@dataclass
class StageCounts:
    """Open dropout cases per stage, and how many of them sit there past the overdue days."""

    stages: list[str] = field(default_factory=list)  # DropoutStage values, policy order
    open: list[int] = field(default_factory=list)
    overdue: list[int] = field(default_factory=list)


async def dropout_data(session: AsyncSession, scope: ReportScope, now: datetime, overdue_days: int) -> StageCounts:
    cases = await repo.open_cases(session, scope.school_ids, scope.class_ids)
    out = StageCounts()
    limit = now - timedelta(days=overdue_days)
    for stage in repo.OPEN_STAGES:
        listed = [c for c in cases if c.stage == stage]
        out.stages.append(stage.value)
        out.open.append(len(listed))
        out.overdue.append(sum(1 for c in listed if c.stage_since <= limit))
    return out


# ---------------------------------------------------------------------- render


@dataclass(frozen=True)
class Words:
    title: str
    subtitle: str = ""
    y_label: str = ""
    empty: str = ""
    legend_overdue: str = ""
    legend_open: str = ""
    stage_labels: tuple[str, ...] = ()


def _week_label(week: date) -> str:
    return f"{week.month}/{week.day}"


def _empty(fig: Figure, words: Words) -> None:
    ax = fig.add_subplot()
    ax.axis("off")
    ax.text(0.5, 0.5, words.empty, ha="center", va="center", **_text_kw(fig, 28))  # type: ignore[arg-type]


def _title(fig: Figure, words: Words) -> None:
    fig.suptitle(words.title + (f"\n{words.subtitle}" if words.subtitle else ""), **_text_kw(fig, 30))  # type: ignore[arg-type]


def render_weekly(series: WeeklySeries, words: Words) -> bytes:
    """Lines per group over the weeks (few groups), else one bar per group for the term."""
    has_data = any(v is not None for values in series.lines.values() for v in values)
    if not has_data:
        fig = _figure(720)
        _title(fig, words)
        _empty(fig, words)
        return _png(fig)
    if len(series.lines) <= MAX_LINES:
        fig = _figure(1080)
        _title(fig, words)
        ax = fig.add_subplot()
        x = list(range(len(series.weeks)))
        for label, values in series.lines.items():
            points = [(i, v * 100) for i, v in zip(x, values, strict=True) if v is not None]
            if points:
                ax.plot([p[0] for p in points], [p[1] for p in points], marker="o", linewidth=4, markersize=10,
                        label=label)
        ax.set_ylim(0, 105)
        ax.set_ylabel(words.y_label, **_text_kw(fig, 20))  # type: ignore[arg-type]
        step = max(1, len(x) // 8)
        ax.set_xticks(x[::step], [_week_label(w) for w in series.weeks][::step])
        legend = ax.legend(loc="lower left", fontsize=18, ncol=2 if len(series.lines) > 4 else 1)
        font = getattr(fig, "_jiaxiao_font", None)
        if font:
            for text in legend.get_texts():
                text.set_fontfamily([font, "DejaVu Sans"])
        _style(fig, ax)
        return _png(fig)
    # Many groups (a county): the term so far, one horizontal bar each, lowest first.
    overall = []
    for label, values in series.lines.items():
        known = [v for v in values if v is not None]
        if known:
            overall.append((sum(known) / len(known), label))
    overall.sort()
    shown = overall[:MAX_BARS]
    fig = _figure(max(720, 160 + 46 * len(shown)))
    _title(fig, words)
    ax = fig.add_subplot()
    ax.barh(range(len(shown)), [v * 100 for v, _ in shown], color="#4C78A8")
    ax.set_yticks(range(len(shown)), [label for _, label in shown])
    ax.invert_yaxis()
    ax.set_xlim(0, 100)
    ax.set_xlabel(words.y_label, **_text_kw(fig, 20))  # type: ignore[arg-type]
    _style(fig, ax)
    return _png(fig)


def render_stages(counts: StageCounts, words: Words) -> bytes:
    fig = _figure(900)
    _title(fig, words)
    if not any(counts.open):
        _empty(fig, words)
        return _png(fig)
    ax = fig.add_subplot()
    x = list(range(len(counts.stages)))
    on_time = [o - d for o, d in zip(counts.open, counts.overdue, strict=True)]
    ax.bar(x, on_time, color="#4C78A8", label=words.legend_open)
    ax.bar(x, counts.overdue, bottom=on_time, color="#E45756", label=words.legend_overdue)
    for i, total in enumerate(counts.open):
        ax.text(i, total, str(total), ha="center", va="bottom", **_text_kw(fig, 24))  # type: ignore[arg-type]
    ax.set_xticks(x, list(words.stage_labels))
    ax.set_ylim(0, max(counts.open) * 1.2 + 1)
    ax.yaxis.get_major_locator().set_params(integer=True)
    legend = ax.legend(fontsize=18)
    font = getattr(fig, "_jiaxiao_font", None)
    if font:
        for text in legend.get_texts():
            text.set_fontfamily([font, "DejaVu Sans"])
    _style(fig, ax)
    return _png(fig)


# ----------------------------------------------------------------------- entry


@dataclass(frozen=True)
class Chart:
    png: bytes
    data: WeeklySeries | StageCounts
    render_seconds: float


async def build_chart(
    session: AsyncSession, translator: Translator, lang: str, kind: ChartKind, scope: ReportScope, today: date,
    now: datetime, *, overdue_days: int = 7,
) -> Chart:
    """Gather the numbers for the scope, then draw them in a worker thread."""
    lang = translator.normalize(lang)

    def t(key: str, **params: object) -> str:
        return translator.get(key, lang, **params)

    data: WeeklySeries | StageCounts
    if kind == ChartKind.DROPOUT:
        data = await dropout_data(session, scope, now, overdue_days)
        words = Words(
            title=t("chart-title-dropout"), subtitle=scope.name, empty=t("chart-empty-dropout"),
            legend_open=t("chart-legend-open"), legend_overdue=t("chart-legend-overdue", days=overdue_days),
            stage_labels=tuple(t(f"dropout-stage-{s}") for s in data.stages),
        )
        renderer = render_stages
    else:
        gather = attendance_data if kind == ChartKind.ATTENDANCE else completion_data
        data = await gather(session, translator, lang, scope, today)
        words = Words(
            title=t(f"chart-title-{kind.value}"), subtitle=scope.name, y_label=t("chart-y-percent"),
            empty=t("chart-empty"),
        )
        renderer = render_weekly  # type: ignore[assignment]
    started = asyncio.get_running_loop().time()
    png = await asyncio.to_thread(renderer, data, words)  # type: ignore[arg-type]
    return Chart(png, data, asyncio.get_running_loop().time() - started)


def chart_caption(translator: Translator, lang: str, kind: ChartKind, scope: ReportScope) -> str:
    return translator.get("chart-caption", lang, chart=translator.get(f"chart-name-{kind.value}", lang),
                          name=scope.name)


__all__: Sequence[str] = [
    "Chart", "ChartKind", "StageCounts", "WeeklySeries", "attendance_data", "build_chart", "chart_caption",
    "cjk_font", "completion_data", "dropout_data", "render_stages", "render_weekly",
]
