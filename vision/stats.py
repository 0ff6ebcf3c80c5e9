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


def outlier_limit(deviations: np.ndarray, k: float, floor: float) -> float:
    """How far from their centre values may lie before one is an outlier: ``k`` robust
    standard deviations (1.4826 x the median absolute deviation of ``deviations``, the values
    less their centre), and never less than ``floor`` (the values' unit)."""
    sigma = 1.4826 * float(np.median(np.abs(deviations)))
    return max(k * sigma, floor)


def sd_without_outlier(values: Sequence[float], k: float, floor: float) -> tuple[float, int] | None:
    """The sample SD (ddof 1, the values' unit) of ``values`` without their one outlier, and
    the outlier's index; None where there is none, or fewer than three values.

    The outlier is the value furthest from the median, where that is beyond
    :func:`outlier_limit` of it.
    """
    if len(values) < 3:
        return None
    v = np.asarray(values, float)
    off = np.abs(v - np.median(v))
    worst = int(np.argmax(off))
    if off[worst] <= outlier_limit(off, k, floor):
        return None
    return float(np.std(np.delete(v, worst), ddof=1)), worst
