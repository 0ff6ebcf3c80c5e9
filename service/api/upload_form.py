"""The options sent with an uploaded video (multipart form fields), as the single upload and
the batch upload both take them: their OpenAPI description, parsing with a 422 naming the field,
and the patient they name."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime, timedelta
from typing import Any

from fastapi import HTTPException
from pydantic import BaseModel, Field, ValidationError, field_validator
from sqlalchemy import select

from service.api.schemas import PATIENT_CODE_PATTERN
from service.core.deps import OrgDep, SessionDep
from service.core.store import Patient
from service.jobs.analysis import analysis_options
from vision.assess.presets import PRESETS, PROTOCOLS


class UploadForm(BaseModel):
    """The options sent with the video (multipart form fields)."""

    height_cm: float | None = Field(None, ge=50, le=250, description="Subject height, cm.")
    calibration: dict[str, Any] | None = Field(
        None, description="Floor calibration as a JSON object (see the analysis options)."
    )
    population: str | None = Field(None, description="Population preset for the cut-offs.")
    protocol: str = Field("free_backward", description="What was recorded.")
    patient_id: str | None = Field(None, pattern=PATIENT_CODE_PATTERN)
    visit_date: date | None = Field(None, description="Not in the future (a day's slack).")

    @field_validator("visit_date")
    @classmethod
    def _not_in_future(cls, value: date | None) -> date | None:
        # A day's slack: the clinic's calendar day may be ahead of the server's UTC one.
        latest = datetime.now(UTC).date() + timedelta(days=1)
        if value is not None and value > latest:
            raise ValueError(f"{value.isoformat()} is in the future (latest {latest.isoformat()})")
        return value


UPLOAD_SCHEMA: dict[str, Any] = {
    "requestBody": {
        "required": True,
        "content": {
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "additionalProperties": False,
                    "required": ["video"],
                    "properties": {
                        "video": {"type": "string", "format": "binary"},
                        "height_cm": {
                            "type": "number",
                            "minimum": 50,
                            "maximum": 250,
                        },
                        "calibration": {
                            "type": "string",
                            "minLength": 1,
                            "description": "JSON object",
                        },
                        "population": {"type": "string", "enum": sorted(PRESETS)},
                        "protocol": {"type": "string", "enum": list(PROTOCOLS)},
                        "patient_id": {"type": "string", "pattern": PATIENT_CODE_PATTERN},
                        "visit_date": {"type": "string", "format": "date"},
                    },
                }
            }
        },
    }
}


def parse_form(fields: dict[str, str]) -> UploadForm:
    """The form's options, or 422 naming the first field that is wrong or unknown (a misspelt
    option would otherwise be ignored without a word)."""
    unknown = sorted(set(fields) - set(UploadForm.model_fields))
    if unknown:
        known = ", ".join(UploadForm.model_fields)
        raise HTTPException(422, f"unknown form field {unknown[0][:40]!r}; the fields are {known}")
    data: dict[str, Any] = dict(fields)  # an empty field is refused like any other bad value
    if "calibration" in data:
        try:
            data["calibration"] = json.loads(data["calibration"])
        except json.JSONDecodeError as exc:
            raise HTTPException(422, f"calibration must be a JSON object: {exc}") from exc
    for name, allowed in (("population", sorted(PRESETS)), ("protocol", list(PROTOCOLS))):
        if name in data and data[name] not in allowed:
            raise HTTPException(422, f"{name}: {data[name]!r} is not one of {', '.join(allowed)}")
    try:
        form = UploadForm.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        raise HTTPException(422, f"{first['loc'][0]}: {first['msg']}") from exc
    try:  # the library's own checks (calibration geometry, ranges), before storing anything
        analysis_options(form.model_dump(exclude={"patient_id", "visit_date"}))
    except ValueError as exc:
        raise HTTPException(422, str(exc)) from exc
    return form


def form_patient(session: SessionDep, org: OrgDep, form: UploadForm) -> Patient | None:
    """The patient named by the form (422 if this organisation has none by that code)."""
    if not form.patient_id:
        return None
    patient = session.scalar(
        select(Patient).where(Patient.org_id == org.id, Patient.code == form.patient_id)
    )
    if patient is None:
        raise HTTPException(422, f"patient_id: no patient {form.patient_id} (create it)")
    return patient


def form_options(form: UploadForm, patient: Patient | None) -> dict[str, Any]:
    """The analysis options stored with the job (the patient's height when none is given)."""
    options = form.model_dump(exclude={"patient_id", "visit_date"}, exclude_none=True)
    if "height_cm" not in options and patient is not None and patient.height_cm:
        options["height_cm"] = patient.height_cm
    return options
