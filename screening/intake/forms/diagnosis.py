"""Step 2: the diagnosis in plain words, its details, when, and the test results that matter.

The biomarker questions depend on the disease, and the page must work without JavaScript, so
the step has two parts: once a disease is chosen, the same page comes back with the test
questions for that disease (answers kept). A hidden input records which disease the questions
on the page were for; when the disease changes, the questions are asked again.
"""

from __future__ import annotations

from crispy_forms.layout import Fieldset
from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from screening.intake.forms.fields import (
    TRI_STATE_CHOICES,
    UNKNOWN,
    MonthField,
    StepForm,
    month_text,
    paragraph,
    step_helper,
    tri_state_field,
)
from screening.intake.forms.follow_ups import FollowUp
from screening.intake.forms.wording import worded
from screening.intake.vocabulary import ALL_BIOMARKERS, DISEASES, RELEVANT_BIOMARKERS

DISEASE_GROUPS = [
    ("", _("Choose the diagnosis")),
    (
        _("Leukemia"),
        [
            ("b_all", _("Acute lymphoblastic leukemia (ALL), B-cell type (B-ALL)")),
            ("t_all", _("Acute lymphoblastic leukemia (ALL), T-cell type (T-ALL)")),
            ("all_unsure", _("Acute lymphoblastic leukemia (ALL), not sure which type")),
            ("aml", _("Acute myeloid leukemia (AML)")),
            ("mpal", _("Mixed-phenotype acute leukemia (MPAL)")),
            ("cll", _("Chronic lymphocytic leukemia (CLL)")),
            ("leukemia_unsure", _("Leukemia, not sure which kind")),
        ],
    ),
    (
        _("Lymphoma"),
        [
            ("dlbcl", _("Diffuse large B-cell lymphoma (DLBCL)")),
            (
                "dlbcl_transformed",
                _(
                    "Large B-cell lymphoma that grew out of (transformed from) a slow-growing "
                    "lymphoma"
                ),
            ),
            ("hgbcl", _("High-grade B-cell lymphoma (for example “double-hit” or “triple-hit”)")),
            ("pmbcl", _("Primary mediastinal large B-cell lymphoma (PMBCL)")),
            (
                "lbcl_other",
                _("Another large B-cell lymphoma (for example T-cell/histiocyte-rich)"),
            ),
            ("pcnsl", _("Lymphoma of the brain or spinal cord only (primary CNS lymphoma)")),
            ("fl", _("Follicular lymphoma (FL), grade 1, 2 or 3A")),
            ("mcl", _("Mantle cell lymphoma (MCL)")),
            ("mzl", _("Marginal zone lymphoma (MZL)")),
            ("sll", _("Small lymphocytic lymphoma (SLL)")),
            ("lymphoma_unsure", _("Lymphoma, not sure which kind")),
        ],
    ),
    (_("Myeloma"), [("mm", _("Multiple myeloma"))]),
    (_("Not sure"), [("unsure", _("I am not sure of the diagnosis"))]),
]

DISEASE_LABELS = {key: label for _group, options in DISEASE_GROUPS[1:] for key, label in options}
assert set(DISEASE_LABELS) == set(DISEASES), "every disease offered must map to the schema"

BIOMARKER_QUESTIONS = {
    "cd19_positive": (
        _("Are the cancer cells CD19-positive?"),
        _("Usually in the flow cytometry or pathology (immunohistochemistry) report."),
    ),
    "cd22_positive": (
        _("Are the leukemia cells CD22-positive?"),
        _("Usually in the flow cytometry report."),
    ),
    "bcma_positive": (
        _("Are the myeloma cells BCMA-positive?"),
        _("Usually in the bone marrow flow cytometry or pathology report."),
    ),
    "kmt2a_rearranged": (
        _("Is there a KMT2A (also called MLL) translocation or fusion?"),
        _(
            "In the cytogenetics, FISH or molecular report, sometimes written “11q23” or "
            "“MLL-r”. A KMT2A “partial tandem duplication” alone counts as No."
        ),
    ),
    "npm1_mutated": (
        _("Is there an NPM1 mutation?"),
        _("In the molecular (NGS or PCR) report."),
    ),
    "philadelphia_positive": (
        _("Is the Philadelphia chromosome present (BCR::ABL1, t(9;22))?"),
        _("In the cytogenetics, FISH or BCR::ABL1 PCR report."),
    ),
}


