"""Prometheus metrics read from the database at scrape time.

The database already knows every job, whichever process ran it (API, local pool, Celery workers
on other machines), so the gauges and the duration histogram are computed from it rather than
counted in one process's memory.
"""

from __future__ import annotations

from collections.abc import Iterator

from prometheus_client import CollectorRegistry
from prometheus_client.core import GaugeMetricFamily, HistogramMetricFamily
from prometheus_client.registry import Collector
from sqlalchemy import Select, case, func, select
from sqlalchemy.orm import sessionmaker

from service.core.store import JOB_STATUSES, Analysis

# Seconds: spaced to hold the analysis times of clips from a few seconds to ten minutes long at
# the pose model's speed (bench/pose_throughput.py prints it).
ANALYSIS_SECONDS_BUCKETS: tuple[float, ...] = (5, 10, 20, 30, 60, 120, 300, 600, 1200, 3600)


class JobCollector(Collector):
    """Jobs of one organisation (``org_id``) or of all of them (None)."""

    def __init__(self, sessions: sessionmaker, org_id: int | None = None) -> None:
        self._sessions = sessions
        self._org_id = org_id

    def _where(self, query: Select) -> Select:
        return query if self._org_id is None else query.where(Analysis.org_id == self._org_id)

    def collect(self) -> Iterator[GaugeMetricFamily | HistogramMetricFamily]:
        with self._sessions() as s:
            by_status = select(Analysis.status, func.count()).group_by(Analysis.status)
            counts = dict(s.execute(self._where(by_status)).all())
            cols = [
                func.sum(case((Analysis.analysis_s <= b, 1), else_=0))
                for b in ANALYSIS_SECONDS_BUCKETS
            ]
            durations = select(
                func.count(Analysis.analysis_s), func.sum(Analysis.analysis_s), *cols
            ).where(Analysis.analysis_s.is_not(None))
            row = s.execute(self._where(durations)).one()
        jobs = GaugeMetricFamily("retrogait_jobs", "Analysis jobs by status", labels=["status"])
        for status in JOB_STATUSES:
            jobs.add_metric([status], float(counts.get(status, 0)))
        yield jobs
        total, total_s, *cumulative = row
        buckets = [
            (str(b), float(c or 0))
            for b, c in zip(ANALYSIS_SECONDS_BUCKETS, cumulative, strict=True)
        ]
        buckets.append(("+Inf", float(total or 0)))
        yield HistogramMetricFamily(
            "retrogait_analysis_seconds",
            "Wall-clock seconds per finished analysis",
            buckets=buckets,
            sum_value=float(total_s or 0.0),
        )


def make_registry(sessions: sessionmaker, org_id: int | None = None) -> CollectorRegistry:
    """A registry reading the jobs of ``org_id`` (None: every organisation's)."""
    registry = CollectorRegistry(auto_describe=False)
    registry.register(JobCollector(sessions, org_id))
    return registry
