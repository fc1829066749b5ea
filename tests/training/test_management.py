"""Competition entries, evaluation schemes and incentive policies are managed in the portal:
the guidance center and the bureau administrator add and change them; bureau staff, the city
and auditors read; a county's records stay in the county; bad input changes nothing."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from stations.choices import RegionLevel
from stations.models import Region, Staff, Station
from training.models import (
    CompetitionEvent,
    EvaluationItem,
    EvaluationScheme,
    IncentivePolicy,
    ItemScore,
    RatingBand,
    Submission,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def qixian(db):
    return Region.objects.get(code="410622")


@pytest.fixture
def event(county):
    return CompetitionEvent.objects.create(county=county, name="2025年度案例大赛", held_on=datetime.date(2025, 12, 18))


def policy_post(county, **changes):
    data = {"region": county.pk, "name": "浚县社工激励办法（2026）", "document": "浚民〔2026〕1号",
            "valid_from": "2026-01-01", "valid_to": "", "award_assistant": "2000", "award_intermediate": "3000",
            "award_senior": "6000", "subsidy_assistant": "200", "subsidy_intermediate": "300",
            "subsidy_senior": "500", "tuition_rate": "50", "tuition_cap": "3000", "notes": ""}
    data.update(changes)
    return data


def entry_post(event, station, **changes):
    data = {"event": event.pk, "station": station.pk, "title": "困境儿童“护童微座谈”个案",
            "authors": [Staff.objects.get(user__username="xiaohe").pk], "summary": "案例正文", "award": ""}
    data.update(changes)
    return data


# --- evaluation schemes ---------------------------------------------------------------------

def test_the_center_builds_a_scheme_item_by_item(web, center, county):
    client = web(center)
    response = client.post("/training/schemes/add/", {"county": county.pk, "name": "浚县社工站年度考核",
                                                      "description": "", "is_active": "on"})
    scheme = EvaluationScheme.objects.get(name="浚县社工站年度考核")
    assert response.status_code == 302 and response["Location"] == scheme.get_absolute_url()
    assert scheme.county == county
    assert client.post(f"/training/schemes/{scheme.pk}/items/add/", {
        "category": "服务开展", "title": "走访覆盖率", "criteria": "", "max_score": "20", "evidence": "visits", "order": "1",
    }).status_code == 302
    assert client.post(f"/training/schemes/{scheme.pk}/ratings/add/", {"min_score": "18", "label": "优秀"}).status_code == 302
    item, band = EvaluationItem.objects.get(scheme=scheme), RatingBand.objects.get(scheme=scheme)
    page = client.get(scheme.get_absolute_url())
    assert page.status_code == 200 and page.context["can_change"]
    assert f"/training/scheme-items/{item.pk}/edit/" in page.content.decode()
    assert f"/training/scheme-ratings/{band.pk}/edit/" in page.content.decode()
    assert "历史记录" in page.content.decode() or "history" in page.content.decode().lower()
    # the scheme is offered when evaluating a station
    assert scheme in web(center).get("/training/evaluations/add/").context["form"].fields["scheme"].queryset


def test_a_scheme_name_taken_in_the_county_is_refused(web, center, county):
    EvaluationScheme.objects.create(county=county, name="年度考核")
    page = web(center).post("/training/schemes/add/", {"county": county.pk, "name": "年度考核", "is_active": "on"})
    assert page.status_code == 200
    assert "本县已有同名的评估方案。" in str(page.context["form"].errors)
    assert EvaluationScheme.objects.filter(name="年度考核").count() == 1


def test_an_item_maximum_below_a_recorded_score_is_refused(web, center, county, make_evaluation, station_xiaohe,
                                                           five_scheme):
    scheme = EvaluationScheme.objects.create(county=county, name="复制的五有五化")
    make_evaluation(station_xiaohe, score="8")  # on the shared 五有五化 standard
    item = five_scheme.items.first()
    # the shared standard is not the county's to change
    assert web(center).get(f"/training/scheme-items/{item.pk}/edit/").status_code == 404
    assert web(center).get(f"/training/schemes/{five_scheme.pk}/edit/").status_code == 404
    assert not web(center).get(five_scheme.get_absolute_url()).context["can_change"]
    # its own scheme's item, once scored, keeps a maximum at least the score
    own = scheme.items.create(category="五有", title="有牌子", max_score=10)
    evaluation = make_evaluation(station_xiaohe, evaluated_on=datetime.date(2025, 6, 1))
    ItemScore.objects.create(evaluation=evaluation, item=own, score=8)
    page = web(center).post(f"/training/scheme-items/{own.pk}/edit/", {
        "category": "五有", "title": "有牌子", "criteria": "", "max_score": "5", "evidence": "", "order": "0"})
    assert page.status_code == 200
    assert "最高分不能低于" in str(page.context["form"].errors["max_score"])
    own.refresh_from_db()
    assert own.max_score == 10


def test_schemes_stay_in_their_county(web, center, xiaohe, qixian, county):
    theirs = EvaluationScheme.objects.create(county=qixian, name="淇县考核方案")
    ours = EvaluationScheme.objects.create(county=county, name="浚县考核方案")
    listed = set(web(center).get("/training/schemes/").context["object_list"])
    assert ours in listed and theirs not in listed
    assert EvaluationScheme.objects.filter(county__isnull=True).first() in listed  # shared standards
    assert web(center).get(theirs.get_absolute_url()).status_code == 404
    assert web(center).get(f"/training/schemes/{theirs.pk}/edit/").status_code == 404
    assert ours in set(web(xiaohe).get("/training/schemes/").context["object_list"])  # a station reads its county's
    assert web(xiaohe).get(f"/training/schemes/{ours.pk}/edit/").status_code == 403


def test_the_county_dropdown_offers_only_the_users_county(web, center, county):
    form = web(center).get("/training/schemes/add/").context["form"]
    assert list(form.fields["county"].queryset) == [county]


# --- incentive policies ---------------------------------------------------------------------

def test_the_bureau_admin_adds_and_edits_a_policy(web, bureau_admin, county):
    client = web(bureau_admin)
    assert client.post("/training/incentives/add/", policy_post(county)).status_code == 302
    policy = IncentivePolicy.objects.get(name="浚县社工激励办法（2026）")
    page = client.get(policy.get_absolute_url())
    assert page.context["can_change"]
    assert client.post(f"/training/incentives/{policy.pk}/edit/",
                       policy_post(county, award_senior="8000")).status_code == 302
    policy.refresh_from_db()
    assert policy.award_senior == 8000
    assert policy.history.count() == 2


@pytest.mark.parametrize(("changes", "field", "message"), [
    ({"valid_to": "2025-06-30"}, "valid_to", "结束日期不能早于开始日期。"),
    ({"award_senior": "-6000"}, "award_senior", "不能为负数。"),
    ({"tuition_rate": "150"}, "tuition_rate", "比例不能超过100%。"),
])
def test_a_bad_policy_is_refused_with_a_clear_message(web, center, county, changes, field, message):
    page = web(center).post("/training/incentives/add/", policy_post(county, **changes))
    assert page.status_code == 200
    assert message in page.context["form"].errors[field], page.context["form"].errors
    assert not IncentivePolicy.objects.filter(name="浚县社工激励办法（2026）").exists()


def test_bureau_staff_read_policies_but_do_not_write_them(web, bureau, policy, county):
    assert web(bureau).get("/training/incentives/").status_code == 200
    assert not web(bureau).get(policy.get_absolute_url()).context["can_change"]
    assert web(bureau).get("/training/incentives/add/").status_code == 403
    assert web(bureau).post(f"/training/incentives/{policy.pk}/edit/", policy_post(county)).status_code == 403


def test_a_county_does_not_edit_the_citys_policy(web, center, county):
    city = county.parent
    assert city.level == RegionLevel.CITY
    citys = IncentivePolicy.objects.create(
        region=city, name="鹤壁市社工激励办法", valid_from=datetime.date(2024, 1, 1), award_assistant=1,
        award_intermediate=1, award_senior=1, subsidy_assistant=1, subsidy_intermediate=1, subsidy_senior=1)
    assert web(center).get(citys.get_absolute_url()).status_code == 200  # it applies in the county
    assert not web(center).get(citys.get_absolute_url()).context["can_change"]
    assert web(center).get(f"/training/incentives/{citys.pk}/edit/").status_code == 404
    assert list(web(center).get("/training/incentives/add/").context["form"].fields["region"].queryset) == [county]


def test_policy_list_filters_and_exports(web, center, policy):
    page = web(center).get("/training/incentives/", {"q": "浚县"})
    assert policy in page.context["object_list"]
    assert web(center).get("/training/incentives/", {"valid_on": "2022-01-01"}).context["paginator"].count == 0
    exported = web(center).get("/training/incentives/", {"export": "xlsx"})
    assert exported["Content-Type"].startswith("application/vnd.openxmlformats")


# --- competition entries ----------------------------------------------------------------------

def test_an_entry_is_added_from_its_competition(web, center, event, station_xiaohe):
    client = web(center)
    page = client.get(event.get_absolute_url())
    assert f"/training/competitions/entries/add/?event={event.pk}" in page.content.decode()
    form = client.get(f"/training/competitions/entries/add/?event={event.pk}").context["form"]
    assert form["event"].value() == event.pk
    response = client.post("/training/competitions/entries/add/", entry_post(event, station_xiaohe))
    entry = Submission.objects.get(event=event)
    assert response.status_code == 302 and response["Location"] == entry.get_absolute_url()
    assert [a.user.username for a in entry.authors.all()] == ["xiaohe"]
    detail = client.get(entry.get_absolute_url())
    # the judges score on the competition page: the entry links there with itself chosen
    assert f"/training/competitions/{event.pk}/?entry={entry.pk}#score" in detail.content.decode()
    scoring = client.get(f"/training/competitions/{event.pk}/?entry={entry.pk}").content.decode()
    assert f'<option value="{entry.pk}" selected>' in scoring
    client.post(f"/training/competitions/{event.pk}/score/", {"submission": entry.pk, "judge": "李卫东", "score": "91"})
    entry.refresh_from_db()
    assert entry.score == 91
    assert client.get(entry.get_absolute_url()).context["rank"] == 1


def test_an_author_of_another_station_is_refused(web, center, event, station_baisi):
    page = web(center).post("/training/competitions/entries/add/", entry_post(event, station_baisi))
    assert page.status_code == 200
    assert page.context["form"].errors["authors"]  # 小河站's worker is not offered for 白寺站
    assert not Submission.objects.exists()


def test_a_case_of_another_station_is_refused(web, center, event, station_xiaohe, station_baisi):
    from services.models import Case
    from training import services

    case = Case.objects.create(station=station_baisi, title="白寺站留守儿童个案",
                               manager=Staff.objects.get(user__username="baisi"))
    page = web(center).post("/training/competitions/entries/add/", entry_post(event, station_xiaohe, case=case.pk))
    assert page.status_code == 200
    assert page.context["form"].errors["case"]  # only 小河站's cases are offered
    with pytest.raises(ValidationError) as error:  # and the service says why
        services.submission_save(submission=Submission(event=event, station=station_xiaohe, case=case, title="案例"))
    assert "不是小河" in str(error.value.message_dict["case"])
    assert not Submission.objects.exists()


def test_a_station_of_another_county_is_refused(web, center, event, qixian):
    town = Region.objects.create(code="410622100", name="北阳镇", level=RegionLevel.TOWN, parent=qixian)
    other = Station.objects.create(name="北阳镇社会工作服务站", short_name="北阳站", town=town,
                                   opened_on=datetime.date(2022, 1, 1))
    from training import services

    with pytest.raises(ValidationError) as error:
        services.submission_save(submission=Submission(event=event, station=other, title="跨县案例"))
    assert "station" in error.value.message_dict
    assert not Submission.objects.exists()


def test_a_duplicate_title_is_refused(web, center, event, station_xiaohe):
    Submission.objects.create(event=event, station=station_xiaohe, title="困境儿童“护童微座谈”个案")
    page = web(center).post("/training/competitions/entries/add/", entry_post(event, station_xiaohe))
    assert page.status_code == 200
    assert page.context["form"].errors
    assert Submission.objects.count() == 1


def test_a_worker_reads_entries_but_does_not_add_them(web, xiaohe, event, station_xiaohe, station_baisi):
    mine = Submission.objects.create(event=event, station=station_xiaohe, title="小河站案例")
    theirs = Submission.objects.create(event=event, station=station_baisi, title="白寺站案例")
    listed = list(web(xiaohe).get("/training/competitions/entries/").context["object_list"])
    assert listed == [mine]
    assert web(xiaohe).get(theirs.get_absolute_url()).status_code == 404
    assert web(xiaohe).get(mine.get_absolute_url()).status_code == 200
    assert web(xiaohe).get("/training/competitions/entries/add/").status_code == 403
    assert "/training/competitions/entries/add/" not in web(xiaohe).get(event.get_absolute_url()).content.decode()


def test_the_training_menu_links_the_new_pages(web, center):
    html = web(center).get("/training/").content.decode()
    for url in ("/training/schemes/", "/training/incentives/", "/training/competitions/entries/"):
        assert f'href="{url}"' in html
