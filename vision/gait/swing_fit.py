"""Timing a foot's swing from its noisy position along the walking line.

A swing carries a foot from one resting place to the next. Where exactly it leaves and arrives
cannot be read off a speed threshold: the foot eases in and out, so a threshold fires while it
still glides (contacts early, lifts late) by about as much as the landmark noise. Fitting a
smooth point-to-point movement (minimum jerk: Flash & Hogan, J Neurosci 1985) between the two
resting levels to all the samples of the swing uses the whole movement and times both ends.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np


@dataclass(frozen=True)
class SwingFit:
    """Lift and contact time (s) of one swing, and the fit's RMS residual (track units)."""

    lift_s: float
    contact_s: float
    rms: float


def min_jerk(u: np.ndarray) -> np.ndarray:
    """Normalised minimum-jerk position profile, 0 at u <= 0 and 1 at u >= 1."""
    u = np.clip(u, 0.0, 1.0)
    return u**3 * (10.0 - 15.0 * u + 6.0 * u * u)


def fit_swing(
    t: np.ndarray,
    x: np.ndarray,
    start_level: float,
    end_level: float,
    lift_guess_s: float,
    contact_guess_s: float,
    search_s: float = 0.2,
    step_s: float = 0.004,
) -> SwingFit:
    """Best (lift, contact) times of a minimum-jerk move from ``start_level`` to ``end_level``.

    Args:
        t: (N,) seconds covering the swing and some rest on both sides.
        x: (N,) the foot's position along the walking line (any unit; NaN ignored).
        lift_guess_s, contact_guess_s: first estimates; the search spans +-``search_s`` around
            each, on a ``step_s`` grid.
    """
    ok = np.isfinite(x)
    t, x = t[ok], x[ok]
    lifts = np.arange(lift_guess_s - search_s, lift_guess_s + search_s + 1e-9, step_s)
    contacts = np.arange(contact_guess_s - search_s, contact_guess_s + search_s + 1e-9, step_s)
    t0 = lifts[:, None, None]
    t1 = contacts[None, :, None]
    dur = np.maximum(t1 - t0, 1e-3)
    model = start_level + (end_level - start_level) * min_jerk((t[None, None, :] - t0) / dur)
    sse = ((model - x[None, None, :]) ** 2).sum(axis=-1)
    sse[(contacts[None, :] - lifts[:, None]) <= 0.05] = np.inf
    i, j = np.unravel_index(int(np.argmin(sse)), sse.shape)
    return SwingFit(lift_s=float(lifts[i]), contact_s=float(contacts[j]),
                    rms=float(np.sqrt(sse[i, j] / max(len(t), 1))))  # fmt: skip


ARRIVAL_POWERS = (1.0, 1.5, 2.0, 2.5, 3.0)


def fit_arrival(
    t: np.ndarray,
    x: np.ndarray,
    level: float,
    guess_s: float,
    search_s: float = 0.2,
    step_s: float = 0.004,
    powers: tuple[float, ...] = ARRIVAL_POWERS,
    free_level: bool = False,
) -> tuple[float, float]:
    """Time (s) a decelerating approach reaches its resting ``level``, and the RMS residual.

    Model: ``x = level - A (tc - t)^p`` before ``tc``, ``level`` after, with ``A >= 0`` solved
    in closed form and ``p`` chosen among ``powers``: p = 1 is a foot that stops abruptly (a
    real heel strike), p = 3 one that glides in (the end of a minimum-jerk move). ``t``, ``x``
    should run from the swing's peak speed into the rest.
    """
    ok = np.isfinite(x)
    t, x = t[ok], x[ok]
    cands = np.arange(guess_s - search_s, guess_s + search_s + 1e-9, step_s)
    best = (np.inf, guess_s)
    for p in powers:
        r = np.clip(cands[:, None] - t[None, :], 0.0, None) ** p  # (C, N)
        if free_level:
            # Least squares of x = level - A r for each candidate: 2x2 normal equations.
            n, sr, srr = len(t), r.sum(axis=1), (r * r).sum(axis=1)
            sx, srx = x.sum(), (r * x[None, :]).sum(axis=1)
            det = n * srr - sr * sr
            safe = np.where(np.abs(det) > 1e-12, det, 1.0)
            lev = np.where(np.abs(det) > 1e-12, (srr * sx - sr * srx) / safe, level)
            amp = np.where(np.abs(det) > 1e-12, (sr * sx - n * srx) / safe, 0.0)
            amp = np.clip(amp, 0.0, None)
            sse = ((lev[:, None] - amp[:, None] * r - x[None, :]) ** 2).sum(axis=1)
        else:
            gap = level - x  # >= 0 before arrival, ~0 after
            den = (r * r).sum(axis=1)
            amp = np.where(den > 0, (r * gap[None, :]).sum(axis=1) / np.where(den > 0, den, 1), 0)
            amp = np.clip(amp, 0.0, None)
            sse = ((gap[None, :] - amp[:, None] * r) ** 2).sum(axis=1)
        i = int(np.argmin(sse))
        if sse[i] < best[0]:
            best = (float(sse[i]), float(cands[i]))
    return best[1], float(np.sqrt(best[0] / max(len(t), 1)))


def fit_departure(
    t: np.ndarray, x: np.ndarray, level: float, guess_s: float, search_s: float = 0.2,
    step_s: float = 0.004, powers: tuple[float, ...] = ARRIVAL_POWERS, free_level: bool = False,
) -> tuple[float, float]:
    """Time (s) a move leaves its resting ``level`` (an arrival seen backwards in time)."""
    tr, rms = fit_arrival(-t[::-1], -x[::-1], -level, -guess_s, search_s, step_s, powers,
                          free_level)  # fmt: skip
    return -tr, rms


def fit_swing_ends(
    t: np.ndarray, x: np.ndarray, start_level: float, end_level: float, lift_guess_s: float,
    contact_guess_s: float, search_s: float = 0.2,
    powers: tuple[float, ...] = ARRIVAL_POWERS, lift_search_s: float | None = None,
    free_level: bool = False,
) -> SwingFit:
    """Lift and contact of one swing, each from its own end of the movement (split at the
    swing's peak speed), so a brisk landing and a slow push-off are each fitted as they are."""
    ok = np.isfinite(x)
    t, x = t[ok], x[ok]
    v = np.gradient(x, t) * np.sign(end_level - start_level)
    inside = (t >= lift_guess_s) & (t <= contact_guess_s)
    peak = int(np.argmax(np.where(inside, v, -np.inf))) if inside.any() else len(t) // 2
    contact, rms_c = fit_arrival(t[peak:], x[peak:], end_level, contact_guess_s, search_s,
                                 powers=powers, free_level=free_level)  # fmt: skip
    lift, rms_l = fit_departure(t[: peak + 1], x[: peak + 1], start_level, lift_guess_s,
                                lift_search_s or search_s, powers=powers,
                                free_level=free_level)  # fmt: skip
    return SwingFit(lift_s=lift, contact_s=contact, rms=max(rms_c, rms_l))
