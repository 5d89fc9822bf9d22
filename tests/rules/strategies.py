"""Hypothesis strategies for valid screening profiles, weighted towards the label boundaries."""

from hypothesis import strategies as st

from screening.rules.vocabulary import (
    BIOMARKERS,
    DIAGNOSES,
    DISEASE_STATUSES,
    FLAGS,
    OPTIONAL_FLAGS,
    PRIOR_THERAPIES,
)

EDGE_AGES = [0, 0.05, 1 / 12, 0.5, 0.99, 1, 2.9, 3, 12, 17, 17.99, 18, 25, 25.5, 26, 69, 70, 130]
EDGE_MRD = [0, 0.01, 0.09, 0.1, 0.5, 12.0, 100]

ages = st.sampled_from(EDGE_AGES) | st.floats(0, 130, allow_nan=False, allow_infinity=False)
lines = st.integers(0, 6) | st.integers(0, 30)
mrd = st.sampled_from(EDGE_MRD) | st.floats(0, 100, allow_nan=False, allow_infinity=False)
therapies = st.lists(st.sampled_from(sorted(PRIOR_THERAPIES)), unique=True, max_size=8)
flag = st.booleans()

# For every field: the strategy of its known values. Each may also be null (unknown).
KNOWN_VALUES = {
    "age_years": ages,
    "diagnosis": st.sampled_from(sorted(DIAGNOSES)),
    "disease_status": st.sampled_from(sorted(DISEASE_STATUSES)),
    "prior_lines": lines,
    "prior_therapies": therapies,
    "ecog": st.integers(0, 4),
    "mrd_percent": mrd,
    **{key: flag for key in FLAGS},
}
KNOWN_BIOMARKERS = dict.fromkeys(BIOMARKERS, flag)


def _maybe(strategy):
    return st.none() | strategy


schema_patients = st.fixed_dictionaries(
    {
        **{field: _maybe(values) for field, values in KNOWN_VALUES.items()},
        "biomarkers": st.fixed_dictionaries(
            {key: _maybe(values) for key, values in KNOWN_BIOMARKERS.items()}
        ),
    },
    optional={key: _maybe(flag) for key in OPTIONAL_FLAGS},
)


@st.composite
def _with_unrecognised_lines(draw, base=schema_patients):
    """A valid patient; sometimes with treatment lines whose drugs were not recognised (each at
    most prior_lines), the intake's extension of the schema."""
    patient = draw(base)
    highest = patient["prior_lines"] if patient["prior_lines"] is not None else 6
    if highest and draw(st.integers(0, 3)) == 0:
        patient["unrecognised_lines"] = draw(
            st.lists(st.integers(1, highest), unique=True, min_size=1, max_size=3)
        )
    return patient


patients = _with_unrecognised_lines()


def unknown_paths(patient: dict) -> list[tuple[str, ...]]:
    """Every fact this patient leaves unknown, as a path into the dict."""
    paths = [(field,) for field in KNOWN_VALUES if patient[field] is None]
    if patient.get("unrecognised_lines") and patient["prior_lines"] is None:
        # prior_lines must stay at least the highest unrecognised line to be valid.
        paths.remove(("prior_lines",))
    paths += [("biomarkers", key) for key, value in patient["biomarkers"].items() if value is None]
    return paths


def known_values_for(path: tuple[str, ...]):
    return KNOWN_BIOMARKERS[path[1]] if path[0] == "biomarkers" else KNOWN_VALUES[path[0]]
