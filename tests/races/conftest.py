"""Races need two real database connections: PostgreSQL only (`DATABASE_URL`)."""

import threading
from collections.abc import Callable
from typing import Any

import pytest
from django.db import connection, connections


@pytest.fixture
def postgres_only(transactional_db):
    if connection.vendor != "postgresql":
        pytest.skip("races need PostgreSQL (set DATABASE_URL)")


def at_once(*calls: Callable[[], Any], timeout: float = 20) -> list[Any]:
    """Run the calls in threads released together; each thread has its own connection."""
    barrier = threading.Barrier(len(calls), timeout=timeout)
    results: list[Any] = [None] * len(calls)

    def run(i: int, call: Callable[[], Any]) -> None:
        try:
            barrier.wait()
            results[i] = call()
        except BaseException as error:  # reported by the test, not lost in the thread
            results[i] = error
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout)
        assert not thread.is_alive(), "a request did not finish in time"
    return results
