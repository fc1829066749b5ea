"""The API twins of the training pages: experts, certificates, competitions (events, entries,
judges' scores, ranking), tuition claims and payouts (pay), incentive policies (compute),
rectifications and evaluation schemes with their items and ratings. Same permission, scope,
messages and service as the pages; nothing written on bad input; lists pin their query count."""

import datetime
from decimal import Decimal

import pytest

from stations.models import Certificate, Staff
from training.choices import PayoutStatus
from training.models import (
    CompetitionEvent,
    Entitlement,
    EvaluationItem,
    EvaluationScheme,
    Expert,
    RectificationItem,
    Submission,
    TuitionClaim,
)

pytestmark = pytest.mark.django_db


def _staff(username):
    return Staff.objects.get(user__username=username)


def _pinned(client, url, add, count_queries):
    """The list's query count with few rows equals the count with 30 more."""
    client.get(url)
    few = count_queries(lambda: client.get(url))
    add()
    many = count_queries(lambda: client.get(url))
    assert few == many, (url, few, many)


def test_experts_through_the_api(api, center, xiaohe, city, county, count_queries):
    body = {"county": county.pk, "name": "赵华", "kind": "city", "affiliation": "鹤壁市社工协会"}
    assert api(xiaohe).post("/api/v1/experts/", body, format="json").status_code == 403
    bad = api(center).post("/api/v1/experts/", {**body, "kind": "nobody"}, format="json")
    assert bad.status_code == 400 and "kind" in bad.data
    created = api(center).post("/api/v1/experts/", body, format="json")
    assert created.status_code == 201, created.data
    expert = Expert.objects.get(pk=created.data["id"])
    assert expert.history.get().history_user == center
    assert api(center).patch(f"/api/v1/experts/{expert.pk}/", {"title": "教授"}, format="json").status_code == 400
    done = api(center).patch(f"/api/v1/experts/{expert.pk}/", {"title": "教授", "version": created.data["version"]},
                             format="json")
    assert done.status_code == 200 and Expert.objects.get(pk=expert.pk).title == "教授"
    _pinned(api(center), "/api/v1/experts/", lambda: Expert.objects.bulk_create(
        [Expert(county=county, name=f"专家{i}", kind="city") for i in range(30)]), count_queries)


def test_certificates_through_the_api(api, center, baisi, xiaohe, count_queries):
    worker = _staff("xiaohe")
    body = {"staff": worker.pk, "level": "intermediate", "number": "ZJ2099-01", "issued_on": "2024-05-01"}
    assert api(xiaohe).post("/api/v1/certificates/", body, format="json").status_code == 403
    created = api(center).post("/api/v1/certificates/", body, format="json")
    assert created.status_code == 201, created.data
    again = api(center).post("/api/v1/certificates/", {**body, "issued_on": "2024-06-01"}, format="json")
    assert again.status_code == 400  # the number is taken: the model's message, nothing written
    future = api(center).post("/api/v1/certificates/", {**body, "number": "ZJ2099-02", "issued_on": "2099-01-01"},
                              format="json")
    assert future.status_code == 400 and "issued_on" in future.data
    assert Certificate.objects.filter(number__startswith="ZJ2099").count() == 1
    assert api(baisi).get(f"/api/v1/certificates/{created.data['id']}/").status_code == 404
    _pinned(api(center), "/api/v1/certificates/", lambda: Certificate.objects.bulk_create(
        [Certificate(staff=worker, level="assistant", number=f"ZJ2098-{i}", issued_on=datetime.date(2024, 1, 1))
         for i in range(30)]), count_queries)


def test_staff_deactivate_through_the_api(api, bureau_admin, center, xiaohe):
    worker = _staff("xiaohe")
    assert api(center).post(f"/api/v1/staff/{worker.pk}/deactivate/").status_code == 403
    own = api(bureau_admin).post(f"/api/v1/staff/{_staff('admin').pk}/deactivate/")
    assert own.status_code == 400  # not one's own account: the page's message
    done = api(bureau_admin).post(f"/api/v1/staff/{worker.pk}/deactivate/")
    assert done.status_code == 200 and done.data["active_to"] is not None


