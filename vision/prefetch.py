"""Run a producer (video decoding) in its own thread, a few items ahead of its consumer.

The decoder (PyAV), OpenCV and ONNX Runtime release the GIL while they work, so decoding the
next frames overlaps with pose estimation on the current one: on a machine with two cores the
decoder no longer waits for the networks, nor they for it.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Iterable, Iterator
from typing import TypeVar

T = TypeVar("T")

_POLL_S = 0.1  # how often a blocked producer checks whether the consumer has gone


class _End:
    """Marks the end of the items, carrying the producer's exception if it failed."""

    def __init__(self, error: BaseException | None = None):
        self.error = error


def prefetched(items: Iterable[T], depth: int = 4) -> Iterator[T]:
    """The items of ``items``, produced by a background thread at most ``depth`` ahead.

    An exception raised by the producer is raised here, after the items it produced before
    failing (a truncated video yields its good frames, then its error). Closing this iterator
    early (a ``break`` in the consumer's loop) stops the producer.
    """
    if depth < 1:
        raise ValueError(f"depth must be at least 1, not {depth}")
    buffer: queue.Queue[T | _End] = queue.Queue(maxsize=depth)
    stop = threading.Event()

    def put(item: T | _End) -> bool:
        while not stop.is_set():
            try:
                buffer.put(item, timeout=_POLL_S)
                return True
            except queue.Full:
                continue
        return False

    def produce() -> None:
        source = iter(items)
        try:
            for item in source:
                if not put(item):
                    return
            put(_End())
        except BaseException as exc:  # handed to the consumer, who re-raises it
            put(_End(exc))
        finally:
            close = getattr(source, "close", None)
            if close is not None:
                close()  # a generator's own clean-up (the video file) runs in its thread

    thread = threading.Thread(target=produce, name="prefetch", daemon=True)
    thread.start()
    try:
        while True:
            item = buffer.get()
            if isinstance(item, _End):
                if item.error is not None:
                    raise item.error
                return
            yield item
    finally:
        stop.set()
        thread.join()
