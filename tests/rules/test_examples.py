import re

import pytest

from screening.rules import PRODUCT_KEYS, screen_patient

from .shared_examples import load_examples


def _cases():
    try:
        return load_examples()
    except BaseException:  # skip/fail is raised again inside the test, where pytest reports it
        return [None]


@pytest.mark.parametrize("case", _cases(), ids=lambda case: case["id"] if case else "missing")
def test_every_example_case_gives_its_expected_verdict_for_all_ten_products(case):
    case = case or load_examples()
    result = screen_patient(case["patient"])
    assert set(case["expected"]) == set(PRODUCT_KEYS)
    assert result.verdicts() == case["expected"]


@pytest.mark.parametrize("case", _cases(), ids=lambda case: case["id"] if case else "missing")
def test_the_indication_an_example_names_as_deciding_has_the_products_verdict(case):
    """Where `why` names one indication for an eligible product, that indication carries it."""
    case = case or load_examples()
    result = screen_patient(case["patient"])
    for product, why in case["why"].items():
        named = re.match(r"([A-Z]{3}-[A-Z0-9-]+): ", why)
        if not named or "|" in why:
            continue
        indications = {i.id: i for i in result.products[product].indications}
        assert indications[named.group(1)].verdict == case["expected"][product], (product, why)
