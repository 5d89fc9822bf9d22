import copy
import re
import subprocess
import sys
from datetime import date

import pytest

from screening.rules import (
    INDICATIONS,
    LABELS_AS_OF,
    PRODUCT_KEYS,
    PRODUCTS,
    RULESET_VERSION,
    screen_patient,
)
from screening.rules.ruleset import rule_data, ruleset_version

from .profiles import make_patient

SHARED_IDS = {
    "KYM-ALL", "KYM-LBCL", "KYM-FL", "YES-LBCL-2L", "YES-LBCL-3L", "YES-FL", "BRE-LBCL-2L",
    "BRE-LBCL-3L", "BRE-CLL", "BRE-FL", "BRE-MCL", "BRE-MZL", "ABE-MM", "CAR-MM", "TEC-MCL",
    "TEC-ALL", "BES-ALL", "REV-KMT2A", "REV-NPM1", "BLI-RR", "BLI-MRD", "BLI-CONS", "AUC-ALL",
}  # fmt: skip
DECEMBER_2026_IDS = {
    "ZIF-NPM1", "TCV-MM-1L", "TCV-MM-4L", "ELR-MM", "LYN-MM", "TAL-MM", "BLE-MM", "EPK-LBCL",
    "EPK-FL", "EPK-FL-R2", "COL-LBCL", "LUN-FL",
}  # fmt: skip
SCHEMA_PRODUCT_KEYS = (
    "kymriah", "yescarta", "breyanzi", "abecma", "carvykti", "tecartus", "besponsa", "revuforj",
    "blincyto", "aucatzyl", "komzifti", "tecvayli", "elrexfio", "talvey", "lynozyfic", "epkinly",
    "columvi", "lunsumio", "blenrep",
)  # fmt: skip
AUTOLOGOUS_CAR_TS_WITH_REMS_REMOVED = (
    "abecma", "breyanzi", "carvykti", "kymriah", "tecartus", "yescarta",
)  # fmt: skip
PARTNERS = {
    "TCV-MM-1L": ("daratumumab and hyaluronidase (Darzalex Faspro)",),
    "BLE-MM": ("bortezomib", "dexamethasone"),
    "EPK-FL-R2": ("lenalidomide", "rituximab"),
}


def test_the_catalogue_holds_the_35_current_indications_under_the_shared_ids():
    ids = [indication.id for indication in INDICATIONS]
    assert len(ids) == 35 == len(set(ids))
    assert set(ids) == SHARED_IDS | DECEMBER_2026_IDS


def test_it_holds_the_nineteen_products_in_schema_order():
    assert tuple(PRODUCTS) == PRODUCT_KEYS == SCHEMA_PRODUCT_KEYS


@pytest.mark.parametrize("product", PRODUCTS.values(), ids=lambda p: p.key)
def test_every_product_records_the_label_record_its_rules_were_checked_against(product):
    """The label watch reads these fields: set id, SPL version, revision and date checked."""
    label = product.label
    if label.set_id is not None:
        assert re.fullmatch(
            r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}", label.set_id
        )
        assert label.url.endswith(f"setid={label.set_id}")
    else:
        assert label.url.endswith(f"query={product.brand.upper()}")
    assert label.spl_version is None or label.spl_version >= 1
    assert date.fromisoformat(label.checked_on) <= date(2026, 12, 31)
    assert label.checked_in.startswith("https://")
    data = product.to_dict()["label"]
    assert {"set_id", "spl_version", "revised", "checked_on", "url"} <= set(data)


def test_the_set_ids_of_the_labels_are_distinct():
    set_ids = [p.label.set_id for p in PRODUCTS.values() if p.label.set_id]
    assert len(set_ids) == len(set(set_ids))
    assert len(set_ids) >= 12


@pytest.mark.parametrize("key", AUTOLOGOUS_CAR_TS_WITH_REMS_REMOVED)
def test_the_six_autologous_car_ts_record_that_their_rems_was_removed(key):
    assert "REMS was removed in June 2025" in PRODUCTS[key].rems
    assert PRODUCTS[key].label.revised >= "2025-06"


def test_the_car_t_caution_no_longer_speaks_of_a_certified_center():
    from screening.rules.cautions import CAR_T_CENTER

    assert "certified" not in CAR_T_CENTER.text
    assert "two weeks" in CAR_T_CENTER.text


