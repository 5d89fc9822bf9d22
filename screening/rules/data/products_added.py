"""The nine products added in December 2026 (shared/domain/indications-update-2026-12.md).

A menin inhibitor, four BCMA- or GPRC5D-directed bispecific antibodies, a BCMA antibody-drug
conjugate and three CD20xCD3 bispecific antibodies. Labels are in `labels.py`; response figures
are for the education panel only ("V" seen in a stored source, "R" recalled from the pivotal
trial and to be checked against the label's section 14 before it is quoted).
"""

from ..catalogue import Product, recalled, verified
from .labels import LABELS

BISPECIFIC = "bispecific T-cell engaging antibody"
# The shared REMS of the two Johnson & Johnson bispecifics (wikidoc's label summary of Tecvayli;
# Mayo Clinic's patient page: "Tecvayli and Talvey REMS program").
JNJ_REMS = "TECVAYLI and TALVEY REMS"

ADDED_PRODUCTS = {
    product.key: product
    for product in (
        Product(
            key="komzifti",
            brand="Komzifti",
            generic="ziftomenib",
            maker="Kura Oncology (with Kyowa Kirin)",
            product_class="oral menin inhibitor",
            target="menin (NPM1-driven leukemia)",
            is_car_t=False,
            label=LABELS["komzifti"],
            labelled_for="NPM1-mutated AML in adults",
            response_data=(
                verified(
                    "KOMET-001",
                    "adults with r/r NPM1-mutated AML",
                    "complete remission (full or partial count recovery) about 21%, lasting a "
                    "median of about 5 months",
                ),
            ),
        ),
        Product(
            key="tecvayli",
            brand="Tecvayli",
            generic="teclistamab-cqyv",
            maker="Johnson & Johnson (Janssen Biotech)",
            product_class=f"BCMA x CD3 {BISPECIFIC}",
            target="BCMA",
            is_car_t=False,
            label=LABELS["tecvayli"],
            labelled_for="multiple myeloma",
            rems=JNJ_REMS,
            response_data=(
                recalled(
                    "MajesTEC-1",
                    "adults with r/r myeloma after 3+ lines",
                    "overall response about 63%",
                ),
                recalled(
                    "MajesTEC-3",
                    "adults with r/r myeloma after 1-3 lines (with daratumumab)",
                    "longer progression-free survival than daratumumab-based standard regimens",
                ),
            ),
        ),
        Product(
            key="elrexfio",
            brand="Elrexfio",
            generic="elranatamab-bcmm",
            maker="Pfizer",
            product_class=f"BCMA x CD3 {BISPECIFIC}",
            target="BCMA",
            is_car_t=False,
            label=LABELS["elrexfio"],
            labelled_for="multiple myeloma",
            response_data=(
                verified(
                    "MagnetisMM-3",
                    "adults with r/r myeloma after 4+ lines, no earlier BCMA-directed therapy",
                    "overall response about 58%",
                ),
            ),
        ),
        Product(
            key="talvey",
            brand="Talvey",
            generic="talquetamab-tgvs",
            maker="Johnson & Johnson (Janssen Biotech)",
            product_class=f"GPRC5D x CD3 {BISPECIFIC}",
            target="GPRC5D",
            is_car_t=False,
            label=LABELS["talvey"],
            labelled_for="multiple myeloma",
            rems=JNJ_REMS,
            response_data=(
                recalled(
                    "MonumenTAL-1",
                    "adults with r/r myeloma after 4+ lines",
                    "overall response about 73% (weekly dosing)",
                ),
            ),
        ),
        Product(
            key="lynozyfic",
            brand="Lynozyfic",
            generic="linvoseltamab-gcpt",
            maker="Regeneron",
            product_class=f"BCMA x CD3 {BISPECIFIC}",
            target="BCMA",
            is_car_t=False,
            label=LABELS["lynozyfic"],
            labelled_for="multiple myeloma",
            response_data=(
                recalled(
                    "LINKER-MM1",
                    "adults with r/r myeloma after 4+ lines",
                    "overall response about 70%",
                ),
            ),
        ),
        Product(
            key="epkinly",
            brand="Epkinly",
            generic="epcoritamab-bysp",
            maker="Genmab and AbbVie",
            product_class=f"CD20 x CD3 {BISPECIFIC} (subcutaneous)",
            target="CD20",
            is_car_t=False,
            label=LABELS["epkinly"],
            labelled_for="DLBCL, high-grade B-cell lymphoma, FL",
            response_data=(
                recalled(
                    "EPCORE NHL-1",
                    "adults with r/r LBCL after 2+ lines",
                    "overall response about 61%, complete response about 38%",
                ),
                recalled(
                    "EPCORE NHL-1",
                    "adults with r/r FL after 2+ lines",
                    "overall response about 82%",
                ),
            ),
        ),
        Product(
            key="columvi",
            brand="Columvi",
            generic="glofitamab-gxbm",
            maker="Genentech (Roche)",
            product_class=f"CD20 x CD3 {BISPECIFIC} (fixed duration, after obinutuzumab)",
            target="CD20",
            is_car_t=False,
            label=LABELS["columvi"],
            labelled_for="DLBCL, LBCL arising from FL",
            response_data=(
                recalled(
                    "NP30179",
                    "adults with r/r LBCL after 2+ lines",
                    "overall response about 56%, complete response about 43%",
                ),
            ),
        ),
        Product(
            key="lunsumio",
            brand="Lunsumio",
            generic="mosunetuzumab-axgb",
            maker="Genentech (Roche)",
            product_class=f"CD20 x CD3 {BISPECIFIC} (fixed duration)",
            target="CD20",
            is_car_t=False,
            label=LABELS["lunsumio"],
            labelled_for="FL",
            response_data=(
                recalled(
                    "GO29781",
                    "adults with r/r FL after 2+ lines",
                    "overall response about 80%, complete response about 60%",
                ),
            ),
        ),
        Product(
            key="blenrep",
            brand="Blenrep",
            generic="belantamab mafodotin-blmf",
            maker="GSK",
            product_class="BCMA-directed antibody-drug conjugate (MMAF)",
            target="BCMA",
            is_car_t=False,
            label=LABELS["blenrep"],
            labelled_for="multiple myeloma",
            response_data=(
                recalled(
                    "DREAMM-7",
                    "adults with r/r myeloma after 1+ line (with bortezomib and dexamethasone)",
                    "longer progression-free survival than daratumumab, bortezomib and "
                    "dexamethasone",
                ),
            ),
        ),
    )
}
