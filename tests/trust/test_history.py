"""Audit history (issue 8 §1): every change keeps who, when, from which IP, and each field's
value before and after; a record's detail page shows it."""

import pytest

from portal.history import history_entries, mask
from stations import services
from stations.models import FIVE_HAVE, FIVE_STANDARDS, Organisation, Staff

pytestmark = pytest.mark.django_db


def _edit_station(client, station, **changes):
    fields = ["name", "short_name", "address", "phone", "brand", "brand_description"]
    data = {f: getattr(station, f) for f in fields}
    data.update(town=station.town_id, operator=station.operator_id or "", opened_on=station.opened_on.isoformat())
    data.update({f: "on" for f, _label in FIVE_HAVE + FIVE_STANDARDS if getattr(station, f)})
    data.update(changes)
    return client.post(f"/stations/{station.pk}/edit/", data, REMOTE_ADDR="10.20.30.40")


def test_a_web_edit_keeps_who_when_from_where_and_before_after(web, bureau_admin, station_baisi):
    response = _edit_station(web(bureau_admin), station_baisi, phone="0392-5550101")
    assert response.status_code == 302
    row = station_baisi.history.latest()
    assert row.history_type == "~"
    assert row.history_user == bureau_admin
    assert row.ip_address == "10.20.30.40"
    entry = history_entries(station_baisi)[0]
    assert entry.ip == "10.20.30.40"
    assert entry.role == bureau_admin.staff.get_role_display()
    assert [(c.field, c.before, c.after) for c in entry.changes] == [
        ("phone", station_baisi.phone or "—", "0392-5550101")
    ]


def test_the_station_page_shows_its_history(web, bureau_admin, station_baisi):
    _edit_station(web(bureau_admin), station_baisi, brand="爱心小屋2.0")
    page = web(bureau_admin).get(f"/stations/{station_baisi.pk}/")
    html = page.content.decode()
    assert "record-history" in html
    assert "爱心小屋2.0" in html and "10.20.30.40" in html


def test_the_staff_page_shows_its_history(web, bureau_admin):
    staff = Staff.objects.get(user__username="baisi")
    services.staff_update(staff=staff, phone="13900001111")
    html = web(bureau_admin).get(f"/staff/{staff.pk}/").content.decode()
    assert "record-history" in html and "13900001111" in html


def test_creation_lists_the_values_set_and_foreign_keys_by_name(station_baisi):
    org = Organisation.objects.create(name="鹤壁测试社工机构", kind="provider", region=station_baisi.county)
    org.contact = "王五"
    org.save()
    newest, created = history_entries(org)
    assert created.kind == "+" and newest.kind == "~"
    assert {"name", "kind", "region"} <= {c.field for c in created.changes}
    region = next(c for c in created.changes if c.field == "region")
    assert region.after == station_baisi.county.name  # a foreign key by name, not by id
    assert [(c.field, c.before, c.after) for c in newest.changes] == [("contact", "—", "王五")]


def test_a_record_without_history_shows_an_empty_card(web, bureau_admin, station_xiaohe):
    station_xiaohe.history.all().delete()
    assert history_entries(station_xiaohe) == []
    assert "record-history" in web(bureau_admin).get(f"/stations/{station_xiaohe.pk}/").content.decode()


def test_masked_fields_never_show_in_full():
    assert mask("410621199001011234") == "410621************"
    assert mask("13900001111") == "****"
    assert mask("") == ""


def test_history_is_scoped_like_its_record(web, xiaohe, station_baisi):
    # The history lives on the detail page, which answers 404 outside the worker's scope.
    assert web(xiaohe).get(f"/stations/{station_baisi.pk}/").status_code == 404
