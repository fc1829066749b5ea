"""One optimistic lock for every editable record (issue 13 item 4).

Web: the edit form carries the signed snapshot of its fields (``OptimisticLockFormMixin``);
API: ``version`` is the newest audit-history id (``VersionedModelSerializer``), required on
PUT and PATCH. Both end in ``portal.locking.check_not_changed_since`` inside the service's
transaction. A stale second save is refused with the other person's value on the field and
nothing is written. The visit form carries a one-time token: posted twice, it saves once."""

import datetime
import random
from decimal import Decimal

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from clients import idnumbers
from clients import services as client_services
from clients.choices import Category
from clients.models import Client, Household
from funding import services as funding_services
from funding.models import Contract
from portal.api.serializers import VersionedModelSerializer
from portal.forms import OptimisticLockFormMixin
from portal.views import ObjectEditView
from services import services as service_services
from services.choices import ActivityKind, ResourceKind, SourceKind, VisitKind
from services.models import Activity, Group, ResourceLink, Visit
from stations.models import Organisation, Region, Staff, Station
from training import services as training_services
from training.models import Training

pytestmark = pytest.mark.django_db

DAY = datetime.date(2024, 3, 4)
_rng = random.Random(1304)


def _person(station, name="王秀英"):
    while True:
        number = idnumbers.generate(_rng, born=datetime.date(1950, 5, 17), male=False)
        if not Client.objects.filter(id_number=number).exists():
            break
    return client_services.client_register(
        station=station, name=name, id_number=number, registered_on=datetime.date(2022, 1, 1),
        categories=[{"category": Category.SUBSISTENCE_ALLOWANCE, "start_on": datetime.date(2022, 1, 1)}])


def _staff(username):
    return Staff.objects.get(user__username=username)


def make_visit():
    return service_services.visit_record(client=_person(Station.objects.get(short_name="小河站")), visited_on=DAY,
                                         kind=VisitKind.HOME_VISIT, workers=[_staff("xiaohe")], findings="独居")


def make_client():
    return _person(Station.objects.get(short_name="小河站"), "张桂兰")


def make_station():
    return Station.objects.get(short_name="小河站")


def make_household():
    return client_services.household_create(station=Station.objects.get(short_name="小河站"), address="小河村3号")


def make_resource_link():
    return service_services.resource_link_record(
        station=Station.objects.get(short_name="小河站"), linked_on=DAY, kind=ResourceKind.values[0],
        description="米面油", value=Decimal("300"), source_kind=SourceKind.values[0], source_name="爱心企业")


def make_activity():
    return service_services.activity_record(station=Station.objects.get(short_name="小河站"), held_on=DAY,
                                            title="重阳节活动", kind=ActivityKind.values[0], participant_count=20)


def make_group():
    return service_services.group_create(station=Station.objects.get(short_name="小河站"), theme="老年互助小组",
                                         created_on=DAY)


def make_training():
    training = Training(county=Region.objects.get(code="410621"), topic="社会救助政策培训",
                        held_on=datetime.date(2025, 3, 1), hours=Decimal("6"),
                        organiser=Organisation.objects.get(short_name="指导中心"))
    return training_services.training_save(training=training)


def make_contract():
    return funding_services.contract_create(
        county=Region.objects.get(name="浚县"), year=2023, code="LOCK-2023-01", name="2023年运营项目",
        contractor=Organisation.objects.get(short_name="鹤壁七彩"), amount=Decimal("660000"),
        start_on=datetime.date(2023, 1, 1), end_on=datetime.date(2023, 12, 31),
        stations=[Station.objects.get(short_name="小河站")])


