"""seed_demo's services part: 2023 equals the seed's figures, counted straight from the rows,
and a second run creates nothing."""

import datetime
from decimal import Decimal

import pytest
from django.db.models import Min, Q, Sum
from django.utils import timezone

pytestmark = pytest.mark.django_db

Y0, Y1 = datetime.date(2023, 1, 1), datetime.date(2023, 12, 31)


def _counts():
    from services.models import Activity, Case, CaseNote, Dispatch, Group, GroupSession, MonthlyReport, Visit

    return [m.objects.count() for m in (Visit, Case, CaseNote, Group, GroupSession, Activity, Dispatch,
                                         MonthlyReport)]


def test_full_seed_gives_the_2023_figures():
    from clients import demo as clients_demo
    from clients.models import Client
    from services import demo as services_demo
    from services.models import (
        Activity,
        Case,
        CaseNote,
        Dispatch,
        Group,
        GroupSession,
        MonthlyReport,
        ResourceLink,
        Visit,
    )
    from stations import demo as stations_demo

    context = {}
    stations_demo.seed(context)
    clients_demo.seed(context)
    services_demo.seed(context)

    visits = Visit.objects.filter(visited_on__range=(Y0, Y1))
    assert visits.count() == 5665
    expected = {"subsistence_allowance": 4139, "extreme_poverty": 373, "children_in_distress": 801,
                "disability": 441, "other": 711, "left_behind_elderly": 0, "empty_nest_elderly": 0}
    for category, count in expected.items():
        held = Q(client__categories__category=category, client__categories__start_on__lte=models_f("visited_on")) & (
            Q(client__categories__end_on__isnull=True) | Q(client__categories__end_on__gte=models_f("visited_on")))
        assert visits.filter(held).values("client").distinct().count() == count, category
    assert not visits.filter(client__in=context["demo_later_clients"]).exists()
    assert Case.objects.filter(intake_on__range=(Y0, Y1)).count() == 18
    firsts = Group.objects.annotate(first=Min("sessions__held_on")).filter(first__range=(Y0, Y1))
    assert firsts.count() == 20
    assert Activity.objects.filter(held_on__range=(Y0, Y1)).count() == 162
    amount = ResourceLink.objects.filter(linked_on__range=(Y0, Y1)).aggregate(s=Sum("value"))["s"]
    assert amount == Decimal("65000.00")
    served = (visits.count()
              + Activity.objects.filter(held_on__range=(Y0, Y1)).aggregate(s=Sum("participant_count"))["s"]
              + GroupSession.objects.filter(held_on__range=(Y0, Y1)).aggregate(s=Sum("attendance_count"))["s"]
              + CaseNote.objects.filter(noted_on__range=(Y0, Y1)).count())
    assert 22000 <= served <= 22999

    # 2024 to today is alive: visits every year, open cases, overdue dispatches, approved months
    today = datetime.date.today()
    # visits follow the county's rhythm (high risk monthly, 特困 and children quarterly, the rest yearly)
    for year in range(2024, today.year):
        assert 10000 <= Visit.objects.filter(visited_on__year=year).count() <= 15000, year
    # so that on the demo's today between 5 % and 15 % of active clients are overdue, unevenly
    active = Client.objects.filter(status="active")
    overdue = active.filter(next_visit_due__lt=timezone.localdate())
    assert 0.05 <= overdue.count() / active.count() <= 0.15
    shares = [overdue.filter(station=s).count() / active.filter(station=s).count()
              for s in {c.station_id for c in active.only("station_id")}]
    assert max(shares) - min(shares) >= 0.08  # some stations keep up better than others
    assert Case.objects.exclude(stage="closed").exists()
    assert Dispatch.objects.overdue().exists()
    assert not MonthlyReport.objects.filter(month__year__in=[2023, 2024]).exclude(status="approved").exists()
    assert MonthlyReport.objects.filter(month__year=2023).count() == 11 * 12
    assert not Visit.objects.filter(visited_on__gt=today).exists()
    # demo times never in the future (a report "reviewed" two days after yesterday's submission)

    from services.models import MonthlyReportEvent

    now = timezone.now()
    assert not MonthlyReport.objects.filter(Q(submitted_at__gt=now) | Q(reviewed_at__gt=now)
                                            | Q(approved_at__gt=now)).exists()
    assert not MonthlyReportEvent.objects.filter(at__gt=now).exists()
    assert not Client.objects.filter(last_visit_on__isnull=True, visits__isnull=False).exists()

    before = _counts()
    services_demo.seed(context)
    assert _counts() == before


def models_f(name):
    from django.db.models import F

    return F(name)
