"""A study record as the matcher reads it: plain, immutable data, whatever its source.

The importer builds one from a ClinicalTrials.gov v2 study (`ctgov.parse_study`); the stored
catalogue builds the same from its database rows, so matching gives one answer for both.
"""

from __future__ import annotations

from dataclasses import dataclass, field

OPEN_STATUSES = frozenset({"RECRUITING", "NOT_YET_RECRUITING"})


@dataclass(frozen=True, slots=True)
class Intervention:
    type: str
    name: str
    other_names: tuple[str, ...] = ()
    description: str = ""


@dataclass(frozen=True, slots=True)
class Site:
    facility: str
    city: str
    country: str
    # ISO 3166-1 alpha-2, filled by whoever knows how to read country names; "" = unknown.
    country_code: str = ""
    status: str = ""  # the site's recruitment status; often absent ("")

    @property
    def is_open(self) -> bool:
        """Open unless the registry says otherwise: most records give no site status."""
        return not self.status or self.status in OPEN_STATUSES


class RegistryNames:
    """The title to show and the registry page of a study: for a record read from the registry
    and for the row stored from it (screening.models.Trial) alike."""

    __slots__ = ()

    @property
    def display_title(self) -> str:
        return self.title or self.official_title or self.nct_id

    @property
    def registry_url(self) -> str:
        return f"https://clinicaltrials.gov/study/{self.nct_id}"


@dataclass(frozen=True, slots=True)
class StudyRecord(RegistryNames):
    nct_id: str
    title: str = ""
    official_title: str = ""
    acronym: str = ""
    overall_status: str = ""
    last_known_status: str = ""
    why_stopped: str = ""
    study_type: str = ""
    phases: tuple[str, ...] = ()
    conditions: tuple[str, ...] = ()
    keywords: tuple[str, ...] = ()
    browse_terms: tuple[str, ...] = ()  # MeSH terms of the conditions (derivedSection)
    interventions: tuple[Intervention, ...] = ()
    minimum_age: str | None = None
    maximum_age: str | None = None
    sex: str = "ALL"
    healthy_volunteers: bool | None = None
    eligibility_text: str = ""
    sponsor: str = ""
    sponsor_class: str = ""
    collaborators: tuple[str, ...] = ()
    last_update: str = ""  # YYYY-MM-DD or YYYY-MM, as the registry gives it
    sites: tuple[Site, ...] = field(default=())

    @property
    def is_open(self) -> bool:
        return self.overall_status in OPEN_STATUSES
