"""With several workers the rate limits are counted once, in Redis, for all of them."""

from __future__ import annotations

import logging
from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from app.config import Settings
from app.live.broadcast import redis_target
from app.main import create_app
from app.ratelimit import RedisRateLimiter, Rule
from tests.http.helpers import another_phone, seeded_event
from tests.live.processes import redis_channel_url
from tests.tokens import with_token

THREE_A_MINUTE = Rule(3, 60)


@pytest.fixture
def redis_url() -> str:
    return redis_channel_url()


@pytest.fixture
def two_workers(redis_url: str) -> Iterator[tuple[RedisRateLimiter, RedisRateLimiter]]:
    """Two workers' limiters on one Redis, as `create_app` makes them."""
    target = redis_target(redis_url)
    assert target is not None
    url, channel = target
    one, other = RedisRateLimiter(url, prefix=channel), RedisRateLimiter(url, prefix=channel)
    yield one, other
    one.close()
    other.close()


def test_two_workers_share_one_count(
    two_workers: tuple[RedisRateLimiter, RedisRateLimiter],
) -> None:
    one, other = two_workers
    key = "join:address:127.0.0.1"
    assert [one.hit(key, THREE_A_MINUTE), other.hit(key, THREE_A_MINUTE)] == [None, None]
    assert one.hit(key, THREE_A_MINUTE) is None
    wait = other.hit(key, THREE_A_MINUTE)
    assert wait is not None and 1 <= wait <= 60
    assert one.hit(f"{key}:another", THREE_A_MINUTE) is None  # other keys count apart


def test_a_wait_is_read_from_the_shared_count_without_a_hit(
    two_workers: tuple[RedisRateLimiter, RedisRateLimiter],
) -> None:
    one, other = two_workers
    key = "join:failed:192.0.2.1"
    assert [other.wait(key, THREE_A_MINUTE) for _ in range(5)] == [None] * 5
    assert [one.hit(key, THREE_A_MINUTE) for _ in range(3)] == [None] * 3
    wait = other.wait(key, THREE_A_MINUTE)
    assert wait is not None and 1 <= wait <= 60


def test_without_redis_nobody_is_stopped_and_the_log_says_so(
    caplog: pytest.LogCaptureFixture,
) -> None:
    unreachable = RedisRateLimiter("redis://127.0.0.1:1/0")
    with caplog.at_level(logging.WARNING):
        assert all(unreachable.hit("join:address:x", THREE_A_MINUTE) is None for _ in range(5))
        assert unreachable.wait("join:failed:x", THREE_A_MINUTE) is None
    assert "rate limit not counted" in caplog.text
    unreachable.close()


def test_joins_through_two_workers_meet_one_limit(settings: Settings, redis_url: str) -> None:
    strict = settings.model_copy(
        update={"broadcast_url": redis_url, "rate_join_per_address": "3/minute"}
    )
    with TestClient(create_app(strict)) as first, TestClient(create_app(strict)) as second:
        event = seeded_event(with_token(first))
        for worker in (first, second, first):
            joined = another_phone(worker).post(
                "/join", data={"code": event.join_code, "name": "Ana"}, follow_redirects=False
            )
            assert joined.status_code == 303
        refused = another_phone(second).post("/join", data={"code": event.join_code, "name": "B"})
        assert refused.status_code == 429
