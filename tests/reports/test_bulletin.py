"""The bulletin 《浚县社工》 (/reports/bulletin/YYYY-MM.xlsx): the same figures as
reports.figures for the same scope, laid out on six sheets, safe against formula injection,
ready to print, scoped like everything else."""

import io

import pytest
from openpyxl import load_workbook

from accounts.models import AccessLog
from reports import figures
from services.models import Activity, Case
from stations.models import Station
from tests.reports.test_figures import D, make_activity, make_case, records  # noqa: F401  (fixture)

pytestmark = pytest.mark.django_db

SHEETS = ["封面", "各站数据", "服务对象类别", "培训与督导", "亮点活动", "个案"]
COVER_KEYS = ["stations", "social_workers", "visits", "resources_linked_amount", "casework", "groupwork",
              "community_activities", "people_served", "trainings", "training_hours", "supervisions",
              "supervision_hours", "station_evaluations", "volunteers", "volunteer_hours"]
STATION_KEYS = ["social_workers", "visits", "resources_linked_amount", "casework", "groupwork",
                "community_activities", "people_served", "supervisions", "supervision_hours", "station_evaluations",
                "volunteers", "volunteer_hours"]


def workbook(response):
    assert response.status_code == 200, response.content[:300]
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    return load_workbook(io.BytesIO(response.content))


def table(sheet):
    """The rows under the header row (row 3), up to the first empty row."""
    rows = []
    for row in sheet.iter_rows(min_row=4, values_only=True):
        if all(value is None for value in row):
            break
        rows.append(row)
    return rows


def number(value):
    return float(value) if not isinstance(value, int) else value


def as_cells(values, keys):
    return [number(float(values[key]) if key == "resources_linked_amount" else values[key]) for key in keys]


@pytest.fixture
def highlights(records, station_xiaohe, station_baisi):  # noqa: F811
    """Featured activities and cases whose text tries to run as a formula."""
    xh = make_activity(station_xiaohe, D(2023, 4, 12), 35)
    Activity.objects.filter(pk=xh.pk).update(title="+五室联动开放日", highlight='=HYPERLINK("http://x.example","点我")')
    bs = make_activity(station_baisi, D(2023, 4, 20), 20)
    Activity.objects.filter(pk=bs.pk).update(title="爱心小屋兑换日", highlight="@SUM(1,2) 积分兑换生活用品")
    make_activity(station_xiaohe, D(2023, 4, 22), 10)  # no highlight: not featured
    case = make_case(station_xiaohe, D(2023, 4, 3))
    Case.objects.filter(pk=case.pk).update(title="-独居老人照护", problem="-1+2 老人独居,行动不便。")
    return {"xiaohe": xh, "baisi": bs, "case": case}


def test_cover_holds_the_months_and_year_to_date_figures(web, bureau, highlights):
    wb = workbook(web(bureau).get("/reports/bulletin/2023-04.xlsx"))
    assert wb.sheetnames == SHEETS
    cover = wb["封面"]
    assert cover["A1"].value == "《浚县社工》2023年4月"
    month = figures.for_user(bureau, **figures.month_period("2023-04")._asdict())
    ytd = figures.for_user(bureau, start=D(2023, 1, 1), end=D(2023, 4, 30))
    rows = table(cover)
    assert [r[1] for r in rows[:len(COVER_KEYS)]] == as_cells(month, COVER_KEYS)
    assert [r[2] for r in rows[:len(COVER_KEYS)]] == as_cells(ytd, COVER_KEYS)
    categories = rows[len(COVER_KEYS):]
    assert [r[1] for r in categories] == list(month["visited_clients_by_category"].values())
    assert [r[2] for r in categories] == list(ytd["visited_clients_by_category"].values())
    assert ytd["visits"] > month["visits"] > 0


def test_per_station_rows_and_totals(web, bureau, highlights):
    wb = workbook(web(bureau).get("/reports/bulletin/2023-04.xlsx"))
    period = figures.month_period("2023-04")
    stations = list(Station.objects.order_by("town__code"))
    per_station = figures.by_station(station_ids=[s.pk for s in stations], start=period.start, end=period.end)
    rows = table(wb["各站数据"])
    assert [r[0] for r in rows] == [s.name for s in stations] + ["合计"]
    for station, row in zip(stations, rows, strict=False):
        assert list(row[1:]) == as_cells(per_station[station.pk], STATION_KEYS)
    county = figures.for_user(bureau, start=period.start, end=period.end)
    assert list(rows[-1][1:]) == as_cells(county, STATION_KEYS)
    # SPEC §3: these add up across stations
    for index, key in enumerate(STATION_KEYS, start=1):
        assert sum(row[index] for row in rows[:-1]) == pytest.approx(rows[-1][index]), key

    categories = table(wb["服务对象类别"])
    assert categories[-1][0] == "全部站点(每人只计一次)"
    assert list(categories[-1][1:]) == list(county["visited_clients_by_category"].values())


def test_highlights_list_featured_activities_and_cases(web, bureau, highlights):
    wb = workbook(web(bureau).get("/reports/bulletin/2023-04.xlsx"))
    activities = table(wb["亮点活动"])
    assert [(r[1], r[2]) for r in activities] == [("小河镇社会工作服务站", "+五室联动开放日"),
                                                  ("白寺镇社会工作服务站", "爱心小屋兑换日")]
    cases = table(wb["个案"])
    assert [(r[0], r[1], r[5]) for r in cases] == [("小河镇社会工作服务站", "-独居老人照护", "-1+2 老人独居,行动不便。")]


