"""Response and request models of the HTTP API: the OpenAPI schema is the contract.

The analysis result's schema is derived from the library's own dataclasses
(:class:`vision.result.AnalysisResult`), so it cannot drift from the result contract.
"""

from __future__ import annotations

import dataclasses
import types
import typing
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any, Literal, Union

from pydantic import BaseModel, ConfigDict, Field, create_model, field_validator

from service.core.store import PATIENT_CODE_PATTERN
from vision import result as result_contract

JobStatusName = Literal["queued", "running", "done", "failed"]


def as_utc(value: datetime | None) -> datetime | None:
    """SQLite hands datetimes back without their zone; everything stored is UTC."""
    if value is None or value.tzinfo is not None:
        return value
    return value.replace(tzinfo=UTC)


class _UtcModel(BaseModel):
    @field_validator("*", mode="after")
    @classmethod
    def _zone(cls, value: Any) -> Any:
        return as_utc(value) if isinstance(value, datetime) else value


def _document_type(tp: Any, models: dict[type, type[BaseModel]]) -> Any:
    """The JSON form of a result field's type: every float may be null, because the document
    writes NaN and infinities as null (``AnalysisResult.to_dict``)."""
    if tp is float:
        return float | None
    if isinstance(tp, type) and dataclasses.is_dataclass(tp):
        return _document_model(tp, models)
    origin, args = typing.get_origin(tp), typing.get_args(tp)
    # Built as GenericAlias, the object ``list[X]`` is: the item type is only known at run time.
    if origin is list:
        return types.GenericAlias(list, (_document_type(args[0], models),))
    if origin is dict:
        return types.GenericAlias(dict, (args[0], _document_type(args[1], models)))
    if origin in (Union, types.UnionType):
        return Union[tuple(_document_type(a, models) for a in args)]  # noqa: UP007
    return tp


def _document_model(cls: type, models: dict[type, type[BaseModel]]) -> type[BaseModel]:
    """A pydantic model mirroring a result dataclass (keys added later are kept)."""
    if cls not in models:
        hints = typing.get_type_hints(cls)
        fields: dict[str, Any] = {}
        for f in dataclasses.fields(cls):
            if f.default is not dataclasses.MISSING:
                default = Field(f.default)
            elif f.default_factory is not dataclasses.MISSING:
                default = Field(default_factory=f.default_factory)
            else:
                default = ...
            fields[f.name] = (_document_type(hints[f.name], models), default)
        models[cls] = create_model(
            cls.__name__, __config__=ConfigDict(extra="allow"), __doc__=cls.__doc__, **fields
        )
    return models[cls]


# The result document's schema, derived from the library's dataclasses so it cannot drift. It is
# built at import, so the type checker knows it only as some pydantic model.
if TYPE_CHECKING:
    ResultDocument = BaseModel
else:
    ResultDocument = _document_model(result_contract.AnalysisResult, {})


class Problem(BaseModel):
    """Every error: a message for people."""

    detail: str


def problem_responses(spec: dict[str, Any]) -> dict[str, Any]:
    """The OpenAPI document saying what the service answers on errors: a :class:`Problem` as
    JSON, for 422 too (FastAPI's default documents a list of errors there), for routes whose
    success is HTML, PDF or video, and for the 400 of an unreadable request body."""
    problem = {"$ref": "#/components/schemas/Problem"}
    for operations in spec.get("paths", {}).values():
        for operation in operations.values():
            if "requestBody" in operation:
                operation["responses"].setdefault(
                    "400",
                    {"description": "Body unreadable (malformed JSON or multipart)"},
                )
                operation["responses"]["400"]["content"] = {"application/json": {"schema": problem}}
            for status, response in operation.get("responses", {}).items():
                if status[:1] not in ("4", "5"):
                    continue
                content = response.get("content", {})
                schemas = [body.get("schema", {}) for body in content.values()]
                if any(
                    x.get("$ref", "").endswith(("/Problem", "/HTTPValidationError"))
                    for x in schemas
                ):
                    response["content"] = {"application/json": {"schema": dict(problem)}}
    schemas = spec.get("components", {}).get("schemas", {})
    schemas.pop("HTTPValidationError", None)
    schemas.pop("ValidationError", None)
    schemas.setdefault("Problem", Problem.model_json_schema())
    return spec


class AnalysisLinks(BaseModel):
    self: str
    report_html: str
    report_pdf: str
    overlay_mp4: str


class AnalysisOptionsOut(BaseModel):
    model_config = ConfigDict(extra="allow")

    height_cm: float | None = None
    calibration: dict[str, Any] | None = None
    population: str | None = None
    protocol: str | None = None


