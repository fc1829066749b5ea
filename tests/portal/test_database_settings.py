"""The portal's PostgreSQL sessions run without parallel query (config/settings.py,
``DATABASE_PARALLEL_WORKERS``): two workers started for a county's list cost more than they
saved and took the cores other requests were using (docs/scaling.md, "Parallel query")."""

import pytest
from django.db import connection


@pytest.mark.django_db
def test_a_postgresql_session_plans_no_parallel_workers():
    if connection.vendor != "postgresql":
        pytest.skip("PostgreSQL only (CI and production)")
    with connection.cursor() as cursor:
        cursor.execute("SHOW max_parallel_workers_per_gather")
        assert cursor.fetchone()[0] == "0"
