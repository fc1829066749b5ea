"""Village and community service points (村/社区社工室, issue #20): a station's own, scoped on
every page, API list and export; the city viewer reads figures only; bad input and stale edits
are refused with nothing written; records name only a point of their own station."""

import datetime
import io

import pytest
from openpyxl import load_workbook

from stations import services
from stations.models import Region, ServicePoint, Staff

pytestmark = pytest.mark.django_db


@pytest.fixture
def point(station_xiaohe):
    return ServicePoint.objects.get(station=station_xiaohe, name="小河村社工室")


@pytest.fixture
def baisi_point(station_baisi):
    return ServicePoint.objects.get(station=station_baisi)


def _names(response):
    assert response.status_code == 200, response.content[:300]
    return sorted(row["name"] for row in response.json()["results"])


# --- scoping ------------------------------------------------------------------------------

def test_the_api_answers_each_station_its_own_points(api, xiaohe, baisi, bureau, city):
    assert _names(api(xiaohe).get("/api/v1/service-points/")) == ["后屯社区社工室", "孙庄村社工室", "小河村社工室"]
    assert _names(api(baisi).get("/api/v1/service-points/")) == ["白寺村社工室"]  # none of 小河站's
    assert len(_names(api(bureau).get("/api/v1/service-points/"))) == 4  # the county's
    assert api(city).get("/api/v1/service-points/").status_code == 403  # figures only


def test_a_worker_cannot_open_edit_search_or_export_another_stations_point(web, api, baisi, point):
    client = web(baisi)
    assert client.get(f"/service-points/{point.pk}/").status_code == 404
    assert client.get(f"/service-points/{point.pk}/edit/").status_code == 404
    assert client.post(f"/service-points/{point.pk}/deactivate/").status_code == 404
    assert "小河村社工室" not in client.get("/service-points/", {"q": "小河"}).content.decode()
    assert api(baisi).get(f"/api/v1/service-points/{point.pk}/").status_code == 404
    assert api(baisi).patch(f"/api/v1/service-points/{point.pk}/", {"name": "x", "version": 0},
                            format="json").status_code == 404
    export = client.get("/service-points/", {"export": "xlsx"})
    assert export.status_code == 200
    cells = [c.value for row in load_workbook(io.BytesIO(export.content)).active.iter_rows() for c in row]
    assert "白寺村社工室" in cells and "小河村社工室" not in cells
    point.refresh_from_db()
    assert point.is_active and point.name == "小河村社工室"


def test_the_city_viewer_opens_no_point_page(web, city, point):
    client = web(city)
    assert client.get("/service-points/").status_code == 403
    assert client.get(f"/service-points/{point.pk}/").status_code in (403, 404)


def test_the_liaison_phone_is_masked_like_a_clients(api, web, xiaohe, bureau, point):
    assert api(xiaohe).get(f"/api/v1/service-points/{point.pk}/").json()["liaison_phone"] == "13839221201"
    assert api(bureau).get(f"/api/v1/service-points/{point.pk}/").json()["liaison_phone"] == "138****1201"
    page = web(bureau).get("/service-points/").content.decode()
    assert "138****1201" in page and "13839221201" not in page


# --- writes -------------------------------------------------------------------------------

def test_a_worker_adds_edits_and_deactivates_a_point_of_her_station(web, xiaohe, station_xiaohe):
    client = web(xiaohe)
    page = client.get("/service-points/add/")
    assert page.status_code == 200
    village = Region.objects.create(code="410621103299", name="前小河村", level="village", parent=station_xiaohe.town)
    response = client.post("/service-points/add/", {
        "name": "前小河村社工室", "kind": "village", "region": village.pk, "liaison_name": "赵六",
        "liaison_phone": "13900001111", "is_active": "on", "opened_on": "2025-05-01"})
    assert response.status_code == 302, response.context["form"].errors
    made = ServicePoint.objects.get(name="前小河村社工室")
    assert made.station == station_xiaohe and made.region == village
    detail = client.get(f"/service-points/{made.pk}/")
    assert "前小河村" in detail.content.decode()
    assert client.post(f"/service-points/{made.pk}/deactivate/").status_code == 302
    made.refresh_from_db()
    assert not made.is_active


def test_bad_input_is_refused_with_its_message_and_nothing_written(web, api, xiaohe, station_xiaohe, station_baisi):
    client = web(xiaohe)
    before = ServicePoint.objects.count()
    other_village = Region.objects.create(code="410621106299", name="郭厂村", level="village",
                                          parent=station_baisi.town)
    baisi_worker = Staff.objects.filter(station=station_baisi).first()
    response = client.post("/service-points/add/", {
        "name": "", "kind": "village", "region": other_village.pk, "liaison_phone": "abc", "is_active": "on"})
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "name" in errors and "region" in errors
    refused = api(xiaohe).post("/api/v1/service-points/", {
        "station": station_xiaohe.pk, "name": "郭厂村社工室", "region": other_village.pk,
        "liaison_phone": "12ab"}, format="json")
    assert refused.status_code == 400
    body = refused.json()
    assert "region" in body and "liaison_phone" in body
    assert "乡镇" in str(body["region"])  # 请选择本站所在乡镇的村或社区。
    stranger = api(xiaohe).post("/api/v1/service-points/", {
        "station": station_xiaohe.pk, "name": "x", "staff": baisi_worker.pk}, format="json")
    assert stranger.status_code == 400 and "staff" in stranger.json()
    assert api(xiaohe).post("/api/v1/service-points/", {"station": station_baisi.pk, "name": "白寺站的"},
                            format="json").status_code == 400  # a station outside the scope: does not exist
    duplicate = api(xiaohe).post("/api/v1/service-points/", {"station": station_xiaohe.pk, "name": "小河村社工室"},
                                 format="json")
    assert duplicate.status_code == 400
    assert ServicePoint.objects.count() == before


