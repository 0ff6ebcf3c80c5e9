"""Per-frame direction labels: forward, backward, turning or standing from travel and facing,
with turns marked and short walks and glitches merged into their neighbours."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:  # the direction's options hold these labels' settings too
    from vision.gait.direction import DirectionOptions

WALKS = ("forward", "backward")
MOVING = (*WALKS, "turning")


def label_frames(
    has_pose: np.ndarray,
    t_s: np.ndarray,
    speed: np.ndarray,
    moving: np.ndarray,
    travel: np.ndarray,
    facing: np.ndarray,
    options: DirectionOptions,
) -> np.ndarray:
    """(T,) direction label per frame (``""`` where there is no pose, ``has_pose`` False), from
    whether the subject moves, which way they travel and face; turns marked, and short walks
    and segments merged away."""
    label = np.full(len(t_s), "", dtype=object)
    label[has_pose & ~moving] = "standing"
    walk = has_pose & moving
    label[walk & (travel == facing)] = "forward"
    label[walk & (travel != facing)] = "backward"
    label[walk & (facing == 0)] = "turning"
    _mark_turns(label, facing, has_pose, t_s, options.turn_window_s)
    _stand_short_walks(label, speed, t_s, options.min_walk_bh)
    _merge_short_runs(label, t_s, options.min_segment_s)
    return label


def _mark_turns(
    label: np.ndarray, facing: np.ndarray, has_pose: np.ndarray, t_s: np.ndarray, window_s: float
) -> None:
    """Label frames near a reversal of facing while moving as turning (in place)."""
    idx = np.flatnonzero(has_pose & (facing != 0))
    if idx.size < 2:
        return
    flips = idx[1:][facing[idx[1:]] != facing[idx[:-1]]]
    for i in flips:
        near = np.abs(t_s - t_s[i]) <= window_s
        label[near & has_pose & (label != "standing")] = "turning"


def label_runs(label: np.ndarray) -> list[tuple[int, int]]:
    """Runs [start, stop) of one label, in order."""
    runs: list[tuple[int, int]] = []
    start = 0
    for i in range(1, len(label) + 1):
        if i == len(label) or label[i] != label[start]:
            runs.append((start, i))
            start = i
    return runs


def _stand_short_walks(
    label: np.ndarray, speed_bh_s: np.ndarray, t_s: np.ndarray, min_bh: float
) -> None:
    """Relabel as standing (in place) each forward/backward run whose net travel, the integral
    of ``speed_bh_s`` over it, is under ``min_bh`` body heights."""
    dt = np.gradient(t_s) if len(t_s) > 1 else np.ones_like(t_s)
    for a, b in label_runs(label):
        if label[a] in WALKS:
            travel = abs(float(np.nansum(speed_bh_s[a:b] * dt[a:b])))
            if travel < min_bh:
                label[a:b] = "standing"


def _merge_short_runs(label: np.ndarray, t_s: np.ndarray, min_s: float) -> None:
    """Give runs shorter than ``min_s`` the label of their longer neighbour (in place), shortest
    first, so a brief glitch inside a long walk disappears but a real pause survives."""
    while True:
        runs = [r for r in label_runs(label) if label[r[0]] != ""]
        short = sorted((t_s[b - 1] - t_s[a], a, b) for a, b in runs if t_s[b - 1] - t_s[a] < min_s)
        for _, a, b in short:
            left = label[a - 1] if a > 0 else ""
            right = label[b] if b < len(label) else ""
            if left == "" and right == "":
                continue
            if left == "" or right == "":
                label[a:b] = left or right
            else:
                left_len, right_len = _run_len(label, a - 1), _run_len(label, b)
                label[a:b] = left if left_len >= right_len else right
            break
        else:
            return


def _run_len(label: np.ndarray, i: int) -> int:
    a = i
    while a > 0 and label[a - 1] == label[i]:
        a -= 1
    b = i
    while b + 1 < len(label) and label[b + 1] == label[i]:
        b += 1
    return b - a + 1
