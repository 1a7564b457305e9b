"""The cycle collector in the window: it runs only when the window asks (on its own thread),
as it would have run on its own: the generation that is due, nothing while start-up holds
it, only the youngest while an import does."""

from __future__ import annotations

import gc
from collections.abc import Iterator

import pytest

from crmdesk import collector


class _Cycle:
    def __init__(self) -> None:
        self.me = self


@pytest.fixture
def asked(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    monkeypatch.setattr(collector, "_when_asked", False)
    collector.collect_only_when_asked()
    yield
    monkeypatch.setattr(collector, "_when_asked", False)
    gc.enable()


def _garbage(n: int) -> None:
    for _ in range(n):
        _Cycle()


def test_only_when_asked_and_never_switched_on_again(asked: None) -> None:
    assert not gc.isenabled()
    with collector.paused():
        pass
    assert not gc.isenabled()  # (an import done does not switch it on)
    gc.collect()
    _garbage(100)
    assert collector.collect_due() == 0  # (not due yet: fewer than the threshold)
    _garbage(gc.get_threshold()[0] + 10)
    assert collector.collect_due() >= gc.get_threshold()[0]  # the cycles freed


def test_while_an_import_holds_it_only_the_youngest(asked: None) -> None:
    gc.collect()
    with collector.paused():
        for _ in range(gc.get_threshold()[1] + 2):  # (enough young collections for gen 1)
            _garbage(gc.get_threshold()[0] + 1)
            collector.collect_due()
        assert gc.get_count()[1] > gc.get_threshold()[1]  # gen 1 is due, and left
    collector.collect_due()
    assert gc.get_count()[1] == 0  # done once let go
