"""Filling the trial catalogue from a saved v2 export or from the registry itself.

Every study is upserted by NCT id in its own transaction, so a record that cannot be read is
skipped (and reported) with nothing of it written, and the others still land. The content hash
of what is stored decides whether an import changes anything: importing the same export twice
creates and updates nothing the second time. A study that stops recruiting keeps its row: its
status changes and `recruiting_ended_at` is set.

`refresh_recruiting_trials` (weekly, from beat) reads the recruiting set, then asks the
registry about every study still open in the catalogue that the set no longer contains, so one
that closed is marked rather than left "recruiting" forever.
"""

from __future__ import annotations

import hashlib
import json
import logging
from dataclasses import asdict, dataclass, field
from typing import Any

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from screening.models import Trial, TrialSite
from screening.rules.trials import OPEN_STATUSES, StudyError, StudyRecord, parse_study
from screening.rules.trials.category import derive_category
from screening.rules.trials.conditions import map_conditions
from screening.rules.trials.ctgov import ExportError, age_problems, load_export
from screening.trials.countries import country_code
from screening.trials.registry import RECRUITING_QUERY, RegistryClient, RegistryError

logger = logging.getLogger(__name__)
ID_CHUNK = 100


@dataclass
class ImportReport:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    stopped_recruiting: list[str] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # one message per refused record
    warnings: list[str] = field(default_factory=list)
    aborted: str = ""  # why the import stopped early, if it did
    pages: int = 0

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated)

    def lines(self) -> list[str]:
        lines = [
            f"{len(self.created)} created, {len(self.updated)} updated, "
            f"{len(self.unchanged)} unchanged, {len(self.skipped)} skipped"
            + (
                f", {len(self.stopped_recruiting)} stopped recruiting"
                if self.stopped_recruiting
                else ""
            )
        ]
        lines += [f"stopped recruiting: {nct_id}" for nct_id in self.stopped_recruiting]
        lines += [f"skipped: {message}" for message in self.skipped]
        lines += [f"warning: {message}" for message in self.warnings]
        if self.aborted:
            lines.append(f"stopped early: {self.aborted}")
        return lines


def _fields(record: StudyRecord) -> dict[str, Any]:
    return {
        "title": record.title[:500],
        "official_title": record.official_title,
        "acronym": record.acronym[:100],
        "overall_status": record.overall_status,
        "last_known_status": record.last_known_status,
        "why_stopped": record.why_stopped,
        "study_type": record.study_type,
        "phases": list(record.phases),
        "conditions": list(record.conditions),
        "keywords": list(record.keywords),
        "browse_terms": list(record.browse_terms),
        "interventions": [
            {
                "type": i.type,
                "name": i.name,
                "other_names": list(i.other_names),
                "description": i.description,
            }
            for i in record.interventions
        ],
        "minimum_age": (record.minimum_age or "")[:40],
        "maximum_age": (record.maximum_age or "")[:40],
        "sex": record.sex,
        "healthy_volunteers": record.healthy_volunteers,
        "eligibility_text": record.eligibility_text,
        "sponsor": record.sponsor[:300],
        "sponsor_class": record.sponsor_class,
        "collaborators": list(record.collaborators),
        "last_update": record.last_update[:10],
        "category": derive_category(record),
    }


def _sites(record: StudyRecord) -> list[dict[str, str]]:
    return [
        {
            "facility": s.facility[:300],
            "city": s.city[:100],
            "country": s.country[:100],
            "country_code": country_code(s.country),
            "status": s.status,
        }
        for s in record.sites
    ]


