"""Two people editing a station or a staff post through the API (SECURITY.md "Bad input and
faults"): the second save, sent with the ``version`` it read, is refused with the fields the
first person changed, and nothing is written; a save with the current version goes through; a
save without a version is refused."""

import pytest

from stations import services
from stations.models import Staff

pytestmark = pytest.mark.django_db


def test_a_station_edit_carrying_an_old_version_is_refused(api, bureau_admin, station_baisi):
    client = api(bureau_admin)
    read = client.get(f"/api/v1/stations/{station_baisi.pk}/").json()
    assert isinstance(read["version"], int)

    # someone else saves the phone number in between (here: through the web form's service)
    station_baisi.phone = "0392-5550101"
    services.station_save(station=station_baisi)

    stale = client.patch(f"/api/v1/stations/{station_baisi.pk}/", {"brand": "暖心驿站", "version": read["version"]},
                         format="json", HTTP_ACCEPT_LANGUAGE="en")
    assert stale.status_code == 400
    body = stale.json()
    assert "Someone else saved this record" in body["version"][0]
    assert "0392-5550101" in body["phone"][0]  # what the other person changed, and its value now
    station_baisi.refresh_from_db()
    assert station_baisi.brand != "暖心驿站"  # nothing written
    assert station_baisi.history.filter(brand="暖心驿站").count() == 0


def test_a_station_edit_with_the_current_version_is_saved(api, bureau_admin, station_baisi):
    client = api(bureau_admin)
    listed = {row["id"]: row for row in client.get("/api/v1/stations/").json()["results"]}
    version = listed[station_baisi.pk]["version"]
    assert version == client.get(f"/api/v1/stations/{station_baisi.pk}/").json()["version"]

    saved = client.patch(f"/api/v1/stations/{station_baisi.pk}/", {"brand": "暖心驿站", "version": version},
                         format="json")
    assert saved.status_code == 200, saved.json()
    assert saved.json()["brand"] == "暖心驿站"
    assert saved.json()["version"] > version  # the next edit sends this one
    station_baisi.refresh_from_db()
    assert station_baisi.brand == "暖心驿站"

    again = client.patch(f"/api/v1/stations/{station_baisi.pk}/", {"brand": "暖心驿站2", "version": version},
                         format="json")
    assert again.status_code == 400  # the version read before the first save is now old


def test_a_full_put_of_what_was_read_round_trips(api, bureau_admin, station_baisi):
    client = api(bureau_admin)
    read = client.get(f"/api/v1/stations/{station_baisi.pk}/").json()
    writable = {k: v for k, v in read.items() if k not in {"id", "county", "county_name", "town_name",
                                                              "operator_name", "worker_count", "is_open"}}
    writable["address"] = "白寺镇政府院内"
    assert client.put(f"/api/v1/stations/{station_baisi.pk}/", writable, format="json").status_code == 200
    assert client.put(f"/api/v1/stations/{station_baisi.pk}/", writable, format="json").status_code == 400


def test_a_version_of_another_record_is_refused(api, bureau_admin, station_baisi, station_xiaohe):
    client = api(bureau_admin)
    other = client.get(f"/api/v1/stations/{station_xiaohe.pk}/").json()["version"]
    response = client.patch(f"/api/v1/stations/{station_baisi.pk}/", {"brand": "x", "version": other},
                            format="json")
    assert response.status_code == 400 and "version" in response.json()


def test_a_staff_edit_carrying_an_old_version_is_refused(api, bureau_admin):
    staff = Staff.objects.get(user__username="baisi")
    client = api(bureau_admin)
    version = client.get(f"/api/v1/staff/{staff.pk}/").json()["version"]

    services.staff_update(staff=staff, phone="13900001111")

    stale = client.patch(f"/api/v1/staff/{staff.pk}/", {"name": "白寺社工甲", "version": version}, format="json")
    assert stale.status_code == 400
    assert "13900001111" in stale.json()["phone"][0]
    staff.refresh_from_db()
    assert staff.name != "白寺社工甲" and staff.user.first_name != "白寺社工甲"


def test_a_staff_edit_with_the_current_version_is_saved(api, bureau_admin):
    staff = Staff.objects.get(user__username="baisi")
    client = api(bureau_admin)
    version = client.get(f"/api/v1/staff/{staff.pk}/").json()["version"]
    saved = client.patch(f"/api/v1/staff/{staff.pk}/", {"phone": "13900002222", "version": version}, format="json")
    assert saved.status_code == 200, saved.json()
    assert saved.json()["version"] > version
    staff.refresh_from_db()
    assert staff.phone == "13900002222"


def test_without_a_version_the_edit_is_refused(api, bureau_admin, station_baisi):
    # one lock for every resource (issue 13 item 4): PUT and PATCH must send the version they read
    response = api(bureau_admin).patch(f"/api/v1/stations/{station_baisi.pk}/", {"brand": "暖心驿站"}, format="json",
                                       HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert "version" in response.json()["version"][0]
    station_baisi.refresh_from_db()
    assert station_baisi.brand != "暖心驿站"
