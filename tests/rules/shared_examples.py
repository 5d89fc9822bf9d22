"""The worked example cases, as the project's own fixture (tests/rules/example_cases.json).

Copied from the reference material's domain/example-cases.json (the ten products) and extended,
from the conventions of case-schema.md, with the nine products and twelve indications of
December 2026 and one or more cases for each of them. Tests never read the reference folder
beside the checkout: a fresh clone runs them all.
A missing or empty fixture is a failure, never a skip.
"""

import json
from pathlib import Path

EXAMPLES = Path(__file__).resolve().parent / "example_cases.json"


def read_examples() -> list[dict]:
    """The example cases; raises if the fixture is missing or unreadable (so collection fails)."""
    cases = json.loads(EXAMPLES.read_text(encoding="utf-8"))
    if not cases:
        raise AssertionError(f"{EXAMPLES} holds no cases")
    return cases


def load_examples() -> list[dict]:
    """Kept for the tests that call it at run time: the same cases as read_examples()."""
    return read_examples()
