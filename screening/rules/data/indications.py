"""The 23 current US indications, each as label wording plus the criteria that read it.

Facts and dates come from shared/domain/indications.md (labels as of February 2026); the way the
wording turns into criteria follows the conventions C1-C14 of shared/domain/case-schema.md, named
in each criterion's `basis` where a convention rather than the label text decides. Criteria run
in the order listed, diagnosis first: an indication whose diagnosis is not covered stops there.
"""

from ..catalogue import INFERRED, Indication
from ..criteria import (
    AgeAtLeast,
    AgeAtMost,
    AgeReviewBelow,
    AntigenNotNegative,
    DiagnosisIn,
    FactIs,
    FirstLineFailure,
    LinesAtLeast,
    LinesExactly,
    MrdAtLeast,
    NoPriorSameTarget,
    Received,
    StatusIn,
)
from ..vocabulary import FIRST_OR_SECOND_REMISSION, RELAPSED_OR_REFRACTORY
from .products import PRODUCTS

# --- criteria shared by many indications -------------------------------------------------------

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
LABEL_SILENT_ON_ANTIGEN = "(not in the indication text: the label names no antigen)"
CD19_NOT_NEGATIVE = AntigenNotNegative("cd19_positive", LABEL_SILENT_ON_ANTIGEN, basis="C6")
BCMA_NOT_NEGATIVE = AntigenNotNegative("bcma_positive", LABEL_SILENT_ON_ANTIGEN, basis="C6")
LABEL_SILENT_ON_RETREATMENT = (
    "(not in the indication text: the label is silent on re-treatment; pivotal trials excluded it)"
)
NO_PRIOR_CD19_CAR_T = NoPriorSameTarget("cd19_car_t", LABEL_SILENT_ON_RETREATMENT, basis="C7")
NO_PRIOR_BCMA_CAR_T = NoPriorSameTarget("bcma_car_t", LABEL_SILENT_ON_RETREATMENT, basis="C7")
CD19_POSITIVE = FactIs("cd19_positive", True, "CD19-positive", basis="label; C5")

CD19_CAR_T_CHECKS = (CD19_NOT_NEGATIVE, NO_PRIOR_CD19_CAR_T)
BCMA_CAR_T_CHECKS = (BCMA_NOT_NEGATIVE, NO_PRIOR_BCMA_CAR_T)

WORDING_NOT_CONFIRMED = "Exact current label wording not confirmed in a stored source."
FL_AFTER_TWO_LINES = (
    "Adult patients with relapsed or refractory follicular lymphoma (FL) after two or more lines "
    "of systemic therapy."
)

B_ALL = DiagnosisIn("B-cell precursor acute lymphoblastic leukemia (ALL)", {"b_all"})
FOLLICULAR = DiagnosisIn("follicular lymphoma (FL)", {"fl"})

PCNSL_LIMITATION = "Limitation of Use: not indicated for primary central nervous system lymphoma."
PCNSL_NOT_LISTED = (
    "the label's limitation for primary CNS lymphoma was removed on 6 Feb 2026, but it is not "
    "among the subtypes the label lists, so a clinician needs to review this (C10)."
)
SUBTYPE_NOT_LISTED = (
    "this large B-cell lymphoma subtype is not among the subtypes the label lists, so a "
    "clinician needs to review this (C11)."
)
LBCL_LISTED_BREYANZI = DiagnosisIn(
    "large B-cell lymphoma (LBCL), including DLBCL not otherwise specified (including DLBCL "
    "arising from indolent lymphoma), high-grade B-cell lymphoma, primary mediastinal large "
    "B-cell lymphoma, and follicular lymphoma grade 3B",
    {"dlbcl", "hgbcl", "pmbcl"},
    review={"lbcl_other": SUBTYPE_NOT_LISTED},
    excluded={"pcnsl": PCNSL_LIMITATION},
    basis="label; C10; C11",
)

kym, yes, bre = PRODUCTS["kymriah"], PRODUCTS["yescarta"], PRODUCTS["breyanzi"]
abe, car, tec = PRODUCTS["abecma"], PRODUCTS["carvykti"], PRODUCTS["tecartus"]
bes, rev, bli, auc = (
    PRODUCTS["besponsa"],
    PRODUCTS["revuforj"],
    PRODUCTS["blincyto"],
    PRODUCTS["aucatzyl"],
)

