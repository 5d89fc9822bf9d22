"""Figures for the leads' dashboard: the open queue, overdue work, review speed, likely-eligible
counts per product and weekly submissions, the label changes waiting for review and the bulk
re-screens' progress. A handful of aggregate queries, no per-row work."""

from __future__ import annotations

import statistics
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.db.models import Count, F
from django.db.models.functions import TruncWeek
from django.utils import timezone

from screening.models import (
    Case,
    CaseStatus,
    LabelChange,
    LabelCheck,
    Priority,
    ProductVerdict,
    RescreenJob,
)
from screening.rules.data.products import PRODUCTS
from screening.rules.results import ELIGIBLE

WEEKS_SHOWN = 12
REVIEW_WINDOW = timedelta(days=30)


@dataclass(frozen=True)
class DashboardStats:
    open_by_status: list[tuple[str, int]]  # (label, count) in workflow order
    open_by_priority: list[tuple[str, int]]  # (label, count), urgent first
    open_total: int
    overdue: int
    median_first_review: timedelta | None  # over cases first reviewed in the window
    reviewed_in_window: int
    likely_by_product: list[tuple[str, int]]  # (brand, open cases likely eligible)
    weekly_submissions: list[tuple[datetime, int]]  # (week start, count), oldest first


def _week_start(moment: datetime) -> datetime:
    local = timezone.localtime(moment)
    start = local - timedelta(days=local.weekday())
    return start.replace(hour=0, minute=0, second=0, microsecond=0)


def dashboard_stats(now: datetime | None = None) -> DashboardStats:
    now = now or timezone.now()
    open_cases = Case.objects.exclude(status=CaseStatus.CLOSED)

    by_status = dict(
        open_cases.order_by()
        .values_list("status")
        .annotate(n=Count("id"))
        .values_list("status", "n")
    )
    open_by_status = [
        (str(status.label), by_status.get(status.value, 0))
        for status in CaseStatus
        if status != CaseStatus.CLOSED
    ]
    by_priority = dict(
        open_cases.order_by()
        .values_list("priority")
        .annotate(n=Count("id"))
        .values_list("priority", "n")
    )
    open_by_priority = [(str(p.label), by_priority.get(p.value, 0)) for p in Priority]

    overdue = open_cases.filter(due_at__lt=now).count()

    durations = [
        reviewed - submitted
        for submitted, reviewed in Case.objects.filter(
            first_reviewed_at__gte=now - REVIEW_WINDOW, first_reviewed_at__lte=now
        ).values_list("submitted_at", "first_reviewed_at")
        if reviewed >= submitted
    ]
    median = statistics.median(durations) if durations else None

    likely = dict(
        ProductVerdict.objects.filter(
            verdict=ELIGIBLE,
            run_id=F("case__latest_run_id"),
        )
        .exclude(case__status=CaseStatus.CLOSED)
        .order_by()
        .values_list("product")
        .annotate(n=Count("id"))
        .values_list("product", "n")
    )
    likely_by_product = sorted(
        ((product.brand, likely.get(key, 0)) for key, product in PRODUCTS.items()),
        key=lambda row: (-row[1], row[0]),
    )

    first_week = _week_start(now) - timedelta(weeks=WEEKS_SHOWN - 1)
    weekly = {
        _week_start(week): n
        for week, n in Case.objects.filter(submitted_at__gte=first_week)
        .annotate(week=TruncWeek("submitted_at"))
        .order_by()
        .values_list("week")
        .annotate(n=Count("id"))
        .values_list("week", "n")
    }
    weeks = [first_week + timedelta(weeks=i) for i in range(WEEKS_SHOWN)]
    weekly_submissions = [(week, weekly.get(week, 0)) for week in weeks]

    return DashboardStats(
        open_by_status=open_by_status,
        open_by_priority=open_by_priority,
        open_total=sum(by_status.values()),
        overdue=overdue,
        median_first_review=median,
        reviewed_in_window=len(durations),
        likely_by_product=likely_by_product,
        weekly_submissions=weekly_submissions,
    )


@dataclass(frozen=True)
class LabelWatchStatus:
    open_changes: list[LabelChange]  # not yet reviewed, newest first
    last_check: LabelCheck | None
    failed: list[tuple[str, str]]  # (brand, why) in the last check


def label_watch_status(limit: int = 50) -> LabelWatchStatus:
    """The label changes waiting for a lead's review, and how the last check went."""
    changes = list(LabelChange.objects.filter(reviewed_at__isnull=True)[:limit])
    last = LabelCheck.objects.first()
    failed = []
    if last is not None:
        failed = [
            (PRODUCTS[key].brand if key in PRODUCTS else key, outcome.get("detail", ""))
            for key, outcome in sorted(last.outcomes.items())
            if outcome.get("state") == "failed"
        ]
    return LabelWatchStatus(changes, last, failed)


@dataclass(frozen=True)
class RescreenProgress:
    job: RescreenJob
    percent: int
    rate: float | None  # cases per second since it started (None before any batch)


def rescreen_progress(limit: int = 3) -> list[RescreenProgress]:
    """The latest bulk re-screen jobs (the running one first) with their progress."""
    rows = []
    for job in RescreenJob.objects.order_by("-created_at")[:limit]:
        percent = int(100 * job.done / job.total) if job.total else 100
        end = job.finished_at or job.progressed_at
        seconds = (end - job.created_at).total_seconds() if end else 0
        rate = job.done / seconds if job.done and seconds > 0 else None
        rows.append(RescreenProgress(job, percent, rate))
    return rows
