"""The annual report: /reports/annual/YYYY.xlsx (the same figures as reports.figures, month by
month and per station, with the summary paragraph), the summary page with its copy button,
and the page that lists every bulletin and annual report of the user's scope."""

import io
import re

import pytest
from django.utils import timezone
from openpyxl import load_workbook

from accounts.models import AccessLog
from reports import figures
from reports.summary import annual_summary
from tests.reports.test_bulletin import COVER_KEYS, STATION_KEYS, as_cells, table
from tests.reports.test_figures import D, records  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db

SHEETS = ["封面", "各月数据", "各站数据", "服务对象类别", "培训与督导", "亮点活动", "个案"]


def workbook(response):
    assert response.status_code == 200, response.content[:300]
    return load_workbook(io.BytesIO(response.content))


def test_the_annual_workbook_holds_the_years_figures_and_summary(web, bureau, records):  # noqa: F811
    wb = workbook(web(bureau).get("/reports/annual/2023.xlsx"))
    assert wb.sheetnames == SHEETS
    year = figures.for_user(bureau, **figures.year_period(2023)._asdict())
    cover = wb["封面"]
    assert cover["A1"].value == "浚县社会工作2023年度报告"
    rows = table(cover)
    assert [r[1] for r in rows[:len(COVER_KEYS)]] == as_cells(year, COVER_KEYS)
    assert [r[1] for r in rows[len(COVER_KEYS):]] == list(year["visited_clients_by_category"].values())
    texts = [cell.value for row in cover.iter_rows() for cell in row if isinstance(cell.value, str)]
    assert annual_summary(year=2023, values=year) in texts

    months = table(wb["各月数据"])
    assert [r[0] for r in months] == [f"2023年{m}月" for m in range(1, 13)]
    header = [c.value for c in wb["各月数据"][3]]
    visits = header.index("探访次数")
    for month, row in enumerate(months, start=1):
        values = figures.for_user(bureau, **figures.month_period(f"2023-{month:02d}")._asdict())
        assert row[visits] == values["visits"]
    assert sum(r[visits] for r in months) == year["visits"]

    stations = table(wb["各站数据"])
    assert stations[-1][0] == "合计" and list(stations[-1][1:]) == as_cells(year, STATION_KEYS)
    # the volunteers and their hours (issue #20): on the cover and per station
    assert year["volunteers"] == 3 and year["volunteer_hours"] == 9
    labels = {r[0]: r[1] for r in rows}
    assert labels["志愿者人数"] == 3 and labels["志愿服务时长（小时）"] == 9
    for sheet in wb:
        assert sheet.page_setup.orientation == "landscape" and sheet.freeze_panes in ("A4", "B4")


def test_a_workers_annual_report_is_their_station_only(web, xiaohe, station_xiaohe, records):  # noqa: F811
    wb = workbook(web(xiaohe).get("/reports/annual/2023.xlsx"))
    year = figures.for_user(xiaohe, **figures.year_period(2023)._asdict())
    assert [r[1] for r in table(wb["封面"])[:len(COVER_KEYS)]] == as_cells(year, COVER_KEYS)
    assert [r[0] for r in table(wb["各站数据"])] == ["小河镇社会工作服务站", "合计"]
    summary = annual_summary(year=2023, values=year, station_name="小河镇社会工作服务站")
    assert "小河镇社会工作服务站服务探访已建档服务对象" in summary
    assert summary in [c.value for row in wb["封面"].iter_rows() for c in row]


def test_the_summary_page_has_the_paragraph_a_copy_button_and_the_download(web, bureau, records):  # noqa: F811
    response = web(bureau).get("/reports/annual/2023/")
    assert response.status_code == 200
    html = response.content.decode()
    year = figures.for_user(bureau, **figures.year_period(2023)._asdict())
    assert response.context["summary"] == annual_summary(year=2023, values=year)
    assert f'id="annual-summary" class="mb-0 lh-lg">{response.context["summary"]}</p>' in html
    assert 'data-copy-target="annual-summary"' in html
    assert "/static/reports/copy.js" in html
    assert all(re.search(r"\bsrc=", tag) for tag in re.findall(r"<script[^>]*>", html)), "no inline scripts"
    assert 'href="/reports/annual/2023.xlsx"' in html


def test_the_summary_page_narrowed_to_a_station(web, bureau, xiaohe, station_baisi, records):  # noqa: F811
    response = web(bureau).get("/reports/annual/2023/", {"station": station_baisi.pk})
    assert response.context["summary"].startswith("2023年,白寺镇社会工作服务站")
    assert f'href="/reports/annual/2023.xlsx?station={station_baisi.pk}"' in response.content.decode()
    assert web(xiaohe).get("/reports/annual/2023/", {"station": station_baisi.pk}).status_code == 404
    assert web(xiaohe).get("/reports/annual/2023/").context["summary"].count("小河镇社会工作服务站") >= 1


@pytest.mark.parametrize("year", ["abcd", "20231", "203", "1999", "2999"])
def test_a_bad_year_gets_a_friendly_page(web, bureau, year):
    for url in (f"/reports/annual/{year}.xlsx", f"/reports/annual/{year}/"):
        response = web(bureau).get(url)
        assert response.status_code == 400, url
        assert "无效的期间" in response.content.decode()


def test_the_annual_download_is_logged(web, bureau):
    web(bureau).get("/reports/annual/2023.xlsx")
    assert AccessLog.objects.filter(action=AccessLog.Action.EXPORT, username="bureau",
                                    object_repr__contains="2023").exists()


def test_the_reports_page_lists_every_month_and_year_of_the_scope(web, bureau, xiaohe, station_xiaohe):
    today = timezone.localdate()
    page = web(bureau).get("/reports/")
    assert page.status_code == 200
    html = page.content.decode()
    years = [entry["year"] for entry in page.context["years"]]
    assert years == list(range(today.year, 2020, -1))  # the demo stations opened in 2021
    assert f'href="/reports/bulletin/{today:%Y-%m}.xlsx"' in html
    assert 'href="/reports/bulletin/2023-01.xlsx"' in html and 'href="/reports/annual/2023.xlsx"' in html
    assert 'href="/reports/bulletin/2021-05.xlsx"' not in html  # before the first station opened
    narrowed = web(bureau).get("/reports/", {"station": station_xiaohe.pk}).content.decode()
    assert f'href="/reports/bulletin/2023-01.xlsx?station={station_xiaohe.pk}"' in narrowed
    worker_page = web(xiaohe).get("/reports/").content.decode()
    assert 'name="station"' not in worker_page  # one station: nothing to choose
    assert "/reports/exports/" in worker_page


def test_the_menu_links_to_the_reports(web, bureau):
    html = web(bureau).get("/reports/").content.decode()
    assert 'href="/reports/"' in html and 'href="/reports/exports/"' in html
