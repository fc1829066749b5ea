"""portal.tables: one declaration per list gives the page's table (written in Python, the same
HTML as the table written as a Django template), its ?export=xlsx and the background export."""

import datetime
import decimal
import io
import re
from html import unescape
from types import SimpleNamespace

import pytest
from django.template.loader import render_to_string
from django.utils.html import format_html
from django.utils.translation import gettext_lazy
from openpyxl import load_workbook

from portal.tables import DETAIL, Col, Table

TRICKY = """<b>"Tom" & 'Jerry'</b>"""


def _badge(row):
    return format_html('<span class="badge text-bg-info">{}</span>', row.name) if row.flag else None


class SampleTable(Table):
    classes = "table-sm"
    empty_text = gettext_lazy("No records match.")
    columns = [
        Col(gettext_lazy("Station"), "name", link=DETAIL, note=lambda r: r.note, note_class="d-md-none"),
        Col("ID <&>", "code", classes="text-nowrap font-monospace small", link=lambda r: r.url, link_class=""),
        Col(gettext_lazy("Age"), "age", phone=False, end=True, title=lambda r: r.note or ""),
        Col("wide", lambda r: r.lazy, wide=True),
        Col("badge", "name", html=_badge),
        Col("when", "when", empty=gettext_lazy("never")),
        Col("export only", "code", page=False),
        Col("sum", "amount", end=True, format=lambda v: f"{v:,.2f}" if v is not None else None),
    ]

    def row_class(self, row):
        return "table-danger" if row.flag else None


def _rows():
    return [
        SimpleNamespace(name=TRICKY, code="a&b", age=42, lazy=gettext_lazy("yes"), flag=True, note="<note> & 'q'",
                        when=datetime.date(2024, 1, 2), url='/x/?a=1&b="2"', amount=decimal.Decimal("1234.5"),
                        get_absolute_url=lambda: "/clients/1/?q=<a>&b"),
        SimpleNamespace(name="", code=None, age=None, lazy=gettext_lazy("Station"), flag=False, note=None,
                        when=None, url="", amount=None, get_absolute_url=lambda: "/clients/2/"),
        SimpleNamespace(name="王建华", code="410621", age=0, lazy="", flag=True, note="",
                        when=datetime.datetime(2024, 5, 6, 7, 8, tzinfo=datetime.UTC), url="/y/",
                        amount=decimal.Decimal("0"), get_absolute_url=lambda: "/clients/3/"),
    ]


def _reference(table):
    return render_to_string("portal/table_reference.html", {"table": table}).strip()


def test_the_fast_renderer_writes_what_the_template_writes():
    table = SampleTable(_rows())
    fast = table.render()
    assert fast == _reference(table)
    # escaped once, everywhere: values, headers, links, notes; lazy strings translated
    assert "&lt;b&gt;&quot;Tom&quot; &amp; &#x27;Jerry&#x27;&lt;/b&gt;" in fast
    assert "ID &lt;&amp;&gt;" in fast and "/clients/1/?q=&lt;a&gt;&amp;b" in fast
    assert '<td class="d-none d-lg-table-cell">是</td>' in fast
    assert '<span class="badge text-bg-info">' in fast  # a fragment's own HTML is kept
    assert '<tr class="table-danger">' in fast and "2024-05-06 15:08" in fast  # local time
    assert "1,234.50" in fast and "export only" not in fast
    assert 'title="&lt;note&gt; &amp; &#x27;q&#x27;">42</td>' in fast


def test_the_empty_table_has_its_no_records_row():
    table = SampleTable([])
    assert table.render() == _reference(table)
    assert '<tbody>\n<tr><td colspan="7" class="text-center text-body-secondary py-4">' in table.render()


def test_a_column_hidden_on_phones_gets_the_class_on_its_header_and_cells():
    html = SampleTable(_rows()).render()
    assert '<th class="d-none d-md-table-cell text-end">' in html
    assert html.count('<td class="d-none d-md-table-cell text-end" title=') == 3
    assert '<th class="d-none d-lg-table-cell">wide</th>' in html


def test_export_columns_follow_the_declaration():
    columns = SampleTable().export_columns()
    assert [str(c.header) for c in columns] == ["社工站", "ID <&>", "年龄", "wide", "badge", "when", "export only", "sum"]
    row = _rows()[0]
    assert columns[-1].value(row) == decimal.Decimal("1234.5")  # the workbook keeps the number


@pytest.mark.django_db
def test_the_client_table_with_real_rows_renders_as_the_template(bureau, xiaohe, station_xiaohe):
    from clients.models import CategoryMembership, Client
    from clients.tables import ClientTable
    from clients.views import current_memberships

    for i, name in enumerate([TRICKY[:20], "王建华", "李小梅"]):
        client = Client.objects.create(station=station_xiaohe, name=name, id_number=f"41062119600517{i:03d}1",
                                       phone=f"1390000{i:04d}" if i else "", risk_level="high" if i == 1 else "",
                                       registered_on=datetime.date(2024, 1, 2))
        if i:
            CategoryMembership.objects.create(client=client, category="disability", start_on=datetime.date(2024, 1, 2))
    rows = list(Client.objects.select_related("station", "worker").prefetch_related(current_memberships())[:20])
    assert rows
    for user in (bureau, xiaohe):
        table = ClientTable(rows, user=user)
        assert table.render() == _reference(table)


