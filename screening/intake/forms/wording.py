"""Words for the person filling in the form.

The patient reads "your": "Your date of birth", "Have you had any treatment?". A relative or
friend filling it in for the patient reads "the patient's" for everything about the patient and
"your" for themselves (their name, how to reach them). Coordinators, the case file and the API
read the third-person wording, which is also what a page shows before it knows who is filling
it in.

A label, help text, choice or message that depends on this is written once as
`worded(to_patient, to_someone_else)`; each step form picks one (StepForm.__init__, from who
step 1 says is filling it in).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.functional import Promise

PATIENT = "patient"


@dataclass(frozen=True)
class Worded:
    """One text in the two wordings."""

    to_patient: Promise | str
    to_someone_else: Promise | str

    def pick(self, to_patient: bool):
        return self.to_patient if to_patient else self.to_someone_else

    def __str__(self) -> str:
        # Where nobody picked: the third person, as coordinators read it.
        return str(self.to_someone_else)


def worded(to_patient, to_someone_else) -> Worded:
    return Worded(to_patient, to_someone_else)


def pick(text, to_patient: bool):
    """`text` in the wording for this reader; any other text as it is."""
    return text.pick(to_patient) if isinstance(text, Worded) else text


def pick_choices(choices, to_patient: bool) -> list:
    return [
        (
            value,
            pick_choices(label, to_patient)
            if isinstance(label, list | tuple)
            else pick(label, to_patient),
        )
        for value, label in choices
    ]


def fills_in_for_self(role) -> bool:
    return role == PATIENT
