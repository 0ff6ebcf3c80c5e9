"""Ground truth of a synthetic walk: joints, gait events, steps and per-walk measures.

Everything here is derived from the simulated geometry itself (the footstep plan and the joint
positions), so the truth is self-consistent by construction. Units are in the names: metres,
seconds, degrees; world frame x along the walking line, y lateral, z up.
"""

from __future__ import annotations

import dataclasses
import json
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np

from vision.jsonio import numpy_default
from vision.landmarks import IDX
from vision.synthetic.footsteps import FootstepPlan
from vision.synthetic.params import Stumble, WalkParams

FOOT_POINTS = ("heel", "foot_index")
TEST_DISTANCE_M = 3.0


@dataclass
class WalkTruth:
    """Exact truth of one synthetic walk.

    ``joints`` (T, 33, 3) float64 world metres at the BlazePose point definitions; ``t_s`` (T,)
    seconds of each frame; ``facing_deg`` (T,) the way the body faces, degrees from +x;
    ``trunk_flexion_deg`` (T,) forward lean of mid-hip -> mid-shoulder from vertical (toward the
    facing side positive); ``trunk_lateral_lean_deg`` (T,) toward the person's right positive.
    ``events`` [{frame, t_s, foot, type: contact|lift}], ``steps`` [{foot, t_contact_s,
    duration_s (since the previous contact, or since the first movement for the first step),
    length_m (along the walking line between the feet at contact), footprint (heel x, y metres),
    kind: initiation|steady|closing|turn}]; ``segments`` [{start_s, end_s, direction}].
    ``test_3mbwt`` is the 3 m backward walk test timing (None when the walk does not pass 3 m).
    """

    fps: float
    t_s: np.ndarray
    joints: np.ndarray
    events: list[dict]
    steps: list[dict]
    segments: list[dict]
    facing_deg: np.ndarray
    trunk_flexion_deg: np.ndarray
    trunk_lateral_lean_deg: np.ndarray
    params: dict
    direction: str
    travel_sign: int
    cadence_spm: float | None
    speed_mps: float | None
    step_length_m: float | None
    sway_ml_m: float | None
    test_3mbwt: dict | None
    stumble: dict | None = None
    extra: dict = field(default_factory=dict)

    @property
    def body_height_m(self) -> float:
        return float(self.params["body_height_m"])

    @property
    def frame_count(self) -> int:
        return len(self.t_s)

    def to_dict(self) -> dict[str, Any]:
        out = {}
        for f in dataclasses.fields(self):
            v = getattr(self, f.name)
            out[f.name] = np.round(v, 6).tolist() if isinstance(v, np.ndarray) else v
        return out

    def to_json(self, path: str | Path | None = None) -> str:
        """JSON text of the truth; also written to ``path`` when given."""
        text = json.dumps(self.to_dict(), allow_nan=False, default=numpy_default)
        if path is not None:
            Path(path).write_text(text)
        return text

    @classmethod
    def from_dict(cls, doc: dict[str, Any]) -> WalkTruth:
        kw = dict(doc)
        for name in ("t_s", "joints", "facing_deg", "trunk_flexion_deg", "trunk_lateral_lean_deg"):
            kw[name] = np.asarray(kw[name], float)
        names = {f.name for f in dataclasses.fields(cls)}
        return cls(**{k: v for k, v in kw.items() if k in names})

    @classmethod
    def from_json(cls, text_or_path: str | Path) -> WalkTruth:
        """Read a truth from JSON text or a ``.json`` file path."""
        text = str(text_or_path)
        if not text.lstrip().startswith("{"):
            text = Path(text_or_path).read_text()
        return cls.from_dict(json.loads(text))


def params_dict(p: WalkParams) -> dict[str, Any]:
    d = dataclasses.asdict(p)
    d["start_xy_m"] = list(p.start_xy_m)
    return d


def params_from_dict(d: dict[str, Any]) -> WalkParams:
    d = dict(d)
    if d.get("stumble") is not None:
        d["stumble"] = Stumble(**d["stumble"])
    d["start_xy_m"] = tuple(d.get("start_xy_m", (0.0, 0.0)))
    return WalkParams(**d)


def build_truth(
    p: WalkParams,
    fps: float,
    t: np.ndarray,
    joints: np.ndarray,
    plan: FootstepPlan,
    heading: np.ndarray,
) -> WalkTruth:
    """Collect the truth of a simulated walk (see :func:`vision.synthetic.walker.simulate_walk`)."""
    steps = _steps(plan, float(t[-1]))
    mid_hip = 0.5 * (joints[:, IDX["left_hip"]] + joints[:, IDX["right_hip"]])
    flexion, lateral = _trunk_angles(joints, mid_hip, heading)
    measures = _walk_measures(steps, plan, t, mid_hip)
    return WalkTruth(
        fps=float(fps),
        t_s=t,
        joints=joints,
        events=_events(plan, float(t[-1]), fps),
        steps=steps,
        segments=[
            {k: (round(v, 6) if isinstance(v, float) else v) for k, v in s.items()}
            for s in plan.segments
        ],
        facing_deg=np.degrees(heading),
        trunk_flexion_deg=flexion,
        trunk_lateral_lean_deg=lateral,
        params=params_dict(p),
        direction=p.direction,
        travel_sign=p.travel_sign,
        cadence_spm=measures.cadence_spm,
        speed_mps=measures.speed_mps,
        step_length_m=measures.step_length_m,
        sway_ml_m=measures.sway_ml_m,
        test_3mbwt=_test_3mbwt(t, joints, plan, p),
        stumble=None if p.stumble is None else dataclasses.asdict(p.stumble),
    )


