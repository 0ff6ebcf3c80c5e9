"""Small statistics shared by the gait analysis and the assessment."""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np


def mean_standard_error(values: Sequence[float]) -> tuple[float, int] | None:
    """Standard error of the mean of ``values`` (their unit) and its degrees of freedom (n - 1);
    None for fewer than two values."""
    n = len(values)
    if n < 2:
        return None
    mean = sum(values) / n
    sd = math.sqrt(sum((v - mean) ** 2 for v in values) / (n - 1))
    return sd / math.sqrt(n), n - 1


def rounded(v: float | None, nd: int = 4) -> float | None:
    """``v`` rounded to ``nd`` decimals; None for None, NaN and infinities."""
    if v is None or not np.isfinite(v):
        return None
    return round(float(v), nd)
