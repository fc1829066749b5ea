"""The province viewer (issue 18, "city and province views"): the dashboard by city, each city
drilling into that city's dashboard (its county table) and on into a county's, with the figures
each city's own viewer and each county's own bureau see; figures only, no person anywhere. And
the county-narrowed dashboards link their training, supervision and evaluation figures to lists
whose exact total is the figure (the lists' county and city filters)."""

import datetime
import html
import re

import pytest
from django.contrib.auth import get_user_model

from reports import figures
from stations.choices import OrganisationKind, RegionLevel, Role
from stations.models import Organisation, Region, Staff, Station
from training.models import Training

from .test_drilldown import _check, records  # noqa: F401 (a fixture)
from .test_figures import LOW, make_activity, make_client, make_supervision, make_visit

D = datetime.date
KEYS = ("stations", "social_workers", "visits", "people_served", "casework", "groupwork", "community_activities",
        "trainings", "supervisions", "resources_linked_amount")
# The figures a figures-only viewer can open the list of (SPEC §1: no person-level list).
OPENED = {"stations", "social_workers", "community_activities", "trainings", "supervisions", "station_evaluations"}


def _account(username, role, organisation, station=None):
    user = get_user_model().objects.create_user(username=username, password="x")
    Staff.objects.create(user=user, name=username, role=role, organisation=organisation, station=station,
                         active_from=D(2021, 1, 1))
    return get_user_model().objects.select_related("staff").get(pk=user.pk)


@pytest.fixture
def anyang(db, records):  # noqa: F811
    """A second city of 河南省: 安阳市 with 汤阴县, one station with a worker and a 2023 of records,
    its county bureau and its city viewer."""
    henan = Region.objects.get(code="410000")
    city = Region.objects.create(code="410500", name="安阳市", level=RegionLevel.CITY, parent=henan)
    county = Region.objects.create(code="410523", name="汤阴县", level=RegionLevel.COUNTY, parent=city)
    town = Region.objects.create(code="410523100", name="宜沟镇", level=RegionLevel.TOWN, parent=county)
    station = Station.objects.create(name="宜沟镇社会工作服务站", short_name="宜沟站", town=town,
                                     opened_on=D(2022, 3, 1))
    bureau_org = Organisation.objects.create(name="汤阴县民政局", short_name="汤阴县民政局",
                                             kind=OrganisationKind.BUREAU, region=county)
    city_org = Organisation.objects.create(name="安阳市民政局", short_name="安阳市民政局",
                                           kind=OrganisationKind.BUREAU, region=city)
    _account("yigou", Role.SOCIAL_WORKER, bureau_org, station)
    client = make_client(station, LOW)
    for day in (D(2023, 3, 1), D(2023, 9, 9)):
        make_visit(client, day)
    make_activity(station, D(2023, 4, 4), 20)
    make_supervision(station, D(2023, 6, 1), "2")
    Training.objects.create(county=county, topic="汤阴培训", held_on=D(2023, 8, 1), hours=3, organiser=bureau_org)
    return {"city": city, "county": county, "station": station,
            "bureau": _account("tangyin_bureau", Role.BUREAU_STAFF, bureau_org),
            "viewer": _account("anyang_city", Role.CITY_VIEWER, city_org)}


@pytest.fixture
def province(db):
    return get_user_model().objects.select_related("staff").get(username="province")


def _cards(response):
    return [(card["key"], card["value"]) for card in response.context["cards"]]


def test_the_province_viewer_sees_cities_with_each_city_viewers_figures(anyang, web, province, city):
    client = web(province)
    response = client.get("/", {"year": 2023})
    assert response.status_code == 200
    assert "station_rows" not in response.context  # a province's stations are read city by city
    columns = {column["city"].code: column for column in response.context["cities"]["columns"]}
    assert set(columns) == {"410500", "410600"}
    page = response.content.decode()
    assert 'id="city-chart"' in page and 'id="city-table"' in page
    assert response.context["chart_data"]["cities"]["names"] == ["安阳市", "鹤壁市"]
    for code, viewer in (("410600", city), ("410500", anyang["viewer"])):
        own = web(viewer).get("/", {"year": 2023})
        for key in KEYS:
            assert str(columns[code]["figures"][key]) == str(own.context["figures"][key]), (code, key)
        # Drilling into the city: that city's viewer's own dashboard, with its county table.
        drilled = client.get(html.unescape(columns[code]["url"]))
        assert drilled.status_code == 200
        assert _cards(drilled) == _cards(own)
        assert [c["value"] for c in drilled.context["categories"]] == [c["value"] for c in own.context["categories"]]
    hebi = client.get(html.unescape(columns["410600"]["url"]))
    assert "cities" not in hebi.context
    assert {column["county"].code for column in hebi.context["counties"]["columns"]} == {
        "410602", "410603", "410611", "410621", "410622"}
    assert 'id="county-table"' in hebi.content.decode()
    # The province as a whole adds up its cities.
    assert response.context["figures"]["visits"] == sum(column["figures"]["visits"] for column in columns.values())


