"""A tqdm progress bar fed with fractions 0-1 (the library reports progress that way).

The bar is drawn only where standard error is a terminal: a log file or a pipe gets nothing.
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager


@contextmanager
def progress_bar(label: str, quiet: bool = False) -> Iterator[Callable[[float], None]]:
    """A progress callback for ``with``: ``update(fraction)``, 0-1; the bar closes on exit."""
    from tqdm import tqdm

    bar = tqdm(
        total=100,
        desc=label,
        unit="%",
        disable=quiet or not stderr_is_terminal(),
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


def stderr_is_terminal() -> bool:
    """Whether standard error is a terminal a person watches."""
    try:
        return sys.stderr.isatty()
    except (AttributeError, ValueError):
        return False
