"""A station's figures by village and community service point (村/社区社工室), and the volunteer
figures (issue #20): the points plus the station's own add up to the station's figure, the
dashboard breaks them down with links whose exact totals are the numbers, and the volunteers and
their hours reach the dashboard, the annual workbook and the figures API."""

import datetime
import io
import re
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from reports import figures
from services import services
from services.models import Activity, GroupSession, Volunteer, VolunteerService
from stations.models import ServicePoint

from .test_figures import LOW, make_client, make_visit, worker_of

pytestmark = pytest.mark.django_db
D = datetime.date
YEAR = figures.year_period(2025)


@pytest.fixture
def points(station_xiaohe):
    return (ServicePoint.objects.get(station=station_xiaohe, name="小河村社工室"),
            ServicePoint.objects.get(station=station_xiaohe, name="孙庄村社工室"))


@pytest.fixture
def village_records(station_xiaohe, points):
    """Visits at two village points of 小河站 and at none; an activity and a group at one point."""
    village, sunzhuang = points
    a, b, c = (make_client(station_xiaohe, LOW, name=name) for name in ("王秀英", "李桂芳", "张建国"))
    worker = [worker_of(station_xiaohe)]
    for day in (D(2025, 2, 1), D(2025, 3, 1)):
        services.visit_record(client=a, visited_on=day, kind="home_visit", service_point=village,
                              workers=worker)
    services.visit_record(client=b, visited_on=D(2025, 2, 2), kind="home_visit", service_point=village,
                              workers=worker)
    services.visit_record(client=b, visited_on=D(2025, 4, 2), kind="phone_call", service_point=sunzhuang,
                          workers=worker)
    services.visit_record(client=c, visited_on=D(2025, 5, 5), kind="home_visit", workers=worker)  # the station's own
    make_visit(c, D(2024, 12, 31))  # outside the year
    services.activity_record(station=station_xiaohe, held_on=D(2025, 6, 1), title="村里的讲座", kind="other",
                             participant_count=25, service_point=sunzhuang)
    services.activity_record(station=station_xiaohe, held_on=D(2025, 6, 2), title="站里的活动", kind="other",
                             participant_count=10)
    group = services.group_create(station=station_xiaohe, theme="老年小组", created_on=D(2025, 1, 5),
                                  service_point=village, members=[a, b])
    services.group_session_record(group=group, held_on=D(2025, 1, 10), attendance_count=6)
    return {"group": group}


def test_the_points_and_the_station_own_add_up_to_the_station(station_xiaohe, points, village_records):
    village, sunzhuang = points
    rows = figures.by_service_point(station_id=station_xiaohe.pk, start=YEAR.start, end=YEAR.end)
    station = figures.compute(station_ids=[station_xiaohe.pk], start=YEAR.start, end=YEAR.end)
    assert rows[village.pk] == {"visits": 3, "visited_clients": 2, "community_activities": 0, "groupwork": 1,
                                "people_served": 3 + 6}
    assert rows[sunzhuang.pk] == {"visits": 1, "visited_clients": 1, "community_activities": 1, "groupwork": 0,
                                  "people_served": 1 + 25}
    assert rows[None]["visits"] == 1 and rows[None]["community_activities"] == 1
    for key, spec_key in (("visits", "visits"), ("community_activities", "community_activities"),
                          ("groupwork", "groupwork"), ("people_served", "people_served")):
        assert sum(row[key] for row in rows.values()) == station[spec_key], key
    assert station["visits"] == 5 and station["people_served"] == 5 + 25 + 10 + 6


def _cells(html, point):
    row = re.search(r'<tr data-point="' + str(point) + r'">(.*?)</tr>', html, re.S)
    assert row, point
    return re.findall(r'<td class="text-end">(?:<a href="([^"]+)">)?(\d+)', row[1])


def test_the_station_dashboard_breaks_the_figures_down_by_point(web, xiaohe, station_xiaohe, points,
                                                                village_records):
    village, sunzhuang = points
    client = web(xiaohe)
    response = client.get("/", {"year": 2025})
    html = response.content.decode()
    assert 'id="point-table"' in html
    village_cells = _cells(html, village.pk)
    assert [int(v) for _url, v in village_cells] == [3, 2, 0, 1, 9]
    assert [int(v) for _url, v in _cells(html, sunzhuang.pk)] == [1, 1, 1, 0, 26]
    assert [int(v) for _url, v in _cells(html, "own")] == [1, 1, 1, 0, 11]
    # every number opens the list filtered by that point, whose exact total is the number
    visits_url, clients_url, _acts, groups_url, people_url = (url.replace("&amp;", "&") for url, _v in village_cells)
    assert client.get(visits_url).context["paginator"].count == 3
    assert client.get(clients_url).context["paginator"].count == 2
    assert client.get(groups_url).context["paginator"].count == 1
    people = client.get(people_url)
    assert people.status_code == 200 and people.context["total"] == 9
    own_visits = _cells(html, "own")[0][0].replace("&amp;", "&")
    assert client.get(own_visits).context["paginator"].count == 1
    sun_activities = _cells(html, sunzhuang.pk)[2][0].replace("&amp;", "&")
    assert client.get(sun_activities).context["paginator"].count == 1


