"""公益创投: a call (draft → open → closed → awarded), applications, reviews by several reviewers
(one each, the average shown), an award drawn on the call's funding source under the contracts'
rule (over-allocating it is refused on the web and the API, nothing written), milestones,
payments, the final report and the evaluation that closes the project; scoped to the county."""

import datetime
import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from funding import services
from funding.choices import ShareRule, SourceType
from funding.models import (
    ContractFunding,
    FundingSource,
    VentureApplication,
    VentureCall,
    VentureProject,
    VentureReview,
)
from stations.models import Organisation, Region
from tests.partners.conftest import make_partner
from training.models import Expert

from .conftest import make_contract

pytestmark = pytest.mark.django_db
YEAR = 2025
OPENS, CLOSES = datetime.date(YEAR, 3, 1), datetime.date(YEAR, 4, 15)


@pytest.fixture
def venture_source(county):
    """The city's 公益创投 money: 2,000,000 yuan a year (Yinchuan's figure)."""
    return services.funding_source_save(source=FundingSource(
        region=county.parent, year=YEAR, source_type=SourceType.VENTURE_PHILANTHROPY, name=f"{YEAR}年公益创投资金",
        base_amount=Decimal("2000000"), share_rule=ShareRule.FIXED, share_fixed_amount=Decimal("2000000")))


def make_call(county, source, status_to=(), budget="400000", title="公益创投大赛"):
    call = services.venture_call_save(call=VentureCall(
        county=county, source=source, title=title, year=YEAR, budget=Decimal(budget), opens_on=OPENS,
        closes_on=CLOSES, themes="为老服务\n儿童关爱"))
    for action in status_to:
        services.venture_call_transition(call=call, action=action)
    return call


def apply(call, organisation, title="助老项目", amount="150000"):
    return services.venture_application_save(application=VentureApplication(
        call=call, organisation=organisation, project_title=title, theme="为老服务",
        amount_requested=Decimal(amount), submitted_on=OPENS + datetime.timedelta(days=5)))


@pytest.fixture
def call(county, venture_source):
    return make_call(county, venture_source, ["open"])


@pytest.fixture
def closed_call(call, qicai):
    apply(call, qicai)
    services.venture_call_transition(call=call, action="close")
    return call


@pytest.fixture
def application(closed_call):
    return closed_call.applications.get()


# --- the flow through the API ------------------------------------------------------------------

def test_a_call_end_to_end_through_the_api(api, web, bureau, center, county, venture_source, qicai):
    created = api(bureau).post("/api/v1/venture-calls/", {
        "county": county.pk, "source": venture_source.pk, "title": "2025年公益创投", "year": YEAR,
        "budget": "300000", "opens_on": "2025-03-01", "closes_on": "2025-04-15", "themes": "为老服务"}, format="json")
    assert created.status_code == 201, created.data
    pk = created.data["id"]
    assert api(bureau).post(f"/api/v1/venture-calls/{pk}/open/").data["status"] == "open"
    applied = api(bureau).post("/api/v1/venture-applications/", {
        "call": pk, "organisation": qicai.pk, "project_title": "夕阳红", "theme": "为老服务",
        "amount_requested": "100000", "submitted_on": "2025-03-10"}, format="json")
    assert applied.status_code == 201, applied.data
    app_pk = applied.data["id"]
    assert api(bureau).post(f"/api/v1/venture-calls/{pk}/close/").data["status"] == "closed"
    for user, score in ((bureau, "90"), (center, "80")):
        review = api(user).post(f"/api/v1/venture-applications/{app_pk}/reviews/",
                                {"score": score, "reviewed_on": "2025-04-20", "comment": "可行"}, format="json")
        assert review.status_code == 201, review.data
    assert Decimal(review.data["average_score"]) == Decimal("85")
    twice = api(center).post(f"/api/v1/venture-applications/{app_pk}/reviews/",
                             {"score": "70", "reviewed_on": "2025-04-21"}, format="json")
    assert twice.status_code == 400 and VentureReview.objects.count() == 2
    award = api(bureau).post(f"/api/v1/venture-applications/{app_pk}/award/",
                             {"amount": "90000", "awarded_on": "2025-05-10"}, format="json")
    assert award.status_code == 201, award.data
    project = award.data["id"]
    assert api(bureau).post(f"/api/v1/venture-calls/{pk}/announce/").data["status"] == "awarded"
    url = f"/api/v1/venture-projects/{project}/"
    step = api(bureau).post(url + "milestones/", {"title": "需求评估", "due_on": "2025-06-30"}, format="json")
    assert step.status_code == 200, step.data
    milestone = step.data["milestones"][0]["id"]
    done = api(bureau).post(url + "milestone-done/", {"milestone": milestone, "done_on": "2025-06-20",
                                                       "evidence": "评估报告"}, format="json")
    assert done.data["milestones"][0]["done_on"] == "2025-06-20"
    paid = api(bureau).post(url + "payments/", {"amount": "45000", "due_on": "2025-06-01"}, format="json")
    payment = paid.data["payments"][0]["id"]
    assert api(bureau).post(url + "pay/", {"payment": payment, "paid_on": "2025-06-02"},
                            format="json").data["payments"][0]["status"] == "paid"
    reported = api(bureau).post(url + "report/", {"final_report": "完成服务", "reported_on": "2025-12-20"},
                                format="json")
    assert reported.data["status"] == "reported"
    closed = api(bureau).post(url + "evaluate/", {"score": "88", "conclusion": "良好", "evaluated_on": "2025-12-28"},
                              format="json")
    assert closed.status_code == 200 and closed.data["status"] == "closed"
    source = FundingSource.objects.with_execution().get(pk=venture_source.pk)
    assert (source.contracted_amount, source.paid_amount) == (Decimal("90000.00"), Decimal("45000.00"))
    budget = web(bureau).get("/funding/budget/", {"year": YEAR})
    assert [(p.pk, p.paid_amount) for p in budget.context["projects"]] == [(project, Decimal("45000.00"))]
    workbook = load_workbook(io.BytesIO(web(bureau).get("/funding/budget/", {"year": YEAR, "export": "xlsx"}).content))
    assert [row[1] for row in workbook.worksheets[3].iter_rows(min_row=2, values_only=True)] == ["夕阳红"]


