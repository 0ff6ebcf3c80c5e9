"""Receiving an uploaded video: stream it to a temporary file under a size limit, then check it
is a video by decoding it, not by its name.

Nothing half-written survives a refused or broken upload: the bytes go to a temporary file in
the uploads directory, which is deleted on any refusal; only an accepted video is moved into
the analysis directory (the caller then writes the database row).
"""

from __future__ import annotations

import hashlib
import os
import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from python_multipart.multipart import MultipartParser, parse_options_header
from starlette.requests import Request

from vision.video import VideoError, iter_frames, probe

VIDEO_FIELD = "video"
_MAX_FIELD_BYTES = 64 * 1024  # a form field (options) is small text
_MULTIPART_OVERHEAD_BYTES = 64 * 1024  # boundaries and the option fields around the video
_SAFE_SUFFIX = re.compile(r"^\.[A-Za-z0-9]{1,5}$")


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

    def discard(self) -> None:
        if self.temp_path is not None:
            self.temp_path.unlink(missing_ok=True)
            self.temp_path = None

    @property
    def suffix(self) -> str:
        """The client's file extension if harmless (kept for people, not trusted for the type)."""
        suffix = Path(self.filename).suffix.lower()
        return suffix if _SAFE_SUFFIX.match(suffix) else ".video"


class _MultipartSink:
    """Callbacks for python-multipart's streaming parser: the video part goes to disk with its
    SHA-256 and size counted; other parts are collected as short text fields."""

    def __init__(self, upload_dir: Path, max_video_bytes: int) -> None:
        self.upload = ReceivedUpload()
        self._dir = upload_dir
        self._max = max_video_bytes
        self._hash = hashlib.sha256()
        self._file: object | None = None
        self._headers: dict[str, str] = {}
        self._hname = b""
        self._hvalue = b""
        self._name: str | None = None
        self._buf = bytearray()
        self._is_video = False

    def callbacks(self) -> dict[str, object]:
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
        if name == VIDEO_FIELD:
            if self.upload.temp_path is not None:
                raise UploadRefused(422, "send one video per upload")
            self._is_video = True
            self.upload.filename = params.get(b"filename", b"").decode("utf-8", "replace")[:255]
            fd, tmp = tempfile.mkstemp(dir=self._dir, prefix="upload-", suffix=".part")
            self.upload.temp_path = Path(tmp)
            self._file = os.fdopen(fd, "wb")

    def _part_data(self, data: bytes, start: int, end: int) -> None:
        chunk = data[start:end]
        if self._is_video:
            self.upload.size_bytes += len(chunk)
            if self.upload.size_bytes > self._max:
                raise UploadRefused(
                    413, f"video larger than the limit of {self._max / 1048576:.0f} MB"
                )
            self._hash.update(chunk)
            self._file.write(chunk)  # type: ignore[attr-defined]
        else:
            self._buf += chunk
            if len(self._buf) > _MAX_FIELD_BYTES:
                raise UploadRefused(413, f"form field {self._name!r} is too long")

    def _part_end(self) -> None:
        if self._is_video:
            self._file.close()  # type: ignore[attr-defined]
            self._file = None
        elif self._name:
            self.upload.fields[self._name] = self._buf.decode("utf-8", "replace")

    def close(self) -> None:
        if self._file is not None:
            self._file.close()  # type: ignore[attr-defined]
            self._file = None
        self.upload.sha256 = self._hash.hexdigest()


async def receive_upload(
    request: Request, upload_dir: Path, max_video_bytes: int
) -> ReceivedUpload:
    """Stream a ``multipart/form-data`` request: the ``video`` part to a temporary file.

    Raises :class:`UploadRefused` (and leaves no file behind) when the body is not multipart,
    the video is over ``max_video_bytes`` or missing.
    """
    ctype, params = parse_options_header(request.headers.get("content-type", ""))
    if ctype != b"multipart/form-data" or b"boundary" not in params:
        raise UploadRefused(415, "send the video as multipart/form-data in a field named 'video'")
    declared = request.headers.get("content-length")
    if declared and declared.isdigit():
        if int(declared) > max_video_bytes + _MULTIPART_OVERHEAD_BYTES:
            raise UploadRefused(
                413, f"upload larger than the limit of {max_video_bytes / 1048576:.0f} MB"
            )
    upload_dir.mkdir(parents=True, exist_ok=True)
    sink = _MultipartSink(upload_dir, max_video_bytes)
    parser = MultipartParser(params[b"boundary"], sink.callbacks())
    try:
        async for chunk in request.stream():
            parser.write(chunk)
        parser.finalize()
    except UploadRefused:
        sink.close()
        sink.upload.discard()
        raise
    except Exception as exc:  # malformed multipart, client went away
        sink.close()
        sink.upload.discard()
        raise UploadRefused(400, f"the upload could not be read: {exc}") from exc
    sink.close()
    if sink.upload.temp_path is None:
        raise UploadRefused(422, "no video: send the file in a multipart field named 'video'")
    if sink.upload.size_bytes == 0:
        sink.upload.discard()
        raise UploadRefused(422, "the video file is empty")
    return sink.upload


@dataclass(frozen=True)
class CheckedVideo:
    duration_s: float
    frame_count: int
    width: int
    height: int
    fps: float


def check_video(path: Path, max_duration_s: float, display_name: str) -> CheckedVideo:
    """Probe the container and decode the first frame; refuse non-videos and over-long clips."""
    try:
        info = probe(path)
        next(iter(iter_frames(path, max_side=64)))
    except VideoError as exc:
        # The library's message names the temporary file; the user knows their own file name.
        message = str(exc).replace(path.name, display_name or "the upload")
        raise UploadRefused(415, f"not a usable video: {message}") from exc
    except StopIteration:
        raise UploadRefused(415, "not a usable video: no frame could be decoded") from None
    if info.duration_s > max_duration_s:
        raise UploadRefused(
            413,
            f"video is {info.duration_s:.1f} s long; the limit is {max_duration_s:.0f} s",
        )
    return CheckedVideo(info.duration_s, info.frame_count, info.width, info.height, info.fps)
