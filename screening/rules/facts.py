"""Which document usually settles each fact the rules may find missing."""

from dataclasses import dataclass

from .vocabulary import BIOMARKERS, FLAGS


@dataclass(frozen=True, slots=True)
class MissingFact:
    """A fact whose absence keeps a product at `needs_review`, and where to find it."""

    field: str
    fact: str
    document: str
    indications: tuple[str, ...] = ()

    def to_dict(self) -> dict:
        return {
            "field": self.field,
            "fact": self.fact,
            "document": self.document,
            "indications": list(self.indications),
        }


DOCUMENTS = {
    "age_years": "date of birth (any medical record or ID)",
    "diagnosis": "pathology report (biopsy or bone marrow)",
    "disease_status": "most recent clinic note or treatment summary (response assessment)",
    "prior_lines": "treatment summary listing every regimen with dates",
    "prior_therapies": "treatment summary or medication history",
    "unrecognised_lines": "treatment summary or medication history naming the drugs of that line",
    "relapse_count": "treatment summary with the dates of each remission and relapse",
    "cd19_positive": "flow cytometry or immunohistochemistry report",
    "cd22_positive": "flow cytometry report",
    "bcma_positive": "flow cytometry or immunohistochemistry report (bone marrow)",
    "kmt2a_rearranged": "cytogenetics/FISH or molecular (fusion) report",
    "npm1_mutated": "molecular (NGS or PCR) mutation report",
    "philadelphia_positive": "cytogenetics/FISH or BCR::ABL1 PCR report",
    "mrd_percent": "bone marrow MRD report (flow cytometry or NGS)",
    "relapse_within_12_months": (
        "treatment summary with the end date of first-line therapy and the relapse date"
    ),
    "transplant_eligible": "transplant physician's assessment or clinic note",
    "lenalidomide_refractory": (
        "treatment summary (response to lenalidomide; progression on it or within 60 days of it)"
    ),
    "in_consolidation_phase": "current treatment plan or treatment summary",
    "no_satisfactory_alternative": "treating physician's note on treatment options",
}

FACT_NAMES = {
    "age_years": "age",
    "diagnosis": "diagnosis",
    "disease_status": "disease status",
    "prior_lines": "number of prior lines of systemic therapy",
    "prior_therapies": "prior treatments received",
    "unrecognised_lines": "the drugs given in a treatment line Navigator did not recognise",
    "relapse_count": "number of relapses (first, or second or later)",
    "mrd_percent": "bone marrow MRD level",
    **BIOMARKERS,
    **FLAGS,
}


def missing_fact(field: str) -> MissingFact:
    return MissingFact(field, FACT_NAMES[field], DOCUMENTS[field])


def lines_phrase(lines) -> str:
    """Reads "treatment line 3" or "treatment lines 2 and 4", numbered as the intake lists them."""
    numbers = [str(n) for n in sorted(lines)]
    if len(numbers) == 1:
        return f"treatment line {numbers[0]}"
    return f"treatment lines {', '.join(numbers[:-1])} and {numbers[-1]}"


def unrecognised_lines_fact(lines) -> MissingFact:
    """The missing fact for treatment lines whose drugs Navigator did not recognise."""
    return MissingFact(
        "unrecognised_lines",
        f"the drugs given in {lines_phrase(lines)} (the name given was not recognised)",
        DOCUMENTS["unrecognised_lines"],
    )
