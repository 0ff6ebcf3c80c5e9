"""Batch inputs, resume keys, and a real batch run over files that fail (no pose needed)."""

from __future__ import annotations

import csv
import json
import os
from pathlib import Path

import pytest

from service.batch.inputs import BatchInputError, folder_items, manifest_items, recording_id
from service.batch.scoring import BatchOptions, batch_key, content_sha256, run_batch, settings_of
from service.cli import main


def write_manifest(folder: Path, rows: list[dict[str, str]], name: str = "visits.csv") -> Path:
    path = folder / name
    columns = list(dict.fromkeys(k for row in rows for k in row))
    with path.open("w", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=columns)
        writer.writeheader()
        writer.writerows(rows)
    return path


def test_manifest_rows_become_items_with_options(tmp_path):
    (tmp_path / "P1").mkdir()
    (tmp_path / "P1" / "a.mp4").write_bytes(b"x")
    manifest = write_manifest(
        tmp_path,
        [
            {
                "video": "P1/a.mp4",
                "patient_id": "P1",
                "visit_date": "2025-03-01",
                "height_cm": "162",
                "calibration": '{"distance_m": 3.0}',
                "population": "community_older_adults",
                "protocol": "3mbwt",
            }
        ],
    )
    (item,) = manifest_items(manifest)
    assert item.video == tmp_path / "P1" / "a.mp4" and item.recording_id == "P1__a.mp4"
    assert item.options == {
        "height_cm": 162.0,
        "calibration": {"distance_m": 3.0},
        "population": "community_older_adults",
        "protocol": "3mbwt",
    }
    assert item.visit()["date"] == "2025-03-01" and item.patient_id == "P1"


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ({"video": "../outside.mp4"}, "'..' is not allowed"),
        ({"video": "P1/../../outside.mp4"}, "'..' is not allowed"),
        ({"video": "/etc/passwd"}, "absolute video paths are refused"),
        ({"video": "a.mp4", "visit_date": "01/03/2025"}, "line 2: visit_date"),
        ({"video": "a.mp4", "height_cm": "tall"}, "height_cm 'tall' is not a number"),
        ({"video": "a.mp4", "height_cm": "1.62"}, "outside 50-260 cm"),
        ({"video": "a.mp4", "population": "martians"}, "unknown population 'martians'"),
        ({"video": "a.mp4", "protocol": "sprint"}, "unknown protocol 'sprint'"),
        ({"video": "a.mp4", "calibration": "[1, 2]"}, "calibration must be a JSON object"),
        ({"video": "a.mp4", "colour": "red"}, "unknown columns"),
        ({"path": "a.mp4"}, "no 'video' column"),
    ],
)
def test_bad_manifest_rows_are_refused_with_their_line(tmp_path, row, message):
    with pytest.raises(BatchInputError, match=message):
        manifest_items(write_manifest(tmp_path, [row]))


def test_symlink_leaving_the_folder_is_refused_and_absolute_paths_need_the_flag(tmp_path):
    inside = tmp_path / "clinic"
    inside.mkdir()
    outside = tmp_path / "elsewhere.mp4"
    outside.write_bytes(b"x")
    (inside / "link.mp4").symlink_to(outside)
    with pytest.raises(BatchInputError, match="leads outside"):
        manifest_items(write_manifest(inside, [{"video": "link.mp4"}]))
    manifest = write_manifest(inside, [{"video": str(outside)}], "abs.csv")
    (item,) = manifest_items(manifest, allow_absolute=True)
    assert item.video == outside


def test_folder_items_name_patients_by_subfolder_and_skip_the_output(tmp_path):
    for rel in ("P1/v1.mp4", "P1/v2.MOV", "P2/x/v.avi", "solo.mp4", "notes.txt", "out/r.mp4"):
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_bytes(b"x")
    items = folder_items(tmp_path, exclude=tmp_path / "out")
    assert [(i.recording_id, i.patient_id) for i in items] == [
        ("P1__v1.mp4", "P1"),
        ("P1__v2.MOV", "P1"),
        ("P2__x__v.avi", "P2"),
        ("solo.mp4", "solo"),
    ]
    with pytest.raises(BatchInputError, match="no video files"):
        folder_items(tmp_path / "P2" / "x" / "..", exclude=tmp_path / "P2")
    assert recording_id("a b/c?.mp4") == "a_b__c_.mp4"


