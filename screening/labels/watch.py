"""The label watch: is every product's label still the version its rules were checked against?

For each product the rule data (screening/rules/data/labels.py) records the label's DailyMed
set id, the SPL version the rules were checked against and its revision date. `check_labels`
asks DailyMed for the current version of each set id (or, with no set id recorded, for the
labels listed under the brand name), or reads saved answers, and records a LabelChange for
every label published in another version: once per product, set id and version, however
often it runs. New changes go to the leads by email (one email per check, through the outbox)
and stay on the dashboard until a lead marks them reviewed.

Nothing here changes the rules: a person reads the new label, updates the rule data (which
changes the ruleset version), and the hourly check then re-screens every open case in bulk.
A product DailyMed could not answer for (a timeout, an error status, a malformed answer) is
reported as failed and changes nothing; the others go on.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import transaction
from django.urls import reverse

from screening.labels.dailymed import (
    DailyMedClient,
    DailyMedError,
    LabelVersion,
    history_set_id,
    is_history,
    is_listing,
    load_json,
    parse_history,
    parse_listing,
)
from screening.models import LabelChange, LabelCheck
from screening.notify.outbox import queue_email
from screening.rules.catalogue import DAILYMED_SET, Label
from screening.rules.data.products import PRODUCTS

logger = logging.getLogger(__name__)

UNCHANGED, CHANGED, FAILED, NOT_CHECKED = "unchanged", "changed", "failed", "not checked"
LEAD_GROUP = "Lead"
# Where a label's current versions come from: (label) -> versions (None: not asked about), or
# DailyMedError.
Lookup = Callable[[Label], list[LabelVersion] | None]


@dataclass
class ProductOutcome:
    product: str
    state: str
    detail: str
    versions: list[LabelVersion] = field(default_factory=list)

    def to_dict(self) -> dict:
        return {
            "state": self.state,
            "detail": self.detail,
            "versions": [
                [v.set_id, v.spl_version, v.published.isoformat() if v.published else None]
                for v in self.versions
            ],
        }


@dataclass
class LabelWatchReport:
    source: str
    outcomes: list[ProductOutcome] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # saved files that could not be read
    new_changes: list[LabelChange] = field(default_factory=list)
    check: LabelCheck | None = None

    @property
    def failed(self) -> list[ProductOutcome]:
        return [outcome for outcome in self.outcomes if outcome.state == FAILED]

    def lines(self) -> list[str]:
        counts = {
            state: sum(outcome.state == state for outcome in self.outcomes)
            for state in (UNCHANGED, CHANGED, FAILED, NOT_CHECKED)
        }
        lines = [
            f"{len(self.outcomes)} label(s) checked against {self.source}: "
            + ", ".join(f"{n} {state}" for state, n in counts.items() if n)
            + f"; {len(self.new_changes)} new change(s) for the leads"
        ]
        lines += [f"cannot read {problem}" for problem in self.problems]
        lines += [
            f"{PRODUCTS[o.product].brand}: {o.state}: {o.detail}"
            for o in self.outcomes
            if o.state != UNCHANGED
        ]
        return lines


def label_url(set_id: str) -> str:
    return DAILYMED_SET + set_id


def _published(version: LabelVersion) -> str:
    return f"published {version.published.isoformat()}" if version.published else "no date"


def _recorded(label: Label) -> str:
    if label.spl_version is None:
        return f"no version recorded (revised {label.revised})"
    return f"version {label.spl_version} (revised {label.revised})"


def compare(key: str, label: Label, versions: list[LabelVersion]) -> ProductOutcome:
    """What DailyMed's current versions mean against the rule data's record of the label."""
    if label.set_id:
        current = versions[0]
        if current.spl_version == label.spl_version:
            return ProductOutcome(
                key, UNCHANGED, f"version {current.spl_version} ({_published(current)})", versions
            )
        detail = (
            f"DailyMed has version {current.spl_version} ({_published(current)}); "
            f"the rules were checked against {_recorded(label)}"
        )
        return ProductOutcome(key, CHANGED, detail, versions)
    if not versions:
        return ProductOutcome(
            key, FAILED, f"no set id recorded and DailyMed lists no {label.brand_query} label"
        )
    listed = "; ".join(
        f"{v.title or 'untitled'} (set id {v.set_id}, version {v.spl_version}, {_published(v)})"
        for v in versions
    )
    return ProductOutcome(key, CHANGED, f"no set id recorded; DailyMed lists {listed}", versions)


def _change_summary(label: Label, version: LabelVersion) -> str:
    if not label.set_id:
        return (
            f"set id not recorded: DailyMed lists version {version.spl_version} "
            f"({_published(version)}); is this the label the rules read?"
        )
    return f"version {version.spl_version} ({_published(version)}) instead of {_recorded(label)}"


def live_lookup(client: DailyMedClient) -> Lookup:
    def lookup(label: Label) -> list[LabelVersion]:
        if label.set_id:
            return [client.current_version(label.set_id)]
        return client.brand_labels(label.brand_query)

    return lookup


@dataclass
class SavedAnswers:
    """Saved DailyMed answers (history or listing), indexed for the labels' lookups."""

    by_set_id: dict[str, LabelVersion | DailyMedError] = field(default_factory=dict)
    listed: list[LabelVersion] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    def add(self, text: str, source: str) -> None:
        try:
            document = load_json(text, source)
        except DailyMedError as error:
            self.problems.append(str(error))
            return
        if is_history(document) and history_set_id(document):
            set_id = history_set_id(document)
            try:
                self.by_set_id[set_id] = parse_history(document, set_id)
            except DailyMedError as error:
                self.by_set_id[set_id] = DailyMedError(f"{source}: {error}")
            return
        if is_listing(document):
            try:
                versions = parse_listing(document)
            except DailyMedError as error:
                self.problems.append(f"{source}: {error}")
                return
            self.listed += versions
            for version in versions:
                self.by_set_id.setdefault(version.set_id, version)
            return
        self.problems.append(
            f"{source}: not a DailyMed history or listing answer (no 'data.history' with "
            "'data.spl.setid', and no 'data' list)"
        )

    def lookup(self, label: Label) -> list[LabelVersion] | None:
        """The label's versions in the saved answers; None when they do not mention it."""
        if label.set_id:
            found = self.by_set_id.get(label.set_id.lower())
            if isinstance(found, DailyMedError):
                raise found
            return [found] if found else None
        brand = label.brand_query.upper()
        listed = [v for v in self.listed if v.title.upper().split(" (")[0].startswith(brand)]
        return listed or None


