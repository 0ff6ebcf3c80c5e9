"""A batch over the real clips plus a corrupt file: every clip scored, the corrupt one reported,
and a second run skips everything."""

from __future__ import annotations

import csv
import shutil

import pytest

from service.cli import main

pytestmark = pytest.mark.slow


def test_batch_over_real_clips_scores_all_and_resumes(shared_videos, tmp_path, capsys):
    src = tmp_path / "clips"
    src.mkdir()
    clips = sorted(p for p in shared_videos.iterdir() if p.suffix in (".mp4", ".avi"))
    for clip in clips:
        (src / clip.name).symlink_to(clip)
    (src / "corrupt.mp4").write_bytes(bytes(range(256)) * 80)
    out = tmp_path / "out"
    # 150 frames (5 s at 30 fps) keeps several steps of every clip while bounding pose time.
    args = ["batch", str(src), "-o", str(out), "--workers", "2", "--max-frames", "150"]
    assert main(args) == 1  # the corrupt file failed
    rows = {r["recording"]: r for r in csv.DictReader((out / "summary.csv").open())}
    assert set(rows) == {c.name for c in clips} | {"corrupt.mp4"}
    assert rows["corrupt.mp4"]["status"] == "failed"
    assert rows["corrupt.mp4"]["reason"].startswith("NotAVideoError")
    for clip in clips:
        row = rows[clip.name]
        assert row["status"] == "analysed", row["reason"]
        assert row["fall_risk_level"] in ("low", "moderate", "high", "undetermined")
        assert (out / row["result_json"]).is_file()
    assert rows["backward_walk_side_demo4.mp4"]["walk_direction"] in ("backward", "forward")
    reports = sorted(p.name for p in (out / "reports").iterdir())
    assert len(reports) == 2 * len(clips)
    capsys.readouterr()
    assert main(args) == 1
    printed = capsys.readouterr().out
    assert f"0 analysed, {len(clips)} unchanged (skipped), 1 failed" in printed
    shutil.rmtree(out / "reports")
