"""Every list page and API list makes the same number of queries for 3 rows and for 30."""

import datetime
from decimal import Decimal

import pytest

from training import services
from training.models import CompetitionEvent, EvaluationScheme, IncentivePolicy, JudgeScore, Submission

pytestmark = pytest.mark.django_db


def _trainings(make_training, n):
    for i in range(n):
        make_training(f"培训{i}", held_on=datetime.date(2025, 1, 1) + datetime.timedelta(days=i),
                      attendees=["xiaohe", "baisi"])


def _supervisions(make_supervision, station, n):
    for i in range(n):
        make_supervision(station, supervised_on=datetime.date(2025, 1, 1) + datetime.timedelta(days=i))


def _evaluations(make_evaluation, make_rectification, station, n):
    for i in range(n):
        evaluation = make_evaluation(station, evaluated_on=datetime.date(2024, 1, 1) + datetime.timedelta(days=i))
        make_rectification(evaluation, f"整改{i}")


def _schemes(n):
    start = EvaluationScheme.objects.count()
    for i in range(start, start + n):
        scheme = EvaluationScheme.objects.create(name=f"方案{i}")
        scheme.items.create(category="A", title="项目", max_score=10)


def _policies(county, n):
    for i in range(n):
        policy = IncentivePolicy.objects.create(
            region=county, name=f"政策{i}", valid_from=datetime.date(2023, 1, 1), award_assistant=1,
            award_intermediate=1, award_senior=1, subsidy_assistant=1, subsidy_intermediate=1, subsidy_senior=1,
        )
        services.entitlements_compute(policy=policy, start=datetime.date(2024, 1, 1), end=datetime.date(2024, 1, 31))


def _competitions(county, stations, n):
    for i in range(n):
        event = CompetitionEvent.objects.create(county=county, name=f"大赛{i}", held_on=datetime.date(2024, 12, 1))
        for station in stations:
            submission = Submission.objects.create(event=event, station=station, title=f"案例{i}{station.pk}",
                                                   award="first" if i % 2 else "")
            JudgeScore.objects.create(submission=submission, judge="甲", score=Decimal("90"))


def _pinned(count_queries, client, url, grow, expect_rows):
    grow(3)
    first = client.get(url)
    assert first.status_code == 200
    small = count_queries(lambda: client.get(url))
    grow(27)
    large = count_queries(lambda: client.get(url))
    assert expect_rows(client.get(url)) >= 30
    assert small == large, f"{url}: {small} queries for 3 rows, {large} for 30"
    assert large <= 15


def page_rows(response):
    return response.context["paginator"].count


def api_rows(response):
    return response.json()["count"]


@pytest.mark.parametrize("url", ["/training/", "/api/v1/trainings/"])
def test_training_lists(web, api, center, count_queries, make_training, url):
    client = api(center) if url.startswith("/api") else web(center)
    _pinned(count_queries, client, url, lambda n: _trainings(make_training, n),
            api_rows if url.startswith("/api") else page_rows)


@pytest.mark.parametrize("url", ["/training/supervisions/", "/api/v1/supervisions/"])
def test_supervision_lists(web, api, center, count_queries, make_supervision, station_xiaohe, url):
    client = api(center) if url.startswith("/api") else web(center)
    _pinned(count_queries, client, url, lambda n: _supervisions(make_supervision, station_xiaohe, n),
            api_rows if url.startswith("/api") else page_rows)


@pytest.mark.parametrize("url", ["/training/evaluations/", "/api/v1/station-evaluations/",
                                 "/training/rectifications/"])
def test_evaluation_lists(web, api, center, count_queries, make_evaluation, make_rectification, station_xiaohe, url):
    client = api(center) if url.startswith("/api") else web(center)
    _pinned(count_queries, client, url,
            lambda n: _evaluations(make_evaluation, make_rectification, station_xiaohe, n),
            api_rows if url.startswith("/api") else page_rows)


def test_scheme_list(web, center, count_queries):
    _pinned(count_queries, web(center), "/training/schemes/", _schemes, page_rows)


def test_policy_and_payout_lists(web, center, count_queries, county):
    client = web(center)
    _pinned(count_queries, client, "/training/incentives/", lambda n: _policies(county, n), page_rows)
    small = count_queries(lambda: client.get("/training/incentives/payouts/"))
    _policies(county, 5)
    assert count_queries(lambda: client.get("/training/incentives/payouts/")) == small


def test_competition_list(web, center, count_queries, county, station_xiaohe, station_baisi):
    _pinned(count_queries, web(center), "/training/competitions/",
            lambda n: _competitions(county, [station_xiaohe, station_baisi], n), page_rows)


def test_progress_page_does_not_grow_with_trainings(web, center, count_queries, make_training):
    client = web(center)
    _trainings(make_training, 3)
    small = count_queries(lambda: client.get("/training/progress/"))
    _trainings(make_training, 27)
    assert count_queries(lambda: client.get("/training/progress/")) == small


def _entries(county, station, n):
    from stations.models import Staff

    event = CompetitionEvent.objects.get_or_create(county=county, name="大赛", held_on=datetime.date(2024, 12, 1))[0]
    authors = list(Staff.objects.filter(station=station))
    start = Submission.objects.count()
    for i in range(start, start + n):
        submission = services.submission_save(
            submission=Submission(event=event, station=station, title=f"案例{i}", award="first" if i % 2 else ""),
            authors=authors)
        JudgeScore.objects.create(submission=submission, judge="甲", score=Decimal("90"))


def test_submission_list(web, center, count_queries, county, station_xiaohe):
    _pinned(count_queries, web(center), "/training/competitions/entries/",
            lambda n: _entries(county, station_xiaohe, n), page_rows)


def test_scheme_list_with_county_schemes(web, center, count_queries, county):
    def grow(n):
        start = EvaluationScheme.objects.count()
        for i in range(start, start + n):
            EvaluationScheme.objects.create(county=county, name=f"县方案{i}").items.create(
                category="A", title="项目", max_score=10)

    _pinned(count_queries, web(center), "/training/schemes/", grow, page_rows)
