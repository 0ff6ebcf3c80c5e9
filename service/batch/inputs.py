"""What a batch analyses: the recordings of a folder, or the rows of a manifest CSV.

Manifest columns (header row required; only ``video`` is mandatory):
``video`` (path relative to the manifest's folder), ``patient_id``, ``visit_date`` (YYYY-MM-DD),
``height_cm`` (subject height), ``calibration`` (floor calibration, a JSON object as the
analysis options take it), ``population`` (preset name), ``protocol`` (free_backward | 3mbwt |
forward). Paths cannot leave the manifest's folder: no ``..``, and no absolute paths unless
``allow_absolute``.
"""

from __future__ import annotations

import csv
import datetime as dt
import json
import re
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath, PureWindowsPath
from typing import Any

from vision.assess import PRESETS, PROTOCOLS

VIDEO_SUFFIXES = frozenset({".mp4", ".mov", ".avi", ".mkv", ".webm", ".m4v"})
MANIFEST_COLUMNS = (
    "video",
    "patient_id",
    "visit_date",
    "height_cm",
    "calibration",
    "population",
    "protocol",
)
HEIGHT_RANGE_CM = (50.0, 260.0)  # same bounds as the API's height_cm


class BatchInputError(ValueError):
    """The folder or manifest cannot be used (message names the file, row and column)."""


@dataclass(frozen=True)
class BatchItem:
    """One recording to analyse, with the visit it belongs to and its analysis options.

    ``options`` holds only the keys given (``height_cm``, ``calibration``, ``population``,
    ``protocol``); the analysis defaults apply to the rest.
    """

    recording_id: str
    video: Path
    patient_id: str | None = None
    visit_date: str | None = None
    options: dict[str, Any] = field(default_factory=dict)
    source: str = ""  # as written in the manifest or relative to the folder

    def visit(self) -> dict[str, Any]:
        """The ``extras["visit"]`` block of this recording's result."""
        return {
            "patient_id": self.patient_id,
            "date": self.visit_date,
            "recording": self.source,
            "protocol": self.options.get("protocol"),
            "population": self.options.get("population"),
        }


def recording_id(relative: str) -> str:
    """A file-name-safe id from a relative path (``P1/visit 1.mp4`` -> ``P1__visit_1.mp4``)."""
    text = relative.replace("\\", "/").strip("/").replace("/", "__")
    return re.sub(r"[^A-Za-z0-9._-]", "_", text) or "recording"


def _unique_ids(items: list[BatchItem]) -> list[BatchItem]:
    seen: dict[str, int] = {}
    out = []
    for item in items:
        n = seen.get(item.recording_id, 0) + 1
        seen[item.recording_id] = n
        if n > 1:
            item = BatchItem(
                f"{item.recording_id}-{n}",
                item.video,
                item.patient_id,
                item.visit_date,
                item.options,
                item.source,
            )
        out.append(item)
    return out


def folder_items(
    folder: Path, exclude: Path | None = None, defaults: dict[str, Any] | None = None
) -> list[BatchItem]:
    """Every video under ``folder`` (sorted). A video in a sub-folder belongs to the patient
    named by its first-level folder (``folder/<patient>/<visit>.mp4``); one at the top level is
    its own patient, named by its file stem. ``exclude``: a folder to leave out (the output)."""
    folder = Path(folder)
    if not folder.is_dir():
        raise BatchInputError(f"{folder} is not a folder")
    skip = exclude.resolve() if exclude is not None else None
    items = []
    for path in sorted(folder.rglob("*")):
        if path.suffix.lower() not in VIDEO_SUFFIXES or not path.is_file():
            continue
        if skip is not None and path.resolve().is_relative_to(skip):
            continue
        rel = path.relative_to(folder)
        patient = rel.parts[0] if len(rel.parts) > 1 else path.stem
        items.append(
            BatchItem(
                recording_id(rel.as_posix()),
                path,
                patient,
                None,
                dict(defaults or {}),
                rel.as_posix(),
            )
        )
    if not items:
        raise BatchInputError(f"no video files ({', '.join(sorted(VIDEO_SUFFIXES))}) in {folder}")
    return _unique_ids(items)


