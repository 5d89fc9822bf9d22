"""Screening models. None yet: cases, profiles and results arrive with their issues."""
