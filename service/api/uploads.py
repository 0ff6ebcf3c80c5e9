"""Receiving an uploaded video: stream it to a temporary file under a size limit, then check it
is a video by decoding it, not by its name.

Nothing half-written survives a refused or broken upload: the bytes go to a temporary file in
the uploads directory, which is deleted on any refusal; only an accepted video is moved into
the analysis directory (the caller then writes the database row). A temporary file names the
server process writing it, so one left by a server that was killed is removed when the next
starts (:func:`remove_dead_uploads`).
"""

from __future__ import annotations

import hashlib
import os
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, TYPE_CHECKING

from python_multipart.multipart import MultipartParser, parse_options_header
from starlette.requests import Request

from service.jobs.analysis import in_user_terms
from service.jobs.processes import process_gone, process_scope
from vision.video import VideoError, iter_frames, probe

if TYPE_CHECKING:
    from python_multipart.multipart import MultipartCallbacks

VIDEO_FIELD = "video"
VIDEOS_FIELD = ("videos", "video")  # a batch's files: repeated "videos" (or "video") parts
_MAX_FIELD_BYTES = 64 * 1024  # a form field (options) is small text
_MULTIPART_OVERHEAD_BYTES = 64 * 1024  # boundaries and the option fields around the video


# A temporary upload file nobody wrote for this long belongs to no live request.
STALE_UPLOAD_S = 3600.0


def _part_prefix() -> str:
    """``upload-PID@SCOPE-``: which process writes the file (``@`` is never in a host name)."""
    return f"upload-{os.getpid()}@{process_scope()}-"


def _writer_gone(name: str) -> bool:
    """Whether the process named in a temporary file's ``name`` has ended."""
    pid, _, rest = name.removeprefix("upload-").partition("@")
    return pid.isdigit() and "-" in rest and process_gone(rest[: rest.rfind("-")], int(pid))


def remove_dead_uploads(upload_dir: Path, stale_s: float = STALE_UPLOAD_S) -> list[Path]:
    """Delete temporary upload files whose request cannot finish: written by a process of this
    machine that has ended, or untouched for ``stale_s`` seconds. Returns what was removed."""
    removed: list[Path] = []
    now = time.time()
    for path in upload_dir.glob("*.part"):
        try:
            stale = now - path.stat().st_mtime > stale_s
            if stale or _writer_gone(path.name):
                path.unlink()
                removed.append(path)
        except FileNotFoundError:  # its request just finished
            continue
    return removed


class UploadRefused(Exception):
    """An upload the service will not take; ``status_code`` is the HTTP status to answer."""

    def __init__(self, status_code: int, detail: str) -> None:
        super().__init__(detail)
        self.status_code = status_code
        self.detail = detail


@dataclass
class ReceivedUpload:
    """The video (in a temporary file until moved) and the form's other fields as text."""

    fields: dict[str, str] = field(default_factory=dict)
    temp_path: Path | None = None
    filename: str = ""
    size_bytes: int = 0
    sha256: str = ""
    refused: UploadRefused | None = None  # a batch file refused on its own (others go on)

    @property
    def path(self) -> Path:
        """The temporary file of an upload still on disk (received, not yet discarded)."""
        if self.temp_path is None:
            raise RuntimeError(f"the upload {self.filename!r} has no file any more")
        return self.temp_path

    def discard(self) -> None:
        if self.temp_path is not None:
            self.temp_path.unlink(missing_ok=True)
            self.temp_path = None