def test_key_changes_with_content_and_settings_only(tmp_path):
    video = tmp_path / "v.mp4"
    video.write_bytes(b"frames")
    (item,) = folder_items(tmp_path)
    key = batch_key(content_sha256(video), settings_of(item, BatchOptions()))
    assert key == batch_key(content_sha256(video), settings_of(item, BatchOptions(workers=1)))
    assert key != batch_key(content_sha256(video), settings_of(item, BatchOptions(max_frames=9)))
    video.write_bytes(b"frames!")
    assert key != batch_key(content_sha256(video), settings_of(item, BatchOptions()))


def test_failing_recordings_are_reported_and_not_rerun_unless_asked(tmp_path):
    src = tmp_path / "in"
    src.mkdir()
    # Fixed bytes: random ones now and then parse as a container holding no video stream.
    (src / "corrupt.mp4").write_bytes(bytes(range(256)) * 16)
    (src / "empty.mov").write_bytes(b"")
    out = tmp_path / "out"
    items = folder_items(src)
    outcomes = run_batch(items, out, BatchOptions(workers=2))
    assert [o.status for o in outcomes] == ["failed", "failed"]
    reasons = {o.item.recording_id: o.reason for o in outcomes}
    assert reasons["corrupt.mp4"].startswith("NotAVideoError: corrupt.mp4 is not a video")
    assert reasons["empty.mov"].startswith("EmptyVideoError")
    record = json.loads((out / "failed" / "corrupt.mp4.json").read_text())
    assert record["permanent"] is True and record["reason"] == reasons["corrupt.mp4"]
    # Unchanged files with the same settings: the recorded failures stand, nothing runs.
    again = run_batch(items, out, BatchOptions(workers=2))
    assert [(o.status, o.reason, o.analysis_s) for o in again] == [
        ("failed", reasons["corrupt.mp4"], None),
        ("failed", reasons["empty.mov"], None),
    ]
    retried = run_batch(items, out, BatchOptions(workers=1, retry_failed=True))
    assert all(o.analysis_s is not None for o in retried)


def test_cli_writes_the_summary_and_exits_by_outcome(tmp_path, capsys):
    (tmp_path / "bad.mp4").write_bytes(b"\x00" * 2048)
    manifest = write_manifest(
        tmp_path,
        [
            {"video": "bad.mp4", "patient_id": "P9", "visit_date": "2025-01-02"},
            {"video": "missing.mp4", "patient_id": "P9", "visit_date": "2025-02-02"},
        ],
    )
    out = tmp_path / "out"
    assert main(["batch", str(manifest), "-o", str(out), "--workers", "1"]) == 1
    printed = capsys.readouterr().out
    assert "2 recordings: 0 analysed, 0 unchanged (skipped), 2 failed" in printed
    rows = list(csv.DictReader((out / "summary.csv").open()))
    assert [(r["recording"], r["patient_id"], r["status"]) for r in rows] == [
        ("bad.mp4", "P9", "failed"),
        ("missing.mp4", "P9", "failed"),
    ]
    assert "missing.mp4" in rows[1]["reason"] and "No such file" in rows[1]["reason"]
    assert "speed_mps" in rows[0] and "test_3mbwt_s" in rows[0]
    assert not (out / "reports").exists() or not any((out / "reports").iterdir())
    bad = write_manifest(tmp_path, [{"video": "../x.mp4"}], "bad.csv")
    assert main(["batch", str(bad), "-o", str(out)]) == 2
    assert "'..' is not allowed" in capsys.readouterr().err


@pytest.mark.skipif(not hasattr(os, "sched_getaffinity"), reason="no CPU affinity on this OS")
def test_pinned_workers_each_get_a_core_of_their_own():
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor

    from service.batch.scoring import _worker_init

    cores = sorted(os.sched_getaffinity(0))
    if len(cores) < 2:
        pytest.skip("one core: nothing to pin")
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(
        2, mp_context=context, initializer=_worker_init, initargs=(context.Value("i", 0), 2)
    ) as pool:
        # Two slow-ish calls at once, so both processes answer.
        seen = {frozenset(s) for s in pool.map(_affinity_after, [0.5, 0.5, 0.5, 0.5])}
    assert seen == {frozenset({cores[0]}), frozenset({cores[1]})}


def _affinity_after(delay_s: float) -> set[int]:
    import time

    time.sleep(delay_s)
    return os.sched_getaffinity(0)
