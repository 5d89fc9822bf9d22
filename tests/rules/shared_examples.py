"""The public worked examples in ../shared/domain/example-cases.json (read, never copied).

CI always has shared/ beside the clone, so there a missing file is a failure. A developer's
clone may not, and then these tests skip with the reason; set NAVIGATOR_SHARED_DIR to point
elsewhere.
"""

import json
import os
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
SHARED = Path(os.environ.get("NAVIGATOR_SHARED_DIR", REPO.parent / "shared"))
EXAMPLES = SHARED / "domain" / "example-cases.json"


def read_examples() -> list[dict]:
    """The example cases, or an empty list when the file is not there."""
    return json.loads(EXAMPLES.read_text()) if EXAMPLES.exists() else []


def load_examples() -> list[dict]:
    """The example cases; a missing file fails the test in CI and skips it elsewhere."""
    if not EXAMPLES.exists():
        if os.environ.get("CI"):
            pytest.fail(f"{EXAMPLES} is missing; CI must run with shared/ beside the clone")
        pytest.skip(f"{EXAMPLES} not found (set NAVIGATOR_SHARED_DIR to the shared/ folder)")
    return read_examples()
