"""Storage on both databases: migrations agree with the models, and the job lease rules that
give every job exactly one result."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from service_support import postgres_schema_url
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from service import migrations
from service.core import accounts
from service.core.settings import Settings
from service.core.store import Analysis, Artefact, Base, Patient, make_engine, session_factory
from service.jobs import runner


@pytest.fixture(params=["sqlite", "postgresql"])
def settings(request: pytest.FixtureRequest, tmp_path: Path):
    if request.param == "sqlite":
        yield Settings(data_dir=tmp_path, _env_file=None)
        return
    gen = postgres_schema_url()
    url = next(gen)
    yield Settings(data_dir=tmp_path, database_url=url, _env_file=None)
    gen.close()


@pytest.fixture
def sessions(settings: Settings):
    migrations.upgrade(settings.sqlalchemy_url)
    engine = make_engine(settings)
    yield session_factory(engine)
    engine.dispose()


def _org_and_job(sessions, name: str = "clinic") -> str:
    with sessions.begin() as s:
        org = accounts.get_or_create_org(s, name)
        a = Analysis(org_id=org.id, content_sha256="0" * 64, options={"height_cm": 160})
        s.add(a)
        s.flush()
        return a.id


def test_migrations_match_models_and_downgrade(settings: Settings, sessions) -> None:
    engine = make_engine(settings)
    with engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    engine.dispose()
    assert diff == [], f"models and migrations differ: {diff}"
    migrations.downgrade(settings.sqlalchemy_url, "base")
    migrations.upgrade(settings.sqlalchemy_url)  # and back up again, cleanly


def test_one_claim_wins_and_only_the_holder_writes(sessions) -> None:
    job = _org_and_job(sessions)
    assert runner.claim(sessions, job, "w1", lease_s=60)
    assert not runner.claim(sessions, job, "w2", lease_s=60)  # lease is live
    assert not runner.finish(sessions, job, "w2", status="done", result={"x": 2})
    assert runner.finish(sessions, job, "w1", status="done", result={"x": 1}, progress=1.0)
    assert not runner.finish(sessions, job, "w1", status="done", result={"x": 3})  # once only
    with sessions() as s:
        a = s.get(Analysis, job)
        assert (a.status, a.result, a.attempts) == ("done", {"x": 1}, 1)
    assert not runner.claim(sessions, job, "w3", lease_s=0.001)  # done jobs are never re-run


def test_expired_lease_is_taken_over_and_the_old_worker_locked_out(sessions) -> None:
    job = _org_and_job(sessions)
    assert runner.claim(sessions, job, "dead", lease_s=0.2)
    time.sleep(0.4)
    assert runner.claimable_ids(sessions, lease_s=0.2) == [job]
    assert runner.claim(sessions, job, "alive", lease_s=0.2)
    assert not runner.renew(sessions, job, "dead", 0.5)  # the old worker learns it lost the job
    assert runner.renew(sessions, job, "alive", 0.5)
    assert not runner.finish(sessions, job, "dead", status="done", result={})
    runner.release(sessions, job, "alive")
    with sessions() as s:
        a = s.get(Analysis, job)
        assert (a.status, a.worker_id, a.attempts) == ("queued", None, 2)


def test_keys_are_hashed_and_resolve_to_their_org(sessions) -> None:
    with sessions.begin() as s:
        assert not accounts.keys_configured(s)
        new = accounts.create_key(s, "clinic A")
    with sessions() as s:
        assert accounts.keys_configured(s)
        stored = [k for _, k, _, _ in accounts.list_keys(s)]
        assert new.key not in stored and new.prefix in stored
        assert accounts.org_for_key(s, new.key).name == "clinic A"
        assert accounts.org_for_key(s, new.key + "x") is None
    with sessions.begin() as s:
        assert accounts.revoke_key(s, new.prefix) == 1
    with sessions() as s:
        assert accounts.org_for_key(s, new.key) is None
        assert not accounts.keys_configured(s)


def test_patient_codes_unique_per_org_and_artefacts_go_with_analysis(sessions) -> None:
    with sessions.begin() as s:
        a_org = accounts.get_or_create_org(s, "A")
        b_org = accounts.get_or_create_org(s, "B")
        s.add_all([Patient(org_id=a_org.id, code="P1"), Patient(org_id=b_org.id, code="P1")])
    with pytest.raises(IntegrityError), sessions.begin() as s:
        s.add(Patient(org_id=a_org.id, code="P1"))
    job = _org_and_job(sessions, "A")
    with sessions.begin() as s:
        s.add(Artefact(analysis_id=job, kind="video", path=f"analyses/{job}/video.mp4"))
    with sessions.begin() as s:
        s.delete(s.get(Analysis, job))
    with sessions() as s:
        assert s.scalars(select(Artefact)).all() == []


def test_a_queued_job_owns_a_copy_of_its_video_and_a_failed_copy_leaves_nothing(
    settings: Settings, sessions, tmp_path: Path
) -> None:
    from datetime import date

    from service.core.store import analysis_dir, artefact_path, queue_analysis

    src = tmp_path / "walk 1.MP4"
    src.write_bytes(b"\x00" * 1234)
    with sessions() as s:
        org = accounts.get_or_create_org(s, "clinic")
        job = queue_analysis(
            s,
            settings,
            org_id=org.id,
            patient_id=None,
            visit_date=date(2026, 3, 1),
            options={"height_cm": 170},
            video=src,
            filename=src.name,
            size_bytes=1234,
            sha256="1" * 64,
        )
        s.commit()
        (video,) = job.artefacts
        assert video.kind == "video" and video.bytes == 1234
        assert artefact_path(settings, video).name == "video.mp4"
        assert artefact_path(settings, video).read_bytes() == src.read_bytes()
        assert src.exists()  # copied, not moved
        assert job.status == "queued" and job.options == {"height_cm": 170}

        # A name whose extension could be anything is stored under a neutral one.
        odd = queue_analysis(
            s,
            settings,
            org_id=org.id,
            patient_id=None,
            visit_date=date(2026, 3, 1),
            options={},
            video=src,
            filename="x.../../etc",
            size_bytes=1234,
            sha256="2" * 64,
            move=True,
        )
        s.commit()
        assert artefact_path(settings, odd.artefacts[0]).name == "video.video"
        assert not src.exists()  # moved
        kept = sorted([job.id, odd.id])

        with pytest.raises(FileNotFoundError):
            queue_analysis(
                s,
                settings,
                org_id=org.id,
                patient_id=None,
                visit_date=date(2026, 3, 1),
                options={},
                video=src,
                filename=src.name,
                size_bytes=1234,
                sha256="3" * 64,
            )
        s.rollback()
    dirs = sorted(p.name for p in analysis_dir(settings, "x").parent.iterdir())
    assert dirs == kept


def test_services_starting_together_on_a_new_postgresql_database_all_come_up() -> None:
    """The API and several workers each upgrade the schema at start-up; on a fresh database
    they must not race to create the same tables."""
    import concurrent.futures
    import multiprocessing

    gen = postgres_schema_url()
    url = next(gen)
    try:
        ctx = multiprocessing.get_context("spawn")
        with concurrent.futures.ProcessPoolExecutor(4, mp_context=ctx) as pool:
            futures = [pool.submit(migrations.upgrade, url) for _ in range(4)]
            errors = [f.exception() for f in futures]
        assert errors == [None] * 4, errors
        engine = make_engine(Settings(database_url=url, _env_file=None))
        with engine.connect() as conn:
            assert compare_metadata(MigrationContext.configure(conn), Base.metadata) == []
        engine.dispose()
    finally:
        gen.close()


def test_audit_log_is_append_only(sessions) -> None:
    from sqlalchemy import delete, update
    from sqlalchemy.exc import DatabaseError

    from service.core.store import AuditEntry

    with sessions.begin() as s:
        org = accounts.get_or_create_org(s, "clinic")
        s.add(AuditEntry(org_id=org.id, key_prefix="rg_abc", action="read", resource="patient"))
    for change in (update(AuditEntry).values(key_prefix="forged"), delete(AuditEntry)):
        with sessions() as s, pytest.raises(DatabaseError, match="append-only"):
            s.execute(change)
            s.commit()
    with sessions() as s:
        assert s.scalars(select(AuditEntry.key_prefix)).all() == ["rg_abc"]
