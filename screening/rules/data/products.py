"""The first ten products: maker, class, target, label and headline response data.

Labels (DailyMed set id, revision, the record checked) are in `labels.py`. Response figures are
for the education panel only and carry their evidence mark: "R" means recalled from the
published pivotal trial, to be checked against the label's section 14 before it is quoted.
"""

from ..catalogue import Product, recalled
from ..vocabulary import PRODUCT_KEYS
from .labels import LABELS
from .products_added import ADDED_PRODUCTS

# The labels' "as of" date: the newest label change the rule data reflects (Tecvayli with
# daratumumab, 6 Mar 2026).
LABELS_AS_OF = "2026-03-06"


CAR_T = "autologous CAR-T cell therapy"
# FDA eliminated the REMS of all six autologous CAR-Ts on 26-27 Jun 2025 and shortened the time
# patients stay near the treatment center (FDA safety communication; the labels' recent major
# changes list "REMS removed 6/2025").
REMS_REMOVED = "none: the REMS was removed in June 2025"

_FIRST_TEN = {
    product.key: product
    for product in (
        Product(
            key="kymriah",
            brand="Kymriah",
            generic="tisagenlecleucel",
            maker="Novartis",
            product_class=f"CD19-directed {CAR_T} (4-1BB)",
            target="CD19",
            is_car_t=True,
            label=LABELS["kymriah"],
            labelled_for="B-ALL up to age 25, LBCL, FL",
            rems=REMS_REMOVED,
            response_data=(
                recalled(
                    "ELIANA",
                    "children and young adults with r/r B-ALL",
                    "overall remission rate above 80%",
                ),
                recalled(
                    "JULIET",
                    "adults with r/r LBCL after 2+ lines",
                    "overall response about 50%, complete response about 32%",
                ),
                recalled(
                    "ELARA",
                    "adults with r/r FL after 2+ lines",
                    "overall response about 86%, complete response about 68%",
                ),
            ),
        ),
        Product(
            key="yescarta",
            brand="Yescarta",
            generic="axicabtagene ciloleucel",
            maker="Kite (Gilead)",
            product_class=f"CD19-directed {CAR_T} (CD28)",
            target="CD19",
            is_car_t=True,
            label=LABELS["yescarta"],
            labelled_for="LBCL, FL",
            rems=REMS_REMOVED,
            response_data=(
                recalled(
                    "ZUMA-1",
                    "adults with r/r LBCL after 2+ lines",
                    "overall response about 72%, complete response about 51%",
                ),
                recalled(
                    "ZUMA-7",
                    "adults with LBCL refractory or relapsed within 12 months of first line",
                    "median event-free survival 8.3 months versus 2.0 with standard care",
                ),
                recalled(
                    "ZUMA-5", "adults with r/r FL after 2+ lines", "overall response about 91%"
                ),
            ),
        ),
        Product(
            key="breyanzi",
            brand="Breyanzi",
            generic="lisocabtagene maraleucel",
            maker="Bristol Myers Squibb (Juno)",
            product_class=f"CD19-directed {CAR_T} (4-1BB, defined CD4:CD8 ratio)",
            target="CD19",
            is_car_t=True,
            label=LABELS["breyanzi"],
            labelled_for="LBCL, CLL/SLL, FL, MCL, MZL",
            rems=REMS_REMOVED,
            response_data=(
                recalled(
                    "TRANSCEND NHL 001",
                    "adults with r/r LBCL after 2+ lines",
                    "overall response about 73%, complete response about 54%",
                ),
                recalled(
                    "TRANSFORM",
                    "adults with LBCL refractory or relapsed within 12 months of first line",
                    "median event-free survival 10.1 months versus 2.3 with standard care",
                ),
                recalled(
                    "TRANSCEND CLL 004",
                    "adults with r/r CLL/SLL after a BTK and a BCL-2 inhibitor",
                    "complete response about 20%",
                ),
            ),
        ),
        Product(
            key="abecma",
            brand="Abecma",
            generic="idecabtagene vicleucel",
            maker="Bristol Myers Squibb (2seventy bio)",
            product_class=f"BCMA-directed {CAR_T}",
            target="BCMA",
            is_car_t=True,
            label=LABELS["abecma"],
            labelled_for="multiple myeloma",
            rems=REMS_REMOVED,
            response_data=(
                recalled(
                    "KarMMa",
                    "adults with r/r myeloma after 4+ lines",
                    "overall response about 72%, complete response about 28%",
                ),
                recalled(
                    "KarMMa-3",
                    "adults with r/r myeloma after 2-4 lines",
                    "median progression-free survival 13.3 months versus 4.4 with standard "
                    "regimens; an early survival disadvantage was seen",
                ),
            ),
        ),
        Product(
            key="carvykti",
            brand="Carvykti",
            generic="ciltacabtagene autoleucel",
            maker="Johnson & Johnson (Janssen) and Legend Biotech",
            product_class=f"BCMA-directed {CAR_T}",
            target="BCMA",
            is_car_t=True,
            label=LABELS["carvykti"],
            labelled_for="multiple myeloma",
            rems=REMS_REMOVED,
            response_data=(
                recalled(
                    "CARTITUDE-1",
                    "adults with r/r myeloma after 3+ lines",
                    "overall response about 98%",
                ),
                recalled(
                    "CARTITUDE-4",
                    "adults with lenalidomide-refractory myeloma after 1-3 lines",
                    "risk of progression or death cut by about 74% versus standard regimens",
                ),
            ),
        ),
        Product(
            key="tecartus",
            brand="Tecartus",
            generic="brexucabtagene autoleucel",
            maker="Kite (Gilead)",
            product_class=f"CD19-directed {CAR_T} (CD28)",
            target="CD19",
            is_car_t=True,
            label=LABELS["tecartus"],
            labelled_for="MCL, adult B-ALL",
            rems=REMS_REMOVED,
            response_data=(
                recalled(
                    "ZUMA-2",
                    "adults with r/r mantle cell lymphoma",
                    "overall response about 87%, complete response about 62%",
                ),
                recalled(
                    "ZUMA-3",
                    "adults with r/r B-ALL",
                    "complete remission (with or without full blood count recovery) about 71%",
                ),
            ),
        ),
        Product(
            key="besponsa",
            brand="Besponsa",
            generic="inotuzumab ozogamicin",
            maker="Pfizer",
            product_class="CD22-directed antibody-drug conjugate (calicheamicin)",
            target="CD22",
            is_car_t=False,
            label=LABELS["besponsa"],
            labelled_for="CD22+ B-ALL",
            rems="",
            response_data=(
                recalled(
                    "INO-VATE",
                    "adults with r/r B-ALL",
                    "complete remission about 81% versus 29% with standard chemotherapy",
                ),
            ),
        ),
        Product(
            key="revuforj",
            brand="Revuforj",
            generic="revumenib",
            maker="Syndax",
            product_class="oral menin inhibitor",
            target="menin (KMT2A or NPM1-driven leukemia)",
            is_car_t=False,
            label=LABELS["revuforj"],
            labelled_for="KMT2A-translocated acute leukemia, NPM1-mutated AML",
            rems="",
            response_data=(
                recalled(
                    "AUGMENT-101",
                    "r/r KMT2A-translocated acute leukemia",
                    "complete remission (full or partial count recovery) about 21%",
                ),
                recalled(
                    "AUGMENT-101",
                    "r/r NPM1-mutated AML",
                    "complete remission (full or partial count recovery) about 23%",
                ),
            ),
        ),
        Product(
            key="blincyto",
            brand="Blincyto",
            generic="blinatumomab",
            maker="Amgen",
            product_class="CD19 x CD3 bispecific T-cell engager (continuous infusion)",
            target="CD19",
            is_car_t=False,
            label=LABELS["blincyto"],
            labelled_for="CD19+ B-ALL",
            rems="",
            response_data=(
                recalled(
                    "TOWER",
                    "adults with r/r Ph-negative B-ALL",
                    "median overall survival 7.7 months versus 4.0 with chemotherapy",
                ),
                recalled(
                    "BLAST",
                    "B-ALL in remission with MRD",
                    "complete MRD response about 78% after one cycle",
                ),
                recalled(
                    "E1910",
                    "adults with MRD-negative Ph-negative B-ALL in consolidation",
                    "3-year overall survival about 85% versus 68% with chemotherapy alone",
                ),
            ),
        ),
        Product(
            key="aucatzyl",
            brand="Aucatzyl",
            generic="obecabtagene autoleucel",
            maker="Autolus",
            product_class=f"CD19-directed {CAR_T} (4-1BB, fast off-rate binder)",
            target="CD19",
            is_car_t=True,
            label=LABELS["aucatzyl"],
            labelled_for="adult B-ALL",
            rems="none: approved without a REMS",
            response_data=(
                recalled(
                    "FELIX",
                    "adults with r/r B-ALL",
                    "complete remission (with or without full count recovery) about 63%",
                ),
            ),
        ),
    )
}

PRODUCTS = {key: {**_FIRST_TEN, **ADDED_PRODUCTS}[key] for key in PRODUCT_KEYS}
