"""Intake tests share tests/conftest.py: a fresh rate-limit cache for every test."""
