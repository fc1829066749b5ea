"""Volunteers (志愿者, 大学生志愿者 among them) and their service records (issue #20): scoped on
pages, API and exports, the city viewer reads figures only, hours between 0.1 and 24, at most
one activity, group session or visit of the volunteer's own station, stale edits refused."""

import datetime
import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from services import services
from services.models import Activity, Volunteer, VolunteerService

pytestmark = pytest.mark.django_db


@pytest.fixture
def student(station_xiaohe):
    return services.volunteer_save(volunteer=Volunteer(
        station=station_xiaohe, name="李思雨", organisation="鹤壁职业技术学院", kind="college", phone="15639220001"))


@pytest.fixture
def neighbour(station_baisi):
    return services.volunteer_save(volunteer=Volunteer(station=station_baisi, name="郭秀梅", kind="community"))


@pytest.fixture
def activity(station_xiaohe):
    return services.activity_record(station=station_xiaohe, held_on=datetime.date(2025, 3, 1), title="重阳敬老",
                                    kind="other", participant_count=30)


def _names(response):
    assert response.status_code == 200, response.content[:300]
    return sorted(row["name"] for row in response.json()["results"])


def test_the_api_answers_each_station_its_own_volunteers(api, xiaohe, baisi, bureau, city, student, neighbour):
    assert _names(api(xiaohe).get("/api/v1/volunteers/")) == ["李思雨"]
    assert _names(api(baisi).get("/api/v1/volunteers/")) == ["郭秀梅"]
    assert _names(api(bureau).get("/api/v1/volunteers/")) == ["李思雨", "郭秀梅"]
    assert api(city).get("/api/v1/volunteers/").status_code == 403
    assert api(city).get("/api/v1/volunteer-services/").status_code == 403
    assert api(bureau).get(f"/api/v1/volunteers/{student.pk}/").json()["phone"] == "156****0001"
    assert api(xiaohe).get(f"/api/v1/volunteers/{student.pk}/").json()["phone"] == "15639220001"


def test_a_worker_cannot_reach_another_stations_volunteer_or_service(web, api, baisi, student, activity):
    record = services.volunteer_service_save(service=VolunteerService(
        volunteer=student, served_on=activity.held_on, hours=Decimal("3"), activity=activity))
    client = web(baisi)
    for url in (f"/services/volunteers/{student.pk}/", f"/services/volunteers/{student.pk}/edit/",
                f"/services/volunteer-services/{record.pk}/", f"/services/volunteer-services/{record.pk}/edit/"):
        assert client.get(url).status_code == 404, url
    assert client.post(f"/services/volunteers/{student.pk}/deactivate/").status_code == 404
    assert "李思雨" not in client.get("/services/volunteers/", {"q": "李"}).content.decode()
    assert api(baisi).get(f"/api/v1/volunteer-services/{record.pk}/").status_code == 404
    assert api(baisi).get("/api/v1/volunteer-services/").json()["count"] == 0
    for url in ("/services/volunteers/", "/services/volunteer-services/"):
        export = client.get(url, {"export": "xlsx"})
        cells = [c.value for row in load_workbook(io.BytesIO(export.content)).active.iter_rows() for c in row]
        assert "李思雨" not in cells


def test_service_is_recorded_from_the_activity_page_and_listed_on_the_volunteer(web, xiaohe, student, activity):
    client = web(xiaohe)
    page = client.get(f"/services/activities/{activity.pk}/").content.decode()
    assert f"/services/volunteer-services/add/?activity={activity.pk}" in page
    form = client.get(f"/services/volunteer-services/add/?activity={activity.pk}").context["form"]
    assert form.initial["activity"] == activity.pk and form.initial["served_on"] == activity.held_on
    response = client.post(f"/services/volunteer-services/add/?activity={activity.pk}", {
        "volunteer": student.pk, "served_on": "2025-03-01", "hours": "2.5", "activity": activity.pk,
        "description": "协助签到"})
    assert response.status_code == 302, response.context["form"].errors
    services.volunteer_service_save(service=VolunteerService(volunteer=student, served_on=datetime.date(2025, 3, 8),
                                                             hours=Decimal("4")))
    detail = client.get(f"/services/volunteers/{student.pk}/")
    assert detail.context["total_hours"] == Decimal("6.5")
    assert "重阳敬老" in detail.content.decode()
    record = VolunteerService.objects.get(activity=activity)
    assert record.station == student.station


@pytest.mark.parametrize("body, field", [
    ({"hours": "0"}, "hours"),
    ({"hours": "24.5"}, "hours"),
    ({"served_on": "2099-01-01"}, "served_on"),
])
def test_bad_hours_or_dates_are_refused_and_nothing_written(api, xiaohe, student, body, field):
    response = api(xiaohe).post("/api/v1/volunteer-services/", {
        "volunteer": student.pk, "served_on": "2025-03-01", "hours": "2", **body}, format="json")
    assert response.status_code == 400 and field in response.json(), response.json()
    assert not VolunteerService.objects.exists()