@pytest.mark.django_db
def test_background_export_masks_id_numbers_per_role(bureau, auditor, bureau_admin):
    from services.tables import VisitTable

    number = "410621196005170011"
    for user, shown in ((bureau, "410621************"), (auditor, "410621************"), (bureau_admin, number)):
        fields, columns = VisitTable(user=user).values_columns()
        row = tuple(number if field == "client__id_number" else None for field in fields)
        by_header = {str(column.header): column.value(row) for column in columns}
        assert by_header["身份证号"] == shown, user
    # the ID number is an export-only column of the background export: never on the page or the list export
    assert "client__id_number" not in [c.values for c in VisitTable.shown()]
    assert "身份证号" not in [str(c.header) for c in VisitTable(user=bureau_admin).export_columns()]


@pytest.mark.django_db
def test_client_export_masks_id_numbers_for_every_role(web, bureau_admin, xiaohe, station_xiaohe):
    from clients.models import Client

    client = Client.objects.create(station=station_xiaohe, name="王建华", id_number="410621196005170011",
                                   registered_on=datetime.date(2024, 1, 2))
    for user in (bureau_admin, xiaohe):
        sheet = load_workbook(io.BytesIO(web(user).get("/clients/", {"export": "xlsx", "q": client.name}).content))
        ids = [row[1] for row in sheet.active.iter_rows(min_row=2, values_only=True)]
        assert client.id_number not in ids and ids


LISTS = ["stations:station_list", "stations:staff_list", "stations:organisation_list", "accounts:accesslog_list",
         "clients:client_list", "clients:worklist", "clients:household_list", "services:visit_list",
         "services:case_list", "services:group_list", "services:activity_list", "services:referral_list",
         "services:resourcelink_list", "services:dispatch_list", "services:monthlyreport_list",
         "services:campaigntag_list", "training:training_list", "training:supervision_list",
         "training:evaluation_list", "training:rectification_list", "training:scheme_list", "training:policy_list",
         "training:entitlement_list", "training:submission_list", "funding:fundingsource_list",
         "funding:contract_list", "funding:evaluation_list"]


def _exported(column):
    return column.export is not False and (column.export is not True or column.accessor is not None)


@pytest.mark.django_db
@pytest.mark.parametrize("name", LISTS)
def test_a_list_page_and_its_export_have_the_declared_columns_in_order(web, admin_user, name):
    from django.urls import reverse

    url = reverse(name)
    page = web(admin_user).get(url)
    assert page.status_code == 200
    table = page.context["table"]
    declared = table.get_columns()
    shown = [str(c.header) for c in declared if c.page]
    head = page.content.decode().split('<thead class="table-light"><tr>')[-1].split("</tr></thead>")[0]
    assert [unescape(h) for h in re.findall(r"<th[^>]*>(.*?)</th>", head)] == shown
    sheet = load_workbook(io.BytesIO(web(admin_user).get(url, {"export": "xlsx"}).content)).active
    header_row = [cell.value for cell in next(sheet.iter_rows(max_row=1))]
    assert header_row == [str(c.export_header or c.header) for c in declared if _exported(c)]
    # the columns on both appear in the declared order on both
    both = [c for c in declared if c.page and _exported(c)]
    on_page = [shown.index(str(c.header)) for c in both]
    in_sheet = [header_row.index(str(c.export_header or c.header)) for c in both]
    assert on_page == sorted(on_page) and in_sheet == sorted(in_sheet)


PAGE_ONLY_LISTS = ["clients:visitinterval_list", "clients:screeningcampaign_list", "training:competition_list",
                   "funding:indicatorsystem_list"]


@pytest.mark.django_db
@pytest.mark.parametrize("name", PAGE_ONLY_LISTS)
def test_lists_without_an_export_render_their_table_and_offer_none(web, admin_user, name):
    from django.urls import reverse

    page = web(admin_user).get(reverse(name))
    assert page.status_code == 200 and '<thead class="table-light">' in page.content.decode()
    assert page.context["has_export"] is False


@pytest.mark.django_db
def test_the_screening_page_of_a_station_renders_its_table(web, xiaohe, station_xiaohe):
    from clients.models import Client, ScreeningCampaign, ScreeningRecord

    found, waiting = (Client.objects.create(station=station_xiaohe, name=name, id_number=f"41062119600517{i:03d}1",
                                            registered_on=datetime.date(2024, 1, 2))
                      for i, name in enumerate(["王建华", "李<小>梅"]))
    campaign = ScreeningCampaign.objects.create(county=station_xiaohe.county, name="2024 排查",
                                                start_on=datetime.date(2024, 1, 1), end_on=datetime.date(2024, 12, 31))
    campaign.stations.add(station_xiaohe)
    ScreeningRecord.objects.create(campaign=campaign, client=found, screened_on=datetime.date(2024, 3, 4),
                                   result="found", risk_level="high")
    page = web(xiaohe).get(f"/clients/screening/{campaign.pk}/stations/{station_xiaohe.pk}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "李&lt;小&gt;梅" in html and "2024-03-04" in html and 'class="badge text-bg-danger"' in html
    assert f"/clients/screening/{campaign.pk}/clients/{waiting.pk}/" in html