def test_the_province_viewer_drills_from_a_city_into_a_county(anyang, web, province, bureau):
    client = web(province)
    hebi = client.get("/", {"year": 2023, "city": Region.objects.get(code="410600").pk})
    xun = next(column for column in hebi.context["counties"]["columns"] if column["county"].code == "410621")
    drilled = client.get(html.unescape(xun["url"]))
    own = web(bureau).get("/", {"year": 2023})
    assert _cards(drilled) == _cards(own)
    assert drilled.context["drill_up"].code == "410600"
    assert 'id="dashboard-breadcrumb"' in drilled.content.decode()
    linked = [(card["key"], card["value"], card["url"]) for card in drilled.context["cards"] if card["url"]]
    assert {key for key, _value, _url in linked} == OPENED
    assert _check(client, linked) == len(OPENED)
    # The second city's only county, drilled from the province: its bureau's figures.
    tangyin = client.get("/", {"year": 2023, "county": anyang["county"].pk})
    assert _cards(tangyin) == _cards(web(anyang["bureau"]).get("/", {"year": 2023}))


def test_every_figure_a_city_dashboard_of_the_province_links_adds_up(anyang, web, province):
    client = web(province)
    for code in ("410500", "410600"):
        response = client.get("/", {"year": 2023, "city": Region.objects.get(code=code).pk})
        linked = [(card["key"], card["value"], card["url"]) for card in response.context["cards"] if card["url"]]
        assert {key for key, _value, _url in linked} == OPENED
        assert _check(client, linked) == len(OPENED)
        assert all(c["url"] is None for c in response.context["categories"])


def test_a_city_or_county_outside_the_scope_or_not_agreeing_is_an_error(anyang, web, province, city):
    hebi, xun = Region.objects.get(code="410600"), Region.objects.get(code="410621")
    mismatch = web(province).get("/", {"year": 2023, "city": anyang["city"].pk, "county": xun.pk})
    assert mismatch.context["form"].errors["county"]
    assert 'id="dashboard-errors"' in mismatch.content.decode()
    not_a_city = web(province).get("/", {"year": 2023, "city": xun.pk})
    assert not_a_city.context["form"].errors["city"]
    # The city viewer has no city to choose and no county of another city.
    outside = web(city).get("/", {"year": 2023, "county": anyang["county"].pk})
    assert outside.context["form"].errors["county"]
    assert "city" not in web(city).get("/").context["form"].fields
    assert figures.scope_station_ids(province, city=hebi)[1] == frozenset(
        Region.objects.filter(parent=hebi).values_list("pk", flat=True))


def test_the_province_viewer_reads_no_person(anyang, web, api, province, station_xiaohe):
    """Figures only (SPEC §1): no person-level page, API list or record, and no dashboard link
    to one."""
    client = web(province)
    for path in ("/clients/", "/services/visits/", "/services/cases/", "/services/groups/",
                 "/services/resource-links/", "/reports/people-served/?since=2023-01-01&until=2023-12-31"):
        assert client.get(path).status_code == 403, path
    for path in ("/api/v1/clients/", "/api/v1/visits/", "/api/v1/households/", "/api/v1/cases/"):
        assert api(province).get(path).status_code in (403, 404), path
    a_client = make_client(station_xiaohe, LOW)
    assert client.get(f"/clients/{a_client.pk}/").status_code in (403, 404)
    for params in ({"year": 2023}, {"year": 2023, "city": anyang["city"].pk}, {"year": 2023, "county": anyang["county"].pk}):
        page = client.get("/", params).content.decode()
        assert not re.search(r'href="/(clients/(\?[^"]*)?"|clients/\d|services/(visits|cases|groups|resource-links)/)',
                             page), params
    # Its scope is every county of the province, and the stations under them.
    assert set(Station.objects.visible_to(province)) == set(Station.objects.all())


def test_training_lists_narrow_to_a_county_or_city_of_the_scope(anyang, web, api, city, province, xiaohe):
    xun, hebi = Region.objects.get(code="410621"), Region.objects.get(code="410600")
    for path, name in (("/training/", "trainings"), ("/training/supervisions/", "supervisions"),
                       ("/training/evaluations/", "station-evaluations"), ("/services/activities/", "activities")):
        everywhere = web(province).get(path, {"exact": 1}).context["paginator"].count
        in_xun = web(province).get(path, {"county": xun.pk, "exact": 1}).context["paginator"].count
        in_tangyin = web(province).get(path, {"county": anyang["county"].pk, "exact": 1}).context["paginator"].count
        in_hebi = web(province).get(path, {"city": hebi.pk, "exact": 1}).context["paginator"].count
        assert in_xun + in_tangyin == everywhere and in_hebi == in_xun, path
        api_count = api(province).get(f"/api/v1/{name}/", {"county": xun.pk}).json()["count"]
        assert api_count == in_xun, name
        # A county outside the scope is refused with the field's message (web) and 400 (API).
        refused = web(city).get(path, {"county": anyang["county"].pk})
        assert refused.context["filterset"].form.errors["county"], path
        assert "invalid-feedback" in refused.content.decode()
        bad = api(city).get(f"/api/v1/{name}/", {"county": anyang["county"].pk})
        assert bad.status_code == 400 and "county" in bad.json(), name
        assert api(city).get(f"/api/v1/{name}/", {"county": "abc"}).status_code == 400
        # A station worker may narrow to their own county.
        assert web(xiaohe).get(path, {"county": xun.pk}).status_code == 200
