"""The full Xun County demo (seed_demo) against the seed's 2023 figures (SPEC §4, issue 7's
"Done when"). The demo is loaded once for the module, inside a transaction rolled back at the
end, so the other test modules never see it."""

import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db import transaction

from reports import figures
from stations.models import Station

YEAR = figures.year_period(2023)


@pytest.fixture(scope="module")
def seeded(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        with transaction.atomic():
            call_command("seed_demo", stdout=io.StringIO())
            yield
            transaction.set_rollback(True)


def test_the_2023_annual_figures_equal_the_seeds(seeded, db, api, bureau):
    response = api(bureau).get("/api/v1/reports/annual/", {"year": 2023})
    assert response.status_code == 200
    data = response.json()
    assert data["stations"] == 11
    assert data["visits"] == 5665
    assert data["visited_clients_by_category"] == {
        "subsistence_allowance": 4139, "extreme_poverty": 373, "children_in_distress": 801, "disability": 441,
        "left_behind_elderly": 0, "empty_nest_elderly": 0, "other": 711,
    }
    assert data["resources_linked_amount"] == "65000.00"
    assert (data["casework"], data["groupwork"], data["community_activities"]) == (18, 20, 162)
    assert (data["trainings"], data["training_hours"]) == (12, 120)
    assert (data["supervisions"], data["supervision_hours"]) == (65, 145)
    assert 22000 <= data["people_served"] <= 22999
    assert data == figures.compute(station_ids=Station.objects.values_list("pk", flat=True), start=YEAR.start,
                                   end=YEAR.end, county_ids=figures.scope_station_ids(bureau)[1], raw=True)


def test_xiaohe_gets_its_station_and_the_stations_add_up(seeded, db, api, bureau, xiaohe, station_xiaohe):
    own = api(xiaohe).get("/api/v1/reports/annual/", {"year": 2023}).json()
    assert own["stations"] == 1
    assert own == api(bureau).get("/api/v1/reports/annual/", {"year": 2023, "station": station_xiaohe.pk}).json()
    county = figures.for_user(bureau, start=YEAR.start, end=YEAR.end)
    rows = figures.by_station(station_ids=Station.objects.values_list("pk", flat=True), start=YEAR.start,
                              end=YEAR.end)
    assert rows[station_xiaohe.pk]["visits"] == own["visits"]
    for key in ["stations", "social_workers", "visits", "casework", "groupwork", "community_activities",
                "people_served", "supervisions", "station_evaluations"]:
        assert sum(row[key] for row in rows.values()) == county[key], key
    assert sum(Decimal(row["resources_linked_amount"]) for row in rows.values()) == Decimal("65000.00")


def test_the_rollup_reconciles_and_the_dashboard_shows_the_same(seeded, db, web, bureau):
    assert figures.reconcile() == []
    response = web(bureau).get("/", {"year": 2023})
    assert response.status_code == 200
    shown = response.context["figures"]
    assert (shown["visits"], shown["resources_linked_amount"], shown["casework"]) == (5665, "65000.00", 18)
    html = response.content.decode()
    assert 'data-key="visits">' in html and ">5665<" in html
