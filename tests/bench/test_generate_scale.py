"""generate_scale at the tiny scale on SQLite: the data is valid and the rollup reconciles."""

import io

import pytest
from django.db.models import Count, F

from bench import generate_scale
from bench.generate_scale import SCALES, database_check
from clients import idnumbers
from clients.models import CategoryMembership, Client
from reports import figures
from services.models import Activity, CaseNote, GroupSession, ResourceLink, Visit
from stations.choices import RegionLevel
from stations.models import Region, Staff, Station

pytestmark = pytest.mark.django_db

TINY = SCALES["tiny"]


@pytest.fixture
def tiny():
    out = io.StringIO()
    generate_scale.run("tiny", stdout=out)
    return out.getvalue()


def test_generated_data_is_valid(tiny):
    """One generation (a few seconds), every validity check of the brief."""
    stations = Station.objects.filter(county__parent__parent__code=f"{TINY.province_code}0000")
    assert stations.count() == TINY.towns_per_county
    assert Client.objects.filter(station__in=stations).count() == TINY.clients
    assert Visit.objects.filter(station__in=stations).count() == TINY.visits
    assert Staff.objects.filter(station__in=stations).count() == TINY.workers
    for model in (ResourceLink, Activity, CaseNote, GroupSession):
        assert model.objects.filter(**{model.scope_field + "__in": stations}).exists()
    assert "rollup rebuilt" in tiny

    # Valid, unique ID numbers; birth date and gender agree with the number.
    clients = Client.objects.filter(station__in=stations)
    numbers = list(clients.values_list("id_number", flat=True))
    assert all(idnumbers.is_valid(number) for number in numbers)
    assert len(set(numbers)) == len(numbers)
    for client in clients[:100]:
        assert client.birth_date == idnumbers.birth_date(client.id_number)
        assert client.gender == idnumbers.gender(client.id_number)

    # Overlapping, dated categories.
    memberships = CategoryMembership.objects.filter(client__station__in=stations)
    assert memberships.values("client").annotate(n=Count("id")).filter(n__gt=1).count() > TINY.clients // 20
    assert memberships.filter(end_on__isnull=False).exists()
    assert not memberships.filter(end_on__lt=F("start_on")).exists()

    # Every row reaches its station, and through it the county, city and province.
    for station in stations.select_related("town", "county__parent__parent"):
        assert station.town.parent_id == station.county_id
        assert station.county.level == RegionLevel.COUNTY
        assert station.county.parent.parent.level == RegionLevel.PROVINCE
    visits = Visit.objects.filter(station__in=stations)
    assert not visits.exclude(station=F("client__station")).exists()
    for visit in visits.prefetch_related("workers")[:200]:
        assert visit.workers.all() and all(w.station_id == visit.station_id for w in visit.workers.all())
    assert visits.filter(updated_at__gt=F("created_at")).exists()  # some visits were edited afterwards
    assert not database_check(TINY, io.StringIO(), reconcile=False)


def test_rollup_reconciles_and_a_second_run_writes_nothing(tiny):
    assert figures.reconcile() == []
    visits = Visit.objects.count()
    out = io.StringIO()
    generate_scale.run("tiny", stdout=out)
    assert "already loaded" in out.getvalue()
    assert Visit.objects.count() == visits


def test_the_xun_county_demo_stays_intact():
    demo = list(Region.objects.filter(code__startswith="41").order_by("code").values_list("code", "name", "parent"))
    demo_stations = list(Station.objects.filter(county__code__startswith="41").values_list("pk", "name"))
    generate_scale.run("tiny", stdout=io.StringIO())
    assert list(Region.objects.filter(code__startswith="41").order_by("code").values_list(
        "code", "name", "parent")) == demo
    assert list(Station.objects.filter(county__code__startswith="41").values_list("pk", "name")) == demo_stations
    assert Region.objects.get(code=f"{TINY.province_code}0000").level == RegionLevel.PROVINCE
