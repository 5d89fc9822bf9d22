"""Fixtures for the retention tests: the pipeline tests' real worker, queue and Redis.

The worker test needs the test database on a file under SQLite (a subprocess worker cannot
see a memory database), exactly as tests/pipeline/ does; the fixtures are that directory's.
"""

from tests.pipeline.conftest import (  # noqa: F401 - fixtures and the database switch
    mailbox,
    pipeline_queue,
    pytest_configure,
    queued,
    redis_broker_url,
    start_worker,
)
