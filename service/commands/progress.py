"""A tqdm progress bar fed with fractions 0-1 (the library reports progress that way)."""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager


@contextmanager
def progress_bar(label: str, quiet: bool = False) -> Iterator[Callable[[float], None]]:
    from tqdm import tqdm

    bar = tqdm(
        total=100,
        desc=label,
        unit="%",
        disable=quiet,
        file=sys.stderr,
        bar_format="{desc}: {percentage:3.0f}%|{bar}| {elapsed}<{remaining}",
    )

    def update(fraction: float) -> None:
        bar.n = round(100 * min(max(fraction, 0.0), 1.0), 1)
        bar.refresh()

    try:
        yield update
    finally:
        bar.close()
