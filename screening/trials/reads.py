"""What people read about a case's trials: the case file's Trials section, the patient's
status page, and the screening summary (email).

Each read is two queries whatever the number of trials (the matches with their trials, then
their sites). The criteria shown are worked out again from the stored study and the case's
profile (pure and deterministic), so every verdict on a page carries its reasons and the text
each came from; the stored matches decide which trials are listed.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

from screening.models import Case, TrialMatch
from screening.rules.trials import (
    ELIGIBLE,
    FOR_TRIAL_TEAM,
    NEEDS_REVIEW,
    NOT_ELIGIBLE,
    OPEN_STATUSES,
    TRIAL_NOTICE,
    match_trial,
)
from screening.rules.trials.structured import STATUS_WORDS
from screening.trials.countries import country_name
from screening.trials.matching import compiled_trial, match_input

VERDICT_TEXT = {ELIGIBLE: _("Possible match"), NEEDS_REVIEW: _("Needs review")}
OUTCOME_TEXT = {
    "met": _("Met"),
    "not_met": _("Not met"),
    "unknown": _("Unknown"),
    FOR_TRIAL_TEAM: _("For the trial team"),
}
PATIENT_NOTE = _(
    "These research studies (clinical trials) might be worth asking about. Only a trial's own "
    "team can decide whether someone can take part, and Navigator does not enrol anyone. Talk "
    "to your treating doctor before contacting a trial."
)
# The rules' words for a trial's kind and recruitment status (screening/rules/trials/), as the
# catalogues know them, so the status page gives them in the person's language; the English
# stays the rules' own (tests/i18n keeps the keys in step).
CATEGORY_WORDS = {
    "crispr_autologous": _("CRISPR-edited autologous"),
    "allogeneic": _("Allogeneic (off-the-shelf)"),
    "cd7": _("CD7"),
    "dual_target": _("Dual-target"),
    "bcma": _("BCMA"),
    "gprc5d": _("GPRC5D"),
    "car_nk": _("CAR-NK"),
    "other": _("Other"),
}
RECRUITMENT_WORDS = {
    "RECRUITING": _("recruiting"),
    "NOT_YET_RECRUITING": _("not yet recruiting"),
    "ACTIVE_NOT_RECRUITING": _("active, not recruiting"),
    "COMPLETED": _("completed"),
    "ENROLLING_BY_INVITATION": _("enrolling by invitation only"),
    "SUSPENDED": _("suspended"),
    "TERMINATED": _("terminated"),
    "WITHDRAWN": _("withdrawn"),
    "UNKNOWN": _("of unknown status (not verified recently)"),
}


def _recruitment(status: str) -> str:
    if status in RECRUITMENT_WORDS:
        return str(RECRUITMENT_WORDS[status])
    return STATUS_WORDS.get(status, status.lower().replace("_", " "))


PHASE_WORDS = {"EARLY_PHASE1": "early phase 1", "NA": "n/a"}


@dataclass
class SiteLine:
    facility: str
    city: str
    country: str
    status: str
    tier: int  # 0 the person's country, 1 a country they would travel to, 2 elsewhere


@dataclass
class TrialLine:
    nct_id: str
    title: str
    category: str
    status: str
    is_open: bool
    phases: str
    sponsor: str
    verdict: str
    verdict_text: str
    registry_url: str
    criteria: list[dict] = field(default_factory=list)
    for_trial_team: list[dict] = field(default_factory=list)
    sites: list[SiteLine] = field(default_factory=list)

    @property
    def nearest_sites(self) -> list[SiteLine]:
        return self.sites[:3]

    @property
    def places(self) -> str:
        """'Houston, Chicago (United States)': the nearest open sites, in plain words."""
        by_country: dict[str, list[str]] = {}
        for site in self.sites[:4]:
            by_country.setdefault(site.country or "?", []).append(site.city or site.facility)
        return "; ".join(f"{', '.join(cities)} ({c})" for c, cities in by_country.items())


@dataclass
class CaseTrials:
    matching: list[TrialLine]
    review: list[TrialLine]
    countries: list[str]  # where the person lives, then where they would travel
    checked: bool  # matched at least once
    notice: str = TRIAL_NOTICE

    @property
    def count(self) -> int:
        return len(self.matching) + len(self.review)


def _ordered_sites(trial, home: str, travel: frozenset[str]) -> list[SiteLine]:
    lines = []
    for site in trial.sites.all():
        code = site.country_code
        tier = 0 if code and code == home else 1 if code in travel else 2
        is_open = not site.status or site.status in OPEN_STATUSES
        lines.append(
            (
                (tier, not is_open, site.country, site.city),
                SiteLine(
                    site.facility,
                    site.city,
                    site.country,
                    _recruitment(site.status),
                    tier,
                ),
            )
        )
    return [line for _key, line in sorted(lines, key=lambda pair: pair[0])]


def _phases(phases: list[str]) -> str:
    return ", ".join(PHASE_WORDS.get(p, p.replace("PHASE", "phase ")) for p in phases)


def _lines(case: Case, matches, *, with_criteria: bool) -> tuple[list, list]:
    person = match_input(case.profile, case.country, case.travel_countries)
    travel = frozenset(case.travel_countries or ())
    matching, review = [], []
    for match in matches:
        trial = match.trial
        verdict = match.verdict
        criteria, left = [], []
        if person is not None:
            result = match_trial(compiled_trial(trial), person)
            if result.verdict == NOT_ELIGIBLE:
                continue  # the catalogue changed and re-matching has not reached this case yet
            verdict = result.verdict
            if with_criteria:
                for row in result.criteria():
                    row["outcome_text"] = OUTCOME_TEXT.get(row["outcome"], row["outcome"])
                    (left if row["outcome"] == FOR_TRIAL_TEAM else criteria).append(row)
        line = TrialLine(
            nct_id=trial.nct_id,
            title=trial.display_title,
            category=str(CATEGORY_WORDS.get(trial.category, trial.category)),
            status=_recruitment(trial.overall_status),
            is_open=trial.overall_status in OPEN_STATUSES,
            phases=_phases(trial.phases),
            sponsor=trial.sponsor,
            verdict=verdict,
            verdict_text=str(VERDICT_TEXT[verdict]),
            registry_url=trial.registry_url,
            criteria=criteria,
            for_trial_team=left,
            sites=_ordered_sites(trial, case.country, travel),
        )
        (matching if verdict == ELIGIBLE else review).append(line)
    order = lambda line: (not line.is_open, line.nct_id)  # noqa: E731
    return sorted(matching, key=order), sorted(review, key=order)


def _matches(case: Case, *, open_only: bool):
    matches = TrialMatch.objects.filter(case=case).select_related("trial")
    if open_only:
        matches = matches.filter(trial__overall_status__in=OPEN_STATUSES)
    return matches.prefetch_related("trial__sites").order_by("trial__nct_id")


def case_trials(case: Case) -> CaseTrials:
    """The case file's Trials section: possible matches and trials needing review, each with
    its criteria and the sites nearest the person's country first."""
    matching, review = _lines(case, _matches(case, open_only=False), with_criteria=True)
    countries = [country_name(case.country)] if case.country else []
    countries += [country_name(code) for code in case.travel_countries or ()]
    return CaseTrials(matching, review, countries, checked=bool(case.trials_matched_version))


@dataclass
class PatientTrials:
    trials: list[TrialLine]
    checked: bool  # matched at least once (otherwise the list is not ready yet)
    # In the language of the page that asks (not frozen at import, in English).
    note: str = field(default_factory=lambda: str(PATIENT_NOTE))


def patient_trials(case: Case) -> PatientTrials:
    """Recruiting trials that match or need review, for the person's own status page."""
    matching, review = _lines(case, _matches(case, open_only=True), with_criteria=False)
    return PatientTrials(matching + review, checked=bool(case.trials_matched_version))


def summary_trials(case: Case) -> PatientTrials:
    """The same list for the screening summary email (its wording is the status page's)."""
    return patient_trials(case)