class AnalysisOut(_UtcModel):
    id: str
    status: JobStatusName
    progress_pct: float = Field(description="0-100")
    patient_id: str | None = Field(None, description="The patient's pseudonymous code.")
    visit_date: date | None = None
    options: AnalysisOptionsOut
    video_filename: str
    video_bytes: int
    content_sha256: str
    created_at: datetime
    started_at: datetime | None = None
    finished_at: datetime | None = None
    analysis_s: float | None = Field(None, description="Wall-clock seconds the analysis took.")
    attempts: int = Field(description="How many times a worker started this job.")
    error: str | None = None
    artefacts: list[str] = Field(description="Files kept for this analysis: video, overlay, pose.")
    links: AnalysisLinks
    result: ResultDocument | None = Field(None, description="The result document, once done.")


class AnalysisSummary(_UtcModel):
    """One analysis in a list: status and the headline numbers, without the full document."""

    id: str
    status: JobStatusName
    progress_pct: float
    patient_id: str | None = None
    visit_date: date | None = None
    created_at: datetime
    finished_at: datetime | None = None
    walk_direction: str | None = None
    step_count: int | None = None
    speed_mps: float | None = None
    cadence_spm: float | None = None
    step_length_mean_m: float | None = None
    stride_time_sd_ms: float | None = None
    trunk_flexion_max_deg: float | None = None
    test_3mbwt_s: float | None = None
    overall_score: float | None = None
    fall_risk_level: str | None = None
    scale_method: str | None = Field(None, description="How distances were scaled to metres.")
    batch_id: str | None = None


class AnalysisList(BaseModel):
    items: list[AnalysisSummary]
    total: int


class PatientIn(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str | None = Field(
        None,
        pattern=PATIENT_CODE_PATTERN,
        description="Pseudonymous code chosen by the clinic (never a name); generated if absent.",
    )
    height_cm: float | None = Field(None, ge=50, le=250, description="cm")
    notes: str = Field("", max_length=10_000)


class PatientPatch(BaseModel):
    model_config = ConfigDict(extra="forbid")

    height_cm: float | None = Field(None, ge=50, le=250, description="cm")
    notes: str | None = Field(None, max_length=10_000)


class PatientOut(_UtcModel):
    id: str
    height_cm: float | None
    notes: str
    created_at: datetime
    updated_at: datetime
    analysis_count: int


class PatientDetail(PatientOut):
    analyses: list[AnalysisSummary] = Field(description="Oldest visit first.")


class PatientList(BaseModel):
    items: list[PatientOut]
    total: int


class Health(BaseModel):
    status: Literal["ok"]
    version: str
    database: str
    jobs: Literal["local", "celery"]
    single_user: bool = Field(
        description="True when requests need no key: bound to loopback, no key ever issued and "
        "none required by configuration."
    )


BatchFileStatus = Literal["queued", "running", "done", "failed", "refused"]


class BatchFile(BaseModel):
    """One file of a batch: its analysis, or why it was refused."""

    filename: str
    status: BatchFileStatus
    analysis_id: str | None = Field(None, description="None when the file was refused.")
    progress_pct: float = Field(description="0-100")
    error: str | None = Field(None, description="Why the file was refused or its analysis failed.")
    status_code: int | None = Field(None, description="HTTP status of a refusal (413, 415 ...).")


class BatchCounts(BaseModel):
    queued: int = 0
    running: int = 0
    done: int = 0
    failed: int = 0
    refused: int = 0


class BatchOut(_UtcModel):
    id: str
    patient_id: str | None = Field(None, description="The patient's pseudonymous code.")
    created_at: datetime
    options: AnalysisOptionsOut
    counts: BatchCounts
    progress_pct: float = Field(description="0-100, over the accepted files.")
    finished: bool = Field(description="True once no accepted file is queued or running.")
    files: list[BatchFile] = Field(description="Accepted files in upload order, then refused.")


class AuditEntryOut(_UtcModel):
    """Who did what to which record, when and from where (no health data)."""

    at: datetime
    key_prefix: str = Field(description="The first characters of the key used ('local': none).")
    action: Literal["read", "list", "export", "delete"]
    resource: Literal["analysis", "patient", "batch"]
    resource_id: str | None = Field(None, description="Analysis or batch id, or patient code.")
    detail: str = Field("", description="What was exported (report.pdf ...), or listed.")
    client: str | None = Field(None, description="The client's network address.")


class AuditList(BaseModel):
    items: list[AuditEntryOut] = Field(description="Newest first.")
    total: int
