"""The case file a coordinator reads: who the patient is, the screening table, the missing
facts with the documents that settle them, cautions, the intake answers as given, the facts
with their sources, documents with the facts proposed from them, requests, notes and the
timeline.

Read-only; builds plain dicts for the admin's case page from a few queries.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from screening.core.profile_fields import describe_value
from screening.models import Case
from screening.rules.data.products import PRODUCTS
from screening.rules.results import ELIGIBLE, MEDICAL_ADVICE_NOTICE, NEEDS_REVIEW, NOT_ELIGIBLE
from screening.rules.vocabulary import (
    BIOMARKERS,
    DIAGNOSES,
    DISEASE_STATUSES,
    FLAGS,
    OPTIONAL_FLAGS,
    PRIOR_THERAPIES,
)
from screening.triage.actions import missing_facts
from screening.triage.case_facts import case_facts
from screening.triage.intake_answers import read_intake_answers
from screening.triage.proposals import proposals_by_document
from screening.trials.reads import case_trials

VERDICT_WORDS = {
    ELIGIBLE: gettext_lazy("Likely eligible"),
    NEEDS_REVIEW: gettext_lazy("Needs review"),
    NOT_ELIGIBLE: gettext_lazy("Not eligible"),
}
OUTCOME_WORDS = {
    "met": gettext_lazy("Met"),
    "not_met": gettext_lazy("Not met"),
    "unknown": gettext_lazy("Unknown"),
}
_VERDICT_ORDER = {ELIGIBLE: 0, NEEDS_REVIEW: 1, NOT_ELIGIBLE: 2}


def _yes_no(value) -> str:
    if value is None:
        return _("unknown")
    return _("yes") if value else _("no")


def describe_profile(profile: dict) -> list[tuple[str, str]]:
    """The screening profile as (question, answer) pairs a person can read."""
    if not profile:
        return []
    rows: list[tuple[str, str]] = []
    age = profile.get("age_years")
    if age is None:
        rows.append((_("Age"), _("unknown")))
    elif age < 1:
        rows.append((_("Age"), _("%(months)d months") % {"months": round(age * 12)}))
    else:
        rows.append((_("Age"), _("%(years)s years") % {"years": int(age)}))
    diagnosis = profile.get("diagnosis")
    rows.append((_("Diagnosis"), DIAGNOSES.get(diagnosis, diagnosis or _("unknown"))))
    status = profile.get("disease_status")
    rows.append((_("Disease status"), DISEASE_STATUSES.get(status, status or _("unknown"))))
    lines = profile.get("prior_lines")
    rows.append(
        (
            _("Prior lines of systemic therapy"),
            _("unknown") if lines is None else str(lines),
        )
    )
    therapies = profile.get("prior_therapies")
    if therapies is None:
        therapy_text = _("unknown")
    elif not therapies:
        therapy_text = _("none")
    else:
        therapy_text = "; ".join(PRIOR_THERAPIES.get(t, t) for t in therapies)
    rows.append((_("Treatments received"), therapy_text))
    unrecognised = profile.get("unrecognised_lines") or []
    if unrecognised:
        rows.append(
            (
                _("Treatment lines not recognised"),
                _("%(lines)s: ask what was given (the name entered was not recognised)")
                % {"lines": ", ".join(str(n) for n in unrecognised)},
            )
        )
    biomarkers = profile.get("biomarkers") or {}
    for key, name in BIOMARKERS.items():
        value = biomarkers.get(key)
        if value is None:
            text = _("unknown")
        else:
            text = _("present") if value else _("absent")
        rows.append((name[:1].upper() + name[1:], text))
    ecog = profile.get("ecog")
    rows.append((_("ECOG performance status"), _("unknown") if ecog is None else str(ecog)))
    mrd = profile.get("mrd_percent")
    rows.append((_("Bone marrow MRD"), _("not measured") if mrd is None else f"{mrd} %"))
    for key, name in {**FLAGS, **OPTIONAL_FLAGS}.items():
        if key in profile:
            rows.append((name[:1].upper() + name[1:], _yes_no(profile.get(key))))
    return rows


def _why(result: dict) -> str:
    """The product's verdict in one line: the indications it is eligible under, the facts it
    waits on, or the requirements it does not meet."""
    indications = result.get("indications", [])
    if result.get("verdict") == ELIGIBLE:
        ids = [i["id"] for i in indications if i.get("verdict") == ELIGIBLE]
        return _("Eligible under %(ids)s") % {"ids": ", ".join(ids)}
    if result.get("verdict") == NEEDS_REVIEW:
        missing = result.get("missing", [])
        if missing:
            return _("Missing: %(facts)s") % {
                "facts": "; ".join(f"{m['fact']} ({m['document']})" for m in missing)
            }
        open_points = [
            c.get("explanation", "")
            for i in indications
            if i.get("verdict") == NEEDS_REVIEW
            for c in i.get("criteria", [])
            if c.get("outcome") == "unknown"
        ]
        return " ".join(dict.fromkeys(open_points))
    unmet = [
        c.get("explanation", "")
        for i in indications
        for c in i.get("criteria", [])
        if c.get("outcome") == "not_met"
    ]
    return " ".join(list(dict.fromkeys(unmet))[:2])


def screening_table(results: dict) -> list[dict]:
    """Products (likely eligible first), each with its indications and their criteria."""
    products = []
    for key, result in results.items():
        product = PRODUCTS.get(key)
        products.append(
            {
                "key": key,
                "brand": product.brand if product else key,
                "generic": product.generic if product else "",
                "verdict": result["verdict"],
                "verdict_text": VERDICT_WORDS.get(result["verdict"], result["verdict"]),
                "indications": [
                    {
                        "id": indication["id"],
                        "verdict": indication["verdict"],
                        "verdict_text": VERDICT_WORDS.get(
                            indication["verdict"], indication["verdict"]
                        ),
                        "citation": indication.get("citation", ""),
                        "criteria": [
                            {
                                **criterion,
                                "outcome_text": OUTCOME_WORDS.get(
                                    criterion["outcome"], criterion["outcome"]
                                ),
                            }
                            for criterion in indication["criteria"]
                        ],
                    }
                    for indication in result.get("indications", [])
                ],
                "missing": result.get("missing", []),
                "cautions": result.get("cautions", []),
                "why": _why(result),
            }
        )
    products.sort(key=lambda p: (_VERDICT_ORDER.get(p["verdict"], 3), p["brand"]))
    return products


def cautions(results: dict) -> list[dict]:
    """Each caution once, with the products it is shown for."""
    seen: dict[str, dict] = {}
    brands = {key: PRODUCTS[key].brand if key in PRODUCTS else key for key in results}
    for key in sorted(results, key=brands.__getitem__):  # jsonb keeps no key order
        brand = brands[key]
        for caution in results[key].get("cautions", []):
            row = seen.setdefault(caution["code"], {"text": caution["text"], "products": []})
            row["products"].append(brand)
    return list(seen.values())


@dataclass(frozen=True)
class CaseHeader:
    patient_name: str
    age: str
    filled_in_by: str  # "Oriana Vantongeren (a relative or friend)"


def case_header(case: Case) -> CaseHeader:
    """Who the case is about and who wrote to us, for the case file's first line."""
    submitter = " ".join(part for part in (case.first_name, case.last_name) if part)
    role = case.get_submitter_role_display().lower()
    patient = case.patient_name or (submitter if case.submitter_role == "patient" else "")
    return CaseHeader(
        patient_name=patient or _("name not given"),
        age=describe_value("age_years", (case.profile or {}).get("age_years")),
        filled_in_by=_("%(name)s (%(role)s)") % {"name": submitter, "role": role},
    )


def build_case_file(case: Case) -> dict:
    """Everything the case page shows besides the form, in as few queries as possible."""
    run = case.latest_run
    results = run.results if run is not None else {}
    documents = list(case.documents.order_by("category", "uploaded_at", "pk"))
    missing = missing_facts(case)
    proposals = {
        group.document.pk: [
            (row, describe_value(row.field, row.patient_value)) for row in group.rows
        ]
        for group in proposals_by_document(case)
    }
    return {
        "case": case,
        "notice": MEDICAL_ADVICE_NOTICE,
        "header": case_header(case),
        "profile_rows": describe_profile(case.profile),
        "run": run,
        "products": screening_table(results),
        "missing": missing,
        "cautions": cautions(results),
        "trials": case_trials(case),
        "answers": read_intake_answers(case.intake),
        "facts": case_facts(case, missing),
        "documents": [(document, proposals.get(document.pk, ())) for document in documents],
        "events": list(case.events.select_related("actor").order_by("at", "pk")),
        "notes": list(case.notes.select_related("author").order_by("created_at", "pk")),
        "records_requests": list(
            case.records_requests.select_related("requested_by").order_by("-created_at")
        ),
    }
