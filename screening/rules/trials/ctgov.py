"""Reading ClinicalTrials.gov API v2 study objects into `StudyRecord`s (pure, no network).

The registry omits every key that has no data, so every field is optional except the few
without which a record cannot be matched: the NCT id, the overall status, the conditions and
the eligibility module. A record that lacks one, has a value of the wrong type, or uses an enum
value this code does not know is refused whole with a message naming the field: better one
study missing from the catalogue (and reported) than one stored half-read.
"""

from __future__ import annotations

import json
import re
from typing import Any

from .ages import parse_age
from .record import Intervention, Site, StudyRecord

OVERALL_STATUSES = frozenset(
    {
        "ACTIVE_NOT_RECRUITING",
        "COMPLETED",
        "ENROLLING_BY_INVITATION",
        "NOT_YET_RECRUITING",
        "RECRUITING",
        "SUSPENDED",
        "TERMINATED",
        "WITHDRAWN",
        "AVAILABLE",
        "NO_LONGER_AVAILABLE",
        "TEMPORARILY_NOT_AVAILABLE",
        "APPROVED_FOR_MARKETING",
        "WITHHELD",
        "UNKNOWN",
    }
)
PHASES = frozenset({"NA", "EARLY_PHASE1", "PHASE1", "PHASE2", "PHASE3", "PHASE4"})
SEXES = frozenset({"ALL", "FEMALE", "MALE"})
STUDY_TYPES = frozenset({"INTERVENTIONAL", "OBSERVATIONAL", "EXPANDED_ACCESS"})
INTERVENTION_TYPES = frozenset(
    {
        "BEHAVIORAL",
        "BIOLOGICAL",
        "COMBINATION_PRODUCT",
        "DEVICE",
        "DIAGNOSTIC_TEST",
        "DIETARY_SUPPLEMENT",
        "DRUG",
        "GENETIC",
        "PROCEDURE",
        "RADIATION",
        "OTHER",
    }
)
AGENCY_CLASSES = frozenset(
    {"NIH", "FED", "OTHER_GOV", "INDIV", "INDUSTRY", "NETWORK", "AMBIG", "OTHER", "UNKNOWN"}
)
NCT_ID = re.compile(r"^NCT\d{8}$")


class StudyError(ValueError):
    """One study cannot be read; `nct_id` is None when even the id is unreadable."""

    def __init__(self, nct_id: str | None, message: str):
        self.nct_id = nct_id
        self.message = message
        super().__init__(f"{nct_id or 'study without a readable NCT id'}: {message}")


class ExportError(ValueError):
    """The export as a whole cannot be read (not JSON, truncated, not a list of studies)."""


class _Reader:
    def __init__(self, nct_id: str | None):
        self.nct_id = nct_id

    def fail(self, message: str):
        raise StudyError(self.nct_id, message)

    def obj(self, parent: dict, key: str, path: str, *, required: bool = False) -> dict:
        value = parent.get(key)
        if value is None:
            if required:
                self.fail(f"{path} is missing")
            return {}
        if not isinstance(value, dict):
            self.fail(f"{path} should be an object, not {type(value).__name__}")
        return value

    def objects(self, parent: dict, key: str, path: str) -> list[dict]:
        value = parent.get(key)
        if value is None:
            return []
        if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
            self.fail(f"{path} should be a list of objects")
        return value

    def text(self, parent: dict, key: str, path: str, *, required: bool = False) -> str:
        value = parent.get(key)
        if value is None:
            if required:
                self.fail(f"{path} is missing")
            return ""
        if not isinstance(value, str):
            self.fail(f"{path} should be text, not {type(value).__name__}")
        return value.strip()

    def texts(self, parent: dict, key: str, path: str) -> tuple[str, ...]:
        value = parent.get(key)
        if value is None:
            return ()
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self.fail(f"{path} should be a list of text")
        return tuple(v.strip() for v in value if v.strip())

    def enum(self, value: str, allowed: frozenset[str], path: str) -> str:
        if value and value not in allowed:
            self.fail(
                f"{path} has the unknown value {value!r}; known: {', '.join(sorted(allowed))}"
            )
        return value