# --- the one rule of drawing on a source -----------------------------------------------------

def test_an_award_over_the_source_is_refused_web_and_api(web, api, bureau, county, qicai, qianshou):
    small = services.funding_source_save(source=FundingSource(
        region=county, year=YEAR, source_type=SourceType.VENTURE_PHILANTHROPY, name="小额公益创投资金",
        base_amount=Decimal("100000"), share_rule=ShareRule.FIXED, share_fixed_amount=Decimal("100000")))
    contract = make_contract(county, qianshou, "XXGM-2025-09", [], amount="70000", year=YEAR)
    services.contract_allocate(contract=contract, source=small, amount=Decimal("70000"))  # 30,000 left
    call = make_call(county, small, ["open"], budget="100000")
    application = apply(call, qicai, amount="50000")
    services.venture_call_transition(call=call, action="close")
    page = web(bureau).post(f"/funding/venture-applications/{application.pk}/award/",
                            {"amount": "40000", "awarded_on": "2025-05-10"})
    assert page.status_code == 200
    assert "30,000.00" in str(page.context["form"].errors)
    answer = api(bureau).post(f"/api/v1/venture-applications/{application.pk}/award/",
                              {"amount": "40000", "awarded_on": "2025-05-10"}, format="json")
    assert answer.status_code == 400 and "30,000.00" in str(answer.data["amount"])
    assert not VentureProject.objects.exists()
    assert VentureApplication.objects.get(pk=application.pk).status == "submitted"
    # and the other way round: an award taken, a contract may not overdraw the source either
    assert services.venture_award(application=application, amount=Decimal("30000"), awarded_on=OPENS)
    other = make_contract(county, qianshou, "XXGM-2025-10", [], amount="10000", year=YEAR)
    refused = api(bureau).post(f"/api/v1/contracts/{other.pk}/allocate/", {"source": small.pk, "amount": "1"},
                               format="json")
    assert refused.status_code == 400 and not ContractFunding.objects.filter(contract=other).exists()


def test_an_award_is_at_most_what_was_requested_and_within_the_budget(application, county, venture_source, qicai):
    with pytest.raises(Exception) as refused:
        services.venture_award(application=application, amount=Decimal("150000.01"), awarded_on=OPENS)
    assert "requested" in str(refused.value)
    call = make_call(county, venture_source, ["open"], budget="100000", title="另一期")
    first, second = apply(call, qicai, "甲", "80000"), apply(call, qicai, "乙", "80000")
    services.venture_call_transition(call=call, action="close")
    services.venture_award(application=first, amount=Decimal("80000"), awarded_on=OPENS)
    with pytest.raises(Exception) as refused:
        services.venture_award(application=second, amount=Decimal("30000"), awarded_on=OPENS)
    assert "budget" in str(refused.value)
    assert VentureProject.objects.count() == 1


# --- reviews --------------------------------------------------------------------------------

