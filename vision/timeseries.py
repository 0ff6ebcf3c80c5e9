"""Small helpers over 1-D time series shared by the pose sequence and the gait modules."""

from __future__ import annotations

import numpy as np


def true_runs(mask: np.ndarray) -> list[tuple[int, int]]:
    """Contiguous runs of True in a 1-D bool array as (start, stop) index pairs, stop exclusive."""
    m = np.concatenate([[False], np.asarray(mask, bool), [False]])
    edges = np.flatnonzero(m[1:] != m[:-1])
    return [(int(a), int(b)) for a, b in zip(edges[::2], edges[1::2], strict=True)]


def lowpass(x: np.ndarray, fps: float, cutoff_hz: float, order: int = 2) -> np.ndarray:
    """Zero-phase Butterworth low-pass along axis 0 (no lag, for offline use).

    ``cutoff_hz`` is clipped below the Nyquist frequency; series too short to filter are
    returned as a copy.
    """
    from scipy.signal import butter, sosfiltfilt  # slow import, only needed here

    sos = butter(order, min(cutoff_hz / (fps / 2.0), 0.95), output="sos")
    if len(x) <= 3 * (2 * len(sos) + 1):
        return np.array(x, copy=True)
    return sosfiltfilt(sos, x, axis=0)
