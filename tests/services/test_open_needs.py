"""Needs recorded on visits (``Visit.need_kinds``) and the open-needs page (待对接需求): a kind
of help stays open until a resource link of that kind reaches the client after the visit; each
open need suggests the county's partners who offer it, one click from a pre-filled link."""

import datetime
from decimal import Decimal

import pytest
from django.utils import timezone

from partners.choices import HelpKind, PartnerKind
from services import services
from services.models import Visit
from stations.models import Region
from tests.partners.conftest import make_partner

pytestmark = pytest.mark.django_db


@pytest.fixture
def county(db):
    return Region.objects.get(name="浚县")


def recent(days):
    return timezone.localdate() - datetime.timedelta(days=days)


def visit(client, days, kinds, **extra):
    return services.visit_record(client=client, visited_on=recent(days), kind="home_visit", need_kinds=kinds, **extra)


def rows(response):
    assert response.status_code == 200
    return {(row.visit.client.name, tuple(row.kinds)) for row in response.context["rows"]}


def test_a_need_stays_open_until_a_link_of_its_kind_after_the_visit(web, xiaohe, person, station_xiaohe, county):
    grandma = person(station_xiaohe, "王奶奶")
    charity = make_partner(county, "浚县慈善总会", offers=(HelpKind.CASH,))
    make_partner(county, "爱心超市", kind=PartnerKind.COMMUNITY, offers=(HelpKind.GOODS, HelpKind.CASH))
    make_partner(county, "小河村委会", kind=PartnerKind.COMMUNITY, offers=(HelpKind.GOODS,), station=station_xiaohe)
    services.resource_link_record(station=station_xiaohe, linked_on=recent(40), kind="cash", description="早先的",
                                  value=Decimal("100"), partner=charity, client=grandma)  # before the visit
    needed = visit(grandma, 30, ["cash", "goods"])
    page = web(xiaohe).get("/services/open-needs/")
    assert rows(page) == {("王奶奶", ("cash", "goods"))}
    row = page.context["rows"][0]
    assert [p.name for p in row.suggestions["cash"]] == ["浚县慈善总会", "爱心超市"]
    assert [p.name for p in row.suggestions["goods"]] == ["小河村委会", "爱心超市"]  # the station's own first
    html = page.content.decode()
    assert f"partner={charity.pk}" in html and f"visit={needed.pk}" in html and "kind=cash" in html
    services.resource_link_record(station=station_xiaohe, linked_on=recent(20), kind="cash", description="救助金",
                                  value=Decimal("800"), partner=charity, client=grandma)
    assert rows(web(xiaohe).get("/services/open-needs/")) == {("王奶奶", ("goods",))}


def test_open_needs_are_scoped_and_pinned(web, bureau, xiaohe, person, station_xiaohe, station_baisi, county,
                                          count_queries):
    make_partner(county, "浚县慈善总会", offers=(HelpKind.CASH,))
    visit(person(station_xiaohe, "小河甲"), 10, ["cash"])
    visit(person(station_baisi, "白寺甲"), 10, ["cash"])
    assert rows(web(xiaohe).get("/services/open-needs/")) == {("小河甲", ("cash",))}
    assert {name for name, _ in rows(web(bureau).get("/services/open-needs/"))} == {"小河甲", "白寺甲"}
    client = web(bureau)
    few = count_queries(lambda: client.get("/services/open-needs/"))
    for i in range(27):
        visit(person(station_baisi if i % 2 else station_xiaohe, f"对象{i}"), 5 + i, ["cash", "goods"])
    assert count_queries(lambda: client.get("/services/open-needs/")) == few


def test_need_kinds_through_the_form_and_the_api(web, api, xiaohe, person, station_xiaohe):
    grandma = person(station_xiaohe, "王奶奶")
    body = {"client": grandma.pk, "visited_on": str(recent(3)), "kind": "home_visit", "need_kinds": ["medical"]}
    created = api(xiaohe).post("/api/v1/visits/", body, format="json")
    assert created.status_code == 201 and created.data["need_kinds"] == ["medical"]
    bad = api(xiaohe).post("/api/v1/visits/", {**body, "need_kinds": ["flying"]}, format="json")
    assert bad.status_code == 400 and "need_kinds" in bad.data
    twice = api(xiaohe).post("/api/v1/visits/", {**body, "need_kinds": ["cash", "cash"]}, format="json")
    assert twice.status_code == 400 and "need_kinds" in twice.data
    assert Visit.objects.filter(client=grandma).count() == 1
    page = web(xiaohe).get(f"/services/visits/{created.data['id']}/edit/")
    form = page.context["form"]
    assert "need_kinds" in form.fields and form["need_kinds"].value() == ["medical"]
    assert "医疗" in web(xiaohe).get(f"/services/visits/{created.data['id']}/").content.decode()


def test_open_needs_come_a_page_at_a_time_and_say_when_capped(web, bureau, person, station_xiaohe, monkeypatch,
                                                             count_queries):
    """50 a page like every list (a county's 300 open needs written at once, make bench's crawl),
    the count over all, and a note when only the newest ``MAX_ROWS`` are listed."""
    from portal.views import ObjectListView
    from services import needs

    monkeypatch.setattr(ObjectListView, "paginate_by", 4)
    for i in range(9):
        visit(person(station_xiaohe, f"对象{i}"), 3 + i, ["cash"])
    client = web(bureau)
    first = client.get("/services/open-needs/")
    assert first.context["paginator"].count == 9 and len(first.context["table"].rows) == 4
    assert [r.visit.pk for r in first.context["table"].rows] == [r.visit.pk for r in first.context["rows"][:4]]
    third = client.get("/services/open-needs/", {"page": 3})
    assert len(third.context["table"].rows) == 1 and "对象8" in third.content.decode()
    assert client.get("/services/open-needs/", {"page": 9}).status_code == 404
    assert "open-needs-capped" not in first.content.decode()
    assert count_queries(lambda: client.get("/services/open-needs/", {"page": 2})) == count_queries(
        lambda: client.get("/services/open-needs/"))
    monkeypatch.setattr(needs, "MAX_ROWS", 5)
    monkeypatch.setattr(needs.open_needs, "__kwdefaults__", {"since": None, "station": None, "limit": 5})
    capped = client.get("/services/open-needs/")
    assert capped.context["paginator"].count == 5 and "open-needs-capped" in capped.content.decode()
