"""`manage.py screen` run as a real process: exit codes and stdin are part of its contract."""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from screening.rules import LABELS_AS_OF, PRODUCT_KEYS

from .profiles import make_patient
from .shared_examples import EXAMPLES, load_examples

MANAGE = Path(__file__).resolve().parents[2] / "manage.py"


def run_screen(*args, stdin=None):
    return subprocess.run(
        [sys.executable, str(MANAGE), "screen", *args],
        input=stdin,
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_it_screens_the_example_file_in_input_order_with_the_expected_verdicts():
    cases = load_examples()
    done = run_screen(str(EXAMPLES))
    assert done.returncode == 0, done.stderr
    outputs = json.loads(done.stdout)
    assert [output["id"] for output in outputs] == [case["id"] for case in cases]
    for case, output in zip(cases, outputs, strict=True):
        assert set(output) == {"id", "ruleset", "results"}
        assert list(output["results"]) == list(PRODUCT_KEYS)
        verdicts = {key: result["verdict"] for key, result in output["results"].items()}
        assert verdicts == case["expected"]
        for result in output["results"].values():
            assert {"verdict", "indications", "missing", "cautions"} <= set(result)
            for indication in result["indications"]:
                assert {"id", "verdict", "criteria"} <= set(indication)
                for criterion in indication["criteria"]:
                    assert {"name", "outcome", "explanation"} <= set(criterion)


def test_it_reads_one_case_without_an_id_from_stdin():
    case = {"patient": make_patient(diagnosis="mm", disease_status="newly_diagnosed")}
    done = run_screen("-", stdin=json.dumps(case))
    assert done.returncode == 0, done.stderr
    [output] = json.loads(done.stdout)
    assert output["id"] is None
    assert output["results"]["abecma"]["verdict"] == "not_eligible"


def test_an_invalid_case_gets_its_errors_in_place_and_exit_status_2():
    good = {"id": "good", "patient": make_patient(), "expected": {}, "why": {}}
    bad = {"id": "bad", "patient": make_patient(age_years="twelve", diagnosis="leukaemia")}
    no_patient = {"id": "empty"}
    done = run_screen("-", stdin=json.dumps([good, bad, no_patient]))
    assert done.returncode == 2
    outputs = json.loads(done.stdout)
    assert [output["id"] for output in outputs] == ["good", "bad", "empty"]
    assert "results" in outputs[0]
    assert outputs[1]["errors"] == [
        "patient.age_years: 'twelve' is not allowed; expected an age in years from 0 to 130, "
        "or null if unknown.",
        outputs[1]["errors"][1],
    ]
    assert outputs[1]["errors"][1].startswith("patient.diagnosis: 'leukaemia' is not allowed")
    assert outputs[2]["errors"] == ["patient: is missing; every case needs a 'patient' object"]
    assert "2 of 3 case(s) invalid" in done.stderr
    assert "Traceback" not in done.stderr


@pytest.mark.parametrize(
    ("stdin", "message"),
    [
        ("[{]", "is not valid JSON: Expecting property name enclosed in double quotes at line 1"),
        ('"just a string"', "expected a case object or a list of cases, got str"),
    ],
)
def test_an_unreadable_document_is_refused_with_a_clear_message(stdin, message):
    done = run_screen("-", stdin=stdin)
    assert done.returncode == 2
    assert message in done.stderr
    assert "Traceback" not in done.stderr


def test_a_missing_file_is_refused_with_a_clear_message(tmp_path):
    done = run_screen(str(tmp_path / "nowhere.json"))
    assert done.returncode == 2
    assert "cannot read" in done.stderr and "No such file" in done.stderr


def test_the_table_format_is_readable_and_carries_the_notice():
    case = {
        "id": "T1",
        "patient": make_patient(
            age_years=45,
            diagnosis="b_all",
            disease_status="relapsed",
            prior_lines=1,
            prior_therapies=["chemotherapy"],
            cd22_positive=None,
        ),
    }
    done = run_screen("-", "--format", "table", stdin=json.dumps([case]))
    assert done.returncode == 0, done.stderr
    assert f"T1  (ruleset {LABELS_AS_OF}+" in done.stdout
    assert "Aucatzyl   likely eligible  AUC-ALL" in done.stdout
    assert "Besponsa   needs review     BES-ALL" in done.stdout
    assert "missing: CD22 expression (flow cytometry report)" in done.stdout
    assert "It is not medical advice" in done.stdout


def test_the_default_output_is_compact_json_and_indent_is_for_people():
    case = {"id": "C1", "patient": make_patient(diagnosis="mm", disease_status="refractory")}
    compact = run_screen("-", stdin=json.dumps(case))
    indented = run_screen("-", "--indent", "2", stdin=json.dumps(case))

    assert compact.returncode == indented.returncode == 0
    assert compact.stdout.count("\n") == 1  # one line, and the final newline
    assert '": ' not in compact.stdout and '", "' not in compact.stdout
    assert indented.stdout.startswith('[\n  {\n    "id": "C1"')
    assert json.loads(compact.stdout) == json.loads(indented.stdout)


def test_a_negative_indent_is_refused_with_a_clear_message():
    done = run_screen("-", "--indent", "-1", stdin="[]")
    assert done.returncode == 2
    assert "--indent must be 0 or more" in done.stderr
