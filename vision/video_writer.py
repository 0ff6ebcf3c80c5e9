"""Video files out: RGB frames written as browser-playable video (H.264, VP9), real timestamps
kept."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path
from types import TracebackType
from typing import cast

import av
import numpy as np

from vision.video import InvalidFrameRateError, UnsupportedVideoError

_WRITER_TIME_BASE = Fraction(1, 90_000)  # the MPEG clock: exact for 24, 25, 30, 60 and 29.97 fps


def _encoder_for(path: Path) -> tuple[str, dict[str, str]]:
    """Codec and options for a browser-playable file of ``path``'s type."""
    suffix = path.suffix.lower()
    if suffix == ".webm":
        return "libvpx-vp9", {"crf": "32", "b": "0", "deadline": "realtime", "cpu-used": "8"}
    if suffix == ".avi":
        return "mpeg4", {"qscale": "3"}  # AVI is not for browsers; MPEG-4 part 2 is its norm
    if suffix in (".mp4", ".mov", ".mkv", ".m4v"):
        return "libx264", {"crf": "23", "preset": "veryfast"}
    raise UnsupportedVideoError(
        f"cannot write video as {suffix or 'a file without extension'}; "
        "use .mp4, .webm, .mov, .mkv or .avi"
    )


class VideoWriter:
    """Writes RGB frames to ``path``: H.264 (yuv420p, faststart) for .mp4/.mov/.mkv, VP9 for
    .webm, MPEG-4 part 2 for .avi. Odd frame sizes are padded by one pixel (yuv420p needs even).

    Use through :func:`open_writer`. If the ``with`` block raises, the partial file is deleted.
    """

    def __init__(self, path: str | Path, fps: float, width: int, height: int) -> None:
        if not (np.isfinite(fps) and fps > 0):
            raise InvalidFrameRateError(f"cannot write video at {fps} frames per second")
        self.path = Path(path)
        self.fps = float(fps)
        self.frame_width, self.frame_height = int(width), int(height)
        self.width, self.height = self.frame_width + width % 2, self.frame_height + height % 2
        self.codec, options = _encoder_for(self.path)
        self.frames_written = 0
        self.path.parent.mkdir(parents=True, exist_ok=True)
        container_options = (
            {"movflags": "+faststart"}
            if self.path.suffix.lower() in (".mp4", ".mov", ".m4v")
            else {}
        )
        self._container: av.container.OutputContainer | None = av.open(
            str(self.path), mode="w", options=container_options
        )
        rate = Fraction(self.fps).limit_denominator(1001)
        self._stream = cast(
            av.VideoStream, self._container.add_stream(self.codec, rate=rate, options=options)
        )
        self._stream.width, self._stream.height = self.width, self.height
        self._stream.pix_fmt = "yuv420p"
        # MPEG-4 part 2 caps the clock at 16 bits, so AVI files tick once per frame (constant rate).
        self._time_base = 1 / rate if self.codec == "mpeg4" else _WRITER_TIME_BASE
        self._stream.codec_context.time_base = self._time_base
        self._last_pts = -1

    def write(self, rgb: np.ndarray, t_s: float | None = None) -> None:
        """Append one (height, width, 3) uint8 RGB frame shown at ``t_s`` seconds.

        Without ``t_s`` frames are evenly spaced at ``fps``.
        """
        if rgb.shape != (self.frame_height, self.frame_width, 3) or rgb.dtype != np.uint8:
            raise ValueError(
                f"frame must be ({self.frame_height}, {self.frame_width}, 3) uint8, "
                f"got {rgb.shape} {rgb.dtype}"
            )
        if (self.width, self.height) != (self.frame_width, self.frame_height):
            pad = ((0, self.height - self.frame_height), (0, self.width - self.frame_width), (0, 0))
            rgb = np.pad(rgb, pad, mode="edge")
        t = self.frames_written / self.fps if t_s is None else float(t_s)
        pts = max(round(t / self._time_base), self._last_pts + 1)
        frame = av.VideoFrame.from_ndarray(np.ascontiguousarray(rgb), format="rgb24")
        frame.pts, frame.time_base = pts, self._time_base
        self._last_pts = pts
        if self._container is None:
            raise ValueError(f"{self.path.name}: the writer is closed")
        self._container.mux(self._stream.encode(frame))
        self.frames_written += 1

    def close(self) -> None:
        """Flush the encoder and finish the file."""
        if self._container is None:
            return
        self._container.mux(self._stream.encode(None))
        self._container.close()
        self._container = None

    def __enter__(self) -> VideoWriter:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if exc_type is None:
            self.close()
            return
        try:
            if self._container is not None:
                self._container.close()
        finally:
            self._container = None
            self.path.unlink(missing_ok=True)


def open_writer(path: str | Path, fps: float, width: int, height: int) -> VideoWriter:
    """A :class:`VideoWriter` for ``width`` x ``height`` pixel RGB frames at ``fps``.

    ``with open_writer("out.mp4", 30.0, 640, 480) as w: w.write(rgb)``
    """
    return VideoWriter(path, fps, width, height)
