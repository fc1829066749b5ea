"""The API twins of the client page's forms: closing a record, adding and ending a category (and
the full dated history), needs assessments, household members and screening results. Same
permission, scope and messages as the pages; nothing written on bad input."""

import datetime

import pytest

from clients import services
from clients.choices import Category, CloseReason
from clients.models import Assessment, CategoryMembership, Client, Household, ScreeningRecord

pytestmark = pytest.mark.django_db


def test_a_category_ends_mid_year_and_the_history_keeps_it(api, xiaohe, xiaohe_client):
    url = f"/api/v1/clients/{xiaohe_client.pk}/categories/"
    added = api(xiaohe).post(url, {"category": Category.EMPTY_NEST_ELDERLY, "start_on": "2023-01-01"}, format="json")
    assert added.status_code == 201, added.data
    low = CategoryMembership.objects.get(client=xiaohe_client, category=Category.SUBSISTENCE_ALLOWANCE)
    ended = api(xiaohe).post(f"{url}{low.pk}/end/", {"end_on": "2023-06-30"}, format="json")
    assert ended.status_code == 200, ended.data
    assert ended.data["end_on"] == "2023-06-30"
    history = api(xiaohe).get(url).data
    assert [(row["category"], row["start_on"], row["end_on"]) for row in history][0] == (
        Category.SUBSISTENCE_ALLOWANCE, "2022-01-01", "2023-06-30")
    assert len(history) == 2
    assert CategoryMembership.objects.get(pk=low.pk).history.first().history_user == xiaohe


def test_bad_category_input_is_refused_and_nothing_written(api, xiaohe, xiaohe_client):
    url = f"/api/v1/clients/{xiaohe_client.pk}/categories/"
    before = CategoryMembership.objects.count()
    again = api(xiaohe).post(url, {"category": Category.SUBSISTENCE_ALLOWANCE, "start_on": "2023-01-01"},
                             format="json")
    assert again.status_code == 400 and "category" in again.data  # already held: the service's message
    wrong = api(xiaohe).post(url, {"category": "nonsense"}, format="json")
    assert wrong.status_code == 400 and "category" in wrong.data
    low = CategoryMembership.objects.get(client=xiaohe_client)
    early = api(xiaohe).post(f"{url}{low.pk}/end/", {"end_on": "2021-01-01"}, format="json")
    assert early.status_code == 400 and "end_on" in early.data
    assert api(xiaohe).post(f"{url}{low.pk}/end/", {}, format="json").status_code == 400
    assert CategoryMembership.objects.count() == before
    assert CategoryMembership.objects.get(pk=low.pk).end_on is None


def test_categories_are_scoped(api, baisi, city, bureau, xiaohe_client):
    url = f"/api/v1/clients/{xiaohe_client.pk}/categories/"
    low = CategoryMembership.objects.get(client=xiaohe_client)
    assert api(baisi).get(url).status_code == 404
    assert api(baisi).post(f"{url}{low.pk}/end/", {"end_on": "2023-06-30"}, format="json").status_code == 404
    assert api(city).get(url).status_code in (403, 404)  # figures only: no person's record
    assert api(bureau).get(url).status_code == 200  # bureau staff read the county's people...
    refused = api(bureau).post(url, {"category": Category.EMPTY_NEST_ELDERLY}, format="json")
    assert refused.status_code == 403  # ...but do not keep them
    assert CategoryMembership.objects.get(pk=low.pk).end_on is None