def _digest(fields: dict, sites: list) -> str:
    canonical = json.dumps({"fields": fields, "sites": sites}, sort_keys=True, default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


def _warnings(record: StudyRecord, sites: list[dict]) -> list[str]:
    warnings = age_problems(record)
    coverage = map_conditions(record.conditions, record.browse_terms)
    if coverage.unmapped:
        warnings.append(
            f"{record.nct_id}: conditions not in the diagnosis table: "
            + "; ".join(coverage.unmapped)
        )
    unknown = sorted({s["country"] for s in sites if s["country"] and not s["country_code"]})
    if unknown:
        warnings.append(f"{record.nct_id}: country names not understood: {', '.join(unknown)}")
    return warnings


def upsert_study(raw: Any, report: ImportReport) -> Trial | None:
    """Create or update one study from its v2 object; refused records go to the report."""
    try:
        record = parse_study(raw)
    except StudyError as error:
        report.skipped.append(str(error))
        return None
    fields = _fields(record)
    sites = _sites(record)
    digest = _digest(fields, sites)
    report.warnings += _warnings(record, sites)
    now = timezone.now()
    with transaction.atomic():
        trial = Trial.objects.select_for_update().filter(nct_id=record.nct_id).first()
        if trial is not None and trial.content_hash == digest:
            report.unchanged.append(record.nct_id)
            return trial
        if trial is None:
            trial = Trial(nct_id=record.nct_id, changed_at=now)
            report.created.append(record.nct_id)
            was_open = None
        else:
            report.updated.append(record.nct_id)
            was_open = trial.overall_status in OPEN_STATUSES
        for name, value in fields.items():
            setattr(trial, name, value)
        trial.content_hash = digest
        trial.changed_at = now
        is_open = record.overall_status in OPEN_STATUSES
        if was_open and not is_open:
            trial.recruiting_ended_at = now
            report.stopped_recruiting.append(record.nct_id)
        elif is_open:
            trial.recruiting_ended_at = None
        trial.save()
        trial.sites.all().delete()
        TrialSite.objects.bulk_create(TrialSite(trial=trial, **site) for site in sites)
    return trial


def import_export_text(text: str) -> ImportReport:
    """Import every study of a saved export; an unreadable export imports nothing."""
    report = ImportReport()
    try:
        studies, _token = load_export(text)
    except ExportError as error:
        report.aborted = str(error)
        return report
    for raw in studies:
        upsert_study(raw, report)
    return report


def registry_client() -> RegistryClient:
    return RegistryClient(
        settings.CTGOV_BASE_URL,
        min_interval=settings.CTGOV_MIN_INTERVAL,
        retries=settings.CTGOV_RETRIES,
        timeout=settings.CTGOV_TIMEOUT,
    )


def import_from_registry(
    query: dict[str, str], client: RegistryClient | None = None
) -> ImportReport:
    """Import every study the query returns, page by page. A failure mid-paging stops the
    import with the reason; the studies of earlier pages stay imported, each one whole."""
    client = client or registry_client()
    report = ImportReport()
    try:
        for number, studies in client.pages(query):
            report.pages = number
            for raw in studies:
                upsert_study(raw, report)
    except RegistryError as error:
        report.aborted = f"page {report.pages + 1}: {error}"
    return report


def refresh_recruiting_trials(client: RegistryClient | None = None) -> ImportReport:
    """The weekly refresh: the recruiting set, then every catalogue study still marked open
    that the set did not return, asked for by id, so a closed study is marked closed."""
    client = client or registry_client()
    report = import_from_registry(RECRUITING_QUERY, client)
    if report.aborted:
        return report  # an incomplete set says nothing about what closed
    seen = set(report.created) | set(report.updated) | set(report.unchanged)
    missing = list(
        Trial.objects.filter(overall_status__in=OPEN_STATUSES)
        .exclude(nct_id__in=seen)
        .values_list("nct_id", flat=True)
    )
    for start in range(0, len(missing), ID_CHUNK):
        chunk = missing[start : start + ID_CHUNK]
        follow_up = import_from_registry({"filter.ids": ",".join(chunk)}, client)
        for name, value in asdict(follow_up).items():
            if isinstance(value, list):
                getattr(report, name).extend(value)
        if follow_up.aborted:
            report.aborted = (
                f"checking studies no longer in the recruiting set: {follow_up.aborted}"
            )
            break
        returned = set(follow_up.created) | set(follow_up.updated) | set(follow_up.unchanged)
        report.warnings += [
            f"{nct_id}: no longer returned by the registry; left as it was"
            for nct_id in chunk
            if nct_id not in returned
        ]
    return report
