"""Matching cases against the trial catalogue and keeping the stored matches current.

The catalogue version is the matcher's code version plus a hash of every stored study's
content: any import that changes a study, and any change to how trials are read, gives a new
version. A case records the version it was matched against; open cases on an older version are
re-matched in batches (`rematch_open_cases`, after every import that changed something and
hourly from beat). Only trials that match or need review are stored (`TrialMatch`); a trial
that newly matches a case while recruiting adds one timeline event naming the new trials.

Each worker process compiles the catalogue once per version and keeps it.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass, field

from django.conf import settings
from django.db import transaction

from screening.jobs import enqueue
from screening.models import Case, CaseEvent, EventKind, Trial, TrialMatch
from screening.models.case import OPEN_STATUSES as OPEN_CASE_STATUSES
from screening.rules.profile import InvalidProfile, validate_patient
from screening.rules.trials import (
    ELIGIBLE,
    MATCHER_VERSION,
    OPEN_STATUSES,
    Catalogue,
    CompiledTrial,
    Intervention,
    MatchInput,
    Site,
    StudyRecord,
    compile_trial,
)

logger = logging.getLogger(__name__)
VERDICT_WORDS = {ELIGIBLE: "possible match", "needs_review": "needs review"}


def catalogue_version() -> str:
    """MATCHER_VERSION + a hash of every study's row and content (one narrow query)."""
    digest = hashlib.sha256()
    # The row id is part of it: stored matches point at rows, and a process keeps the compiled
    # catalogue (with its ids) by this version.
    rows = Trial.objects.order_by("nct_id").values_list("pk", "nct_id", "content_hash")
    for pk, nct_id, content in rows:
        digest.update(f"{pk}:{nct_id}:{content};".encode())
    return f"{MATCHER_VERSION}-{digest.hexdigest()[:16]}"


def study_record(trial: Trial) -> StudyRecord:
    """The stored study as the matcher reads it (sites must be prefetched)."""
    return StudyRecord(
        nct_id=trial.nct_id,
        title=trial.title,
        official_title=trial.official_title,
        acronym=trial.acronym,
        overall_status=trial.overall_status,
        last_known_status=trial.last_known_status,
        study_type=trial.study_type,
        phases=tuple(trial.phases),
        conditions=tuple(trial.conditions),
        keywords=tuple(trial.keywords),
        browse_terms=tuple(trial.browse_terms),
        interventions=tuple(
            Intervention(
                i["type"], i["name"], tuple(i.get("other_names", ())), i.get("description", "")
            )
            for i in trial.interventions
        ),
        minimum_age=trial.minimum_age or None,
        maximum_age=trial.maximum_age or None,
        sex=trial.sex,
        healthy_volunteers=trial.healthy_volunteers,
        eligibility_text=trial.eligibility_text,
        sponsor=trial.sponsor,
        last_update=trial.last_update,
        sites=tuple(
            Site(s.facility, s.city, s.country, s.country_code, s.status) for s in trial.sites.all()
        ),
    )


_COMPILED: dict[tuple[str, str], CompiledTrial] = {}
_COMPILED_LIMIT = 20_000


def compiled_trial(trial: Trial) -> CompiledTrial:
    """One stored trial compiled, cached by its content (sites must be prefetched)."""
    key = (trial.nct_id, trial.content_hash)
    compiled = _COMPILED.get(key)
    if compiled is None:
        if len(_COMPILED) >= _COMPILED_LIMIT:
            _COMPILED.clear()
        compiled = _COMPILED[key] = compile_trial(study_record(trial))
    return compiled


@dataclass
class LoadedCatalogue:
    version: str
    catalogue: Catalogue
    pks: dict[str, int]  # nct_id -> Trial pk
    open_ids: frozenset[str]  # recruiting or not yet recruiting


_LOADED: dict[str, LoadedCatalogue] = {}


def load_catalogue() -> LoadedCatalogue:
    """The compiled catalogue at its current version (compiled once per version per process)."""
    version = catalogue_version()
    loaded = _LOADED.get(version)
    if loaded is None:
        trials = list(Trial.objects.prefetch_related("sites"))
        loaded = LoadedCatalogue(
            version=version,
            catalogue=Catalogue(compiled_trial(t) for t in trials),
            pks={t.nct_id: t.pk for t in trials},
            open_ids=frozenset(t.nct_id for t in trials if t.overall_status in OPEN_STATUSES),
        )
        _LOADED.clear()
        _LOADED[version] = loaded
    return loaded


def match_input(profile: dict, country: str | None, travel_countries) -> MatchInput | None:
    """The matcher's view of a person; None when the profile cannot be read."""
    try:
        checked = validate_patient(profile)
    except InvalidProfile:
        return None
    return MatchInput(checked, country or None, frozenset(c for c in travel_countries or () if c))


@dataclass
class MatchReport:
    matched: int = 0
    unreadable: int = 0
    created: int = 0
    updated: int = 0
    removed: int = 0
    events: int = 0
    case_ids: list[int] = field(default_factory=list)

    def __str__(self) -> str:
        return (
            f"{self.matched} case(s) matched ({self.unreadable} unreadable): {self.created} new "
            f"match(es), {self.updated} changed, {self.removed} removed, {self.events} event(s)"
        )