class _MultipartSink:
    """Callbacks for python-multipart's streaming parser: each video part goes to disk with its
    SHA-256 and size counted; other parts are collected as short text fields.

    ``many``: several video parts are taken (a batch), and one over the size limit is refused on
    its own (its bytes dropped, the reason kept) instead of failing the whole request.
    """

    def __init__(
        self, upload_dir: Path, max_video_bytes: int, many: bool = False, max_files: int = 1
    ) -> None:
        self.videos: list[ReceivedUpload] = []
        self.fields: dict[str, str] = {}
        self._dir = upload_dir
        self._max = max_video_bytes
        self._many = many
        self._max_files = max_files
        self._hash = hashlib.sha256()
        self._file: IO[bytes] | None = None
        self._headers: dict[str, str] = {}
        self._hname = b""
        self._hvalue = b""
        self._name: str | None = None
        self._buf = bytearray()
        self._is_video = False

    @property
    def upload(self) -> ReceivedUpload:
        """The one upload of a single-video request (fields included)."""
        upload = self.videos[0] if self.videos else ReceivedUpload()
        upload.fields = self.fields
        return upload

    def callbacks(self) -> MultipartCallbacks:
        return {
            "on_part_begin": self._part_begin,
            "on_header_field": lambda d, s, e: setattr(self, "_hname", self._hname + d[s:e]),
            "on_header_value": lambda d, s, e: setattr(self, "_hvalue", self._hvalue + d[s:e]),
            "on_header_end": self._header_end,
            "on_headers_finished": self._headers_finished,
            "on_part_data": self._part_data,
            "on_part_end": self._part_end,
        }

    def _part_begin(self) -> None:
        self._headers, self._name, self._buf, self._is_video = {}, None, bytearray(), False

    def _header_end(self) -> None:
        self._headers[self._hname.decode("latin-1").lower()] = self._hvalue.decode("latin-1")
        self._hname, self._hvalue = b"", b""

    def _headers_finished(self) -> None:
        _, params = parse_options_header(self._headers.get("content-disposition", ""))
        name = params.get(b"name", b"").decode("utf-8", "replace")
        self._name = name
        video_fields = VIDEOS_FIELD if self._many else (VIDEO_FIELD,)
        if name not in video_fields and b"filename" in params:
            raise UploadRefused(
                422,
                f"field {name[:40]!r} carries a file; send the video in the field "
                f"{video_fields[0]!r}",
            )
        if name in video_fields:
            if b"filename" not in params:
                raise UploadRefused(422, f"field {name!r} holds text; send the video as a file")
            if self.videos and not self._many:
                raise UploadRefused(422, "send one video per upload")
            if len(self.videos) >= self._max_files:
                raise UploadRefused(413, f"more than {self._max_files} videos in one batch")
            self._is_video = True
            video = ReceivedUpload(
                filename=params.get(b"filename", b"").decode("utf-8", "replace")[:255]
            )
            self.videos.append(video)
            self._hash = hashlib.sha256()
            fd, tmp = tempfile.mkstemp(dir=self._dir, prefix=_part_prefix(), suffix=".part")
            video.temp_path = Path(tmp)
            self._file = os.fdopen(fd, "wb")

    def _part_data(self, data: bytes, start: int, end: int) -> None:
        chunk = data[start:end]
        if self._is_video:
            video = self.videos[-1]
            video.size_bytes += len(chunk)
            if video.refused is not None:
                return
            if video.size_bytes > self._max:
                refusal = UploadRefused(
                    413, f"video larger than the limit of {self._max / 1048576:.0f} MB"
                )
                if not self._many:
                    raise refusal
                video.refused = refusal
                self._close_file()
                video.discard()
                return
            if self._file is None:  # opened when the part's headers end, closed at its end
                raise UploadRefused(400, "video data outside a file part")
            self._hash.update(chunk)
            self._file.write(chunk)
        else:
            self._buf += chunk
            if len(self._buf) > _MAX_FIELD_BYTES:
                raise UploadRefused(413, f"form field {self._name!r} is too long")

    def _part_end(self) -> None:
        if self._is_video:
            self._close_file()
        elif self._name:
            self.fields[self._name] = self._buf.decode("utf-8", "replace")

    def _close_file(self) -> None:
        if self._file is not None:
            self._file.close()
            self._file = None
            self.videos[-1].sha256 = self._hash.hexdigest()

    def close(self) -> None:
        self._close_file()

    def discard(self) -> None:
        self._close_file()
        for video in self.videos:
            video.discard()


async def _parse(request: Request, sink: _MultipartSink, max_body_bytes: int) -> None:
    ctype, params = parse_options_header(request.headers.get("content-type", ""))
    if ctype != b"multipart/form-data" or b"boundary" not in params:
        raise UploadRefused(415, "send the video as multipart/form-data in a field named 'video'")
    declared = request.headers.get("content-length")
    if declared and declared.isdigit():
        if int(declared) > max_body_bytes + _MULTIPART_OVERHEAD_BYTES:
            raise UploadRefused(
                413, f"upload larger than the limit of {max_body_bytes / 1048576:.0f} MB"
            )
    parser = MultipartParser(params[b"boundary"], sink.callbacks())
    try:
        async for chunk in request.stream():
            parser.write(chunk)
        parser.finalize()
    except UploadRefused:
        sink.discard()
        raise
    except Exception as exc:  # malformed multipart, client went away
        sink.discard()
        raise UploadRefused(400, f"the upload could not be read: {exc}") from exc
    except BaseException:  # the request task cancelled: leave no temporary file behind
        sink.discard()
        raise
    sink.close()


