"""Criteria and wording shared by many indications (one object each, reused as data)."""

from ..criteria import (
    AgeAtLeast,
    AntigenNotNegative,
    DiagnosisIn,
    FactIs,
    LinesAtLeast,
    LinesExactly,
    NoPriorSameTarget,
    Received,
    StatusIn,
)
from ..vocabulary import RELAPSED_OR_REFRACTORY, SAME_TARGET_THERAPIES

ADULT = AgeAtLeast(18, "adult patients", "adult (18 or older)", basis="label; C1")
ONE_YEAR = AgeAtLeast(1, "adults and pediatric patients 1 year and older", "1 year or older")
ONE_MONTH = AgeAtLeast(
    1 / 12,
    "adults and pediatric patients one month and older",
    "1 month or older",
    basis="label; C1",
)
RELAPSED_REFRACTORY = StatusIn(
    "relapsed or refractory", RELAPSED_OR_REFRACTORY, "relapsed or refractory"
)
TWO_LINES_SYSTEMIC = LinesAtLeast(
    2, "after two or more lines of systemic therapy", basis="label; C3"
)
TWO_PRIOR_LINES = LinesAtLeast(2, "at least 2 prior lines of therapy", basis="label; C3")
SECOND_LINE = LinesExactly(
    1,
    "refractory to / relapsed after first-line chemoimmunotherapy",
    "for disease after exactly one prior line (first-line chemoimmunotherapy)",
    basis="label; C3",
)

# --- C6 and C7/C15: the target the label leaves unsaid --------------------------------------------

LABEL_SILENT_ON_ANTIGEN = "(not in the indication text: the label names no antigen)"
LABEL_SILENT_ON_RETREATMENT = (
    "(not in the indication text: the label is silent on earlier therapy against the same target)"
)
CD19_NOT_NEGATIVE = AntigenNotNegative("cd19_positive", LABEL_SILENT_ON_ANTIGEN, basis="C6")
BCMA_NOT_NEGATIVE = AntigenNotNegative("bcma_positive", LABEL_SILENT_ON_ANTIGEN, basis="C6; C15")


def no_prior(target: str, described: str, basis: str) -> NoPriorSameTarget:
    """The same-target check for a product directed at `target` (C7 for CD19, else C15)."""
    return NoPriorSameTarget(
        SAME_TARGET_THERAPIES[target], target, described, LABEL_SILENT_ON_RETREATMENT, basis
    )


NO_PRIOR_CD19_CAR_T = no_prior("CD19", "CD19-directed CAR-T therapy", "C7")
NO_PRIOR_BCMA = no_prior(
    "BCMA", "BCMA-directed therapy (CAR-T, bispecific antibody or antibody-drug conjugate)", "C15"
)
NO_PRIOR_GPRC5D = no_prior("GPRC5D", "GPRC5D-directed therapy", "C15")
NO_PRIOR_CD20_BISPECIFIC = no_prior("CD20", "CD20 bispecific antibody", "C15")
NO_PRIOR_MENIN_INHIBITOR = no_prior("menin", "menin inhibitor", "C15")

CD19_CAR_T_CHECKS = (CD19_NOT_NEGATIVE, NO_PRIOR_CD19_CAR_T)
BCMA_CHECKS = (BCMA_NOT_NEGATIVE, NO_PRIOR_BCMA)

# --- C5 biomarkers and shared diagnoses -----------------------------------------------------------

CD19_POSITIVE = FactIs("cd19_positive", True, "CD19-positive", basis="label; C5")
NPM1_MUTATED = FactIs("npm1_mutated", True, "with a susceptible NPM1 mutation", basis="label; C5")
NO_SATISFACTORY_ALTERNATIVE = FactIs(
    "no_satisfactory_alternative",
    True,
    "who have no satisfactory alternative treatment options",
    basis="label; C12",
)

B_ALL = DiagnosisIn("B-cell precursor acute lymphoblastic leukemia (ALL)", {"b_all"})
FOLLICULAR = DiagnosisIn("follicular lymphoma (FL)", {"fl"})
MYELOMA = DiagnosisIn("multiple myeloma", {"mm"})
AML = DiagnosisIn("acute myeloid leukemia (AML)", {"aml"}, basis="label; C12; C17")

# --- the drug classes myeloma labels require (C4, C16) --------------------------------------------

PI = "proteasome_inhibitor"
IMID = "imid"
ANTI_CD38 = "anti_cd38"


def received(therapy: str, label: str) -> Received:
    return Received(therapy, label, basis="label; C4")


RR_MYELOMA = (MYELOMA, ADULT, RELAPSED_REFRACTORY)
FOUR_LINE_MYELOMA = (
    *RR_MYELOMA,
    LinesAtLeast(4, "who have received at least four prior lines of therapy", basis="label; C16"),
    Received(PI, "including a proteasome inhibitor", basis="label; C16"),
    Received(IMID, "an immunomodulatory agent", basis="label; C16"),
    Received(ANTI_CD38, "and an anti-CD38 monoclonal antibody", basis="label; C16"),
)

RR_FL_AFTER_TWO_LINES = (FOLLICULAR, ADULT, RELAPSED_REFRACTORY, TWO_LINES_SYSTEMIC)

# --- wording shared by several labels -------------------------------------------------------------

WORDING_NOT_CONFIRMED = "Exact current label wording not confirmed in a stored source."
FL_AFTER_TWO_LINES = (
    "Adult patients with relapsed or refractory follicular lymphoma (FL) after two or more lines "
    "of systemic therapy."
)
FOUR_LINE_MYELOMA_WORDING = (
    "Adult patients with relapsed or refractory multiple myeloma who have received at least four "
    "prior lines of therapy, including a proteasome inhibitor, an immunomodulatory agent, and an "
    "anti-CD38 monoclonal antibody."
)
ACCELERATED_STATEMENT = (
    "Approved under accelerated approval based on response rate and durability of response; "
    "continued approval may be contingent on a confirmatory trial."
)
