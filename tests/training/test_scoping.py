"""A worker of 小河站 sees 小河站's training records only — through the pages, the search
box, the counts, the exports and the API; the center and the city see the whole county."""

import io

import pytest
from openpyxl import load_workbook

from stations.models import Staff

pytestmark = pytest.mark.django_db

LISTS = {
    "training": ("/training/", "/api/v1/trainings/", "/training/{pk}/", "/api/v1/trainings/{pk}/", "topic"),
    "supervision": ("/training/supervisions/", "/api/v1/supervisions/", "/training/supervisions/{pk}/",
                    "/api/v1/supervisions/{pk}/", "topic"),
    "evaluation": ("/training/evaluations/", "/api/v1/station-evaluations/", "/training/evaluations/{pk}/",
                   "/api/v1/station-evaluations/{pk}/", None),
    "rectification": ("/training/rectifications/", None, None, None, "description"),
}


def rows(response):
    return list(response.context["object_list"])


def sheet_rows(response):
    assert response.status_code == 200
    sheet = load_workbook(filename=io.BytesIO(response.content)).active
    return [row for row in sheet.iter_rows(min_row=2, values_only=True)]


@pytest.mark.parametrize("kind", list(LISTS))
def test_worker_lists_only_their_station(web, xiaohe, records, kind):
    page = web(xiaohe).get(LISTS[kind][0])
    assert page.status_code == 200
    assert rows(page) == [records["xiaohe"][kind]]
    assert page.context["paginator"].count == 1


@pytest.mark.parametrize("kind", ["training", "supervision", "evaluation"])
def test_worker_cannot_open_other_station_record(web, xiaohe, records, kind):
    client = web(xiaohe)
    detail = LISTS[kind][2]
    assert client.get(detail.format(pk=records["xiaohe"][kind].pk)).status_code == 200
    assert client.get(detail.format(pk=records["baisi"][kind].pk)).status_code == 404


@pytest.mark.parametrize("kind", ["training", "supervision", "rectification"])
def test_worker_cannot_search_other_station_record(web, xiaohe, records, kind):
    text = getattr(records["baisi"][kind], LISTS[kind][4])
    assert rows(web(xiaohe).get(LISTS[kind][0], {"q": text})) == []


@pytest.mark.parametrize("kind", list(LISTS))
def test_worker_export_holds_only_their_station(web, xiaohe, bureau, records, kind):
    mine = sheet_rows(web(xiaohe).get(LISTS[kind][0], {"export": "xlsx"}))
    everyone = sheet_rows(web(bureau).get(LISTS[kind][0], {"export": "xlsx"}))
    assert len(mine) == 1
    assert len(everyone) == 2


@pytest.mark.parametrize("kind", ["training", "supervision", "evaluation"])
def test_worker_api_lists_counts_and_opens_only_their_station(api, xiaohe, records, kind):
    client = api(xiaohe)
    listing = client.get(LISTS[kind][1]).json()
    assert listing["count"] == 1
    assert [row["id"] for row in listing["results"]] == [records["xiaohe"][kind].pk]
    assert client.get(LISTS[kind][3].format(pk=records["baisi"][kind].pk)).status_code == 404


@pytest.mark.parametrize("kind", ["training", "supervision"])
def test_api_search_is_scoped(api, xiaohe, records, kind):
    text = getattr(records["baisi"][kind], LISTS[kind][4])
    assert api(xiaohe).get(LISTS[kind][1], {"q": text}).json()["count"] == 0


@pytest.mark.parametrize("kind", ["training", "supervision", "evaluation"])
def test_county_and_city_see_both_stations(web, api, center, city, records, kind):
    for user in (center, city):
        assert web(user).get(LISTS[kind][0]).context["paginator"].count == 2
        assert api(user).get(LISTS[kind][1]).json()["count"] == 2


def test_a_county_training_is_visible_to_the_county_even_without_attendance(web, center, make_training):
    training = make_training("无人签到的培训")
    assert web(center).get(f"/training/{training.pk}/").status_code == 200


def test_training_detail_lists_only_visible_attendees(web, xiaohe, make_training):
    training = make_training("两站共同参加", attendees=["xiaohe", "baisi"])
    page = web(xiaohe).get(f"/training/{training.pk}/")
    assert [s.user.username for s in page.context["attendees"]] == ["xiaohe"]
    assert page.context["others"] == 1
    data = page.content.decode()
    assert Staff.objects.get(user__username="baisi").name not in data


def test_worker_cannot_edit_through_pages_or_api(web, api, xiaohe, xiaohe_head, records):
    baisi_supervision = records["baisi"]["supervision"]
    assert web(xiaohe).get(f"/training/supervisions/{baisi_supervision.pk}/edit/").status_code == 403
    response = api(xiaohe_head).patch(f"/api/v1/supervisions/{baisi_supervision.pk}/", {"topic": "x"}, format="json")
    assert response.status_code in (403, 404)
    baisi_supervision.refresh_from_db()
    assert baisi_supervision.topic == "白寺站督导"


def test_station_head_updates_own_rectification_but_not_another_stations(web, xiaohe_head, records):
    mine, other = records["xiaohe"]["rectification"], records["baisi"]["rectification"]
    client = web(xiaohe_head)
    assert client.get(f"/training/rectifications/{mine.pk}/edit/").status_code == 200
    assert client.get(f"/training/rectifications/{other.pk}/edit/").status_code == 404


def test_worker_sees_only_their_stations_workers_hours(web, xiaohe, baisi):
    page = web(xiaohe).get("/training/progress/")
    assert {row.staff.station.short_name for row in page.context["rows"]} == {"小河站"}
    other = Staff.objects.get(user__username="baisi")
    assert web(xiaohe).get(f"/training/workers/{other.pk}/").status_code == 404


def test_payouts_are_for_county_staff_not_workers(web, xiaohe, bureau, records):
    assert web(xiaohe).get("/training/incentives/payouts/").status_code == 403
    page = web(bureau).get("/training/incentives/payouts/")
    assert {"小河站", "白寺站"} <= {e.staff.station.short_name for e in rows(page)}


def test_worker_sees_own_incentives_on_their_page_only(web, xiaohe, records):
    own = Staff.objects.get(user__username="xiaohe")
    page = web(xiaohe).get(f"/training/workers/{own.pk}/")
    assert list(page.context["entitlements"]) == [records["xiaohe"]["entitlement"]]


def test_competition_entries_are_scoped(web, xiaohe, center, county, station_xiaohe, station_baisi):
    from training.models import CompetitionEvent, Submission

    event = CompetitionEvent.objects.create(county=county, name="案例大赛", held_on="2025-12-18")
    Submission.objects.create(event=event, station=station_xiaohe, title="小河站案例")
    Submission.objects.create(event=event, station=station_baisi, title="白寺站案例")
    assert [s.title for s in web(xiaohe).get(f"/training/competitions/{event.pk}/").context["submissions"]] == [
        "小河站案例"
    ]
    assert len(web(center).get(f"/training/competitions/{event.pk}/").context["submissions"]) == 2


def test_admin_is_scoped(web, bureau_admin, records):
    response = web(bureau_admin).get("/admin/training/supervision/")
    assert response.status_code == 200
    assert response.context["cl"].result_count == 2
