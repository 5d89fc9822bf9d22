import re

import pytest

from screening.rules import PRODUCT_KEYS, screen_patient

from .shared_examples import EXAMPLES, load_examples, read_examples

# Read at collection; when the file is absent the presence test below says so (and fails in CI).
CASES = read_examples()


def test_the_shared_example_cases_are_present():
    assert load_examples(), f"{EXAMPLES} holds no cases"


@pytest.mark.parametrize("case", CASES, ids=lambda case: case["id"])
def test_every_example_case_gives_its_expected_verdict_for_all_ten_products(case):
    result = screen_patient(case["patient"])
    assert set(case["expected"]) == set(PRODUCT_KEYS)
    assert result.verdicts() == case["expected"]


@pytest.mark.parametrize("case", CASES, ids=lambda case: case["id"])
def test_the_indication_an_example_names_as_deciding_has_the_products_verdict(case):
    """Where `why` names one indication for an eligible product, that indication carries it."""
    result = screen_patient(case["patient"])
    for product, why in case["why"].items():
        named = re.match(r"([A-Z]{3}-[A-Z0-9-]+): ", why)
        if not named or "|" in why:
            continue
        indications = {i.id: i for i in result.products[product].indications}
        assert indications[named.group(1)].verdict == case["expected"][product], (product, why)
