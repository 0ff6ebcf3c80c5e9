"""The capability table (vision.capabilities): each row's metrics are null, with the row's
finding, on a walk the row applies to; the README's table of views agrees with it."""

from __future__ import annotations

import re
from dataclasses import replace
from functools import cache
from pathlib import Path

import numpy as np
import pytest

from vision import landmarks as lm
from vision.analysis import AnalysisOptions, analyze_sequence
from vision.capabilities import CAPABILITIES, Capability, Conditions, withheld
from vision.gait.scale import FloorCalibration
from vision.result import AnalysisResult
from vision.synthetic import WalkParams, simulate_walk
from vision.synthetic.camera import floor_calibration, view_camera
from vision.synthetic.landmarks import LandmarkNoise, landmark_sequence

ROOT = Path(__file__).resolve().parents[1]


@cache
def _walk(view: str, recipe: str = "steady") -> AnalysisResult:
    """A synthetic backward walk seen from ``view``: ``steady``; ``flipped`` (the pose reads
    front and back in turn two fifths of the time: the facing unsure); ``no_world`` (no world
    landmarks and no height: no scale); ``panned`` (a camera panning after the walker);
    ``floor`` (a 4-point floor calibration)."""
    params = WalkParams(n_steps=8, direction="backward")
    truth = simulate_walk(params)
    cam = view_camera(truth.joints, float(truth.facing_deg[0]), view)
    seq = landmark_sequence(truth, cam, LandmarkNoise.blazepose_like(), seed=5)
    opts = AnalysisOptions()
    if recipe == "flipped":
        image = seq.image.copy()
        flipped = (np.arange(len(image)) // 9) % 5 < 2
        for a, b in ((lm.L_SHOULDER, lm.R_SHOULDER), (lm.L_HIP, lm.R_HIP)):
            image[flipped, a], image[flipped, b] = seq.image[flipped, b], seq.image[flipped, a]
        seq = replace(seq, image=image)
    elif recipe == "no_world":
        seq = replace(seq, world=np.full_like(seq.world, np.nan))
    elif recipe == "panned":
        # A camera panning after the walker: the background shifts by up to 0.3 of the
        # frame's width, and the landmarks with it.
        pan = np.linspace(0.0, -0.3 * seq.width, len(seq))
        camera = np.column_stack([np.zeros(len(seq)), pan, np.zeros(len(seq))])
        seq = replace(seq, image=seq.image.copy(), camera=camera)
        seq.xy[:, :, 0] += pan[:, None]
    elif recipe == "floor":
        x0 = float(truth.steps[0]["footprint"][0])
        hom = floor_calibration(cam, (x0, x0 + 3.0 * params.travel_sign))["homography"]
        cal = FloorCalibration(
            tuple(map(tuple, hom["image_px"])), floor_m=tuple(map(tuple, hom["floor_m"]))
        )
        opts = AnalysisOptions(calibration=cal)
    return analyze_sequence(seq, opts)


@cache
def _sample_front_walk() -> AnalysisResult:
    """The sample front-view clip through the pose model: its steps are timed from the
    picture's change around each foot."""
    from vision.pipeline import extract_pose

    video = ROOT / "sample_videos" / "backward_front.mp4"
    if not video.is_file():
        pytest.skip(f"{video.name} not generated (python -m vision.synthetic.samples)")
    return analyze_sequence(extract_pose(video))


# Row finding -> the walk it applies to.
WALKS = {
    "camera.moved": lambda: _walk("side", "panned"),
    "facing.unsure": lambda: _walk("back", "flipped"),
    "view.{view}.no_steps_unsure_facing": lambda: _walk("back", "flipped"),
    "view.{view}.mean_step_length_only": lambda: _walk("back", "floor"),
    "view.{view}.no_step_length": lambda: _walk("front"),
    "view.{view}.steps_by_motion": _sample_front_walk,
    "view.back.steps_by_depth": lambda: _walk("back"),
    "view.front.steps_by_depth": lambda: _walk("front"),
    "view.{view}.no_posture_unsure_facing": lambda: _walk("front", "flipped"),
    "view.{view}.no_trunk_flexion": lambda: _walk("back"),
    "view.oblique.no_lateral_lean": lambda: _walk("oblique"),
    "view.{view}.no_sway_ml": lambda: _walk("side"),
    "scale.none": lambda: _walk("oblique", "no_world"),
}


def _value(result: AnalysisResult, metric: str) -> object:
    if metric == "steps.length_m":
        lengths = [s.length_m for s in result.steps]  # no steps: no lengths either
        return None if all(v is None for v in lengths) else lengths
    name, _, part = metric.partition(".")
    value = getattr(result.metrics, name)
    return getattr(value, part) if part else value


def test_every_row_has_a_walk_here():
    assert sorted(WALKS) == sorted(row.finding for row in CAPABILITIES)


@pytest.mark.parametrize("row", CAPABILITIES, ids=[row.finding for row in CAPABILITIES])
def test_a_metric_the_view_does_not_measure_is_null_with_its_finding(row: Capability):
    result = WALKS[row.finding]()
    view = result.extras["view"]
    assert view in row.views
    codes = [f["code"] for f in result.quality.findings]
    assert row.code(view) in codes, codes
    for metric in row.withheld:
        assert _value(result, metric) is None, metric
    if not row.withheld:  # measured, less surely: as on the same walk without the condition
        steady = _walk(view)
        for metric in ("step_count", "cadence_spm", "speed_mps", "trunk_flexion_deg.mean"):
            assert _value(result, metric) is not None, metric
        assert result.metrics.step_count == steady.metrics.step_count


def test_a_side_view_measures_what_the_front_withholds():
    """The table is not all withholding: from the side, each step's length, the spread,
    double support and trunk flexion are measured on the same walk."""
    side, front = _walk("side"), _walk("front")
    for metric in ("steps.length_m", "step_length_m.sd", "trunk_flexion_deg.mean"):
        assert _value(side, metric) is not None and _value(front, metric) is None, metric
    assert side.metrics.double_support_pct is not None
    assert "double_support_pct" in withheld(Conditions(view="front"))
    assert "double_support_pct" not in withheld(Conditions(view="side"))


def test_findings_are_the_warnings_as_data():
    result = _walk("back", "flipped")
    assert [f["message"] for f in result.quality.findings] == result.quality.warnings
    unsure = next(f for f in result.quality.findings if f["code"] == "facing.unsure")
    assert unsure["severity"] == "warning" and unsure["evidence"]["view"] == "back"
    assert 0 < unsure["evidence"]["agreement_pct"] < 100
    assert result.to_dict()["quality"]["findings"][0].keys() == {
        "code",
        "severity",
        "message",
        "evidence",
    }


# README row -> the metrics it is about.
README_ROWS = {
    "steps, step time": ("step_count", "step_time_s.mean"),
    "cadence": ("cadence_spm",),
    "stride-time variability": ("stride_time_sd_ms",),
    "step length, speed": ("step_length_m.mean", "speed_mps"),
    "trunk flexion, head pitch": ("trunk_flexion_deg.mean", "head_pitch_deg.mean"),
    "lean to the side": ("trunk_lateral_lean_deg.mean", "trunk_lateral_lean_deg.max"),
    "mediolateral sway": ("sway_ml_body_heights",),
}


def _readme_table() -> dict[str, dict[str, str]]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    start = text.index("| metric | side |")
    lines = text[start:].split("\n\n")[0].splitlines()
    views = [re.match(r"\w+", c.strip()).group(0) for c in lines[0].strip("|").split("|")[1:]]
    rows = {}
    for line in lines[2:]:
        cells = [c.strip() for c in line.strip("|").split("|")]
        rows[cells[0]] = dict(zip(views, cells[1:], strict=True))
    return rows


def test_the_readme_table_of_views_agrees_with_the_capability_table():
    """A README cell says "not ..." exactly where the table withholds the row's metrics from
    that view (the facing sure, steps timed by the feet's motion, a floor calibration); step
    length and speed are "4-point floor marks only" where only a floor plane gives them."""
    table = _readme_table()
    assert sorted(table) == sorted(README_ROWS)
    for name, metrics in README_ROWS.items():
        for view, cell in table[name].items():
            marked = Conditions(view=view, floor_plane=True, steps_by_motion=True)
            unmarked = replace(marked, floor_plane=False)
            gone = [m for m in metrics if m in withheld(marked)]
            assert cell.startswith("not ") == bool(gone), (name, view, cell)
            needs_floor = any(m in withheld(unmarked) for m in metrics) and not gone
            assert ("4-point floor marks only" in cell) == needs_floor, (name, view, cell)
