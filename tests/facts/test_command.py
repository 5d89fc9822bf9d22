"""`manage.py extract_facts` as a real subprocess: the exact JSON shape the extractor is
evaluated by, the table for people, and a clear error for a file that is not there."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from tests.facts.corpus import SETS

REPO_ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = SETS["examples"]


def _run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", "extract_facts", *args],
        cwd=REPO_ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def test_it_prints_a_list_of_files_with_their_facts_in_the_agreed_shape():
    text = EXAMPLES / "text" / "R57-mixed-integrated-phball.txt"
    pdf = EXAMPLES / "pdf" / "R30-ngs-aml-npm1wt-flt3.pdf"
    scan = EXAMPLES / "scan" / "R43-mrd-ngs-ball-pos.png"

    completed = _run(str(text), str(pdf), str(scan))

    assert completed.returncode == 0, completed.stderr
    output = json.loads(completed.stdout)
    assert [entry["file"] for entry in output] == [
        "R57-mixed-integrated-phball.txt",
        "R30-ngs-aml-npm1wt-flt3.pdf",
        "R43-mrd-ngs-ball-pos.png",
    ]
    for entry in output:
        assert set(entry) == {"file", "facts"}
        for fact in entry["facts"]:
            assert set(fact) == {"field", "value", "quote", "page"}
    truth = {
        item["file"]: item["expected"] for item in json.loads((EXAMPLES / "truth.json").read_text())
    }
    assert {f["field"]: f["value"] for f in output[0]["facts"]} == truth[text.name]
    assert output[1]["facts"] == [
        {
            "field": "biomarkers.npm1_mutated",
            "value": False,
            "quote": "NPM1 exon 11 insertion: NOT DETECTED (wild-type)",
            "page": 1,
        }
    ]
    assert output[2]["facts"] == [
        {
            "field": "mrd_percent",
            "value": 0.12,
            "quote": "Residual clonal cells: 1.2 x 10^-3 (12 per 10,000 nucleated cells)",
            "page": 1,
        }
    ]


def test_it_prints_a_table_for_people():
    completed = _run("--format", "table", str(EXAMPLES / "text" / "R03-flow-ball-postcart.txt"))

    assert completed.returncode == 0, completed.stderr
    header, *rows = completed.stdout.splitlines()
    assert header.split() == ["FILE", "FIELD", "VALUE", "PAGE", "QUOTE"]
    assert rows[0].split()[:4] == [
        "R03-flow-ball-postcart.txt",
        "biomarkers.cd19_positive",
        "false",
        "1",
    ]
    assert "CD22: POSITIVE, bright (96% of blasts)" in rows[1]


def test_a_file_without_facts_is_listed_empty_with_the_reason_on_stderr(tmp_path):
    note = tmp_path / "note.txt"
    note.write_text("Clinic letter. The patient is well.\n")

    completed = _run(str(note))

    assert completed.returncode == 0
    assert json.loads(completed.stdout) == [{"file": "note.txt", "facts": []}]


def test_a_missing_file_is_an_error_and_the_others_are_still_read(tmp_path):
    completed = _run(str(tmp_path / "missing.pdf"), str(EXAMPLES / "text" / "R17-cyto-ball-ph.txt"))

    assert completed.returncode == 2
    assert "missing.pdf: cannot read (No such file or directory)" in completed.stderr
    assert [entry["file"] for entry in json.loads(completed.stdout)] == ["R17-cyto-ball-ph.txt"]


def test_a_file_that_is_neither_a_report_nor_text_is_listed_with_the_reason(tmp_path):
    binary = tmp_path / "archive.bin"
    binary.write_bytes(b"\x00\xff\xfe\x80" * 64)

    completed = _run(str(binary))

    assert completed.returncode == 0
    assert json.loads(completed.stdout) == [{"file": "archive.bin", "facts": []}]
    assert "archive.bin: no facts (Not a PDF, JPEG, PNG or UTF-8 text file.)" in completed.stderr