def test_a_competition_through_the_api(api, center, xiaohe, baisi, county, station_xiaohe, count_queries):
    created = api(center).post("/api/v1/competitions/", {"county": county.pk, "name": "2025年案例大赛",
                                                          "held_on": "2025-10-20"}, format="json")
    assert created.status_code == 201, created.data
    event = CompetitionEvent.objects.get(pk=created.data["id"])
    worker = _staff("xiaohe")
    entry = api(center).post("/api/v1/competition-entries/", {"event": event.pk, "station": station_xiaohe.pk,
                                                               "title": "独居老人的社区支持", "authors": [worker.pk]},
                             format="json")
    assert entry.status_code == 201, entry.data
    stranger = api(center).post("/api/v1/competition-entries/", {
        "event": event.pk, "station": station_xiaohe.pk, "title": "另一篇", "authors": [_staff("baisi").pk]},
        format="json")
    assert stranger.status_code == 400 and "authors" in stranger.data
    url = f"/api/v1/competitions/{event.pk}/score/"
    assert api(xiaohe).post(url, {"submission": entry.data["id"], "judge": "李", "score": 90},
                            format="json").status_code == 403
    bad = api(center).post(url, {"submission": entry.data["id"], "judge": "李", "score": 120}, format="json")
    assert bad.status_code == 400 and "score" in bad.data
    assert api(center).post(url, {"submission": 999999, "judge": "李", "score": 90}, format="json").status_code == 404
    api(center).post(url, {"submission": entry.data["id"], "judge": "李", "score": 90}, format="json")
    ranked = api(center).post(url, {"submission": entry.data["id"], "judge": "王", "score": 80}, format="json")
    assert ranked.status_code == 200 and ranked.data[0]["score"] == "85.00"
    assert api(center).post(f"/api/v1/competitions/{event.pk}/rank/").status_code == 200
    assert api(baisi).get(f"/api/v1/competition-entries/{entry.data['id']}/").status_code == 404
    _pinned(api(center), "/api/v1/competition-entries/", lambda: Submission.objects.bulk_create(
        [Submission(event=event, station=station_xiaohe, title=f"案例{i}") for i in range(30)]), count_queries)


def test_tuition_claims_and_payouts_through_the_api(api, center, xiaohe, city, policy, records, count_queries):
    worker = _staff("xiaohe")
    body = {"policy": policy.pk, "staff": worker.pk, "course": "MSW", "paid_on": "2025-03-01",
            "amount_paid": "4000.00"}
    assert api(xiaohe).post("/api/v1/tuition-claims/", body, format="json").status_code == 403
    assert api(center).post("/api/v1/tuition-claims/", {**body, "paid_on": "2099-01-01"},
                            format="json").status_code == 400
    created = api(center).post("/api/v1/tuition-claims/", body, format="json")
    assert created.status_code == 201, created.data
    computed = api(center).post(f"/api/v1/incentive-policies/{policy.pk}/compute/",
                                {"start": "2025-03-01", "end": "2025-03-31"}, format="json")
    assert computed.status_code == 201, computed.data
    assert any(row["tuition_claim"] == created.data["id"] for row in computed.data)
    assert api(center).post(f"/api/v1/incentive-policies/{policy.pk}/compute/",
                            {"start": "2025-03-31", "end": "2025-03-01"}, format="json").status_code == 400
    payout = records["xiaohe"]["entitlement"]
    url = f"/api/v1/incentive-payouts/{payout.pk}/pay/"
    assert api(city).post(url, {"paid_on": "2025-02-10"}, format="json").status_code == 403  # reads, does not pay
    early = api(center).post(url, {"paid_on": "2020-01-01"}, format="json")
    assert early.status_code == 400 and "paid_on" in early.data
    done = api(center).post(url, {"paid_on": "2025-02-10"}, format="json")
    assert done.status_code == 200 and done.data["status"] == PayoutStatus.PAID
    assert api(center).post(url, {"paid_on": "2025-02-11"}, format="json").status_code == 400
    assert Entitlement.objects.get(pk=payout.pk).paid_on == datetime.date(2025, 2, 10)
    _pinned(api(center), "/api/v1/tuition-claims/", lambda: TuitionClaim.objects.bulk_create(
        [TuitionClaim(policy=policy, staff=worker, course=f"课{i}", paid_on=datetime.date(2025, 1, 1),
                      amount_paid=1) for i in range(30)]), count_queries)
    # the payout list already holds the month's computed rows: one page of 200 holds them all either way
    _pinned(api(center), "/api/v1/incentive-payouts/?page_size=200", lambda: Entitlement.objects.bulk_create(
        [Entitlement(policy=policy, staff=worker, kind="tuition", period=datetime.date(2024, 1, i % 28 + 1),
                     amount=1) for i in range(30)]), count_queries)


