"""``GET /v1/patients/{id}/changes`` on both databases: the first visit date against the last,
each key metric with its smallest real change, as the clinic page draws it."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from service_support import postgres_schema_url
from sqlalchemy import select

from service.app import create_app
from service.core import accounts
from service.core.settings import Settings
from service.core.store import Analysis, Patient
from tests.report_docs import visit_document


@pytest.fixture(params=["sqlite", "postgresql"])
def client(request: pytest.FixtureRequest, tmp_path: Path):
    extra = {}
    gen = None
    if request.param == "postgresql":
        gen = postgres_schema_url()
        extra["database_url"] = next(gen)
    app = create_app(Settings(data_dir=tmp_path, local_workers=0, _env_file=None, **extra))
    with TestClient(app) as c:
        c.post("/v1/patients", json={"id": "P-7", "height_cm": 165}).raise_for_status()
        yield c, app.state.retrogait.sessions
    if gen is not None:
        gen.close()


def _scored(sessions, date: str, speed: float, status: str = "done") -> None:
    """A scored analysis of patient P-7 on ``date``, as a worker leaves it."""
    with sessions.begin() as s:
        org = accounts.get_or_create_org(s, accounts.LOCAL_ORG_NAME)
        patient = s.scalar(select(Patient).where(Patient.code == "P-7"))
        s.add(
            Analysis(
                org_id=org.id,
                patient_id=patient.id,
                visit_date=dt.date.fromisoformat(date),
                status=status,
                result=visit_document(date, speed, None, patient_id="P-7"),
                content_sha256="0" * 64,
            )
        )


def test_one_visit_date_has_no_change_to_show(client) -> None:
    c, sessions = client
    _scored(sessions, "2025-01-10", 0.42)
    _scored(sessions, "2025-01-10", 0.45)
    doc = c.get("/v1/patients/P-7/changes").json()
    assert doc["changes"] == [] and doc["earlier_date"] is None
    assert doc["notes"] == ["a change needs scored recordings of two visit dates"]


def test_first_date_against_last_with_the_published_mdc(client) -> None:
    c, sessions = client
    _scored(sessions, "2025-01-10", 0.42)
    _scored(sessions, "2025-02-14", 0.47, status="failed")  # not scored: left out
    _scored(sessions, "2025-03-21", 0.61)
    doc = c.get("/v1/patients/P-7/changes", params={"condition": "stroke"}).json()
    assert (doc["earlier_date"], doc["later_date"]) == ("2025-01-10", "2025-03-21")
    speed = next(x for x in doc["changes"] if x["metric"] == "speed_mps")
    assert (speed["earlier"], speed["later"]) == (0.42, 0.61)
    assert speed["change"] == pytest.approx(0.19)
    # Stroke: DeMark 2023's MDC, 0.11 m/s (DOMAIN.md); 0.19 m/s faster is a real improvement.
    assert speed["threshold"] == pytest.approx(0.11) and speed["threshold_kind"] == "published MDC"
    assert speed["verdict"] == "real change" and speed["direction"] == "better"


def test_unknown_patient_or_condition_is_refused(client) -> None:
    c, _ = client
    assert c.get("/v1/patients/NOPE/changes").status_code == 404
    answer = c.get("/v1/patients/P-7/changes", params={"condition": "flu"})
    assert answer.status_code == 422 and "unknown condition 'flu'" in answer.json()["detail"]
