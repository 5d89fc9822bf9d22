"""The leads' dashboard page: figures from screening/triage/dashboard.py drawn as inline SVG
bar charts rendered on the server (no JavaScript, nothing loaded from elsewhere)."""

from __future__ import annotations

from dataclasses import dataclass

from django.template.response import TemplateResponse
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from screening.rules.results import MEDICAL_ADVICE_NOTICE
from screening.triage.dashboard import dashboard_stats, label_watch_status, rescreen_progress


@dataclass(frozen=True)
class Bar:
    label: str
    value: int
    x: float
    y: float
    width: float
    height: float
    label_x: float
    label_y: float
    value_x: float
    value_y: float


@dataclass(frozen=True)
class Chart:
    title: str
    description: str
    width: int
    height: int
    bars: list[Bar]
    horizontal: bool
    rows: list[tuple[str, int]]


def horizontal_chart(title: str, rows: list[tuple[str, int]], *, width: int = 460) -> Chart:
    """One bar per row, label on the left, value at the bar's end."""
    bar_height, gap, label_width, right_pad = 20, 8, 150, 40
    top = 6
    biggest = max((value for _, value in rows), default=0) or 1
    span = width - label_width - right_pad
    bars = []
    for i, (label, value) in enumerate(rows):
        y = top + i * (bar_height + gap)
        length = span * value / biggest
        bars.append(
            Bar(
                label=label,
                value=value,
                x=label_width,
                y=y,
                width=round(max(length, 1 if value else 0), 1),
                height=bar_height,
                label_x=label_width - 8,
                label_y=y + bar_height * 0.7,
                value_x=round(label_width + length + 6, 1),
                value_y=y + bar_height * 0.7,
            )
        )
    height = top * 2 + len(rows) * (bar_height + gap)
    return Chart(
        title=title,
        description=", ".join(f"{label}: {value}" for label, value in rows),
        width=width,
        height=height,
        bars=bars,
        horizontal=True,
        rows=rows,
    )


def vertical_chart(title: str, rows: list[tuple[str, int]], *, width: int = 620) -> Chart:
    """Columns over time: label under each column, value above it."""
    plot_height, top, bottom, side = 160, 18, 26, 10
    slot = (width - 2 * side) / max(len(rows), 1)
    column = slot * 0.7
    biggest = max((value for _, value in rows), default=0) or 1
    bars = []
    for i, (label, value) in enumerate(rows):
        length = plot_height * value / biggest
        x = side + i * slot + (slot - column) / 2
        y = top + plot_height - length
        bars.append(
            Bar(
                label=label,
                value=value,
                x=round(x, 1),
                y=round(y, 1),
                width=round(column, 1),
                height=round(length, 1),
                label_x=round(x + column / 2, 1),
                label_y=top + plot_height + 16,
                value_x=round(x + column / 2, 1),
                value_y=round(y - 4, 1),
            )
        )
    return Chart(
        title=title,
        description=", ".join(f"{label}: {value}" for label, value in rows),
        width=width,
        height=top + plot_height + bottom,
        bars=bars,
        horizontal=False,
        rows=rows,
    )


def describe_duration(delta) -> str:
    if delta is None:
        return _("no case reviewed yet")
    hours = delta.total_seconds() / 3600
    if hours < 1:
        return _("%(m)d minutes") % {"m": round(hours * 60)}
    if hours < 48:
        return _("%(h).1f hours") % {"h": hours}
    return _("%(d).1f days") % {"d": hours / 24}


def render_dashboard(request, admin_site):
    stats = dashboard_stats(timezone.now())
    charts = [
        horizontal_chart(_("Open cases by status"), stats.open_by_status),
        horizontal_chart(_("Open cases by priority"), stats.open_by_priority),
        horizontal_chart(_("Open cases likely eligible, per product"), stats.likely_by_product),
        vertical_chart(
            _("Submissions per week (last 12 weeks)"),
            [(date_format(week, "j M"), n) for week, n in stats.weekly_submissions],
        ),
    ]
    context = {
        **admin_site.each_context(request),
        "title": _("Coordination dashboard"),
        "stats": stats,
        "median_first_review": describe_duration(stats.median_first_review),
        "charts": charts,
        "label_watch": label_watch_status(),
        "rescreens": rescreen_progress(),
        "notice": MEDICAL_ADVICE_NOTICE,
    }
    return TemplateResponse(request, "admin/screening/dashboard.html", context)