def _events(plan: FootstepPlan, end_s: float, fps: float) -> list[dict]:
    """Every contact and lift within the clip (0 to ``end_s``), in time order."""
    events: list[dict] = []
    for pl in plan.placements:
        for kind, ts in (("contact", pl.contact_s), ("lift", pl.lift_s)):
            if math.isfinite(ts) and 0.0 <= ts <= end_s:
                events.append(
                    {
                        "frame": int(round(ts * fps)),
                        "t_s": round(ts, 6),
                        "foot": pl.foot,
                        "type": kind,
                    }
                )
    events.sort(key=lambda e: e["t_s"])
    return events


def _steps(plan: FootstepPlan, end_s: float) -> list[dict]:
    """Every step that lands by ``end_s``: the placements after the two standing ones."""
    steps: list[dict] = []
    pls = plan.placements
    for i in range(2, len(pls)):
        pl, prev = pls[i], pls[i - 1]
        if pl.contact_s > end_s:
            break
        before = prev.contact_s if math.isfinite(prev.contact_s) else plan.start_s
        steps.append(
            {
                "foot": pl.foot,
                "t_contact_s": round(pl.contact_s, 6),
                "duration_s": round(pl.contact_s - before, 6),
                "length_m": round(abs(float(pl.heel_xy[0] - prev.heel_xy[0])), 6),
                "footprint": [round(float(v), 6) for v in pl.heel_xy],
                "kind": pl.kind,
            }
        )
    return steps


def _trunk_angles(
    joints: np.ndarray, mid_hip: np.ndarray, heading: np.ndarray
) -> tuple[np.ndarray, np.ndarray]:
    """Trunk flexion toward the facing side and lateral lean toward the person's right (T,),
    degrees from vertical."""
    mid_sh = 0.5 * (joints[:, IDX["left_shoulder"]] + joints[:, IDX["right_shoulder"]])
    trunk = mid_sh - mid_hip
    fwd = np.column_stack([np.cos(heading), np.sin(heading)])
    left = np.column_stack([-np.sin(heading), np.cos(heading)])
    flexion = np.degrees(np.arctan2(np.sum(trunk[:, :2] * fwd, -1), trunk[:, 2]))
    lateral = np.degrees(np.arctan2(-np.sum(trunk[:, :2] * left, -1), trunk[:, 2]))
    return flexion, lateral


class _WalkMeasures(NamedTuple):
    cadence_spm: float | None
    step_length_m: float | None
    speed_mps: float | None
    sway_ml_m: float | None


def _walk_measures(
    steps: list[dict], plan: FootstepPlan, t: np.ndarray, mid_hip: np.ndarray
) -> _WalkMeasures:
    """Cadence, mean steady step length, and the first walk's speed and mediolateral sway."""
    steady = [s for s in steps if s["kind"] == "steady"]
    step_len = float(np.mean([s["length_m"] for s in steady])) if steady else None
    speed = None
    walk_seg = plan.segments[1] if len(plan.segments) > 1 else None
    first_walk = [s for s in steady if walk_seg and s["t_contact_s"] <= walk_seg["end_s"]]
    if len(first_walk) >= 2:
        t0, t1 = first_walk[0]["t_contact_s"], first_walk[-1]["t_contact_s"]
        x0, x1 = np.interp([t0, t1], t, mid_hip[:, 0])
        speed = abs(float(x1 - x0)) / (t1 - t0)
    sway = None
    if walk_seg is not None and steady:
        inside = (t >= steady[0]["t_contact_s"]) & (t <= first_walk[-1]["t_contact_s"])
        if inside.sum() > 2:
            sway = float(np.ptp(mid_hip[inside, 1]))
    return _WalkMeasures(_cadence_spm(steps, steady), step_len, speed, sway)


def _test_3mbwt(
    t: np.ndarray, joints: np.ndarray, plan: FootstepPlan, p: WalkParams
) -> dict | None:
    """3 m walk timing: start at the first movement, stop when the rear-most foot point passes
    the line 3 m beyond the start line (the start line touches the front-most foot point of the
    standing person, in the travel direction)."""
    idx = [IDX[f"{s}_{n}"] for s in ("left", "right") for n in FOOT_POINTS]
    progress = joints[:, idx, 0] * p.travel_sign
    start_line = float(progress[0].max())
    rear = progress.min(axis=1)
    goal = start_line + TEST_DISTANCE_M
    over = np.nonzero(rear >= goal)[0]
    if len(over) == 0 or over[0] == 0:
        return None
    j = over[0]
    stop = float(np.interp(goal, [rear[j - 1], rear[j]], [t[j - 1], t[j]]))
    return {
        "start_s": round(plan.start_s, 6),
        "stop_s": round(stop, 6),
        "time_s": round(stop - plan.start_s, 6),
        "start_line_x_m": round(start_line * p.travel_sign, 6),
        "end_line_x_m": round(goal * p.travel_sign, 6),
    }


def _cadence_spm(steps: list[dict], steady: list[dict]) -> float | None:
    """Steps per minute over the steady steps, from whole strides (two steps) where there are
    any: a limp alternates a short and a long step time, and the mean over an odd number of
    steps would lean toward whichever kind occurs once more."""
    if not steady:
        return None
    first = steps.index(steady[0])
    t = [steps[first - 1]["t_contact_s"]] if first > 0 else []
    t += [s["t_contact_s"] for s in steady]
    strides = np.subtract(t[2:], t[:-2])
    if strides.size:
        return 120.0 / float(np.mean(strides))
    return 60.0 / float(np.mean([s["duration_s"] for s in steady]))
