"""Acute leukemia indications: CD19 CAR-Ts, Besponsa, Blincyto and the two menin inhibitors.

Revuforj and Komzifti carry C15 for an earlier menin inhibitor; Komzifti reads NPM1 and "no
satisfactory alternative" as Revuforj does but is for adults only (C17), and its wording is not
confirmed, so it is at most "needs review" (C18).
"""

from ..catalogue import RECALLED, Indication
from ..criteria import (
    AgeAtMost,
    AgeReviewBelow,
    DiagnosisIn,
    FactIs,
    MrdAtLeast,
    StatusIn,
    WordingConfirmed,
)
from ..vocabulary import FIRST_OR_SECOND_REMISSION
from .common import (
    ADULT,
    AML,
    B_ALL,
    CD19_CAR_T_CHECKS,
    CD19_POSITIVE,
    NO_PRIOR_MENIN_INHIBITOR,
    NO_SATISFACTORY_ALTERNATIVE,
    NPM1_MUTATED,
    ONE_MONTH,
    ONE_YEAR,
    RELAPSED_REFRACTORY,
)
from .products import PRODUCTS

kym, tec, auc = PRODUCTS["kymriah"], PRODUCTS["tecartus"], PRODUCTS["aucatzyl"]
bes, rev, bli, zif = (
    PRODUCTS["besponsa"],
    PRODUCTS["revuforj"],
    PRODUCTS["blincyto"],
    PRODUCTS["komzifti"],
)

LEUKEMIA_INDICATIONS = (
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
            NO_PRIOR_MENIN_INHIBITOR,
        ),
        notes="A KMT2A partial tandem duplication alone does not count as a translocation.",
        sources=(
            "The KMT2A approval excluded 11q23 partial tandem duplication: fda.gov approval "
            "notice of 15 Nov 2024 (indications-update-2026-12.md [V]).",
        ),
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
            NPM1_MUTATED,
            NO_SATISFACTORY_ALTERNATIVE,
            NO_PRIOR_MENIN_INHIBITOR,
        ),
        sources=(
            "Approved 24 Oct 2025 (Syndax release; some secondary sources say 4 Nov), "
            "indications-update-2026-12.md [V].",
        ),
    ),
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
        approval_type="regular (converted from accelerated in June 2023)",
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
        sources=(
            "Full approval: the label's recent major changes list 'Indications and Usage (1.1) "
            "6/2023' and the 6/2023 text of 1.1 no longer carries the accelerated-approval "
            "statement that the 3/2021 text had (DailyMed label copies at pillsync.com and "
            "pdfslide.us); precisionmedicineonline.com reported the full approval.",
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
    # --- Komzifti ----------------------------------------------------------------------------
    Indication(
        id="ZIF-NPM1",
        product=zif,
        wording=(
            "Adult patients with relapsed or refractory acute myeloid leukemia (AML) with a "
            "susceptible nucleophosmin 1 (NPM1) mutation who have no satisfactory alternative "
            "treatment options."
        ),
        section="1",
        approved="2025-11-13",
        approval_type="regular",
        target="menin",
        criteria=(
            AML,
            ADULT,
            RELAPSED_REFRACTORY,
            NPM1_MUTATED,
            NO_SATISFACTORY_ALTERNATIVE,
            NO_PRIOR_MENIN_INHIBITOR,
            WordingConfirmed(
                "the clause 'who have no satisfactory alternative treatment options' was not "
                "seen in a stored copy of the Komzifti label"
            ),
        ),
        evidence=RECALLED,
        notes=(
            "C18: the label's exact wording is not confirmed, so this indication is at most "
            "'needs review' until a person reads the label and confirms it."
        ),
        sources=(
            "Approval 13 Nov 2025 and full (regular) approval for adults with r/r NPM1-mutated "
            "AML: Reuters (via srnnews.com), mclaren.org (Karmanos); openFDA NDC 84696-200 "
            "marketing start 2025-11-13 and the label's DailyMed set id.",
            "Wording not confirmed: the stored openFDA label record for ziftomenib "
            "(last_updated 2026-08-11) was readable only up to its boxed warning; the clause "
            "appears in a public summary of the NDA's proposed indication, not in a label copy.",
        ),
    ),
)
