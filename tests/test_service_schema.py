"""Schemathesis over the OpenAPI schema, in-process against the ASGI app, with every check it
has: whatever the schema allows a client to send, the API answers without a server error, with
a documented status and a body matching the schema, and refuses a request without its key."""

from __future__ import annotations

from pathlib import Path

import pytest
import schemathesis
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, settings
from service_support import write_test_video

from service.app import create_app
from service.core import accounts
from service.core.settings import Settings

SCHEMATHESIS_CONFIG = Path(__file__).with_name("schemathesis.toml")


@pytest.fixture(scope="module")
def app_with_data(tmp_path_factory: pytest.TempPathFactory):
    """An app with keys in use, a patient and a queued analysis, so paths with real ids are
    reachable; ``app.state.test_headers`` carries the key."""
    root = tmp_path_factory.mktemp("schema")
    app = create_app(Settings(data_dir=root / "data", local_workers=0, _env_file=None))
    video = write_test_video(root / "clip.mp4", seconds=1.0)
    with app.state.retrogait.sessions() as s:
        headers = {"Authorization": f"Bearer {accounts.create_key(s, 'clinic').key}"}
        s.commit()
    with TestClient(app, headers=headers) as c:
        assert c.post("/v1/patients", json={"id": "P-1", "height_cm": 170}).status_code == 201
        with video.open("rb") as fh:
            r = c.post(
                "/v1/analyses", files={"video": ("clip.mp4", fh)}, data={"patient_id": "P-1"}
            )
        assert r.status_code == 202, r.text
    app.state.test_headers = headers
    return app


@pytest.fixture(scope="module")
def api_schema(app_with_data):
    config = schemathesis.config.SchemathesisConfig.from_path(str(SCHEMATHESIS_CONFIG))
    return schemathesis.openapi.from_asgi("/openapi.json", app_with_data, config=config)


schema = schemathesis.pytest.from_fixture("api_schema")


@schema.parametrize()
@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
def test_every_check_holds_everywhere(case, app_with_data) -> None:
    case.call_and_validate(headers=app_with_data.state.test_headers)


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
