"""Single flight: identical operations at once run once; a leader that fails or is cancelled poisons no one."""

import asyncio

import pytest

from web.bursts import Flights, LightOperations


def run_together(leader_does, followers: int = 3) -> tuple[list[object], int]:
    """A leader and `followers` asking for one key at once; what each got, and how many times work ran."""
    flights: Flights[str] = Flights()
    runs = 0

    async def work() -> str:
        nonlocal runs
        runs += 1
        await asyncio.sleep(0.05)
        return "answer"

    async def released() -> None:
        pass

    async def main() -> list[object]:
        first = asyncio.ensure_future(flights.run("key", lambda: leader_does(work), lambda r: r == "answer", released))
        await asyncio.sleep(0.01)  # the leader is in flight when the others come
        others = [flights.run("key", work, lambda r: r == "answer", released) for _ in range(followers)]
        results = await asyncio.gather(first, *others, return_exceptions=True)
        assert len(flights) == 0
        return list(results)

    return asyncio.run(main()), runs


def test_identical_operations_run_once_and_share_the_answer():
    results, runs = run_together(lambda work: work())
    assert results == [("answer", False), ("answer", True), ("answer", True), ("answer", True)]
    assert runs == 1


def test_a_leader_that_fails_leaves_its_followers_to_run_it_once_more():
    async def fails(work) -> str:
        await asyncio.sleep(0.05)
        raise RuntimeError("the leader's own trouble")

    results, runs = run_together(fails)
    assert isinstance(results[0], RuntimeError)
    assert results[1:] == [("answer", False), ("answer", True), ("answer", True)]
    assert runs == 1


def test_a_leader_cancelled_leaves_its_followers_to_run_it_once_more():
    async def cancelled(work) -> str:
        await asyncio.sleep(0.05)
        raise asyncio.CancelledError

    results, runs = run_together(cancelled)
    assert isinstance(results[0], asyncio.CancelledError)
    assert results[1:] == [("answer", False), ("answer", True), ("answer", True)]
    assert runs == 1


def test_an_answer_that_is_not_shareable_is_not_shared():
    async def own(work) -> str:
        await asyncio.sleep(0.05)
        return "a lost connection"

    results, runs = run_together(own)
    assert results == [("a lost connection", False), ("answer", False), ("answer", True), ("answer", True)]
    assert runs == 1


@pytest.mark.parametrize(("cost", "known"), [(10, True), (10_001, False), (None, False)])
def test_only_operations_that_cost_little_are_known_light(cost: object, known: bool):
    light = LightOperations(size=2, light=10_000)
    light.note("operation", cost)
    assert ("operation" in light) is known
