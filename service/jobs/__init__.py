"""Analysis jobs: leases in the database, run by the local worker pool or by Celery workers."""