# name: (model, maker, user, web edit url, api url, (field, their value), (field, my value))
KINDS = {
    "visit": (Visit, make_visit, "xiaohe", "/services/visits/{}/edit/", "/api/v1/visits/{}/",
              ("findings", "独居，灶台有安全隐患"), ("needs", "助餐服务")),
    "client": (Client, make_client, "xiaohe", "/clients/{}/edit/", "/api/v1/clients/{}/",
               ("address", "小河村五组12号"), ("village", "后小河村")),
    "station": (Station, make_station, "admin", "/stations/{}/edit/", "/api/v1/stations/{}/",
                ("phone", "0392-1111111"), ("brand", "五室联动·新")),
    "household": (Household, make_household, "xiaohe", "/clients/households/{}/edit/", "/api/v1/households/{}/",
                  ("address", "小河村4号"), ("notes", "低保边缘户")),
    "resource link": (ResourceLink, make_resource_link, "xiaohe", "/services/resource-links/{}/edit/",
                      "/api/v1/resource-links/{}/", ("description", "米面油两袋"), ("source_name", "县慈善总会")),
    "activity": (Activity, make_activity, "xiaohe", "/services/activities/{}/edit/", "/api/v1/activities/{}/",
                 ("title", "重阳节敬老活动"), ("location", "小河村委会")),
    "group": (Group, make_group, "xiaohe", "/services/groups/{}/edit/", "/api/v1/groups/{}/",
              ("theme", "老年互助小组（二期）"), ("goals", "减少孤独感")),
    "training": (Training, make_training, "center", "/training/{}/edit/", "/api/v1/trainings/{}/",
                 ("topic", "社会救助政策解读培训"), ("location", "县民政局三楼")),
    "contract": (Contract, make_contract, "bureau", "/funding/contracts/{}/edit/", "/api/v1/contracts/{}/",
                 ("name", "2023年小河站运营项目"), ("notes", "按季度拨付")),
}


def _user(username):
    from django.contrib.auth import get_user_model

    return get_user_model().objects.get(username=username)


def _form_data(form):
    """What a browser posts back for an unchanged form (its initial values)."""
    data = {}
    for name, field in form.fields.items():
        if field.disabled:
            continue
        value = form[name].value()
        if isinstance(value, bool):
            if value:
                data[name] = "on"
        elif isinstance(value, (list, tuple)):
            data[name] = [getattr(v, "pk", v) for v in value]
        elif value is not None:
            data[name] = value.isoformat() if hasattr(value, "isoformat") else getattr(value, "pk", value)
    return data


def _url(template, pk):
    return template.format(pk)


@pytest.mark.parametrize("kind", list(KINDS))
def test_a_stale_web_edit_is_refused_with_their_value_and_nothing_written(kind, web):
    model, make, username, edit_url, _api_url, (theirs_field, theirs_value), (my_field, my_value) = KINDS[kind]
    record = make()
    url = _url(edit_url, record.pk)
    me, them = web(_user(username)), web(_user(username))
    page = me.get(url)
    assert page.status_code == 200, page.status_code
    assert isinstance(page.context["form"], OptimisticLockFormMixin)
    mine = _form_data(page.context["form"])
    theirs = _form_data(them.get(url).context["form"])

    first = them.post(url, {**theirs, theirs_field: theirs_value})
    assert first.status_code == 302, first.context["form"].errors if first.context else first
    second = me.post(url, {**mine, my_field: my_value})

    assert second.status_code == 200
    form = second.context["form"]
    assert form.non_field_errors()
    assert theirs_value in form.errors[theirs_field][0]          # the other person's value, on the field
    row = model._base_manager.get(pk=record.pk)
    assert getattr(row, theirs_field) == theirs_value            # the first save stands
    assert getattr(row, my_field) != my_value                    # nothing of the second was written


@pytest.mark.parametrize("kind", list(KINDS))
def test_a_stale_api_edit_is_refused_with_their_value_and_nothing_written(kind, api):
    model, make, username, _edit_url, api_url, (theirs_field, theirs_value), (my_field, my_value) = KINDS[kind]
    record = make()
    url = _url(api_url, record.pk)
    me, them = api(_user(username)), api(_user(username))
    version = me.get(url).json()["version"]
    assert isinstance(version, int)

    first = them.patch(url, {theirs_field: theirs_value, "version": version}, format="json")
    assert first.status_code == 200, first.json()
    assert first.json()["version"] > version
    second = me.patch(url, {my_field: my_value, "version": version}, format="json", HTTP_ACCEPT_LANGUAGE="en")

    assert second.status_code == 400, second.json()
    body = second.json()
    assert "Someone else saved this record" in body["version"][0]
    assert theirs_value in body[theirs_field][0]                 # the other person's value, named
    row = model._base_manager.get(pk=record.pk)
    assert getattr(row, theirs_field) == theirs_value
    assert getattr(row, my_field) != my_value
    assert not row.history.filter(**{my_field: my_value}).exists()


