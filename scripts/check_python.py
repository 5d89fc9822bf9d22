"""Refuse a Python older than the project supports (run by the Makefile before the virtualenv
is made). Python 3.11 and newer are accepted, as `requires-python` in pyproject.toml says."""

import sys

MINIMUM = (3, 11)


def supported(version_info) -> bool:
    return tuple(version_info[:2]) >= MINIMUM


if __name__ == "__main__":
    if not supported(sys.version_info):
        found = ".".join(map(str, sys.version_info[:3]))
        sys.exit(
            f"Navigator needs Python {MINIMUM[0]}.{MINIMUM[1]} or newer; {sys.executable} is "
            f"{found}. Run make PYTHON=python3.11 (or newer)."
        )
