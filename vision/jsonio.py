"""JSON encoding of numpy values (the ``default=`` hook of :func:`json.dumps`)."""

from __future__ import annotations

from typing import Any

import numpy as np


def numpy_default(obj: Any) -> Any:
    """numpy scalars become Python numbers and arrays nested lists; anything else is refused."""
    if isinstance(obj, np.generic):
        return obj.item()
    if isinstance(obj, np.ndarray):
        return obj.tolist()
    raise TypeError(f"not JSON serialisable: {type(obj).__name__}")
