"""The clips of ``bench/accuracy.py`` with their truth: the real, hand-labelled ones here.

Each real labelled side-view walk is compared forward and reversed in time (a kinematic
stand-in for a backward walk: contacts become lifts and lifts contacts), and the real backward
walk of ``backward_walk_side_demo4.mp4`` against our own contact labels (tests/data). Where hand-
clicked heel points are given (``<clip>.foot_points.csv``), the step lengths are checked against
the spacing of the heels' resting places, in pixels: the case's floor calibration is one metre
per pixel along image x, so the analysis' step lengths in metres are pixels along the walk.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from vision.analysis import AnalysisOptions
from vision.gait.agreement import load_event_labels, reversed_events
from vision.gait.scale import FloorCalibration
from vision.pose import PoseEstimator
from vision.result import Event
from vision.sequence import PoseSequence

ROOT = Path(__file__).resolve().parents[1]
TOLERANCE_S = 0.1
DEMO_CONTACTS = ROOT / "tests" / "data" / "backward_walk_side_demo4.contacts.csv"
# Real side-view walks with hand-labelled contacts and lifts (``<stem>.events.csv``).
LABELLED = ("forward_walk_side_labeled", "john_side_labeled", "john_side_markers_labeled")
# A heel rests while it moves less than this per frame (pixels in a 1080p picture: the clicks'
# own scatter is 1-3 px) for at least REST_FRAMES frames.
REST_PX_PER_FRAME = 4.0
REST_FRAMES = 4


@dataclass
class Case:
    name: str
    seq: PoseSequence
    truth_events: list[Event]
    options: AnalysisOptions
    direction: str
    window_s: tuple[float, float] | None = None
    step_count: int | None = None
    step_length_m: float | None = None
    speed_mps: float | None = None
    cadence_spm: float | None = None
    trunk_flexion_deg: float | None = None
    lateral_lean_deg: float | None = None
    walk_s: tuple[float, float] | None = None  # (start, end) of the walk, seconds
    test_3mbwt_s: float | None = None  # the 3 m test's true time, where the walk passes 3 m
    test_calibration: FloorCalibration | None = None  # its start and 3 m lines
    # (time s of the landing, length px) of each step between two hand-clicked heel rests
    footprint_steps_px: list[tuple[float, float]] | None = None


@dataclass(frozen=True)
class PoseSource:
    """How a clip's poses are made: the pose ``backend``, and the picture nudged ``nudge_px``
    pixels sideways first (0: as filmed; see :mod:`vision.pose.nudged`)."""

    backend: str = "tasks"
    nudge_px: int = 0

    def cache_path(self, cached: Path) -> Path:
        """``<stem>.npz`` for Tasks as filmed, else ``<stem>.<backend>[.nudge<N>].npz``."""
        parts = [] if self.backend == "tasks" else [self.backend]
        parts += [f"nudge{self.nudge_px}"] if self.nudge_px else []
        return cached.with_name(".".join([cached.stem, *parts, "npz"]))

    def estimator(self) -> PoseEstimator:
        from vision.pose import PoseOptions, create_estimator
        from vision.pose.nudged import NudgedEstimator

        inner = create_estimator(PoseOptions(backend=self.backend))
        return NudgedEstimator(inner, self.nudge_px) if self.nudge_px else inner


TASKS = PoseSource()  # the default backend on the picture as filmed


def pose_cached(clip: Path, cached: Path | None, source: PoseSource = TASKS) -> PoseSequence:
    """The pose sequence of ``clip`` made as ``source`` says, read from ``cached`` (named by
    :meth:`PoseSource.cache_path`) when there, else extracted (and saved there when a path is
    given)."""
    if cached is not None:
        cached = source.cache_path(cached)
    if cached is not None and cached.exists():
        return PoseSequence.load(cached)
    from vision.pipeline import extract_pose

    with source.estimator() as estimator:
        seq = extract_pose(clip, estimator=estimator)
    if cached is not None:
        cached.parent.mkdir(parents=True, exist_ok=True)
        seq.save(cached)
    return seq


def heel_rests(path: Path) -> list[tuple[int, int, float, float]]:
    """(first frame, last frame, x px, y px) of each resting place of a heel in a foot-points
    CSV (columns ``frame, foot_a_heel_x, foot_a_heel_y, foot_b_heel_x, ...``), in order of
    arrival: a run of at least :data:`REST_FRAMES` clicked frames moving under
    :data:`REST_PX_PER_FRAME` each."""
    with open(path, newline="") as fh:
        rows = list(csv.DictReader(fh))
    frames = np.array([int(r["frame"]) for r in rows])
    rests = []
    for foot in ("a", "b"):
        xy = np.array(
            [[float(r[f"foot_{foot}_heel_{c}"] or "nan") for c in "xy"] for r in rows], float
        )
        seen = np.isfinite(xy).all(axis=1)
        run: list[int] = []
        for i in np.flatnonzero(seen):
            if run and (
                frames[i] - frames[run[-1]] > 2
                or np.linalg.norm(xy[i] - xy[run[-1]]) > REST_PX_PER_FRAME
            ):
                rests += _rest(run, frames, xy)
                run = []
            run.append(int(i))
        rests += _rest(run, frames, xy)
    return sorted(rests)


def _rest(
    run: list[int], frames: np.ndarray, xy: np.ndarray
) -> list[tuple[int, int, float, float]]:
    if len(run) < REST_FRAMES:
        return []
    x, y = np.median(xy[run], axis=0)
    return [(int(frames[run[0]]), int(frames[run[-1]]), float(x), float(y))]


def reversed_rests(
    rests: list[tuple[int, int, float, float]], last_frame: int
) -> list[tuple[int, int, float, float]]:
    """The heel rests of the clip played backward (frame t becomes ``last_frame - t``)."""
    return sorted((last_frame - b, last_frame - a, x, y) for a, b, x, y in rests)


def footprint_steps(
    rests: list[tuple[int, int, float, float]], events: list[Event]
) -> list[tuple[float, float]]:
    """(contact time s, length px along image x) of each step whose two heel rests were clicked:
    consecutive rests of alternating feet; the step is timed by the labelled contact nearest the
    later rest's first frame."""
    contacts = [e for e in events if e.type == "contact"]
    out = []
    for (_, _, x0, _), (f1, _, x1, _) in zip(rests, rests[1:], strict=False):
        near = min(contacts, key=lambda e: abs(e.frame - f1), default=None)
        if near is not None:
            out.append((near.t_s, abs(x1 - x0)))
    return out


