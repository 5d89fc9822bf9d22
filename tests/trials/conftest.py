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


@pytest.fixture
def eager_tasks():
    """Run enqueued tasks inline after commit (the queue is not the subject of these tests;
    with an embedded Redis they would otherwise wait for a worker that is not there)."""
    from navigator.celery import app

    eager = app.conf.task_always_eager
    app.conf.task_always_eager = True
    yield
    app.conf.task_always_eager = eager