def test_cells_beginning_with_a_formula_character_are_text(web, bureau, highlights):
    wb = workbook(web(bureau).get("/reports/bulletin/2023-04.xlsx"))
    dangerous = [cell for sheet in wb for row in sheet.iter_rows() for cell in row
                 if isinstance(cell.value, str) and cell.value[:1] in "=+-@"]
    assert {cell.value for cell in dangerous} >= {'=HYPERLINK("http://x.example","点我")', "+五室联动开放日",
                                                  "@SUM(1,2) 积分兑换生活用品", "-独居老人照护"}
    assert all(cell.data_type == "s" for cell in dangerous)
    assert not [cell for sheet in wb for row in sheet.iter_rows() for cell in row if cell.data_type == "f"]


def test_print_setup_frozen_headers_and_number_formats(web, bureau, highlights):
    wb = workbook(web(bureau).get("/reports/bulletin/2023-04.xlsx"))
    for sheet in wb:
        assert sheet.page_setup.orientation == "landscape", sheet.title
        assert sheet.page_setup.paperSize in (9, "9"), sheet.title  # A4
        assert sheet.sheet_properties.pageSetUpPr.fitToPage and sheet.page_setup.fitToWidth in (1, "1")
        assert sheet.page_setup.fitToHeight in (0, "0")
        assert sheet.freeze_panes in ("A4", "B4"), sheet.title
        assert sheet.print_title_rows == "$3:$3"
        assert sheet["A3"].font.b
    stations = wb["各站数据"]
    assert stations.freeze_panes == "B4"
    header = [cell.value for cell in stations[3]]
    yuan = header.index("链接资源金额(元)") + 1
    visits = header.index("探访次数") + 1
    assert stations.cell(row=4, column=yuan).number_format == "#,##0.00"
    assert stations.cell(row=4, column=visits).number_format == "#,##0"
    cover = wb["封面"]
    labels = [row[0].value for row in cover.iter_rows(min_row=4)]
    assert cover.cell(row=4 + labels.index("链接资源金额(元)"), column=2).number_format == "#,##0.00"
    assert cover.cell(row=4 + labels.index("培训学时"), column=2).number_format == "#,##0.0"


def test_a_workers_bulletin_holds_their_station_only(web, xiaohe, highlights):
    wb = workbook(web(xiaohe).get("/reports/bulletin/2023-04.xlsx"))
    assert [r[0] for r in table(wb["各站数据"])] == ["小河镇社会工作服务站", "合计"]
    assert [r[1] for r in table(wb["亮点活动"])] == ["小河镇社会工作服务站"]
    month = figures.for_user(xiaohe, start=D(2023, 4, 1), end=D(2023, 4, 30))
    assert [r[1] for r in table(wb["封面"])[:len(COVER_KEYS)]] == as_cells(month, COVER_KEYS)
    assert "白寺" not in " ".join(str(c.value) for s in wb for row in s.iter_rows() for c in row if c.value)


def test_station_parameter_narrows_and_stays_in_scope(web, bureau, xiaohe, station_xiaohe, station_baisi, highlights):
    wb = workbook(web(bureau).get("/reports/bulletin/2023-04.xlsx", {"station": station_baisi.pk}))
    assert [r[0] for r in table(wb["各站数据"])] == ["白寺镇社会工作服务站", "合计"]
    assert [r[1] for r in table(wb["亮点活动"])] == ["白寺镇社会工作服务站"]
    narrowed = figures.for_user(bureau, start=D(2023, 4, 1), end=D(2023, 4, 30), station=station_baisi)
    assert [r[1] for r in table(wb["封面"])[:len(COVER_KEYS)]] == as_cells(narrowed, COVER_KEYS)
    assert web(xiaohe).get("/reports/bulletin/2023-04.xlsx", {"station": station_baisi.pk}).status_code == 404
    assert web(xiaohe).get("/reports/bulletin/2023-04.xlsx", {"station": "x"}).status_code == 404
    assert web(bureau).get("/reports/bulletin/2023-04.xlsx", {"station": 999999}).status_code == 404


@pytest.mark.parametrize("month", ["2023-13", "2023-4", "abcd-ef", "1899-01", "2999-01", "2023-00"])
def test_a_bad_month_gets_a_friendly_page(web, bureau, month):
    response = web(bureau).get(f"/reports/bulletin/{month}.xlsx")
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/html")
    assert "无效的期间" in response.content.decode()


def test_the_download_is_logged_and_needs_a_login(client, web, bureau, highlights):
    assert web(bureau).get("/reports/bulletin/2023-04.xlsx").status_code == 200
    entry = AccessLog.objects.filter(action=AccessLog.Action.EXPORT, username="bureau").first()
    assert entry is not None and "2023-04" in entry.object_repr
    response = client.get("/reports/bulletin/2023-04.xlsx")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_an_empty_month_still_has_every_sheet(web, xiaohe):
    wb = workbook(web(xiaohe).get("/reports/bulletin/2021-07.xlsx"))
    assert wb.sheetnames == SHEETS
    assert table(wb["亮点活动"]) == [("本期没有亮点活动。", None, None, None, None)]