def test_closing_a_record(api, xiaohe, baisi, xiaohe_client):
    url = f"/api/v1/clients/{xiaohe_client.pk}/close/"
    assert api(baisi).post(url, {"close_reason": CloseReason.values[0]}, format="json").status_code == 404
    bad = api(xiaohe).post(url, {"close_reason": CloseReason.values[0], "closed_on": "2099-01-01"}, format="json")
    assert bad.status_code == 400 and "closed_on" in bad.data
    assert api(xiaohe).post(url, {"close_reason": "不存在"}, format="json").status_code == 400
    assert Client.objects.get(pk=xiaohe_client.pk).status != "closed"
    reason = CloseReason.values[0]
    done = api(xiaohe).post(url, {"close_reason": reason, "closed_on": "2024-01-31"}, format="json")
    assert done.status_code == 200, done.data
    assert done.data["status"] == "closed" and done.data["closed_on"] == "2024-01-31"
    assert CategoryMembership.objects.get(client=xiaohe_client).end_on == datetime.date(2024, 1, 31)


def test_a_needs_assessment(api, xiaohe, baisi, city, xiaohe_client):
    url = f"/api/v1/clients/{xiaohe_client.pk}/assessments/"
    assert api(baisi).post(url, {"risk_level": "high"}, format="json").status_code == 404
    assert api(city).get(url).status_code in (403, 404)
    bad = api(xiaohe).post(url, {"risk_level": "high", "assessed_on": "2099-01-01"}, format="json")
    assert bad.status_code == 400 and "assessed_on" in bad.data
    assert not Assessment.objects.exists()
    done = api(xiaohe).post(url, {"risk_level": "high", "assessed_on": "2024-02-01", "needs": "助餐"}, format="json")
    assert done.status_code == 201, done.data
    assert Client.objects.get(pk=xiaohe_client.pk).risk_level == "high"
    assert [row["needs"] for row in api(xiaohe).get(url).data] == ["助餐"]


def test_adding_a_household_member(api, xiaohe, baisi, station_xiaohe, register, baisi_client):
    household = services.household_create(station=station_xiaohe, address="小河镇一村")
    person = register(station_xiaohe, "王大山")
    url = f"/api/v1/households/{household.pk}/members/"
    assert api(baisi).post(url, {"id_number": person.id_number, "relationship": "head"},
                           format="json").status_code == 404
    stranger = api(xiaohe).post(url, {"id_number": baisi_client.id_number, "relationship": "spouse"}, format="json")
    assert stranger.status_code == 400 and "id_number" in stranger.data
    assert not Household.objects.get(pk=household.pk).members.exists()
    done = api(xiaohe).post(url, {"id_number": person.id_number, "relationship": "head"}, format="json")
    assert done.status_code == 200, done.data
    assert [m["name"] for m in done.data["members"]] == ["王大山"]


def test_a_screening_result(api, xiaohe, baisi, station_xiaohe, station_baisi, xiaohe_client, baisi_client):
    today = datetime.date.today()
    campaign = services.screening_campaign_create(
        county=station_xiaohe.county, name="大排查", stations=[station_xiaohe],
        start_on=today - datetime.timedelta(days=10), end_on=today + datetime.timedelta(days=10))
    url = f"/api/v1/screening-campaigns/{campaign.pk}/records/"
    outside = api(baisi).post(url, {"client": baisi_client.pk, "result": "found"}, format="json")
    assert outside.status_code == 404  # 白寺站 is not covered: the campaign is not theirs
    other = api(xiaohe).post(url, {"client": baisi_client.pk, "result": "found"}, format="json")
    assert other.status_code == 400 and "client" in other.data
    bad = api(xiaohe).post(url, {"client": xiaohe_client.pk, "result": "not_found", "risk_level": "high"},
                           format="json")
    assert bad.status_code == 400 and "risk_level" in bad.data
    assert not ScreeningRecord.objects.exists()
    done = api(xiaohe).post(url, {"client": xiaohe_client.pk, "result": "found", "risk_level": "low"}, format="json")
    assert done.status_code == 200, done.data
    again = api(xiaohe).post(url, {"client": xiaohe_client.pk, "result": "found", "risk_level": "high"},
                             format="json")
    assert again.status_code == 200 and ScreeningRecord.objects.get().risk_level == "high"


