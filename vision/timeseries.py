"""Small helpers over 1-D time series shared by the pose sequence and the gait modules."""

from __future__ import annotations

import numpy as np

from vision.filters import butter_lowpass, padlen, running_median, sosfiltfilt


def true_runs(mask: np.ndarray) -> list[tuple[int, int]]:
    """Contiguous runs of True in a 1-D bool array as (start, stop) index pairs, stop exclusive."""
    m = np.concatenate([[False], np.asarray(mask, bool), [False]])
    edges = np.flatnonzero(m[1:] != m[:-1])
    return [(int(a), int(b)) for a, b in zip(edges[::2], edges[1::2], strict=True)]


def close_short_runs(mask: np.ndarray, *, value: bool, max_len: float) -> np.ndarray:
    """Copy of the 1-D bool ``mask`` with interior runs of ``value`` (not touching either end)
    no longer than ``max_len`` samples flipped to ``not value``."""
    out = np.asarray(mask, bool).copy()
    for a, b in true_runs(out == value):
        if 0 < a and b < len(out) and b - a <= max_len:
            out[a:b] = not value
    return out


def lowpass(x: np.ndarray, fps: float, cutoff_hz: float, order: int = 2) -> np.ndarray:
    """Zero-phase Butterworth low-pass along axis 0 (no lag, for offline use).

    ``cutoff_hz`` is clipped below the Nyquist frequency; series too short to filter are
    returned as a copy.
    """
    sos = butter_lowpass(order, min(cutoff_hz / (fps / 2.0), 0.95))
    if len(x) <= padlen(sos):
        return np.array(x, copy=True)
    return sosfiltfilt(sos, x)


def frame_rate(t_s: np.ndarray, default: float = 30.0) -> float:
    """Frames per second of the (T,) frame times ``t_s`` (their median spacing), ``default``
    with fewer than two frames."""
    return 1.0 / float(np.median(np.diff(t_s))) if len(t_s) > 1 else default


def fill_short_gaps(x: np.ndarray, max_rows: float) -> np.ndarray:
    """Copy of ``x`` (T, ...) with interior runs of rows holding NaN, at most ``max_rows`` long,
    linearly interpolated between the rows either side (a glitch, not an exit from view)."""
    out = np.array(x, dtype=float, copy=True)
    bad = ~np.isfinite(out.reshape(len(out), -1)).all(axis=1)
    for a, b in true_runs(bad):
        if a == 0 or b == len(out) or b - a > max_rows:
            continue
        w = ((np.arange(a, b) - (a - 1)) / (b - (a - 1))).reshape(-1, *([1] * (out.ndim - 1)))
        out[a:b] = (1 - w) * out[a - 1] + w * out[b]
    return out


def median_lowpass(x: np.ndarray, fps: float, cutoff_hz: float, median_s: float) -> np.ndarray:
    """(T,) running median over ``median_s`` seconds (removes a landmark's one- or two-frame
    jumps), then :func:`lowpass`; ``x`` must be finite."""
    width = 2 * int(round(median_s * fps / 2)) + 1
    if width >= 3 and len(x) > width:
        x = running_median(x, width)
    return lowpass(x, fps, cutoff_hz)


def segment_median(x: np.ndarray, a: int, b: int) -> float:
    """Median of the finite values of ``x[a:b]`` (at least ``x[a]``; indices clipped at 0);
    NaN when there are none."""
    seg = x[max(a, 0) : max(b, a + 1)]
    seg = seg[np.isfinite(seg)]
    return float(np.median(seg)) if seg.size else float("nan")
