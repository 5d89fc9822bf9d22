"""The intake answers as the person gave them, for the case file.

Read from `Case.intake` (the JSON the wizard stored) with the wizard's own questions and
answer wording: the labels and choices come from the step forms, so the case file shows the
question that was asked and the answer that was chosen, never a re-wording. Treatment lines
become a table (name, drug classes, start, end, best response, relapse). Nothing here is
derived: the Facts section shows what the rules read.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext as _
from django_countries import countries

from screening.intake.derivation import line_classes
from screening.intake.forms.about import AboutForm
from screening.intake.forms.diagnosis import DISEASE_LABELS, DiagnosisForm
from screening.intake.forms.fields import display_value
from screening.intake.forms.health import HealthForm
from screening.intake.forms.status import DiseaseNowForm
from screening.intake.forms.treatment import TransplantForm, TreatmentForm, TreatmentLineForm
from screening.models import SubmitterRole
from screening.rules.vocabulary import PRIOR_THERAPIES

NOT_GIVEN = "—"


@dataclass(frozen=True)
class Answer:
    question: str
    answer: str


@dataclass(frozen=True)
class TreatmentLine:
    number: int
    name: str
    classes: str  # the kinds of drug ticked
    read_as: str  # the drug classes the derivation read from the name and the ticks
    start: str
    end: str
    response: str
    relapse: str


@dataclass
class AnswerSection:
    key: str
    title: str
    answers: list[Answer] = field(default_factory=list)


@dataclass
class IntakeAnswers:
    sections: list[AnswerSection]
    lines: list[TreatmentLine]
    transplants: list[Answer]
    # False for cases not made by the wizard (demo data, imports): nothing to show.
    given: bool = True


def _text(value) -> str:
    if value in (None, "", [], ()):
        return NOT_GIVEN
    return str(value)


def class_name(key: str) -> str:
    """A drug class in a few words: 'an immunomodulatory agent (lenalidomide, …)' reads
    'immunomodulatory agent'."""
    words = PRIOR_THERAPIES.get(key, key).split(" (")[0]
    for article in ("a ", "an "):
        if words.startswith(article):
            return words[len(article) :]
    return words


def _classes(keys) -> str:
    return ", ".join(class_name(key) for key in keys) if keys else NOT_GIVEN


def _read_as(line: dict) -> str:
    classes = line_classes(line)
    return _("not recognised") if classes is None else _classes(sorted(classes))


def _choice(form_field, value) -> str:
    if value in (None, "", [], ()):
        return NOT_GIVEN
    return display_value(form_field, value)


def patient_name(about: dict) -> str:
    """The patient's name as the form gave it (older answers had one free-text field)."""
    parts = (about.get("patient_first_name"), about.get("patient_last_name"))
    return " ".join(part for part in parts if part) or about.get("patient_name") or ""


def _about(about: dict, consent: dict) -> AnswerSection:
    fields = AboutForm().fields
    # The coordinators' words for the role ("A relative or friend"), not the form's "I am...".
    roles = dict(SubmitterRole.choices)
    role = _text(roles.get(about.get("submitter_role"), about.get("submitter_role")))
    name = " ".join(part for part in (about.get("first_name"), about.get("last_name")) if part)
    country = about.get("country") or ""
    section = AnswerSection("about", _("About the person and who filled in the form"))
    section.answers = [
        Answer(_("Filled in by"), role),
        Answer(_("Their name"), _text(name)),
        Answer(_("The patient's name"), _text(patient_name(about))),
        Answer(_("Email"), _text(about.get("email"))),
        Answer(_("Phone"), _text(about.get("phone"))),
        Answer(_("Country"), _text(countries.name(country) or country)),
        Answer(_("Preferred language"), _choice(fields["language"], about.get("language"))),
        Answer(_("The patient's date of birth"), _text(about.get("date_of_birth"))),
    ]
    if consent:
        agreed = [
            label
            for key, label in (
                ("processing", _("processing")),
                ("not_medical_advice", _("not medical advice")),
                ("sharing", _("sharing with treatment centers")),
            )
            if consent.get(key)
        ]
        section.answers.append(
            Answer(
                _("Consent (version %(version)s)") % {"version": consent.get("version", "?")},
                ", ".join(str(item) for item in agreed) or NOT_GIVEN,
            )
        )
    return section


