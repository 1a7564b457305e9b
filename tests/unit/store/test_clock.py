from __future__ import annotations

from pathlib import Path

from crmdesk.store.clock import HybridClock, parse_hlc, site_id


def test_values_sort_in_time_order_even_when_the_wall_clock_steps_back() -> None:
    wall = iter([1000.0, 1000.0, 999.0, 1001.5])
    clock = HybridClock(wall=lambda: next(wall))
    values = [clock.now() for _ in range(4)]
    assert values == sorted(values)
    assert len(set(values)) == 4
    assert parse_hlc(values[-1]) == (1_001_500, 0)


def test_observing_a_later_copy_moves_the_clock_past_it() -> None:
    clock = HybridClock(wall=lambda: 1.0)
    ahead = HybridClock(wall=lambda: 5000.0).now()
    clock.observe(ahead)
    assert clock.now() > ahead


def test_clock_resumes_after_the_last_value_stored() -> None:
    last = HybridClock(wall=lambda: 9000.0).now()
    assert HybridClock(last, wall=lambda: 1.0).now() > last


def test_site_id_is_made_once_per_installation(tmp_path: Path) -> None:
    file = tmp_path / "site-id"
    first = site_id(file)
    assert site_id(file) == first
    file.write_text("garbage")
    assert site_id(file) != first  # a damaged id is replaced, not used
