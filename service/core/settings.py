"""Service settings, read from ``RETROGAIT_*`` environment variables (and a ``.env`` file).

Every size and duration carries its unit in its name. The defaults run a single-user server on
this machine with an embedded SQLite database and a local worker pool under ``./retrogait-data``.
"""

from __future__ import annotations

import os
from pathlib import Path

from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict


def default_pool_size() -> int:
    """Local analysis workers: pose estimation is CPU heavy, so one per four cores, at least one."""
    return max(1, (os.cpu_count() or 1) // 4)


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="RETROGAIT_", env_file=".env", extra="ignore")

    data_dir: Path = Field(Path("retrogait-data"), description="Videos, artefacts, SQLite file.")
    database_url: str | None = Field(
        None, description="SQLAlchemy URL; default: SQLite file retrogait.db under data_dir."
    )
    broker_url: str | None = Field(
        None, description="Celery broker (redis://...). Unset: jobs run in the local worker pool."
    )
    celery_queue: str = Field("retrogait", description="Celery queue the API and workers share.")
    celery_visibility_timeout_s: float | None = Field(
        None,
        gt=0,
        description="Redis broker: an unacknowledged job is redelivered after this many seconds "
        "(default: twice the job lease, so the broker agrees with the database on who is gone).",
    )
    host: str = "127.0.0.1"
    require_api_key: bool | None = Field(
        None,
        description="True: every request needs an API key. None (default): required when bound "
        "beyond loopback or once any key was ever issued (revoking keys never reopens the "
        "server). False: single-user, allowed on loopback only.",
    )
    metrics_token: SecretStr | None = Field(
        None,
        description="Bearer token a Prometheus server sends to scrape /metrics for every "
        "organisation (an organisation's own key sees its own jobs only).",
    )
    port: int = Field(8000, ge=1, le=65535)
    max_upload_mb: float = Field(500.0, gt=0, description="Largest accepted upload, megabytes.")
    max_batch_files: int = Field(50, ge=1, description="Most videos in one batch upload.")
    max_duration_s: float = Field(600.0, gt=0, description="Longest accepted video, seconds.")
    local_workers: int = Field(
        default_factory=default_pool_size, ge=0, description="Local pool size; 0 disables it."
    )
    job_lease_s: float = Field(
        15.0, gt=0, description="A running job whose worker is silent this long is taken over."
    )
    job_poll_s: float = Field(1.0, gt=0, description="How often idle local workers look for jobs.")
    render_overlay: bool = Field(True, description="Write the annotated overlay video per job.")

    @property
    def max_upload_bytes(self) -> int:
        return int(self.max_upload_mb * 1024 * 1024)

    @property
    def heartbeat_s(self) -> float:
        """Seconds between lease renewals (and watchdog scans): a quarter of the lease, so a
        worker misses three heartbeats before it loses its job, and a smooth progress bar."""
        return min(max(self.job_lease_s / 4, 0.2), 2.0)

    @property
    def visibility_timeout_s(self) -> float:
        """The Redis broker's redelivery delay in use (see ``celery_visibility_timeout_s``)."""
        return self.celery_visibility_timeout_s or 2 * self.job_lease_s

    @property
    def sqlalchemy_url(self) -> str:
        """The database URL in use (the SQLite default made absolute under ``data_dir``)."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'retrogait.db').resolve()}"

    @property
    def analyses_dir(self) -> Path:
        """One sub-directory per analysis holds its video and artefacts."""
        return self.data_dir / "analyses"

    @property
    def uploads_dir(self) -> Path:
        """Partial uploads stream here and are moved into place only once accepted."""
        return self.data_dir / "uploads"

    def ensure_dirs(self) -> None:
        self.analyses_dir.mkdir(parents=True, exist_ok=True)
        self.uploads_dir.mkdir(parents=True, exist_ok=True)
