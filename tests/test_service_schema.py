"""Schemathesis over the OpenAPI schema, in-process against the ASGI app: whatever the schema
allows a client to send, the API answers without a server error (5xx) and with documented
responses."""

from __future__ import annotations

from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, settings
from service_support import write_test_video

from service.app import create_app
from service.settings import Settings

schemathesis = pytest.importorskip("schemathesis")
from schemathesis.checks import not_a_server_error  # noqa: E402


@pytest.fixture(scope="module")
def app_with_data(tmp_path_factory: pytest.TempPathFactory):
    """An app with a patient and a queued analysis, so paths with real ids are reachable."""
    root = tmp_path_factory.mktemp("schema")
    app = create_app(Settings(data_dir=root / "data", local_workers=0, _env_file=None))
    video = write_test_video(root / "clip.mp4", seconds=0.5)
    with TestClient(app) as c:
        c.post("/v1/patients", json={"id": "P-1", "height_cm": 170})
        with video.open("rb") as fh:
            c.post("/v1/analyses", files={"video": ("clip.mp4", fh)}, data={"patient_id": "P-1"})
    return app


@pytest.fixture(scope="module")
def api_schema(app_with_data):
    return schemathesis.openapi.from_asgi("/openapi.json", app_with_data)


schema = schemathesis.pytest.from_fixture("api_schema")


@schema.parametrize()
@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
def test_no_server_error_anywhere(case) -> None:
    response = case.call()
    case.validate_response(response, checks=[not_a_server_error])


def test_schema_documents_the_contract(app_with_data, tmp_path: Path) -> None:
    spec = app_with_data.openapi()
    analysis = spec["components"]["schemas"]["AnalysisOut"]["properties"]
    assert {"status", "progress_pct", "result", "links"} <= set(analysis)
    upload = spec["paths"]["/v1/analyses"]["post"]["requestBody"]["content"]
    assert upload["multipart/form-data"]["schema"]["required"] == ["video"]
    for path in (
        "/v1/analyses/{analysis_id}",
        "/v1/patients/{patient_id}",
        "/healthz",
        "/v1/batches",
        "/v1/batches/{batch_id}",
    ):
        assert path in spec["paths"]
