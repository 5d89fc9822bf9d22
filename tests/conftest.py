"""Shared test setup. Generic on purpose: fixtures for a layer live beside that layer's tests."""

import pytest


@pytest.fixture(autouse=True)
def _fast_password_hasher(settings):
    # Real hashers are slow by design; tests only need passwords to round-trip.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _private_media_in_tmp(settings, tmp_path):
    settings.PRIVATE_MEDIA_ROOT = tmp_path / "private-media"
