"""The outage tracker (caspian.outages): a circuit breaker for the cache, one log line per outage."""

import logging

import pytest

from caspian.outages import Outage

pytestmark = pytest.mark.pure


def test_an_outage_is_logged_once_with_its_count_when_it_ends(caplog):
    outage = Outage("cache", retry_seconds=60, consequence="Pages are served without it.")
    with caplog.at_level(logging.WARNING, logger="caspian.outages"):
        for _ in range(50):
            outage.failed(TimeoutError("Timeout reading from socket"))
        assert outage.down
        outage.succeeded()
        outage.succeeded()
    assert not outage.down
    messages = [record.getMessage() for record in caplog.records]
    assert messages[0] == (
        "The cache does not answer (TimeoutError: Timeout reading from socket). Pages are served without it."
    )
    assert len(messages) == 2
    assert "answers again after" in messages[1] and "(50 failed, 0 skipped)" in messages[1]


def test_after_a_failure_callers_go_without_until_the_retry_time_then_one_probes():
    outage = Outage("cache", retry_seconds=60, consequence="")
    assert outage.available()
    outage.failed(ConnectionError("refused"))
    assert [outage.available() for _ in range(3)] == [False, False, False]
    assert outage.skipped == 3
    outage.next_try = 0.0  # the retry time has come
    assert outage.available()  # this caller probes…
    assert not outage.available()  # …and the others still go without meanwhile


def test_callbacks_wait_for_the_end_of_the_outage():
    outage = Outage("cache", retry_seconds=5, consequence="")
    ran = []
    outage.when_back(lambda: ran.append("at once"))
    outage.failed(OSError("no route"))
    outage.when_back(lambda: ran.append("later"))
    assert ran == ["at once"]
    outage.succeeded()
    assert ran == ["at once", "later"]
