"""The US label of every product, and the label record its rules were checked against.

`set_id` is the label's DailyMed set id (stable across versions); the label watch asks DailyMed for
the current version of each set id and compares it with `spl_version` and `revised`. Where no
stored source showed a value it is None, and the watch's first answer is a change for a person to
review. `revised` is the newest label revision the checked sources confirm ("YYYY-MM", or "YYYY"
where only the year is confirmed). `checked_on` is the date of the label record that was read
(openFDA's `last_updated`, or the day a page without a date was read), `checked_in` where it
was read.

Every value here was seen in a stored public source in December 2026 (openFDA label, NDC and
Drugs@FDA records, DailyMed pages); the README lists what was found where.
"""

from ..catalogue import Label

OPENFDA_LABEL = "https://api.fda.gov/drug/label.json?search=openfda.generic_name:"
OPENFDA_NDC = "https://api.fda.gov/drug/ndc.json?search=packaging.package_ndc:"


def _label(brand, generic, revised, set_id, checked_on, checked_in, spl_version=None):
    return Label(
        name=f"{brand.upper()} ({generic}) US Prescribing Information",
        revised=revised,
        set_id=set_id,
        spl_version=spl_version,
        checked_on=checked_on,
        checked_in=checked_in,
        brand_query=brand.upper(),
    )


