"""Screening a stored case: run the rules on its profile and keep the result as a ScreeningRun.

`screen_case` is what the Celery task calls. It is idempotent: the run is keyed by case,
ruleset version and profile hash, so a second delivery of the same task stores nothing new.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

from django.db import IntegrityError, connection, transaction
from django.db.models import JSONField, Value
from django.db.models.functions import Cast

from screening.models import Case, ProductVerdict, ScreeningRun
from screening.rules.data.products import PRODUCTS
from screening.rules.engine import screen_patient
from screening.rules.results import ELIGIBLE, NEEDS_REVIEW
from screening.rules.ruleset import RULESET_VERSION


def profile_hash(profile: dict) -> str:
    """sha256 of the profile's canonical JSON: equal profiles hash equal whatever key order."""
    canonical = json.dumps(profile, sort_keys=True, separators=(",", ":"), default=str)
    return hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def encoded_json(text: str):
    """JSON already encoded (screening/rules/encode.py), to store as it is in a JSONField:
    the database reads the text instead of Django and the driver encoding and escaping the
    whole document again (a bulk insert's value)."""
    return Cast(Value(text), output_field=JSONField())


def store_verdict_rows(run_ids: list[int]) -> None:
    """Write the ProductVerdict rows of these runs from their stored `verdicts`, inside the
    database: one INSERT … SELECT over the JSON (PostgreSQL's jsonb_each_text, SQLite's
    json_each), instead of building and sending one row object per run and product."""
    if not run_ids:
        return
    runs_table = connection.ops.quote_name(ScreeningRun._meta.db_table)
    verdicts_table = connection.ops.quote_name(ProductVerdict._meta.db_table)
    if connection.vendor == "postgresql":
        each, where = "CROSS JOIN LATERAL jsonb_each_text(r.verdicts) AS v", "r.id = ANY(%s)"
        params = [list(run_ids)]
    else:  # the ids as one JSON parameter: no limit on the number of bound variables
        each, where = ", json_each(r.verdicts) AS v", "r.id IN (SELECT value FROM json_each(%s))"
        params = [json.dumps(list(run_ids))]
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {verdicts_table} (run_id, case_id, product, verdict) "  # nosec B608
            f"SELECT r.id, r.case_id, v.key, v.value FROM {runs_table} AS r {each} "
            f"WHERE {where}",
            params,
        )


def summarise_verdicts(verdicts: dict[str, str]) -> str:
    """The queue's one-liner, e.g. 'Likely: Kymriah, Besponsa · Review: Blincyto'."""
    likely = [PRODUCTS[key].brand for key, v in verdicts.items() if v == ELIGIBLE]
    review = [PRODUCTS[key].brand for key, v in verdicts.items() if v == NEEDS_REVIEW]
    parts = []
    if likely:
        parts.append("Likely: " + ", ".join(likely))
    if review:
        parts.append("Review: " + ", ".join(review))
    return " · ".join(parts) or "No product likely"


def verdict_changes(before: dict[str, str], after: dict[str, str]) -> dict[str, list[str]]:
    """Product → [old verdict, new verdict] for every product whose verdict changed."""
    return {
        key: [before.get(key), verdict]
        for key, verdict in after.items()
        if before.get(key) != verdict
    }


@dataclass(frozen=True)
class RunOutcome:
    run: ScreeningRun
    created: bool  # False when this exact input had already been screened
    changes: dict[str, list[str]]
    # True when an earlier run of this same input became the case's latest run again.
    reinstated: bool = False

    @property
    def is_new_result(self) -> bool:
        """The case's latest run changed: a new run, or an earlier one reinstated."""
        return self.created or self.reinstated


def _reinstate_run(case: Case, run: ScreeningRun, changes: dict) -> RunOutcome:
    summary = summarise_verdicts(run.verdicts)[:300]
    Case.objects.filter(pk=case.pk).update(latest_run=run, screening_summary=summary)
    case.latest_run, case.screening_summary = run, summary
    return RunOutcome(run, False, changes, reinstated=True)


def store_screening_run(case: Case, *, trigger: str = "submit") -> RunOutcome:
    """Screen the case's stored profile under the current ruleset and store the run.

    Raises `screening.rules.profile.InvalidProfile` if the stored profile cannot be screened.
    Makes the new run the case's latest and refreshes the queue summary, in one transaction.
    """
    digest = profile_hash(case.profile)
    previous = case.latest_run.verdicts if case.latest_run_id else {}
    existing = ScreeningRun.objects.filter(
        case=case, ruleset_version=RULESET_VERSION, profile_hash=digest
    ).first()
    if existing is not None:
        if existing.pk == case.latest_run_id:
            return RunOutcome(existing, False, existing.changes)
        # The profile went back to one screened before under these rules (an amendment
        # withdrawn, say): that run, unique for this input, becomes the latest again.
        return _reinstate_run(case, existing, verdict_changes(previous, existing.verdicts))

    result = screen_patient(case.profile)
    verdicts = result.verdicts()
    changes = verdict_changes(previous, verdicts) if previous else {}
    try:
        with transaction.atomic():
            run = ScreeningRun.objects.create(
                case=case,
                ruleset_version=RULESET_VERSION,
                derivation_version=case.derivation_version,
                profile_hash=digest,
                trigger=trigger,
                results=result.to_dict()["results"],
                verdicts=verdicts,
                changes=changes,
            )
            ProductVerdict.objects.bulk_create(
                ProductVerdict(run=run, case=case, product=key, verdict=verdict)
                for key, verdict in verdicts.items()
            )
            Case.objects.filter(pk=case.pk).update(
                latest_run=run, screening_summary=summarise_verdicts(verdicts)[:300]
            )
    except IntegrityError:
        # Another delivery of the same task stored this run between our read and our write.
        run = ScreeningRun.objects.get(
            case=case, ruleset_version=RULESET_VERSION, profile_hash=digest
        )
        return RunOutcome(run, False, run.changes)
    case.latest_run = run
    case.screening_summary = summarise_verdicts(verdicts)[:300]
    return RunOutcome(run, True, changes)
