"""Lymphoma indications: the CD19 CAR-Ts (Kymriah, Yescarta, Breyanzi, Tecartus) and the three
CD20xCD3 bispecific antibodies (Epkinly, Columvi, Lunsumio).

LBCL subtype lists follow C11 for the CAR-Ts and C17 for the bispecifics; PCNSL follows C10
(revised: Yescarta's limitation was removed on 6 Feb 2026). The bispecifics carry C15 for an
earlier CD20 bispecific; rituximab does not count.
"""

from ..catalogue import INFERRED, Indication
from ..criteria import DiagnosisIn, FirstLineFailure, Received
from .common import (
    ADULT,
    CD19_CAR_T_CHECKS,
    FL_AFTER_TWO_LINES,
    FOLLICULAR,
    NO_PRIOR_CD20_BISPECIFIC,
    RELAPSED_REFRACTORY,
    RR_FL_AFTER_TWO_LINES,
    SECOND_LINE,
    TWO_LINES_SYSTEMIC,
    TWO_PRIOR_LINES,
    WORDING_NOT_CONFIRMED,
)
from .products import PRODUCTS

kym, yes, bre = PRODUCTS["kymriah"], PRODUCTS["yescarta"], PRODUCTS["breyanzi"]
tec, epk, col, lun = (
    PRODUCTS["tecartus"],
    PRODUCTS["epkinly"],
    PRODUCTS["columvi"],
    PRODUCTS["lunsumio"],
)

