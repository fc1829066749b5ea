"""The journal's part of ``seed_demo`` (issue 19 "Demo"): the twelve issues of 2023, drafted
from the month's records by the guidance center and published by the bureau, numbered 总第1期
to 总第12期, so that ``/reports/journal/2023-09.pdf`` and ``.docx`` open on the demo. It runs
after the reports part (the figures rollup is rebuilt by then). Idempotent: a month that has
an issue is left as it is."""

import datetime

from django.contrib.auth import get_user_model

from stations.models import Region

from . import services
from .models import Issue

YEAR = 2023


def seed(context):
    users = get_user_model().objects
    center, bureau = users.get(username="center"), users.get(username="bureau")
    county = Region.objects.get(level="county", name="浚县")
    for month in range(1, 13):
        start = datetime.date(YEAR, month, 1)
        if Issue.objects.filter(county=county, month=start).exists():
            continue
        issue = services.issue_draft(county=county, month=start, user=center)
        services.issue_publish(issue=issue, user=bureau)
