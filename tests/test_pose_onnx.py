"""The ONNX Runtime pose backend: its model files, detector scheduling, options and the CLI."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

import numpy as np
import pytest

from service.cli import main as cli_main
from vision.pose import PoseOptions, check_device, create_estimator
from vision.pose.models import DETECTOR_MODEL_NAME, LANDMARKS_MODEL_NAME, onnx_model_paths
from vision.pose.onnx import OnnxOptions, OnnxPoseEstimator, changed_fraction, thumbnail
from vision.sequence import PoseSequence
from vision.video import iter_frames

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "sample_videos" / "backward_side_3m.mp4"


@pytest.mark.parametrize("name", [DETECTOR_MODEL_NAME, LANDMARKS_MODEL_NAME])
def test_onnx_models_match_their_recorded_sha256(name: str) -> None:
    readme = (ROOT / "models" / "README.md").read_text()
    recorded = re.search(rf"`{re.escape(name)}` \| [\d,]+ \| `([0-9a-f]{{64}})`", readme)
    assert recorded, f"models/README.md must record the sha256 of {name}"
    path = ROOT / "models" / name
    assert hashlib.sha256(path.read_bytes()).hexdigest() == recorded.group(1)


def test_an_empty_picture_left_as_it_was_is_looked_at_every_half_second() -> None:
    blank = np.full((480, 640, 3), 128, np.uint8)
    with OnnxPoseEstimator(onnx=OnnxOptions(threads=1)) as est:
        assert [est.estimate(blank, t) for t in (0.0, 0.033, 0.467, 0.5)] == [[], [], [], []]
        assert est.detector_runs == 2  # at 0 and 0.5 s
    every_frame = OnnxOptions(threads=1, min_change=0.0, empty_interval_s=0.0)
    with OnnxPoseEstimator(onnx=every_frame) as est:
        assert [est.estimate(blank, t) for t in (0.0, 0.033, 0.467, 0.5)] == [[], [], [], []]
        assert est.detector_runs == 4  # every frame


def test_a_walker_coming_into_an_empty_picture_is_found_on_that_frame() -> None:
    """Within ``empty_interval_s``, not up to ``detect_interval_s`` later: the first steps are
    the start of the walk."""
    walker = next(iter_frames(SAMPLE)).rgb
    blank = np.full_like(walker, 128)
    with OnnxPoseEstimator(onnx=OnnxOptions(threads=1, empty_interval_s=0.1)) as est:
        assert [est.estimate(blank, t) for t in (0.0, 0.033, 0.067)] == [[], [], []]
        assert est.detector_runs == 1
        assert est.estimate(walker, 0.09) == []  # changed, but looked at 0.09 s ago
        assert len(est.estimate(walker, 0.1)) == 1
        assert est.detector_runs == 2


def test_the_change_of_a_picture_is_read_on_a_thumbnail() -> None:
    blank = np.full((480, 640, 3), 128, np.uint8)
    noisy = (blank + np.random.default_rng(0).integers(-20, 21, blank.shape)).astype(np.uint8)
    assert changed_fraction(thumbnail(blank), thumbnail(noisy)) == 0.0  # averaged away
    person = blank.copy()
    person[100:400, 300:360] = 30  # a dark figure, 60 x 300 px
    assert changed_fraction(thumbnail(blank), thumbnail(person)) == pytest.approx(
        60 * 300 / (640 * 480), rel=0.3
    )
    assert changed_fraction(thumbnail(blank), thumbnail(blank[:240])) == 1.0


def test_estimator_rejects_non_rgb_input() -> None:
    with OnnxPoseEstimator() as est, pytest.raises(ValueError, match="RGB"):
        est.estimate(np.zeros((480, 640), np.uint8), 0.0)


@pytest.mark.parametrize(
    ("options", "message"),
    [
        (OnnxOptions(device="tpu"), "device"),
        (OnnxOptions(threads=0), "threads"),
        (OnnxOptions(detect_interval_s=-1), "detect_interval_s"),
        (OnnxOptions(min_change=1.5), "min_change"),
        (OnnxOptions(empty_interval_s=-0.1), "empty_interval_s"),
    ],
)
def test_bad_options_are_refused_naming_the_option(options: OnnxOptions, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        OnnxPoseEstimator(onnx=options)


def test_unknown_backend_is_refused_before_any_model_loads() -> None:
    with pytest.raises(ValueError, match="tasks, onnx"):
        create_estimator(PoseOptions(backend="openpose"))


def test_missing_model_folder_falls_back_to_the_project_models() -> None:
    detector, landmarks = onnx_model_paths("/nonexistent")
    assert detector.parent == landmarks.parent == ROOT / "models"


def test_cuda_device_without_a_cuda_runtime_says_what_to_install() -> None:
    import onnxruntime as ort

    if "CUDAExecutionProvider" in ort.get_available_providers():
        pytest.skip("this ONNX Runtime has CUDA: the error path cannot be reached")
    with pytest.raises(ValueError, match="onnxruntime-gpu"):
        OnnxPoseEstimator(onnx=OnnxOptions(device="cuda"))


def test_cuda_device_finds_the_walker() -> None:
    import onnxruntime as ort

    if "CUDAExecutionProvider" not in ort.get_available_providers():
        pytest.skip("no CUDA execution provider (onnxruntime-gpu and a CUDA GPU are needed)")
    frame = next(iter_frames(SAMPLE)).rgb
    with OnnxPoseEstimator(onnx=OnnxOptions(device="cuda")) as est:
        assert len(est.estimate(frame, 0.0)) == 1


def _run(num_poses: int, seconds: float) -> tuple[int, int, int]:
    """(frames, frames with the walker, detector runs) over the sample's first ``seconds``."""
    frames = found = 0
    with OnnxPoseEstimator(PoseOptions(num_poses=num_poses), OnnxOptions(threads=1)) as est:
        for frame in iter_frames(SAMPLE):
            if frame.t_s >= seconds:
                break
            frames += 1
            found += len(est.estimate(frame.rgb, frame.t_s)) == 1
        return frames, found, est.detector_runs


