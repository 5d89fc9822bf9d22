"""Country names as the registry writes them → ISO 3166-1 alpha-2 codes (as the intake stores).

django-countries knows most names; the registry also uses the ISO "Name, Qualifier" forms and a
few older names, listed here.
"""

from __future__ import annotations

from functools import lru_cache

from django_countries import countries

REGISTRY_NAMES = {
    "United States": "US",
    "Korea, Republic of": "KR",
    "Korea, Democratic People's Republic of": "KP",
    "Iran, Islamic Republic of": "IR",
    "Moldova, Republic of": "MD",
    "Macedonia, The Former Yugoslav Republic of": "MK",
    "North Macedonia": "MK",
    "Tanzania, United Republic of": "TZ",
    "Venezuela, Bolivarian Republic of": "VE",
    "Bolivia, Plurinational State of": "BO",
    "Syrian Arab Republic": "SY",
    "Lao People's Democratic Republic": "LA",
    "Congo, The Democratic Republic of the": "CD",
    "Palestinian Territory, occupied": "PS",
    "Former Serbia and Montenegro": "RS",
    "Libyan Arab Jamahiriya": "LY",
}


@lru_cache(maxsize=512)
def country_code(name: str) -> str:
    """The ISO code for a registry country name, or "" if it cannot be read."""
    name = (name or "").strip()
    if not name:
        return ""
    if name in REGISTRY_NAMES:
        return REGISTRY_NAMES[name]
    if len(name) == 2 and name.upper() in countries:
        return name.upper()
    return countries.by_name(name) or ""


def country_name(code: str) -> str:
    return countries.name(code) or code
