"""Allowed values of a command-line option, read from the library only when they are needed.

The value tables live in modules whose imports are slow (they bring in SciPy). argparse needs an
option's choices only to check a value that was given or to print help, so a bad file name is
answered without that import.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from functools import cached_property


class LazyChoices:
    """A container of the strings ``load()`` returns, called on first use (``in``, iteration)."""

    def __init__(self, load: Callable[[], Iterable[str]]) -> None:
        self._load = load

    @cached_property
    def values(self) -> tuple[str, ...]:
        """The allowed values, in the library's order."""
        return tuple(self._load())

    def __contains__(self, value: object) -> bool:
        return value in self.values

    def __iter__(self) -> Iterator[str]:
        return iter(self.values)

    def __len__(self) -> int:
        return len(self.values)


def populations() -> list[str]:
    """The fall-risk population presets, sorted by name."""
    from vision.assess.presets import PRESETS

    return sorted(PRESETS)


def assessed_protocols() -> tuple[str, ...]:
    """What a walk can be assessed as (free backward walk, timed test, forward comparison)."""
    from vision.assess.presets import PROTOCOLS

    return PROTOCOLS


def timed_protocols() -> tuple[str, ...]:
    """The clinical tests the gait analysis times."""
    from vision.analysis import PROTOCOLS

    return PROTOCOLS


def event_detectors() -> list[str]:
    """The foot event detectors, sorted by name."""
    from vision.gait.events import REGISTRY

    return sorted(REGISTRY)
