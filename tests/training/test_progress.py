"""A worker sees their hours and the gap to their requirement; the center sees who is behind."""

import datetime
from decimal import Decimal

import pytest

from stations.models import Certificate, Staff
from training import services
from training.models import Entitlement, TuitionClaim, registration_period

pytestmark = pytest.mark.django_db


def test_registration_period_renews_every_three_years():
    assert registration_period(datetime.date(2021, 6, 20), datetime.date(2024, 6, 19)) == (
        datetime.date(2021, 6, 20), datetime.date(2024, 6, 19))
    assert registration_period(datetime.date(2021, 6, 20), datetime.date(2024, 6, 20)) == (
        datetime.date(2024, 6, 20), datetime.date(2027, 6, 19))


def _recent(days):
    return datetime.date.today() - datetime.timedelta(days=days)


def test_worker_sees_their_hours_and_gap(web, xiaohe, make_training):
    # xiaohe holds a 社会工作师 certificate of 2021-06-20: 90 hours per registration period
    make_training("本期培训一", held_on=_recent(30), hours="12", attendees=["xiaohe"])
    make_training("本期培训二", held_on=_recent(60), hours="8", attendees=["xiaohe"])
    make_training("上一期的培训", held_on=datetime.date(2022, 5, 1), hours="10", attendees=["xiaohe"])
    make_training("别人参加的培训", held_on=_recent(10), hours="6", attendees=["baisi"])
    page = web(xiaohe).get("/training/my/", follow=True)
    assert page.status_code == 200
    progress = page.context["progress"]
    assert progress.hours == Decimal("20.0")
    assert progress.required == Decimal("90")
    assert progress.gap == Decimal("70.0")
    assert progress.sessions == 2
    content = page.content.decode()
    assert "20.0" in content and "70.0" in content
    assert len(page.context["sessions"]) == 3


def test_center_sees_who_is_behind_across_the_county(web, center, make_training):
    baisi = Staff.objects.get(user__username="baisi")  # 助理社会工作师: 72 hours
    make_training("大量学时", held_on=_recent(20), hours="80", attendees=["baisi"])
    page = web(center).get("/training/progress/", {"behind": "1"})
    behind = {row.staff.user_id for row in page.context["rows"]}
    assert Staff.objects.get(user__username="xiaohe").user_id in behind
    assert baisi.user_id not in behind
    assert len({row.staff.station_id for row in page.context["rows"]}) > 5  # across the county
    everyone = web(center).get("/training/progress/").context["rows"]
    assert len(everyone) == Staff.objects.workers().active().count()
    assert everyone[0].is_behind  # those behind come first


