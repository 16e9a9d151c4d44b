"""Pacing and retries on a fake clock: no test here waits for real time."""

from __future__ import annotations

import asyncio
import itertools

import pytest

from briefing.pacing import Pace, retrying


class FakeClock:
    def __init__(self) -> None:
        self.now = 100.0
        self.slept: list[float] = []

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


async def test_requests_start_evenly_below_the_rate() -> None:
    clock = FakeClock()
    pace = Pace(40.0, clock=clock, sleep=clock.sleep)
    starts = []
    for _ in range(100):
        await pace.wait()
        starts.append(clock.now)
    assert starts[0] == 100.0
    gaps = {round(b - a, 9) for a, b in itertools.pairwise(starts)}
    assert gaps == {0.025}  # 40 per second, never two at once
    # 100 requests take 99 intervals: the floor the rate sets, and no more.
    assert starts[-1] - starts[0] == pytest.approx(99 / 40)


async def test_a_pause_in_demand_is_not_saved_up_as_a_burst() -> None:
    clock = FakeClock()
    pace = Pace(10.0, clock=clock, sleep=clock.sleep)
    await pace.wait()
    clock.now += 5.0  # nothing asked for a while
    await pace.wait()
    await pace.wait()
    assert clock.slept == [pytest.approx(0.1)]


async def test_many_waiting_at_once_each_get_their_own_start() -> None:
    clock = FakeClock()
    pace = Pace(50.0, clock=clock, sleep=clock.sleep)
    starts: list[tuple[int, float]] = []

    async def waiter(n: int) -> None:
        await pace.wait()
        starts.append((n, clock.now))

    await asyncio.gather(*(waiter(n) for n in range(10)))
    # Asked at the same moment: the first starts at once, the rest one interval apart, in
    # the order they asked.
    assert [n for n, _ in starts] == list(range(10))
    assert [t for _, t in starts] == pytest.approx([100.0 + 0.02 * k for k in range(10)])


async def test_waking_late_does_not_bunch_the_next_requests() -> None:
    """The loop was blocked for half a second while one waiter slept: it starts late, and
    the next ones still keep one interval apart from it (not all at once, catching up)."""
    clock = FakeClock()

    async def stalled_once(seconds: float) -> None:
        await clock.sleep(seconds + (0.5 if not clock.slept else 0.0))

    pace = Pace(40.0, clock=clock, sleep=stalled_once)
    starts = []

    async def waiter() -> None:
        await pace.wait()
        starts.append(clock.now)

    await asyncio.gather(*(waiter() for _ in range(5)))
    gaps = [round(b - a, 9) for a, b in itertools.pairwise(starts)]
    assert gaps == [0.525, 0.025, 0.025, 0.025]


class Flaky:
    def __init__(self, failures: list[BaseException]) -> None:
        self.failures, self.tries = failures, 0

    async def __call__(self) -> str:
        self.tries += 1
        if self.failures:
            raise self.failures.pop(0)
        return "posted"


def server_error(exc: BaseException) -> bool:
    return isinstance(exc, ConnectionError)


async def test_retryable_failures_are_retried_with_backoff() -> None:
    clock = FakeClock()
    call = Flaky([ConnectionError("503"), ConnectionError("500")])
    result = await retrying(call, retryable=server_error, sleep=clock.sleep, backoff=1.0)
    assert (result, call.tries, clock.slept) == ("posted", 3, [1.0, 2.0])


async def test_other_failures_are_raised_at_once() -> None:
    clock = FakeClock()
    call = Flaky([PermissionError("403")])
    with pytest.raises(PermissionError):
        await retrying(call, retryable=server_error, sleep=clock.sleep)
    assert (call.tries, clock.slept) == (1, [])


async def test_a_hung_call_times_out_and_is_retried_then_given_up() -> None:
    clock = FakeClock()
    tries = 0

    async def hangs() -> str:
        nonlocal tries
        tries += 1
        await asyncio.Event().wait()  # never set
        return "never"

    with pytest.raises(TimeoutError):
        await retrying(hangs, retryable=server_error, attempts=3, per_try=0.01, sleep=clock.sleep)
    assert tries == 3 and clock.slept == [1.0, 2.0]


def test_a_rate_must_be_positive() -> None:
    with pytest.raises(ValueError):
        Pace(0)


async def test_waiting_for_a_turn_is_outside_each_try_s_time_limit() -> None:
    """A post queued behind many others waits for its turn as long as it takes; only the
    request itself is held to `per_try` (a turn 50 s away is not a 10 s timeout)."""
    turns: list[str] = []

    async def long_queue() -> None:
        turns.append("turn")
        await asyncio.sleep(0.05)  # longer than per_try below

    call = Flaky([ConnectionError("502")])
    result = await retrying(
        call, retryable=server_error, per_try=0.02, before=long_queue, sleep=FakeClock().sleep
    )
    assert (result, call.tries, turns) == ("posted", 2, ["turn", "turn"])  # a turn per try
