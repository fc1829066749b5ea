"""Bad input gets a clear message in the user's language (zh-hans by default) on the field,
and writes nothing: negative or zero hours, a score above an item's maximum, an evaluation
of a station outside the user's scope."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from stations.choices import RegionLevel
from stations.models import Region, Staff, Station
from training import services
from training.models import ItemScore, StationEvaluation, Supervision, Training

pytestmark = pytest.mark.django_db


@pytest.fixture
def other_county_station(db):
    """A station of 淇县, outside 浚县's scope."""
    qixian = Region.objects.get(code="410622")
    town = Region.objects.create(code="410622100", name="北阳镇", level=RegionLevel.TOWN, parent=qixian)
    station = Station(name="北阳镇社会工作服务站", short_name="北阳站", town=town, opened_on=datetime.date(2022, 1, 1))
    station.save()
    return station


def training_post(county, center_org, **changes):
    data = {"topic": "政策培训", "held_on": "2025-04-01", "hours": "6", "format": "in_person", "county": county.pk,
            "organiser": center_org.pk, "attendees": [Staff.objects.get(user__username="xiaohe").pk]}
    data.update(changes)
    return data


def evaluation_post(station, scheme, score="8", **changes):
    data = {"station": station.pk, "scheme": scheme.pk, "evaluated_on": "2025-12-05", "period_start": "2025-01-01",
            "period_end": "2025-11-30", "findings": "良好"}
    data.update({f"score_{item.pk}": score for item in scheme.items.all()})
    data.update(changes)
    return data


def test_training_with_attendance_taken_from_the_list(web, center, county, center_org):
    response = web(center).post("/training/add/", training_post(county, center_org))
    assert response.status_code == 302
    training = Training.objects.get(topic="政策培训")
    assert [s.user.username for s in training.attendees.all()] == ["xiaohe"]


@pytest.mark.parametrize("hours", ["-2", "0"])
def test_training_hours_must_be_positive(web, api, center, county, center_org, hours):
    page = web(center).post("/training/add/", training_post(county, center_org, hours=hours))
    assert page.status_code == 200
    assert "学时必须大于零。" in page.context["form"].errors["hours"]
    response = api(center).post("/api/v1/trainings/", training_post(county, center_org, hours=hours), format="json")
    assert response.status_code == 400
    assert "hours" in response.json()
    assert not Training.objects.exists()


def test_supervision_hours_must_be_positive(web, api, center, station_xiaohe, expert):
    data = {"station": station_xiaohe.pk, "supervised_on": "2025-04-02", "hours": "-1.5", "mode": "on_site",
            "supervisor_expert": expert.pk}
    page = web(center).post("/training/supervisions/add/", data)
    assert "学时必须大于零。" in page.context["form"].errors["hours"]
    assert api(center).post("/api/v1/supervisions/", data, format="json").status_code == 400
    assert not Supervision.objects.exists()


def test_supervision_needs_exactly_one_supervisor(web, center, station_xiaohe):
    data = {"station": station_xiaohe.pk, "supervised_on": "2025-04-02", "hours": "2", "mode": "online"}
    page = web(center).post("/training/supervisions/add/", data)
    assert page.status_code == 200
    assert page.context["form"].errors["supervisor_expert"]
    assert not Supervision.objects.exists()


def test_supervised_workers_must_work_at_the_station(web, center, station_xiaohe, expert):
    data = {"station": station_xiaohe.pk, "supervised_on": "2025-04-02", "hours": "2", "mode": "group",
            "supervisor_expert": expert.pk, "workers": [Staff.objects.get(user__username="baisi").pk]}
    page = web(center).post("/training/supervisions/add/", data)
    assert page.status_code == 200
    assert "梁海燕 不在该社工站工作。" in page.context["form"].errors["workers"]
    assert not Supervision.objects.exists()


def test_evaluation_computes_total_and_rating(web, center, station_xiaohe, five_scheme):
    response = web(center).post("/training/evaluations/add/", evaluation_post(station_xiaohe, five_scheme, "9"))
    assert response.status_code == 302
    evaluation = StationEvaluation.objects.get()
    assert evaluation.total == 90
    assert evaluation.rating == "优秀"
    assert evaluation.scores.count() == 10


def test_thousand_point_scheme_gives_stars(station_xiaohe, thousand_scheme):
    evaluation = StationEvaluation(station=station_xiaohe, scheme=thousand_scheme, evaluated_on=datetime.date(2025, 12, 1),
                                   period_start=datetime.date(2025, 1, 1), period_end=datetime.date(2025, 11, 30))
    scores = {item.pk: item.max_score * 85 / 100 for item in thousand_scheme.items.all()}
    services.evaluation_save(evaluation=evaluation, scores=scores)
    assert evaluation.total == 850
    assert "四星" in evaluation.rating


