"""hypothesis over the intake: random posts never break a page, random answers always derive a
valid profile."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from screening.intake.derivation import derive_profile
from screening.intake.forms import INTAKE_STEPS
from screening.intake.vocabulary import (
    DISEASES,
    OTHER_TREATMENTS,
    RELEVANT_BIOMARKERS,
    STATUS_QUESTIONS,
    STATUSES,
)
from screening.rules.profile import validate_patient
from tests.intake.helpers import STEPS, step_url, walk_to_review

pytestmark = pytest.mark.django_db

TEXT = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=60)
VALUE = st.one_of(
    TEXT,
    st.sampled_from(["", "yes", "no", "unknown", "on", "2024-03", "13/2024", "-1", "1e309", "0"]),
    st.integers(-(10**12), 10**12).map(str),
    st.dates(date(1, 1, 1), date(9999, 12, 31)).map(date.isoformat),
)


def field_names(step: str) -> list[str]:
    """The step's field names (and formset fields), as the page posts them."""
    form_class = dict(INTAKE_STEPS)[step]
    names = [f"{step}-{name}" for name in form_class.base_fields]
    if step == "diagnosis":
        names += [f"diagnosis-marker_{key}" for key in RELEVANT_BIOMARKERS["unsure"]]
    if step == "status":
        names += [
            "status-mrd",
            "status-mrd_percent",
            *(f"status-{key}" for key in STATUS_QUESTIONS),
        ]
    if step == "treatment":
        for formset, fields in (
            ("lines", ["name", "classes", "start", "end", "best_response", "relapse", "DELETE"]),
            ("transplants", ["kind", "date", "DELETE"]),
        ):
            names += [f"treatment-{formset}-TOTAL_FORMS", f"treatment-{formset}-INITIAL_FORMS"]
            names += [f"treatment-{formset}-{i}-{field}" for i in range(3) for field in fields]
    return names


@st.composite
def posts(draw, step):
    names = field_names(step)
    body = {
        name: draw(st.one_of(VALUE, st.lists(VALUE, max_size=3)))
        for name in draw(st.lists(st.sampled_from(names), unique=True, max_size=len(names)))
    }
    body["intake-current_step"] = draw(st.one_of(st.just(step), st.sampled_from(STEPS), TEXT))
    button = draw(
        st.sampled_from(
            [
                None,
                "wizard_goto_step",
                "wizard_save",
                "add_line",
                "add_transplant",
                "upload",
                "remove",
            ]
        )
    )
    if button:
        body[button] = draw(st.one_of(st.sampled_from(STEPS), VALUE))
    if step == "documents" and draw(st.booleans()):
        body["documents-files"] = [
            SimpleUploadedFile(
                draw(st.sampled_from(["r.pdf", "../../x.pdf", "scan.PNG", "a b.jpg", "n"])),
                draw(st.binary(max_size=300)),
            )
        ]
    return body


@pytest.mark.parametrize("step", STEPS)
@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(data=st.data())
def test_random_posts_to_a_step_never_break_the_page(step, data, client):
    # Sometimes a visitor with every step answered; otherwise whatever earlier examples left.
    if data.draw(st.integers(0, 3), label="answer every step first") == 0:
        walk_to_review(client)
    body = data.draw(posts(step), label="post")
    response = client.post(step_url(step), body)
    assert response.status_code in {200, 302, 400, 404, 429}, response.status_code
    if response.status_code == 302:
        follow = client.get(response["Location"])
        assert follow.status_code in {200, 302}


MONTHS = st.dates(date(1990, 1, 1), date.today()).map(lambda d: f"{d.year:04d}-{d.month:02d}")


@st.composite
def answers(draw):
    disease = draw(st.sampled_from(sorted(DISEASES)))
    line = st.fixed_dictionaries(
        {
            "name": st.one_of(st.sampled_from(["R-CHOP", "VRd", "ibrutinib", "7+3", ""]), TEXT),
            "classes": st.lists(
                st.sampled_from(["chemotherapy", "imid", "tki", "cd19_car_t", "bogus"])
            ),
            "start": st.one_of(st.none(), MONTHS),
            "end": st.one_of(st.none(), MONTHS),
            "relapse": st.one_of(st.none(), MONTHS),
        }
    )
    today = date.today()
    return {
        "about": {
            "date_of_birth": draw(st.dates(today - timedelta(days=120 * 365), today)).isoformat()
        },
        "diagnosis": {
            "disease": disease,
            "biomarkers": {
                key: draw(st.sampled_from(["yes", "no", "unknown"]))
                for key in RELEVANT_BIOMARKERS[disease]
            },
        },
        "status": {
            "status": draw(st.sampled_from(STATUSES)),
            "mrd": draw(st.sampled_from(["not_tested", "negative", "detectable", None])),
            "mrd_percent": draw(st.one_of(st.none(), st.floats(0, 100))),
            **{
                key: draw(st.sampled_from(["yes", "no", "unknown"]))
                for key in STATUS_QUESTIONS
                if key != "mrd"
            },
        },
        "treatment": {
            "had_treatment": draw(st.sampled_from(["yes", "no", "unknown"])),
            "lines": draw(st.lists(line, max_size=5)),
            "transplants": draw(
                st.lists(
                    st.fixed_dictionaries(
                        {"kind": st.sampled_from(["autologous", "allogeneic", "unknown"])}
                    ),
                    max_size=2,
                )
            ),
            "other_treatments": draw(
                st.lists(st.sampled_from(sorted(OTHER_TREATMENTS)), max_size=3)
            ),
        },
        "health": {
            "ecog": draw(st.sampled_from(["0", "1", "2", "3", "4", "unknown"])),
            "active_infection": draw(st.sampled_from(["yes", "no", "unknown"])),
            "cns_involvement": draw(st.sampled_from(["yes", "no", "unknown"])),
        },
    }


@settings(max_examples=300, deadline=None)
@given(answers())
def test_any_answers_derive_a_valid_deterministic_profile(answers_):
    today = date.today()
    profile = derive_profile(answers_, today=today)
    validate_patient(profile)
    assert derive_profile(answers_, today=today) == profile
    treatment = answers_["treatment"]
    if treatment["had_treatment"] == "yes":
        assert profile["prior_lines"] == len(treatment["lines"])
    if profile["prior_therapies"] is not None:
        assert profile["prior_therapies"] == sorted(set(profile["prior_therapies"]))
