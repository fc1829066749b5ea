"""A 公益创投 call end to end in a real browser (issue 20 "Done when"): the bureau creates and
opens a call, an application is entered, the call closes, two different reviewers (the bureau
and the guidance center) score it, it is funded out of the call's funding source, a milestone
is recorded done, the final report is submitted and the evaluation closes the project."""

import datetime
from decimal import Decimal

import pytest

pytestmark = pytest.mark.django_db(transaction=True)
SHOT = "/tmp/venture_flow.png"


@pytest.fixture(autouse=True)
def _demo_organisation(django_db_blocker):
    from stations import demo

    demo.seed({})  # live-server tests run in a flushed database


@pytest.fixture
def venture_source(db):
    from funding import services
    from funding.choices import ShareRule, SourceType
    from funding.models import FundingSource
    from stations.models import Region

    city = Region.objects.get(name="浚县").parent
    return services.funding_source_save(source=FundingSource(
        region=city, year=2025, source_type=SourceType.VENTURE_PHILANTHROPY, name="2025年鹤壁市公益创投资金",
        base_amount=Decimal("2000000"), share_rule=ShareRule.FIXED, share_fixed_amount=Decimal("2000000")))


def submit(page):
    page.click("main form button[type=submit]")
    page.wait_for_load_state("networkidle")


def test_a_venture_call_from_opening_to_evaluation(login_page, live_server, venture_source):
    from funding.models import VentureApplication, VentureCall, VentureProject
    from stations.models import Organisation

    url = live_server.url
    bureau = login_page("bureau")
    bureau.goto(f"{url}/funding/venture-calls/add/")
    bureau.fill("#id_title", "2025年公益创投大赛")
    bureau.fill("#id_year", "2025")
    bureau.select_option("#id_source", str(venture_source.pk))
    bureau.fill("#id_budget", "400000")
    bureau.fill("#id_opens_on", "2025-03-01")
    bureau.fill("#id_closes_on", "2025-04-15")
    bureau.fill("#id_themes", "为老服务\n儿童关爱")
    submit(bureau)
    call = VentureCall.objects.get(title="2025年公益创投大赛")
    assert bureau.url.endswith(f"/funding/venture-calls/{call.pk}/")
    bureau.click("text=开始征集")
    submit(bureau)
    assert bureau.inner_text("[data-testid=call-status]") == "征集中"

    bureau.click("text=录入申报")
    bureau.select_option("#id_organisation", str(Organisation.objects.get(short_name="鹤壁七彩").pk))
    bureau.fill("#id_project_title", "“夕阳暖心”助老项目")
    bureau.select_option("#id_theme", "为老服务")
    bureau.fill("#id_amount_requested", "150000")
    bureau.fill("#id_submitted_on", "2025-03-20")
    bureau.fill("#id_summary", "为留守老人提供助餐与心理慰藉。")
    submit(bureau)
    application = VentureApplication.objects.get(project_title="“夕阳暖心”助老项目")
    bureau.goto(f"{url}/funding/venture-calls/{call.pk}/")
    bureau.click("text=截止征集并评审")
    submit(bureau)
    assert bureau.inner_text("[data-testid=call-status]") == "已截止（评审中）"

    for reviewer, score in ((bureau, "90"), (login_page("center"), "80")):
        reviewer.goto(f"{url}/funding/venture-applications/{application.pk}/")
        reviewer.click("main a:has-text('评审')")
        reviewer.fill("#id_score", score)
        reviewer.fill("#id_reviewed_on", "2025-04-20")
        reviewer.fill("#id_comment", "方案可行")
        submit(reviewer)
        assert reviewer.url.endswith(f"/funding/venture-applications/{application.pk}/")
    assert bureau.locator("main a:has-text('评审')").count() == 1  # (the bureau's own is done: the page refreshes)
    bureau.reload()
    assert bureau.inner_text("[data-testid=average-score]") == "85.0"

    bureau.click("text=立项资助")
    bureau.fill("#id_amount", "120000")
    bureau.fill("#id_awarded_on", "2025-05-10")
    submit(bureau)
    project = VentureProject.objects.get(application=application)
    assert bureau.url.endswith(f"/funding/venture-projects/{project.pk}/")
    bureau.click("text=添加节点")
    bureau.fill("#id_title", "完成需求评估")
    bureau.fill("#id_due_on", "2025-06-30")
    submit(bureau)
    bureau.click("text=记录完成")
    bureau.fill("#id_done_on", "2025-06-20")
    bureau.fill("#id_evidence", "评估报告及42份服务档案")
    submit(bureau)
    assert "2025-06-20完成" in bureau.inner_text("main")
    bureau.click("text=提交结项报告")
    bureau.fill("#id_final_report", "全年服务留守老人3200人次，完成合同目标。")
    bureau.fill("#id_reported_on", "2025-12-20")
    submit(bureau)
    bureau.click("text=评估并结项")
    bureau.fill("#id_score", "88")
    bureau.fill("#id_conclusion", "良好，建议继续资助。")
    bureau.fill("#id_evaluated_on", "2025-12-28")
    submit(bureau)
    assert bureau.inner_text("[data-testid=project-status]") == "已评估结项"
    assert "良好" in bureau.inner_text("[data-testid=evaluation]")
    bureau.screenshot(path=SHOT, full_page=True)
    project.refresh_from_db()
    assert (project.status, project.amount_awarded, project.milestones.get().done_on) == (
        "closed", Decimal("120000.00"), datetime.date(2025, 6, 20))