def check_labels(lookup: Lookup, source: str, *, problems=()) -> LabelWatchReport:
    """Ask `lookup` about every product's label and record what changed (see module doc)."""
    report = LabelWatchReport(source=source, problems=list(problems))
    for key, product in PRODUCTS.items():
        label = product.label
        try:
            versions = lookup(label)
        except DailyMedError as error:
            report.outcomes.append(ProductOutcome(key, FAILED, str(error)))
            continue
        if versions is None:
            report.outcomes.append(ProductOutcome(key, NOT_CHECKED, "not in the saved answers"))
            continue
        report.outcomes.append(compare(key, label, versions))
    with transaction.atomic():
        report.check = LabelCheck.objects.create(
            source=source[:300],
            outcomes={o.product: o.to_dict() for o in report.outcomes},
            changed=sum(o.state == CHANGED for o in report.outcomes),
            failed=len(report.failed) + len(report.problems),
        )
        for outcome in report.outcomes:
            if outcome.state == CHANGED:
                report.new_changes += _record_changes(outcome, report.check)
        if report.new_changes:
            _email_leads(report)
    return report


def _record_changes(outcome: ProductOutcome, check: LabelCheck) -> list[LabelChange]:
    label = PRODUCTS[outcome.product].label
    created = []
    for version in outcome.versions:
        change, new = LabelChange.objects.get_or_create(
            product=outcome.product,
            set_id=version.set_id,
            current_version=version.spl_version,
            defaults={
                "label_name": label.name[:200],
                "recorded_version": label.spl_version,
                "recorded_revised": label.revised,
                "current_published": version.published,
                "title": version.title[:300],
                "url": label_url(version.set_id),
                "summary": _change_summary(label, version)[:300],
                "label_check": check,
            },
        )
        if new:
            created.append(change)
    return created


def lead_addresses() -> list[str]:
    leads = get_user_model().objects.filter(groups__name=LEAD_GROUP, is_active=True)
    return sorted({email for email in leads.values_list("email", flat=True) if email})


def _email_leads(report: LabelWatchReport) -> None:
    recipients = lead_addresses()
    if not recipients:
        logger.warning(
            "%d label change(s) found and no active lead has an email address; they wait on "
            "the dashboard",
            len(report.new_changes),
        )
        return
    queue_email(
        "label_changed",
        recipients,
        context={
            "changes": report.new_changes,
            "dashboard_url": settings.SITE_URL + reverse("admin:screening_case_dashboard"),
        },
        key=f"label_changed:{report.check.pk}",
    )


def check_labels_live() -> LabelWatchReport:
    """What the weekly beat task runs: every label against DailyMed's web services."""
    client = DailyMedClient(settings.DAILYMED_BASE_URL, timeout=settings.DAILYMED_TIMEOUT)
    return check_labels(live_lookup(client), settings.DAILYMED_BASE_URL)


def check_labels_saved(files: list[tuple[str, Any]]) -> LabelWatchReport:
    """Every label against saved DailyMed answers: [(name, text)] as read from files."""
    saved = SavedAnswers()
    for name, text in files:
        saved.add(text, name)
    source = "saved answers: " + ", ".join(name for name, _text in files)
    return check_labels(saved.lookup, source, problems=saved.problems)
