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


def test_the_catalogue_holds_the_23_current_indications_under_the_shared_ids():
    ids = [indication.id for indication in INDICATIONS]
    assert len(ids) == 23
    assert set(ids) == SHARED_IDS


def test_it_holds_the_ten_products_in_schema_order():
    assert tuple(PRODUCTS) == PRODUCT_KEYS


@pytest.mark.parametrize("indication", INDICATIONS, ids=lambda i: i.id)
def test_every_indication_carries_its_citation_approval_date_and_target(indication):
    label = indication.product.label
    assert label.name.endswith("US Prescribing Information")
    assert label.url.startswith("https://dailymed.nlm.nih.gov/")
    assert re.fullmatch(r"\d{4}-\d{2}", label.revised)
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
        lambda data: data["documents"].update(cd22_positive="pathology report"),
    ],
    ids=["an age limit", "a label revision", "a document hint"],
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
