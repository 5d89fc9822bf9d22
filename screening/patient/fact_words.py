"""The rules' words for facts, documents and unmet requirements, in the person's language.

The rules module is plain Python and speaks English (screening/rules/facts.py); its results
are stored as they were worked out. A person reading Spanish or Chinese gets the same facts and
documents from these tables, keyed by the profile field, never by parsing English. In English
the rules' own wording is shown unchanged. tests/i18n keeps these tables in step with the rules.
"""

from __future__ import annotations

import re

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from screening.rules.facts import FACT_NAMES

FACTS = {
    "age_years": gettext_lazy("age"),
    "diagnosis": gettext_lazy("diagnosis"),
    "disease_status": gettext_lazy("disease status"),
    "prior_lines": gettext_lazy("number of prior lines of systemic therapy"),
    "prior_therapies": gettext_lazy("prior treatments received"),
    "unrecognised_lines": gettext_lazy(
        "the drugs given in a treatment line Navigator did not recognise"
    ),
    "relapse_count": gettext_lazy("number of relapses (first, or second or later)"),
    "mrd_percent": gettext_lazy("bone marrow MRD level"),
    "cd19_positive": gettext_lazy("CD19 expression"),
    "cd22_positive": gettext_lazy("CD22 expression"),
    "bcma_positive": gettext_lazy("BCMA expression"),
    "kmt2a_rearranged": gettext_lazy("KMT2A translocation"),
    "npm1_mutated": gettext_lazy("susceptible NPM1 mutation"),
    "philadelphia_positive": gettext_lazy("Philadelphia chromosome (BCR::ABL1)"),
    "relapse_within_12_months": gettext_lazy(
        "relapse within 12 months of first-line chemoimmunotherapy"
    ),
    "transplant_eligible": gettext_lazy("candidate for autologous stem cell transplant"),
    "lenalidomide_refractory": gettext_lazy("refractory to lenalidomide"),
    "in_consolidation_phase": gettext_lazy("in the consolidation phase of multiphase chemotherapy"),
    "no_satisfactory_alternative": gettext_lazy("no satisfactory alternative treatment options"),
}

DOCUMENTS = {
    "age_years": gettext_lazy("date of birth (any medical record or ID)"),
    "diagnosis": gettext_lazy("pathology report (biopsy or bone marrow)"),
    "disease_status": gettext_lazy(
        "most recent clinic note or treatment summary (response assessment)"
    ),
    "prior_lines": gettext_lazy("treatment summary listing every regimen with dates"),
    "prior_therapies": gettext_lazy("treatment summary or medication history"),
    "unrecognised_lines": gettext_lazy(
        "treatment summary or medication history naming the drugs of that line"
    ),
    "relapse_count": gettext_lazy("treatment summary with the dates of each remission and relapse"),
    "cd19_positive": gettext_lazy("flow cytometry or immunohistochemistry report"),
    "cd22_positive": gettext_lazy("flow cytometry report"),
    "bcma_positive": gettext_lazy("flow cytometry or immunohistochemistry report (bone marrow)"),
    "kmt2a_rearranged": gettext_lazy("cytogenetics/FISH or molecular (fusion) report"),
    "npm1_mutated": gettext_lazy("molecular (NGS or PCR) mutation report"),
    "philadelphia_positive": gettext_lazy("cytogenetics/FISH or BCR::ABL1 PCR report"),
    "mrd_percent": gettext_lazy("bone marrow MRD report (flow cytometry or NGS)"),
    "relapse_within_12_months": gettext_lazy(
        "treatment summary with the end date of first-line therapy and the relapse date"
    ),
    "transplant_eligible": gettext_lazy("transplant physician's assessment or clinic note"),
    "lenalidomide_refractory": gettext_lazy(
        "treatment summary (response to lenalidomide; progression on it or within 60 days of it)"
    ),
    "in_consolidation_phase": gettext_lazy("current treatment plan or treatment summary"),
    "no_satisfactory_alternative": gettext_lazy("treating physician's note on treatment options"),
}

# Why a product's label is not met, by the criterion's name (screening/rules/criteria/), for
# readers of another language than the rules' English.
_UNMET_BY_NAME = {
    "diagnosis": gettext_lazy("The label does not cover this diagnosis."),
    "age": gettext_lazy("The label is for a different age group."),
    "disease status": gettext_lazy(
        "The label is for another stage of the disease (for example relapsed, refractory or "
        "in remission)."
    ),
    "prior lines": gettext_lazy("The label asks for a different number of earlier treatments."),
    "MRD level": gettext_lazy(
        "The label is for a higher level of measurable residual disease (MRD)."
    ),
    "second-line setting": gettext_lazy(
        "The label is for a different moment in the treatment: when the first treatment did "
        "not work or the disease came back within 12 months."
    ),
}
_UNMET_RECEIVED = gettext_lazy(
    "The label is for people who have already had a treatment that the answers do not list."
)
_UNMET_NO_EARLIER = gettext_lazy(
    "An earlier treatment against the same target means the label does not apply."
)
_UNMET_OTHER = gettext_lazy("The answers do not match what the label requires.")
# Criteria named after a fact ("CD22 expression", "refractory to lenalidomide") -> its field.
_FIELD_BY_ENGLISH_NAME = {english: field for field, english in FACT_NAMES.items() if field in FACTS}
_LINE_NUMBERS = re.compile(r"\d+")


def _english() -> bool:
    return (translation.get_language() or settings.LANGUAGE_CODE) == settings.LANGUAGE_CODE


def missing_fact_words(fact: dict) -> dict:
    """A missing fact of a screening result ({"field", "fact", "document"}) as the person reads
    it: {"fact", "document"} in the active language."""
    field, english_fact = fact.get("field", ""), fact.get("fact", "")
    english_document = fact.get("document", "")
    if _english() or field not in FACTS:
        return {"fact": english_fact, "document": english_document}
    words = str(FACTS[field])
    if field == "unrecognised_lines":
        lines = _LINE_NUMBERS.findall(english_fact)
        if lines:
            words = ngettext(
                "the drugs given in treatment line %(lines)s (the name given was not recognised)",
                "the drugs given in treatment lines %(lines)s (the names given were not "
                "recognised)",
                len(lines),
            ) % {"lines": ", ".join(lines)}
    return {"fact": words, "document": str(DOCUMENTS.get(field, english_document))}


def fact_and_document(field: str, english_fact: str, english_document: str) -> tuple[str, str]:
    """The name of a fact and the document that shows it, in the active language."""
    words = missing_fact_words({"field": field, "fact": english_fact, "document": english_document})
    return words["fact"], words["document"]


def unmet_reason(criterion: dict) -> str:
    """Why an unmet criterion rules a product out, in the active language: the rules' own
    explanation in English, a plain sentence by the criterion's name otherwise."""
    if _english():
        return criterion.get("explanation", "")
    name = criterion.get("name", "")
    if name in _UNMET_BY_NAME:
        return str(_UNMET_BY_NAME[name])
    if name.startswith("received "):
        return str(_UNMET_RECEIVED)
    if name.startswith("no earlier "):
        return str(_UNMET_NO_EARLIER)
    fact_field = _FIELD_BY_ENGLISH_NAME.get(name)
    if fact_field is not None:
        return _("The label asks for this, and the answers do not show it: %(fact)s.") % {
            "fact": FACTS[fact_field]
        }
    return str(_UNMET_OTHER)
