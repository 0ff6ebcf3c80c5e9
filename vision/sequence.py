"""`PoseSequence`: one subject's landmark time series, with smoothing, gap filling and storage.

Shapes and units (T frames, 33 BlazePose landmarks, see :mod:`vision.landmarks`):

* ``t_s``: (T,) float64, seconds from the first decoded frame, strictly increasing.
* ``frame_index``: (T,) int64, the video frame each row came from.
* ``image``: (T, 33, 3) float32, the stored layout of :attr:`PoseSequence.xy` (pixels: x right,
  y down) then :attr:`PoseSequence.z` (BlazePose's relative depth, same scale as x, hip-centred,
  smaller is nearer); read it through those two names. NaN where the subject has no pose.
* ``world``: (T, 33, 3) float32, metres, hip-centred, from the model's prior. NaN where no pose.
* ``visibility``: (T, 33) float32, 0-1; 0 where no pose.
* ``camera``: (T, 3) float64 or None, the background's cumulative motion since the first frame
  (log zoom, shift x px, shift y px; see :mod:`vision.camera_motion`); None where not measured.
* ``foot_motion``: (T, 2) float64 or None, the fraction (0-1) of pixels around the [left, right]
  foot that changed since the previous frame (see :mod:`vision.foot_motion`); NaN where not
  measured, None when never.
"""

from __future__ import annotations

import csv
import json
import math
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from vision import camera_motion
from vision.jsonio import numpy_default
from vision.landmarks import NAMES, NUM_LANDMARKS
from vision.timeseries import lowpass, true_runs