def test_blincyto_mrd_is_a_full_approval_since_june_2023():
    mrd = next(i for i in INDICATIONS if i.id == "BLI-MRD")
    assert mrd.approval_type.startswith("regular")
    assert any("6/2023" in source for source in mrd.sources)


def test_breyanzi_fl_no_longer_carries_an_accelerated_approval_statement():
    fl = next(i for i in INDICATIONS if i.id == "BRE-FL")
    assert fl.approval_type.startswith("regular")
    assert "accelerated" not in fl.approval_type.split("(")[0]
    assert any("AA Statement Removed (1.3) 2/2026" in source for source in fl.sources)


@pytest.mark.parametrize("indication", INDICATIONS, ids=lambda i: i.id)
def test_partner_drugs_are_recorded_for_exactly_the_combination_indications(indication):
    assert indication.partners == PARTNERS.get(indication.id, ())
    if indication.partners:
        assert indication.wording.startswith("In combination with")


@pytest.mark.parametrize("indication", INDICATIONS, ids=lambda i: i.id)
def test_every_new_or_corrected_indication_cites_what_was_checked(indication):
    if indication.id in DECEMBER_2026_IDS | {"BLI-MRD", "BRE-FL", "YES-LBCL-2L"}:
        assert indication.sources and all(source.strip() for source in indication.sources)


def test_only_the_unconfirmed_komzifti_wording_is_marked_recalled():
    recalled = [i.id for i in INDICATIONS if i.evidence == "R"]
    assert recalled == ["ZIF-NPM1"]
    zif = next(i for i in INDICATIONS if i.id == "ZIF-NPM1")
    assert zif.criteria[-1].kind == "wording_confirmed"


@pytest.mark.parametrize("indication", INDICATIONS, ids=lambda i: i.id)
def test_every_indication_carries_its_citation_approval_date_and_target(indication):
    label = indication.product.label
    assert label.name.endswith("US Prescribing Information")
    assert label.url.startswith("https://dailymed.nlm.nih.gov/")
    assert re.fullmatch(r"\d{4}(-\d{2})?", label.revised)
    assert re.fullmatch(r"1(\.\d)?", indication.section)
    assert date.fromisoformat(indication.approved) <= date.fromisoformat(LABELS_AS_OF)
    assert indication.target
    assert indication.wording.endswith(".")
    assert indication.criteria[0].name == "diagnosis", "the engine gates on diagnosis first"
    assert all(criterion.label for criterion in indication.criteria)


@pytest.mark.parametrize("product", PRODUCTS.values(), ids=lambda p: p.key)
def test_every_product_carries_maker_class_target_and_response_data(product):
    assert product.maker and product.product_class and product.target
    assert product.response_data
    assert all(fact.trial and fact.result and fact.evidence for fact in product.response_data)
    assert product.is_car_t == ("CAR-T" in product.product_class)


def test_the_education_figures_quote_the_headline_responses():
    kymriah = " ".join(fact.result for fact in PRODUCTS["kymriah"].response_data)
    carvykti = {fact.trial: fact.result for fact in PRODUCTS["carvykti"].response_data}
    assert "above 80%" in kymriah
    assert "98%" in carvykti["CARTITUDE-1"]


def test_the_ruleset_version_is_the_labels_date_plus_a_content_hash():
    assert re.fullmatch(rf"{LABELS_AS_OF}\+[0-9a-f]{{12}}", RULESET_VERSION)
    assert ruleset_version() == RULESET_VERSION


def test_every_result_carries_the_ruleset_version():
    result = screen_patient(make_patient())
    assert result.ruleset == RULESET_VERSION
    assert result.to_dict()["ruleset"] == RULESET_VERSION


@pytest.mark.parametrize(
    "edit",
    [
        lambda data: data["indications"][0]["criteria"][1].update(years=26),
        lambda data: data["products"][3]["label"].update(revised="2025-06"),
        lambda data: data["products"][12]["label"].update(spl_version=7),
        lambda data: data["documents"].update(cd22_positive="pathology report"),
    ],
    ids=["an age limit", "a label revision", "an SPL version", "a document hint"],
)
def test_changing_any_rule_data_changes_the_ruleset_version(edit):
    data = copy.deepcopy(rule_data())
    edit(data)
    assert ruleset_version(data) != RULESET_VERSION


def test_the_rules_module_imports_nothing_from_django():
    code = (
        "import sys, screening.rules, screening.rules.report;"
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'django'))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