def test_progress_exports(web, center):
    response = web(center).get("/training/progress/", {"export": "xlsx"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")


def test_entitlements_award_once_and_subsidy_monthly(policy):
    staff = Staff.objects.get(user__username="baisi")
    Certificate.objects.create(staff=staff, level="intermediate", number="HN2024X1", issued_on=datetime.date(2024, 3, 10))
    TuitionClaim.objects.create(policy=policy, staff=staff, course="社会工作本科", paid_on=datetime.date(2024, 5, 1),
                                amount_paid=Decimal("6200"))
    services.entitlements_compute(policy=policy, start=datetime.date(2024, 1, 1), end=datetime.date(2024, 6, 30))
    rows = Entitlement.objects.filter(staff=staff)
    awards = rows.filter(kind="award")
    # the 2021 assistant certificate predates the policy: only the 2024 intermediate one earns an award
    assert [(a.level, a.amount) for a in awards] == [("intermediate", Decimal("3000.00"))]
    subsidies = {e.period.month: e.amount for e in rows.filter(kind="subsidy")}
    assert subsidies == {1: 200, 2: 200, 3: 200, 4: 300, 5: 300, 6: 300}
    assert rows.get(kind="tuition").amount == Decimal("5000.00")  # capped
    again = services.entitlements_compute(policy=policy, start=datetime.date(2024, 1, 1), end=datetime.date(2024, 6, 30))
    assert again == []


def test_payout_list_exports(web, bureau, policy):
    services.entitlements_compute(policy=policy, start=datetime.date(2024, 1, 1), end=datetime.date(2024, 1, 31))
    response = web(bureau).get("/training/incentives/payouts/", {"export": "xlsx", "policy": policy.pk})
    assert response.status_code == 200
    from io import BytesIO

    from openpyxl import load_workbook

    sheet = load_workbook(BytesIO(response.content)).active
    assert sheet.max_row - 1 == Entitlement.objects.filter(policy=policy).count()


def test_policy_compute_page(web, center, policy):
    response = web(center).post(f"/training/incentives/{policy.pk}/compute/", {"start": "2024-01-01", "end": "2024-02-29"})
    assert response.status_code == 302
    assert Entitlement.objects.filter(policy=policy).exists()


def test_competition_ranking(county, station_xiaohe, station_baisi):
    from training.models import CompetitionEvent, JudgeScore, Submission

    event = CompetitionEvent.objects.create(county=county, name="案例大赛", held_on=datetime.date(2025, 12, 18))
    a = Submission.objects.create(event=event, station=station_xiaohe, title="甲")
    b = Submission.objects.create(event=event, station=station_baisi, title="乙")
    JudgeScore.objects.bulk_create([JudgeScore(submission=a, judge="一", score=80), JudgeScore(submission=a, judge="二", score=90),
                                    JudgeScore(submission=b, judge="一", score=95)])
    ranked = list(services.competition_rank(event=event))
    assert ranked == [b, a]
    assert ranked[1].score == Decimal("85.00")


def test_judges_score_on_the_competition_page(web, center, xiaohe, county, station_xiaohe, station_baisi):
    from training.models import CompetitionEvent, Submission

    event = CompetitionEvent.objects.create(county=county, name="案例大赛", held_on=datetime.date(2025, 12, 18))
    a = Submission.objects.create(event=event, station=station_xiaohe, title="甲")
    b = Submission.objects.create(event=event, station=station_baisi, title="乙")
    client = web(center)
    url = f"/training/competitions/{event.pk}/score/"
    for submission, judge, score in [(a, "一", "80"), (a, "二", "90"), (b, "一", "88")]:
        assert client.post(url, {"submission": submission.pk, "judge": judge, "score": score}).status_code == 302
    a.refresh_from_db()
    assert a.score == Decimal("85.00")
    page = client.post(url, {"submission": b.pk, "judge": "二", "score": "120"}, follow=True)
    assert "0 到 100" in page.content.decode()
    assert b.judge_scores.count() == 1
    assert web(xiaohe).post(url, {"submission": a.pk, "judge": "三", "score": "99"}).status_code == 403


def test_policy_compute_refuses_a_bad_period_and_writes_nothing(web, center, policy):
    url = f"/training/incentives/{policy.pk}/compute/"
    page = web(center).get(url)
    assert page.status_code == 200 and {"start", "end"} <= set(page.context["form"].fields)
    for data, message in [({"start": "", "end": "x"}, "Enter the period as two dates."),
                          ({"start": "2024-03-01", "end": "2024-02-01"}, "The end date cannot be before the start date.")]:
        response = web(center).post(url, data, HTTP_ACCEPT_LANGUAGE="en", follow=True)
        assert response.redirect_chain == [(policy.get_absolute_url(), 302)]
        assert [str(m) for m in response.context["messages"]] == [message]
    assert not Entitlement.objects.filter(policy=policy).exists()


def test_competition_actions_show_a_confirmation_page(web, center, county, station_xiaohe):
    from training.models import CompetitionEvent, Submission

    event = CompetitionEvent.objects.create(county=county, name="案例大赛", held_on=datetime.date(2025, 12, 18))
    Submission.objects.create(event=event, station=station_xiaohe, title="甲")
    for what in ("rank", "score"):
        page = web(center).get(f"/training/competitions/{event.pk}/{what}/")
        assert page.status_code == 200, what
    assert web(center).post(f"/training/competitions/{event.pk}/rank/").status_code == 302


def test_progress_is_written_a_page_at_a_time(web, center, count_queries, monkeypatch):
    """Who is behind first, 50 workers a page like every list (a city's 1,000 workers written at
    once took 170 ms, make bench's crawl), the count and the export over everyone; the queries
    do not grow with the pages."""
    from portal.views import ObjectListView

    monkeypatch.setattr(ObjectListView, "paginate_by", 5)
    client = web(center)
    first = client.get("/training/progress/")
    everyone = first.context["rows"]
    assert len(everyone) > 10
    assert len(first.context["table"].rows) == 5 and first.context["paginator"].count == len(everyone)
    assert [row.staff.pk for row in first.context["table"].rows] == [row.staff.pk for row in everyone[:5]]
    second = client.get("/training/progress/", {"page": 2})
    assert [row.staff.pk for row in second.context["table"].rows] == [row.staff.pk for row in everyone[5:10]]
    assert "page=2" in first.content.decode()
    assert client.get("/training/progress/", {"page": 999}).status_code == 404
    assert count_queries(lambda: client.get("/training/progress/", {"page": 2})) == count_queries(
        lambda: client.get("/training/progress/"))
    workbook = client.get("/training/progress/", {"export": "xlsx", "page": 2})
    assert workbook.status_code == 200  # the export is every worker, whatever the page


def test_hours_count_only_trainings_in_the_period_up_to_today(web, xiaohe, make_training):
    make_training("未来的培训", held_on=datetime.date.today() + datetime.timedelta(days=5), hours="9",
                  attendees=["xiaohe"])
    make_training("本期培训", held_on=_recent(3), hours="4", attendees=["xiaohe"])
    progress = services.workers_progress(user=xiaohe)
    mine = next(row for row in progress if row.staff.user_id == xiaohe.pk)
    assert (mine.hours, mine.sessions) == (Decimal("4"), 1)


def test_a_station_choice_on_the_progress_page_is_read_from_the_scope(web, center, station_xiaohe):
    """The chosen station is looked up among the stations the dropdown lists: a station of the
    scope narrows the rows, a word is not a station (the whole scope, as before), and a
    number that is no station of the scope answers 404."""
    client = web(center)
    everyone = client.get("/training/progress/")
    narrowed = client.get("/training/progress/", {"station": station_xiaohe.pk})
    assert narrowed.status_code == 200
    assert {r.staff.station_id for r in narrowed.context["rows"]} == {station_xiaohe.pk}
    assert len(narrowed.context["rows"]) < len(everyone.context["rows"])
    worded = client.get("/training/progress/", {"station": "abc"})
    assert worded.status_code == 200 and len(worded.context["rows"]) == len(everyone.context["rows"])
    assert client.get("/training/progress/", {"station": "99999999"}).status_code == 404
