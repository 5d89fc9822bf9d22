"""Study records for the trial tests: the 12 sample records (tests/trials/data, copied from the
registry's v2 shape) and small synthetic ones for edges the sample lacks. Synthetic only."""

from __future__ import annotations

import copy
import json
from dataclasses import replace
from pathlib import Path
from typing import Any

from screening.rules.profile import validate_patient
from screening.rules.trials import Catalogue, MatchInput, compile_trial, parse_study
from tests.rules.profiles import make_patient

SAMPLE_PATH = Path(__file__).parent / "data" / "ctgov-sample.json"
# The pure matcher compares ISO codes; the importer reads them from names (tested there).
TEST_COUNTRY_CODES = {"United States": "US", "China": "CN", "France": "FR"}


def sample_document() -> dict[str, Any]:
    return json.loads(SAMPLE_PATH.read_text(encoding="utf-8"))


def sample_studies() -> list[dict[str, Any]]:
    return sample_document()["studies"]


def sample_study(nct_id: str) -> dict[str, Any]:
    for study in sample_studies():
        if study["protocolSection"]["identificationModule"]["nctId"] == nct_id:
            return copy.deepcopy(study)
    raise KeyError(nct_id)


def study(
    nct_id: str,
    *,
    conditions=("Diffuse Large B-Cell Lymphoma",),
    criteria: str = "",
    status: str = "RECRUITING",
    minimum_age: str | None = "18 Years",
    maximum_age: str | None = None,
    title: str = "A synthetic CAR-T study",
    interventions=(("BIOLOGICAL", "Synthetic CAR-T cells"),),
    sites=(("Synthetic Cancer Center", "Boston", "United States", "RECRUITING"),),
) -> dict[str, Any]:
    """A synthetic study object in the v2 shape."""
    eligibility: dict[str, Any] = {
        "eligibilityCriteria": criteria,
        "healthyVolunteers": False,
        "sex": "ALL",
    }
    if minimum_age is not None:
        eligibility["minimumAge"] = minimum_age
    if maximum_age is not None:
        eligibility["maximumAge"] = maximum_age
    protocol: dict[str, Any] = {
        "identificationModule": {"nctId": nct_id, "briefTitle": title},
        "statusModule": {
            "overallStatus": status,
            "lastUpdatePostDateStruct": {"date": "2026-01-15", "type": "ACTUAL"},
        },
        "sponsorCollaboratorsModule": {
            "leadSponsor": {"name": "Synthetic Sponsor", "class": "OTHER"}
        },
        "conditionsModule": {"conditions": list(conditions)},
        "designModule": {"studyType": "INTERVENTIONAL", "phases": ["PHASE1"]},
        "armsInterventionsModule": {
            "interventions": [{"type": kind, "name": name} for kind, name in interventions]
        },
        "eligibilityModule": eligibility,
    }
    if sites:
        protocol["contactsLocationsModule"] = {
            "locations": [
                {"facility": f, "city": c, "country": n, **({"status": s} if s else {})}
                for f, c, n, s in sites
            ]
        }
    return {"protocolSection": protocol}


def record_of(raw: dict[str, Any]):
    record = parse_study(raw)
    sites = tuple(
        replace(s, country_code=TEST_COUNTRY_CODES.get(s.country, "")) for s in record.sites
    )
    return replace(record, sites=sites)


def catalogue_of(*raws: dict[str, Any]) -> Catalogue:
    return Catalogue(compile_trial(record_of(raw)) for raw in raws)


def person(country: str | None = "US", travel=(), **patient: Any) -> MatchInput:
    return MatchInput(validate_patient(make_patient(**patient)), country, frozenset(travel))