def _contained_path(root: Path, text: str, where: str, allow_absolute: bool) -> Path:
    if not text:
        raise BatchInputError(f"{where}: the video path is empty")
    parts = PurePosixPath(text.replace("\\", "/")).parts
    if ".." in parts:
        raise BatchInputError(f"{where}: '..' is not allowed in video paths ({text!r})")
    absolute = PurePosixPath(text).is_absolute() or PureWindowsPath(text).is_absolute()
    if absolute:
        if not allow_absolute:
            raise BatchInputError(
                f"{where}: absolute video paths are refused ({text!r}); give paths relative to "
                "the manifest's folder, or allow absolute paths explicitly"
            )
        return Path(text)
    path = root / Path(*parts)
    # A symbolic link can still point outside the folder: judge where it really leads.
    if not path.resolve().is_relative_to(root.resolve()):
        raise BatchInputError(f"{where}: {text!r} leads outside {root}")
    return path


def _row_options(row: dict[str, str], where: str, defaults: dict[str, Any]) -> dict[str, Any]:
    options = dict(defaults)
    height = (row.get("height_cm") or "").strip()
    if height:
        try:
            value = float(height)
        except ValueError:
            raise BatchInputError(f"{where}: height_cm {height!r} is not a number") from None
        low, high = HEIGHT_RANGE_CM
        if not low < value < high:
            raise BatchInputError(f"{where}: height_cm {value:g} is outside {low:g}-{high:g} cm")
        options["height_cm"] = value
    calibration = (row.get("calibration") or "").strip()
    if calibration:
        try:
            options["calibration"] = json.loads(calibration)
        except json.JSONDecodeError as exc:
            raise BatchInputError(f"{where}: calibration is not valid JSON ({exc})") from None
        if not isinstance(options["calibration"], dict):
            raise BatchInputError(f"{where}: calibration must be a JSON object")
    for name, known in (("population", PRESETS), ("protocol", PROTOCOLS)):
        chosen = (row.get(name) or "").strip()
        if chosen:
            if chosen not in known:
                raise BatchInputError(
                    f"{where}: unknown {name} {chosen!r}; known: {', '.join(sorted(known))}"
                )
            options[name] = chosen
    return options


def manifest_items(
    manifest: Path, allow_absolute: bool = False, defaults: dict[str, Any] | None = None
) -> list[BatchItem]:
    """The recordings listed in a manifest CSV, checked row by row before anything runs."""
    manifest = Path(manifest)
    root = manifest.parent
    try:
        with manifest.open(newline="", encoding="utf-8-sig") as fh:
            reader = csv.DictReader(fh)
            header = [h.strip() for h in reader.fieldnames or []]
            rows = list(reader)
    except (OSError, UnicodeDecodeError, csv.Error) as exc:
        raise BatchInputError(f"cannot read manifest {manifest}: {exc}") from exc
    if "video" not in header:
        raise BatchInputError(f"{manifest}: the header has no 'video' column (found {header})")
    unknown = [h for h in header if h not in MANIFEST_COLUMNS]
    if unknown:
        raise BatchInputError(
            f"{manifest}: unknown columns {unknown}; known: {', '.join(MANIFEST_COLUMNS)}"
        )
    items = []
    for line, raw in enumerate(rows, start=2):
        row = {(k or "").strip(): (v or "").strip() for k, v in raw.items() if k}
        where = f"{manifest.name} line {line}"
        video = _contained_path(root, row.get("video", ""), where, allow_absolute)
        date = row.get("visit_date") or None
        if date is not None:
            try:
                date = dt.date.fromisoformat(date).isoformat()
            except ValueError:
                raise BatchInputError(f"{where}: visit_date {date!r} is not YYYY-MM-DD") from None
        items.append(
            BatchItem(
                recording_id(row["video"]),
                video,
                row.get("patient_id") or None,
                date,
                _row_options(row, where, defaults or {}),
                row["video"],
            )
        )
    if not items:
        raise BatchInputError(f"{manifest} lists no recordings")
    return _unique_ids(items)