@dataclass
class PoseSequence:
    t_s: np.ndarray
    frame_index: np.ndarray
    image: np.ndarray
    world: np.ndarray
    visibility: np.ndarray
    fps: float
    width: int
    height: int
    meta: dict[str, Any] = field(default_factory=dict)
    camera: np.ndarray | None = None
    foot_motion: np.ndarray | None = None

    def __post_init__(self) -> None:
        self.t_s = np.asarray(self.t_s, dtype=np.float64)
        self.frame_index = np.asarray(self.frame_index, dtype=np.int64)
        self.image = np.asarray(self.image, dtype=np.float32)
        self.world = np.asarray(self.world, dtype=np.float32)
        self.visibility = np.asarray(self.visibility, dtype=np.float32)
        n = len(self.t_s)
        expected = {
            "frame_index": (n,),
            "image": (n, NUM_LANDMARKS, 3),
            "world": (n, NUM_LANDMARKS, 3),
            "visibility": (n, NUM_LANDMARKS),
        }
        if self.camera is not None:
            self.camera = np.asarray(self.camera, dtype=np.float64)
            expected["camera"] = (n, 3)
        if self.foot_motion is not None:
            self.foot_motion = np.asarray(self.foot_motion, dtype=np.float64)
            expected["foot_motion"] = (n, 2)
        for name, shape in expected.items():
            if getattr(self, name).shape != shape:
                raise ValueError(f"{name} has shape {getattr(self, name).shape}, expected {shape}")

    # -- construction -------------------------------------------------------------------------
    @classmethod
    def empty(cls, n: int, fps: float, width: int, height: int, **meta: Any) -> PoseSequence:
        """A sequence of ``n`` frames at ``fps`` with no pose anywhere."""
        return cls(
            t_s=np.arange(n) / fps,
            frame_index=np.arange(n),
            image=np.full((n, NUM_LANDMARKS, 3), np.nan, np.float32),
            world=np.full((n, NUM_LANDMARKS, 3), np.nan, np.float32),
            visibility=np.zeros((n, NUM_LANDMARKS), np.float32),
            fps=fps,
            width=width,
            height=height,
            meta=dict(meta),
        )

    # -- queries --------------------------------------------------------------------------------
    def __len__(self) -> int:
        return len(self.t_s)

    @property
    def xy(self) -> NDArray[np.float32]:
        """(T, 33, 2) pixels: x right, y down; NaN where no pose. A view: writing to it writes
        the sequence."""
        return self.image[..., :2]

    @property
    def z(self) -> NDArray[np.float32]:
        """(T, 33) BlazePose's relative depth, scaled like x (pixels), hip-centred, smaller is
        nearer; NaN where no pose. A view, as :attr:`xy`."""
        return self.image[..., 2]

    @property
    def has_pose(self) -> NDArray[np.bool_]:
        """(T,) bool: the subject's landmarks are present in that frame."""
        return np.any(np.isfinite(self.xy[:, :, 0]), axis=1)

    @property
    def coverage(self) -> float:
        """Fraction 0-1 of frames with the subject's pose."""
        return float(self.has_pose.mean()) if len(self) else 0.0

    @property
    def duration_s(self) -> float:
        return float(self.t_s[-1] - self.t_s[0]) if len(self) > 1 else 0.0

    def gaps(self) -> list[tuple[int, int]]:
        """Runs of frames without pose as (start, stop) row ranges (stop exclusive)."""
        return true_runs(~self.has_pose)

    # -- transforms (all return new sequences) -------------------------------------------------
    def slice(self, start: int, stop: int) -> PoseSequence:
        return replace(
            self,
            t_s=self.t_s[start:stop],
            frame_index=self.frame_index[start:stop],
            image=self.image[start:stop],
            world=self.world[start:stop],
            visibility=self.visibility[start:stop],
            meta=dict(self.meta),
            camera=None if self.camera is None else self.camera[start:stop],
            foot_motion=None if self.foot_motion is None else self.foot_motion[start:stop],
        )

    def reversed(self) -> PoseSequence:
        """Time-reversed copy, ``t_s`` re-based to increase from 0 (a forward walk played
        backward is a kinematic stand-in for a backward walk)."""
        t = self.t_s[-1] - self.t_s[::-1]
        meta = dict(self.meta, reversed=not self.meta.get("reversed", False))
        return replace(
            self,
            t_s=t,
            frame_index=self.frame_index[::-1].copy(),
            image=self.image[::-1].copy(),
            world=self.world[::-1].copy(),
            visibility=self.visibility[::-1].copy(),
            meta=meta,
            camera=None if self.camera is None else self.camera[::-1].copy(),
            foot_motion=None if self.foot_motion is None else _reversed_change(self.foot_motion),
        )

    def filled(self, max_gap_s: float = 0.25) -> PoseSequence:
        """Copy with gaps of at most ``max_gap_s`` linearly interpolated per coordinate.

        Longer gaps stay NaN and are listed in ``meta["long_gaps_s"]`` as (start_s, end_s).
        Filled frames keep visibility 0 so later stages can tell them from measured ones.
        """
        image, world = self.image.copy(), self.world.copy()
        has = self.has_pose
        long_gaps: list[tuple[float, float]] = []
        for start, stop in true_runs(~has):
            if start == 0 or stop == len(self):
                long_gaps.append((float(self.t_s[start]), float(self.t_s[stop - 1])))
                continue
            if self.t_s[stop] - self.t_s[start - 1] > max_gap_s + 0.5 / max(self.fps, 1.0):
                long_gaps.append((float(self.t_s[start]), float(self.t_s[stop - 1])))
                continue
            span = self.t_s[stop] - self.t_s[start - 1]
            w = ((self.t_s[start:stop] - self.t_s[start - 1]) / span)[:, None, None]
            w = w.astype(np.float32)
            for arr in (image, world):
                arr[start:stop] = (1 - w) * arr[start - 1] + w * arr[stop]
        meta = dict(self.meta, long_gaps_s=long_gaps, max_gap_filled_s=max_gap_s)
        return replace(self, image=image, world=world, meta=meta)

    def smoothed(self, cutoff_hz: float = 6.0, order: int = 2, world: bool = True) -> PoseSequence:
        """Zero-phase Butterworth low-pass copy (offline use; no lag).

        Filters each contiguous run of frames with pose separately; runs too short to filter are
        left as they are. ``cutoff_hz`` is clipped below the Nyquist frequency. With ``world``
        False the world landmarks are not filtered but shared with this sequence (for a reader
        of the image landmarks alone: a long recording's copy is not free).
        """
        image = self.image.copy()
        out_world = self.world.copy() if world else self.world
        filtered = (image, out_world) if world else (image,)
        for start, stop in true_runs(self.has_pose):
            for arr in filtered:
                seg = arr[start:stop].reshape(stop - start, -1)
                ok = np.isfinite(seg).all(axis=0)
                seg[:, ok] = lowpass(seg[:, ok], self.fps, cutoff_hz, order)
                arr[start:stop] = seg.reshape(stop - start, NUM_LANDMARKS, 3)
        meta = dict(self.meta, smoothed_hz=cutoff_hz)
        return replace(self, image=image, world=out_world, meta=meta)

    def stabilised(self) -> PoseSequence:
        """Copy with the image landmarks moved into the first frame's background (the camera's
        zoom and shift undone, see :func:`vision.camera_motion.stabilised`); unchanged when the
        camera's motion was not measured."""
        if self.camera is None:
            return self
        xy, z = camera_motion.stabilised(self.xy, self.z, self.camera)
        return replace(self, image=image_array(xy, z), meta=dict(self.meta, stabilised=True))

    # -- storage ---------------------------------------------------------------------------------
    def save(self, path: str | Path) -> Path:
        """Write ``path`` (.npz: arrays, plus the metadata as a JSON string inside)."""
        path = Path(path)
        if path.suffix != ".npz":
            path = path.with_suffix(".npz")
        header = {"fps": self.fps, "width": self.width, "height": self.height, "meta": self.meta}
        tmp = path.with_name(path.name + ".part")
        with open(tmp, "wb") as fh:
            arrays: dict[str, np.ndarray] = {
                "t_s": self.t_s,
                "frame_index": self.frame_index,
                "image": self.image,
                "world": self.world,
                "visibility": self.visibility,
                "header": np.array(json.dumps(header, default=numpy_default)),
            }
            if self.camera is not None:
                arrays["camera"] = self.camera
            if self.foot_motion is not None:
                arrays["foot_motion"] = self.foot_motion
            np.savez_compressed(fh, allow_pickle=True, **arrays)
        tmp.replace(path)
        return path

    @classmethod
    def load(cls, path: str | Path) -> PoseSequence:
        with np.load(Path(path), allow_pickle=False) as data:
            header = json.loads(str(data["header"]))
            return cls(
                t_s=data["t_s"],
                frame_index=data["frame_index"],
                image=data["image"],
                world=data["world"],
                visibility=data["visibility"],
                fps=float(header["fps"]),
                width=int(header["width"]),
                height=int(header["height"]),
                meta=header.get("meta", {}),
                camera=data["camera"] if "camera" in data.files else None,
                foot_motion=data["foot_motion"] if "foot_motion" in data.files else None,
            )

    def to_csv(self, path: str | Path) -> Path:
        """One row per frame: frame, t_s, then ``<name>_x_px, _y_px, _z, _visibility`` and
        ``<name>_wx_m, _wy_m, _wz_m`` for each landmark (empty cells where no pose)."""
        path = Path(path)
        header = ["frame", "t_s"]
        for n in NAMES:
            header += [f"{n}_x_px", f"{n}_y_px", f"{n}_z", f"{n}_visibility"]
        for n in NAMES:
            header += [f"{n}_wx_m", f"{n}_wy_m", f"{n}_wz_m"]
        with open(path, "w", newline="") as fh:
            writer = csv.writer(fh)
            writer.writerow(header)
            for i in range(len(self)):
                row: list[Any] = [int(self.frame_index[i]), f"{self.t_s[i]:.4f}"]
                for j in range(NUM_LANDMARKS):
                    point = [*self.xy[i, j], self.z[i, j], self.visibility[i, j]]
                    row += [_fmt(v) for v in point]
                for j in range(NUM_LANDMARKS):
                    row += [_fmt(v) for v in self.world[i, j]]
                writer.writerow(row)
        return path