def test_rectifications_through_the_api(api, center, xiaohe_head, baisi, records):
    item = records["xiaohe"]["rectification"]
    url = f"/api/v1/rectifications/{item.pk}/"
    version = api(xiaohe_head).get(url).data["version"]
    assert api(baisi).get(url).status_code == 404  # another station's item
    assert api(baisi).patch(url, {"status": "done", "version": version}, format="json").status_code == 403
    done = api(xiaohe_head).patch(url, {"status": "done", "version": version}, format="json")
    assert done.status_code == 200, done.data  # the station head updates their station's items
    assert RectificationItem.objects.get(pk=item.pk).done_on is not None
    created = api(center).post("/api/v1/rectifications/", {
        "evaluation": records["xiaohe"]["evaluation"].pk, "description": "完善档案", "deadline": "2026-06-30"},
        format="json")
    assert created.status_code == 201, created.data
    stranger = api(center).post("/api/v1/rectifications/", {
        "evaluation": records["xiaohe"]["evaluation"].pk, "description": "跨站负责人", "deadline": "2026-06-30",
        "owner": Staff.objects.get(user__username="baisi").pk}, format="json")
    assert stranger.status_code == 400 and "owner" in stranger.data


def test_an_evaluation_scheme_with_items_and_ratings(api, center, xiaohe, county, five_scheme):
    assert api(xiaohe).post("/api/v1/evaluation-schemes/", {"county": county.pk, "name": "站点评估"},
                            format="json").status_code == 403
    created = api(center).post("/api/v1/evaluation-schemes/", {"county": county.pk, "name": "2026年站点评估"},
                               format="json")
    assert created.status_code == 201, created.data
    scheme = EvaluationScheme.objects.get(pk=created.data["id"])
    shared = api(center).patch(f"/api/v1/evaluation-schemes/{five_scheme.pk}/", {"name": "改名", "version": 0},
                               format="json")
    assert shared.status_code == 404  # the shared standard is read-only to a county's users (as its page)
    added = api(center).post(f"/api/v1/evaluation-schemes/{scheme.pk}/items/", {
        "category": "有场所", "title": "服务场所面积", "max_score": "10"}, format="json")
    assert added.status_code == 201, added.data
    bad = api(center).post(f"/api/v1/evaluation-schemes/{scheme.pk}/items/", {
        "category": "有场所", "title": "零分项", "max_score": "0"}, format="json")
    assert bad.status_code == 400 and "max_score" in bad.data
    item_url = f"/api/v1/evaluation-schemes/{scheme.pk}/items/{added.data['id']}/"
    assert api(center).patch(item_url, {"max_score": "20"}, format="json").status_code == 400  # version required
    changed = api(center).patch(item_url, {"max_score": "20", "version": added.data["version"]}, format="json")
    assert changed.status_code == 200 and EvaluationItem.objects.get(pk=added.data["id"]).max_score == Decimal("20")
    band = api(center).post(f"/api/v1/evaluation-schemes/{scheme.pk}/ratings/", {"min_score": "18", "label": "优秀"},
                            format="json")
    assert band.status_code == 201, band.data
    twice = api(center).post(f"/api/v1/evaluation-schemes/{scheme.pk}/ratings/", {"min_score": "18", "label": "好"},
                             format="json")
    assert twice.status_code == 400 and "min_score" in twice.data
    read = api(xiaohe).get(f"/api/v1/evaluation-schemes/{scheme.pk}/").data
    assert [i["title"] for i in read["items"]] == ["服务场所面积"] and read["bands"][0]["label"] == "优秀"
