import re
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]


def env_example_variables() -> set[str]:
    text = (REPO_ROOT / ".env.example").read_text()
    return set(re.findall(r"^([A-Z][A-Z0-9_]+)=", text, flags=re.MULTILINE))


def test_it_documents_every_variable_of_env_example_in_the_readme():
    readme = (REPO_ROOT / "README.md").read_text()
    table = readme.split("## Configuration", 1)[1].split("## Architecture", 1)[0]

    missing = {name for name in env_example_variables() if f"`{name}`" not in table}

    assert not missing, f"README configuration table lacks {sorted(missing)}"


def test_it_lists_every_readme_variable_in_env_example():
    readme = (REPO_ROOT / "README.md").read_text()
    table = readme.split("## Configuration", 1)[1].split("## Architecture", 1)[0]
    documented = set(re.findall(r"^\| `([A-Z][A-Z0-9_]+)`", table, flags=re.MULTILINE))
    text = (REPO_ROOT / ".env.example").read_text()

    missing = {name for name in documented if name not in text}

    assert not missing, f".env.example lacks {sorted(missing)}"