def test_one_tracked_person_needs_the_detector_once() -> None:
    frames, found, detector_runs = _run(num_poses=1, seconds=2.0)
    assert frames == 60 and found == 60
    assert detector_runs == 1


def test_the_detector_looks_for_newcomers_every_half_second() -> None:
    # Two poses asked for, one person in view: the detector runs at 0, 0.5, 1.0 and 1.5 s.
    frames, found, detector_runs = _run(num_poses=2, seconds=2.0)
    assert frames == 60 and found == 60
    assert detector_runs == 4


def test_walker_landmarks_land_on_the_rendered_joints() -> None:
    import json

    truth = json.loads(SAMPLE.with_suffix(".truth.json").read_text())
    joints = np.asarray(truth["image_joints_px"], np.float64)
    errors = []
    with OnnxPoseEstimator(PoseOptions(num_poses=1), OnnxOptions(threads=1)) as est:
        for frame in iter_frames(SAMPLE):
            if frame.index >= 30:
                break
            (person,) = est.estimate(frame.rgb, frame.t_s)
            hips = person.xy[[23, 24]].mean(axis=0)
            errors.append(np.linalg.norm(hips - joints[frame.index, [23, 24]].mean(axis=0)))
    # The mannequin is about 400 px tall in this 960x540 clip.
    assert np.median(errors) < 15.0


@pytest.mark.slow
def test_cli_pose_with_the_onnx_backend(tmp_path: Path) -> None:
    out = tmp_path / "walk.npz"
    assert cli_main(["pose", str(SAMPLE), "--backend", "onnx", "-o", str(out)]) == 0
    seq = PoseSequence.load(out)
    assert seq.meta["backend"] == "onnx-runtime"
    assert seq.coverage > 0.95


def test_cli_refuses_an_unknown_backend() -> None:
    with pytest.raises(SystemExit) as exc:
        cli_main(["analyze", str(SAMPLE), "--backend", "openpose"])
    assert exc.value.code == 2


def _has_cuda() -> bool:
    import onnxruntime as ort

    return "CUDAExecutionProvider" in ort.get_available_providers()


def test_device_is_checked_against_the_backend_before_a_model_loads() -> None:
    for backend in ("tasks", "onnx"):
        for device in ("auto", "cpu"):
            check_device(backend, device)  # the CPU is always there
    with pytest.raises(ValueError, match="device must be one of"):
        check_device("onnx", "tpu")
    with pytest.raises(ValueError, match="--backend onnx"):
        check_device("tasks", "cuda")
    with pytest.raises(ValueError, match="device must be one of"):
        create_estimator(PoseOptions(device="gpu"))


def test_cuda_asked_for_without_cuda_is_refused_by_both_commands(tmp_path: Path, capsys) -> None:
    if _has_cuda():
        pytest.skip("this ONNX Runtime has CUDA: the refusal cannot be reached")
    with pytest.raises(ValueError, match="onnxruntime-gpu"):
        check_device("onnx", "cuda")
    analyze = ["analyze", str(SAMPLE), "--backend", "onnx", "--device", "cuda"]
    assert cli_main(analyze) == 2
    assert cli_main(["pose", str(SAMPLE), "--backend", "tasks", "--device", "cuda"]) == 2
    err = capsys.readouterr().err
    assert "onnxruntime-gpu" in err and "--backend onnx" in err


@pytest.mark.slow
def test_cli_analyze_runs_the_onnx_backend_where_auto_finds_no_gpu(tmp_path: Path) -> None:
    out = tmp_path / "result.json"
    command = ["analyze", str(SAMPLE), "--backend", "onnx", "--device", "auto", "-q"]
    assert cli_main([*command, "--json", str(out)]) == 0
    doc = json.loads(out.read_text())
    assert doc["pose"]["backend"] == "onnx-runtime" and doc["pose"]["coverage"] > 0.95
    assert doc["metrics"]["step_count"] >= 4