def _diagnosis(answers: dict) -> AnswerSection:
    disease = answers.get("disease")
    form = DiagnosisForm(initial={"disease": disease})
    section = AnswerSection("diagnosis", _("Diagnosis"))
    section.answers = [
        Answer(str(form.fields["disease"].label), _text(DISEASE_LABELS.get(disease, disease))),
        Answer(str(form.fields["subtype_details"].label), _text(answers.get("subtype_details"))),
        Answer(str(form.fields["diagnosed_on"].label), _text(answers.get("diagnosed_on"))),
    ]
    for key, value in (answers.get("biomarkers") or {}).items():
        form_field = form.fields.get(f"marker_{key}")
        if form_field is not None:
            section.answers.append(Answer(str(form_field.label), _choice(form_field, value)))
    return section


def _status(answers: dict, diagnosis: str | None) -> AnswerSection:
    fields = DiseaseNowForm(diagnosis=diagnosis).fields
    section = AnswerSection("status", _("The disease now"))
    for key, value in answers.items():
        if key == "mrd_percent":
            level = _text(value if value is None else f"{value:g} %")
            section.answers.append(Answer(_("MRD level entered"), level))
        elif key in fields:
            section.answers.append(Answer(str(fields[key].label), _choice(fields[key], value)))
    return section


def _treatment(answers: dict) -> tuple[AnswerSection, list[TreatmentLine], list[Answer]]:
    fields = TreatmentForm().fields
    line_fields = TreatmentLineForm().fields
    transplant_fields = TransplantForm().fields
    section = AnswerSection("treatment", _("Treatment so far"))
    section.answers = [
        Answer(
            str(fields["had_treatment"].label),
            _choice(fields["had_treatment"], answers.get("had_treatment")),
        ),
        Answer(
            str(fields["other_treatments"].label),
            _choice(fields["other_treatments"], answers.get("other_treatments")),
        ),
        Answer(str(fields["other_details"].label), _text(answers.get("other_details"))),
    ]
    lines = [
        TreatmentLine(
            number=number,
            name=_text(line.get("name")),
            classes=_classes(line.get("classes")),
            read_as=_read_as(line),
            start=_text(line.get("start")),
            end=_text(line.get("end")),
            response=_choice(line_fields["best_response"], line.get("best_response")),
            relapse=_text(line.get("relapse")),
        )
        for number, line in enumerate(answers.get("lines") or (), start=1)
    ]
    transplants = [
        Answer(
            _("Transplant %(number)d") % {"number": number},
            _choice(transplant_fields["kind"], item.get("kind"))
            + (f", {item['date']}" if item.get("date") else ""),
        )
        for number, item in enumerate(answers.get("transplants") or (), start=1)
    ]
    return section, lines, transplants


def _health(answers: dict) -> AnswerSection:
    fields = HealthForm().fields
    section = AnswerSection("health", _("Current health"))
    for key in ("ecog", "active_infection", "cns_involvement"):
        section.answers.append(
            Answer(str(fields[key].label), _choice(fields[key], answers.get(key)))
        )
    section.answers.append(Answer(str(fields["notes"].label), _text(answers.get("notes"))))
    return section


def read_intake_answers(intake: dict) -> IntakeAnswers:
    """Every answer of the stored intake, in the wizard's order and words."""
    intake = intake if isinstance(intake, dict) else {}
    if "about" not in intake and "diagnosis" not in intake:
        return IntakeAnswers(sections=[], lines=[], transplants=[], given=False)
    diagnosis_answers = intake.get("diagnosis") or {}
    treatment, lines, transplants = _treatment(intake.get("treatment") or {})
    sections = [
        _about(intake.get("about") or {}, intake.get("consent") or {}),
        _diagnosis(diagnosis_answers),
        _status(intake.get("status") or {}, diagnosis_answers.get("diagnosis")),
        treatment,
        _health(intake.get("health") or {}),
    ]
    return IntakeAnswers(sections=sections, lines=lines, transplants=transplants)