def pixel_calibration(rests: list[tuple[int, int, float, float]]) -> FloorCalibration:
    """One metre per pixel along image x, on the floor line of the heels' rests."""
    y = float(np.median([r[3] for r in rests]))
    return FloorCalibration(((0.0, y), (1000.0, y)), 1000.0)


def real_cases(videos: Path, pose_dir: Path | None, source: PoseSource = TASKS) -> list[Case]:
    """Each labelled clip forward and reversed in time, then demo4's backward walk, with poses as
    ``source`` says."""
    cases: list[Case] = []
    for stem in LABELLED:
        clip, labels = videos / f"{stem}.mp4", videos / f"{stem}.events.csv"
        if not clip.exists() or not labels.exists():
            print(f"({stem} not found under {videos}: skipped)")
            continue
        cases += labelled_cases(stem, clip, labels, pose_dir, source)
    demo = videos / "backward_walk_side_demo4.mp4"
    if demo.exists():
        seq = pose_cached(demo, pose_dir / f"{demo.stem}.npz" if pose_dir else None, source)
        # Our own labels of its backward walk's contacts (tests/data/README.md); the walk's
        # last contact, at the picture's edge, is not labelled (within_labels leaves it out).
        labels = load_event_labels(DEMO_CONTACTS, seq.fps)
        # Nine backward steps seen whole: the tenth lands with the foot partly beyond the
        # picture's right edge (a landing not seen whole is not counted: vision.gait.plausible).
        cases.append(
            Case("real demo4 backward", seq, labels, AnalysisOptions(), "backward", step_count=9)
        )
    return cases


def labelled_cases(
    stem: str, clip: Path, labels: Path, pose_dir: Path | None, source: PoseSource = TASKS
) -> list[Case]:
    """The clip as filmed (forward) and reversed in time (backward), against its hand labels,
    compared where the pose model sees the person (the labels may start before that)."""
    seq = pose_cached(clip, pose_dir / f"{stem}.npz" if pose_dir else None, source)
    labelled = load_event_labels(labels, seq.fps)
    truth = [e for e in labelled if seen_whole(seq, e)]
    seen = np.flatnonzero(seq.has_pose)
    win = (float(seq.t_s[seen[0]]) + TOLERANCE_S, float(seq.t_s[seen[-1]]) - TOLERANCE_S)
    last = int(seq.frame_index[-1])
    t_end = float(seq.t_s[-1])
    points = clip.with_name(f"{stem}.foot_points.csv")
    rests = heel_rests(points) if points.exists() else []
    options = AnalysisOptions(calibration=pixel_calibration(rests) if rests else None)
    steps = footprint_steps(rests, labelled) if rests else None
    rev = seq.reversed()
    back = [e for e in reversed_events(labelled, last, seq.fps) if seen_whole(rev, e)]
    short = stem.replace("_labeled", "").replace("_walk", "")
    return [
        Case(
            f"real {short} fwd",
            seq,
            truth,
            options,
            "forward",
            win,
            **_count_and_cadence(truth),
            footprint_steps_px=steps,
        ),
        Case(
            f"real {short} rev",
            rev,
            back,
            options,
            "backward",
            (t_end - win[1], t_end - win[0]),
            **_count_and_cadence(back),
            footprint_steps_px=footprint_steps(reversed_rests(rests, last), back)
            if rests
            else None,
        ),
    ]


def seen_whole(seq: PoseSequence, event: Event, after_s: float = 0.1) -> bool:
    """Whether an event can be judged: a lift always; a contact where the pose model sees the
    person, with all four foot points inside the picture, from it through ``after_s`` later
    (a foot landing partly outside the picture, or before the person is seen, is left out)."""
    if event.type != "contact":
        return True
    rows = (seq.t_s >= event.t_s) & (seq.t_s <= event.t_s + after_s)
    from vision import landmarks as lm

    feet = seq.xy[rows][:, [lm.L_HEEL, lm.L_TOE, lm.R_HEEL, lm.R_TOE]]
    inside = (feet >= 0).all(axis=-1) & (feet < (seq.width, seq.height)).all(axis=-1)
    return bool(rows.any() and inside.all())


def _count_and_cadence(events: list[Event]) -> dict:
    """Step count and cadence (steps/min) of the labelled contacts seen whole (every contact of
    the walk is labelled in these clips)."""
    t = sorted(e.t_s for e in events if e.type == "contact")
    cadence = 60.0 * (len(t) - 1) / (t[-1] - t[0]) if len(t) >= 2 else None
    return {"step_count": len(t), "cadence_spm": cadence}
