"""The list pages' dropdown filters stay short at city scale, and a list page costs at most
ten queries for a county or city user (PERFORMANCE.md): the worker dropdown lists the chosen
station's workers only, station and worker dropdowns are fetched once for listing and
validating, and the scope is one query."""

import datetime
import re

import pytest

from stations.models import Staff

pytestmark = pytest.mark.django_db


def _options(html, name):
    select = re.search(rf'<select name="{name}"[^>]*>(.*?)</select>', html, re.S)
    assert select, f"no <select name={name}>"
    return re.findall(r'<option value="([^"]*)"[^>]*>([^<]*)</option>', select.group(1))


def test_worker_dropdown_waits_for_a_station(web, bureau):
    html = web(bureau).get("/services/visits/").content.decode()
    assert _options(html, "worker") == [("", "请先选择站点")]


def test_worker_dropdown_lists_the_chosen_stations_workers(web, bureau, station_xiaohe):
    html = web(bureau).get("/services/visits/", {"station": station_xiaohe.pk}).content.decode()
    offered = {int(pk) for pk, _label in _options(html, "worker") if pk}
    expected = set(Staff.objects.workers().filter(station=station_xiaohe).values_list("pk", flat=True))
    assert offered == expected and offered


def test_a_chosen_worker_is_accepted_and_listed_without_a_station(web, bureau, station_baisi):
    from clients.models import Client
    from services import services
    from services.choices import VisitKind

    worker = Staff.objects.workers().filter(station=station_baisi).first()
    client = Client.objects.create(station=station_baisi, name="李四", id_number="410621196005170016",
                                   registered_on=datetime.date(2024, 1, 2))
    services.visit_record(client=client, visited_on=datetime.date(2024, 3, 4), kind=VisitKind.HOME_VISIT,
                          workers=[worker])
    response = web(bureau).get("/services/visits/", {"worker": worker.pk})
    html = response.content.decode()
    assert [pk for pk, _label in _options(html, "worker") if pk] == [str(worker.pk)]
    rows = response.context["object_list"]
    assert rows and all(worker in visit.workers.all() for visit in rows)


def test_a_worker_outside_the_scope_is_refused_not_listed(web, xiaohe, station_baisi):
    outsider = Staff.objects.workers().filter(station=station_baisi).first()
    response = web(xiaohe).get("/services/visits/", {"worker": outsider.pk})
    html = response.content.decode()
    assert response.status_code == 200
    assert str(outsider.pk) not in [pk for pk, _label in _options(html, "worker")]
    assert response.context["filterset"].form.errors.get("worker")


def test_a_station_user_sees_every_worker_of_the_station(web, xiaohe, station_xiaohe):
    html = web(xiaohe).get("/clients/").content.decode()
    offered = {int(pk) for pk, _label in _options(html, "worker") if pk}
    assert offered == set(Staff.objects.workers().filter(station=station_xiaohe).values_list("pk", flat=True))


@pytest.mark.parametrize("params", [{}, {"since": "2023-01-01"}, {"station": "STATION"},
                                    {"station": "STATION", "worker": "WORKER"}, {"tag": "1"}])
def test_visit_list_costs_at_most_ten_queries_for_the_county(web, bureau, station_xiaohe, count_queries, params):
    worker = Staff.objects.workers().filter(station=station_xiaohe).first()
    params = {key: {"STATION": station_xiaohe.pk, "WORKER": worker.pk}.get(value, value)
              for key, value in params.items()}
    client = web(bureau)
    client.get("/services/visits/", params)
    assert count_queries(lambda: client.get("/services/visits/", params)) <= 10


def test_training_list_filters_by_the_attendees_station(web, bureau, station_xiaohe):
    from training.models import Training

    response = web(bureau).get("/training/", {"station": station_xiaohe.pk})
    assert response.status_code == 200
    attended = set(Training.objects.filter(attendance__staff__station=station_xiaohe).values_list("pk", flat=True))
    assert {t.pk for t in response.context["object_list"]} <= attended


@pytest.mark.parametrize("value", [None, "", "2", 2])
def test_fast_select_renders_what_django_renders(value):
    from django import forms

    from portal.filters import FastSelect

    def normalise(html):
        html = re.sub(r">\s+<", "><", html.replace("selected>", " selected>").replace("  ", " ")).strip()
        opening, rest = html.split(">", 1)
        return sorted(re.findall(r'\w+="[^"]*"', opening)), rest

    choices = [("", "---------"), ("1", "小河站 <&>"), (2, "白寺站"), ("3", "第三")]
    attrs = {"id": "id_station", "class": "form-select"}
    django_html = forms.Select(choices=choices).render("station", value, attrs)
    fast_html = FastSelect(choices=choices).render("station", value, attrs)
    assert normalise(fast_html) == normalise(django_html)


