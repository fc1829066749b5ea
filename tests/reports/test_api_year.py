"""A year of one station's work entered through the API alone, and the figures engine counts it
(issue 14, "Done when"). 小河站 starts empty (the test database holds the organisation only);
its social worker ``xiaohe`` registers clients (one in a category that ends mid-year), visits
them, opens a case and writes its service notes, runs a group with its sessions and an activity;
the guidance center ``center`` holds a training that xiaohe attends. Every write is an API call
(with an Idempotency-Key, as the offline sync sends them); the annual and half-year figures read
through the API must count exactly those records."""

import datetime
import random
import uuid

import pytest

from clients import idnumbers
from reports import figures
from stations.models import Staff

pytestmark = pytest.mark.django_db

YEAR = 2024


class Integrator:
    """One caller of the API: every POST carries a fresh Idempotency-Key, and is sent twice (a
    retry on a bad line) — the second answer must be the first."""

    def __init__(self, client):
        self.client = client

    def post(self, url, body, status=201):
        key = str(uuid.uuid4())
        first = self.client.post(url, body, format="json", HTTP_IDEMPOTENCY_KEY=key)
        assert first.status_code == status, (url, first.status_code, first.content[:500])
        retry = self.client.post(url, body, format="json", HTTP_IDEMPOTENCY_KEY=key)
        assert (retry.status_code, retry.json()) == (first.status_code, first.json())
        return first.json()

    def get(self, url, **query):
        answer = self.client.get(url, query)
        assert answer.status_code == 200, (url, answer.content[:500])
        return answer.json()


def _day(month, day):
    return datetime.date(YEAR, month, day).isoformat()


def test_a_year_of_one_station_entered_through_the_api_is_counted(api, xiaohe, center, station_xiaohe):
    worker, centre = Integrator(api(xiaohe)), Integrator(api(center))
    me = worker.get("/api/v1/me/")
    station = me["station"]["id"]
    assert station == station_xiaohe.pk
    manager = Staff.objects.get(user=xiaohe).pk
    rng = random.Random(YEAR)

    # --- the registry: three people, one of them on subsistence allowance until 30 June
    def register(name, categories, born):
        return worker.post("/api/v1/clients/", {
            "station": station, "name": name, "registered_on": _day(1, 5), "address": "小河村",
            "id_number": idnumbers.generate(rng, born=born, male=False),
            "new_categories": categories})

    wang = register("王秀英", [{"category": "subsistence_allowance", "start_on": _day(1, 1)}],
                    datetime.date(1950, 3, 1))
    li = register("李桂兰", [{"category": "empty_nest_elderly", "start_on": _day(1, 1)}], datetime.date(1948, 7, 9))
    zhao = register("赵小花", [], datetime.date(1990, 2, 2))
    assert [c["category"] for c in wang["categories"]] == ["subsistence_allowance"]

    membership = worker.get(f"/api/v1/clients/{wang['id']}/categories/")[0]["id"]
    worker.post(f"/api/v1/clients/{wang['id']}/categories/{membership}/end/", {"end_on": _day(6, 30)}, status=200)
    history = worker.get(f"/api/v1/clients/{wang['id']}/categories/")
    assert [(m["category"], m["end_on"]) for m in history] == [("subsistence_allowance", _day(6, 30))]

    # --- visits: 王 in March (on allowance) and September (after it ended), 李 twice, 赵 once
    visits = [(wang, _day(3, 12)), (wang, _day(9, 20)), (li, _day(4, 2)), (li, _day(10, 8)), (zhao, _day(5, 6))]
    for person, day in visits:
        worker.post("/api/v1/visits/", {"client": person["id"], "visited_on": day, "kind": "home_visit",
                                        "workers": [manager], "findings": "入户探访，了解近况"})

    # --- a case (intake in April) with two service notes
    case = worker.post("/api/v1/cases/", {"station": station, "title": "王秀英生活照料", "manager": manager,
                                          "clients": [wang["id"]], "intake_on": _day(4, 15), "problem": "独居"})
    notes = 0
    for day in (_day(4, 20), _day(5, 18)):
        worker.post(f"/api/v1/cases/{case['id']}/notes/", {"noted_on": day, "text": "上门服务"})
        notes += 1
    assert len(worker.get(f"/api/v1/cases/{case['id']}/notes/")) == 2

    # --- a group of two members with two sessions (the first in May)
    group = worker.post("/api/v1/groups/", {"station": station, "theme": "老年互助小组", "members": [wang["id"], li["id"]],
                                            "planned_sessions": 2, "created_on": _day(5, 1)})
    attendance = 0
    for day, count in ((_day(5, 10), 8), (_day(6, 14), 6)):
        worker.post(f"/api/v1/groups/{group['id']}/sessions/", {
            "held_on": day, "topic": "互助", "attendance_count": count, "attendees": [wang["id"], li["id"]]})
        attendance += count
    assert len(worker.get(f"/api/v1/groups/{group['id']}/")["sessions"]) == 2

    # --- a community activity in September
    worker.post("/api/v1/activities/", {"station": station, "held_on": _day(9, 16), "title": "中秋游园会",
                                        "kind": "festival", "participant_count": 45,
                                        "participants": [wang["id"], zhao["id"]]})

    # --- a training of the guidance center in July that xiaohe attends
    county = station_xiaohe.county_id
    organiser = Staff.objects.get(user=center).organisation_id
    training = centre.post("/api/v1/trainings/", {"county": county, "topic": "个案工作实务", "held_on": _day(7, 3),
                                                  "hours": "6.0", "format": "in_person", "organiser": organiser,
                                                  "location": "县社工指导中心", "attendees": [manager],
                                                  "content": "个案管理"})
    assert training["attendee_count"] == 1

    # --- the figures, read through the API: the year as xiaohe sees it
    year = worker.get("/api/v1/reports/annual/", year=YEAR)
    assert year["visits"] == len(visits)
    assert year["casework"] == 1
    assert year["groupwork"] == 1
    assert year["community_activities"] == 1
    assert year["people_served"] == len(visits) + 45 + attendance + notes
    assert year["trainings"] == 1 and year["training_hours"] == 6
    assert year["visited_clients_by_category"]["subsistence_allowance"] == 1
    assert year["visited_clients_by_category"]["empty_nest_elderly"] == 1
    assert year["stations"] == 1 and year["social_workers"] == figures.compute(
        station_ids=[station], start=datetime.date(YEAR, 1, 1), end=datetime.date(YEAR, 12, 31))["social_workers"]

    # the county as the guidance center sees it holds the same records (小河站 is its only station with any)
    county_year = centre.get("/api/v1/reports/annual/", year=YEAR)
    for key in ("visits", "casework", "groupwork", "community_activities", "people_served"):
        assert county_year[key] == year[key], key

    # the second half-year (a period that is not a calendar month or year: counted from the raw
    # records): 王's September visit no longer counts as subsistence allowance once it has ended
    second_half = figures.compute(station_ids=[station], start=datetime.date(YEAR, 7, 1),
                                  end=datetime.date(YEAR, 12, 31))
    assert second_half["visits"] == 2
    assert second_half["visited_clients_by_category"]["subsistence_allowance"] == 0
    assert second_half["visited_clients_by_category"]["empty_nest_elderly"] == 1

    # each month as the API answers it adds up to the year
    months = [worker.get("/api/v1/reports/monthly/", month=f"{YEAR}-{m:02d}") for m in range(1, 13)]
    assert sum(m["visits"] for m in months) == year["visits"]
    assert sum(m["people_served"] for m in months) == year["people_served"]
