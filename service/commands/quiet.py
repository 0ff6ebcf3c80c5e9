"""Keep the native libraries' logging (MediaPipe, TensorFlow Lite/LiteRT, absl) off the terminal.

Those libraries write straight to file descriptor 2 from C++, around every model they create
(INFO lines and "Sparsity tensors" warnings), whatever Python's logging says. Commands that run
the pose model point descriptor 2 at the null device while Python's own ``sys.stderr`` keeps
writing to the real terminal, so errors, warnings and progress bars still reach the user.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager

NATIVE_LOG_LEVELS: dict[str, str] = {
    "GLOG_minloglevel": "2",  # glog (MediaPipe's graph runner): errors only
    "TF_CPP_MIN_LOG_LEVEL": "2",  # TensorFlow Lite's C++ logging: errors only
}


def lower_native_log_levels() -> None:
    """Set the native loggers' level variables (a user's own setting wins).

    Must run before ``mediapipe`` is imported: the libraries read them once, when they load.
    """
    for name, value in NATIVE_LOG_LEVELS.items():
        os.environ.setdefault(name, value)


@contextmanager
def native_stderr_silenced() -> Iterator[None]:
    """Send what native code writes to descriptor 2 to the null device for the ``with`` block.

    ``sys.stderr`` is swapped for a stream on a duplicate of the original descriptor, so Python
    messages (and ``isatty()`` for progress bars) behave as before. Child processes started
    inside the block inherit the silenced descriptor 2, which is what a pool of analysis
    processes wants as well. Where ``sys.stderr`` is not descriptor 2 (captured or redirected in
    Python), it is left alone.
    """
    sys.stderr.flush()
    saved = os.dup(2)
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 2)
    os.close(devnull)
    original = sys.stderr
    swap = _writes_to_descriptor_2(original)
    if swap:
        sys.stderr = open(
            saved,
            "w",
            buffering=1,
            encoding=original.encoding,
            errors="backslashreplace",
            closefd=False,
        )
    try:
        yield
    finally:
        sys.stderr.flush()
        if swap:
            sys.stderr.close()
            sys.stderr = original
        os.dup2(saved, 2)
        os.close(saved)


def _writes_to_descriptor_2(stream: object) -> bool:
    """Whether ``stream`` is the process's descriptor 2 (not a capture or a redirect in Python)."""
    try:
        return stream.fileno() == 2  # type: ignore[attr-defined]
    except (AttributeError, OSError, ValueError):
        return False
