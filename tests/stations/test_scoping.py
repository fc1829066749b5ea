"""A worker of 小河站 sees 小河站 only; the bureau sees the county; the city sees its counties."""

import pytest
from openpyxl import load_workbook

from portal.scoping import scope_for
from stations.models import Staff, Station

pytestmark = pytest.mark.django_db


def test_worker_scope_is_their_station(xiaohe, station_xiaohe):
    assert scope_for(xiaohe).station_ids == {station_xiaohe.pk}


def test_bureau_sees_all_eleven_stations(bureau):
    assert Station.objects.visible_to(bureau).count() == 11


def test_city_viewer_sees_the_county_under_the_city(city):
    assert Station.objects.visible_to(city).count() == 11


def test_user_without_post_sees_nothing(django_user_model):
    nobody = django_user_model.objects.create_user("nobody", password="x")
    assert Station.objects.visible_to(nobody).count() == 0
    assert Staff.objects.visible_to(nobody).count() == 0


def test_disabled_worker_sees_nothing(xiaohe):
    xiaohe.is_active = False
    xiaohe.save()
    assert not Station.objects.visible_to(xiaohe).exists()


def test_worker_cannot_list_other_station_staff(web, xiaohe):
    page = web(xiaohe).get("/staff/")
    assert page.status_code == 200
    names = {s.name for s in page.context["object_list"]}
    assert names == set(Staff.objects.filter(station__short_name="小河站").values_list("name", flat=True))
    assert not names & set(Staff.objects.filter(station__short_name="白寺站").values_list("name", flat=True))


def test_worker_cannot_open_other_station_staff(web, xiaohe):
    other = Staff.objects.get(user__username="baisi")
    assert web(xiaohe).get(f"/staff/{other.pk}/").status_code == 404
    assert web(xiaohe).get(f"/stations/{other.station_id}/").status_code == 404


def test_worker_cannot_search_other_station_staff(web, xiaohe):
    other = Staff.objects.get(user__username="baisi")
    page = web(xiaohe).get("/staff/", {"q": other.name})
    assert list(page.context["object_list"]) == []


def test_worker_cannot_export_other_station_staff(web, xiaohe):
    response = web(xiaohe).get("/staff/", {"export": "xlsx"})
    assert response.status_code == 200
    sheet = load_workbook(filename=__import__("io").BytesIO(response.content)).active
    stations = {row[4] for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert stations == {"小河镇社会工作服务站"}


def test_worker_cannot_list_open_or_count_other_station_staff_through_api(api, xiaohe):
    other = Staff.objects.get(user__username="baisi")
    client = api(xiaohe)
    listing = client.get("/api/v1/staff/").json()
    assert listing["count"] == 2
    assert all(row["username"] in {"xiaohe", "xiaohe_head"} for row in listing["results"])
    assert client.get(f"/api/v1/staff/{other.pk}/").status_code == 404
    assert client.get("/api/v1/stations/").json()["count"] == 1
    assert client.get(f"/api/v1/stations/{other.station_id}/").status_code == 404


def test_worker_cannot_edit_other_station_through_api(api, xiaohe_head, station_baisi):
    response = api(xiaohe_head).patch(f"/api/v1/stations/{station_baisi.pk}/", {"brand": "x"}, format="json")
    assert response.status_code == 404
    station_baisi.refresh_from_db()
    assert station_baisi.brand == "爱心小屋"


def test_admin_site_is_scoped(web, bureau_admin, django_user_model):
    # The bureau admin of 浚县 sees the county's stations in /admin/, nothing else.
    response = web(bureau_admin).get("/admin/stations/station/")
    assert response.status_code == 200
    assert response.context["cl"].result_count == 11


def test_worker_cannot_enter_admin(web, xiaohe):
    assert web(xiaohe).get("/admin/stations/staff/").status_code == 302


def test_bureau_sees_all_stations_through_every_door(web, api, bureau):
    assert web(bureau).get("/stations/").context["paginator"].count == 11
    assert api(bureau).get("/api/v1/stations/").json()["count"] == 11
