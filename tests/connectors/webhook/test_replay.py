"""The replay cache: keys are remembered until they expire, then forgotten."""

from __future__ import annotations

from connectors.webhook.replay import SeenCache


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_key_is_refused_until_it_expires() -> None:
    clock = Clock()
    seen = SeenCache(clock)
    assert seen.add("sig", until=1300)
    assert not seen.add("sig", until=1300)
    clock.now = 1299.9
    assert "sig" in seen
    clock.now = 1300
    assert "sig" not in seen
    assert seen.add("sig", until=1600)


def test_forgotten_key_may_come_again_and_keeps_its_new_expiry() -> None:
    clock = Clock()
    seen = SeenCache(clock)
    seen.add("id", until=1100)
    seen.forget("id")
    assert seen.add("id", until=1500)
    clock.now = 1200  # the first entry's expiry passes
    assert "id" in seen


def test_expired_keys_are_dropped() -> None:
    clock = Clock()
    seen = SeenCache(clock)
    for i in range(100):
        seen.add(f"k{i}", until=1000 + i + 1)
    clock.now = 1050
    assert len(seen) == 50
