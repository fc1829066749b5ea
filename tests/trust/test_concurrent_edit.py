"""Two people edit the same station or staff post (issue 8 §3): the second save is told and
shown what the first one changed, and nothing is silently overwritten."""

import pytest
from django.core.exceptions import ValidationError

from portal import locking
from stations import services
from stations.forms import StaffForm
from stations.models import Staff, Station

pytestmark = pytest.mark.django_db


def _form_data(form):
    """What a browser posts back for an unchanged form (its initial values)."""
    data = {}
    for name in form.fields:
        value = form[name].value()
        if isinstance(value, bool):
            if value:
                data[name] = "on"
        elif value is not None:
            data[name] = value.isoformat() if hasattr(value, "isoformat") else value
    return data


def _open_station_edit(client, station):
    page = client.get(f"/stations/{station.pk}/edit/")
    assert page.status_code == 200
    return _form_data(page.context["form"])


def test_second_station_save_is_refused_and_shows_the_difference(web, bureau_admin, xiaohe_head, station_xiaohe):
    head, admin = web(xiaohe_head), web(bureau_admin)
    mine = _open_station_edit(head, station_xiaohe)
    theirs = _open_station_edit(admin, station_xiaohe)

    assert admin.post(f"/stations/{station_xiaohe.pk}/edit/", {**theirs, "phone": "0392-1111111"}).status_code == 302
    response = head.post(f"/stations/{station_xiaohe.pk}/edit/", {**mine, "brand": "五室联动·新"})

    assert response.status_code == 200
    form = response.context["form"]
    assert "0392-1111111" in form.errors["phone"][0]
    assert form.non_field_errors()
    station_xiaohe.refresh_from_db()
    assert station_xiaohe.phone == "0392-1111111"          # the first save stands
    assert station_xiaohe.brand != "五室联动·新"            # the second did not silently land
    html = response.content.decode()
    assert "0392-1111111" in html and "五室联动·新" in html  # theirs shown, mine kept in the form


def test_saving_again_after_seeing_the_difference_is_deliberate(web, bureau_admin, xiaohe_head, station_xiaohe):
    head, admin = web(xiaohe_head), web(bureau_admin)
    mine = _open_station_edit(head, station_xiaohe)
    theirs = _open_station_edit(admin, station_xiaohe)
    admin.post(f"/stations/{station_xiaohe.pk}/edit/", {**theirs, "phone": "0392-1111111"})
    refused = head.post(f"/stations/{station_xiaohe.pk}/edit/", {**mine, "brand": "五室联动·新"})
    again = _form_data(refused.context["form"])  # the re-rendered form now carries the current state
    assert head.post(f"/stations/{station_xiaohe.pk}/edit/", again).status_code == 302
    station_xiaohe.refresh_from_db()
    assert station_xiaohe.brand == "五室联动·新"
    assert station_xiaohe.phone == "0392-1111111"  # the field they changed was not quietly undone


def test_a_field_both_changed_keeps_my_entry_when_i_save_again(web, bureau_admin, xiaohe_head, station_xiaohe):
    head, admin = web(xiaohe_head), web(bureau_admin)
    mine = _open_station_edit(head, station_xiaohe)
    theirs = _open_station_edit(admin, station_xiaohe)
    admin.post(f"/stations/{station_xiaohe.pk}/edit/", {**theirs, "phone": "0392-1111111"})
    refused = head.post(f"/stations/{station_xiaohe.pk}/edit/", {**mine, "phone": "0392-9999999"})
    assert "0392-1111111" in refused.context["form"].errors["phone"][0]
    again = _form_data(refused.context["form"])
    assert again["phone"] == "0392-9999999"
    assert head.post(f"/stations/{station_xiaohe.pk}/edit/", again).status_code == 302
    station_xiaohe.refresh_from_db()
    assert station_xiaohe.phone == "0392-9999999"


def test_the_same_change_made_by_both_is_no_conflict(web, bureau_admin, xiaohe_head, station_xiaohe):
    head, admin = web(xiaohe_head), web(bureau_admin)
    mine = _open_station_edit(head, station_xiaohe)
    theirs = _open_station_edit(admin, station_xiaohe)
    admin.post(f"/stations/{station_xiaohe.pk}/edit/", {**theirs, "phone": "0392-1111111"})
    assert head.post(f"/stations/{station_xiaohe.pk}/edit/", {**mine, "phone": "0392-1111111"}).status_code == 302


def test_an_unchanged_record_saves_normally(web, bureau_admin, station_baisi):
    client = web(bureau_admin)
    data = _open_station_edit(client, station_baisi)
    assert client.post(f"/stations/{station_baisi.pk}/edit/", {**data, "phone": "0392-2222222"}).status_code == 302


def test_a_tampered_stamp_is_refused(web, bureau_admin, station_baisi):
    client = web(bureau_admin)
    data = _open_station_edit(client, station_baisi)
    response = client.post(f"/stations/{station_baisi.pk}/edit/", {**data, "loaded_state": "x" + data["loaded_state"]})
    assert response.status_code == 200 and response.context["form"].non_field_errors()


def test_second_staff_save_is_refused(bureau_admin, bureau):
    staff = Staff.objects.get(user__username="baisi")
    first = StaffForm(instance=Staff.objects.get(pk=staff.pk), user=bureau_admin)
    second = StaffForm(instance=Staff.objects.get(pk=staff.pk), user=bureau_admin)
    data_first, data_second = _form_data(first), _form_data(second)
    one = StaffForm({**data_first, "phone": "13911112222"}, instance=Staff.objects.get(pk=staff.pk), user=bureau_admin)
    assert one.is_valid(), one.errors
    one.save()
    two = StaffForm({**data_second, "name": "白寺社工甲"}, instance=Staff.objects.get(pk=staff.pk), user=bureau_admin)
    assert not two.is_valid()
    assert "13911112222" in two.errors["phone"][0]
    staff.refresh_from_db()
    assert staff.phone == "13911112222" and staff.name != "白寺社工甲"


def test_the_service_rechecks_under_a_row_lock(station_baisi):
    # A save that passed the form's check but lost the race inside the transaction.
    expected = locking.record_state(station_baisi, ["phone", "brand"])
    Station.objects.filter(pk=station_baisi.pk).update(phone="0392-3333333")
    stale = Station.objects.get(pk=station_baisi.pk)
    stale.brand = "别的品牌"
    with pytest.raises(locking.ConcurrentEditError) as raised:
        services.station_save(station=stale, expected=expected)
    assert raised.value.changes[0][0] == "phone"
    assert isinstance(raised.value, ValidationError)
    station_baisi.refresh_from_db()
    assert station_baisi.brand != "别的品牌"


def test_the_edit_page_shows_a_lost_race_instead_of_failing(web, bureau_admin, station_baisi, monkeypatch):
    client = web(bureau_admin)
    data = _open_station_edit(client, station_baisi)
    original = services.station_save

    def racing_save(*, station, expected=None):  # someone saves between the form's check and ours
        Station.objects.filter(pk=station.pk).update(phone="0392-4444444")
        return original(station=station, expected=expected)

    monkeypatch.setattr(services, "station_save", racing_save)
    response = client.post(f"/stations/{station_baisi.pk}/edit/", {**data, "brand": "新品牌"})
    assert response.status_code == 200
    assert "0392-4444444" in response.context["form"].errors["phone"][0]
    station_baisi.refresh_from_db()
    assert station_baisi.brand != "新品牌"
