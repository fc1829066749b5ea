"""What lived only in /admin/ now has portal pages for the roles that do it (issue #14 item 2):
certificates, outside experts, competition events, tuition claims and marking a payout paid.
Each: list (core Table, filters, export), detail, create/edit through the service, scoped, with
the field's message and nothing written on bad input."""

import datetime
import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from stations.models import Certificate, Staff
from training import services
from training.choices import PayoutStatus
from training.models import CompetitionEvent, Entitlement, Expert, TuitionClaim

pytestmark = pytest.mark.django_db


def _staff(username):
    return Staff.objects.get(user__username=username)


def test_the_menu_offers_the_new_pages_to_the_center(web, center):
    page = web(center).get("/training/").content.decode()
    for url in ("/certificates/", "/training/experts/", "/training/incentives/tuition-claims/"):
        assert f'href="{url}"' in page


def test_certificates_pages(web, center, baisi, xiaohe, count_queries):
    worker = _staff("xiaohe")
    before = Certificate.objects.count()
    form = {"staff": worker.pk, "level": "assistant", "number": "ZG2099-001", "issued_on": "2024-05-01"}
    assert web(xiaohe).post("/certificates/add/", form).status_code == 403  # a worker does not record them
    response = web(center).post("/certificates/add/", form)
    assert response.status_code == 302, response.content.decode()[:2000]
    certificate = Certificate.objects.get(number="ZG2099-001")
    assert certificate.history.get().history_user == center
    duplicate = web(center).post("/certificates/add/", {**form, "issued_on": "2024-06-01"})
    assert duplicate.status_code == 200 and Certificate.objects.count() == before + 1
    future = web(center).post("/certificates/add/", {**form, "number": "ZG2099-002", "issued_on": "2099-01-01"})
    assert "不能" in future.content.decode() and not Certificate.objects.filter(number="ZG2099-002").exists()
    assert web(center).get(f"/certificates/{certificate.pk}/").status_code == 200
    assert web(baisi).get(f"/certificates/{certificate.pk}/").status_code == 404  # another station's worker
    assert "ZG2099-001" not in web(baisi).get("/certificates/", {"q": "ZG2099"}).content.decode()
    export = web(center).get("/certificates/", {"q": "ZG2099", "export": "xlsx"})
    rows = list(load_workbook(io.BytesIO(export.content)).active.iter_rows(values_only=True))
    assert any("ZG2099-001" in row for row in rows[1:])
    client = web(center)
    client.get("/certificates/")
    few = count_queries(lambda: client.get("/certificates/"))
    Certificate.objects.bulk_create([Certificate(staff=worker, level="assistant", number=f"ZG2098-{i:03}",
                                                 issued_on=datetime.date(2024, 1, 1)) for i in range(30)])
    many = count_queries(lambda: client.get("/certificates/"))
    assert few == many


def test_experts_pages(web, center, xiaohe, county, count_queries):
    form = {"county": county.pk, "name": "王明", "kind": "provincial", "affiliation": "河南省社会工作协会"}
    assert web(xiaohe).post("/training/experts/add/", form).status_code == 403
    assert web(center).post("/training/experts/add/", form).status_code == 302
    expert = Expert.objects.get(name="王明")
    missing = web(center).post("/training/experts/add/", {**form, "name": ""})
    assert missing.status_code == 200 and Expert.objects.filter(affiliation="河南省社会工作协会").count() == 1
    page = web(center).get(f"/training/experts/{expert.pk}/edit/")
    assert page.status_code == 200 and "loaded_state" in page.content.decode()  # the one lock
    assert web(xiaohe).get(f"/training/experts/{expert.pk}/").status_code == 200  # the county's stations read it
    client = web(center)
    client.get("/training/experts/")
    few = count_queries(lambda: client.get("/training/experts/"))
    Expert.objects.bulk_create([Expert(county=county, name=f"专家{i}", kind="city") for i in range(30)])
    many = count_queries(lambda: client.get("/training/experts/"))
    assert few == many
    export = client.get("/training/experts/", {"export": "xlsx"})
    assert export.status_code == 200