def match_cases(
    case_ids, loaded: LoadedCatalogue | None = None, *, force: bool = False
) -> MatchReport:
    """Match these cases against the current catalogue and store what changed.

    Safe to run twice or concurrently: the stored rows are re-read and diffed inside the
    write transaction, and a case already on this version is skipped unless `force` (its
    profile or countries changed: a new screening run).
    """
    loaded = loaded or load_catalogue()
    report = MatchReport()
    cases = Case.objects.filter(pk__in=list(case_ids))
    if not force:
        cases = cases.exclude(trials_matched_version=loaded.version)
    cases = list(cases.only("pk", "profile", "country", "travel_countries"))
    wanted: dict[int, dict[int, str]] = {}
    for case in cases:
        person = match_input(case.profile, case.country, case.travel_countries)
        if person is None:
            report.unreadable += 1
            wanted[case.pk] = {}
            continue
        wanted[case.pk] = {
            loaded.pks[nct_id]: verdict
            for nct_id, verdict in loaded.catalogue.verdicts(person).items()
        }
    if not cases:
        return report
    nct_of = {pk: nct_id for nct_id, pk in loaded.pks.items()}
    with transaction.atomic():
        existing: dict[int, dict[int, tuple[int, str]]] = {pk: {} for pk in wanted}
        for row_id, case_id, trial_id, verdict in TrialMatch.objects.filter(
            case_id__in=list(wanted)
        ).values_list("id", "case_id", "trial_id", "verdict"):
            existing[case_id][trial_id] = (row_id, verdict)
        create, update, remove, events = [], [], [], []
        for case in cases:
            now_matching = wanted[case.pk]
            before = existing[case.pk]
            for trial_id, verdict in now_matching.items():
                if trial_id not in before:
                    create.append(TrialMatch(case_id=case.pk, trial_id=trial_id, verdict=verdict))
                elif before[trial_id][1] != verdict:
                    update.append(TrialMatch(id=before[trial_id][0], verdict=verdict))
            remove += [
                row_id for trial_id, (row_id, _v) in before.items() if trial_id not in now_matching
            ]
            new_open = sorted(
                (nct_of[t], v)
                for t, v in now_matching.items()
                if t not in before and nct_of[t] in loaded.open_ids
            )
            if new_open:
                events.append(_new_trials_event(case, new_open))
        TrialMatch.objects.bulk_create(create, ignore_conflicts=True)
        TrialMatch.objects.bulk_update(update, ["verdict"])
        TrialMatch.objects.filter(id__in=remove).delete()
        CaseEvent.objects.bulk_create(events)
        Case.objects.filter(pk__in=[c.pk for c in cases]).update(
            trials_matched_version=loaded.version
        )
    report.matched = len(cases)
    report.created, report.updated, report.removed = len(create), len(update), len(remove)
    report.events = len(events)
    report.case_ids = [c.pk for c in cases]
    return report


def _new_trials_event(case: Case, new_open: list[tuple[str, str]]) -> CaseEvent:
    shown = ", ".join(f"{nct_id} ({VERDICT_WORDS[v]})" for nct_id, v in new_open[:8])
    more = f" and {len(new_open) - 8} more" if len(new_open) > 8 else ""
    return CaseEvent(
        case_id=case.pk,
        kind=EventKind.TRIALS_MATCHED,
        message=f"Newly matching recruiting trial(s): {shown}{more}"[:500],
        data={"trials": [nct_id for nct_id, _v in new_open], "count": len(new_open)},
    )


def cases_to_rematch(version: str):
    return (
        Case.objects.filter(status__in=OPEN_CASE_STATUSES)
        .exclude(trials_matched_version=version)
        .order_by("pk")
    )


def rematch_open_cases(batch_size: int | None = None) -> int:
    """Enqueue a matching task for every batch of open cases not on the current version."""
    batch_size = batch_size or settings.TRIAL_REMATCH_BATCH
    version = catalogue_version()
    ids = list(cases_to_rematch(version).values_list("pk", flat=True))
    for start in range(0, len(ids), batch_size):
        enqueue("screening.match_trials_batch_task", *ids[start : start + batch_size])
    return len(ids)


def request_case_matching(case_id: int) -> None:
    """Match one case after a screening run, whatever its version (on commit)."""
    enqueue("screening.match_case_trials_task", case_id)


def request_rematch() -> None:
    """Re-match open cases after the catalogue changed (on commit)."""
    enqueue("screening.rematch_trials_task")


def _countries(value, field_name: str, errors: list[str]) -> list[str]:
    from screening.trials.countries import country_code

    codes = []
    for item in value:
        code = country_code(item) if isinstance(item, str) else ""
        if not code:
            errors.append(f"{field_name}: {item!r} is not a country (an ISO code or a name)")
        codes.append(code)
    return codes


def match_case_document(case, loaded: LoadedCatalogue) -> dict:
    """One `{"id", "patient", "country"?, "travel_countries"?}` → `{"id", "trials"}` (every
    trial of the catalogue) or, when invalid, `{"id", "errors", "trials": []}`."""
    if not isinstance(case, dict):
        return {"id": None, "errors": ["case: expected an object with a 'patient'"], "trials": []}
    errors: list[str] = []
    case_id = case.get("id")
    try:
        profile = validate_patient(case.get("patient"))
    except InvalidProfile as invalid:
        errors += [f"patient.{error}" for error in invalid.errors]
    country = case.get("country")
    travel = case.get("travel_countries") or []
    if country is not None and not isinstance(country, str):
        errors.append("country: expected an ISO code or a country name")
        country = None
    if not isinstance(travel, list):
        errors.append("travel_countries: expected a list of ISO codes or country names")
        travel = []
    home = _countries([country], "country", errors)[0] if country else None
    away = _countries(travel, "travel_countries", errors)
    if errors:
        return {"id": case_id, "errors": errors, "trials": []}
    person = MatchInput(profile, home, frozenset(away))
    results = loaded.catalogue.match(person, include_not_eligible=True)
    return {"id": case_id, "trials": [result.to_dict() for result in results]}
