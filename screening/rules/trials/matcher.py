"""Matching a person against a catalogue of trials: a verdict per trial, criterion by criterion.

`compile_trial` reads a `StudyRecord` once (conditions → diagnoses, age limits, category,
eligibility bullets → findings); `Catalogue` keeps the compiled trials bucketed by the
diagnoses they may take, so a person is only evaluated against trials their diagnosis does not
already rule out. `match` is pure and never raises.

Verdicts: `not_eligible` when a structured criterion or a recognised bullet is contradicted,
`needs_review` when any of them is unknown, otherwise `eligible` (shown as "possible match": a
trial team decides eligibility). Bullets Navigator does not recognise are listed "for the trial
team to assess" and never change the verdict: almost every trial has some, and letting them
hold every trial at needs_review would hide the real differences between trials.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..vocabulary import DIAGNOSES, PRIOR_THERAPIES
from .ages import parse_age
from .category import derive_category, derive_targets
from .conditions import map_conditions
from .eligibility import Bullet, split_criteria
from .findings import Finding
from .recognise import recognise
from .record import StudyRecord
from .structured import (
    AgeCriterion,
    DiagnosisCriterion,
    MatchInput,
    SexCriterion,
    SiteCriterion,
    StatusCriterion,
)

ELIGIBLE, NEEDS_REVIEW, NOT_ELIGIBLE = "eligible", "needs_review", "not_eligible"
MET, NOT_MET, UNKNOWN = "met", "not_met", "unknown"
FOR_TRIAL_TEAM = "for_trial_team"
TRIAL_TEAM_TEXT = "Navigator does not read this criterion: for the trial team to assess."
TRIAL_NOTICE = (
    "Trials are listed from the public registry (ClinicalTrials.gov) as information, not "
    "medical advice: a trial's own team decides who can take part."
)
_RANK = {ELIGIBLE: 0, NEEDS_REVIEW: 1, NOT_ELIGIBLE: 2}


def _matcher_version() -> str:
    """A hash of this package's code and the treatment vocabulary: any change to how trials
    are read or matched gives a new version, and stored matches are redone."""
    digest = hashlib.sha256()
    for path in sorted(Path(__file__).parent.glob("*.py")):
        digest.update(path.read_bytes())
    digest.update(" ".join(sorted(PRIOR_THERAPIES)).encode())
    return digest.hexdigest()[:12]


MATCHER_VERSION = _matcher_version()


@dataclass(frozen=True, slots=True)
class CompiledTrial:
    record: StudyRecord
    category: str
    targets: tuple[str, ...]
    diagnosis: DiagnosisCriterion
    structured: tuple  # recruitment, age, sex, sites (diagnosis is the gate, kept apart)
    findings: tuple[Finding, ...]
    for_trial_team: tuple[Bullet, ...]
    # The structured criteria for the verdict-only path: recruitment and sites first (the
    # Catalogue may skip those two when its index already settles them), then age and sex.
    fast_order: tuple = ()

    @property
    def nct_id(self) -> str:
        return self.record.nct_id


def compile_trial(record: StudyRecord) -> CompiledTrial:
    targets = derive_targets(record)
    structured_bounds = (
        parse_age(record.minimum_age)[0] is not None,
        parse_age(record.maximum_age)[0] is not None,
    )
    findings: list[Finding] = []
    left: list[Bullet] = []
    for bullet in split_criteria(record.eligibility_text):
        found, leftover = recognise(bullet, targets=targets, structured=structured_bounds)
        findings += found
        if leftover:
            left.append(bullet)
    recruitment = StatusCriterion(record.overall_status, record.last_known_status)
    age = AgeCriterion(record.minimum_age, record.maximum_age)
    sex = SexCriterion(record.sex)
    sites = SiteCriterion(record.sites)
    return CompiledTrial(
        record=record,
        category=derive_category(record),
        targets=targets,
        diagnosis=DiagnosisCriterion(map_conditions(record.conditions, record.browse_terms)),
        structured=(recruitment, age, sex, sites),
        findings=tuple(findings),
        for_trial_team=tuple(left),
        fast_order=(recruitment, sites, age, sex),
    )


@dataclass(slots=True)
class TrialResult:
    trial: CompiledTrial
    verdict: str
    outcomes: tuple  # ((criterion, outcome), ...), structured first, then the findings
    person: MatchInput

    @property
    def nct_id(self) -> str:
        return self.trial.nct_id

    def criteria(self) -> list[dict[str, Any]]:
        profile_reader = self.person.profile
        rows = []
        for criterion, outcome in self.outcomes:
            if isinstance(criterion, Finding):
                explanation = criterion.explain(profile_reader, outcome)
            else:
                explanation = criterion.explain(self.person, outcome)
            rows.append(
                {
                    "name": criterion.name,
                    "section": criterion.section,
                    "outcome": outcome,
                    "explanation": explanation,
                    "source": criterion.source,
                }
            )
        if len(self.outcomes) > 1 or self.verdict != NOT_ELIGIBLE:
            rows += [
                {
                    "name": "for the trial team",
                    "section": bullet.section or "unsectioned",
                    "outcome": FOR_TRIAL_TEAM,
                    "explanation": TRIAL_TEAM_TEXT,
                    "source": bullet.source,
                }
                for bullet in self.trial.for_trial_team
            ]
        return rows

    def to_dict(self) -> dict[str, Any]:
        return {"nct_id": self.nct_id, "verdict": self.verdict, "criteria": self.criteria()}


def _evaluate(trial: CompiledTrial, gate: str, person: MatchInput) -> TrialResult:
    outcomes = [(trial.diagnosis, gate)]
    verdict = {MET: ELIGIBLE, UNKNOWN: NEEDS_REVIEW}.get(gate, NOT_ELIGIBLE)
    for criterion in trial.structured:
        outcome = criterion.evaluate(person)
        outcomes.append((criterion, outcome))
        if outcome == NOT_MET:
            verdict = NOT_ELIGIBLE
        elif outcome == UNKNOWN and verdict == ELIGIBLE:
            verdict = NEEDS_REVIEW
    profile = person.profile
    for finding in trial.findings:
        outcome = finding.evaluate(profile)
        outcomes.append((finding, outcome))
        if outcome == NOT_MET:
            verdict = NOT_ELIGIBLE
        elif outcome == UNKNOWN and verdict == ELIGIBLE:
            verdict = NEEDS_REVIEW
    return TrialResult(trial, verdict, tuple(outcomes), person)


def _verdict(trial: CompiledTrial, gate: str, person: MatchInput, check_sites: bool) -> str:
    """The verdict of an open trial alone, stopping at the first criterion not met
    (re-matching's hot path; recruitment is known, the sites often are)."""
    verdict = NEEDS_REVIEW if gate == UNKNOWN else ELIGIBLE
    for criterion in trial.fast_order if check_sites else trial.fast_order[2:]:
        outcome = criterion.evaluate(person)
        if outcome == NOT_MET:
            return NOT_ELIGIBLE
        if outcome == UNKNOWN:
            verdict = NEEDS_REVIEW
    profile = person.profile
    for finding in trial.findings:
        outcome = finding.evaluate(profile)
        if outcome == NOT_MET:
            return NOT_ELIGIBLE
        if outcome == UNKNOWN:
            verdict = NEEDS_REVIEW
    return verdict


class _Bucket:
    """The open trials one diagnosis does not rule out, indexed by the countries of their
    open sites; `anywhere` holds those whose sites cannot rule anyone out (none listed, or a
    country that could not be read)."""

    __slots__ = ("by_country", "anywhere", "every")

    def __init__(self):
        self.by_country: dict[str, list] = {}
        self.anywhere: list = []
        self.every: list = []

    def add(self, trial: CompiledTrial, gate: str) -> None:
        # (trial, gate, whether the sites still need checking): a trial found through one of
        # the person's countries has a site there, so only `anywhere` trials are checked.
        self.every.append((trial, gate, True))
        sites = trial.structured[3]
        if not sites.sites or any(s.is_open and not s.country_code for s in sites.sites):
            self.anywhere.append((trial, gate, True))
        else:
            for code in sites.open_codes:
                self.by_country.setdefault(code, []).append((trial, gate, False))

    def candidates(self, countries: frozenset[str]) -> list:
        if not countries:
            return self.every
        if len(countries) == 1:
            (code,) = countries
            return self.anywhere + self.by_country.get(code, [])
        seen: dict[str, tuple] = {}
        for code in countries:
            for entry in self.by_country.get(code, ()):
                seen[entry[0].nct_id] = entry
        return self.anywhere + list(seen.values())


class Catalogue:
    """Compiled trials, bucketed by the diagnoses each may take."""

    def __init__(self, trials):
        self.trials: tuple[CompiledTrial, ...] = tuple(sorted(trials, key=lambda t: t.nct_id))
        self._buckets: dict[str | None, list[tuple[CompiledTrial, str]]] = {}
        self._open: dict[str | None, _Bucket] = {}
        for diagnosis in (*DIAGNOSES, None):
            bucket = []
            open_bucket = _Bucket()
            for trial in self.trials:
                gate = trial.diagnosis.coverage.outcome(diagnosis)
                if gate != NOT_MET:
                    bucket.append((trial, gate))
                    if trial.record.is_open:
                        open_bucket.add(trial, gate)
            self._buckets[diagnosis] = bucket
            self._open[diagnosis] = open_bucket

    def __len__(self) -> int:
        return len(self.trials)

    def candidates(self, diagnosis: str | None) -> list[tuple[CompiledTrial, str]]:
        return self._buckets.get(diagnosis, self._buckets[None])

    def match(self, person: MatchInput, *, include_not_eligible: bool = False) -> list[TrialResult]:
        """Every trial the person's diagnosis does not rule out, possible matches first; with
        include_not_eligible, every trial (those ruled out by diagnosis with that one reason)."""
        results = [
            _evaluate(trial, gate, person)
            for trial, gate in self.candidates(person.profile.diagnosis)
        ]
        if not include_not_eligible:
            results = [r for r in results if r.verdict != NOT_ELIGIBLE]
        else:
            seen = {r.nct_id for r in results}
            results += [
                TrialResult(t, NOT_ELIGIBLE, ((t.diagnosis, NOT_MET),), person)
                for t in self.trials
                if t.nct_id not in seen
            ]
        results.sort(key=lambda r: (_RANK[r.verdict], r.nct_id))
        return results

    def verdicts(self, person: MatchInput) -> dict[str, str]:
        """nct_id → verdict for the trials that match or need review (the stored form)."""
        out = {}
        bucket = self._open.get(person.profile.diagnosis, self._open[None])
        for trial, gate, check_sites in bucket.candidates(person.countries):
            verdict = _verdict(trial, gate, person, check_sites)
            if verdict != NOT_ELIGIBLE:
                out[trial.nct_id] = verdict
        return out


def match_trial(trial: CompiledTrial, person: MatchInput) -> TrialResult:
    """One trial, fully evaluated (every criterion, whatever the diagnosis)."""
    gate = trial.diagnosis.coverage.outcome(person.profile.diagnosis)
    return _evaluate(trial, gate, person)
