"""Myeloma indications: the two BCMA CAR-Ts, three BCMA and one GPRC5D bispecific, one BCMA ADC.

Every BCMA-directed product carries C6 (a known BCMA-negative disease needs review) and C15 (any
earlier BCMA-directed therapy needs review); Talvey carries C15 for GPRC5D. The four-line
indications read C16; only Carvykti needs lenalidomide refractoriness.
"""

from ..catalogue import Indication
from ..criteria import FactIs, LinesAtLeast
from .common import (
    ANTI_CD38,
    BCMA_CHECKS,
    FOUR_LINE_MYELOMA,
    FOUR_LINE_MYELOMA_WORDING,
    IMID,
    NO_PRIOR_GPRC5D,
    PI,
    RR_MYELOMA,
    received,
)
from .products import PRODUCTS

abe, car = PRODUCTS["abecma"], PRODUCTS["carvykti"]
tcv, elr, lyn, tal, ble = (
    PRODUCTS["tecvayli"],
    PRODUCTS["elrexfio"],
    PRODUCTS["lynozyfic"],
    PRODUCTS["talvey"],
    PRODUCTS["blenrep"],
)
UPDATE_DOC = "shared/domain/indications-update-2026-12.md"


def _four_line(id, product, approved, approval_type, target, checks, *, sources, notes=""):
    """A four-line indication (C16): the same wording and classes, the product's own checks."""
    return Indication(
        id=id,
        product=product,
        wording=FOUR_LINE_MYELOMA_WORDING,
        section="1",
        approved=approved,
        approval_type=approval_type,
        target=target,
        criteria=(*FOUR_LINE_MYELOMA, *checks),
        notes=notes,
        sources=sources,
    )


MYELOMA_INDICATIONS = (
    # --- Abecma / Carvykti (C15 now also counts an earlier BCMA bispecific or ADC) ---------------
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
            *RR_MYELOMA,
            LinesAtLeast(2, "after two or more prior lines of therapy", basis="label; C3"),
            received(IMID, "including an immunomodulatory agent"),
            received(PI, "a proteasome inhibitor"),
            received(ANTI_CD38, "and an anti-CD38 monoclonal antibody"),
            *BCMA_CHECKS,
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
            *RR_MYELOMA,
            LinesAtLeast(1, "at least 1 prior line of therapy", basis="label; C3"),
            received(PI, "including a proteasome inhibitor"),
            received(IMID, "and an immunomodulatory agent"),
            FactIs(
                "lenalidomide_refractory",
                True,
                "and are refractory to lenalidomide",
                basis="label; C4",
            ),
            *BCMA_CHECKS,
        ),
        notes=(
            "Was four or more prior lines from 28 Feb 2022 until 5 Apr 2024; anti-CD38 exposure "
            "is no longer required."
        ),
    ),
    # --- Tecvayli ----------------------------------------------------------------------------
    Indication(
        id="TCV-MM-1L",
        product=tcv,
        wording=(
            "In combination with daratumumab and hyaluronidase, adult patients with relapsed or "
            "refractory multiple myeloma who have received at least one prior line of therapy "
            "including a proteasome inhibitor and an immunomodulatory agent."
        ),
        section="1",
        approved="2026-03-06",
        approval_type="not confirmed (phase 3 MajesTEC-3)",
        target="BCMA",
        partners=("daratumumab and hyaluronidase (Darzalex Faspro)",),
        criteria=(
            *RR_MYELOMA,
            LinesAtLeast(1, "at least one prior line of therapy", basis="label; C3"),
            received(PI, "including a proteasome inhibitor"),
            received(IMID, "and an immunomodulatory agent"),
            *BCMA_CHECKS,
        ),
        notes="No anti-CD38 exposure and no lenalidomide refractoriness required (C16).",
        sources=(
            f"Approval 6 Mar 2026 with daratumumab SC: {UPDATE_DOC} [V] "
            "(pharmaceutical-business-review.com, pharmacally.com; MajesTEC-3).",
        ),
    ),
    _four_line(
        "TCV-MM-4L",
        tcv,
        "2022-10-25",
        "accelerated (conversion not confirmed)",
        "BCMA",
        BCMA_CHECKS,
        sources=(
            "Approval date confirmed: openFDA NDC 57894-449 (TECVAYLI 10 mg/mL, Janssen) "
            "marketing start 2022-10-25; NDC 63552-198 (teclistamab 90 mg/mL) 25-OCT-22.",
            "Accelerated approval on MajesTEC-1 after prior PI, IMiD and anti-CD38: hcn.health; "
            "wording (at least four prior lines): wikidoc's summary of the FDA label, Medscape.",
        ),
    ),
    # --- Elrexfio, Lynozyfic, Talvey (C16) ---------------------------------------------------
    _four_line(
        "ELR-MM",
        elr,
        "2023-08-14",
        "accelerated",
        "BCMA",
        BCMA_CHECKS,
        sources=(
            "Approval day confirmed: FDA notice 'FDA grants accelerated approval to "
            "elranatamab-bcmm for multiple myeloma' (On August 14, 2023 ...), reprinted by ONS "
            "Voice; openFDA NDC 0069-4494 marketing start 2023-08-15.",
        ),
    ),
    _four_line(
        "LYN-MM",
        lyn,
        "2025-07-02",
        "accelerated",
        "BCMA",
        BCMA_CHECKS,
        sources=(
            "Drugs@FDA BLA 761400 (openFDA): original approval 2025-07-02, label 2025-07-08; "
            f"wording and accelerated approval: {UPDATE_DOC} [V] (curetoday.com, ajmc.com).",
        ),
    ),
    _four_line(
        "TAL-MM",
        tal,
        "2023-08-09",
        "accelerated",
        "GPRC5D",
        (NO_PRIOR_GPRC5D,),
        notes="No profile field records GPRC5D expression, so C6 does not apply.",
        sources=(
            f"Approval 9 Aug 2023: {UPDATE_DOC} [V] (ahdbonline.com); accelerated approval and "
            "the four-line wording: Drugs.com (AHFS) monograph, Medscape.",
        ),
    ),
    # --- Blenrep -----------------------------------------------------------------------------
    Indication(
        id="BLE-MM",
        product=ble,
        wording=(
            "In combination with bortezomib and dexamethasone, adult patients with relapsed or "
            "refractory multiple myeloma who have received at least two prior lines of therapy, "
            "including a proteasome inhibitor and an immunomodulatory agent."
        ),
        section="1",
        approved="2025-10-23",
        approval_type="not confirmed (phase 3 DREAMM-7)",
        target="BCMA",
        partners=("bortezomib", "dexamethasone"),
        criteria=(
            *RR_MYELOMA,
            LinesAtLeast(2, "at least two prior lines of therapy", basis="label; C3"),
            received(PI, "including a proteasome inhibitor"),
            received(IMID, "and an immunomodulatory agent"),
            *BCMA_CHECKS,
        ),
        sources=(
            "openFDA NDC 0173-0913 (Blenrep, GlaxoSmithKline) marketing start 2025-10-23; "
            f"wording: FDA text via einpresswire, {UPDATE_DOC} [V].",
        ),
    ),
)
