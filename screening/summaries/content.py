"""What a case summary says, as template context: per product the verdict and why, the missing
facts with the documents that settle them, cautions, matched trials, status and next step, the
coordinator, the ruleset, and the not-medical-advice notice.

Two wordings of the same screening: clinical (a physician or a center: the rules' own English
with the label's criteria) and plain (the patient or family, in their language, the status
page's words: screening/patient/status_page.py and fact_words.py). Built inside the language
it is rendered in (`translation.override`).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from screening.models import Case, CaseStatus, SummaryAudience
from screening.notify.emails import NOTICE
from screening.patient.fact_words import missing_fact_words
from screening.patient.status_page import OUTCOME_TEXT, STATUS_TEXT, plain_screening
from screening.rules.data.products import PRODUCTS
from screening.rules.results import ELIGIBLE, NEEDS_REVIEW
from screening.triage.actions import missing_facts
from screening.triage.casefile import case_header, cautions, screening_table
from screening.trials.reads import summary_trials

S = CaseStatus

NEXT_STEP = {
    S.SUBMITTED: _("Navigator is still screening the answers; the summary may change."),
    S.SCREENING: _("Navigator is still screening the answers; the summary may change."),
    S.AWAITING_REVIEW: _("A coordinator will review the case and get in touch."),
    S.IN_REVIEW: _("A coordinator is reviewing the case and will get in touch."),
    S.RECORDS_REQUESTED: _(
        "The coordinator is waiting for the records listed under “Missing facts”; they can be "
        "uploaded on the private status page."
    ),
    S.REFERRED: _("The case has been passed on to a treatment center, which will get in touch."),
    S.CLOSED: _("The case is closed. Write to the coordinator to open a new one."),
}
# The rules' cautions (screening/rules/cautions.py) in plain words, keyed by their code; a
# test keeps the keys in step with the rules.
PLAIN_CAUTIONS = {
    "car_t_center": _(
        "CAR-T is given at a specialised center; after the infusion the patient stays near it "
        "for at least two weeks."
    ),
    "car_t_manufacturing": _(
        "CAR-T is made from the patient's own cells, which takes three to six weeks; the "
        "treating team plans treatment for that time."
    ),
    "tecartus_age_70": _(
        "People aged 70 and over had nerve-related side effects more often with this treatment."
    ),
    "inotuzumab_hepatotoxicity": _(
        "This medicine can harm the liver, especially around a stem cell transplant."
    ),
    "bispecific_step_up": _(
        "Treatment starts with small, increasing doses under close watch, because of a strong "
        "immune reaction it can cause."
    ),
    "differentiation_syndrome": _(
        "This medicine can cause a serious reaction called differentiation syndrome; the "
        "treating team watches for it in the first weeks."
    ),
    "ecog_3_4": _("The treating team weighs whether treatment is possible given current health."),
    "active_infection": _("Treatment usually waits until an active infection is under control."),
    "cns_involvement": _(
        "The disease reaching the brain or spinal cord needs a specialist's review."
    ),
}
PLAIN_WHY = {
    ELIGIBLE: _("The answers match what its approved US label requires."),
    NEEDS_REVIEW: _("Some facts are missing or need a person's judgement."),
}


@dataclass
class SummaryProduct:
    name: str
    verdict: str
    verdict_text: str
    why: list[str] = field(default_factory=list)
    missing: list[dict] = field(default_factory=list)
    cautions: list[str] = field(default_factory=list)
    # Clinical only: every indication with its criteria (the case file's table).
    indications: list[dict] = field(default_factory=list)


def _clinical_products(results: dict) -> list[SummaryProduct]:
    return [
        SummaryProduct(
            name=f"{row['brand']} ({row['generic']})" if row["generic"] else row["brand"],
            verdict=row["verdict"],
            verdict_text=str(row["verdict_text"]),
            why=[row["why"]] if row["why"] else [],
            missing=list(row["missing"]),
            cautions=[c["text"] for c in row["cautions"]],
            indications=row["indications"],
        )
        for row in screening_table(results)
    ]


def _plain_products(case: Case) -> list[SummaryProduct]:
    plain = plain_screening(case)
    if plain is None:
        return []
    results = case.latest_run.results or {}
    products = []
    for line in [*plain.likely, *plain.review, *plain.not_eligible]:
        codes = [c["code"] for c in results.get(line.key, {}).get("cautions", [])]
        products.append(
            SummaryProduct(
                name=line.name,
                verdict=line.verdict,
                verdict_text=line.verdict_text,
                why=[str(PLAIN_WHY[line.verdict])] if line.verdict in PLAIN_WHY else [],
                missing=line.missing,
                cautions=[str(PLAIN_CAUTIONS[c]) for c in codes if c in PLAIN_CAUTIONS]
                if line.verdict != "not_eligible"
                else [],
            )
        )
        products[-1].why += line.reasons
    return products


def _plain_missing(case: Case) -> list[dict]:
    return [
        {**missing_fact_words({"field": row.field, "fact": row.fact, "document": row.document}),
         "products": list(row.products)}
        for row in missing_facts(case)
    ]  # fmt: skip


def _plain_cautions(results: dict) -> list[dict]:
    seen: dict[str, dict] = {}
    for key in sorted(results, key=lambda k: PRODUCTS[k].brand if k in PRODUCTS else k):
        brand = PRODUCTS[key].brand if key in PRODUCTS else key
        for caution in results[key].get("cautions", []):
            text = PLAIN_CAUTIONS.get(caution["code"])
            if text is not None:
                row = seen.setdefault(caution["code"], {"text": str(text), "products": []})
                row["products"].append(brand)
    return list(seen.values())


def coordinator_contact(case: Case, prepared_by=None) -> dict:
    """Who to write to: the case's coordinator, else the staff member sending the summary."""
    person = case.assigned_to or prepared_by
    if person is None:
        return {"name": str(_("the Navigator team")), "email": _from_address()}
    name = person.get_full_name() or person.get_username()
    return {"name": name, "email": person.email or _from_address()}


