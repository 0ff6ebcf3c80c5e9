"""Modules the gait analysis needs only after pose extraction, imported early on a thread.

SciPy's signal and image modules are slow to import and are first used once every frame has
been through the pose model. Imported on a background thread while the model runs (its
inference releases the GIL), that time overlaps with pose extraction instead of following it.
Python's import lock makes a later ``import`` of the same module wait for this one to finish,
and a fork waits for it too, so nothing sees a half-imported module.
"""

from __future__ import annotations

import threading
from importlib import import_module

NEEDED_AFTER_POSE = ("scipy.signal", "scipy.ndimage")


def _import_all() -> None:
    for name in NEEDED_AFTER_POSE:
        import_module(name)


def start() -> threading.Thread:
    """Start importing :data:`NEEDED_AFTER_POSE` on a daemon thread; returns the thread."""
    thread = threading.Thread(target=_import_all, name="warm-imports", daemon=True)
    thread.start()
    return thread
