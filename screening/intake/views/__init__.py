"""The intake's pages: the wizard itself, the confirmation after sending, save and resume."""

from screening.intake.views.printable import printed_answers
from screening.intake.views.resume import intake_resume, intake_save, intake_saved
from screening.intake.views.sent import intake_submitted
from screening.intake.views.wizard import IntakeWizard

__all__ = [
    "IntakeWizard",
    "intake_resume",
    "intake_save",
    "intake_saved",
    "intake_submitted",
    "printed_answers",
]
