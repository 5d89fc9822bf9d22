"""The case file's sections: what the coordinator's page shows, in order, and how a stage adds
its own.

Each section is a template that renders one `<section class="nav-section" id="KEY">` with its
heading; the page draws a bar of links to every section (so a person can jump between them)
and then includes them in order, each seeing the page's context: `cf` (the read model,
screening/triage/casefile.py), the action forms and URLs, and whatever its own `context`
function adds. To add one (the trials, a summary email, messages with the patient):

    from screening.admin.case_file import CaseFileSection, add_section

    add_section(
        CaseFileSection("messages", _("Messages"), "admin/screening/case/sections/messages.html"),
        after="requests",
    )

Screening comes first so the verdicts are on the first screen; the stock change form (the
editable coordination details) follows the sections.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

SECTION_TEMPLATES = "admin/screening/case/sections/"


@dataclass(frozen=True)
class CaseFileSection:
    key: str  # the section's id on the page (the jump link's #anchor)
    title: str
    template: str
    # Extra page context for the template, from the read model and the request.
    context: Callable[[dict, object], dict] | None = None


def _trials(case_file: dict, request) -> dict:
    return {"trials": case_file.get("trials")}


CASE_FILE_SECTIONS: list[CaseFileSection] = [
    CaseFileSection("screening", _("Screening"), SECTION_TEMPLATES + "screening.html"),
    CaseFileSection("trials", _("Trials"), "admin/screening/case/_trials.html", context=_trials),
    CaseFileSection("answers", _("Intake answers"), SECTION_TEMPLATES + "answers.html"),
    CaseFileSection("facts", _("Facts"), SECTION_TEMPLATES + "facts.html"),
    CaseFileSection("documents", _("Documents"), SECTION_TEMPLATES + "documents.html"),
    CaseFileSection("requests", _("Requests and messages"), SECTION_TEMPLATES + "requests.html"),
    CaseFileSection("timeline", _("Timeline"), SECTION_TEMPLATES + "timeline.html"),
]


def add_section(section: CaseFileSection, *, after: str | None = None) -> None:
    """Add a section after the one keyed `after` (at the end without it); a key already
    present is replaced in place, so importing a module twice adds nothing twice."""
    keys = [existing.key for existing in CASE_FILE_SECTIONS]
    if section.key in keys:
        CASE_FILE_SECTIONS[keys.index(section.key)] = section
        return
    position = keys.index(after) + 1 if after in keys else len(CASE_FILE_SECTIONS)
    CASE_FILE_SECTIONS.insert(position, section)


def sections_context(case_file: dict, request) -> dict:
    """The page context for the sections: the list in order, and each one's extra context."""
    context: dict = {"case_sections": list(CASE_FILE_SECTIONS)}
    for section in CASE_FILE_SECTIONS:
        if section.context is not None:
            context.update(section.context(case_file, request))
    return context
