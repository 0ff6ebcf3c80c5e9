"""Where to start decoding a video so that frame ``start`` comes out as in a pass from the start.

A stretch of a long video (:mod:`vision.parallel`) needs frames from ``start`` on, with the
indices and timestamps a whole pass would give them. Decoding can begin at the last keyframe at
or before ``start`` instead of the first frame, provided each frame's index can be told from its
presentation timestamp alone: every packet carries one and no two are equal. Then the frames in
presentation order are the packets' timestamps sorted, and a frame's index is its timestamp's
rank. Files that do not allow this (missing or repeated timestamps, as some AVI muxers write)
get no plan and are decoded from their first frame.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import cast

import av
import numpy as np
from numpy.typing import NDArray


@dataclass(frozen=True)
class SeekPlan:
    """Decode from the keyframe at ``keyframe_pts``; ``frame_pts`` (N,) are the frames'
    timestamps (stream time base) in presentation order, so a frame's index is its rank."""

    keyframe_pts: int
    frame_pts: NDArray[np.int64]

    def index_of(self, pts: int) -> int | None:
        """The frame index of timestamp ``pts``, or None when no frame has it."""
        index = int(np.searchsorted(self.frame_pts, pts))
        if index < len(self.frame_pts) and self.frame_pts[index] == pts:
            return index
        return None


def plan_seek(
    packet_pts: list[int | None], keyframe_pts: list[int], first_pts: int, start: int
) -> SeekPlan | None:
    """Where to decode from for frame ``start``, or None to decode from the first frame.

    ``packet_pts`` are every video packet's timestamp in file order (None where missing),
    ``keyframe_pts`` those of the keyframes, ``first_pts`` the first decoded frame's (packets
    before it, such as those an edit list discards, are not frames). None also when no keyframe
    after the first frame precedes ``start``: there is nothing to skip.
    """
    if start <= 0 or any(p is None for p in packet_pts):
        return None
    frame_pts = np.sort(np.asarray(packet_pts, dtype=np.int64))
    frame_pts = frame_pts[frame_pts >= first_pts]
    if start >= len(frame_pts) or np.any(np.diff(frame_pts) <= 0):
        return None
    usable = [k for k in keyframe_pts if first_pts < k <= frame_pts[start]]
    if not usable:
        return None
    return SeekPlan(keyframe_pts=max(usable), frame_pts=frame_pts)


def seek_plan(path: Path, start: int) -> SeekPlan | None:
    """Where to decode the video at ``path`` from for frame ``start`` (None: its first frame).

    Opens the file on its own: the caller's container stays where it is.
    """
    if start <= 0:
        return None
    try:
        with av.open(str(path)) as container:
            return read_seek_plan(container, container.streams.video[0], start)
    except av.error.FFmpegError:
        return None  # a damaged file: the pass from the start says where it fails


def read_seek_plan(
    container: av.container.InputContainer, stream: av.video.stream.VideoStream, start: int
) -> SeekPlan | None:
    """:func:`plan_seek` for ``stream``, read by demuxing the file (decoding only its first frame).

    Leaves ``container`` at its end: the caller seeks it.
    """
    first: av.VideoFrame | None = None
    packet_pts: list[int | None] = []
    keyframe_pts: list[int] = []
    for packet in container.demux(stream):
        if packet.size == 0:
            continue  # flush packet
        packet_pts.append(packet.pts)
        if packet.is_keyframe and packet.pts is not None:
            keyframe_pts.append(packet.pts)
        if first is None:
            first = next(iter(packet.decode()), None)
    if first is None:
        first = next(iter(stream.decode(None)), None)  # a decoder holding frames back
    if first is None or first.pts is None:
        return None
    return plan_seek(packet_pts, keyframe_pts, first.pts, start)


def frames_from_keyframe(
    container: av.container.InputContainer, stream: av.video.stream.VideoStream, plan: SeekPlan
) -> Iterator[tuple[int | None, float, av.VideoFrame]]:
    """(index, seconds from the first frame, frame) from the plan's keyframe on.

    ``container`` has been seeked to the keyframe. Each frame is numbered by its timestamp's
    rank; the index is None for a frame whose timestamp no packet had (a damaged file).
    """
    time_base = cast(Fraction, stream.time_base)
    first_t = float(int(plan.frame_pts[0]) * time_base)
    for frame in container.decode(stream):
        if frame.pts is None or frame.pts < plan.keyframe_pts:
            continue  # a leading frame of an open group of pictures, before the keyframe
        yield plan.index_of(frame.pts), float(frame.pts * time_base) - first_t, frame