PCNSL_LIMITATION = "Limitation of Use: not indicated for primary central nervous system lymphoma."
PCNSL_NOT_LISTED = (
    "the label's limitation for primary CNS lymphoma was removed on 6 Feb 2026, but it is not "
    "among the subtypes the label lists, so a clinician needs to review this (C10)."
)
SUBTYPE_NOT_LISTED = (
    "this large B-cell lymphoma subtype is not among the subtypes the label lists, so a "
    "clinician needs to review this (C11)."
)
NOT_LISTED_FOR_BISPECIFIC = (
    "this large B-cell lymphoma is not among the subtypes the label lists, so a clinician needs "
    "to review this (C17)."
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
UPDATE_DOC = "shared/domain/indications-update-2026-12.md"
CD20_BISPECIFIC_THIRD_LINE = (
    ADULT,
    RELAPSED_REFRACTORY,
    TWO_LINES_SYSTEMIC,
    NO_PRIOR_CD20_BISPECIFIC,
)


def _car_t_fl(id, product, section, approved):
    """Kymriah's and Yescarta's follicular lymphoma indications share their wording."""
    return Indication(
        id=id,
        product=product,
        wording=FL_AFTER_TWO_LINES,
        section=section,
        approved=approved,
        approval_type="accelerated (conversion not confirmed)",
        target="CD19",
        criteria=(*RR_FL_AFTER_TWO_LINES, *CD19_CAR_T_CHECKS),
        notes=WORDING_NOT_CONFIRMED,
    )


LYMPHOMA_INDICATIONS = (
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
    _car_t_fl("KYM-FL", kym, "1.3", "2022-05-27"),
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
                {"dlbcl", "hgbcl", "pmbcl", "lbcl_other", "pcnsl"},
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
        notes=(
            "PCNSL Limitation of Use removed 6 Feb 2026; PCNSL is a large B-cell lymphoma and "
            "this indication lists no subtypes, so PCNSL is covered (C10 revised); the CNS "
            "caution shows."
        ),
        sources=(
            "Kite (businesswire.com, 5 Feb 2026): the PCNSL limitation removed; PCNSL is within "
            "the r/r LBCL indication (indications-update-2026-12.md [V]).",
        ),
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
    _car_t_fl("YES-FL", yes, "1.2", "2021-03-05"),
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
        approval_type="regular (accelerated-approval statement removed Feb 2026)",
        target="CD19",
        criteria=(*RR_FL_AFTER_TWO_LINES, *CD19_CAR_T_CHECKS),
        evidence=INFERRED,
        notes=(
            "That section 1.3 is FL is inferred: the sections follow approval order (1.2 CLL "
            "Mar 2024, 1.3 FL May 2024, 1.4 MCL May 2024, 1.5 MZL Dec 2025)."
        ),
        sources=(
            "openFDA label record for lisocabtagene maraleucel (last_updated 2026-08-11), recent "
            "major changes: 'Indications and Usage, AA Statement Removed (1.3) 2/2026' and "
            "'Indications and Usage, MZL (1.5) 12/2025'.",
        ),
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
    # --- Epkinly ------------------------------------------------------------------------------
    Indication(
        id="EPK-LBCL",
        product=epk,
        wording=(
            "Adult patients with relapsed or refractory diffuse large B-cell lymphoma (DLBCL), not "
            "otherwise specified, including DLBCL arising from indolent lymphoma, and high-grade "
            "B-cell lymphoma after two or more lines of systemic therapy."
        ),
        section="1.1",
        approved="2023-05-19",
        approval_type="accelerated",
        target="CD20",
        criteria=(
            DiagnosisIn(
                "DLBCL, not otherwise specified, including DLBCL arising from indolent lymphoma, "
                "and high-grade B-cell lymphoma",
                {"dlbcl", "hgbcl"},
                review=dict.fromkeys(("pmbcl", "lbcl_other", "pcnsl"), NOT_LISTED_FOR_BISPECIFIC),
                basis="label; C17",
            ),
            *CD20_BISPECIFIC_THIRD_LINE,
        ),
        sources=(
            "Approval day confirmed: openFDA NDC 82705-002 (EPKINLY, Genmab) marketing start "
            "2023-05-19.",
        ),
    ),
    Indication(
        id="EPK-FL",
        product=epk,
        wording=FL_AFTER_TWO_LINES,
        section="1.2",
        approved="2024-06-26",
        approval_type="regular (accelerated in 2024, converted 18 Nov 2025)",
        target="CD20",
        criteria=(*RR_FL_AFTER_TWO_LINES, NO_PRIOR_CD20_BISPECIFIC),
        sources=(
            "Drugs@FDA BLA 761324 S003 (efficacy, orphan) approved 2024-06-26 (openFDA); "
            f"conversion 18 Nov 2025: {UPDATE_DOC} [V] (targetedonc.com, onclive).",
        ),
    ),
    Indication(
        id="EPK-FL-R2",
        product=epk,
        wording=(
            "In combination with lenalidomide and rituximab, adult patients with relapsed or "
            "refractory follicular lymphoma (FL)."
        ),
        section="1.2",
        approved="2025-11-18",
        approval_type="not confirmed (phase 3 EPCORE FL-1)",
        target="CD20",
        partners=("lenalidomide", "rituximab"),
        criteria=(FOLLICULAR, ADULT, RELAPSED_REFRACTORY, NO_PRIOR_CD20_BISPECIFIC),
        notes="No line count beyond relapsed or refractory disease (C18).",
        sources=(f"Approval 18 Nov 2025: {UPDATE_DOC} [V] (targetedonc.com, onclive).",),
    ),
    # --- Columvi ------------------------------------------------------------------------------
    Indication(
        id="COL-LBCL",
        product=col,
        wording=(
            "Adult patients with relapsed or refractory diffuse large B-cell lymphoma, not "
            "otherwise specified (DLBCL, NOS) or large B-cell lymphoma (LBCL) arising from "
            "follicular lymphoma, after two or more lines of systemic therapy."
        ),
        section="1",
        approved="2023-06-15",
        approval_type="accelerated",
        target="CD20",
        criteria=(
            DiagnosisIn(
                "DLBCL, not otherwise specified, or LBCL arising from follicular lymphoma",
                {"dlbcl"},
                review=dict.fromkeys(
                    ("hgbcl", "pmbcl", "lbcl_other", "pcnsl"), NOT_LISTED_FOR_BISPECIFIC
                ),
                basis="label; C17",
            ),
            *CD20_BISPECIFIC_THIRD_LINE,
        ),
        notes="The combination with gemcitabine and oxaliplatin (GemOx) was not approved.",
        sources=(
            "openFDA NDC 50242-125 (Columvi, Genentech) marketing start 2023-06-15; GemOx not "
            f"approved: {UPDATE_DOC} [V] (biobriefs.com).",
        ),
    ),
    # --- Lunsumio -----------------------------------------------------------------------------
    Indication(
        id="LUN-FL",
        product=lun,
        wording=FL_AFTER_TWO_LINES,
        section="1",
        approved="2022-12-22",
        approval_type="accelerated (conversion not confirmed)",
        target="CD20",
        criteria=(*RR_FL_AFTER_TWO_LINES, NO_PRIOR_CD20_BISPECIFIC),
        sources=(f"Approval 22 Dec 2022: {UPDATE_DOC} [V] (gene.com).",),
    ),
)