def test_competition_events_are_added_and_edited_on_the_portal(web, center, xiaohe, county):
    form = {"county": county.pk, "name": "2025年优秀案例大赛", "held_on": "2025-10-20", "judges": "李、王、张"}
    assert web(xiaohe).post("/training/competitions/add/", form).status_code == 403
    assert web(center).post("/training/competitions/add/", form).status_code == 302
    event = CompetitionEvent.objects.get(name="2025年优秀案例大赛")
    count = CompetitionEvent.objects.count()
    bad = web(center).post("/training/competitions/add/", {**form, "name": "另一场", "held_on": "去年"})
    assert bad.status_code == 200 and "held_on" in bad.context["form"].errors
    assert CompetitionEvent.objects.count() == count
    assert "/training/competitions/add/" in web(center).get("/training/competitions/").content.decode()
    assert f"/training/competitions/{event.pk}/edit/" in web(center).get(event.get_absolute_url()).content.decode()


def test_tuition_claims_pages(web, center, xiaohe, policy, count_queries):
    worker = _staff("xiaohe")
    form = {"policy": policy.pk, "staff": worker.pk, "course": "社会工作专业自考", "paid_on": "2025-03-01",
            "amount_paid": "3200.00"}
    assert web(xiaohe).get("/training/incentives/tuition-claims/").status_code == 403  # money: county staff
    assert web(center).post("/training/incentives/tuition-claims/add/", form).status_code == 302
    claim = TuitionClaim.objects.get(course="社会工作专业自考")
    negative = web(center).post("/training/incentives/tuition-claims/add/", {**form, "amount_paid": "-1"})
    assert negative.status_code == 200 and TuitionClaim.objects.count() == 1
    services.entitlements_compute(policy=policy, start=datetime.date(2025, 3, 1), end=datetime.date(2025, 3, 31))
    assert Entitlement.objects.get(tuition_claim=claim).amount == Decimal("3200.00")
    page = web(center).get(claim.get_absolute_url()).content.decode()
    assert "3200" in page
    locked = web(center).post(f"/training/incentives/tuition-claims/{claim.pk}/edit/", {**form, "amount_paid": "1"})
    assert locked.status_code == 200  # computed: the claim can no longer change
    assert TuitionClaim.objects.get(pk=claim.pk).amount_paid == Decimal("3200.00")
    client = web(center)
    client.get("/training/incentives/tuition-claims/")
    few = count_queries(lambda: client.get("/training/incentives/tuition-claims/"))
    TuitionClaim.objects.bulk_create([TuitionClaim(policy=policy, staff=worker, course=f"课程{i}",
                                                   paid_on=datetime.date(2025, 1, 1), amount_paid=100)
                                      for i in range(30)])
    many = count_queries(lambda: client.get("/training/incentives/tuition-claims/"))
    assert few == many


def test_marking_a_payout_paid(web, center, xiaohe, records):
    payout = records["xiaohe"]["entitlement"]
    url = f"/training/incentives/payouts/{payout.pk}/pay/"
    listed = web(center).get("/training/incentives/payouts/").content.decode()
    assert url in listed  # the button on the payout list
    assert web(xiaohe).post(url, {"paid_on": "2025-02-10"}).status_code == 403
    early = web(center).post(url, {"paid_on": "2020-01-01"})
    assert Entitlement.objects.get(pk=payout.pk).status == PayoutStatus.DUE
    assert early.status_code in (200, 302)
    assert web(center).post(url, {"paid_on": "2025-02-10"}).status_code == 302
    payout.refresh_from_db()
    assert payout.status == PayoutStatus.PAID and payout.paid_on == datetime.date(2025, 2, 10)
    assert payout.history.first().history_user == center
    web(center).post(url, {"paid_on": "2025-02-11"})
    payout.refresh_from_db()
    assert payout.paid_on == datetime.date(2025, 2, 10)  # paid once
