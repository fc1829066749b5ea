"""The journal's editorial flow in real browsers (issue 19 "Done when"): the guidance center
drafts the month's issue and edits its lead paragraph, a station proposes its highlight, the
bureau publishes; the published PDF holds the edited text and the issue cannot be edited any more."""

import datetime
import io

import pytest
from pypdf import PdfReader

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _demo_organisation(django_db_blocker):
    from stations import demo

    demo.seed({})  # live-server tests run in a flushed database


@pytest.fixture
def reading_club(db):
    from services import services
    from services.choices import ActivityKind
    from stations.models import Station

    return services.activity_record(station=Station.objects.get(short_name="小河站"), held_on=datetime.date(2024, 3, 9),
                                    title="读书会", kind=ActivityKind.EDUCATION, participant_count=25)


def test_center_edits_station_proposes_bureau_publishes(login_page, live_server, reading_club):
    from journal.models import Issue

    center = login_page("center")
    center.goto(f"{live_server.url}/reports/journal/add/")
    center.fill("#id_month_code", "2024-03")
    center.click("main form button[type=submit]")
    center.wait_for_load_state("networkidle")
    issue = Issue.objects.get(month=datetime.date(2024, 3, 1))
    assert center.url.endswith(f"/reports/journal/{issue.pk}/")
    assert "本月，全县11个社工站" in center.inner_text("#issue-lead")

    center.click("#issue-edit")
    center.fill("#id_lead", "<p>本月，全县社工站<strong>走进千家万户</strong>，编辑过的导语。</p>")
    center.click("main form button[type=submit]")
    center.wait_for_load_state("networkidle")
    assert "编辑过的导语" in center.inner_text("#issue-lead")

    station = login_page("xiaohe", viewport={"width": 375, "height": 812})
    station.goto(f"{live_server.url}/reports/journal/{issue.pk}/")
    assert station.locator(".highlight-edit").count() == 1  # its own station's only
    station.click(".highlight-edit")
    station.fill("#id_text", "小河站读书会吸引25名群众参加，共读好书。")
    station.click("main form button[type=submit]")
    station.wait_for_load_state("networkidle")
    assert "共读好书" in station.content()

    bureau = login_page("bureau")
    bureau.goto(f"{live_server.url}/reports/journal/{issue.pk}/")
    bureau.click("#issue-publish")
    bureau.wait_for_load_state("networkidle")
    assert bureau.inner_text("#issue-status") == "已发布"

    pdf = bureau.request.get(f"{live_server.url}/reports/journal/2024-03.pdf")
    assert pdf.status == 200 and pdf.headers["content-type"] == "application/pdf"
    text = "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf.body())).pages).replace("\n", "")
    assert "编辑过的导语" in text and "共读好书" in text

    center.goto(f"{live_server.url}/reports/journal/{issue.pk}/")
    assert center.locator("#issue-edit").count() == 0  # frozen: no edit button …
    center.goto(f"{live_server.url}/reports/journal/{issue.pk}/edit/")
    center.fill("#id_lead", "<p>发布后的修改</p>")
    center.click("main form button[type=submit]")
    center.wait_for_load_state("networkidle")
    assert "/edit/" in center.url and center.locator("main .alert-danger").count()  # … and an edit is refused
    issue.refresh_from_db()
    assert "编辑过的导语" in issue.lead and "发布后的修改" not in issue.lead