INDICATIONS = (
    # --- Kymriah ---------------------------------------------------------------------------------
    Indication(
        id="KYM-ALL",
        product=kym,
        wording=(
            "Patients up to 25 years of age with B-cell precursor acute lymphoblastic leukemia "
            "(ALL) that is refractory or in second or later relapse."
        ),
        section="1.1",
        approved="2017-08-30",
        approval_type="regular",
        target="CD19",
        criteria=(
            B_ALL,
            AgeAtMost(25, "up to 25 years of age", "25 or younger", basis="label; C1"),
            AgeReviewBelow(
                3,
                "(label states no lower age; the pivotal ELIANA trial enrolled from age 3)",
                "younger than the patients studied (the pivotal trial enrolled from age 3), so a "
                "clinician needs to review this (C2).",
                basis="C2",
            ),
            StatusIn(
                "refractory or in second or later relapse",
                {"refractory", "second_or_later_relapse"},
                "refractory or in second or later relapse",
                review={
                    "relapsed_after_transplant": (
                        "the number of relapses is not stated; the label needs refractory disease "
                        "or a second or later relapse (C8).",
                        "relapse_count",
                    )
                },
                basis="label; C8",
            ),
            *CD19_CAR_T_CHECKS,
        ),
        notes="A first relapse does not qualify (C8).",
    ),
    Indication(
        id="KYM-LBCL",
        product=kym,
        wording=(
            "Adult patients with relapsed or refractory (r/r) large B-cell lymphoma after two or "
            "more lines of systemic therapy including diffuse large B-cell lymphoma (DLBCL) not "
            "otherwise specified, high grade B-cell lymphoma and DLBCL arising from follicular "
            f"lymphoma. {PCNSL_LIMITATION}"
        ),
        section="1.2",
        approved="2018-05-01",
        approval_type="regular",
        target="CD19",
        criteria=(
            DiagnosisIn(
                "large B-cell lymphoma ... including DLBCL not otherwise specified, high grade "
                "B-cell lymphoma and DLBCL arising from follicular lymphoma",
                {"dlbcl", "hgbcl"},
                review={
                    "pmbcl": SUBTYPE_NOT_LISTED,
                    "lbcl_other": SUBTYPE_NOT_LISTED,
                },
                excluded={"pcnsl": PCNSL_LIMITATION},
                basis="label; C10; C11",
            ),
            ADULT,
            RELAPSED_REFRACTORY,
            TWO_LINES_SYSTEMIC,
            *CD19_CAR_T_CHECKS,
        ),
    ),
    Indication(
        id="KYM-FL",
        product=kym,
        wording=FL_AFTER_TWO_LINES,
        section="1.3",
        approved="2022-05-27",
        approval_type="accelerated (conversion not confirmed)",
        target="CD19",
        criteria=(FOLLICULAR, ADULT, RELAPSED_REFRACTORY, TWO_LINES_SYSTEMIC, *CD19_CAR_T_CHECKS),
        notes=WORDING_NOT_CONFIRMED,
    ),
    # --- Yescarta --------------------------------------------------------------------------------
    Indication(
        id="YES-LBCL-2L",
        product=yes,
        wording=(
            "Adult patients with large B-cell lymphoma (LBCL) that is refractory to first-line "
            "chemoimmunotherapy or that relapses within 12 months of first-line "
            "chemoimmunotherapy."
        ),
        section="1.1",
        approved="2022-04-01",
        approval_type="regular",
        target="CD19",
        criteria=(
            DiagnosisIn(
                "large B-cell lymphoma (LBCL)",
                {"dlbcl", "hgbcl", "pmbcl", "lbcl_other"},
                review={"pcnsl": PCNSL_NOT_LISTED},
                basis="label; C10; C11",
            ),
            ADULT,
            SECOND_LINE,
            FirstLineFailure(
                "refractory to first-line chemoimmunotherapy or that relapses within 12 months "
                "of first-line chemoimmunotherapy",
                allow_transplant_ineligible=False,
            ),
            *CD19_CAR_T_CHECKS,
        ),
        notes="PCNSL Limitation of Use removed 6 Feb 2026; the new wording was not seen.",
    ),
    Indication(
        id="YES-LBCL-3L",
        product=yes,
        wording=(
            "Adult patients with relapsed or refractory large B-cell lymphoma after two or more "
            "lines of systemic therapy, including diffuse large B-cell lymphoma (DLBCL) not "
            "otherwise specified, primary mediastinal large B-cell lymphoma, high grade B-cell "
            "lymphoma, and DLBCL arising from follicular lymphoma."
        ),
        section="1.1",
        approved="2017-10-18",
        approval_type="regular",
        target="CD19",
        criteria=(
            DiagnosisIn(
                "large B-cell lymphoma ... including DLBCL not otherwise specified, primary "
                "mediastinal large B-cell lymphoma, high grade B-cell lymphoma, and DLBCL arising "
                "from follicular lymphoma",
                {"dlbcl", "hgbcl", "pmbcl"},
                review={"pcnsl": PCNSL_NOT_LISTED, "lbcl_other": SUBTYPE_NOT_LISTED},
                basis="label; C10; C11",
            ),
            ADULT,
            RELAPSED_REFRACTORY,
            TWO_LINES_SYSTEMIC,
            *CD19_CAR_T_CHECKS,
        ),
        notes="PCNSL Limitation of Use removed 6 Feb 2026; the new wording was not seen.",
    ),
    Indication(
        id="YES-FL",
        product=yes,
        wording=FL_AFTER_TWO_LINES,
        section="1.2",
        approved="2021-03-05",
        approval_type="accelerated (conversion not confirmed)",
        target="CD19",
        criteria=(FOLLICULAR, ADULT, RELAPSED_REFRACTORY, TWO_LINES_SYSTEMIC, *CD19_CAR_T_CHECKS),
        notes=WORDING_NOT_CONFIRMED,
    ),
    # --- Breyanzi --------------------------------------------------------------------------------
    Indication(
        id="BRE-LBCL-2L",
        product=bre,
        wording=(
            "Adult patients with large B-cell lymphoma (LBCL), including DLBCL not otherwise "
            "specified (including DLBCL arising from indolent lymphoma), high-grade B-cell "
            "lymphoma, primary mediastinal large B-cell lymphoma, and follicular lymphoma grade "
            "3B, who have refractory disease to first-line chemoimmunotherapy or relapse within "
            "12 months of first-line chemoimmunotherapy; or refractory disease to first-line "
            "chemoimmunotherapy or relapse after first-line chemoimmunotherapy and are not "
            "eligible for hematopoietic stem cell transplantation (HSCT) due to comorbidities or "
            f"age. {PCNSL_LIMITATION}"
        ),
        section="1.1",
        approved="2022-06-24",
        approval_type="regular",
        target="CD19",
        criteria=(
            LBCL_LISTED_BREYANZI,
            ADULT,
            SECOND_LINE,
            FirstLineFailure(
                "refractory disease to first-line chemoimmunotherapy or relapse within 12 months "
                "of first-line chemoimmunotherapy; or ... relapse after first-line "
                "chemoimmunotherapy and are not eligible for HSCT due to comorbidities or age",
                allow_transplant_ineligible=True,
            ),
            *CD19_CAR_T_CHECKS,
        ),
    ),
    Indication(
        id="BRE-LBCL-3L",
        product=bre,
        wording=(
            "Adult patients with large B-cell lymphoma (LBCL), including DLBCL not otherwise "
            "specified (including DLBCL arising from indolent lymphoma), high-grade B-cell "
            "lymphoma, primary mediastinal large B-cell lymphoma, and follicular lymphoma grade "
            "3B, who have relapsed or refractory disease after two or more lines of systemic "
            f"therapy. {PCNSL_LIMITATION}"
        ),
        section="1.1",
        approved="2021-02-05",
        approval_type="regular",
        target="CD19",
        criteria=(
            LBCL_LISTED_BREYANZI,
            ADULT,
            RELAPSED_REFRACTORY,
            TWO_LINES_SYSTEMIC,
            *CD19_CAR_T_CHECKS,
        ),
    ),
    Indication(
        id="BRE-CLL",
        product=bre,
        wording=(
            "Adult patients with relapsed or refractory chronic lymphocytic leukemia (CLL) or "
            "small lymphocytic lymphoma (SLL) who have received at least 2 prior lines of "
            "therapy, including a Bruton tyrosine kinase (BTK) inhibitor and a B-cell lymphoma 2 "
            "(BCL-2) inhibitor."
        ),
        section="1.2",
        approved="2024-03-14",
        approval_type="accelerated",
        target="CD19",
        criteria=(
            DiagnosisIn(
                "chronic lymphocytic leukemia (CLL) or small lymphocytic lymphoma (SLL)",
                {"cll", "sll"},
            ),
            ADULT,
            RELAPSED_REFRACTORY,
            TWO_PRIOR_LINES,
            Received(
                "btk_inhibitor",
                "including a Bruton tyrosine kinase (BTK) inhibitor",
                basis="label; C4",
            ),
            Received(
                "bcl2_inhibitor", "and a B-cell lymphoma 2 (BCL-2) inhibitor", basis="label; C4"
            ),
            *CD19_CAR_T_CHECKS,
        ),
    ),
    Indication(
        id="BRE-FL",
        product=bre,
        wording=(
            "Adult patients with relapsed or refractory follicular lymphoma (FL) who have "
            "received 2 or more prior lines of systemic therapy."
        ),
        section="1.3",
        approved="2024-05-15",
        approval_type="accelerated; probably converted to regular in Feb 2026 (inferred)",
        target="CD19",
        criteria=(FOLLICULAR, ADULT, RELAPSED_REFRACTORY, TWO_LINES_SYSTEMIC, *CD19_CAR_T_CHECKS),
        evidence=INFERRED,
        notes="Section 1.3 inferred to be FL from the order of the label's changes.",
    ),
    Indication(
        id="BRE-MCL",
        product=bre,
        wording=(
            "Adult patients with relapsed or refractory mantle cell lymphoma (MCL) who have "
            "received at least 2 prior lines of systemic therapy, including a Bruton tyrosine "
            "kinase (BTK) inhibitor."
        ),
        section="1.4",
        approved="2024-05-30",
        approval_type="not confirmed (accelerated or regular)",
        target="CD19",
        criteria=(
            DiagnosisIn("mantle cell lymphoma (MCL)", {"mcl"}),
            ADULT,
            RELAPSED_REFRACTORY,
            TWO_LINES_SYSTEMIC,
            Received(
                "btk_inhibitor",
                "including a Bruton tyrosine kinase (BTK) inhibitor",
                basis="label; C4",
            ),
            *CD19_CAR_T_CHECKS,
        ),
    ),
    Indication(
        id="BRE-MZL",
        product=bre,
        wording=(
            "Adult patients with relapsed or refractory marginal zone lymphoma (MZL) who have "
            "received at least 2 prior lines of systemic therapy."
        ),
        section="1.5",
        approved="2025-12-04",
        approval_type="not confirmed",
        target="CD19",
        criteria=(
            DiagnosisIn("marginal zone lymphoma (MZL)", {"mzl"}),
            ADULT,
            RELAPSED_REFRACTORY,
            TWO_LINES_SYSTEMIC,
            *CD19_CAR_T_CHECKS,
        ),
    ),
    # --- Abecma / Carvykti -----------------------------------------------------------------------
    Indication(
        id="ABE-MM",
        product=abe,
        wording=(
            "Adult patients with relapsed or refractory multiple myeloma after two or more prior "
            "lines of therapy including an immunomodulatory agent, a proteasome inhibitor, and "
            "an anti-CD38 monoclonal antibody."
        ),
        section="1",
        approved="2024-04-04",
        approval_type="regular",
        target="BCMA",
        criteria=(
            DiagnosisIn("multiple myeloma", {"mm"}),
            ADULT,
            RELAPSED_REFRACTORY,
            LinesAtLeast(2, "after two or more prior lines of therapy", basis="label; C3"),
            Received("imid", "including an immunomodulatory agent", basis="label; C4"),
            Received("proteasome_inhibitor", "a proteasome inhibitor", basis="label; C4"),
            Received("anti_cd38", "and an anti-CD38 monoclonal antibody", basis="label; C4"),
            *BCMA_CAR_T_CHECKS,
        ),
        notes="Was four or more prior lines from 26 Mar 2021 until 4 Apr 2024.",
    ),
    Indication(
        id="CAR-MM",
        product=car,
        wording=(
            "Adult patients with relapsed or refractory multiple myeloma, who have received at "
            "least 1 prior line of therapy, including a proteasome inhibitor and an "
            "immunomodulatory agent, and are refractory to lenalidomide."
        ),
        section="1",
        approved="2024-04-05",
        approval_type="regular",
        target="BCMA",
        criteria=(
            DiagnosisIn("multiple myeloma", {"mm"}),
            ADULT,
            RELAPSED_REFRACTORY,
            LinesAtLeast(1, "at least 1 prior line of therapy", basis="label; C3"),
            Received("proteasome_inhibitor", "including a proteasome inhibitor", basis="label; C4"),
            Received("imid", "and an immunomodulatory agent", basis="label; C4"),
            FactIs(
                "lenalidomide_refractory",
                True,
                "and are refractory to lenalidomide",
                basis="label; C4",
            ),
            *BCMA_CAR_T_CHECKS,
        ),
        notes=(
            "Was four or more prior lines from 28 Feb 2022 until 5 Apr 2024; anti-CD38 exposure "
            "is no longer required."
        ),
    ),
    # --- Tecartus --------------------------------------------------------------------------------
    Indication(
        id="TEC-MCL",
        product=tec,
        wording="Adult patients with relapsed or refractory mantle cell lymphoma (MCL).",
        section="1.1",
        approved="2020-07-24",
        approval_type="accelerated (conversion not confirmed)",
        target="CD19",
        criteria=(
            DiagnosisIn("mantle cell lymphoma (MCL)", {"mcl"}),
            ADULT,
            RELAPSED_REFRACTORY,
            *CD19_CAR_T_CHECKS,
        ),
        notes=(
            "The US label names no line count and no prior BTK inhibitor; the EU's rule (2+ "
            "lines including a BTK inhibitor) is deliberately not applied."
        ),
    ),
    Indication(
        id="TEC-ALL",
        product=tec,
        wording=(
            "Adult patients with relapsed or refractory B-cell precursor acute lymphoblastic "
            "leukemia (ALL)."
        ),
        section="1.2",
        approved="2021-10-01",
        approval_type="regular",
        target="CD19",
        criteria=(B_ALL, ADULT, RELAPSED_REFRACTORY, *CD19_CAR_T_CHECKS),
    ),
    # --- Besponsa --------------------------------------------------------------------------------
    Indication(
        id="BES-ALL",
        product=bes,
        wording=(
            "Relapsed or refractory CD22-positive B-cell precursor acute lymphoblastic leukemia "
            "(ALL) in adults and pediatric patients 1 year and older."
        ),
        section="1",
        approved="2017-08-17",
        approval_type="regular",
        target="CD22",
        criteria=(
            B_ALL,
            ONE_YEAR,
            RELAPSED_REFRACTORY,
            FactIs("cd22_positive", True, "CD22-positive", basis="label; C5"),
        ),
        notes="Pediatric patients 1 year and older added 6 Mar 2024.",
    ),
    # --- Revuforj --------------------------------------------------------------------------------
    Indication(
        id="REV-KMT2A",
        product=rev,
        wording=(
            "Relapsed or refractory acute leukemia with a lysine methyltransferase 2A gene "
            "(KMT2A) translocation in adult and pediatric patients 1 year and older."
        ),
        section="1",
        approved="2024-11-15",
        approval_type="regular",
        target="menin",
        criteria=(
            DiagnosisIn("acute leukemia", {"b_all", "t_all", "aml", "mpal"}, basis="label; C12"),
            ONE_YEAR,
            RELAPSED_REFRACTORY,
            FactIs("kmt2a_rearranged", True, "with a KMT2A translocation", basis="label; C5"),
        ),
        notes="A KMT2A partial tandem duplication alone does not count as a translocation.",
    ),
    Indication(
        id="REV-NPM1",
        product=rev,
        wording=(
            "Relapsed or refractory acute myeloid leukemia (AML) with a susceptible nucleophosmin "
            "1 (NPM1) mutation in adult and pediatric patients 1 year and older who have no "
            "satisfactory alternative treatment options."
        ),
        section="1",
        approved="2025-10-24",
        approval_type="regular",
        target="menin",
        criteria=(
            DiagnosisIn("acute myeloid leukemia (AML)", {"aml"}, basis="label; C12"),
            ONE_YEAR,
            RELAPSED_REFRACTORY,
            FactIs("npm1_mutated", True, "with a susceptible NPM1 mutation", basis="label; C5"),
            FactIs(
                "no_satisfactory_alternative",
                True,
                "who have no satisfactory alternative treatment options",
                basis="label; C12",
            ),
        ),
    ),
    # --- Blincyto --------------------------------------------------------------------------------
    Indication(
        id="BLI-MRD",
        product=bli,
        wording=(
            "CD19-positive B-cell precursor acute lymphoblastic leukemia (ALL) in first or second "
            "complete remission with minimal residual disease (MRD) greater than or equal to 0.1% "
            "in adults and pediatric patients one month and older."
        ),
        section="1",
        approved="2018-03-29",
        approval_type="accelerated (current status not confirmed)",
        target="CD19",
        criteria=(
            B_ALL,
            ONE_MONTH,
            StatusIn(
                "in first or second complete remission",
                FIRST_OR_SECOND_REMISSION,
                "in first or second complete remission (CR1/CR2) with MRD",
                basis="label; C13",
            ),
            MrdAtLeast(
                0.1,
                "with minimal residual disease (MRD) greater than or equal to 0.1%",
                basis="label; C13",
            ),
            CD19_POSITIVE,
        ),
    ),
    Indication(
        id="BLI-RR",
        product=bli,
        wording=(
            "Relapsed or refractory CD19-positive B-cell precursor acute lymphoblastic leukemia "
            "(ALL) in adults and pediatric patients one month and older."
        ),
        section="1",
        approved="2014-12-03",
        approval_type="regular (since 2017)",
        target="CD19",
        criteria=(B_ALL, ONE_MONTH, RELAPSED_REFRACTORY, CD19_POSITIVE),
        notes="Philadelphia-positive disease included since 2017.",
    ),
    Indication(
        id="BLI-CONS",
        product=bli,
        wording=(
            "CD19-positive Philadelphia chromosome-negative B-cell precursor acute lymphoblastic "
            "leukemia (ALL) in the consolidation phase of multiphase chemotherapy in adults and "
            "pediatric patients one month and older."
        ),
        section="1",
        approved="2024-06-14",
        approval_type="regular",
        target="CD19",
        criteria=(
            B_ALL,
            ONE_MONTH,
            StatusIn(
                "in the consolidation phase of multiphase chemotherapy",
                FIRST_OR_SECOND_REMISSION,
                "in remission and in consolidation",
                basis="label; C13",
            ),
            FactIs(
                "in_consolidation_phase",
                True,
                "in the consolidation phase of multiphase chemotherapy",
                basis="label; C13",
            ),
            FactIs(
                "philadelphia_positive",
                False,
                "Philadelphia chromosome-negative",
                basis="label; C5",
            ),
            CD19_POSITIVE,
        ),
        notes="Applies whatever the MRD level.",
    ),
    # --- Aucatzyl --------------------------------------------------------------------------------
    Indication(
        id="AUC-ALL",
        product=auc,
        wording=(
            "Adult patients with relapsed or refractory B-cell precursor acute lymphoblastic "
            "leukemia (ALL)."
        ),
        section="1",
        approved="2024-11-08",
        approval_type="regular",
        target="CD19",
        criteria=(B_ALL, ADULT, RELAPSED_REFRACTORY, *CD19_CAR_T_CHECKS),
        notes="The EU's age-26-and-over rule is deliberately not applied.",
    ),
)