@pytest.mark.parametrize("kind", list(KINDS))
def test_a_patch_without_version_is_refused_naming_version(kind, api):
    model, make, username, _edit_url, api_url, _theirs, (my_field, my_value) = KINDS[kind]
    record = make()
    response = api(_user(username)).patch(_url(api_url, record.pk), {my_field: my_value}, format="json",
                                          HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 400
    assert list(response.json()) == ["version"]
    assert "version" in response.json()["version"][0]
    assert getattr(model._base_manager.get(pk=record.pk), my_field) != my_value


def test_a_put_without_version_is_refused_too(api, xiaohe):
    visit = make_visit()
    client = api(xiaohe)
    read = client.get(f"/api/v1/visits/{visit.pk}/").json()
    body = {k: read[k] for k in ("client", "visited_on", "kind", "workers", "findings", "needs", "risk_level",
                                 "follow_up_on", "tags")}
    assert client.put(f"/api/v1/visits/{visit.pk}/", body, format="json").status_code == 400
    assert client.put(f"/api/v1/visits/{visit.pk}/", {**body, "version": read["version"]},
                      format="json").status_code == 200


def test_a_record_without_history_has_version_0_and_0_matches_it(api, xiaohe):
    visit = make_visit()
    visit.history.all().delete()  # as bulk-loaded data: no history row
    client = api(xiaohe)
    assert client.get(f"/api/v1/visits/{visit.pk}/").json()["version"] == 0
    listed = {row["id"]: row["version"] for row in client.get("/api/v1/visits/").json()["results"]}
    assert listed[visit.pk] == 0
    saved = client.patch(f"/api/v1/visits/{visit.pk}/", {"needs": "助餐", "version": 0}, format="json")
    assert saved.status_code == 200, saved.json()
    assert saved.json()["version"] > 0
    stale = client.patch(f"/api/v1/visits/{visit.pk}/", {"needs": "助浴", "version": 0}, format="json")
    assert stale.status_code == 400 and "version" in stale.json()
    visit.refresh_from_db()
    assert visit.needs == "助餐"


def test_the_visit_form_posted_twice_records_one_visit(web, xiaohe, station_xiaohe):
    person = _person(station_xiaohe)
    browser = web(xiaohe)
    form = browser.get("/services/visits/add/").context["form"]
    token = form["form_token"].value()
    assert token
    data = {"clients": [person.pk], "visited_on": "2024-03-01", "kind": "home_visit", "form_token": token,
            "workers": [_staff("xiaohe").pk]}
    assert browser.post("/services/visits/add/", data).status_code == 302
    again = browser.post("/services/visits/add/", data)  # a double click, a second tab, a retry
    assert again.status_code == 200
    assert again.context["form"].non_field_errors()
    assert Visit.objects.filter(client=person).count() == 1
    # a new page gets a new token
    fresh = browser.get("/services/visits/add/").context["form"]["form_token"].value()
    assert fresh != token
    assert browser.post("/services/visits/add/", {**data, "form_token": fresh}).status_code == 302
    assert Visit.objects.filter(client=person).count() == 2


def test_a_forged_visit_form_token_is_refused(web, xiaohe, station_xiaohe):
    person = _person(station_xiaohe)
    response = web(xiaohe).post("/services/visits/add/", {
        "clients": [person.pk], "visited_on": "2024-03-01", "kind": "home_visit", "form_token": "not-signed"})
    assert response.status_code == 200
    assert response.context["form"].non_field_errors()
    assert not Visit.objects.filter(client=person).exists()


def _patterns(resolver, prefix=""):
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            yield from _patterns(pattern, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            yield prefix + str(pattern.pattern), pattern


def test_every_edit_page_uses_the_lock():
    unlocked = []
    for route, pattern in _patterns(get_resolver()):
        view = getattr(pattern.callback, "view_class", None)
        if view is None or not issubclass(view, ObjectEditView) or "<int:pk>" not in route:
            continue
        form_class = getattr(view, "form_class", None)
        if form_class is not None and not issubclass(form_class, OptimisticLockFormMixin):
            unlocked.append(route)
    assert unlocked == []


def test_every_api_update_uses_the_versioned_serializer():
    unversioned = []
    for route, pattern in _patterns(get_resolver()):
        viewset, actions = getattr(pattern.callback, "cls", None), getattr(pattern.callback, "actions", None) or {}
        if viewset is None or not ({"put", "patch"} & set(actions)):
            continue
        if not {"put", "patch"} & set(getattr(viewset, "http_method_names", [])):
            continue
        serializer = viewset.serializer_class
        if not issubclass(serializer, VersionedModelSerializer):
            unversioned.append(route)
    assert unversioned == []
