"""The import-linter contracts of pyproject.toml (run by `make lint`) hold on the code, and
break on a copy of it given a forbidden import."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
LINT_IMPORTS = Path(sys.executable).parent / "lint-imports"


def lint_imports(root: Path) -> subprocess.CompletedProcess:
    env = {**os.environ, "PYTHONPATH": str(root)}
    return subprocess.run(
        [str(LINT_IMPORTS), "--no-cache"],
        cwd=root,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture
def copy_of_the_code(tmp_path):
    ignore = shutil.ignore_patterns("__pycache__", "*.pyc")
    for package in ("screening", "navigator"):
        shutil.copytree(REPO_ROOT / package, tmp_path / package, ignore=ignore)
    shutil.copy(REPO_ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    return tmp_path


def add_import(module: Path, statement: str) -> None:
    text = module.read_text()
    module.write_text(text + f"\n\ndef _added():\n    {statement}\n")


def test_the_code_keeps_every_contract(copy_of_the_code):
    result = lint_imports(copy_of_the_code)
    assert result.returncode == 0, result.stdout
    assert "3 kept, 0 broken" in result.stdout


@pytest.mark.parametrize(
    ("module", "statement", "broken"),
    [
        ("screening/pipeline/sweeper.py", "from screening import tasks", "Nothing but Celery"),
        ("screening/rules/engine.py", "import django", "The rules are pure Python"),
        ("screening/core/timeline.py", "from screening.triage import actions", "Stages form"),
        ("screening/notify/outbox.py", "from screening.intake import submit", "Stages form"),
    ],
)
def test_a_forbidden_import_breaks_a_contract(copy_of_the_code, module, statement, broken):
    add_import(copy_of_the_code / module, statement)

    result = lint_imports(copy_of_the_code)

    assert result.returncode == 1, result.stdout
    assert broken in result.stdout.split("Broken contracts", 1)[1]


# Modules that are data (cited tables, word lists), not logic: no size limit. They live in
# data/ folders (rules/data/, documents/facts/data/).
DATA_MODULES: set[str] = set()


def test_no_module_is_over_500_lines_outside_migrations_and_data():
    too_long = {}
    for package in ("screening", "navigator"):
        for path in sorted((REPO_ROOT / package).rglob("*.py")):
            relative = path.relative_to(REPO_ROOT).as_posix()
            if "/migrations/" in relative or "/data/" in relative or relative in DATA_MODULES:
                continue
            lines = len(path.read_text().splitlines())
            if lines > 500:
                too_long[relative] = lines
    assert too_long == {}, "split these by the noun they serve"