def test_score_above_item_maximum_is_refused(web, api, center, station_xiaohe, five_scheme):
    item = five_scheme.items.first()
    data = evaluation_post(station_xiaohe, five_scheme, **{f"score_{item.pk}": "12"})
    page = web(center).post("/training/evaluations/add/", data)
    assert page.status_code == 200
    [error] = page.context["form"].errors[f"score_{item.pk}"]
    assert error.startswith("“有牌子”的得分") and error.endswith("超过了该项满分 10.0。")
    payload = {key: data[key] for key in ("station", "scheme", "evaluated_on", "period_start", "period_end")}
    payload["scores"] = [{"item": i.pk, "score": "12" if i.pk == item.pk else "8"} for i in five_scheme.items.all()]
    response = api(center).post("/api/v1/station-evaluations/", payload, format="json")
    assert response.status_code == 400
    assert response.json()["scores"] == ["“有牌子”的得分（12.0）超过了该项满分 10.0。"]
    evaluation = StationEvaluation(station=station_xiaohe, scheme=five_scheme, evaluated_on=datetime.date(2025, 1, 1),
                                   period_start=datetime.date(2024, 1, 1), period_end=datetime.date(2024, 12, 31))
    with pytest.raises(ValidationError, match="超过了该项满分"):
        services.evaluation_save(evaluation=evaluation, scores={i.pk: 11 for i in five_scheme.items.all()})
    assert not StationEvaluation.objects.exists()
    assert not ItemScore.objects.exists()


def test_api_evaluation_is_written_through_the_service(api, center, station_xiaohe, five_scheme):
    payload = {"station": station_xiaohe.pk, "scheme": five_scheme.pk, "evaluated_on": "2025-12-05",
               "period_start": "2025-01-01", "period_end": "2025-11-30",
               "scores": [{"item": i.pk, "score": "7"} for i in five_scheme.items.all()]}
    response = api(center).post("/api/v1/station-evaluations/", payload, format="json")
    assert response.status_code == 201, response.json()
    assert response.json()["total"] == "70.0"
    assert response.json()["rating"] == "合格"


def test_evaluation_of_a_station_out_of_scope_is_refused(web, api, center, other_county_station, five_scheme):
    page = web(center).post("/training/evaluations/add/", evaluation_post(other_county_station, five_scheme))
    assert page.status_code == 200
    assert page.context["form"].errors["station"]
    payload = {"station": other_county_station.pk, "scheme": five_scheme.pk, "evaluated_on": "2025-12-05",
               "period_start": "2025-01-01", "period_end": "2025-11-30",
               "scores": [{"item": i.pk, "score": "7"} for i in five_scheme.items.all()]}
    response = api(center).post("/api/v1/station-evaluations/", payload, format="json")
    assert response.status_code == 400
    assert "station" in response.json()
    evaluation = StationEvaluation(station=other_county_station, scheme=five_scheme, evaluated_on=datetime.date(2025, 1, 1),
                                   period_start=datetime.date(2024, 1, 1), period_end=datetime.date(2024, 12, 31))
    with pytest.raises(ValidationError, match="不在您的管辖范围内"):
        services.evaluation_save(evaluation=evaluation, scores={i.pk: 5 for i in five_scheme.items.all()}, user=center)
    assert not StationEvaluation.objects.exists()


def test_period_end_before_start_is_refused(web, center, station_xiaohe, five_scheme):
    page = web(center).post("/training/evaluations/add/",
                            evaluation_post(station_xiaohe, five_scheme, period_end="2024-01-01"))
    assert page.context["form"].errors["period_end"]
    assert not StationEvaluation.objects.exists()


def test_rectification_done_gets_a_date_and_overdue_is_flagged(make_evaluation, make_rectification, station_xiaohe):
    evaluation = make_evaluation(station_xiaohe)
    late = make_rectification(evaluation, "逾期事项", deadline=datetime.date(2020, 1, 1), status="in_progress")
    done = make_rectification(evaluation, "已完成事项", deadline=datetime.date(2020, 1, 1), status="done")
    assert late.is_overdue and not done.is_overdue
    assert done.done_on is not None
    assert list(type(late).objects.overdue()) == [late]


def test_rectification_owner_must_work_at_the_station(make_evaluation, station_xiaohe):
    from training.models import RectificationItem

    evaluation = make_evaluation(station_xiaohe)
    with pytest.raises(ValidationError):
        services.rectification_save(item=RectificationItem(
            evaluation=evaluation, description="x", deadline=datetime.date(2026, 1, 1),
            owner=Staff.objects.get(user__username="baisi"),
        ))
    assert not RectificationItem.objects.exists()
