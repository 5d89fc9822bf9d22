"""Fixtures for the trial tests."""

import pytest

from tests.trials.registry_server import RegistryServer


@pytest.fixture
def registry(settings):
    """A local stand-in for the registry; the settings point the importer at it."""
    server = RegistryServer()
    server.thread.start()
    settings.CTGOV_BASE_URL = server.base_url
    settings.CTGOV_MIN_INTERVAL = 0
    yield server
    server.httpd.shutdown()
    server.httpd.server_close()
