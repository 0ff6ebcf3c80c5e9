"""Storage: SQLAlchemy 2 models, the engine/session factory, and the files of each analysis.

Tables: organisations, api_keys (SHA-256 of the key, never the key), patients (a pseudonymous
code chosen by the clinic, height, notes), analyses (one uploaded video: status, progress,
options, result document, error, timestamps, content hash), artefacts (files an analysis
owns, by path relative to the data directory so the directory can move), batches (several
recordings uploaded at once: their analyses point to the batch, files refused are listed) and
audit_log (who read, exported or deleted what; append-only).

The schema is created and upgraded by Alembic (:mod:`service.migrations`), never by
``create_all``; a test checks that the migrations and these models agree.
"""

from __future__ import annotations

import re
import shutil
import uuid
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, Literal

from sqlalchemy import (
    JSON,
    Date,
    DateTime,
    Engine,
    Float,
    ForeignKey,
    Integer,
    String,
    Text,
    UniqueConstraint,
    create_engine,
    event,
)
from sqlalchemy.orm import (
    DeclarativeBase,
    Mapped,
    Session,
    mapped_column,
    relationship,
    sessionmaker,
)

from service.core.settings import Settings

JobStatus = Literal["queued", "running", "done", "failed"]
JOB_STATUSES: tuple[str, ...] = ("queued", "running", "done", "failed")


def utcnow() -> datetime:
    return datetime.now(UTC)


def new_analysis_id() -> str:
    """Random, unguessable id (one organisation cannot enumerate another's analyses)."""
    return uuid.uuid4().hex


class Base(DeclarativeBase):
    pass


class Organisation(Base):
    __tablename__ = "organisations"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class ApiKey(Base):
    __tablename__ = "api_keys"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    org_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), index=True
    )
    key_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(16))  # shown in listings to tell keys apart
    label: Mapped[str | None] = mapped_column(String(200), nullable=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)

    organisation: Mapped[Organisation] = relationship()


# Pseudonymous patient codes: what the API accepts and batch folders may name.
PATIENT_CODE_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$"


class Patient(Base):
    __tablename__ = "patients"
    __table_args__ = (UniqueConstraint("org_id", "code", name="uq_patients_org_code"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    org_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), index=True
    )
    code: Mapped[str] = mapped_column(String(64))  # pseudonymous id, never a name
    height_cm: Mapped[float | None] = mapped_column(Float, nullable=True)
    notes: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(
        DateTime(timezone=True), default=utcnow, onupdate=utcnow
    )


class Batch(Base):
    """Several recordings sent together (``POST /v1/batches``); each accepted one is an analysis
    with ``batch_id`` set, each refused one is listed in ``refused`` with its reason."""

    __tablename__ = "batches"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_analysis_id)
    org_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), index=True
    )
    patient_id: Mapped[int | None] = mapped_column(
        ForeignKey("patients.id", ondelete="SET NULL"), nullable=True, index=True
    )
    options: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    # [{"filename", "status_code", "detail"}] for every file not accepted.
    refused: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    patient: Mapped[Patient | None] = relationship()


class Analysis(Base):
    __tablename__ = "analyses"

    id: Mapped[str] = mapped_column(String(32), primary_key=True, default=new_analysis_id)
    org_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), index=True
    )
    patient_id: Mapped[int | None] = mapped_column(
        ForeignKey("patients.id", ondelete="RESTRICT"), nullable=True, index=True
    )
    visit_date: Mapped[date | None] = mapped_column(Date, nullable=True)
    status: Mapped[str] = mapped_column(String(16), default="queued", index=True)
    progress: Mapped[float] = mapped_column(Float, default=0.0)  # fraction 0-1
    options: Mapped[dict[str, Any]] = mapped_column(JSON, default=dict)
    result: Mapped[dict[str, Any] | None] = mapped_column(JSON, nullable=True)
    error: Mapped[str | None] = mapped_column(Text, nullable=True)
    video_filename: Mapped[str] = mapped_column(String(255), default="")
    video_bytes: Mapped[int] = mapped_column(Integer, default=0)
    content_sha256: Mapped[str] = mapped_column(String(64), index=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    analysis_s: Mapped[float | None] = mapped_column(Float, nullable=True)  # wall seconds
    # Job lease: who runs it and when it last said so (a silent worker's job is taken over).
    worker_id: Mapped[str | None] = mapped_column(String(200), nullable=True)
    heartbeat_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    batch_id: Mapped[str | None] = mapped_column(
        ForeignKey("batches.id", ondelete="SET NULL"), nullable=True, index=True
    )
    # When its message last went to the broker (None: not sent, or to send again).
    enqueued_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)

    patient: Mapped[Patient | None] = relationship()
    artefacts: Mapped[list[Artefact]] = relationship(
        back_populates="analysis", cascade="all, delete-orphan", passive_deletes=True
    )


