"""The language of a case's pages and emails (Case.interface_language), as the person chose it."""

from __future__ import annotations

from screening.core.languages import offered_language
from screening.models import Case


def set_case_language(case: Case, language: str) -> str:
    """Remember `language` (an offered one, else English) for the case's status page and every
    email to the person from now on; the case's history records the change."""
    language = offered_language(language)
    if case.interface_language != language:
        case.interface_language = language
        case.save(update_fields=["interface_language", "updated_at"])
    return language
