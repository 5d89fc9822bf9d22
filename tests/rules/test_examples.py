import re

import pytest

from screening.rules import PRODUCT_KEYS, screen_patient

from .shared_examples import EXAMPLES, read_examples

CASES = read_examples()
CASE_IDS = [case["id"] for case in CASES]


def test_the_example_cases_are_the_projects_own_fixture_with_one_per_new_product():
    assert EXAMPLES.is_relative_to(EXAMPLES.parents[2] / "tests")
    assert len(CASE_IDS) == len(set(CASE_IDS)) >= 22
    new_products = PRODUCT_KEYS[10:]
    for product in new_products:
        subjects = [c["id"] for c in CASES if c["expected"][product] != "not_eligible"]
        assert subjects, f"no example case where {product} is eligible or needs review"


@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
def test_every_example_case_gives_its_expected_verdict_for_all_nineteen_products(case):
    result = screen_patient(case["patient"])
    assert list(case["expected"]) == list(PRODUCT_KEYS)
    assert result.verdicts() == case["expected"]


@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
def test_every_example_case_explains_every_products_verdict(case):
    assert list(case["why"]) == list(PRODUCT_KEYS)
    assert all(why.strip() for why in case["why"].values())


@pytest.mark.parametrize("case", CASES, ids=CASE_IDS)
def test_the_indication_an_example_names_as_deciding_has_the_products_verdict(case):
    """Where `why` names one indication for an eligible product, that indication carries it."""
    result = screen_patient(case["patient"])
    for product, why in case["why"].items():
        named = re.match(r"([A-Z]{3}-[A-Z0-9-]+): ", why)
        if not named or "|" in why:
            continue
        indications = {i.id: i for i in result.products[product].indications}
        assert indications[named.group(1)].verdict == case["expected"][product], (product, why)
