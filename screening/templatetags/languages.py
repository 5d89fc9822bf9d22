"""{% offered_languages as offered %}: the languages of the patient side, each named in itself
("English", "Español", "简体中文"), whatever the page's language (Django's own tag translates
the names: "英语")."""

from django import template
from django.conf import settings

register = template.Library()


@register.simple_tag
def offered_languages() -> list[tuple[str, str]]:
    return list(settings.LANGUAGES)
