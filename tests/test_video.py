"""vision.video on files made here (every failure mode) and on the real clips."""

from __future__ import annotations

from pathlib import Path

import av
import cv2
import numpy as np
import pytest

from vision.video import (
    EmptyVideoError,
    InvalidFrameRateError,
    NotAVideoError,
    NoVideoStreamError,
    TruncatedVideoError,
    UnsupportedVideoError,
    VideoError,
    VideoNotFoundError,
    frame_rate_from,
    is_variable_rate,
    iter_frames,
    probe,
)
from vision.video_writer import open_writer

# An upright portrait test card, 64 wide x 96 tall: red band on top, blue block bottom-left.
CARD = np.full((96, 64, 3), 60, np.uint8)
CARD[:20] = (255, 0, 0)
CARD[70:, :20] = (0, 0, 255)


def noisy_frames(n: int, height: int = 96, width: int = 128, seed: int = 0) -> list[np.ndarray]:
    """Frames that do not compress away, so a file cut in half loses half its frames."""
    rng = np.random.default_rng(seed)
    frames = []
    for i in range(n):
        rgb = rng.integers(0, 256, (height, width, 3), dtype=np.uint8)
        rgb[: height // 4, : width // 4] = (255, 0, 0)
        rgb[-8:, : (i * 3) % width + 1] = (0, 255, 0)  # a bar that grows: frames differ
        frames.append(rgb)
    return frames


def write_clip(path: Path, frames: list[np.ndarray], fps: float = 25.0) -> Path:
    height, width = frames[0].shape[:2]
    with open_writer(path, fps, width, height) as writer:
        for rgb in frames:
            writer.write(rgb)
    return path


def write_rotated(path: Path, clockwise_deg: int, *, as_tag: bool = False) -> Path:
    """CARD stored so that a player must turn it ``clockwise_deg`` clockwise to show it upright."""
    stored = np.ascontiguousarray(np.rot90(CARD, k=clockwise_deg // 90))  # np.rot90 turns CCW
    with av.open(str(path), "w") as container:
        stream = container.add_stream("libx264", rate=25)
        stream.height, stream.width = stored.shape[:2]
        stream.pix_fmt = "yuv420p"
        if as_tag:
            stream.metadata["rotate"] = str(clockwise_deg)
        else:
            stream.set_display_rotation(-clockwise_deg)  # display matrix angles are CCW
        for _ in range(5):
            container.mux(stream.encode(av.VideoFrame.from_ndarray(stored, format="rgb24")))
        container.mux(stream.encode(None))
    return path


@pytest.mark.parametrize(
    "suffix, codec",
    [
        (".mp4", "h264"),
        (".mov", "h264"),
        (".mkv", "h264"),
        (".webm", "vp9"),
        (".avi", "mpeg4"),
    ],
)
def test_every_container_round_trips(tmp_path: Path, suffix: str, codec: str) -> None:
    frames = noisy_frames(20, seed=1)
    path = write_clip(tmp_path / f"clip{suffix}", frames, fps=25.0)
    info = probe(path)
    assert (info.frame_count, info.width, info.height) == (20, 128, 96)
    assert info.fps == pytest.approx(25.0)
    assert info.duration_s == pytest.approx(0.8, abs=0.041)
    assert info.codec == codec and info.rotation_deg == 0 and not info.variable_frame_rate
    assert info.container == suffix[1:] or (suffix == ".mkv" and info.container == "matroska")
    decoded = list(iter_frames(path))
    assert [f.index for f in decoded] == list(range(20))
    np.testing.assert_allclose([f.t_s for f in decoded], np.arange(20) / 25.0, atol=1e-3)
    # The solid red corner survives lossy coding; noise elsewhere does not, so compare the corner.
    corner = decoded[5].rgb[4:20, 4:28].astype(int)
    assert np.abs(corner - frames[5][4:20, 4:28]).mean() < 20


def test_writer_pads_odd_sizes_and_keeps_fps_fraction(tmp_path: Path) -> None:
    frames = [np.full((51, 77, 3), 128, np.uint8)] * 6
    path = write_clip(tmp_path / "odd.mp4", frames, fps=4000 / 67)
    info = probe(path)
    assert (info.width, info.height) == (78, 52)
    assert info.fps == pytest.approx(4000 / 67, rel=1e-4)


def test_writer_removes_partial_file_on_error(tmp_path: Path) -> None:
    path = tmp_path / "partial.mp4"
    with pytest.raises(RuntimeError), open_writer(path, 30, 64, 48) as writer:
        writer.write(np.zeros((48, 64, 3), np.uint8))
        raise RuntimeError("renderer failed")
    assert not path.exists()


def test_writer_rejects_wrong_frames_and_formats(tmp_path: Path) -> None:
    with open_writer(tmp_path / "a.mp4", 30, 64, 48) as writer, pytest.raises(ValueError):
        writer.write(np.zeros((64, 48, 3), np.uint8))
    with pytest.raises(UnsupportedVideoError):
        open_writer(tmp_path / "a.gifv", 30, 64, 48)
    with pytest.raises(InvalidFrameRateError):
        open_writer(tmp_path / "b.mp4", 0, 64, 48)


@pytest.mark.parametrize("clockwise_deg", [90, 180, 270])
def test_display_matrix_rotation_gives_upright_frames(tmp_path: Path, clockwise_deg: int) -> None:
    path = write_rotated(tmp_path / f"rot{clockwise_deg}.mp4", clockwise_deg)
    info = probe(path)
    assert info.rotation_deg == clockwise_deg
    assert (info.width, info.height) == (64, 96)
    frame = next(iter_frames(path))
    assert frame.rgb.shape == (96, 64, 3)
    assert np.abs(frame.rgb.astype(int) - CARD).mean() < 3
    # OpenCV applies the same metadata independently: both readers must agree.
    ok, bgr = cv2.VideoCapture(str(path)).read()
    assert ok and np.abs(bgr[..., ::-1].astype(int) - frame.rgb).mean() < 1


def test_legacy_rotate_tag_is_honoured(tmp_path: Path) -> None:
    path = write_rotated(tmp_path / "tagged.mkv", 90, as_tag=True)
    info = probe(path)
    assert (info.rotation_deg, info.width, info.height) == (90, 64, 96)
    frame = next(iter_frames(path))
    assert np.abs(frame.rgb.astype(int) - CARD).mean() < 3


def test_max_side_shrinks_upright_frames(tmp_path: Path) -> None:
    path = write_rotated(tmp_path / "rot.mp4", 90)
    frame = next(iter_frames(path, max_side=48))
    assert frame.rgb.shape == (48, 32, 3)
    assert frame.rgb[2, 16, 0] > 200 and frame.rgb[2, 16, 2] < 60  # red band still on top
    assert next(iter_frames(path, max_side=1000)).rgb.shape == (96, 64, 3)  # never enlarged


def test_variable_frame_rate_timestamps_are_preserved(tmp_path: Path) -> None:
    # Irregular intervals like a phone's: 33 ms, with one 100 ms stall and some 20 ms frames.
    intervals = [0.033] * 10 + [0.1] + [0.02] * 5 + [0.033] * 10
    times = np.concatenate([[0.0], np.cumsum(intervals)]) + 0.5  # starts late: must re-base
    path = tmp_path / "vfr.mp4"
    frames = noisy_frames(len(times), seed=2)
    with open_writer(path, 30, 128, 96) as writer:
        for rgb, t in zip(frames, times, strict=True):
            writer.write(rgb, t_s=t)
    info = probe(path)
    assert info.variable_frame_rate and info.frame_count == len(times)
    got = np.array([f.t_s for f in iter_frames(path)])
    np.testing.assert_allclose(got, times - times[0], atol=1e-4)


def test_frames_from_a_start_are_those_of_a_whole_pass(tmp_path: Path) -> None:
    # A chunk of a long video starts mid-way: same indices, times and pixels as reading it all.
    path = write_clip(tmp_path / "clip.mp4", noisy_frames(12, seed=3))
    whole = list(iter_frames(path, max_side=64))
    part = list(iter_frames(path, max_side=64, start=5))
    assert [f.index for f in part] == list(range(5, 12))
    for a, b in zip(whole[5:], part, strict=True):
        assert (a.index, a.t_s) == (b.index, b.t_s)
        assert np.array_equal(a.rgb, b.rgb)
    assert list(iter_frames(path, start=12)) == []


def test_frame_rate_fallbacks() -> None:
    assert frame_rate_from(25.0, np.array([])) == 25.0
    assert frame_rate_from(None, np.arange(11) / 50.0) == pytest.approx(50.0)
    assert frame_rate_from(0.0, np.array([0.0, 0.5, np.nan, 1.0])) == pytest.approx(2.0)
    for timestamps in (np.array([]), np.array([np.nan, np.nan]), np.array([1.0, 1.0])):
        with pytest.raises(InvalidFrameRateError, match="no frame rate"):
            frame_rate_from(None, timestamps)
    assert not is_variable_rate(np.arange(30) / 30.0)
    assert is_variable_rate(np.array([0, 0.033, 0.066, 0.2, 0.233]))


def test_missing_empty_text_and_directory(tmp_path: Path) -> None:
    with pytest.raises(VideoNotFoundError, match="not found"):
        probe(tmp_path / "nope.mp4")
    (tmp_path / "empty.mp4").write_bytes(b"")
    with pytest.raises(EmptyVideoError, match="empty"):
        probe(tmp_path / "empty.mp4")
    (tmp_path / "notes.mp4").write_text("walked 3 m backward in 9 s\n" * 50)
    with pytest.raises(NotAVideoError, match="not a video"):
        probe(tmp_path / "notes.mp4")
    with pytest.raises(NotAVideoError):
        list(iter_frames(tmp_path / "notes.mp4"))
    with pytest.raises(NotAVideoError, match="not a file"):
        probe(tmp_path)


def test_still_image_is_not_a_video(tmp_path: Path) -> None:
    path = tmp_path / "photo.mp4"
    path.write_bytes(cv2.imencode(".png", CARD)[1].tobytes())
    with pytest.raises(NotAVideoError, match="still image"):
        probe(path)


@pytest.mark.parametrize("suffix", [".mp4", ".m4a"])
def test_audio_only_file(tmp_path: Path, suffix: str) -> None:
    path = tmp_path / f"voice{suffix}"
    with av.open(str(path), "w") as container:
        stream = container.add_stream("aac", rate=44100)
        for i in range(20):
            samples = np.sin(np.arange(1024) / 10.0, dtype=np.float32)[None, :]
            frame = av.AudioFrame.from_ndarray(samples, format="fltp", layout="mono")
            frame.sample_rate, frame.pts = 44100, i * 1024
            container.mux(stream.encode(frame))
        container.mux(stream.encode(None))
    with pytest.raises(NoVideoStreamError, match="audio only"):
        probe(path)
    with pytest.raises(NoVideoStreamError):
        next(iter_frames(path))


@pytest.mark.parametrize("suffix", [".mp4", ".mov", ".mkv", ".webm", ".avi"])
def test_file_cut_in_half_is_truncated(tmp_path: Path, suffix: str) -> None:
    whole = write_clip(tmp_path / f"whole{suffix}", noisy_frames(50, seed=3))
    cut = tmp_path / f"cut{suffix}"
    data = whole.read_bytes()
    cut.write_bytes(data[: len(data) // 2])
    with pytest.raises(TruncatedVideoError, match="truncated|incomplete|corrupt"):
        probe(cut)
    decoded = []
    with pytest.raises(TruncatedVideoError):
        for frame in iter_frames(cut):
            decoded.append(frame.index)
    assert len(decoded) < 40  # what was readable came out before the error


@pytest.mark.parametrize("suffix", [".mp4", ".webm", ".avi"])
def test_garbage_in_the_middle_fails_decoding(tmp_path: Path, suffix: str) -> None:
    whole = write_clip(tmp_path / f"whole{suffix}", noisy_frames(50, seed=5))
    data = bytearray(whole.read_bytes())
    lo, hi = int(len(data) * 0.4), int(len(data) * 0.6)
    data[lo:hi] = np.random.default_rng(0).integers(0, 256, hi - lo, dtype=np.uint8).tobytes()
    bad = tmp_path / f"bad{suffix}"
    bad.write_bytes(bytes(data))
    decoded = 0
    with pytest.raises(TruncatedVideoError, match="corrupt") as info:
        for _ in iter_frames(bad):
            decoded += 1
    assert 0 < decoded < 50 and "Errno" not in str(info.value)


def test_mp4_without_its_index_is_truncated(tmp_path: Path) -> None:
    # A recording stopped before the index was written: the header is there, the rest unreadable.
    whole = write_clip(tmp_path / "whole.mp4", noisy_frames(10, seed=4))
    cut = tmp_path / "cut.mp4"
    cut.write_bytes(whole.read_bytes()[:24] + b"\0" * 64)
    with pytest.raises(TruncatedVideoError, match="cut off"):
        probe(cut)


def test_errors_are_value_errors_with_the_file_name(tmp_path: Path) -> None:
    (tmp_path / "x.mp4").write_bytes(b"")
    with pytest.raises(VideoError) as info:
        probe(tmp_path / "x.mp4")
    assert isinstance(info.value, ValueError) and "x.mp4" in str(info.value)


# Manifest of the real clips: frames, fps, width, height.
REAL_CLIPS = {
    "backward_walk_side_demo4.mp4": (401, 30.0, 1280, 720),
    "forward_walk_side_labeled.mp4": (150, 30.0, 1920, 1080),
    "forward_walk_side_60fps.mp4": (135, 59.7, 1920, 1080),
    "two_people_side_occluded.mp4": (230, 30.0, 1768, 994),
    "forward_walk_back_view_handheld_crowd.mp4": (706, 30.0, 720, 958),
    "forward_walk_oblique_overlay.avi": (114, 30.0, 960, 540),
}


@pytest.mark.parametrize("name", sorted(REAL_CLIPS))
def test_real_clips_probe_as_the_manifest_says(shared_videos: Path, name: str) -> None:
    frames, fps, width, height = REAL_CLIPS[name]
    info = probe(shared_videos / name)
    assert (info.frame_count, info.width, info.height) == (frames, width, height)
    assert info.fps == pytest.approx(fps, abs=0.01)
    assert info.duration_s == pytest.approx(frames / info.fps, rel=0.01)
    assert not info.variable_frame_rate


def test_real_clip_decodes_every_frame(shared_videos: Path) -> None:
    path = shared_videos / "forward_walk_side_60fps.mp4"
    count, last_t_s = 0, -1.0
    for frame in iter_frames(path, max_side=480):
        assert frame.index == count and frame.t_s > last_t_s
        assert frame.rgb.shape == (270, 480, 3) and frame.rgb.dtype == np.uint8
        count, last_t_s = count + 1, frame.t_s
    assert count == 135
    assert last_t_s == pytest.approx(134 * 67 / 4000, abs=1e-3)


def test_real_clip_copy_cut_short_is_truncated(shared_videos: Path, tmp_path: Path) -> None:
    data = (shared_videos / "backward_walk_side_demo4.mp4").read_bytes()
    cut = tmp_path / "demo.mp4"
    cut.write_bytes(data[: int(len(data) * 0.6)])
    with pytest.raises(TruncatedVideoError):
        probe(cut)
