"""Zero-phase Butterworth low-pass and running median over arrays, without SciPy.

The analysis smooths every landmark series with these. SciPy's ``signal`` package computes the
same, but importing it costs more CPU time than analysing a short walk, on every process that
analyses one; these give its results to rounding (``tests/test_filters.py`` compares them).

Conventions follow ``scipy.signal``: a filter is a (n_sections, 6) array of second-order
sections ``[b0, b1, b2, 1, a1, a2]``; cut-offs are fractions of the Nyquist frequency.
"""

from __future__ import annotations

import math
import warnings

import numpy as np
from numpy.lib.stride_tricks import sliding_window_view

# Samples filtered per matrix product: longer blocks mean fewer Python steps and more
# arithmetic per step.
_BLOCK = 64
# Samples whose running median is taken at once (see running_median).
_MEDIAN_ROWS = 1024


def butter_lowpass(order: int, wn: float) -> np.ndarray:
    """Digital Butterworth low-pass of ``order`` with cut-off ``wn`` (0-1 of Nyquist) as
    second-order sections, designed as ``scipy.signal.butter(order, wn, output="sos")``:
    the analogue prototype's poles pre-warped and mapped by the bilinear transform."""
    if order < 1:
        raise ValueError(f"order must be at least 1, not {order}")
    if not 0.0 < wn < 1.0:
        raise ValueError(f"cut-off must be within (0, 1) of Nyquist, not {wn}")
    warped = 4.0 * math.tan(math.pi * wn / 2.0)  # sampling rate 2: Nyquist is 1
    analog = -np.exp(1j * np.pi * np.arange(-order + 1, order, 2) / (2 * order)) * warped
    poles = (4.0 + analog) / (4.0 - analog)
    gain = warped**order / float(np.real(np.prod(4.0 - analog)))
    upper = sorted((p for p in poles if p.imag > 1e-12), key=lambda p: -abs(p))
    real = [p.real for p in poles if abs(p.imag) <= 1e-12]
    sections = [[1.0, 2.0, 1.0, 1.0, -2.0 * p.real, abs(p) ** 2] for p in upper]
    if real:  # odd order: one first-order section
        sections.append([1.0, 1.0, 0.0, 1.0, -real[0], 0.0])
    sos = np.array(sections)
    sos[0, :3] *= gain
    return sos


def _section_zi(section: np.ndarray) -> np.ndarray:
    """(2,) state of one section after a long run of ones (its steady state)."""
    b0, b1, b2, _, a1, a2 = section
    first = ((b1 - a1 * b0) + (b2 - a2 * b0)) / (1.0 + a1 + a2)
    return np.array([first, (b2 - a2 * b0) - a2 * first])


def sosfilt_zi(sos: np.ndarray) -> np.ndarray:
    """(n_sections, 2) initial states giving the steady state of a unit step input."""
    out = np.empty((len(sos), 2))
    scale = 1.0
    for k, section in enumerate(sos):
        out[k] = scale * _section_zi(section)
        scale *= section[:3].sum() / section[3:].sum()
    return out


def _responses(
    section: np.ndarray, size: int, x0: float, state: tuple[float, float]
) -> tuple[np.ndarray, np.ndarray]:
    """One section's outputs (size,) and states (size, 2) after each sample, for the input
    ``x0`` then zeros, from ``state`` (transposed direct form II, as ``scipy.signal.sosfilt``)."""
    b0, b1, b2, _, a1, a2 = (float(v) for v in section)
    z0, z1 = state
    outputs, states = np.empty(size), np.empty((size, 2))
    for n in range(size):
        x = x0 if n == 0 else 0.0
        y = b0 * x + z0
        z0, z1 = b1 * x - a1 * y + z1, b2 * x - a2 * y
        outputs[n], states[n] = y, (z0, z1)
    return outputs, states


