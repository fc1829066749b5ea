"""Audit history in every app (SECURITY.md "Audit"): a web edit of a person, a visit, a
training or a contract keeps who made it and from which IP address, and the record's page
shows it — not only the organisation layer's records."""

import datetime
import random
from decimal import Decimal

import pytest
from django.apps import apps
from django.forms import CheckboxInput

from clients import idnumbers
from clients import services as client_services
from clients.choices import Category
from funding import services as funding_services
from portal.history import history_entries
from services import services as visit_services
from services.choices import VisitKind
from stations.models import Organisation, Region, Staff
from training import services as training_services
from training.models import Training

pytestmark = pytest.mark.django_db
IP = "127.0.0.1"  # the test client's REMOTE_ADDR
_rng = random.Random(2024)


def _register(station, name):
    return client_services.client_register(
        station=station, name=name, id_number=idnumbers.generate(_rng, born=datetime.date(1950, 5, 17), male=True),
        registered_on=datetime.date(2022, 1, 1),
        categories=[{"category": Category.SUBSISTENCE_ALLOWANCE, "start_on": datetime.date(2022, 1, 1)}])


def _as_posted(form):
    """What a browser posts for the unchanged edit form ``form``."""
    data = {}
    for name, field in form.fields.items():
        if field.disabled:
            continue
        value = form[name].value()
        if isinstance(field.widget, CheckboxInput):
            if value:
                data[name] = "on"
        elif isinstance(value, list | tuple):
            data[name] = [str(v) for v in value]
        elif value is not None:
            data[name] = str(value)
    return data


def _edit(browser, url, **changes):
    """Open the edit page, change ``changes``, save: the redirect of a successful save."""
    page = browser.get(url)
    assert page.status_code == 200, url
    data = {**_as_posted(page.context["form"]), **changes}
    response = browser.post(url, data)
    assert response.status_code == 302, (url, response.context and response.context["form"].errors)
    return response


def _newest(record):
    return type(record).history.filter(id=record.pk).order_by("-history_id").first()


def _assert_audited(record, user, field, value):
    row = _newest(record)
    assert row.history_type == "~"
    assert row.history_user == user
    assert row.ip_address == IP
    entry = history_entries(record)[0]
    assert entry.ip == IP
    assert (field, value) in {(c.field, c.after) for c in entry.changes}


def test_every_audited_model_keeps_the_ip_address():
    audited = [m for m in apps.get_models() if getattr(m._meta, "simple_history_manager_attribute", None)]
    assert {"clients", "services", "training", "funding", "stations"} <= {m._meta.app_label for m in audited}
    assert [m._meta.label for m in audited if not isinstance(m._meta.simple_history_manager_attribute, str)
            or "ip_address" not in {f.name for f in m.history.model._meta.fields}] == []


def test_a_web_edit_of_a_person_keeps_who_and_the_ip(web, xiaohe, station_xiaohe):
    person = _register(station_xiaohe, "张三")
    browser = web(xiaohe)
    _edit(browser, f"/clients/{person.pk}/edit/", address="小河镇东街3号")
    person.refresh_from_db()
    _assert_audited(person, xiaohe, "address", "小河镇东街3号")
    page = browser.get(f"/clients/{person.pk}/").content.decode()
    assert "record-history" in page and f"IP {IP}" in page


def test_a_web_edit_of_a_visit_keeps_who_and_the_ip(web, xiaohe, station_xiaohe):
    person = _register(station_xiaohe, "李四")
    visit = visit_services.visit_record(client=person, visited_on=datetime.date(2024, 3, 4), kind=VisitKind.HOME_VISIT,
                                        workers=[Staff.objects.get(user=xiaohe)], user=xiaohe, findings="入户探访")
    browser = web(xiaohe)
    _edit(browser, f"/services/visits/{visit.pk}/edit/", findings="老人身体尚好")
    visit.refresh_from_db()
    _assert_audited(visit, xiaohe, "findings", "老人身体尚好")
    assert f"IP {IP}" in browser.get(f"/services/visits/{visit.pk}/").content.decode()


def test_a_web_edit_of_a_training_keeps_who_and_the_ip(web, center):
    county = Region.objects.get(code="410621")
    training = training_services.training_save(training=Training(
        county=county, topic="社会救助政策培训", held_on=datetime.date(2025, 3, 1), hours=Decimal("6"),
        organiser=Organisation.objects.get(short_name="指导中心")))
    browser = web(center)
    _edit(browser, f"/training/{training.pk}/edit/", topic="儿童保护政策培训")
    training.refresh_from_db()
    _assert_audited(training, center, "topic", "儿童保护政策培训")
    assert f"IP {IP}" in browser.get(f"/training/{training.pk}/").content.decode()


def test_a_web_edit_of_a_contract_keeps_who_and_the_ip(web, bureau_admin, station_xiaohe):
    contract = funding_services.contract_create(
        county=Region.objects.get(code="410621"), year=2023, code="XXGM-2023-09", name="2023年运营项目",
        contractor=Organisation.objects.get(short_name="鹤壁七彩"), amount=Decimal("660000"),
        start_on=datetime.date(2023, 1, 1), end_on=datetime.date(2023, 12, 31), stations=[station_xiaohe])
    browser = web(bureau_admin)
    _edit(browser, f"/funding/contracts/{contract.pk}/edit/", name="2023年浚县社工站运营项目")
    contract.refresh_from_db()
    _assert_audited(contract, bureau_admin, "name", "2023年浚县社工站运营项目")
    assert f"IP {IP}" in browser.get(f"/funding/contracts/{contract.pk}/").content.decode()