def test_reviews_by_several_reviewers_once_each_on_the_web(web, bureau, center, application, county):
    expert = Expert.objects.create(county=county, name="李卫东", kind="provincial")
    form = {"score": "90", "comment": "好", "reviewed_on": "2025-04-20"}
    assert web(bureau).post(f"/funding/venture-applications/{application.pk}/review/", form).status_code == 302
    assert web(center).post(f"/funding/venture-applications/{application.pk}/review/",
                            {**form, "score": "70"}).status_code == 302
    assert web(center).post(f"/funding/venture-applications/{application.pk}/review/",
                            {**form, "score": "80", "expert": expert.pk}).status_code == 302
    again = web(center).post(f"/funding/venture-applications/{application.pk}/review/", {**form, "score": "10"})
    assert again.status_code == 200 and VentureReview.objects.count() == 3
    page = web(bureau).get(f"/funding/venture-applications/{application.pk}/")
    assert page.context["object"].average_score == Decimal("80")
    bad = web(bureau).post(f"/funding/venture-applications/{application.pk}/review/", {**form, "score": "101"})
    assert bad.status_code == 200 and "score" in bad.context["form"].errors


def test_state_changes_follow_the_order(api, bureau, county, venture_source, qicai):
    call = make_call(county, venture_source)
    refused = api(bureau).post("/api/v1/venture-applications/", {
        "call": call.pk, "organisation": qicai.pk, "project_title": "早了", "theme": "为老服务",
        "amount_requested": "1000", "submitted_on": "2025-03-10"}, format="json")
    assert refused.status_code == 400 and "call" in refused.data
    assert api(bureau).post(f"/api/v1/venture-calls/{call.pk}/close/").status_code == 400
    assert api(bureau).post(f"/api/v1/venture-calls/{call.pk}/announce/").status_code == 400
    assert VentureCall.objects.get(pk=call.pk).status == "draft" and not VentureApplication.objects.exists()


# --- scoping, permissions, query counts --------------------------------------------------------

def test_calls_are_the_countys_own(web, api, bureau, xiaohe, city, call, qicai):
    qixian = Region.objects.get(code="410622")
    other_source = services.funding_source_save(source=FundingSource(
        region=qixian, year=YEAR, source_type=SourceType.VENTURE_PHILANTHROPY, name="淇县公益创投资金",
        base_amount=Decimal("100000"), share_rule=ShareRule.FIXED, share_fixed_amount=Decimal("100000")))
    other = make_call(qixian, other_source, ["open"], budget="100000", title="淇县公益创投")
    other_application = apply(other, qicai, amount="50000")
    for url, pk in (("/funding/venture-calls/", other.pk), ("/funding/venture-applications/", other_application.pk)):
        assert web(bureau).get(f"{url}{pk}/").status_code == 404
    assert [c.title for c in web(bureau).get("/funding/venture-calls/").context["object_list"]] == ["公益创投大赛"]
    assert [c["title"] for c in api(bureau).get("/api/v1/venture-calls/").data["results"]] == ["公益创投大赛"]
    assert api(bureau).get(f"/api/v1/venture-applications/{other_application.pk}/").status_code == 404
    assert api(bureau).post(f"/api/v1/venture-calls/{other.pk}/close/").status_code == 404
    assert web(bureau).post(f"/funding/venture-calls/{other.pk}/close/").status_code == 404
    assert web(bureau).get("/funding/venture-calls/", {"q": "淇县"}).context["object_list"] == []
    export = web(bureau).get("/funding/venture-calls/", {"export": "xlsx"})
    assert export.status_code == 200 and "淇县".encode() not in export.content
    assert len(api(city).get("/api/v1/venture-calls/").data["results"]) == 2  # the city: both counties
    assert web(xiaohe).get("/funding/venture-calls/").status_code == 403
    assert api(xiaohe).get("/api/v1/venture-calls/").status_code == 403
    assert VentureCall.objects.get(pk=other.pk).status == "open"
    # its funded project, milestones and payments are as far out of reach
    services.venture_call_transition(call=other, action="close")
    project = services.venture_award(application=other_application, amount=Decimal("1000"), awarded_on=CLOSES)
    milestone = services.venture_milestone_add(project=project, title="节点", due_on=CLOSES)
    payment = services.venture_payment_add(project=project, amount=Decimal("500"), due_on=CLOSES)
    assert web(bureau).get(f"/funding/venture-projects/{project.pk}/").status_code == 404
    assert web(bureau).get("/funding/venture-projects/").context["object_list"] == []
    assert api(bureau).get(f"/api/v1/venture-projects/{project.pk}/").status_code == 404
    assert web(bureau).post(f"/funding/venture-milestones/{milestone.pk}/done/",
                            {"done_on": "2025-05-01", "evidence": "x"}).status_code == 404
    assert web(bureau).post(f"/funding/venture-payments/{payment.pk}/pay/", {"paid_on": "2025-05-01"}).status_code == 404
    assert api(bureau).post(f"/api/v1/venture-projects/{project.pk}/pay/", {"payment": payment.pk,
                                                                           "paid_on": "2025-05-01"}).status_code == 404
    assert api(bureau).post(f"/api/v1/venture-applications/{other_application.pk}/reviews/",
                            {"score": "90", "reviewed_on": "2025-05-01"}).status_code == 404
    milestone.refresh_from_db()
    payment.refresh_from_db()
    assert milestone.done_on is None and payment.status == "planned" and not VentureReview.objects.exists()