def test_capped_count_reaches_ten_pages_past_the_page_asked_for():
    from portal.views import CappedCount, CappedCountPaginator

    class Small(CappedCountPaginator):
        cap, ahead = 5, 2

    staff = Staff.objects.order_by("pk")
    assert staff.count() > 12
    first = Small(staff, 1, wanted_page=1)
    assert isinstance(first.count, CappedCount) and int(first.count) == 5 and str(first.count) == "5+"
    deeper = Small(staff, 1, wanted_page="8")
    assert int(deeper.count) == 10 and deeper.page(8).object_list[0] == staff[7]
    assert Small(staff, 1, wanted_page="junk").limit == 5


def test_a_deep_page_is_served_past_the_minimum_cap(api, web, bureau, monkeypatch):
    from portal.views import CappedCountPaginator

    monkeypatch.setattr(CappedCountPaginator, "cap", 3)
    response = api(bureau).get("/api/v1/staff/", {"page_size": 1, "page": 15})
    assert response.status_code == 200, response.content
    body = response.json()
    assert len(body["results"]) == 1 and body["count"] >= 15 and body["next"]
    monkeypatch.setattr("stations.views.StaffListView.paginate_by", 1, raising=False)
    page = web(bureau).get("/staff/", {"page": 15})
    assert page.status_code == 200 and len(page.context["object_list"]) == 1


@pytest.mark.parametrize("widget, value", [("TextInput", None), ("TextInput", '王"<芳>'), ("DateInput", "2024-03-04"),
                                           ("NumberInput", 2024), ("NumberInput", None)])
def test_fast_inputs_render_what_django_renders(widget, value):
    from django import forms

    from portal import filters
    from portal.forms import DateInput

    attrs = {"id": "id_q", "class": "form-control form-control-sm"}
    # a date filter twins the forms' date input (the picker and its format hint), not Django's text one
    django_widget = DateInput if widget == "DateInput" else getattr(forms, widget)
    django_html = django_widget().render("q", value, attrs)
    fast_html = getattr(filters, f"Fast{widget}")().render("q", value, attrs)
    assert fast_html == django_html


def test_an_unset_yes_no_filter_reads_like_the_other_dropdowns(web, bureau):
    html = web(bureau).get("/staff/").content.decode()
    assert _options(html, "active")[0] == ("unknown", "---------")
    assert "未知" not in html


def test_the_station_dropdown_comes_with_the_scope(web, bureau):
    from stations.models import Station

    client = web(bureau)
    html = client.get("/services/visits/").content.decode()
    listed = [label for pk, label in _options(html, "station") if pk]
    assert listed == list(Station.objects.visible_to(bureau).order_by("town__code", "pk").values_list("name", flat=True))
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    chosen = Station.objects.first().pk
    with CaptureQueriesContext(connection) as captured:
        response = client.get("/services/visits/", {"station": chosen})
    assert response.status_code == 200 and not response.context["filterset"].form.errors
    # Neither listing the stations nor validating the chosen one reads the stations table again.
    assert not [q for q in captured.captured_queries if 'FROM "stations_station"' in q["sql"].split(" WHERE")[0]
                and "stations_staff" not in q["sql"]]


@pytest.mark.parametrize("url", ["/clients/", "/services/visits/", "/services/activities/"])
def test_a_station_outside_the_scope_is_refused_by_the_station_dropdown(web, bureau, url):
    """The county user's station dropdown lists and accepts the scope query's names only (it
    builds no scoped query of its own): another county's station is "not a valid choice"."""
    from stations.models import Region, Station

    qixian = Region.objects.get(name="淇县")
    town = Region.objects.create(code="410622100", name="测试镇", level="town", parent=qixian)
    other = Station.objects.create(name="淇县测试社工站", short_name="测试站", town=town, county=qixian,
                                   opened_on=datetime.date(2021, 1, 1))
    response = web(bureau).get(url, {"station": other.pk})
    assert response.status_code in (200, 400)
    form = response.context["filterset"].form
    assert not form.is_valid() and "station" in form.errors
    assert not any(getattr(row, "station_id", None) == other.pk for row in response.context["object_list"])
    assert f'value="{other.pk}"' not in response.content.decode()