LABELS = {
    # Recent major changes: Boxed Warning 6/2025, REMS (5.3) removed 6/2025, Warnings 12/2025.
    # Set id from DailyMed's medication guide page (setid=aad3ba54-...).
    "kymriah": _label(
        "Kymriah",
        "tisagenlecleucel",
        "2025-12",
        "aad3ba54-dfd3-4cb3-9e2b-c5ef89559189",
        "2026-06-09",
        OPENFDA_LABEL + '"TISAGENLECLEUCEL"',
    ),
    # PCNSL limitation removed 6 Feb 2026 (Kite); set id from the FDA SPL document 9b70606e-...
    "yescarta": _label(
        "Yescarta",
        "axicabtagene ciloleucel",
        "2026-02",
        "9b70606e-b99c-4272-a0f1-b5523cce0c59",
        "2026-07-23",
        OPENFDA_LABEL + '"axicabtagene ciloleucel"',
    ),
    # Recent major changes: AA statement removed (1.3) 2/2026, MZL (1.5) 12/2025, REMS removed
    # 6/2025. Set id from openFDA NDC 73153-900.
    "breyanzi": _label(
        "Breyanzi",
        "lisocabtagene maraleucel",
        "2026-02",
        "594bb413-af3b-4b97-afb3-bfe2b174f2ed",
        "2026-08-11",
        OPENFDA_LABEL + '"LISOCABTAGENE MARALEUCEL"',
    ),
    # Recent major changes: Boxed Warning 6/2025, REMS (5.5) removed 6/2025, 2.2 and 5.2/5.3
    # 11/2025. Set id from the guidelinecentral.com label page (DailyMed set id in its address).
    "abecma": _label(
        "Abecma",
        "idecabtagene vicleucel",
        "2025-11",
        "b90c1fe7-f5cc-464e-958a-af36e9c26d7c",
        "2026-08-11",
        OPENFDA_LABEL + '"IDECABTAGENE VICLEUCEL"',
    ),
    # REMS removed June 2025 (FDA, all autologous CAR-Ts); immune effector cell-associated
    # enterocolitis in the boxed warning (epocrates); the month of that revision is not confirmed.
    "carvykti": _label(
        "Carvykti",
        "ciltacabtagene autoleucel",
        "2025-06",
        "7d040b91-3fb8-41db-ba7f-60a36f06e2c2",
        "2026-07-21",
        OPENFDA_LABEL + '"ciltacabtagene autoleucel"',
    ),
    # Boxed warning and warnings revised 6/2025 (openFDA); set id from openFDA NDC 71287-219.
    "tecartus": _label(
        "Tecartus",
        "brexucabtagene autoleucel",
        "2025-06",
        "a16108c2-7ca7-45af-965e-54bda4713022",
        "2026-08-11",
        OPENFDA_LABEL + '"BREXUCABTAGENE AUTOLEUCEL"',
    ),
    # Recent major changes 3/2024 (pediatric indication), Pfizer's highlights page.
    "besponsa": _label(
        "Besponsa",
        "inotuzumab ozogamicin",
        "2024-03",
        None,
        "2026-12-02",
        "https://www.pfizermedicalinformation.com/besponsa/highlights",
    ),
    "revuforj": _label(
        "Revuforj",
        "revumenib",
        "2025-10",
        None,
        "2026-06-02",
        OPENFDA_LABEL + '"Revumenib"',
    ),
    # MRD indication (1.1) revised 6/2023 without its accelerated-approval statement; boxed
    # warning now names ICANS; 2025 revisions per openFDA (month not confirmed).
    "blincyto": _label(
        "Blincyto",
        "blinatumomab",
        "2025",
        "38b482a8-960b-4591-9857-5031ecb830aa",
        "2026-06-01",
        OPENFDA_LABEL + '"blinatumomab"',
    ),
    # Not re-read in December 2026: the DailyMed highlights read for shared/domain/indications.md.
    "aucatzyl": _label(
        "Aucatzyl",
        "obecabtagene autoleucel",
        "2024-11",
        None,
        "2026-02-06",
        "https://dailymed.nlm.nih.gov/dailymed/search.cfm?labeltype=all&query=AUCATZYL",
    ),
    "komzifti": _label(
        "Komzifti",
        "ziftomenib",
        "2025-11",
        "b650f696-3391-4274-8b55-a5f5e9d04769",
        "2026-08-11",
        OPENFDA_LABEL + '"ZIFTOMENIB"',
    ),
    # Set id from openFDA NDC 57894-449; daratumumab combination approved 6 Mar 2026.
    "tecvayli": _label(
        "Tecvayli",
        "teclistamab-cqyv",
        "2026-03",
        "54e0f974-ccee-44ea-9254-40e9883cee1e",
        "2026-06-01",
        OPENFDA_LABEL + '"teclistamab-cqyv"',
    ),
    # Recent major changes: dosage 2.2, 2.4, 2.6 7/2025 (openFDA); Drugs@FDA BLA 761345 S003.
    "elrexfio": _label(
        "Elrexfio",
        "elranatamab-bcmm",
        "2025-07",
        None,
        "2026-06-02",
        OPENFDA_LABEL + '"Elranatamab-Bcmm"',
    ),
    "talvey": _label(
        "Talvey",
        "talquetamab-tgvs",
        "2023-08",
        None,
        "2026-06-02",
        OPENFDA_LABEL + '"Talquetamab"',
    ),
    # Drugs@FDA BLA 761400: original approval 2 Jul 2025, label posted 8 Jul 2025.
    "lynozyfic": _label(
        "Lynozyfic",
        "linvoseltamab-gcpt",
        "2025-07",
        None,
        "2026-07-21",
        OPENFDA_LABEL + '"linvoseltamab"',
    ),
    # Set id from openFDA NDC 82705-002; lenalidomide-rituximab combination 18 Nov 2025.
    "epkinly": _label(
        "Epkinly",
        "epcoritamab-bysp",
        "2025-11",
        "d7836711-b677-412d-bf2d-0f7c8444103a",
        "2026-08-11",
        OPENFDA_LABEL + '"EPCORITAMAB-BYSP"',
    ),
    # Set id from openFDA NDC 50242-125.
    "columvi": _label(
        "Columvi",
        "glofitamab-gxbm",
        "2023-06",
        "3516e753-f064-4d30-9bd5-e3f2e143f75d",
        "2026-06-01",
        OPENFDA_LABEL + '"glofitamab"',
    ),
    # Drugs@FDA BLA 761263 S006 (efficacy) approved 19 Dec 2025. The subcutaneous Lunsumio
    # VELO has its own label (set id 6a2b6dc2-48bd-4da7-a611-bc6bae2893c8), not this one.
    "lunsumio": _label(
        "Lunsumio",
        "mosunetuzumab-axgb",
        "2025-12",
        None,
        "2026-06-01",
        OPENFDA_LABEL + '"mosunetuzumab"',
    ),
    # Set id from openFDA NDC 0173-0913 (marketing start 23 Oct 2025).
    "blenrep": _label(
        "Blenrep",
        "belantamab mafodotin-blmf",
        "2025-10",
        "aef7c34c-fef8-407c-99c0-a68aded53c60",
        "2026-09-29",
        OPENFDA_NDC + '"0173-0913-01"',
    ),
}
