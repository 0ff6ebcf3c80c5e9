"""Options, calibration parsing and clear errors of the gait analysis and `retrogait analyze`."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
from service_support import write_test_video

from service.cli import main
from vision.analysis import AnalysisOptions, analyze_sequence
from vision.gait.events import REGISTRY, EventOptions, detect_events, detector_that_runs
from vision.gait.events.policy import FALLBACKS
from vision.gait.foot_tracks import FootTracks
from vision.gait.scale import CalibrationError, FloorCalibration
from vision.sequence import PoseSequence


def test_calibration_parsing():
    two = FloorCalibration.parse("100,500,900,510,3")
    assert two.distance_m == 3.0 and len(two.image_px) == 2
    four = FloorCalibration.parse("100,500,120,600,900,600,880,500,3,1.2")
    assert four.floor_m == ((0.0, 0.0), (0.0, 1.2), (3.0, 1.2), (3.0, 0.0))
    for bad in (
        "1,2,3",
        "a,b,c,d,e",
        "100,500,100,500,3",
        "100,500,900,500,0",
        "0,0,1,1,2,2,3,3,3,1",
    ):
        with pytest.raises(CalibrationError):
            FloorCalibration.parse(bad)


def test_invalid_options_raise_clear_errors():
    seq = PoseSequence.empty(10, 30.0, 640, 480)
    with pytest.raises(ValueError, match="protocol"):
        analyze_sequence(seq, AnalysisOptions(protocol="6mwt"))
    with pytest.raises(ValueError, match="detector"):
        analyze_sequence(seq, AnalysisOptions(event_detector="zeni"))
    with pytest.raises(ValueError, match="height_cm"):
        analyze_sequence(seq, AnalysisOptions(height_cm=20))


def test_no_person_gives_warnings_not_numbers():
    res = analyze_sequence(PoseSequence.empty(30, 30.0, 640, 480))
    assert res.metrics.step_count == 0 and res.metrics.cadence_spm is None
    assert res.pose.coverage == 0.0
    assert any("no person" in w for w in res.quality.warnings)


def standing_still(n: int) -> FootTracks:
    """Foot tracks of ``n`` frames of a person standing still, nothing else measured."""
    return FootTracks(
        t_s=np.arange(n) / 30.0,
        frame_index=np.arange(n),
        feet=np.zeros((n, 2, 3, 2)),
        pelvis=np.zeros((n, 2)),
        travel=np.zeros(n, np.int8),
        walking=np.zeros(n, bool),
        body_height_px=400.0,
    )


def test_detectors_are_pluggable_by_name():
    assert {"stationarity", "pelvis_relative"} <= set(REGISTRY)
    tracks = standing_still(60)
    for name in REGISTRY:  # a person standing still makes no events with any detector
        assert detect_events(tracks, EventOptions(detector=name)) == []
    with pytest.raises(ValueError, match="unknown event detector"):
        detect_events(tracks, EventOptions(detector="nope"))


def test_fallbacks_lead_to_registered_detectors():
    n = 30
    bare = standing_still(n)
    for name, fallback in FALLBACKS.items():
        assert name in REGISTRY and fallback.to in REGISTRY
    # Neither the picture's change around the feet nor their depth: the chain runs to its end.
    assert detector_that_runs("foot_motion", bare) == "pelvis_relative"
    with_depth = replace(bare, depth=np.zeros((n, 2, 2)))
    assert detector_that_runs("foot_motion", with_depth) == "separation"
    with_motion = replace(with_depth, motion=np.zeros((n, 2)))
    assert detector_that_runs("foot_motion", with_motion) == "foot_motion"
    assert detector_that_runs("leapfrog", bare) == "leapfrog"


@pytest.mark.parametrize(
    "args, message",
    [
        (["--calibration", "1,2,3"], "expected 5 numbers"),
        (["--protocol", "3mbwt"], "needs --calibration"),
        (["--height-cm", "1000"], "height_cm"),
    ],
)
def test_cli_rejects_bad_arguments(args, message, capsys, tmp_path):
    video = write_test_video(tmp_path / "walk.mp4")  # the file is checked first
    rc = main(["analyze", str(video), *args])
    assert rc == 2
    assert message in capsys.readouterr().err


def _saved_walk(tmp_path):
    from vision.synthetic import WalkParams, simulate_walk
    from vision.synthetic.camera import floor_calibration, view_camera
    from vision.synthetic.landmarks import LandmarkNoise, landmark_sequence

    truth = simulate_walk(WalkParams(n_steps=8, direction="backward", distance_m=4.0))
    cam = view_camera(truth.joints, float(truth.facing_deg[0]), "side")
    seq = landmark_sequence(truth, cam, LandmarkNoise.none(), seed=3)
    pose = seq.save(tmp_path / "walk.npz")
    lines = (truth.test_3mbwt["start_line_x_m"], truth.test_3mbwt["end_line_x_m"])
    two = floor_calibration(cam, lines)["two_point"]
    return truth, pose, two


def test_cli_analyses_saved_pose_with_calibration_sidecar(tmp_path, capsys):
    import json

    truth, pose, two = _saved_walk(tmp_path)
    video = tmp_path / "walk.mp4"  # the sidecar is found beside the video's name
    (tmp_path / "walk.calibration.json").write_text(
        json.dumps(
            {"points_px": two["image_px"], "distance_m": two["distance_m"], "protocol": "3mbwt"}
        )
    )
    out = tmp_path / "result.json"
    assert main(["analyze", str(video), "--pose", str(pose), "--json", str(out)]) == 0
    captured = capsys.readouterr()
    assert "walk.calibration.json" in captured.out  # a note of the summary, not an error
    doc = json.loads(out.read_text())
    assert doc["scale"]["method"] == "floor_calibration"
    assert doc["metrics"]["test_3mbwt_s"] == pytest.approx(truth.test_3mbwt["time_s"], abs=0.2)
    assert any("calibration" in w for w in doc["quality"]["warnings"])
    (note,) = [f for f in doc["quality"]["findings"] if f["code"].startswith("input.")]
    assert note["code"] == "input.sidecar_calibration_protocol"
    assert note["evidence"]["protocol"] == "3mbwt" and note["message"] in doc["quality"]["warnings"]


def test_cli_saved_pose_without_sidecar_and_bad_sidecar(tmp_path, capsys):
    import json

    _, pose, _ = _saved_walk(tmp_path)
    out = tmp_path / "r.json"
    assert main(["analyze", "--pose", str(pose), "--json", str(out), "-q"]) == 0
    assert json.loads(out.read_text())["scale"]["method"] != "floor_calibration"
    (tmp_path / "walk.calibration.json").write_text('{"points_px": [[1, 2]]}')
    assert main(["analyze", str(tmp_path / "walk.mp4"), "--pose", str(pose)]) == 2
    assert "calibration" in capsys.readouterr().err
    assert main(["analyze"]) == 2
    assert main(["analyze", "--pose", str(tmp_path / "missing.npz")]) == 2