def parse_study(study: Any) -> StudyRecord:
    """One v2 study object → `StudyRecord`; raises `StudyError` naming what is wrong."""
    if not isinstance(study, dict):
        raise StudyError(None, f"a study should be an object, not {type(study).__name__}")
    protocol = study.get("protocolSection")
    ident = protocol.get("identificationModule") if isinstance(protocol, dict) else None
    raw_id = ident.get("nctId") if isinstance(ident, dict) else None
    nct_id = raw_id.strip() if isinstance(raw_id, str) and NCT_ID.match(raw_id.strip()) else None
    read = _Reader(nct_id)
    if not isinstance(protocol, dict):
        read.fail("protocolSection is missing")
    if not isinstance(ident, dict):
        read.fail("protocolSection.identificationModule is missing")
    if nct_id is None:
        read.fail(f"identificationModule.nctId {raw_id!r} is not an NCT id (NCT + 8 digits)")

    status = read.obj(protocol, "statusModule", "statusModule", required=True)
    overall = read.enum(
        read.text(status, "overallStatus", "statusModule.overallStatus", required=True),
        OVERALL_STATUSES,
        "statusModule.overallStatus",
    )
    last_known = read.enum(
        read.text(status, "lastKnownStatus", "statusModule.lastKnownStatus"),
        OVERALL_STATUSES,
        "statusModule.lastKnownStatus",
    )
    updated = read.obj(status, "lastUpdatePostDateStruct", "statusModule.lastUpdatePostDateStruct")

    conditions_module = read.obj(protocol, "conditionsModule", "conditionsModule", required=True)
    eligibility = read.obj(protocol, "eligibilityModule", "eligibilityModule", required=True)
    design = read.obj(protocol, "designModule", "designModule")
    arms = read.obj(protocol, "armsInterventionsModule", "armsInterventionsModule")
    sponsors = read.obj(protocol, "sponsorCollaboratorsModule", "sponsorCollaboratorsModule")
    contacts = read.obj(protocol, "contactsLocationsModule", "contactsLocationsModule")
    derived = study.get("derivedSection")
    browse = {}
    if isinstance(derived, dict):
        browse = read.obj(derived, "conditionBrowseModule", "derivedSection.conditionBrowseModule")

    phases = read.texts(design, "phases", "designModule.phases")
    for phase in phases:
        read.enum(phase, PHASES, "designModule.phases")
    sex = read.enum(
        read.text(eligibility, "sex", "eligibilityModule.sex"), SEXES, "eligibilityModule.sex"
    )
    healthy = eligibility.get("healthyVolunteers")
    if healthy is not None and not isinstance(healthy, bool):
        read.fail("eligibilityModule.healthyVolunteers should be true or false")
    for key in ("minimumAge", "maximumAge"):
        value = eligibility.get(key)
        if value is not None and not isinstance(value, str):
            read.fail(f"eligibilityModule.{key} should be text such as '18 Years'")

    lead = read.obj(sponsors, "leadSponsor", "sponsorCollaboratorsModule.leadSponsor")
    sponsor_class = read.enum(
        read.text(lead, "class", "leadSponsor.class"), AGENCY_CLASSES, "leadSponsor.class"
    )
    return StudyRecord(
        nct_id=nct_id,
        title=read.text(ident, "briefTitle", "identificationModule.briefTitle"),
        official_title=read.text(ident, "officialTitle", "identificationModule.officialTitle"),
        acronym=read.text(ident, "acronym", "identificationModule.acronym"),
        overall_status=overall,
        last_known_status=last_known,
        why_stopped=read.text(status, "whyStopped", "statusModule.whyStopped"),
        study_type=read.enum(
            read.text(design, "studyType", "designModule.studyType"),
            STUDY_TYPES,
            "designModule.studyType",
        ),
        phases=phases,
        conditions=read.texts(conditions_module, "conditions", "conditionsModule.conditions"),
        keywords=read.texts(conditions_module, "keywords", "conditionsModule.keywords"),
        browse_terms=tuple(
            read.text(mesh, "term", "conditionBrowseModule.meshes[].term")
            for mesh in read.objects(browse, "meshes", "conditionBrowseModule.meshes")
            if mesh.get("term")
        ),
        interventions=tuple(
            _intervention(read, item)
            for item in read.objects(arms, "interventions", "armsInterventionsModule.interventions")
        ),
        minimum_age=eligibility.get("minimumAge"),
        maximum_age=eligibility.get("maximumAge"),
        sex=sex or "ALL",
        healthy_volunteers=healthy,
        eligibility_text=read.text(
            eligibility, "eligibilityCriteria", "eligibilityModule.eligibilityCriteria"
        ),
        sponsor=read.text(lead, "name", "leadSponsor.name"),
        sponsor_class=sponsor_class,
        collaborators=tuple(
            read.text(c, "name", "collaborators[].name")
            for c in read.objects(
                sponsors, "collaborators", "sponsorCollaboratorsModule.collaborators"
            )
            if c.get("name")
        ),
        last_update=read.text(updated, "date", "lastUpdatePostDateStruct.date"),
        sites=tuple(
            _site(read, location)
            for location in read.objects(contacts, "locations", "contactsLocationsModule.locations")
        ),
    )