def test_the_city_viewer_gets_no_breakdown_and_the_bureau_gets_it_for_one_station(web, city, bureau, station_xiaohe,
                                                                                 village_records):
    assert 'id="point-table"' not in web(city).get("/", {"year": 2025, "station": station_xiaohe.pk}).content.decode()
    html = web(bureau).get("/", {"year": 2025, "station": station_xiaohe.pk}).content.decode()
    assert 'id="point-table"' in html


def test_the_people_served_page_refuses_a_point_of_another_station(web, xiaohe, station_xiaohe, station_baisi):
    baisi_point = ServicePoint.objects.get(station=station_baisi)
    response = web(xiaohe).get("/reports/people-served/", {"since": "2025-01-01", "until": "2025-12-31",
                                                           "station": station_xiaohe.pk,
                                                           "service_point": baisi_point.pk})
    assert response.status_code == 404


@pytest.fixture
def volunteering(station_xiaohe, station_baisi, village_records):
    activity = Activity.objects.get(title="村里的讲座")
    session = GroupSession.objects.get(group=village_records["group"])
    students = [Volunteer.objects.create(station=station_xiaohe, name=name, kind="college",
                                         organisation="鹤壁职业技术学院") for name in ("李思雨", "王子豪")]
    helper = Volunteer.objects.create(station=station_baisi, name="郭秀梅", kind="community")
    for volunteer, day, hours, link in [
        (students[0], D(2025, 6, 1), "2.5", {"activity": activity}),
        (students[0], D(2025, 1, 10), "1.5", {"group_session": session}),
        (students[1], D(2025, 6, 1), "3", {"activity": activity}),
        (helper, D(2025, 7, 1), "2", {}),
        (helper, D(2023, 7, 1), "8", {}),  # another year
    ]:
        services.volunteer_service_save(service=VolunteerService(volunteer=volunteer, served_on=day,
                                                                 hours=Decimal(hours), **link))


def test_volunteer_figures_in_the_engine_the_api_and_the_workbook(web, api, bureau, xiaohe, station_xiaohe,
                                                                  volunteering):
    year = figures.compute(station_ids=None, start=YEAR.start, end=YEAR.end)
    assert year["volunteers"] == 3 and year["volunteer_hours"] == 9
    own = figures.compute(station_ids=[station_xiaohe.pk], start=YEAR.start, end=YEAR.end)
    assert own["volunteers"] == 2 and own["volunteer_hours"] == 7

    annual = api(bureau).get("/api/v1/reports/annual/", {"year": 2025}).json()
    assert annual["volunteers"] == 3 and annual["volunteer_hours"] == 9
    june = api(xiaohe).get("/api/v1/reports/monthly/", {"month": "2025-06"}).json()
    assert june["volunteers"] == 2 and june["volunteer_hours"] == 5.5
    assert api(bureau).get("/api/v1/reports/annual/", {"year": 2023}).json()["volunteer_hours"] == 8

    wb = load_workbook(io.BytesIO(web(bureau).get("/reports/annual/2025.xlsx").content))
    cover = {row[0].value: row[1].value for row in wb["封面"].iter_rows() if row[0].value}
    assert cover["志愿者人数"] == 3 and cover["志愿服务时长（小时）"] == 9
    per_station = [[c.value for c in row] for row in wb["各站数据"].iter_rows()]
    header = next(row for row in per_station if "志愿服务时长（小时）" in row)
    column = header.index("志愿服务时长（小时）")
    xiaohe_row = next(row for row in per_station if row[0] == "小河镇社会工作服务站")
    assert xiaohe_row[column] == 7


def test_volunteer_figures_link_to_the_service_list_whose_totals_they_are(web, bureau, volunteering):
    client = web(bureau)
    response = client.get("/", {"year": 2025})
    card = next(card for card in response.context["cards"] if card["key"] == "volunteers")
    assert card["value"] == 3
    listed = client.get(card["url"])
    totals = dict((str(label), value) for label, value in listed.context["list_totals"])
    assert totals["志愿者"] == 3 and totals["志愿服务时长（小时）"] == Decimal("9.0")
    annual = client.get("/reports/annual/2025/")
    assert annual.status_code == 200
    urls = {key: url for _label, _value, _fmt, url, key in annual.context["rows"]}
    assert urls["volunteer_hours"] == card["url"]
