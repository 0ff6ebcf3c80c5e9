"""Decoding ahead in a thread (vision.prefetch): order, errors, early stop."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest

from vision.prefetch import prefetched


def test_items_come_in_order_from_another_thread() -> None:
    threads = []

    def numbers() -> Iterator[int]:
        for i in range(100):
            threads.append(threading.current_thread())
            yield i

    assert list(prefetched(numbers(), depth=3)) == list(range(100))
    assert threading.current_thread() not in threads


def test_a_failing_producer_yields_what_it_made_then_raises() -> None:
    def truncated() -> Iterator[int]:
        yield 1
        yield 2
        raise OSError("file cut short at frame 2")

    got = []
    with pytest.raises(OSError, match="cut short"):
        for item in prefetched(truncated()):
            got.append(item)
    assert got == [1, 2]


def test_stopping_early_stops_and_closes_the_producer() -> None:
    closed = threading.Event()
    made = []

    def endless() -> Iterator[int]:
        try:
            i = 0
            while True:
                made.append(i)
                yield i
                i += 1
        finally:
            closed.set()

    items = prefetched(endless(), depth=2)
    assert [next(items) for _ in range(5)] == [0, 1, 2, 3, 4]
    items.close()
    assert closed.wait(2.0)
    assert len(made) <= 5 + 2 + 1  # never more than depth ahead (plus the one being put)


def test_depth_must_be_positive() -> None:
    with pytest.raises(ValueError, match="depth"):
        list(prefetched([1], depth=0))