def _block_maps(section: np.ndarray, size: int) -> tuple[np.ndarray, np.ndarray]:
    """One section over ``size`` samples as matrices: outputs (size, size + 2) and end states
    (2, size + 2), per unit impulse at each sample (columns 0..size-1) and per unit initial
    state (the last two columns). The filter is linear and time-invariant, so an impulse at
    sample j gives the impulse response delayed by j."""
    impulse, impulse_states = _responses(section, size, 1.0, (0.0, 0.0))
    from_z0, z0_states = _responses(section, size, 0.0, (1.0, 0.0))
    from_z1, z1_states = _responses(section, size, 0.0, (0.0, 1.0))
    lag = np.arange(size)[:, None] - np.arange(size)[None, :]
    outputs = np.hstack(
        [
            np.where(lag >= 0, impulse[np.clip(lag, 0, None)], 0.0),
            from_z0[:, None],
            from_z1[:, None],
        ]
    )
    ends = np.vstack([impulse_states[::-1], z0_states[-1], z1_states[-1]]).T
    return outputs, ends


def _filter(maps: list[tuple[np.ndarray, np.ndarray]], x: np.ndarray, zi: np.ndarray) -> np.ndarray:
    """``x`` (T, C) filtered along axis 0 by the sections whose :func:`_block_maps` are
    ``maps``, from initial states ``zi`` (n_sections, 2, C): a matrix product per block of
    samples instead of a Python step per sample."""
    y = np.asarray(x, dtype=np.float64)
    for (outputs, ends), state in zip(maps, zi, strict=True):
        out = np.empty_like(y)
        for start in range(0, len(y), _BLOCK):
            block = y[start : start + _BLOCK]
            n = len(block)
            out[start : start + n] = outputs[:n, :n] @ block + outputs[:n, _BLOCK:] @ state
            if n == _BLOCK:
                state = ends[:, :_BLOCK] @ block + ends[:, _BLOCK:] @ state
        y = out
    return y


def sosfiltfilt(sos: np.ndarray, x: np.ndarray) -> np.ndarray:
    """``x`` (T, ...) filtered forward and backward along axis 0 (zero phase), extended at
    each end by its odd reflection and started from the steady state, as
    ``scipy.signal.sosfiltfilt`` with its defaults.

    Raises:
        ValueError: ``x`` is no longer than the extension (:func:`padlen`).
    """
    pad = padlen(sos)
    if len(x) <= pad:
        raise ValueError(f"{len(x)} samples: more than {pad} are needed")
    flat = np.asarray(x, dtype=np.float64).reshape(len(x), -1)
    ext = np.concatenate(
        [2 * flat[:1] - flat[pad:0:-1], flat, 2 * flat[-1:] - flat[-2 : -pad - 2 : -1]]
    )
    zi = sosfilt_zi(sos)[:, :, None]
    maps = [_block_maps(section, _BLOCK) for section in sos]
    forward = _filter(maps, ext, zi * ext[0])
    backward = _filter(maps, forward[::-1], zi * forward[-1])
    return backward[::-1][pad:-pad].reshape(x.shape)


def padlen(sos: np.ndarray) -> int:
    """Samples added at each end by :func:`sosfiltfilt` (SciPy's default for ``sos``)."""
    trailing_zeros = min(int((sos[:, 2] == 0).sum()), int((sos[:, 5] == 0).sum()))
    return 3 * (2 * len(sos) + 1 - trailing_zeros)


def running_median(x: np.ndarray, width: int) -> np.ndarray:
    """Median along axis 0 of each sample's ``width`` (odd) neighbours in ``x`` (T, ...),
    float64, NaN ignored (NaN where a window holds nothing else), the first and last samples
    repeated beyond the ends: ``scipy.ndimage.median_filter(x, size=width, mode="nearest")``
    for a finite 1-D series."""
    if width < 1 or width % 2 == 0:
        raise ValueError(f"width must be a positive odd number, not {width}")
    half = width // 2
    x = np.asarray(x, dtype=np.float64)
    padded = np.concatenate([np.repeat(x[:1], half, 0), x, np.repeat(x[-1:], half, 0)])
    windows = sliding_window_view(padded, width, axis=0)  # (T, ..., width)
    # nanmedian copies its windows (width times the data): a stretch at a time keeps a long
    # recording's memory to that of a short one.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN windows stay NaN
        parts = [
            np.nanmedian(windows[start : start + _MEDIAN_ROWS], axis=-1)
            for start in range(0, len(x), _MEDIAN_ROWS)
        ]
    return np.concatenate(parts) if parts else np.empty_like(x)