def test_lists_pin_their_query_count(web, api, bureau, county, venture_source, qicai, count_queries):
    def grow(n, offset):
        for i in range(n):
            call = make_call(county, venture_source, ["open"], budget="1000", title=f"第{offset + i}期")
            apply(call, qicai, f"项目{offset + i}", "500")

    grow(3, 0)
    client, caller = web(bureau), api(bureau)
    urls = ["/funding/venture-calls/", "/funding/venture-applications/", "/funding/venture-projects/"]
    apis = ["/api/v1/venture-calls/", "/api/v1/venture-applications/", "/api/v1/venture-projects/"]
    for url in urls + apis:
        (caller if url.startswith("/api") else client).get(url)
    few = [count_queries(lambda u=u: (caller if u.startswith("/api") else client).get(u)) for u in urls + apis]
    grow(27, 3)
    many = [count_queries(lambda u=u: (caller if u.startswith("/api") else client).get(u)) for u in urls + apis]
    assert few == many


# --- bad input and the lock ------------------------------------------------------------------

def test_bad_input_is_named_and_writes_nothing(web, api, bureau, county, venture_source, call, qicai):
    body = {"county": county.pk, "source": venture_source.pk, "title": "坏", "year": YEAR, "budget": "3000000",
            "opens_on": "2025-05-01", "closes_on": "2025-04-01"}
    page = web(bureau).post("/funding/venture-calls/add/", body)
    assert page.status_code == 200 and {"closes_on", "budget"} <= set(page.context["form"].errors)
    answer = api(bureau).post("/api/v1/venture-calls/", body, format="json")
    assert answer.status_code == 400 and {"closes_on", "budget"} <= set(answer.data)
    assert not VentureCall.objects.filter(title="坏").exists()
    partner = make_partner(county, "某企业", kind="charity")
    both = {"call": call.pk, "organisation": qicai.pk, "partner": partner.pk, "project_title": "双", "theme": "体育",
            "amount_requested": "0", "submitted_on": "2025-03-10"}
    answer = api(bureau).post("/api/v1/venture-applications/", both, format="json")
    assert answer.status_code == 400 and {"organisation", "theme", "amount_requested"} <= set(answer.data)
    page = web(bureau).post(f"/funding/venture-calls/{call.pk}/applications/add/", both)
    assert page.status_code == 200 and not VentureApplication.objects.exists()


def test_a_stale_edit_is_refused_web_and_api(web, api, bureau, center, call, qicai):
    browser = web(bureau)
    stamp = browser.get(f"/funding/venture-calls/{call.pk}/edit/").context["form"]["loaded_state"].value()
    version = api(bureau).get(f"/api/v1/venture-calls/{call.pk}/").data["version"]
    data = {"county": call.county_id, "source": call.source_id, "title": "改一", "year": YEAR, "budget": "400000",
            "opens_on": "2025-03-01", "closes_on": "2025-04-15", "themes": call.themes, "loaded_state": stamp}
    assert browser.post(f"/funding/venture-calls/{call.pk}/edit/", data).status_code == 302
    page = browser.post(f"/funding/venture-calls/{call.pk}/edit/", {**data, "title": "改二"})
    assert page.status_code == 200 and page.context["form"].non_field_errors()
    stale = api(bureau).patch(f"/api/v1/venture-calls/{call.pk}/", {"title": "改三", "version": version},
                              format="json")
    assert stale.status_code == 400 and "version" in stale.data
    assert VentureCall.objects.get(pk=call.pk).title == "改一"
    application = apply(call, qicai)
    version = api(bureau).get(f"/api/v1/venture-applications/{application.pk}/").data["version"]
    assert api(bureau).patch(f"/api/v1/venture-applications/{application.pk}/",
                             {"project_title": "新名", "version": version}, format="json").status_code == 200
    stale = api(bureau).patch(f"/api/v1/venture-applications/{application.pk}/",
                              {"project_title": "旧名", "version": version}, format="json")
    assert stale.status_code == 400 and VentureApplication.objects.get(pk=application.pk).project_title == "新名"


def test_a_partners_social_organisation_applies(api, bureau, county, call):
    social = make_partner(county, "浚县夕阳红助老协会", kind="social_org")
    answer = api(bureau).post("/api/v1/venture-applications/", {
        "call": call.pk, "partner": social.pk, "project_title": "助老", "theme": "为老服务",
        "amount_requested": "50000", "submitted_on": "2025-03-10"}, format="json")
    assert answer.status_code == 201 and answer.data["applicant_name"] == "浚县夕阳红助老协会"
    assert Organisation.objects.filter(kind="provider").exists()
