"""FHIR R4 bundles in: parsed and validated with fhir.resources, read through small cited code
tables (codes.py) into the same intake document the JSON API takes (mapping.py)."""

from screening.intake.fhir.mapping import InvalidBundle, MappedBundle, map_bundle

__all__ = ["InvalidBundle", "MappedBundle", "map_bundle"]