class OneEuroFilter:
    """Causal adaptive low-pass filter for live use (Casiez, Roussel & Vogel, CHI 2012).

    Smooths jitter at low speeds and follows fast motion with little lag. Works on arrays of any
    fixed shape; NaN inputs reset the filter for those elements.

    Args:
        min_cutoff_hz: cut-off at rest; lower means smoother.
        beta: how quickly the cut-off rises with speed (per unit of the signal's speed).
        d_cutoff_hz: cut-off for the speed estimate.
    """

    def __init__(self, min_cutoff_hz: float = 1.5, beta: float = 0.05, d_cutoff_hz: float = 1.0):
        self.min_cutoff_hz = min_cutoff_hz
        self.beta = beta
        self.d_cutoff_hz = d_cutoff_hz
        self._x: np.ndarray | None = None
        self._dx: np.ndarray | None = None
        self._t: float | None = None

    @staticmethod
    def _alpha(cutoff_hz: np.ndarray | float, dt: float) -> np.ndarray | float:
        tau = 1.0 / (2 * math.pi * cutoff_hz)
        return 1.0 / (1.0 + tau / dt)

    def __call__(self, x: np.ndarray, t_s: float) -> np.ndarray:
        x = np.asarray(x, dtype=np.float64)
        if self._x is None or self._dx is None or self._t is None or t_s <= self._t:
            self._x, self._dx, self._t = x.copy(), np.zeros_like(x), t_s
            return x.copy()
        dt = t_s - self._t
        prev = np.where(np.isfinite(self._x), self._x, x)
        dx = (x - prev) / dt
        a_d = self._alpha(self.d_cutoff_hz, dt)
        dx_hat = a_d * dx + (1 - a_d) * np.nan_to_num(self._dx)
        cutoff = self.min_cutoff_hz + self.beta * np.abs(dx_hat)
        a = self._alpha(cutoff, dt)
        out = a * x + (1 - a) * prev
        self._x, self._dx, self._t = out, dx_hat, t_s
        return out.copy()


def image_array(xy: NDArray[np.floating], z: NDArray[np.floating]) -> NDArray[np.float32]:
    """(..., 33, 3) float32 ``image`` in :class:`PoseSequence`'s stored layout from ``xy``
    (..., 33, 2) pixels and ``z`` (..., 33)."""
    return np.concatenate([xy, z[..., None]], axis=-1).astype(np.float32)


def _reversed_change(change: np.ndarray) -> np.ndarray:
    """(T, ...) per-frame changes since the previous frame, for the sequence played backward:
    the change into reversed frame k is the one out of it in the original, i.e. into the
    original's next frame; the first has none."""
    out = np.full_like(change, np.nan)
    out[1:] = change[::-1][:-1]
    return out


def _fmt(v: float) -> str:
    return "" if not np.isfinite(v) else f"{float(v):.5g}"
