"""vision.overlay and `retrogait overlay`: skeleton pixels land on the landmarks, output plays."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import av
import numpy as np
import pytest

from service.cli import main
from vision.landmarks import IDX, NUM_LANDMARKS
from vision.overlay import SkeletonStyle, draw_label, draw_skeleton, render_overlay
from vision.sequence import PoseSequence
from vision.video import iter_frames, probe
from vision.video_writer import open_writer

BACKGROUND = (30, 90, 30)
WIDTH, HEIGHT = 320, 480
THICK = SkeletonStyle(thickness_px=8, radius_px=8)

# A front-view stick figure (subject's left on the image's right), joints in pixels at x offset 0.
FIGURE = {
    "nose": (0, 60),
    "left_ear": (15, 55),
    "right_ear": (-15, 55),
    "left_shoulder": (35, 120),
    "right_shoulder": (-35, 120),
    "left_elbow": (45, 180),
    "right_elbow": (-45, 180),
    "left_wrist": (50, 235),
    "right_wrist": (-50, 235),
    "left_hip": (22, 250),
    "right_hip": (-22, 250),
    "left_knee": (26, 330),
    "right_knee": (-26, 330),
    "left_ankle": (28, 410),
    "right_ankle": (-28, 410),
    "left_heel": (24, 428),
    "right_heel": (-24, 428),
    "left_foot_index": (46, 432),
    "right_foot_index": (-46, 432),
}


def figure_xy(centre_x: float) -> np.ndarray:
    """(33, 2) pixels; landmarks not in FIGURE (eyes, mouth, fingers) are absent (NaN)."""
    xy = np.full((NUM_LANDMARKS, 2), np.nan, np.float32)
    for name, (dx, y) in FIGURE.items():
        xy[IDX[name]] = (centre_x + dx, y)
    return xy


def midpoint(xy: np.ndarray, a: str, b: str) -> tuple[int, int]:
    x, y = (xy[IDX[a]] + xy[IDX[b]]) / 2
    return round(float(x)), round(float(y))


def assert_colour(rgb: np.ndarray, x: int, y: int, colour: tuple[int, int, int], tol: int) -> None:
    got = rgb[y - 1 : y + 2, x - 1 : x + 2].reshape(-1, 3).mean(axis=0)
    assert np.abs(got - colour).max() <= tol, f"pixel ({x}, {y}) is {got}, expected {colour}"


def test_draw_skeleton_colours_each_side_and_leaves_input_alone() -> None:
    rgb = np.full((HEIGHT, WIDTH, 3), BACKGROUND, np.uint8)
    xy = figure_xy(160)
    out = draw_skeleton(rgb, xy, np.ones(NUM_LANDMARKS, np.float32), THICK)
    assert (rgb == BACKGROUND).all()  # pure: the input frame is untouched
    assert_colour(out, *midpoint(xy, "left_knee", "left_ankle"), THICK.left_rgb, 0)
    assert_colour(out, *midpoint(xy, "right_knee", "right_ankle"), THICK.right_rgb, 0)
    assert_colour(out, *midpoint(xy, "left_hip", "right_hip"), THICK.centre_rgb, 0)
    assert_colour(out, 160, 20, BACKGROUND, 0)  # above the head: nothing drawn
    assert_colour(out, 20, 300, BACKGROUND, 0)  # beside the figure


def test_uncertain_and_absent_landmarks() -> None:
    rgb = np.full((HEIGHT, WIDTH, 3), BACKGROUND, np.uint8)
    xy = figure_xy(160)
    visibility = np.ones(NUM_LANDMARKS, np.float32)
    visibility[IDX["left_ankle"]] = 0.1
    out = draw_skeleton(rgb, xy, visibility, THICK)
    assert_colour(out, *midpoint(xy, "left_knee", "left_ankle"), THICK.uncertain_rgb, 0)
    assert_colour(out, *midpoint(xy, "right_knee", "right_ankle"), THICK.right_rgb, 0)
    nothing = draw_skeleton(rgb, np.full((NUM_LANDMARKS, 2), np.nan), visibility, THICK)
    assert (nothing == rgb).all()
    with pytest.raises(ValueError, match="33"):
        draw_skeleton(rgb, xy[:17], visibility[:17])


def test_draw_label_writes_text_in_a_box() -> None:
    rgb = np.full((HEIGHT, WIDTH, 3), BACKGROUND, np.uint8)
    out = draw_label(rgb, "backward\ncontact L")
    box = out[10:50, 10:60]
    assert (box.sum(axis=2) == 0).mean() > 0.5  # dark box
    assert (box.min(axis=2) > 200).any()  # white text on it
    assert (out[200:] == BACKGROUND).all()


def make_clip(path: Path, n: int, fps: float = 30.0) -> Path:
    with open_writer(path, fps, WIDTH, HEIGHT) as writer:
        for _ in range(n):
            writer.write(np.full((HEIGHT, WIDTH, 3), BACKGROUND, np.uint8))
    return path


def walking_figure(n: int, fps: float, no_pose: set[int], frame_offset: int = 0) -> PoseSequence:
    """The stick figure sliding right 4 px a frame; rows in ``no_pose`` have no landmarks."""
    seq = PoseSequence.empty(n, fps, WIDTH, HEIGHT, backend="hand-built")
    seq.frame_index = np.arange(n) + frame_offset
    for row in range(n):
        if row not in no_pose:
            seq.xy[row] = figure_xy(100 + 4 * row)
            seq.z[row] = 0.0
            seq.visibility[row] = np.isfinite(seq.xy[row, :, 0])
    return seq


@pytest.mark.parametrize("suffix, codec", [(".mp4", "h264"), (".webm", "vp9")])
def test_render_overlay_draws_each_frames_pose(tmp_path: Path, suffix: str, codec: str) -> None:
    n = 24
    clip = make_clip(tmp_path / "walk.mp4", n)
    seq = walking_figure(n, 30.0, no_pose={5, 6})
    fractions: list[float] = []
    out = render_overlay(
        clip,
        seq,
        tmp_path / f"overlay{suffix}",
        labels={3: "contact L"},
        progress=fractions.append,
        style=THICK,
    )
    with av.open(str(out)) as container:  # decodes with PyAV, codec a browser plays
        stream = container.streams.video[0]
        assert stream.codec_context.name == codec
        assert sum(1 for _ in container.decode(stream)) == n
    assert fractions[-1] == pytest.approx(1.0) and fractions == sorted(fractions)
    for frame in iter_frames(out):
        xy = figure_xy(100 + 4 * frame.index)
        shin_l = midpoint(xy, "left_knee", "left_ankle")
        shin_r = midpoint(xy, "right_knee", "right_ankle")
        if frame.index in (5, 6):
            assert_colour(frame.rgb, *shin_l, BACKGROUND, 12)
            assert_colour(frame.rgb, *shin_r, BACKGROUND, 12)
        else:  # lossy coding blurs colours a little
            assert_colour(frame.rgb, *shin_l, THICK.left_rgb, 40)
            assert_colour(frame.rgb, *shin_r, THICK.right_rgb, 40)
            # Last frame's figure position is background now: the skeleton moved with the pose.
            stale = midpoint(figure_xy(100 + 4 * (frame.index + 6)), "left_knee", "left_ankle")
            assert_colour(frame.rgb, *stale, BACKGROUND, 12)
        label_dark = (frame.rgb[12:30, 12:60].sum(axis=2) < 60).mean()
        assert (label_dark > 0.5) == (frame.index == 3)


def test_render_overlay_matches_rows_by_frame_index_and_scales(tmp_path: Path) -> None:
    clip = make_clip(tmp_path / "walk.mp4", 12)
    # Pose only for frames 4..11 (e.g. a slice), drawn on a half-size output.
    seq = walking_figure(8, 30.0, no_pose=set(), frame_offset=4)
    out = render_overlay(clip, seq, tmp_path / "half.mp4", style=THICK, max_side=HEIGHT // 2)
    info = probe(out)
    assert (info.width, info.height, info.frame_count) == (WIDTH // 2, HEIGHT // 2, 12)
    for frame in iter_frames(out):
        row = frame.index - 4
        x, y = midpoint(figure_xy(100 + 4 * max(row, 0)), "left_knee", "left_ankle")
        expected = THICK.left_rgb if row >= 0 else BACKGROUND
        assert_colour(frame.rgb, x // 2, y // 2, expected, 40 if row >= 0 else 12)


def test_render_overlay_keeps_variable_timestamps(tmp_path: Path) -> None:
    times = np.array([0, 0.033, 0.066, 0.2, 0.233, 0.266, 0.3])
    clip = tmp_path / "vfr.mp4"
    with open_writer(clip, 30, WIDTH, HEIGHT) as writer:
        for t in times:
            writer.write(np.full((HEIGHT, WIDTH, 3), BACKGROUND, np.uint8), t_s=t)
    seq = walking_figure(len(times), 30.0, no_pose=set())
    out = render_overlay(clip, seq, tmp_path / "out.mp4")
    np.testing.assert_allclose([f.t_s for f in iter_frames(out)], times, atol=1e-4)


def test_render_overlay_of_a_rotated_phone_clip_is_upright(tmp_path: Path) -> None:
    # Stored landscape with a display matrix saying "turn 90 degrees clockwise", like a phone's.
    clip = tmp_path / "portrait.mp4"
    stored = np.full((WIDTH, HEIGHT, 3), BACKGROUND, np.uint8)
    with av.open(str(clip), "w") as container:
        stream = container.add_stream("libx264", rate=30)
        stream.width, stream.height, stream.pix_fmt = HEIGHT, WIDTH, "yuv420p"
        stream.set_display_rotation(-90)
        for _ in range(4):
            container.mux(stream.encode(av.VideoFrame.from_ndarray(stored, format="rgb24")))
        container.mux(stream.encode(None))
    out = render_overlay(
        clip, walking_figure(4, 30.0, no_pose=set()), tmp_path / "o.mp4", style=THICK
    )
    info = probe(out)
    assert (info.width, info.height, info.rotation_deg) == (WIDTH, HEIGHT, 0)
    frame = next(iter_frames(out))
    assert_colour(
        frame.rgb, *midpoint(figure_xy(100), "left_knee", "left_ankle"), THICK.left_rgb, 40
    )


def test_cli_overlay_reports_bad_video(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    bad = tmp_path / "notes.mp4"
    bad.write_text("not a video")
    assert main(["overlay", str(bad), "-o", str(tmp_path / "o.mp4"), "-q"]) == 2
    assert "notes.mp4 is not a video" in capsys.readouterr().err
    assert main(["overlay", str(tmp_path / "missing.mp4"), "-q"]) == 2
    assert "not found" in capsys.readouterr().err
    assert not (tmp_path / "o.mp4").exists()


def test_cli_overlay_from_saved_pose(tmp_path: Path, capsys: pytest.CaptureFixture) -> None:
    clip = make_clip(tmp_path / "walk.mp4", 10)
    pose = walking_figure(10, 30.0, no_pose=set()).save(tmp_path / "walk.npz")
    out = tmp_path / "walk.overlay.webm"
    assert main(["overlay", str(clip), "--pose", str(pose), "-o", str(out), "-q"]) == 0
    assert capsys.readouterr().out.strip() == str(out)
    info = probe(out)
    assert (info.codec, info.frame_count) == ("vp9", 10)


def orange_px(rgb: np.ndarray) -> np.ndarray:
    """(H, W) bool: pixels of the left-side skeleton colour (after lossy coding)."""
    return np.abs(rgb.astype(int) - SkeletonStyle().left_rgb).max(axis=2) < 40


@pytest.mark.slow
def test_overlay_of_a_real_clip_follows_its_pose(shared_videos: Path, tmp_path: Path) -> None:
    from vision.pipeline import extract_pose

    clip = shared_videos / "forward_walk_oblique_overlay.avi"
    seq = extract_pose(clip)
    assert 0.5 < seq.coverage < 1.0  # the walker leaves the frame near the end
    # Lines thick enough that their colour survives chroma subsampling at 640 px.
    style = SkeletonStyle(thickness_px=4, radius_px=5)
    out = render_overlay(clip, seq, tmp_path / "lib.mp4", max_side=640, style=style)
    scale = 640 / seq.width
    knee, ankle = IDX["left_knee"], IDX["left_ankle"]
    checked = 0
    for frame in iter_frames(out):
        row = int(np.flatnonzero(seq.frame_index == frame.index)[0])
        orange = orange_px(frame.rgb)
        assert orange.any() == bool(seq.has_pose[row]), f"frame {frame.index}"
        if min(seq.visibility[row, knee], seq.visibility[row, ankle]) >= 0.5:
            x, y = np.round((seq.xy[row, knee] + seq.xy[row, ankle]) / 2 * scale)
            x, y = int(x), int(y)
            assert orange[y - 2 : y + 3, x - 2 : x + 3].any(), f"shin not drawn, {frame.index}"
            checked += 1
    assert checked > 50

    # The command line draws the same skeleton on the same frames.
    cli_out = tmp_path / "cli.mp4"
    assert main(["overlay", str(clip), "-o", str(cli_out), "--max-side", "640", "-q"]) == 0
    info = probe(cli_out)
    assert (info.codec, info.frame_count, info.width, info.height) == ("h264", 114, 640, 360)
    drawn = [orange_px(f.rgb).any() for f in iter_frames(cli_out)]
    assert drawn == seq.has_pose.tolist()


@pytest.mark.browser
@pytest.mark.parametrize("suffix", [".mp4", ".webm"])
def test_overlay_plays_in_chromium(tmp_path: Path, suffix: str, browser: Any) -> None:
    clip = make_clip(tmp_path / "walk.mp4", 30)
    out = render_overlay(clip, walking_figure(30, 30.0, no_pose=set()), tmp_path / f"o{suffix}")
    page_file = tmp_path / "index.html"
    page_file.write_text(f'<video id="v" muted src="{out.name}"></video>')
    page = browser.new_page()
    page.goto(page_file.as_uri())
    state = page.evaluate("""async () => {
        const v = document.getElementById('v');
        await v.play();
        await new Promise(r => setTimeout(r, 700));
        return {t: v.currentTime, w: v.videoWidth, h: v.videoHeight, error: v.error};
    }""")
    assert state["error"] is None
    assert (state["w"], state["h"]) == (WIDTH, HEIGHT)
    assert state["t"] > 0.2  # it actually played