def _intervention(read: _Reader, item: dict) -> Intervention:
    path = "armsInterventionsModule.interventions[]"
    return Intervention(
        type=read.enum(read.text(item, "type", f"{path}.type"), INTERVENTION_TYPES, f"{path}.type"),
        name=read.text(item, "name", f"{path}.name"),
        other_names=read.texts(item, "otherNames", f"{path}.otherNames"),
        description=read.text(item, "description", f"{path}.description"),
    )


def _site(read: _Reader, location: dict) -> Site:
    # Site contacts are personal data the product does not need: never read.
    path = "contactsLocationsModule.locations[]"
    return Site(
        facility=read.text(location, "facility", f"{path}.facility"),
        city=read.text(location, "city", f"{path}.city"),
        country=read.text(location, "country", f"{path}.country"),
        status=read.enum(
            read.text(location, "status", f"{path}.status"), OVERALL_STATUSES, f"{path}.status"
        ),
    )


def age_problems(record: StudyRecord) -> list[str]:
    """The record's age limits that cannot be read (each then leaves age for the trial team)."""
    problems = []
    for label, text in (("minimumAge", record.minimum_age), ("maximumAge", record.maximum_age)):
        _limit, problem = parse_age(text)
        if problem:
            problems.append(f"{record.nct_id}: eligibilityModule.{label} {problem}")
    return problems


def load_export(text: str) -> tuple[list[Any], str | None]:
    """The study objects of a saved export, and its nextPageToken if it is one API page.

    Accepts an API page (`{"studies": [...]}`), a bare list of studies, or a single study.
    Raises `ExportError` for text that is not JSON (a truncated download) or not studies.
    """
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        raise ExportError(
            f"not valid JSON ({error.msg} at line {error.lineno}, column {error.colno}); "
            "a truncated download looks like this: nothing was imported"
        ) from None
    if isinstance(document, list):
        return document, None
    if isinstance(document, dict) and "studies" in document:
        studies = document["studies"]
        if not isinstance(studies, list):
            raise ExportError("'studies' should be a list of study objects")
        token = document.get("nextPageToken")
        return studies, token if isinstance(token, str) and token else None
    if isinstance(document, dict) and "protocolSection" in document:
        return [document], None
    raise ExportError(
        'expected an API page ({"studies": [...]}), a list of studies or one study object'
    )
