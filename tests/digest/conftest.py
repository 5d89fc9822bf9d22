"""Fixtures for the digest tests: the pipeline tests' real worker, queue and Redis.

The worker test needs the test database on a file under SQLite (a subprocess worker cannot
see a memory database), exactly as tests/pipeline/ does; the fixtures are that directory's.
"""

from django.conf import settings

from tests.pipeline import conftest as pipeline

mailbox = pipeline.mailbox
pipeline_queue = pipeline.pipeline_queue
redis_broker_url = pipeline.redis_broker_url
start_worker = pipeline.start_worker


def pytest_configure(config):
    # A subprocess worker reads the test database: a file on SQLite, as in tests/pipeline/.
    database = settings.DATABASES["default"]
    if not database.get("TEST", {}).get("NAME"):
        pipeline.pytest_configure(config)
