"""The client edit form never puts the full ID number in the page (issue 21, item 4): the detail
page needs a logged reveal, so the edit form must not be a way round it."""

import pytest

from accounts.models import AccessLog
from clients.models import Client

from .conftest import new_id_number

pytestmark = pytest.mark.django_db


def test_the_edit_form_shows_the_mask_not_the_number(web, xiaohe, xiaohe_client):
    reveals = AccessLog.objects.filter(action=AccessLog.Action.REVEAL).count()
    page = web(xiaohe).get(f"/clients/{xiaohe_client.pk}/edit/")
    assert page.status_code == 200
    html = page.content.decode()
    assert xiaohe_client.id_number not in html
    assert xiaohe_client.id_number[6:14] not in html  # not even the birth digits
    assert xiaohe_client.id_number[:6] + "*" * 12 in html  # the mask as the field's placeholder
    assert AccessLog.objects.filter(action=AccessLog.Action.REVEAL).count() == reveals


def test_a_refused_save_does_not_echo_the_number_either(web, xiaohe, xiaohe_client):
    page = web(xiaohe).post(f"/clients/{xiaohe_client.pk}/edit/", {
        "station": xiaohe_client.station_id, "name": "", "id_number": ""})
    assert page.status_code == 200 and page.context["form"].errors["name"]
    assert xiaohe_client.id_number not in page.content.decode()


def test_leaving_it_empty_keeps_the_number_and_a_new_one_replaces_it(web, xiaohe, xiaohe_client):
    data = {"station": xiaohe_client.station_id, "name": "张三丰", "id_number": "",
            "phone": "13812341234"}
    assert web(xiaohe).post(f"/clients/{xiaohe_client.pk}/edit/", data).status_code == 302
    person = Client.objects.get(pk=xiaohe_client.pk)
    assert person.id_number == xiaohe_client.id_number and person.name == "张三丰"
    number = new_id_number()
    data.update(id_number=number)
    assert web(xiaohe).post(f"/clients/{xiaohe_client.pk}/edit/", data).status_code == 302
    assert Client.objects.get(pk=xiaohe_client.pk).id_number == number