def _from_address() -> str:
    from email.utils import parseaddr

    return parseaddr(settings.DEFAULT_FROM_EMAIL)[1]


def ruleset_date(version: str) -> str:
    """The labels' "as of" date a ruleset version starts with (2026-03-06+abc… → 2026-03-06)."""
    return version.partition("+")[0]


def summary_context(case: Case, audience: str, *, prepared_by=None) -> dict:
    """The templates' context for a summary of the case's latest screening (which it needs),
    in the active language."""
    run = case.latest_run
    results = run.results or {}
    clinical = audience == SummaryAudience.PHYSICIAN
    status_text = STATUS_TEXT[case.status] if not clinical else case.get_status_display()
    outcome = OUTCOME_TEXT.get(case.outcome, "") if case.status == S.CLOSED else ""
    header = case_header(case)
    return {
        "case": case,
        "reference": case.reference,
        "clinical": clinical,
        "patient_name": header.patient_name,
        "patient_age": header.age,
        "prepared_on": timezone.localdate(),
        "screened_at": run.created_at,
        "ruleset_version": run.ruleset_version,
        "ruleset_date": ruleset_date(run.ruleset_version),
        "products": _clinical_products(results) if clinical else _plain_products(case),
        "missing": (
            [asdict(row) for row in missing_facts(case)] if clinical else _plain_missing(case)
        ),
        "cautions": cautions(results) if clinical else _plain_cautions(results),
        "trials": summary_trials(case),
        "status_text": str(status_text),
        "outcome_text": str(outcome),
        "next_step": str(NEXT_STEP[case.status]),
        "coordinator": coordinator_contact(case, prepared_by),
        "with_records": case.profile != case.intake_profile,
        "notice": str(NOTICE),
    }
