"""A monthly report's times read in Asia/Shanghai on the list and on its page (never UTC, never a
raw "+00:00"), and its page shows the station's figures beside the previous month and the same
month last year (tests/reports/test_drilldown.py follows their links)."""

import datetime

from services.models import MonthlyReport


def test_times_in_asia_shanghai_on_the_list_and_the_page(db, web, bureau, station_xiaohe):
    at = datetime.datetime(2023, 6, 3, 8, 30, tzinfo=datetime.UTC)  # 16:30 in Shanghai
    report = MonthlyReport.objects.create(station=station_xiaohe, month=datetime.date(2023, 5, 1), status="submitted",
                                          submitted_at=at, summary="五月工作")
    client = web(bureau)
    page = client.get(report.get_absolute_url()).content.decode()
    assert "2023-06-03 16:30" in page
    assert "+00:00" not in page and "08:30" not in page
    listed = client.get("/services/monthly-reports/", {"year": 2023, "station": station_xiaohe.pk})
    table = str(listed.context["table"])
    assert "2023-06-03 16:30" in table and "08:30" not in table


def test_the_page_shows_the_months_figures(db, web, bureau, station_xiaohe):
    report = MonthlyReport.objects.create(station=station_xiaohe, month=datetime.date(2023, 5, 1), status="submitted")
    response = web(bureau).get(report.get_absolute_url())
    assert response.context["month_figures"]["periods"] == ["2023-05", "2023-04", "2022-05"]
    assert "本站当月统计" in response.content.decode()