async def receive_upload(
    request: Request, upload_dir: Path, max_video_bytes: int
) -> ReceivedUpload:
    """Stream a ``multipart/form-data`` request: the ``video`` part to a temporary file.

    Raises :class:`UploadRefused` (and leaves no file behind) when the body is not multipart,
    the video is over ``max_video_bytes`` or missing.
    """
    upload_dir.mkdir(parents=True, exist_ok=True)
    sink = _MultipartSink(upload_dir, max_video_bytes)
    await _parse(request, sink, max_video_bytes)
    upload = sink.upload
    if upload.temp_path is None:
        raise UploadRefused(422, "no video: send the file in a multipart field named 'video'")
    if upload.size_bytes == 0:
        upload.discard()
        raise UploadRefused(422, "the video file is empty")
    return upload


async def receive_uploads(
    request: Request, upload_dir: Path, max_video_bytes: int, max_files: int
) -> tuple[list[ReceivedUpload], dict[str, str]]:
    """Stream a batch: every ``videos`` part to its own temporary file, and the text fields.

    A file over ``max_video_bytes`` or empty comes back with ``refused`` set (and no file); the
    others are kept. Raises :class:`UploadRefused` for a request that is unusable as a whole
    (not multipart, no video at all, more than ``max_files`` videos).
    """
    upload_dir.mkdir(parents=True, exist_ok=True)
    sink = _MultipartSink(upload_dir, max_video_bytes, many=True, max_files=max_files)
    await _parse(request, sink, max_video_bytes * max_files)
    if not sink.videos:
        raise UploadRefused(422, "no video: send the files in multipart fields named 'videos'")
    for video in sink.videos:
        if video.refused is None and video.size_bytes == 0:
            video.discard()
            video.refused = UploadRefused(422, "the video file is empty")
    return sink.videos, sink.fields


# What the service takes, checked before a job is queued: container families as the demuxer
# names them, and the video codecs cameras, phones and browsers record with.
ACCEPTED_CONTAINERS: dict[str, str] = {
    "mov": "MP4/MOV",
    "matroska": "MKV/WebM",
    "avi": "AVI",
}
ACCEPTED_CODECS: tuple[str, ...] = ("h264", "hevc", "vp8", "vp9", "av1", "mpeg4", "mjpeg")
# Shorter clips hold no step to measure; a still image has one frame.
MIN_DURATION_S = 1.0
MIN_FRAMES = 2


def accepted_formats() -> str:
    """The accepted containers and codecs, as one sentence part for refusals."""
    containers = ", ".join(ACCEPTED_CONTAINERS.values())
    return f"{containers} with {', '.join(c.upper() for c in ACCEPTED_CODECS)} video"


@dataclass(frozen=True)
class CheckedVideo:
    duration_s: float
    frame_count: int
    width: int
    height: int
    fps: float


def _check_format(container: str, codec: str, name: str) -> None:
    if container not in ACCEPTED_CONTAINERS or codec not in ACCEPTED_CODECS:
        raise UploadRefused(
            415,
            f"{name} is {container} with {codec} video, which is not accepted; "
            f"send {accepted_formats()}",
        )


def check_video(path: Path, max_duration_s: float, display_name: str) -> CheckedVideo:
    """Probe the container and decode the first frame; refuse non-videos, formats not in
    :data:`ACCEPTED_CONTAINERS` / :data:`ACCEPTED_CODECS`, stills and clips under
    :data:`MIN_DURATION_S` (422), and over-long clips (413)."""
    try:
        info = probe(path)
        next(iter(iter_frames(path, max_side=64)))
    except VideoError as exc:
        # The library's message names the temporary file; the user knows their own file name.
        message = in_user_terms(str(exc), path, display_name)
        raise UploadRefused(415, f"not a usable video: {message}") from exc
    except StopIteration:
        raise UploadRefused(415, "not a usable video: no frame could be decoded") from None
    name = display_name or "the upload"
    if info.frame_count < MIN_FRAMES:
        raise UploadRefused(422, f"{name} holds a single frame, a still image: send a video")
    if info.duration_s < MIN_DURATION_S - 1e-6:
        raise UploadRefused(
            422,
            f"{name} is {info.duration_s:.2f} s long ({info.frame_count} frames): a walk needs "
            f"at least {MIN_DURATION_S:.0f} s of video",
        )
    _check_format(info.container, info.codec, name)
    if info.duration_s > max_duration_s:
        raise UploadRefused(
            413,
            f"video is {info.duration_s:.1f} s long; the limit is {max_duration_s:.0f} s",
        )
    return CheckedVideo(info.duration_s, info.frame_count, info.width, info.height, info.fps)
