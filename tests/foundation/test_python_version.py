"""The Makefile's Python gate: 3.11 and newer pass, older versions are refused."""

import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
_spec = importlib.util.spec_from_file_location(
    "check_python", REPO_ROOT / "scripts/check_python.py"
)
check_python = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(check_python)
supported = check_python.supported


@pytest.mark.parametrize("version", [(3, 11, 0), (3, 12, 3), (3, 13, 5), (4, 0, 0)])
def test_it_accepts_python_3_11_and_newer(version):
    assert supported(version)


@pytest.mark.parametrize("version", [(3, 10, 14), (3, 9, 0), (2, 7, 18)])
def test_it_refuses_older_pythons(version):
    assert not supported(version)


def test_the_makefile_gate_passes_with_this_interpreter():
    result = subprocess.run(
        [sys.executable, "scripts/check_python.py"], cwd=REPO_ROOT, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr


def test_requires_python_says_the_same():
    text = (REPO_ROOT / "pyproject.toml").read_text()
    assert 'requires-python = ">=3.11"' in text
