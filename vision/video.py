"""Video files in: probe, upright RGB frame iterator with real timestamps, clear errors (the
writer is :mod:`vision.video_writer`).

Timestamps come from the container's presentation times (phone clips often have a variable frame
rate), re-based so the first frame is at 0 s. Rotation metadata (the display matrix, or a legacy
``rotate`` tag) is applied, so portrait phone clips come out upright. Frames are decoded one at a
time; a clip is never held in memory whole.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import cast

import av
import numpy as np

from vision.keyframes import frames_from_keyframe, seek_plan

# A container may legitimately promise a frame or two more than decode (edit lists, a dropped
# leading B-frame); more missing than this means the file was cut short.
_MISSING_FRAMES_TOLERATED = 2
_MISSING_FRACTION_TOLERATED = 0.02
# Frame intervals deviating from the median by more than this fraction mark a variable rate.
_VFR_INTERVAL_TOLERANCE = 0.10


class VideoError(ValueError):
    """A video file that cannot be used; the message says why in terms a user understands."""


class VideoNotFoundError(VideoError):
    pass


class EmptyVideoError(VideoError):
    pass


class NotAVideoError(VideoError):
    pass


class NoVideoStreamError(VideoError):
    pass


class TruncatedVideoError(VideoError):
    pass


class InvalidFrameRateError(VideoError):
    pass


class UnsupportedVideoError(VideoError):
    pass


@dataclass(frozen=True)
class VideoInfo:
    """What a video file holds.

    ``width``/``height`` are pixels of the upright frames (after rotation). ``rotation_deg`` is the
    clockwise rotation (0, 90, 180 or 270) applied to the stored frames to make them upright.
    ``fps`` is the nominal (average) rate; with ``variable_frame_rate`` the per-frame timestamps
    from :func:`iter_frames` are the truth.
    """

    path: Path
    fps: float
    frame_count: int
    duration_s: float
    width: int
    height: int
    rotation_deg: int
    codec: str
    container: str
    variable_frame_rate: bool


@dataclass(frozen=True, eq=False)
class Frame:
    """One decoded frame: ``rgb`` is (H, W, 3) uint8, upright; ``t_s`` seconds from the first."""

    index: int
    t_s: float
    rgb: np.ndarray


def _open(path: Path) -> av.container.InputContainer:
    """Open ``path`` for reading, turning every way it can fail into a specific VideoError."""
    if not path.exists():
        raise VideoNotFoundError(f"video file not found: {path}")
    if not path.is_file():
        raise NotAVideoError(f"{path} is not a file")
    if path.stat().st_size == 0:
        raise EmptyVideoError(f"video file is empty (0 bytes): {path.name}")
    try:
        container = av.open(str(path), mode="r")
    except av.error.FFmpegError as exc:
        with path.open("rb") as fh:
            head = fh.read(12)
        if head[4:8] == b"ftyp" or head[8:12] == b"AVI " or head.startswith(b"\x1a\x45\xdf\xa3"):
            # An MP4/MOV, AVI or Matroska/WebM header whose rest cannot be read.
            raise TruncatedVideoError(
                f"{path.name} looks like a video but is incomplete or corrupt; "
                "the recording or upload was probably cut off"
            ) from exc
        raise NotAVideoError(
            f"{path.name} is not a video file (its contents are in no readable video format)"
        ) from exc
    fmt_names = container.format.name.split(",")
    if not container.streams.video:
        kinds = {s.type for s in container.streams}
        container.close()
        if "audio" in kinds:
            raise NoVideoStreamError(f"{path.name} contains audio only, no video")
        raise NotAVideoError(f"{path.name} contains no video")
    if any(n in ("image2", "tty") or n.endswith("_pipe") for n in fmt_names):
        container.close()
        raise NotAVideoError(f"{path.name} is a still image or text, not a video")
    stream = container.streams.video[0]
    try:
        av.codec.Codec(stream.codec_context.name, "r")
    except (AttributeError, av.error.FFmpegError, ValueError) as exc:
        container.close()
        raise UnsupportedVideoError(f"{path.name}: no decoder for its video codec") from exc
    return container


def frame_rate_from(nominal_fps: float | None, timestamps_s: np.ndarray) -> float:
    """Frames per second: the container's nominal rate, else the mean rate of the timestamps.

    ``timestamps_s`` is (N,) presentation times in seconds (any order; NaN where absent).
    Raises InvalidFrameRateError when neither gives a positive finite rate.
    """
    if nominal_fps is not None and np.isfinite(nominal_fps) and 0 < nominal_fps < 1000:
        return float(nominal_fps)
    t = np.sort(timestamps_s[np.isfinite(timestamps_s)])
    if t.size >= 2 and t[-1] > t[0]:
        return float((t.size - 1) / (t[-1] - t[0]))
    raise InvalidFrameRateError(
        "the video has no frame rate and no usable timestamps, so time cannot be measured"
    )


def is_variable_rate(timestamps_s: np.ndarray) -> bool:
    """True when the intervals between (N,) frame times in seconds are not all alike."""
    t = np.sort(timestamps_s[np.isfinite(timestamps_s)])
    dt = np.diff(t)
    dt = dt[dt > 0]
    if dt.size < 2:
        return False
    median = float(np.median(dt))
    return bool(np.any(np.abs(dt - median) > _VFR_INTERVAL_TOLERANCE * median))


def _rotation_cw(frame: av.VideoFrame, stream: av.video.stream.VideoStream) -> int:
    """Clockwise degrees that make ``frame`` upright: display matrix first, else a rotate tag."""
    # The display matrix states the counter-clockwise rotation that displays the frame upright.
    ccw = int(frame.rotation or 0)
    if ccw == 0:
        # The legacy tag (clockwise degrees) survives in Matroska tags, upper-cased there.
        tag = {k.lower(): v for k, v in stream.metadata.items()}.get("rotate", "0")
        try:
            return int(float(tag)) % 360 // 90 * 90
        except ValueError:
            return 0
    return (-ccw) % 360 // 90 * 90


def _promised_duration_s(
    container: av.container.InputContainer, stream: av.video.stream.VideoStream
) -> float | None:
    """Seconds of video the file header announces, or None when it does not say."""
    if stream.duration and stream.time_base:
        return float(stream.duration * stream.time_base)
    tag = stream.metadata.get("DURATION")  # Matroska/WebM write it per track
    if tag:
        try:
            hours, minutes, seconds = tag.split(":")
            return int(hours) * 3600 + int(minutes) * 60 + float(seconds)
        except ValueError:
            pass
    if container.duration and len(container.streams) == 1:
        return container.duration / av.time_base
    return None


def _check_complete(
    name: str, promised_frames: int, got_frames: int, promised_s: float | None, got_s: float
) -> None:
    """Raise TruncatedVideoError when fewer frames, or fewer seconds, were read than announced."""
    missing = promised_frames - got_frames
    if promised_frames > 0 and missing > max(
        _MISSING_FRAMES_TOLERATED, _MISSING_FRACTION_TOLERATED * promised_frames
    ):
        raise TruncatedVideoError(
            f"{name} is truncated or corrupt: the file promises {promised_frames} frames "
            f"but only {got_frames} could be read"
        )
    frame_s = got_s / max(got_frames, 1)
    # Durations are the fallback for containers without a frame count (Matroska/WebM): a
    # variable-rate clip's last interval makes them looser than frame counts.
    if (
        promised_frames <= 0
        and promised_s is not None
        and promised_s - got_s
        > max(_MISSING_FRAMES_TOLERATED * frame_s, _MISSING_FRACTION_TOLERATED * promised_s)
    ):
        raise TruncatedVideoError(
            f"{name} is truncated or corrupt: the file promises {promised_s:.2f} s of video "
            f"but only {got_s:.2f} s could be read"
        )


def _container_name(path: Path, container: av.container.InputContainer) -> str:
    names = container.format.name.split(",")
    suffix = path.suffix.lower().lstrip(".")
    return suffix if suffix in names or suffix in (container.format.extensions or ()) else names[0]


def probe(path: str | Path) -> VideoInfo:
    """Describe the video at ``path``; demuxes (not decodes) it all to count frames and time them.

    Raises a :class:`VideoError` subclass when the file cannot be used.
    """
    path = Path(path)
    with _open(path) as container:
        stream = container.streams.video[0]
        pts: list[float] = []
        first: av.VideoFrame | None = None  # decoded only for its rotation side data
        try:
            for packet in container.demux(stream):
                if packet.size == 0:
                    continue  # flush packet
                pts.append(
                    np.nan
                    if packet.pts is None
                    else float(packet.pts * cast(Fraction, stream.time_base))
                )
                if first is None:
                    first = next(iter(packet.decode()), None)
            if first is None:
                first = next(iter(stream.decode(None)), None)
        except av.error.FFmpegError as exc:
            raise TruncatedVideoError(
                f"{path.name} is corrupt: reading stopped after {len(pts)} frames"
            ) from exc
        if first is None:
            raise TruncatedVideoError(f"{path.name}: no frame could be decoded")
        timestamps = np.asarray(pts, dtype=np.float64)
        nominal = stream.average_rate or stream.guessed_rate
        fps = frame_rate_from(float(nominal) if nominal else None, timestamps)
        finite = timestamps[np.isfinite(timestamps)]
        read_s = (float(finite.max() - finite.min()) if finite.size else 0.0) + 1.0 / fps
        promised_s = _promised_duration_s(container, stream)
        _check_complete(path.name, stream.frames, len(pts), promised_s, read_s)
        rotation = _rotation_cw(first, stream)
        width, height = stream.codec_context.width, stream.codec_context.height
        if rotation in (90, 270):
            width, height = height, width
        frame_count = len(pts)
        duration_s = promised_s if promised_s is not None else read_s
        return VideoInfo(
            path=path,
            fps=fps,
            frame_count=frame_count,
            duration_s=duration_s,
            width=int(width),
            height=int(height),
            rotation_deg=rotation,
            codec=stream.codec_context.name,
            container=_container_name(path, container),
            variable_frame_rate=is_variable_rate(timestamps),
        )


def _scaled_size(width: int, height: int, max_side: int | None) -> tuple[int, int]:
    """(width, height) shrunk to fit ``max_side`` pixels, aspect kept, never enlarged."""
    if max_side is None or max(width, height) <= max_side:
        return width, height
    scale = max_side / max(width, height)
    return max(1, round(width * scale)), max(1, round(height * scale))


def iter_frames(
    path: str | Path, *, max_side: int | None = None, start: int = 0
) -> Iterator[Frame]:
    """Yield the frames of ``path`` in presentation order, upright, as RGB.

    ``max_side`` (pixels) shrinks frames whose longer side exceeds it. ``t_s`` is each frame's
    presentation time re-based to the first frame. Frames before index ``start`` are skipped
    with the indices and times of a whole pass, decoded from the last keyframe before
    ``start`` where the file allows (:mod:`vision.keyframes`). Raises TruncatedVideoError
    (after yielding what could be read) when decoding fails midway or ends well short.
    """
    path = Path(path)
    with _open(path) as container:
        plan = seek_plan(path, start)
        stream = container.streams.video[0]
        stream.thread_type = "AUTO"
        nominal = stream.average_rate or stream.guessed_rate
        nominal_fps = float(nominal) if nominal else None
        if plan is None:
            decoded = _numbered_from_start(container, stream, path.name, nominal_fps)
        else:
            container.seek(plan.keyframe_pts, stream=stream)
            decoded = _checked(path.name, frames_from_keyframe(container, stream, plan))
        read, last_t = 0, 0.0
        try:
            for index, t_s, frame in decoded:
                read, last_t = index + 1, t_s
                if index >= start:
                    yield _converted(frame, stream, index, t_s, max_side)
        except av.error.FFmpegError as exc:
            raise TruncatedVideoError(
                f"{path.name} is corrupt: decoding failed after {read} frames"
            ) from exc
        if read == 0:
            raise TruncatedVideoError(f"{path.name}: no frame could be decoded")
        frame_s = 1.0 / nominal_fps if nominal_fps else last_t / max(read - 1, 1)
        _check_complete(
            path.name,
            stream.frames,
            read,
            _promised_duration_s(container, stream),
            last_t + frame_s,
        )


def _numbered_from_start(
    container: av.container.InputContainer,
    stream: av.video.stream.VideoStream,
    name: str,
    nominal_fps: float | None,
) -> Iterator[tuple[int, float, av.VideoFrame]]:
    """(index, seconds from the first frame, frame) of every frame, counted from the first."""
    first_t: float | None = None
    last_t = -np.inf
    for index, frame in enumerate(container.decode(stream)):
        if frame.pts is not None:
            t = float(frame.pts * cast(Fraction, frame.time_base))
        elif nominal_fps:
            t = (first_t or 0.0) + index / nominal_fps
        else:
            raise InvalidFrameRateError(
                f"{name}: frames carry no timestamps and the file states no rate"
            )
        if first_t is None:
            first_t = t
        t_s = t - first_t
        if t_s <= last_t:  # broken muxers repeat timestamps; keep time increasing
            t_s = last_t + 1e-6
        last_t = t_s
        yield index, t_s, frame


def _checked(
    name: str, frames: Iterator[tuple[int | None, float, av.VideoFrame]]
) -> Iterator[tuple[int, float, av.VideoFrame]]:
    """``frames`` from a keyframe, failing on one that no packet's timestamp numbers."""
    for index, t_s, frame in frames:
        if index is None:
            raise TruncatedVideoError(f"{name}: a frame's timestamp matches no packet's")
        yield index, t_s, frame


def _converted(
    frame: av.VideoFrame,
    stream: av.video.stream.VideoStream,
    index: int,
    t_s: float,
    max_side: int | None,
) -> Frame:
    """``frame`` upright and RGB, shrunk to fit ``max_side`` pixels."""
    rotation = _rotation_cw(frame, stream)
    w, h = _scaled_size(frame.width, frame.height, max_side)
    if (w, h) != (frame.width, frame.height):
        # Area averaging in the source pixel format, before RGB conversion: no aliasing, and
        # cheaper than swscale's default bicubic (bench/pose_throughput.py prints the decode
        # rate).
        frame = frame.reformat(width=w, height=h, interpolation="AREA")
    rgb: np.ndarray = frame.to_ndarray(format="rgb24")
    if rotation:
        rgb = np.ascontiguousarray(np.rot90(rgb, k=-rotation // 90))
    return Frame(index=index, t_s=t_s, rgb=rgb)