def test_a_link_to_two_records_or_to_another_station_is_refused(api, bureau_admin, xiaohe, student, activity,
                                                                  station_baisi, person):
    visit = services.visit_record(client=person(activity.station), visited_on=datetime.date(2025, 3, 1),
                                  kind="home_visit")
    both = api(xiaohe).post("/api/v1/volunteer-services/", {
        "volunteer": student.pk, "served_on": "2025-03-01", "hours": "2", "activity": activity.pk,
        "visit": visit.pk}, format="json")
    assert both.status_code == 400 and "visit" in both.json()
    elsewhere = services.activity_record(station=station_baisi, held_on=datetime.date(2025, 3, 1), title="爱心小屋",
                                         kind="other", participant_count=5)
    from django.core.exceptions import ValidationError
    with pytest.raises(ValidationError) as error:
        services.volunteer_service_save(service=VolunteerService(
            volunteer=student, served_on=datetime.date(2025, 3, 1), hours=Decimal("2"), activity=elsewhere))
    assert "社工站" in error.value.message_dict["activity"][0]
    hidden = api(xiaohe).post("/api/v1/volunteer-services/", {
        "volunteer": student.pk, "served_on": "2025-03-01", "hours": "2", "activity": elsewhere.pk}, format="json")
    assert hidden.status_code == 400 and "activity" in hidden.json()
    assert not VolunteerService.objects.exists()


def test_bad_volunteer_input_is_refused_with_its_message(web, api, xiaohe, station_xiaohe):
    response = web(xiaohe).post("/services/volunteers/add/", {"name": "", "kind": "college", "phone": "12ab",
                                                              "is_active": "on"})
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "name" in errors
    refused = api(xiaohe).post("/api/v1/volunteers/", {"station": station_xiaohe.pk, "name": "王", "phone": "12ab"},
                               format="json")
    assert refused.status_code == 400 and "phone" in refused.json()
    assert not Volunteer.objects.exists()


def test_a_stale_edit_is_refused_on_the_web_and_in_the_api(web, api, xiaohe, xiaohe_head, student):
    form = web(xiaohe).get(f"/services/volunteers/{student.pk}/edit/").context["form"]
    data = {name: form[name].value() for name in form.fields}
    data = {k: ("on" if v is True else v) for k, v in data.items() if v not in (None, False)}
    version = api(xiaohe_head).get(f"/api/v1/volunteers/{student.pk}/").json()["version"]
    assert api(xiaohe_head).patch(f"/api/v1/volunteers/{student.pk}/", {"skills": "课业辅导", "version": version},
                                  format="json").status_code == 200
    stale = api(xiaohe).patch(f"/api/v1/volunteers/{student.pk}/", {"skills": "摄影", "version": version},
                              format="json")
    assert stale.status_code == 400 and "version" in stale.json()
    refused = web(xiaohe).post(f"/services/volunteers/{student.pk}/edit/", {**data, "organisation": "别的学校"})
    assert refused.status_code == 200 and refused.context["form"].errors
    student.refresh_from_db()
    assert student.skills == "课业辅导" and student.organisation == "鹤壁职业技术学院"


def test_a_stale_service_edit_is_refused(api, xiaohe, xiaohe_head, student):
    made = api(xiaohe).post("/api/v1/volunteer-services/", {"volunteer": student.pk, "served_on": "2025-03-01",
                                                            "hours": "2"}, format="json")
    assert made.status_code == 201, made.json()
    url = f"/api/v1/volunteer-services/{made.json()['id']}/"
    version = made.json()["version"]
    assert api(xiaohe_head).patch(url, {"hours": "3", "version": version}, format="json").status_code == 200
    assert api(xiaohe).patch(url, {"hours": "5", "version": version}, format="json").status_code == 400
    assert VolunteerService.objects.get().hours == Decimal("3.0")


def test_deactivate_on_the_page_and_in_the_api(web, api, xiaohe, student, neighbour):
    assert web(xiaohe).post(f"/services/volunteers/{student.pk}/deactivate/").status_code == 302
    student.refresh_from_db()
    assert not student.is_active
    assert api(xiaohe).post(f"/api/v1/volunteers/{neighbour.pk}/deactivate/").status_code == 404
    refused = api(xiaohe).post("/api/v1/volunteer-services/", {"volunteer": student.pk, "served_on": "2025-03-01",
                                                               "hours": "2"}, format="json")
    assert refused.status_code == 400 and "volunteer" in refused.json()


def _grow(station, n):
    for i in range(n):
        volunteer = Volunteer.objects.create(station=station, name=f"志愿者{i}", phone="13900000000")
        activity = Activity.objects.create(station=station, held_on=datetime.date(2025, 1, 1), title=f"活动{i}",
                                           participant_count=3)
        VolunteerService.objects.create(volunteer=volunteer, station=station, served_on=datetime.date(2025, 1, 2),
                                        hours=Decimal("2"), activity=activity)


@pytest.mark.parametrize("url", ["/services/volunteers/", "/api/v1/volunteers/", "/services/volunteer-services/",
                                 "/api/v1/volunteer-services/"])
def test_the_lists_make_the_same_queries_for_3_and_30_rows(web, api, xiaohe, station_xiaohe, count_queries, url):
    client = api(xiaohe) if url.startswith("/api") else web(xiaohe)
    _grow(station_xiaohe, 3)
    client.get(url)
    small = count_queries(lambda: client.get(url))
    _grow(station_xiaohe, 27)
    large = count_queries(lambda: client.get(url))
    rows = client.get(url)
    assert (rows.json()["count"] if url.startswith("/api") else rows.context["paginator"].count) == 30
    assert small == large, f"{url}: {small} queries for 3 rows, {large} for 30"
    assert large <= 15