def _marker_rule(key: str) -> FollowUp:
    asked_for = frozenset(d for d, markers in RELEVANT_BIOMARKERS.items() if key in markers)
    return FollowUp((f"marker_{key}",), when="disease", values=asked_for)


# The "Test results" part, once any disease is chosen, and each question in it for the
# diseases it matters for.
TEST_RESULTS = FollowUp((), when="disease", values=frozenset(RELEVANT_BIOMARKERS))
MARKER_RULES = (TEST_RESULTS, *(_marker_rule(key) for key in ALL_BIOMARKERS))


class DiagnosisForm(StepForm):
    title = _("Diagnosis")

    disease = forms.ChoiceField(
        label=_("What is the diagnosis?"),
        help_text=_("As written in the pathology report or the doctor's letter."),
        choices=DISEASE_GROUPS,
        error_messages={"required": _("Choose the diagnosis, or “I am not sure”.")},
    )
    subtype_details = forms.CharField(
        label=_("Anything else the report says about the type (optional)"),
        help_text=_(
            "For example “grade 3A”, “germinal center type”, “double-hit”, or "
            "“transformed from follicular lymphoma”."
        ),
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    diagnosed_on = MonthField(
        label=_("When was it diagnosed? (optional)"),
        help_text=_("Month and year. A best guess is fine."),
        required=False,
    )
    # The disease whose test questions are on the page.
    biomarkers_for = forms.CharField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, birth_date=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.birth_date = birth_date
        chosen = self.answer_to("disease")
        self.biomarker_disease = chosen if chosen in DISEASES else ""
        self.biomarker_keys = RELEVANT_BIOMARKERS.get(self.biomarker_disease, ())
        # Every test question is on the page (the script shows the chosen disease's at once);
        # only the chosen disease's are asked, required and kept.
        for key in ALL_BIOMARKERS:
            label, help_text = BIOMARKER_QUESTIONS[key]
            self.fields[f"marker_{key}"] = tri_state_field(
                label, help_text=help_text, choices=TRI_STATE_CHOICES, initial=UNKNOWN
            )
        self.setup_follow_ups(MARKER_RULES)
        layout = [Fieldset(_("The diagnosis"), "disease", "subtype_details", "diagnosed_on")]
        intro = _(
            "Only the tests that matter for this diagnosis. If a report does not mention "
            "one, choose “Not tested or not sure”."
        )
        layout.append(
            self.follow_up_block(
                TEST_RESULTS,
                Fieldset(
                    _("Test results"),
                    paragraph(intro),
                    *(
                        self.follow_up_block(rule, rule.fields[0])
                        for rule in MARKER_RULES
                        if rule is not TEST_RESULTS
                    ),
                ),
                css_id="test-results",
            )
        )
        self.helper = step_helper(*layout, "biomarkers_for")

    # The page says which disease's test questions it showed (the script keeps it up to date);
    # a page that showed another disease's comes back once with this one's, not with errors.

    @property
    def needs_biomarkers(self) -> bool:
        return self.needs_follow_up

    def posted_shown(self) -> set[str] | None:
        if not self.is_bound:
            return None
        shown_for = self.data.get(self.add_prefix("biomarkers_for"))
        return {f"marker_{key}" for key in RELEVANT_BIOMARKERS.get(shown_for, ())}

    def record_shown(self, data) -> None:
        self.fields["biomarkers_for"].initial = self.biomarker_disease
        if data is not None:
            data[self.add_prefix("biomarkers_for")] = self.biomarker_disease

    def clean_diagnosed_on(self):
        month = self.cleaned_data.get("diagnosed_on")
        if month and self.birth_date and month < self.birth_date.replace(day=1):
            raise ValidationError(
                self.word(
                    worded(
                        _("The diagnosis date is before your date of birth. Check the year."),
                        _(
                            "The diagnosis date is before the patient's date of birth. Check "
                            "the year."
                        ),
                    )
                ),
                code="before_birth",
            )
        return month

    def answers(self) -> dict:
        data = self.cleaned_data
        return {
            "disease": data["disease"],
            "diagnosis": DISEASES[data["disease"]],
            "subtype_details": data["subtype_details"],
            "diagnosed_on": month_text(data["diagnosed_on"]),
            "biomarkers": {key: data[f"marker_{key}"] for key in self.biomarker_keys},
        }
