"""The program category of a study, derived from its record by a fixed, tested rule.

Categories (trials.md): CRISPR-edited autologous, allogeneic, CD7, dual-target, BCMA, GPRC5D,
CAR-NK, other. Read from the titles, the keywords and the interventions (names, other names,
descriptions), plus the eligibility text for the words "allogeneic CAR-T" only (eligibility
text is full of allogeneic *transplants*, which say nothing about the product). The first rule
that applies wins:

1. CAR-NK: a CAR-engineered NK cell product.
2. Allogeneic: an off-the-shelf, universal or healthy-donor product (by those words or by a
   known product name, since sponsors often give only the code: ALLO-501A, cema-cel, CTX112,
   UCART22, WU-CART-007, BEAM-201 ...). A CD7 product made for the patient from their own
   transplant donor is not "off the shelf" and falls through to CD7.
3. CRISPR-edited autologous: gene-edited (CRISPR/Cas9, base editing) and not allogeneic.
4. Dual-target: two antigens in one product (CD19/CD22, bispecific or tandem CAR).
5. CD7, 6. GPRC5D, 7. BCMA: the product's target.
8. Other.
"""

from __future__ import annotations

import re

from .record import StudyRecord

CRISPR_AUTOLOGOUS = "crispr_autologous"
ALLOGENEIC = "allogeneic"
CD7 = "cd7"
DUAL_TARGET = "dual_target"
BCMA = "bcma"
GPRC5D = "gprc5d"
CAR_NK = "car_nk"
OTHER = "other"

CATEGORIES = {
    CRISPR_AUTOLOGOUS: "CRISPR-edited autologous",
    ALLOGENEIC: "Allogeneic (off-the-shelf)",
    CD7: "CD7",
    DUAL_TARGET: "Dual-target",
    BCMA: "BCMA",
    GPRC5D: "GPRC5D",
    CAR_NK: "CAR-NK",
    OTHER: "Other",
}

_CAR_NK = re.compile(
    r"\bcar[- ]?nk\b|\bnk[- ]?car\b|\bcar[- ]engineered nk\b|"
    r"\bchimeric antigen receptor[- ](engineered |modified |transduced )?(natural killer|nk)\b",
    re.I,
)
# Known allogeneic products by code or name (sponsors often give nothing else).
ALLOGENEIC_PRODUCTS = (
    "allo-501",
    "allo-715",
    "allo-316",
    "cema-cel",
    "cemacabtagene",
    "ctx110",
    "ctx112",
    "ctx120",
    "ctx130",
    "zugo-cel",
    "zugocaptagene",
    "cb-010",
    "cb-011",
    "vispa-cel",
    "ucart",
    "lasme-cel",
    "wu-cart-007",
    "beam-201",
    "pbcar",
    "ptg-",
)
_ALLOGENEIC = re.compile(
    r"\ballogen(e)?ic\b(?!\s+(hematopoietic|haematopoietic|stem|bone|transplant|hsct|hct|sct))"
    r"|\boff[- ]the[- ]shelf\b|\buniversal\b|\bhealthy[- ]donor|\bthird[- ]party donor",
    re.I,
)
_ALLOGENEIC_PRODUCT_TEXT = re.compile(
    r"\ballogen(e)?ic\b[\s(),]*(\w+[\s(),-]*){0,3}?(car|chimeric|t[- ]cells?\b|nk\b|product)",
    re.I,
)
_EDITED = re.compile(
    r"\bcrispr|\bcas9\b|\bbase[- ]edit|\bgene[- ]edit|\bgenome[- ]edit|\bknock[- ]?(out|in)\b|"
    r"\bknocked\b",
    re.I,
)
_DUAL = re.compile(
    r"\b(cd19|cd20|cd22|bcma|gprc5d|cd7|cd5|cd38|cd123|cll-?1)\s*(/|x|×|and|-)\s*(cd19|cd20|"
    r"cd22|bcma|gprc5d|cd7|cd5|cd38|cd123|cll-?1)\b"
    r"|\bbi-?specific car|\btandem car|\bdual[- ]target|\bbicistronic|\bdual car",
    re.I,
)
_CD7 = re.compile(r"\bcd7\b", re.I)
_GPRC5D = re.compile(r"\bgprc5d\b|\barlo-cel|\barlocabtagene|\bbms-986393", re.I)
_BCMA = re.compile(r"\bbcma\b|\bddbcma|\banito-cel|\banitocabtagene|\bcilta-cel|\bide-cel", re.I)


def _product_text(record: StudyRecord) -> str:
    parts = [record.title, record.official_title, record.acronym, *record.keywords]
    for item in record.interventions:
        if item.type == "DRUG":
            continue  # lymphodepletion and bridging drugs say nothing about the product
        parts += [item.name, *item.other_names, item.description]
    return " \n ".join(p for p in parts if p)


def derive_category(record: StudyRecord) -> str:
    text = _product_text(record)
    lowered = text.lower()
    if _CAR_NK.search(text):
        return CAR_NK
    donor_derived = re.search(r"\bdonor[- ]derived\b", lowered) is not None
    allogeneic = (
        _ALLOGENEIC.search(text) is not None
        or any(code in lowered for code in ALLOGENEIC_PRODUCTS)
        or _ALLOGENEIC_PRODUCT_TEXT.search(record.eligibility_text or "") is not None
    )
    if allogeneic and not (donor_derived and _CD7.search(text)):
        return ALLOGENEIC
    if _EDITED.search(text):
        return CRISPR_AUTOLOGOUS
    if _DUAL.search(text):
        return DUAL_TARGET
    if _CD7.search(text):
        return CD7
    if _GPRC5D.search(text):
        return GPRC5D
    if _BCMA.search(text):
        return BCMA
    return OTHER


TARGETS = {
    "CD19": re.compile(
        r"\bcd19\b|\ballo-501|\bcema-cel|\bcemacabtagene|\bctx11[02]|\bzugo|\bcb-010|\bvispa-cel"
        r"|\bobe-cel|\bobecabtagene",
        re.I,
    ),
    "CD22": re.compile(r"\bcd22\b|\bucart22|\blasme-cel", re.I),
    "CD7": re.compile(r"\bcd7\b|\bwu-cart-007|\bbeam-201", re.I),
    "BCMA": _BCMA,
    "GPRC5D": _GPRC5D,
}


def derive_targets(record: StudyRecord) -> tuple[str, ...]:
    """The antigens the product is directed at, as far as the record names them."""
    text = _product_text(record)
    return tuple(name for name, pattern in TARGETS.items() if pattern.search(text))
