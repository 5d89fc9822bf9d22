"""The intake wizard's forms, one module per step (in order), plus shared fields."""

from screening.intake.forms.about import AboutForm
from screening.intake.forms.diagnosis import DiagnosisForm
from screening.intake.forms.documents import DocumentsForm
from screening.intake.forms.health import HealthForm
from screening.intake.forms.review import ReviewForm, SaveForLaterForm
from screening.intake.forms.status import DiseaseNowForm
from screening.intake.forms.treatment import TreatmentForm

# (step name, form class), in the order the wizard asks them.
INTAKE_STEPS = [
    ("about", AboutForm),
    ("diagnosis", DiagnosisForm),
    ("status", DiseaseNowForm),
    ("treatment", TreatmentForm),
    ("health", HealthForm),
    ("documents", DocumentsForm),
    ("review", ReviewForm),
]

__all__ = [
    "INTAKE_STEPS",
    "AboutForm",
    "DiagnosisForm",
    "DiseaseNowForm",
    "DocumentsForm",
    "HealthForm",
    "ReviewForm",
    "SaveForLaterForm",
    "TreatmentForm",
]