def test_screening_campaign_list_query_count(api, bureau_admin, station_xiaohe, count_queries):
    client = api(bureau_admin)

    def add(n):
        for i in range(n):
            services.screening_campaign_create(county=station_xiaohe.county, name=f"排查{i}", stations=[station_xiaohe],
                                               start_on=datetime.date(2024, 1, 1), end_on=datetime.date(2024, 2, 1))

    add(3)
    assert client.get("/api/v1/screening-campaigns/").data["count"] == 3  # warms the scope's cache
    few = count_queries(lambda: client.get("/api/v1/screening-campaigns/"))
    add(27)
    assert client.get("/api/v1/screening-campaigns/").data["count"] == 30
    many = count_queries(lambda: client.get("/api/v1/screening-campaigns/"))
    assert few == many


def test_visit_intervals_through_the_api(api, bureau_admin, xiaohe, station_xiaohe, xiaohe_client):
    from clients.models import VisitInterval

    county = station_xiaohe.county
    body = {"county": county.pk, "category": Category.SUBSISTENCE_ALLOWANCE, "days": 45}
    assert api(xiaohe).post("/api/v1/visit-intervals/", body, format="json").status_code == 403
    both = api(bureau_admin).post("/api/v1/visit-intervals/", {**body, "risk_level": "high"}, format="json")
    assert both.status_code == 400 and "non_field_errors" in both.data
    too_long = api(bureau_admin).post("/api/v1/visit-intervals/", {**body, "days": 400}, format="json")
    assert too_long.status_code == 400 and "days" in too_long.data
    assert not VisitInterval.objects.exists()
    created = api(bureau_admin).post("/api/v1/visit-intervals/", body, format="json")
    assert created.status_code == 201, created.data
    twice = api(bureau_admin).post("/api/v1/visit-intervals/", body, format="json")
    assert twice.status_code == 400 and VisitInterval.objects.count() == 1
    url = f"/api/v1/visit-intervals/{created.data['id']}/"
    assert api(bureau_admin).patch(url, {"days": 30}, format="json").status_code == 400  # version required
    changed = api(bureau_admin).patch(url, {"days": 30, "version": created.data["version"]}, format="json")
    assert changed.status_code == 200 and VisitInterval.objects.get().days == 30


def test_a_screening_campaign_is_opened_through_the_api(api, bureau_admin, xiaohe, station_xiaohe, station_baisi):
    from clients.models import ScreeningCampaign

    body = {"name": "春季大排查", "county": station_xiaohe.county_id, "stations": [station_xiaohe.pk],
            "start_on": "2024-03-01", "end_on": "2024-03-31"}
    assert api(xiaohe).post("/api/v1/screening-campaigns/", body, format="json").status_code == 403
    backwards = api(bureau_admin).post("/api/v1/screening-campaigns/", {**body, "end_on": "2024-02-01"},
                                       format="json")
    assert backwards.status_code == 400 and "end_on" in backwards.data
    empty = api(bureau_admin).post("/api/v1/screening-campaigns/", {**body, "stations": []}, format="json")
    assert empty.status_code == 400 and "stations" in empty.data
    assert not ScreeningCampaign.objects.exists()
    created = api(bureau_admin).post("/api/v1/screening-campaigns/", body, format="json")
    assert created.status_code == 201, created.data
    url = f"/api/v1/screening-campaigns/{created.data['id']}/"
    widened = api(bureau_admin).patch(url, {"stations": [station_xiaohe.pk, station_baisi.pk],
                                            "version": created.data["version"]}, format="json")
    assert widened.status_code == 200 and len(widened.data["stations"]) == 2


@pytest.mark.parametrize("path", ["assessments", "categories"])
def test_a_sub_resource_of_a_client_id_that_is_not_a_number_is_a_404_not_a_500(api, xiaohe, path):
    """schemathesis sent /clients/EC/assessments/: the lookup's ValueError was a 500."""
    for bad in ("EC", "false", "\U000cb9a6"):
        answer = api(xiaohe).get(f"/api/v1/clients/{bad}/{path}/")
        assert answer.status_code == 404, (bad, answer.status_code)
