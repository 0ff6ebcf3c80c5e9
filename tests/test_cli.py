"""``retrogait analyze`` as a person at a terminal meets it: checked inputs, one-line errors, no
native logging, and a summary a physiotherapist can read. Run as real child processes, so file
descriptor 2 is the real one."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from service_support import REPO

SAMPLE = REPO / "sample_videos" / "backward_side_3m.mp4"
FORWARD_SAMPLE = REPO / "sample_videos" / "forward_oblique.mp4"


def retrogait(*args: str | Path, cwd: Path = REPO) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    return subprocess.run(
        [sys.executable, "-m", "service.cli", *map(str, args)],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=600,
    )


def _bad_inputs(tmp: Path) -> list[tuple[list[str | Path], str]]:
    not_a_video = tmp / "notes.mp4"
    not_a_video.write_text("not a video\n")
    folder = tmp / "out"
    folder.mkdir()
    return [
        ([tmp / "missing walk.mp4"], "missing walk.mp4"),
        ([not_a_video], "notes.mp4"),
        ([SAMPLE, "--population", "teenagers"], "parkinsons"),
        ([SAMPLE, "--protocol", "6mwt"], "3mbwt"),
        ([SAMPLE, "--calibration", "1,2,3"], "X1,Y1,X2,Y2,METRES"),
        ([SAMPLE, "--height-cm", "17"], "50-250 cm"),
        ([SAMPLE, "--json", folder], "is a folder"),
        ([SAMPLE, "--json", not_a_video / "result.json"], "notes.mp4 is a file, not a folder"),
        ([SAMPLE, "--detector", "magic"], "invalid choice"),
        ([], "give a VIDEO"),
    ]


def test_bad_inputs_get_one_line_and_exit_code_2(tmp_path: Path) -> None:
    for args, says in _bad_inputs(tmp_path):
        r = retrogait("analyze", *args)
        assert r.returncode == 2, (args, r.stderr)
        assert r.stdout == "", args
        lines = r.stderr.splitlines()
        assert len(lines) == 1, (args, r.stderr)
        assert lines[0].startswith("retrogait analyze: "), lines
        assert says in lines[0], (args, lines)


def test_help_lists_every_allowed_value() -> None:
    from vision.analysis import PROTOCOLS
    from vision.assess.presets import PRESETS
    from vision.gait.events import REGISTRY

    r = retrogait("analyze", "--help")
    assert r.returncode == 0
    text = " ".join(r.stdout.split())
    for value in [*PRESETS, *PROTOCOLS, *REGISTRY]:
        assert value in text, value
    assert "--verbose" in text


def test_help_states_the_librarys_default_population() -> None:
    from service.commands.analyze import DEFAULT_POPULATION
    from vision.analysis import AnalysisOptions
    from vision.assess.presets import DEFAULT_PRESET

    assert DEFAULT_POPULATION == DEFAULT_PRESET == AnalysisOptions().population


def test_native_writes_to_descriptor_2_are_silenced_python_messages_are_not() -> None:
    code = (
        "import os, sys\n"
        "from service.commands.quiet import native_stderr_silenced\n"
        "with native_stderr_silenced():\n"
        "    os.write(2, b'native log line\\n')\n"
        "    print('python message', file=sys.stderr)\n"
        "os.write(2, b'after the block\\n')\n"
    )
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    r = subprocess.run(
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=60
    )
    assert r.returncode == 0, r.stderr
    assert r.stderr == "python message\nafter the block\n"


@pytest.fixture(scope="module")
def pose_files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The sample clips' landmarks, extracted once by ``retrogait pose`` (the model's one run)."""
    out = tmp_path_factory.mktemp("pose")
    files = {}
    for clip in (SAMPLE, FORWARD_SAMPLE):
        path = out / f"{clip.stem}.npz"
        r = retrogait("pose", clip, "-o", path)
        assert r.returncode == 0, r.stderr
        # Quiet by default: the native libraries' dozens of log lines stay off the terminal.
        assert r.stderr == "", r.stderr
        files[clip.stem] = path
    return files


@pytest.mark.slow
def test_summary_has_scores_fall_risk_rules_and_cues(
    pose_files: dict[str, Path], tmp_path: Path
) -> None:
    cal = json.loads(SAMPLE.with_name(f"{SAMPLE.stem}.calibration.json").read_text())
    (x1, y1), (x2, y2) = cal["points_px"]
    calibration = f"{x1},{y1},{x2},{y2},{cal['distance_m']}"
    out = tmp_path / "result.json"
    r = retrogait(
        "analyze",
        "--pose",
        pose_files[SAMPLE.stem],
        "--calibration",
        calibration,
        "--protocol",
        "3mbwt",
        "--json",
        out,
    )
    assert r.returncode == 0 and r.stderr == "", r.stderr
    doc = json.loads(out.read_text())
    text = r.stdout
    scores = doc["scores"]
    assert f"scores (0-100): overall {scores['overall']:.0f}," in text
    risk = doc["fall_risk"]
    assert f"fall risk ({risk['population']}): {risk['level']}" in text
    for reason in risk["reasons"]:
        assert f"  {reason['rule']}: " in text
        assert f"cut-off {reason['cutoff']:g} {reason['unit']}" in text
        assert f"source: {reason['source']}" in text
    assert "3 m backward walk test: " in text
    top = max(doc["feedback"], key=lambda f: f["severity"] in ("warning", "alert"))
    assert f"{top['severity']}: {top['message']}" in text


@pytest.mark.slow
def test_forward_clip_says_why_it_is_not_coached(pose_files: dict[str, Path]) -> None:
    r = retrogait("analyze", "--pose", pose_files[FORWARD_SAMPLE.stem])
    assert r.returncode == 0 and r.stderr == "", r.stderr
    assert "fall risk (general_adult): undetermined" in r.stdout
    assert "walk_direction: forward, needs backward -> undetermined" in r.stdout
    assert "so it was not coached" in r.stdout
    assert "scores (0-100): overall n/a" in r.stdout


@pytest.mark.slow
def test_json_dash_writes_only_the_document_to_stdout(pose_files: dict[str, Path]) -> None:
    r = retrogait("analyze", "--pose", pose_files[SAMPLE.stem], "--json", "-")
    assert r.returncode == 0 and r.stderr == "", r.stderr
    doc = json.loads(r.stdout)  # nothing else on stdout, or this fails
    assert doc["schema_version"] == "1" and doc["metrics"]["step_count"] > 0


@pytest.mark.slow
def test_verbose_shows_the_native_logging(tmp_path: Path) -> None:
    r = retrogait("pose", SAMPLE, "-o", tmp_path / "pose.npz", "--verbose")
    assert r.returncode == 0
    assert len(r.stderr.splitlines()) > 5, r.stderr
