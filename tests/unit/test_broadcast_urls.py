"""The broadcast URL picks the backend; a wrong one is refused at start."""

from __future__ import annotations

import pytest

from app.live.broadcast import DEFAULT_CHANNEL, MemoryBroadcast, RedisBroadcast, from_url


def test_memory_is_one_process() -> None:
    assert isinstance(from_url("memory://"), MemoryBroadcast)


@pytest.mark.parametrize("url", ["redis://127.0.0.1:6379/0", "rediss://user:pw@redis:6380/1"])
def test_redis_urls_fan_out_through_redis(url: str) -> None:
    broadcast = from_url(url)
    assert isinstance(broadcast, RedisBroadcast)
    assert broadcast.channel == DEFAULT_CHANNEL
    assert broadcast.state == "connecting"


def test_the_channel_can_be_named_in_the_url() -> None:
    broadcast = from_url("redis://127.0.0.1:6379/0?channel=room-a")
    assert isinstance(broadcast, RedisBroadcast)
    assert broadcast.channel == "room-a"


@pytest.mark.parametrize("url", ["amqp://secret@rabbit/", "127.0.0.1:6379", "postgres://x"])
def test_another_url_is_refused_naming_what_is_supported(url: str) -> None:
    with pytest.raises(ValueError) as refused:
        from_url(url)
    message = str(refused.value)
    assert "memory://" in message and "redis://" in message
    assert "secret" not in message
