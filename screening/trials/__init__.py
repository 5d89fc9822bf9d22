"""Investigational programs: the trial catalogue (import from ClinicalTrials.gov), matching
cases against it and keeping those matches current, and the reads pages use.

A stage beside documents and notify (below intake, pipeline, patient and triage), so the case
file and the status page can read matches; the matching itself is pure, in rules/trials/.
"""