def test_a_stale_edit_is_refused_on_the_web_and_in_the_api(web, api, xiaohe, xiaohe_head, point):
    mine = web(xiaohe).get(f"/service-points/{point.pk}/edit/").context["form"]
    data = {name: mine[name].value() for name in mine.fields}
    data = {k: ("on" if v is True else v) for k, v in data.items() if v not in (None, False)}
    data["opened_on"] = point.opened_on.isoformat()
    version = api(xiaohe_head).get(f"/api/v1/service-points/{point.pk}/").json()["version"]
    saved = api(xiaohe_head).patch(f"/api/v1/service-points/{point.pk}/", {"address": "小河村村委会东院",
                                                                          "version": version}, format="json")
    assert saved.status_code == 200, saved.json()
    stale_api = api(xiaohe).patch(f"/api/v1/service-points/{point.pk}/", {"address": "别处", "version": version},
                                  format="json")
    assert stale_api.status_code == 400 and "version" in stale_api.json()
    stale_web = web(xiaohe).post(f"/service-points/{point.pk}/edit/", {**data, "liaison_name": "李四"})
    assert stale_web.status_code == 200 and stale_web.context["form"].errors
    point.refresh_from_db()
    assert point.address == "小河村村委会东院" and point.liaison_name == "王春生"
    assert api(xiaohe).patch(f"/api/v1/service-points/{point.pk}/", {"address": "x"}, format="json").status_code == 400


def test_the_api_deactivates_as_the_page_does(api, xiaohe, baisi, point):
    assert api(baisi).post(f"/api/v1/service-points/{point.pk}/deactivate/").status_code == 404
    done = api(xiaohe).post(f"/api/v1/service-points/{point.pk}/deactivate/")
    assert done.status_code == 200 and done.json()["is_active"] is False
    again = api(xiaohe).post(f"/api/v1/service-points/{point.pk}/deactivate/")
    assert again.status_code == 400


# --- records name a point of their own station ----------------------------------------------

def test_a_visit_activity_group_or_client_naming_another_stations_point_is_refused(
        api, bureau_admin, xiaohe, station_xiaohe, baisi_point, point):
    from clients.models import Client
    from services.models import Activity, Group

    activity = api(xiaohe).post("/api/v1/activities/", {
        "station": station_xiaohe.pk, "held_on": "2025-03-01", "title": "健康讲座", "kind": "other",
        "participant_count": 20, "service_point": point.pk}, format="json")
    assert activity.status_code == 201, activity.json()
    assert Activity.objects.get(pk=activity.json()["id"]).service_point == point
    # a county user sees both stations' points: the service refuses the other station's
    refused = api(bureau_admin).post("/api/v1/groups/", {
        "station": station_xiaohe.pk, "theme": "老年小组", "service_point": baisi_point.pk}, format="json")
    assert refused.status_code in (400, 403)
    before = Group.objects.count()
    from django.core.exceptions import ValidationError

    from services import services as service_writes
    with pytest.raises(ValidationError) as error:
        service_writes.group_create(station=station_xiaohe, theme="老年小组", service_point=baisi_point)
    assert "其他社工站" in str(error.value.message_dict["service_point"])
    assert Group.objects.count() == before
    # the worker does not even see it: "does not exist"
    hidden = api(xiaohe).post("/api/v1/activities/", {
        "station": station_xiaohe.pk, "held_on": "2025-03-01", "title": "x", "kind": "other",
        "participant_count": 1, "service_point": baisi_point.pk}, format="json")
    assert hidden.status_code == 400 and "service_point" in hidden.json()
    assert not Client.objects.filter(service_point=baisi_point).exists()


# --- query counts ---------------------------------------------------------------------------

def _grow(station, n):
    start = ServicePoint.objects.filter(station=station).count()
    worker = Staff.objects.filter(station=station).first()
    for i in range(start, start + n):
        services.service_point_save(point=ServicePoint(station=station, name=f"第{i}社工室", staff=worker,
                                                       liaison_phone="13900000000",
                                                       opened_on=datetime.date(2025, 1, 1)))


@pytest.mark.parametrize("url", ["/service-points/", "/api/v1/service-points/"])
def test_the_lists_make_the_same_queries_for_3_and_30_rows(web, api, xiaohe, station_xiaohe, count_queries, url):
    client = api(xiaohe) if url.startswith("/api") else web(xiaohe)
    ServicePoint.objects.filter(station=station_xiaohe).delete()
    _grow(station_xiaohe, 3)
    client.get(url)
    small = count_queries(lambda: client.get(url))
    _grow(station_xiaohe, 27)
    large = count_queries(lambda: client.get(url))
    rows = client.get(url)
    assert (rows.json()["count"] if url.startswith("/api") else rows.context["paginator"].count) == 30
    assert small == large, f"{url}: {small} queries for 3 rows, {large} for 30"
    assert large <= 15