class Artefact(Base):
    __tablename__ = "artefacts"
    __table_args__ = (UniqueConstraint("analysis_id", "kind", name="uq_artefacts_analysis_kind"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    analysis_id: Mapped[str] = mapped_column(
        ForeignKey("analyses.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(String(32))  # video | overlay | pose
    path: Mapped[str] = mapped_column(String(500))  # relative to the data directory
    bytes: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)

    analysis: Mapped[Analysis] = relationship(back_populates="artefacts")


class AuditEntry(Base):
    """Who read, exported or deleted what, when and from where. Append-only (the database
    refuses updates and deletes), and it holds no health data: ids and codes only, never
    results, notes or heights, so it outlives the patient it names."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    org_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow, index=True)
    key_prefix: Mapped[str] = mapped_column(String(16))  # "local" on a single-user server
    action: Mapped[str] = mapped_column(String(16))  # read | list | export | delete
    resource: Mapped[str] = mapped_column(String(32))  # analysis | patient | batch | ...
    resource_id: Mapped[str | None] = mapped_column(String(64), nullable=True)
    detail: Mapped[str] = mapped_column(String(200), default="")  # e.g. report.pdf
    client: Mapped[str | None] = mapped_column(String(64), nullable=True)


def make_engine(settings: Settings) -> Engine:
    """Engine for ``settings.sqlalchemy_url``; SQLite gets WAL and a busy timeout because the
    API, local workers and tests write to the same file from several processes."""
    url = settings.sqlalchemy_url
    if url.startswith("sqlite"):
        settings.data_dir.mkdir(parents=True, exist_ok=True)
        engine = create_engine(url, connect_args={"check_same_thread": False, "timeout": 30})

        @event.listens_for(engine, "connect")
        def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
            cur = dbapi_conn.cursor()
            cur.execute("PRAGMA journal_mode=WAL")
            cur.execute("PRAGMA foreign_keys=ON")
            cur.execute("PRAGMA busy_timeout=30000")
            cur.close()

        return engine
    return create_engine(url, pool_pre_ping=True)


def session_factory(engine: Engine) -> sessionmaker:
    return sessionmaker(engine, expire_on_commit=False)


def analysis_dir(settings: Settings, analysis_id: str) -> Path:
    return settings.analyses_dir / analysis_id


def artefact_path(settings: Settings, artefact: Artefact) -> Path:
    return settings.data_dir / artefact.path


def relative_to_data(settings: Settings, path: Path) -> str:
    return path.resolve().relative_to(settings.data_dir.resolve()).as_posix()


def remove_analysis_files(settings: Settings, analysis_id: str) -> None:
    """Delete the analysis directory (video and every artefact); absent is fine."""
    shutil.rmtree(analysis_dir(settings, analysis_id), ignore_errors=True)


_SAFE_SUFFIX = re.compile(r"^\.[A-Za-z0-9]{1,5}$")


def video_suffix(filename: str) -> str:
    """The file's extension if harmless (kept for people, never trusted for the type), else
    ``.video``."""
    suffix = Path(filename).suffix.lower()
    return suffix if _SAFE_SUFFIX.match(suffix) else ".video"


def queue_analysis(
    session: Session,
    settings: Settings,
    *,
    org_id: int,
    patient_id: int | None,
    visit_date: date,
    options: dict[str, Any],
    video: Path,
    filename: str,
    size_bytes: int,
    sha256: str,
    batch_id: str | None = None,
    move: bool = False,
) -> Analysis:
    """A queued analysis row for ``video`` (already checked to be one), the file moved
    (``move``) or copied into the analysis directory and recorded as its video artefact.

    The caller commits (and removes the directory with :func:`remove_analysis_files` if that
    fails), then sends the job. A failure to place the file leaves no directory behind.
    """
    analysis = Analysis(
        org_id=org_id,
        patient_id=patient_id,
        visit_date=visit_date,
        options=options,
        video_filename=filename,
        video_bytes=size_bytes,
        content_sha256=sha256,
        status="queued",
        batch_id=batch_id,
    )
    session.add(analysis)
    session.flush()  # assigns the id
    folder = analysis_dir(settings, analysis.id)
    folder.mkdir(parents=True, exist_ok=False)
    stored = folder / f"video{video_suffix(filename)}"
    try:
        (shutil.move if move else shutil.copyfile)(video, stored)
    except BaseException:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    session.add(
        Artefact(
            analysis_id=analysis.id,
            kind="video",
            bytes=stored.stat().st_size,
            path=relative_to_data(settings, stored),
        )
    )
    return analysis
